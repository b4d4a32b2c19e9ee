import { defineDiagnostic, type DraftFinding, fail, OUTBOUND_STAGES, pass } from "../src/diagnostic.js";
import { createDefaultRouteCommand, createInterfaceEndpointCommand, createS3GatewayEndpointCommand, endpointSecurityGroupCommands } from "../src/fixes.js";
import type { DestinationPath, Evidence, PullOrigin } from "../src/model/evidence.js";
import { factValue, unknownReason } from "../src/model/fact.js";
import {
  endpointsNote, hostsText, isCheckResult, lookedUp, networkPaths, originEvidence, originNote, routeTableFact, routeTableRole, undecided,
} from "../src/model/network-queries.js";
import { DOCS, originLabel, vpcIdOf } from "../src/model/queries.js";

/** No route at all for the request (or only the VPC's local route). */
function stranded(p: DestinationPath): boolean {
  if (p.via !== "internet" || p.route?.blackhole) return false;
  return !p.route || p.route.target.kind === "local" || p.route.target.kind === "gateway-endpoint";
}

function opaqueFinding(e: Evidence, origin: PullOrigin, paths: DestinationPath[]): DraftFinding {
  const hop = paths[0].opaque!;
  const kind = hop.target.kind.replace(/-/g, " ");
  const behindNat = paths[0].route?.target.kind === "nat-gateway";
  const where = behindNat ? `NAT gateway ${paths[0].route?.target.id}'s subnet routes it (${hop.routeTableId})` : `route table ${hop.routeTableId} sends it`;
  const commands = [
    `aws ec2 describe-route-tables --region ${e.region} --route-table-ids ${hop.routeTableId} --query 'RouteTables[0].Routes'`,
  ];
  if (hop.target.kind === "transit-gateway") {
    commands.push(`aws ec2 describe-transit-gateway-route-tables --region ${e.region} --filters Name=transit-gateway-id,Values=${hop.target.id}`);
    commands.push(`aws ec2 search-transit-gateway-routes --region ${e.region} --transit-gateway-route-table-id TGW_ROUTE_TABLE_ID --filters Name=type,Values=static,propagated`);
  } else if (hop.target.kind === "vpc-peering-connection") {
    commands.push(`aws ec2 describe-vpc-peering-connections --region ${e.region} --vpc-peering-connection-ids ${hop.target.id}`);
  } else if (hop.target.kind === "virtual-private-gateway") {
    commands.push(`aws ec2 describe-vpn-connections --region ${e.region} --filters Name=vpn-gateway-id,Values=${hop.target.id}`);
  }
  commands.push(
    `aws ec2 create-network-insights-path --region ${e.region} --source ${origin.networkInterfaceId ?? origin.instanceId ?? "ENI_ID"} --destination-ip ${paths[0].destination.ip ?? "REGISTRY_IP"} --destination-port 443 --protocol tcp`,
  );
  return {
    severity: "warning",
    certainty: "possible",
    title: `The pull leaves through ${kind} ${hop.target.id}, a hop ecs-doctor cannot see past`,
    explanation:
      `The pull to ${hostsText(paths)} leaves from ${originLabel(origin)}; ${where} ${hop.destination} to ${kind} ${hop.target.id}. ` +
      "What happens beyond it (its route tables, a firewall or proxy, an on-premises network, another account's VPC) is not visible through this account's APIs, " +
      `so whether the registry is reached there cannot be checked. This check passes with a caution: look at ${hop.target.id} next.` +
      originNote(e, origin),
    evidence: [
      { resource: hop.routeTableId, fact: `route ${hop.destination} -> ${hop.target.id} (${kind}), state ${hop.route.State ?? "active"}` },
      originEvidence(origin),
    ],
    fixes: [
      {
        summary: `Follow the path beyond ${hop.target.id}: its route toward ${paths[0].destination.ip ?? "the internet"}, and any firewall on the way, must carry TCP 443 to the registry and back; Reachability Analyzer can trace it.`,
        commands,
        docs: [hop.target.kind === "transit-gateway" ? DOCS.transitGatewayRoutes : DOCS.routeTables, DOCS.reachabilityAnalyzer],
      },
    ],
  };
}

