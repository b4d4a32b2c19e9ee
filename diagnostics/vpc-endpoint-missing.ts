import { isAvailable, isGateway, SERVICE_SUFFIX } from "../src/analysis/destinations.js";
import { defineDiagnostic, fail, notApplicable, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { createInterfaceEndpointCommand, createS3GatewayEndpointCommand, endpointSecurityGroupCommands } from "../src/fixes.js";
import type { DestinationPath } from "../src/model/evidence.js";
import { factValue } from "../src/model/fact.js";
import { endpointPaths, isCheckResult, originEvidence, originNote, routeTableRole } from "../src/model/network-queries.js";
import { DOCS, originLabel } from "../src/model/queries.js";

/** A VPC with no way out but endpoints needs one, reachable, for every AWS service the task starts with. */
export default defineDiagnostic({
  id: "vpc-endpoint-missing",
  title: "Every VPC endpoint the task needs is present and reachable",
  docs: [DOCS.ecrEndpoints, DOCS.s3GatewayEndpoint, DOCS.cannotPull],
  messageKinds: ["timeout", "canceled", "dns", "refused"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = endpointPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    if (e.network.reliesOnEndpoints.state !== "known") return skip("cannot read the subnet's routes", e.network.reliesOnEndpoints);
    // With a route out (NAT, internet gateway, transit gateway...), a missing endpoint breaks nothing.
    if (!e.network.reliesOnEndpoints.value) return notApplicable;
    const missing = paths.filter(
      (p: DestinationPath) =>
        p.via === "internet" &&
        p.destination.endpointServiceName !== undefined &&
        p.destination.region === e.region &&
        // An endpoint that exists but whose private DNS does not take effect is another finding's.
        p.endpointProblem !== "private-dns-disabled" &&
        p.endpointProblem !== "vpc-dns-disabled",
    );
    if (missing.length === 0) return pass();
    const rt = factValue(e.network.routeTable);
    const tableId = rt?.table.RouteTableId ?? "ROUTE_TABLE_ID";
    const vpcId = factValue(e.network.subnet)?.VpcId ?? "vpc";
    const endpoints = factValue(e.network.vpcEndpoints) ?? [];
    const evidence = missing.map((p) => {
      const ep = p.endpoint;
      let fact: string;
      if (ep && !isAvailable(ep)) fact = `${p.destination.endpointServiceName}: State ${ep.State} (needed for ${p.destination.why})`;
      else if (ep && isGateway(ep)) fact = `S3 gateway endpoint is not associated with route table ${tableId}: RouteTableIds ${(ep.RouteTableIds ?? []).join(", ") || "(none)"} (needed for ${p.destination.why})`;
      else fact = `no endpoint for ${p.destination.endpointServiceName} (needed for ${p.destination.why})`;
      return { resource: ep?.VpcEndpointId ?? vpcId, fact };
    });
    evidence.push({ resource: tableId, fact: `${routeTableRole(e, origin)}: no route to an internet gateway, NAT gateway, transit gateway or peering connection; the VPC relies on endpoints` });
    evidence.push(originEvidence(origin));
    const commands = missing.map((p) => {
      const ep = p.endpoint;
      if (p.destination.service === "s3") {
        const gw = ep && isGateway(ep) && isAvailable(ep) ? ep : undefined;
        return gw
          ? `aws ec2 modify-vpc-endpoint --region ${e.region} --vpc-endpoint-id ${gw.VpcEndpointId} --add-route-table-ids ${tableId}`
          : createS3GatewayEndpointCommand(e, tableId);
      }
      return createInterfaceEndpointCommand(e, SERVICE_SUFFIX[p.destination.service] ?? p.destination.service);
    });
    if (missing.some((p) => p.destination.service !== "s3")) commands.unshift(...endpointSecurityGroupCommands(e));
    const names = missing.map((p) => p.destination.endpointServiceName!.split(".").slice(3).join("."));
    const have = endpoints.map((x) => `${x.VpcEndpointId} (${x.ServiceName}${isAvailable(x) ? "" : `, ${x.State}`})`).join(", ");
    return fail({
      severity: "error",
      certainty: "proven",
      title: `VPC ${vpcId} has no usable endpoint for ${names.join(", ")}`,
      explanation:
        `The pull leaves from ${originLabel(origin)}, whose route table ${tableId} has no way to the internet, so every AWS service the task needs at start must be reached through a VPC endpoint. ` +
        `Missing or unreachable: ${missing.map((p) => `${p.destination.endpointServiceName} (${p.destination.why}${p.endpointProblem === "not-on-route-table" ? `; the S3 gateway endpoint is on other route tables, and a gateway endpoint serves only the subnets whose route tables it is associated with` : p.endpointProblem === "not-available" ? `; its endpoint is ${p.endpoint?.State}` : ""})`).join("; ")}. ` +
        `ECR needs ${origin.legacyPlatform ? "two here: ecr.dkr for the manifest" : "three: ecr.api for the token, ecr.dkr for the manifest"}, and the S3 gateway endpoint for the layers, which ECR keeps in S3.` +
        (have ? ` The VPC has: ${have}.` : "") +
        originNote(e, origin),
      evidence,
      fixes: [
        {
          summary: `Create the missing endpoints in ${vpcId}${missing.some((p) => p.destination.service === "s3") ? ` and associate the S3 gateway endpoint with ${tableId}` : ""}.`,
          steps: ["VPC console > Endpoints > Create endpoint: pick the AWS service, the task's VPC and subnets, a security group that admits TCP 443 from the tasks, and keep Enable DNS name on."],
          commands,
          docs: [DOCS.ecrEndpoints, DOCS.s3GatewayEndpoint],
        },
      ],
    });
  },
});
