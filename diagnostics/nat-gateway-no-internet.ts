import { OPAQUE_TARGETS } from "../src/analysis/routes.js";
import { defineDiagnostic, type DraftFinding, fail, notApplicable, OUTBOUND_STAGES, pass } from "../src/diagnostic.js";
import { createDefaultRouteCommand, replaceDefaultRouteCommand } from "../src/fixes.js";
import type { DestinationPath } from "../src/model/evidence.js";
import { factValue } from "../src/model/fact.js";
import { endpointsNote, hostsText, isCheckResult, networkPaths, originEvidence, originNote, undecided } from "../src/model/network-queries.js";
import { DOCS, originLabel } from "../src/model/queries.js";
import { routesText } from "../src/analysis/routes.js";

/** The default route goes to a NAT gateway that cannot reach the internet. */
export default defineDiagnostic({
  id: "nat-gateway-no-internet",
  title: "The NAT gateway the pull goes through reaches the internet",
  docs: [DOCS.natGateway, DOCS.natTroubleshooting],
  messageKinds: ["timeout", "canceled"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    const viaNat = paths.filter((p) => p.via === "internet" && p.route?.target.kind === "nat-gateway" && !p.route.blackhole && p.nat?.natGateway);
    if (viaNat.length === 0) return notApplicable;
    const byNat = new Map<string, DestinationPath[]>();
    // Paths an unread endpoint could serve go through the NAT gateway only if no endpoint does.
    const open: DestinationPath[] = [];
    for (const p of viaNat) {
      const id = p.route!.target.id;
      const out = p.nat?.route;
      const isPrivate = p.nat!.natGateway!.ConnectivityType === "private";
      // A dead route out of the NAT's subnet is route-blackhole's; a transit gateway or appliance there is a hop we cannot see past.
      if (out?.blackhole || (out && OPAQUE_TARGETS.has(out.target.kind))) continue;
      const reachesIgw = out?.target.kind === "internet-gateway" || out?.target.kind === "egress-only-internet-gateway";
      if (!isPrivate && reachesIgw) continue;
      if (p.endpointsUnknown) {
        open.push(p);
        continue;
      }
      byNat.set(id, [...(byNat.get(id) ?? []), p]);
    }
    if (byNat.size === 0) return undecided(open, "a NAT gateway that cannot reach the internet would carry the pull") ?? pass();
    const findings: DraftFinding[] = [];
    const igw = (factValue(e.network.internetGateways) ?? [])[0]?.InternetGatewayId;
    const publicNat = (factValue(e.network.workingNatGateways) ?? []).find((g) => !byNat.has(g.NatGatewayId ?? ""));
    for (const [natId, carried] of byNat) {
      const path = carried[0];
      const nat = path.nat!.natGateway!;
      const natTable = path.nat!.routeTableId;
      const out = path.nat!.route;
      const isPrivate = nat.ConnectivityType === "private";
      const natRoutes = routesText(path.nat!.routeTable ?? {});
      const why = isPrivate
        ? `${natId} is a private NAT gateway (ConnectivityType private): it translates to its private address only, and an internet gateway drops traffic from a private address, so it can reach other VPCs or networks through a transit gateway or virtual private gateway, never the internet`
        : `${natId} sits in subnet ${nat.SubnetId}, whose route table ${natTable ?? "(none)"} ${out ? `sends the registry's address only to ${out.target.id} (${out.destination})` : "has no route for the registry's address"}, not to an internet gateway, so the NAT gateway has no way out to the internet`;
      const subject = path.route!;
      findings.push({
        severity: "error",
        certainty: "proven",
        title: isPrivate ? `The default route goes to private NAT gateway ${natId}, which cannot reach the internet` : `NAT gateway ${natId} has no route to an internet gateway`,
        explanation:
          `The pull to ${hostsText(carried)} leaves from ${originLabel(origin)}; route table ${subject.routeTableId} sends ${subject.destination} to NAT gateway ${natId}. But ${why}. The requests time out.` +
          endpointsNote(e, carried) +
          originNote(e, origin),
        evidence: [
          { resource: subject.routeTableId, fact: `route ${subject.destination} -> ${natId}` },
          { resource: natId, fact: `ConnectivityType: ${nat.ConnectivityType ?? "public"}; SubnetId: ${nat.SubnetId}; State: ${nat.State}` },
          ...(natTable ? [{ resource: natTable, fact: `route table of ${nat.SubnetId}: ${natRoutes || "no routes"}` }] : []),
          originEvidence(origin),
        ],
        fixes: [
          isPrivate
            ? {
                summary: publicNat
                  ? `Point ${subject.destination} in ${subject.routeTableId} at public NAT gateway ${publicNat.NatGatewayId}.`
                  : `Create a public NAT gateway (with an Elastic IP) in a public subnet and point ${subject.destination} in ${subject.routeTableId} at it.`,
                commands: publicNat
                  ? [replaceDefaultRouteCommand(e, subject.routeTableId, subject.destination, publicNat.NatGatewayId ?? "NAT_GATEWAY_ID")]
                  : [
                      `aws ec2 allocate-address --region ${e.region} --domain vpc`,
                      `aws ec2 create-nat-gateway --region ${e.region} --subnet-id PUBLIC_SUBNET_ID --connectivity-type public --allocation-id ALLOCATION_ID`,
                      replaceDefaultRouteCommand(e, subject.routeTableId, subject.destination, "NEW_NAT_GATEWAY_ID"),
                    ],
                docs: [DOCS.natGateway],
              }
            : {
                summary: `Route 0.0.0.0/0 from ${natTable ?? "the NAT gateway's route table"} (subnet ${nat.SubnetId}) to the VPC's internet gateway${igw ? ` ${igw}` : ""}, or recreate the NAT gateway in a public subnet.`,
                commands: [
                  ...(igw ? [] : [`aws ec2 create-internet-gateway --region ${e.region}`, `aws ec2 attach-internet-gateway --region ${e.region} --internet-gateway-id IGW_ID --vpc-id ${nat.VpcId ?? "VPC_ID"}`]),
                  out && out.destination === "0.0.0.0/0"
                    ? replaceDefaultRouteCommand(e, natTable ?? "ROUTE_TABLE_ID", "0.0.0.0/0", igw ?? "IGW_ID")
                    : createDefaultRouteCommand(e, natTable ?? "ROUTE_TABLE_ID", igw ?? "IGW_ID"),
                ],
                docs: [DOCS.natGateway, DOCS.natTroubleshooting],
              },
        ],
      });
    }
    return fail(...findings);
  },
});