/** The subnet's route table sends the pull's requests nowhere. */
export default defineDiagnostic({
  id: "no-route-to-registry",
  title: "The subnet has a route toward the registry",
  docs: [DOCS.cannotPull, DOCS.routeTables, DOCS.ecrEndpoints],
  messageKinds: ["timeout", "canceled", "refused", "dns"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    const rt = factValue(e.network.routeTable);
    const relies = factValue(e.network.reliesOnEndpoints) === true;
    // In a VPC that relies on endpoints, a missing AWS endpoint is vpc-endpoint-missing; an endpoint
    // whose private DNS does not take effect is that endpoint's finding. What is left is ours.
    const broken = paths.filter(
      (p) =>
        stranded(p) &&
        !(relies && p.destination.endpointServiceName && p.destination.region === e.region) &&
        p.endpointProblem !== "private-dns-disabled" &&
        p.endpointProblem !== "vpc-dns-disabled",
    );
    // An endpoint we cannot see could serve these: no route is a cause only where the message's public address shows none did.
    const open = broken.filter((p) => p.endpointsUnknown);
    const sure = broken.filter((p) => !p.endpointsUnknown);
    const opaque = new Map<string, DestinationPath[]>();
    for (const p of paths) if (p.via === "internet" && p.opaque) opaque.set(p.opaque.target.id, [...(opaque.get(p.opaque.target.id) ?? []), p]);
    const findings: DraftFinding[] = [];
    if (sure.length > 0) findings.push(brokenFinding(e, origin, sure, rt?.main === true));
    for (const group of opaque.values()) findings.push(opaqueFinding(e, origin, group));
    return findings.length > 0 ? fail(...findings) : (undecided(open, "the route table has no route to the registry") ?? pass());
  },
});

