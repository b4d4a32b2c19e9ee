import { isAvailable, isGateway } from "../src/analysis/destinations.js";
import { defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { createInterfaceEndpointCommand, createS3GatewayEndpointCommand } from "../src/fixes.js";
import type { DestinationPath } from "../src/model/evidence.js";
import { valueOf } from "../src/model/fact.js";
import { DOCS, originLabel } from "../src/model/queries.js";

const SUFFIX: Record<string, string> = {
  "ecr-api": "ecr.api", "ecr-dkr": "ecr.dkr", s3: "s3", logs: "logs", secretsmanager: "secretsmanager", ssm: "ssm", kms: "kms",
};

/** A VPC with no way out but endpoints needs one for every AWS service the task starts with. */
export default defineDiagnostic({
  id: "vpc-endpoint-missing",
  title: "Every VPC endpoint the task needs is present and reachable",
  docs: [DOCS.ecrEndpoints, DOCS.cannotPull],
  messageKinds: ["timeout", "canceled", "dns", "refused"],
  check(e) {
    if (e.network.origin.state !== "known") return skip("cannot tell where the pull left from", e.network.origin);
    const origin = e.network.origin.value;
    if (!origin) return notApplicable;
    if (e.network.reliesOnEndpoints.state !== "known") return skip("cannot read the subnet's routes", e.network.reliesOnEndpoints);
    if (!e.network.reliesOnEndpoints.value) return notApplicable;
    if (e.network.destinations.state !== "known") return skip("cannot read the VPC endpoints", e.network.destinations);
    const endpoints = valueOf(e.network.vpcEndpoints) ?? [];
    const missing = e.network.destinations.value.filter(
      (p: DestinationPath) =>
        p.via === "internet" &&
        p.destination.endpointServiceName !== undefined &&
        p.destination.region === e.region &&
        // An interface endpoint with private DNS off is vpc-endpoint-private-dns-disabled.
        !(p.endpoint && !isGateway(p.endpoint) && isAvailable(p.endpoint) && p.endpoint.PrivateDnsEnabled === false),
    );
    if (missing.length === 0) return pass();
    const tableId = valueOf(e.network.routeTable)?.table.RouteTableId ?? "ROUTE_TABLE_ID";
    const vpcId = valueOf(e.network.subnet)?.VpcId ?? "vpc";
    const evidence = missing.map((p) => {
      const ep = p.endpoint;
      let fact: string;
      if (ep && !isAvailable(ep)) fact = `${ep.VpcEndpointId} for ${p.destination.endpointServiceName} is in state ${ep.State}`;
      else if (ep && isGateway(ep)) fact = `S3 gateway endpoint ${ep.VpcEndpointId} is not associated with route table ${tableId} (it is on ${(ep.RouteTableIds ?? []).join(", ") || "no route table"})`;
      else fact = `no endpoint for ${p.destination.endpointServiceName} (needed for ${p.destination.why})`;
      return { resource: ep?.VpcEndpointId ?? vpcId, fact };
    });
    const have = endpoints.map((x) => `${x.VpcEndpointId} (${x.ServiceName})`).join(", ");
    evidence.push({ resource: tableId, fact: "no route to an internet gateway, NAT gateway, transit gateway or peering connection: the VPC relies on endpoints" });
    const commands = missing.map((p) => {
      const suffix = SUFFIX[p.destination.service];
      if (p.destination.service === "s3") {
        const gw = p.endpoint && isGateway(p.endpoint) ? p.endpoint : undefined;
        return gw
          ? `aws ec2 modify-vpc-endpoint --region ${e.region} --vpc-endpoint-id ${gw.VpcEndpointId} --add-route-table-ids ${tableId}`
          : createS3GatewayEndpointCommand(e, tableId);
      }
      return createInterfaceEndpointCommand(e, suffix);
    });
    const names = missing.map((p) => p.destination.endpointServiceName!.split(".").slice(3).join("."));
    return fail({
      severity: "error",
      certainty: "proven",
      title: `VPC ${vpcId} has no usable endpoint for ${names.join(", ")}`,
      explanation:
        `The pull leaves from ${originLabel(origin)}, whose route table has no way to the internet, so every AWS service the task needs at start must be reached through a VPC endpoint. ` +
        `Missing or unreachable: ${missing.map((p) => `${p.destination.endpointServiceName} (${p.destination.why})`).join("; ")}. ` +
        "ECR needs three: ecr.api for the token, ecr.dkr for the manifest, and the S3 gateway endpoint for the layers, which ECR keeps in S3." +
        (have ? ` The VPC has: ${have}.` : ""),
      evidence,
      fixes: [
        {
          summary: `Create the missing endpoints in ${vpcId}${missing.some((p) => p.destination.service === "s3") ? ` and put the S3 gateway endpoint on ${tableId}` : ""}.`,
          steps: ["VPC console > Endpoints > Create endpoint: pick the AWS service, the task's VPC and subnets, a security group that admits TCP 443 from the tasks, and keep Enable DNS name on."],
          commands,
          docs: [DOCS.ecrEndpoints],
        },
      ],
    });
  },
});
