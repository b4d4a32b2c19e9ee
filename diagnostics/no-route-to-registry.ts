import { defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { createDefaultRouteCommand, createInterfaceEndpointCommand, createS3GatewayEndpointCommand } from "../src/fixes.js";
import type { DestinationPath } from "../src/model/evidence.js";
import { valueOf } from "../src/model/fact.js";
import { DOCS, originLabel } from "../src/model/queries.js";

/** The subnet's route table sends the internet-bound requests of the pull nowhere. */
export default defineDiagnostic({
  id: "no-route-to-registry",
  title: "The subnet has a route toward the registry",
  docs: [DOCS.cannotPull, DOCS.routeTables, DOCS.ecrEndpoints],
  messageKinds: ["timeout", "canceled", "refused", "dns"],
  check(e) {
    const origin = valueOf(e.network.origin);
    if (e.network.origin.state !== "known") return skip("cannot tell where the pull left from", e.network.origin);
    if (!origin) return notApplicable;
    if (e.network.destinations.state !== "known") return skip("cannot read the subnet's routes", e.network.destinations);
    const rt = valueOf(e.network.routeTable);
    const relies = valueOf(e.network.reliesOnEndpoints) === true;
    // In a VPC that relies on endpoints, a missing AWS endpoint is vpc-endpoint-missing;
    // only a registry no endpoint can serve is ours.
    const stranded = e.network.destinations.value.filter(
      (p: DestinationPath) => p.via === "internet" && !p.route && (!relies || !p.destination.endpointServiceName || p.destination.region !== e.region),
    );
    const noTarget = e.network.destinations.value.filter((p) => p.via === "internet" && p.route?.target.kind === "local");
    const broken = [...stranded, ...noTarget];
    if (broken.length === 0) return pass();
    const tableId = rt?.table.RouteTableId ?? "none";
    const hosts = broken.map((p) => p.destination.host);
    const nat = (valueOf(e.network.natGateways) ?? []).find((n) => n.State === "available" && n.ConnectivityType !== "private");
    const ecr = broken.some((p) => p.destination.service.startsWith("ecr") || p.destination.service === "s3");
    const evidence = [
      {
        resource: tableId,
        fact: rt
          ? `${rt.main ? "main route table (the subnet has no explicit association)" : "route table associated with the subnet"}: no route covers ${broken[0].destination.ip ?? "0.0.0.0/0"}; routes: ${(rt.table.Routes ?? []).map((r) => `${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId} -> ${r.GatewayId ?? r.NatGatewayId ?? r.TransitGatewayId ?? "?"}`).join(", ") || "none"}`
          : "the VPC has no route table for this subnet",
      },
      { resource: origin.subnetId, fact: `the pull leaves from ${originLabel(origin)}` },
      {
        resource: valueOf(e.network.subnet)?.VpcId ?? "vpc",
        fact: relies ? "the VPC's endpoints cannot serve these hosts" : "no interface endpoints for ecr.api and ecr.dkr and no S3 gateway endpoint",
      },
    ];
    const fixes = [
      {
        summary: nat
          ? `Route 0.0.0.0/0 from ${tableId} to the NAT gateway ${nat.NatGatewayId} that already exists in this VPC.`
          : `Give the subnet a way out: a NAT gateway in a public subnet, and a 0.0.0.0/0 route to it from ${tableId}.`,
        steps: [
          "VPC console > NAT gateways: create one in a public subnet (one whose route table sends 0.0.0.0/0 to an internet gateway), with an Elastic IP.",
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
      },
    ];
    if (ecr) {
      fixes.push({
        summary: "Or keep the subnet private and add the VPC endpoints ECR needs: ecr.api and ecr.dkr (interface, private DNS on) and S3 (gateway, on this route table).",
        steps: ["VPC console > Endpoints > Create endpoint, once for each service below, in the task's VPC and subnets."],
        commands: [
          createInterfaceEndpointCommand(e, "ecr.api"),
          createInterfaceEndpointCommand(e, "ecr.dkr"),
          createS3GatewayEndpointCommand(e, tableId),
          ...(broken.some((p) => p.destination.service === "logs") ? [createInterfaceEndpointCommand(e, "logs")] : []),
        ],
        docs: [DOCS.ecrEndpoints],
      });
    }
    return fail({
      severity: "error",
      certainty: "proven",
      title: `Subnet ${origin.subnetId} has no route to the registry`,
      explanation:
        `The pull leaves from ${originLabel(origin)}, whose ${rt?.main ? "main " : ""}route table ${tableId} has no route that reaches ${hosts.join(", ")}: ` +
        "no default route to an internet gateway, NAT gateway, transit gateway or peering connection, and no VPC endpoint that serves the registry. " +
        "The requests time out, which is the i/o timeout the task reports.",
      evidence,
      fixes,
    });
  },
});
