import { type DraftFinding, defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import type { Evidence } from "../src/model/evidence.js";
import { factValue } from "../src/model/fact.js";
import { DOCS, quote } from "../src/model/queries.js";

const SUBNET_DOCS = {
  sizing: "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html",
  taskNetworking: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking.html",
  stopped: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html",
};

/** Addresses a subnet of this CIDR holds for interfaces: AWS reserves five of every subnet. */
function usableAddresses(cidr: string | undefined): number | undefined {
  const bits = Number(cidr?.split("/")[1]);
  return Number.isInteger(bits) && bits >= 16 && bits <= 28 ? 2 ** (32 - bits) - 5 : undefined;
}

/** The failure whose message says ECS could not create the task's interface for want of addresses in this subnet. */
function failureNaming(e: Evidence, subnetId: string) {
  return e.failures.find((f) => f.signals.kind === "insufficient-addresses" && (!f.signals.subnetId || f.signals.subnetId === subnetId));
}

/** The subnet the task's network interface is created in has free IP addresses. */
export default defineDiagnostic({
  id: "subnet-addresses-exhausted",
  title: "The subnet the task's network interface is created in has free IP addresses",
  docs: [SUBNET_DOCS.taskNetworking, SUBNET_DOCS.sizing, SUBNET_DOCS.stopped],
  messageKinds: ["insufficient-addresses"],
  stages: ["network-interface"],
  check(e) {
    const where = e.interfaceSubnet;
    if (!where) return notApplicable;
    const said = failureNaming(e, where.subnetId);
    if (where.subnet.state !== "known") {
      return said ? fail(exhausted(e, where.subnetId, undefined, said.message)) : skip(`cannot read subnet ${where.subnetId}`, where.subnet);
    }
    const subnet = where.subnet.value;
    if (!subnet) return notApplicable;
    const free = subnet.AvailableIpAddressCount;
    // Read after the failure: 0 confirms it; a few free now do not refute a message that names the subnet (tasks stopped since).
    // A task whose interface was created got its address: a subnet full now only threatens the next ones.
    if (!said && free === 0 && where.interfaceCreated) {
      const draft = exhausted(e, where.subnetId, free, undefined, subnet.CidrBlock, subnet.VpcId, subnet.AvailabilityZone);
      return fail({
        ...draft,
        severity: "warning",
        certainty: "possible",
        title: `Subnet ${where.subnetId} has no free IP address now: the next tasks placed there will not start`,
        explanation: `This task's network interface was created, so it did not fail for want of an address; but ${draft.explanation.charAt(0).toLowerCase()}${draft.explanation.slice(1)}`,
      });
    }
    if (said || free === 0) return fail(exhausted(e, where.subnetId, free, said?.message, subnet.CidrBlock, subnet.VpcId, subnet.AvailabilityZone));
    // DescribeSubnets always answers the count; only a hand-written snapshot leaves it out, and then there is nothing to judge.
    return free === undefined ? notApplicable : pass();
  },
});

function exhausted(e: Evidence, subnetId: string, free: number | undefined, message?: string, cidr?: string, vpcId?: string, az?: string): DraftFinding {
  const total = usableAddresses(cidr);
  const service = factValue(e.service);
  const cluster = e.clusterArn.split("/").pop() ?? e.clusterArn;
  const awsvpc = service?.networkConfiguration?.awsvpcConfiguration;
  const now = free === undefined ? "its free addresses could not be read" : free === 0 ? "it has no free IPv4 address now" : `it has ${free} free now, read after the failure (addresses free up as tasks stop)`;
  const others = (awsvpc?.subnets ?? []).filter((s) => s !== subnetId);
  return {
    severity: "error",
    certainty: free === 0 ? "proven" : "message",
    title: `Subnet ${subnetId} has no free IP address for the task's network interface`,
    explanation:
      `Every awsvpc task gets its own network interface, and with it an address of subnet ${subnetId}${cidr ? ` (${cidr}${total !== undefined ? `, ${total} usable addresses` : ""})` : ""}. ` +
      `${message ? "ECS could not create the interface there" : "A task placed there cannot get one"}: ${now}. ` +
      "Other tasks, load balancers, Lambda functions and interfaces left available use the subnet's addresses." +
      (message ? ` The message: ${quote(message, 200)}.` : ""),
    evidence: [
      { resource: subnetId, fact: free === undefined ? "AvailableIpAddressCount: not read" : `AvailableIpAddressCount: ${free}${cidr ? ` of ${cidr}` : ""}` },
      ...(message ? [{ resource: `task ${e.task.taskArn?.split("/").pop() ?? ""}`.trim(), fact: "its ENI attachment carries only a subnetId: no interface was created" }] : []),
    ],
    fixes: [
      {
        summary: `Free addresses in ${subnetId}: delete the network interfaces nobody uses (status available).`,
        commands: [
          `aws ec2 describe-network-interfaces --region ${e.region} --filters Name=subnet-id,Values=${subnetId} Name=status,Values=available --query 'NetworkInterfaces[].[NetworkInterfaceId,Description]'`,
          `aws ec2 describe-subnets --region ${e.region} --subnet-ids ${subnetId} --query 'Subnets[].AvailableIpAddressCount'`,
        ],
        docs: [SUBNET_DOCS.sizing],
      },
      {
        summary: service
          ? `Give service ${service.serviceName} more subnets (or larger ones): ECS places tasks across them.`
          : "Run the task in a subnet with free addresses, or create a larger subnet.",
        steps: [`Open the VPC console, Subnets, Create subnet in ${vpcId ?? "the VPC"}${az ? ` (${az} or another Availability Zone)` : ""} with a larger CIDR block; add a secondary CIDR block to the VPC first if it has no room.`],
        commands: [
          `aws ec2 create-subnet --region ${e.region} --vpc-id ${vpcId ?? "VPC_ID"} --cidr-block NEW_CIDR${az ? ` --availability-zone ${az}` : ""}`,
          ...(service
            ? [`aws ecs update-service --region ${e.region} --cluster ${cluster} --service ${service.serviceName} --network-configuration 'awsvpcConfiguration={subnets=[${[subnetId, ...others, "NEW_SUBNET_ID"].join(",")}],securityGroups=[${(awsvpc?.securityGroups ?? []).join(",")}],assignPublicIp=${awsvpc?.assignPublicIp ?? "DISABLED"}}'`]
            : []),
        ],
        docs: [SUBNET_DOCS.sizing, DOCS.fargateNetworking],
      },
    ],
  };
}