function brokenFinding(e: Evidence, origin: PullOrigin, broken: DestinationPath[], main: boolean): DraftFinding {
  const rt = factValue(e.network.routeTable);
  const tableId = rt?.table.RouteTableId ?? "ROUTE_TABLE_ID";
  const ipv6 = factValue(e.network.subnet)?.Ipv6Native === true || broken.every((p) => p.family === "ipv6");
  const nat = (factValue(e.network.workingNatGateways) ?? [])[0];
  const ecr = broken.some((p) => p.destination.service.startsWith("ecr") || p.destination.service === "s3");
  const sameRegionEcr = broken.some((p) => p.destination.endpointServiceName && p.destination.region === e.region);
  const first = broken[0];
  const local = first.route?.target.kind === "local";
  const vpcId = vpcIdOf(e) ?? "VPC_ID";
  const fixes: DraftFinding["fixes"] = [];
  if (ipv6) {
    const eigw = (factValue(e.network.egressOnlyInternetGateways) ?? [])[0]?.EgressOnlyInternetGatewayId;
    fixes.push({
      summary: `Route ::/0 from ${tableId} to an egress-only internet gateway${eigw ? ` (${eigw})` : ""}, the way out of an IPv6-only subnet.`,
      commands: [
        ...(eigw ? [] : [`aws ec2 create-egress-only-internet-gateway --region ${e.region} --vpc-id ${vpcId}`]),
        `aws ec2 create-route --region ${e.region} --route-table-id ${tableId} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id ${eigw ?? "EIGW_ID"}`,
      ],
      docs: [DOCS.egressOnlyGateway, DOCS.routeTables],
    });
  } else {
    fixes.push({
      summary: nat
        ? `Route 0.0.0.0/0 from ${tableId} to the NAT gateway ${nat.NatGatewayId} that already exists in this VPC.`
        : `Give the subnet a way out: a NAT gateway in a public subnet, and a 0.0.0.0/0 route to it from ${tableId}.`,
      steps: [
        ...(nat ? [] : ["VPC console > NAT gateways: create one in a public subnet (one whose route table sends 0.0.0.0/0 to an internet gateway), with an Elastic IP."]),
        `VPC console > Route tables > ${tableId} > Routes > Edit routes: add 0.0.0.0/0 to the NAT gateway.`,
      ],
      commands: nat
        ? [createDefaultRouteCommand(e, tableId, nat.NatGatewayId ?? "NAT_GATEWAY_ID")]
        : [
            `aws ec2 allocate-address --region ${e.region} --domain vpc`,
            `aws ec2 create-nat-gateway --region ${e.region} --subnet-id PUBLIC_SUBNET_ID --allocation-id ALLOCATION_ID`,
            createDefaultRouteCommand(e, tableId, "NAT_GATEWAY_ID"),
          ],
      docs: [DOCS.natGateway, DOCS.routeTables],
    });
  }
  if (ecr && sameRegionEcr) {
    const services = new Set(broken.map((p) => p.destination.service));
    fixes.push({
      summary: `Or keep the subnet private and add the VPC endpoints the task needs: ${origin.legacyPlatform ? "" : "ecr.api and "}ecr.dkr (interface, private DNS on) and S3 (gateway, on ${tableId})${services.has("logs") ? ", and logs" : ""}.`,
      steps: ["VPC console > Endpoints > Create endpoint, once for each service below, in the task's VPC and subnets, with a security group that admits TCP 443 from the tasks."],
      commands: [
        ...endpointSecurityGroupCommands(e),
        ...(origin.legacyPlatform ? [] : [createInterfaceEndpointCommand(e, "ecr.api")]),
        createInterfaceEndpointCommand(e, "ecr.dkr"),
        createS3GatewayEndpointCommand(e, tableId),
        ...(services.has("logs") ? [createInterfaceEndpointCommand(e, "logs")] : []),
        ...(services.has("secretsmanager") ? [createInterfaceEndpointCommand(e, "secretsmanager")] : []),
        ...(services.has("ssm") ? [createInterfaceEndpointCommand(e, "ssm")] : []),
      ],
      docs: [DOCS.ecrEndpoints, DOCS.s3GatewayEndpoint],
    });
  }
  const what = local
    ? `its only route for ${first.destination.ip} is the VPC's local route, which keeps it inside the VPC`
    : `no route covers ${lookedUp(first)}`;
  return {
    severity: "error",
    certainty: "proven",
    title: `Subnet ${origin.subnetId} has no route to the registry`,
    explanation:
      `The pull leaves from ${originLabel(origin)}, whose ${main ? "main " : ""}route table ${tableId} has no route that reaches ${hostsText(broken)}: ${what}. ` +
      (ipv6
        ? "The subnet is IPv6-only and nothing sends ::/0 to an egress-only internet gateway (or another way out). "
        : "There is no default route to an internet gateway, NAT gateway, transit gateway or peering connection, and no VPC endpoint that serves the registry. ") +
      // Only a message that timed out is the timeout "the task reports" (a preflight has none).
      (e.failures.some((f) => f.signals.kind === "timeout" || f.signals.kind === "canceled")
        ? "The connection attempts go nowhere and time out, which is the timeout the task reports."
        : "Connection attempts would go nowhere and time out.") +
      endpointsNote(e, broken) +
      originNote(e, origin),
    evidence: [
      { resource: tableId, fact: `${routeTableRole(e, origin)}: ${local ? `only the local route covers ${first.destination.ip}` : `no route covers ${lookedUp(first)}`}; ${routeTableFact(e)}` },
      originEvidence(origin),
      {
        resource: vpcId,
        fact: e.network.vpcEndpoints.state !== "known"
          ? `the VPC's endpoints could not be read (${unknownReason(e.network.vpcEndpoints)}); ${broken.some((p) => p.destination.ip) ? "the message's public address shows no interface endpoint answered" : "no VPC endpoint of this VPC serves these hosts"}`
          : e.network.vpcEndpoints.value.length > 0
            ? "the VPC's endpoints do not serve these hosts"
            : "no interface endpoints for ecr.api and ecr.dkr and no S3 gateway endpoint",
      },
    ],
    fixes,
  };
}
