import { defineDiagnostic, type DraftFinding, fail, OUTBOUND_STAGES, pass } from "../src/diagnostic.js";
import { replaceDefaultRouteCommand } from "../src/fixes.js";
import type { DestinationPath, RouteMatch } from "../src/model/evidence.js";
import { factValue } from "../src/model/fact.js";
import { endpointsNote, hostsText, isCheckResult, networkPaths, originEvidence, originNote, undecided } from "../src/model/network-queries.js";
import { DOCS, originLabel, vpcIdOf } from "../src/model/queries.js";

/** The route that carries the pull points at a target that is gone or broken. */
export default defineDiagnostic({
  id: "route-blackhole",
  title: "The routes that carry the pull point at targets that exist and are available",
  docs: [DOCS.routeTables, DOCS.natGateway, DOCS.cannotPull],
  messageKinds: ["timeout", "canceled", "refused"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    // One finding per dead route, whichever destinations it carries: the subnet's own, or the NAT gateway's way out.
    const dead = new Map<string, { route: RouteMatch; behindNat?: string; paths: DestinationPath[] }>();
    // Paths an unread endpoint could serve take the dead route only if no endpoint does.
    const open: DestinationPath[] = [];
    for (const p of paths) {
      if (p.via !== "internet") continue;
      const hit = p.route?.blackhole ? { route: p.route } : p.nat?.route?.blackhole ? { route: p.nat.route, behindNat: p.route?.target.id } : undefined;
      if (!hit) continue;
      if (p.endpointsUnknown) {
        open.push(p);
        continue;
      }
      const key = `${hit.route.routeTableId} ${hit.route.destination}`;
      const entry = dead.get(key) ?? { ...hit, paths: [] };
      entry.paths.push(p);
      dead.set(key, entry);
    }
    if (dead.size === 0) return undecided(open, "a route that cannot carry traffic would carry the pull") ?? pass();
    const findings: DraftFinding[] = [];
    const nats = factValue(e.network.natGateways) ?? [];
    const working = factValue(e.network.workingNatGateways) ?? [];
    for (const { route, behindNat, paths: carried } of dead.values()) {
      const t = route.target;
      const problem = route.targetProblem ?? `the route's state is ${route.route.State}`;
      const alternative =
        t.kind === "nat-gateway"
          ? working.find((g) => g.NatGatewayId !== t.id)?.NatGatewayId
          : undefined;
      const nat = t.kind === "nat-gateway" ? nats.find((g) => g.NatGatewayId === t.id) : undefined;
      const commands: string[] = [];
      if (alternative) commands.push(replaceDefaultRouteCommand(e, route.routeTableId, route.destination, alternative));
      else if (t.kind === "nat-gateway") {
        commands.push(
          `aws ec2 allocate-address --region ${e.region} --domain vpc`,
          `aws ec2 create-nat-gateway --region ${e.region} --subnet-id ${nat?.SubnetId ?? "PUBLIC_SUBNET_ID"} --allocation-id ALLOCATION_ID`,
          replaceDefaultRouteCommand(e, route.routeTableId, route.destination, "NEW_NAT_GATEWAY_ID"),
        );
      } else if (t.kind === "internet-gateway") {
        commands.push(
          `aws ec2 describe-internet-gateways --region ${e.region} --filters Name=attachment.vpc-id,Values=${vpcIdOf(e) ?? "VPC_ID"}`,
          `aws ec2 attach-internet-gateway --region ${e.region} --internet-gateway-id ${t.id} --vpc-id ${vpcIdOf(e) ?? "VPC_ID"}`,
          replaceDefaultRouteCommand(e, route.routeTableId, route.destination, "IGW_ID_ATTACHED_TO_THE_VPC"),
        );
      } else {
        commands.push(replaceDefaultRouteCommand(e, route.routeTableId, route.destination, "WORKING_TARGET_ID"));
      }
      commands.push(`aws ec2 describe-route-tables --region ${e.region} --route-table-ids ${route.routeTableId} --query 'RouteTables[0].Routes'`);
      findings.push({
        severity: "error",
        certainty: "proven",
        title: `Route ${route.destination} in ${route.routeTableId} points at ${t.id}, which cannot carry traffic`,
        explanation:
          (behindNat
            ? `The pull to ${hostsText(carried)} leaves from ${originLabel(origin)} through NAT gateway ${behindNat}; the NAT gateway's own subnet routes ${route.destination} (route table ${route.routeTableId}) to ${t.id}, and ${problem}. `
            : `The pull to ${hostsText(carried)} leaves from ${originLabel(origin)}; route table ${route.routeTableId} sends ${route.destination} to ${t.id}, and ${problem}. `) +
          "VPC drops traffic on such a route (a blackhole), so the requests time out. A route to a deleted target stays in the table until it is replaced or deleted." +
          (carried.some((p) => p.destination.ip && route.destination !== "0.0.0.0/0") ? ` The route was chosen for ${carried.find((p) => p.destination.ip)?.destination.ip}, the address the message names: it is more specific than the default route.` : "") +
          endpointsNote(e, carried) +
          originNote(e, origin),
        evidence: [
          { resource: route.routeTableId, fact: `route ${route.destination} -> ${t.id}: ${route.route.State === "blackhole" ? "State: blackhole" : `State: ${route.route.State ?? "active"}`}` },
          ...(nat ? [{ resource: t.id, fact: `State: ${nat.State}${nat.FailureCode ? `, FailureCode: ${nat.FailureCode}` : ""}` }] : [{ resource: t.id, fact: problem }]),
          originEvidence(origin),
        ],
        fixes: [
          {
            summary: alternative
              ? `Point ${route.destination} in ${route.routeTableId} at NAT gateway ${alternative}, which is available and whose own subnet routes to an internet gateway.`
              : t.kind === "nat-gateway"
                ? `Create a NAT gateway in a public subnet and point ${route.destination} in ${route.routeTableId} at it (replace-route).`
                : `Point ${route.destination} in ${route.routeTableId} at a target that exists (replace-route).`,
            commands,
            docs: [DOCS.routeTables, t.kind === "nat-gateway" ? DOCS.natTroubleshooting : DOCS.internetGateway],
          },
        ],
      });
    }
    return fail(...findings);
  },
});
