import { defineDiagnostic, fail, notApplicable, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { updateServiceNetworkCommand } from "../src/fixes.js";
import { factValue } from "../src/model/fact.js";
import { endpointsNote, hostsText, isCheckResult, networkPaths, originNote, undecided } from "../src/model/network-queries.js";
import { clusterName, DOCS, originLabel, taskDefinitionLabel } from "../src/model/queries.js";

/** An internet gateway carries IPv4 only for an interface that has a public IPv4 address. */
export default defineDiagnostic({
  id: "public-ip-missing",
  title: "The pull's network interface has a public IP where its route goes to an internet gateway",
  docs: [DOCS.fargateNetworking, DOCS.internetGateway, DOCS.cannotPull],
  messageKinds: ["timeout", "canceled", "refused"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    // IPv6 addresses are globally routable: an internet gateway carries them without a public IPv4 address.
    const routed = paths.filter((p) => p.via === "internet" && p.family === "ipv4" && p.route?.target.kind === "internet-gateway" && !p.route.blackhole);
    if (routed.length === 0) return notApplicable;
    if (origin.publicIp.state !== "known") return skip("cannot tell whether the task had a public IP", origin.publicIp);
    if (origin.publicIp.value) return pass();
    // Paths an unread endpoint could serve reach the internet gateway only if no endpoint does.
    const viaIgw = routed.filter((p) => !p.endpointsUnknown);
    if (viaIgw.length === 0) return undecided(routed, "the internet gateway, which needs a public IP, would carry the pull") ?? pass();
    const route = viaIgw[0].route!;
    const fargate = origin.kind === "task-eni";
    const awsvpc = factValue(e.service)?.networkConfiguration?.awsvpcConfiguration;
    const subnet = factValue(e.network.subnet);
    const groups = factValue(origin.securityGroupIds) ?? [];
    const svcCommand = fargate ? updateServiceNetworkCommand(e, { assignPublicIp: "ENABLED" }) : undefined;
    const runTask = `aws ecs run-task --region ${e.region} --cluster ${clusterName(e)} --launch-type FARGATE --task-definition ${taskDefinitionLabel(e)} --network-configuration "awsvpcConfiguration={subnets=[${origin.subnetId}],securityGroups=[${groups.join(",")}],assignPublicIp=ENABLED}"`;
    return fail({
      severity: "error",
      certainty: "proven",
      title: fargate
        ? `Task has no public IP in subnet ${origin.subnetId}, which routes to internet gateway ${route.target.id}`
        : `Container instance ${origin.instanceId} has no public IP behind internet gateway ${route.target.id}`,
      explanation:
        `The pull to ${hostsText(viaIgw)} leaves from ${originLabel(origin)}. Its route table ${route.routeTableId} sends ${route.destination} to internet gateway ${route.target.id}, ` +
        "but an internet gateway translates only for an interface that has a public IPv4 address, and this one has none" +
        (fargate ? ` (assignPublicIp is ${awsvpc?.assignPublicIp ?? "DISABLED"}, read from ${origin.readFrom})` : "") +
        ". The gateway drops the packets, so the registry is never reached and the connection times out." +
        endpointsNote(e, viaIgw) +
        originNote(e, origin),
      evidence: [
        { resource: route.routeTableId, fact: `route ${route.destination} -> ${route.target.id} (internet gateway)` },
        fargate
          ? { resource: origin.networkInterfaceId ?? origin.subnetId, fact: `assignPublicIp: ${awsvpc?.assignPublicIp ?? "DISABLED"} (read from ${origin.readFrom})` }
          : { resource: origin.instanceId ?? "instance", fact: "PublicIpAddress: (none)" },
        ...(subnet ? [{ resource: origin.subnetId, fact: `MapPublicIpOnLaunch: ${subnet.MapPublicIpOnLaunch === true}` }] : []),
      ],
      fixes: [
        fargate
          ? {
              summary: "Turn on Auto-assign public IP for the tasks, or run them in a private subnet whose default route goes to a NAT gateway.",
              steps: ["ECS console > the service > Update > Networking: turn on Public IP, and deploy."],
              commands: svcCommand ? [svcCommand] : [runTask],
              docs: [DOCS.fargateNetworking],
            }
          : {
              summary: `Give container instance ${origin.instanceId} a public IP (an Elastic IP now; for new instances, the subnet or launch template setting), or move the instances to a private subnet behind a NAT gateway.`,
              commands: [
                `aws ec2 allocate-address --region ${e.region} --domain vpc`,
                `aws ec2 associate-address --region ${e.region} --instance-id ${origin.instanceId} --allocation-id ALLOCATION_ID`,
                `aws ec2 modify-subnet-attribute --region ${e.region} --subnet-id ${origin.subnetId} --map-public-ip-on-launch`,
              ],
              docs: [DOCS.internetGateway],
            },
      ],
    });
  },
});
