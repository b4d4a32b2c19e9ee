import { defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { updateServiceNetworkCommand } from "../src/fixes.js";
import { valueOf } from "../src/model/fact.js";
import { DOCS, originLabel } from "../src/model/queries.js";

/** An internet gateway route is only a way out for an interface with a public IP. */
export default defineDiagnostic({
  id: "public-ip-missing",
  title: "The pull's network interface has a public IP where its route goes to an internet gateway",
  docs: [DOCS.fargateNetworking, DOCS.cannotPull],
  messageKinds: ["timeout", "canceled", "refused"],
  check(e) {
    if (e.network.origin.state !== "known") return skip("cannot tell where the pull left from", e.network.origin);
    const origin = e.network.origin.value;
    if (!origin) return notApplicable;
    if (e.network.destinations.state !== "known") return skip("cannot read the subnet's routes", e.network.destinations);
    const viaIgw = e.network.destinations.value.filter((p) => p.via === "internet" && p.route?.target.kind === "internet-gateway" && !p.route.blackhole);
    if (viaIgw.length === 0) return notApplicable;
    if (origin.publicIp.state !== "known") return skip("cannot tell whether the task had a public IP", origin.publicIp);
    if (origin.publicIp.value) return pass();
    const route = viaIgw[0].route!;
    const fargate = origin.kind === "task-eni";
    const svcCommand = fargate ? updateServiceNetworkCommand(e, { assignPublicIp: "ENABLED" }) : undefined;
    const awsvpc = valueOf(e.service)?.networkConfiguration?.awsvpcConfiguration;
    return fail({
      severity: "error",
      certainty: "proven",
      title: fargate ? `Task has no public IP in subnet ${origin.subnetId}, which routes to internet gateway ${route.target.id}` : `Container instance ${origin.instanceId} has no public IP behind internet gateway ${route.target.id}`,
      explanation:
        `The pull leaves from ${originLabel(origin)}. Its route table ${route.routeTableId} sends ${route.destination} to internet gateway ${route.target.id}, ` +
        "but an internet gateway only carries traffic for an interface that has a public IPv4 address, and this one has none" +
        (fargate ? ` (assignPublicIp is ${awsvpc?.assignPublicIp ?? "DISABLED"})` : "") +
        ". Nothing leaves the subnet, so the registry is never reached.",
      evidence: [
        { resource: route.routeTableId, fact: `route ${route.destination} -> ${route.target.id} (internet gateway)` },
        fargate
          ? { resource: origin.networkInterfaceId ?? origin.subnetId, fact: `assignPublicIp: ${awsvpc?.assignPublicIp ?? "DISABLED"} (read from ${origin.readFrom})` }
          : { resource: origin.instanceId ?? "instance", fact: "no public IPv4 address" },
      ],
      fixes: [
        fargate
          ? {
              summary: "Turn on Auto-assign public IP for the service's tasks (or run them in a private subnet behind a NAT gateway).",
              steps: ["ECS console > the service > Update > Networking: turn on Public IP, and deploy."],
              commands: svcCommand ? [svcCommand] : [`aws ecs run-task ... --network-configuration "awsvpcConfiguration={subnets=[${origin.subnetId}],securityGroups=[...],assignPublicIp=ENABLED}"`],
              docs: [DOCS.fargateNetworking],
            }
          : {
              summary: "Launch container instances with a public IP (subnet or launch template setting), or place them in a private subnet behind a NAT gateway.",
              commands: [`aws ec2 modify-subnet-attribute --region ${e.region} --subnet-id ${origin.subnetId} --map-public-ip-on-launch`],
              docs: [DOCS.internetGateway],
            },
      ],
    });
  },
});
