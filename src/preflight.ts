// `ecs-doctor preflight`: the configuration checks before any task has failed.
// No second engine: it synthesises the Task the collector would read (the task
// definition's containers, an ENI attachment in each subnet, the service's
// group), collects in "preflight" mode (scope "pull", no failure message) and
// runs the same diagnostics. Several subnets give one report whose findings
// name the subnet they concern: one verdict for a deploy pipeline, one shape
// (ecs-doctor-report/1) whatever the number of subnets, and a cause common to
// every subnet (a missing image, a role) listed once.

import { collectEvidence } from "./collect/index.js";
import { UsageError } from "./errors.js";
import type { AwsVpcConfiguration, Service, Task, TaskDefinition } from "./model/aws.js";
import { type Unknown, unknownReason } from "./model/fact.js";
import type { Finding, PreflightInput, Report } from "./model/report.js";
import { buildReport, rankFindings } from "./report.js";
import { cachedSource } from "./source/cache.js";
import type { Source } from "./source/source.js";

export interface PreflightOptions {
  /** Cluster name or ARN (with `service`; default "default"). */
  cluster?: string;
  /** Read the task definition and network configuration from this service. */
  service?: string;
  /** `family:revision`, a family (its latest revision) or an ARN; with `service`, replaces the service's (a new revision against its network). */
  taskDefinition?: string;
  /** Without `service`: the subnets the tasks would run in. */
  subnets?: string[];
  /** Without `service`: the tasks' security groups. */
  securityGroups?: string[];
  /** Without `service`: ENABLED or DISABLED (default DISABLED, as ECS). */
  assignPublicIp?: "ENABLED" | "DISABLED";
  /** Default: the service's, else FARGATE when the task definition is Fargate-compatible, else EC2. */
  launchType?: "FARGATE" | "EC2";
  /** EC2 launch type: the EC2 instance (i-...) the pull would leave from. */
  instance?: string;
  /** EC2 launch type: the container instance (ARN or id) the pull would leave from. */
  containerInstance?: string;
}

const SUBNET = /^subnet-[A-Za-z0-9]+$/;
const GROUP = /^sg-[A-Za-z0-9]+$/;
const INSTANCE = /^i-[A-Za-z0-9]+$/;

function cannotRead(what: string, f: Unknown): UsageError {
  return new UsageError(`cannot read ${what}: ${unknownReason(f)}`);
}

function launchTypeFor(opts: PreflightOptions, service: Service | undefined, def: TaskDefinition): "FARGATE" | "EC2" {
  if (opts.launchType) return opts.launchType;
  const lt = (service?.launchType ?? "").toUpperCase();
  if (lt === "FARGATE" || lt === "EC2") return lt;
  const providers = (service?.capacityProviderStrategy ?? []).map((p) => (p.capacityProvider ?? "").toUpperCase());
  if (providers.length > 0) return providers.every((p) => p.startsWith("FARGATE")) ? "FARGATE" : "EC2";
  return (def.requiresCompatibilities ?? ["FARGATE"]).includes("FARGATE") ? "FARGATE" : "EC2";
}

function checkInput(opts: PreflightOptions): void {
  if (!opts.service && !opts.taskDefinition) {
    throw new UsageError("preflight needs --cluster C --service S, or --task-definition FAMILY:REV with --subnets and --security-groups");
  }
  if (opts.service && (opts.subnets || opts.securityGroups || opts.assignPublicIp)) {
    throw new UsageError("with --service, the network configuration is the service's: leave out --subnets, --security-groups and --assign-public-ip (or give --task-definition without --service)");
  }
  for (const s of opts.subnets ?? []) if (!SUBNET.test(s)) throw new UsageError(`"${s}" is not a subnet id (subnet-...)`);
  for (const g of opts.securityGroups ?? []) if (!GROUP.test(g)) throw new UsageError(`"${g}" is not a security group id (sg-...)`);
  if (opts.instance && !INSTANCE.test(opts.instance)) throw new UsageError(`"${opts.instance}" is not an EC2 instance id (i-...)`);
  if (opts.instance && opts.containerInstance) throw new UsageError("give --instance or --container-instance, not both");
  if (opts.launchType && opts.launchType !== "FARGATE" && opts.launchType !== "EC2") throw new UsageError(`--launch-type is FARGATE or EC2, not "${opts.launchType}"`);
  if (opts.assignPublicIp && opts.assignPublicIp !== "ENABLED" && opts.assignPublicIp !== "DISABLED") {
    throw new UsageError(`--assign-public-ip is ENABLED or DISABLED, not "${opts.assignPublicIp}"`);
  }
}

/** The input a preflight judges, read from the service and task definition (exit 2 when it cannot be). */
export async function resolvePreflight(source: Source, opts: PreflightOptions): Promise<{ input: PreflightInput; def: TaskDefinition; service?: Service; network: AwsVpcConfiguration }> {
  checkInput(opts);
  const cluster = opts.cluster ?? "default";
  let service: Service | undefined;
  if (opts.service) {
    const read = await source.describeServices(cluster, [opts.service]);
    if (read.state !== "known") throw cannotRead(`service ${opts.service}`, read);
    service = read.value[0];
    if (!service) throw new UsageError(`service ${opts.service} was not found in cluster ${cluster}${source.kind === "live" ? ` (${source.region})` : " in the snapshot's ecs.services"}`);
  }
  const tdName = opts.taskDefinition ?? service?.taskDefinition;
  if (!tdName) throw new UsageError(`service ${opts.service} names no taskDefinition: give --task-definition FAMILY:REV`);
  const tdRead = await source.describeTaskDefinition(tdName);
  if (tdRead.state !== "known") throw cannotRead(`task definition ${tdName}`, tdRead);
  const def = tdRead.value;
  if (!def) throw new UsageError(`task definition ${tdName} was not found${source.kind === "live" ? ` in ${source.region}` : " in the snapshot's ecs.taskDefinitions"}`);

  const launchType = launchTypeFor(opts, service, def);
  const awsvpc = service?.networkConfiguration?.awsvpcConfiguration;
  const network: AwsVpcConfiguration = {
    subnets: opts.subnets ?? awsvpc?.subnets ?? [],
    securityGroups: opts.securityGroups ?? awsvpc?.securityGroups ?? [],
    assignPublicIp: opts.assignPublicIp ?? awsvpc?.assignPublicIp ?? (launchType === "FARGATE" ? "DISABLED" : undefined),
  };
  if (launchType === "FARGATE") {
    if ((network.subnets ?? []).length === 0) {
      throw new UsageError(service ? `service ${service.serviceName} has no awsvpc network configuration (subnets)` : "a Fargate preflight needs --subnets (comma-separated subnet ids)");
    }
    if ((network.securityGroups ?? []).length === 0 && !service) throw new UsageError("a Fargate preflight needs --security-groups (comma-separated sg ids)");
  } else if (!opts.instance && !opts.containerInstance) {
    throw new UsageError("EC2 launch type: the pull leaves from a container instance; give --instance i-... or --container-instance ARN");
  }
  await requireNetwork(source, network);
  const containers = (def.containerDefinitions ?? []).filter((c) => c.name).map((c) => ({ name: c.name!, image: c.image }));
  if (containers.length === 0) throw new UsageError(`task definition ${def.taskDefinitionArn ?? tdName} has no container definitions`);
  const input: PreflightInput = {
    from: service ? "service" : "task-definition",
    cluster: service?.clusterArn ?? opts.cluster,
    service: service?.serviceName ?? opts.service,
    taskDefinitionArn: def.taskDefinitionArn ?? tdName,
    launchType,
    subnets: network.subnets ?? [],
    securityGroups: network.securityGroups ?? [],
    assignPublicIp: network.assignPublicIp,
    containerInstance: opts.containerInstance,
    instance: opts.instance,
    containers,
    judged: launchType === "FARGATE" ? [...(network.subnets ?? [])] : [opts.instance ?? opts.containerInstance!],
  };
  return { input, def, service, network };
}

/**
 * The subnets and security groups a deploy names exist: one that does not is a mistake in the input (exit 2
 * naming it), not a missing route. One that cannot be read is left to the checks, which say so.
 */
async function requireNetwork(source: Source, network: AwsVpcConfiguration): Promise<void> {
  const subnets = network.subnets ?? [];
  const groups = network.securityGroups ?? [];
  const [subnetRead, groupRead] = await Promise.all([
    subnets.length > 0 ? source.describeSubnets(subnets) : undefined,
    groups.length > 0 ? source.describeSecurityGroups(groups) : undefined,
  ]);
  const where = source.kind === "live" ? `in ${source.region}` : "in the snapshot";
  const missingSubnets = subnetRead?.state === "known" ? subnets.filter((id) => !subnetRead.value.some((x) => x.SubnetId === id)) : [];
  if (missingSubnets.length > 0) throw new UsageError(`subnet ${missingSubnets.join(", ")} does not exist ${where}: check the subnet ids (--subnets, or the service's network configuration)`);
  const missingGroups = groupRead?.state === "known" ? groups.filter((id) => !groupRead.value.some((x) => x.GroupId === id)) : [];
  if (missingGroups.length > 0) throw new UsageError(`security group ${missingGroups.join(", ")} does not exist ${where}: check the security group ids (--security-groups, or the service's network configuration)`);
}

/** The Task the collector reads, as ECS would start it: no reasons, no ARN of its own. */
export function synthesiseTask(input: PreflightInput, def: TaskDefinition, service: Service | undefined, subnetId: string | undefined): Task {
  return {
    clusterArn: input.cluster ?? "default",
    taskDefinitionArn: def.taskDefinitionArn ?? input.taskDefinitionArn,
    group: input.service ? `service:${input.service}` : undefined,
    launchType: input.launchType,
    platformVersion: service?.platformVersion,
    containerInstanceArn: input.containerInstance,
    lastStatus: "PROVISIONING",
    attachments: subnetId ? [{ type: "ElasticNetworkInterface", status: "PRECREATED", details: [{ name: "subnetId", value: subnetId }] }] : [],
    containers: input.containers.map((c) => ({ name: c.name, image: c.image })),
  };
}

/** Judges the configuration a deploy would start tasks with, before any has failed. */
export async function preflightReport(source: Source, opts: PreflightOptions): Promise<Report> {
  // Each subnet's pass shares the reads of the others (the role, the images, the VPC).
  const shared = cachedSource(source);
  const { input, def, service, network } = await resolvePreflight(shared, opts);
  const origins: (string | undefined)[] = input.launchType === "FARGATE" ? input.subnets : [undefined];
  const parts = await Promise.all(
    origins.map(async (subnetId) => {
      const task = synthesiseTask(input, def, service, subnetId);
      const evidence = await collectEvidence(shared, task, {
        mode: "preflight",
        networkConfiguration: { ...network, subnets: subnetId ? [subnetId] : network.subnets },
        instanceId: opts.instance,
      });
      return { subnetId, report: buildReport(evidence) };
    }),
  );
  const merged = parts.length === 1 ? parts[0].report : mergeBySubnet(parts as { subnetId: string; report: Report }[]);
  return { ...merged, task: null, preflight: input };
}

const key = (f: Finding) => `${f.id}\u0000${f.container ?? ""}\u0000${f.title}`;

/** One report for several subnets: a finding common to all once, one seen in some naming them. */
export function mergeBySubnet(parts: { subnetId: string; report: Report }[]): Report {
  const groups = new Map<string, { finding: Finding; subnets: string[] }>();
  for (const { subnetId, report } of parts) {
    for (const f of report.findings) {
      const g = groups.get(key(f)) ?? { finding: f, subnets: [] };
      g.subnets.push(subnetId);
      groups.set(key(f), g);
    }
  }
  const all = parts.length;
  const drafts = [...groups.values()].map(({ finding, subnets }) => {
    const where = subnets.length === all
      ? []
      : subnets.map((s) => ({ resource: s, fact: `tasks placed in this subnet would meet this (${subnets.length} of ${all} subnets)` }));
    // rankFindings orders on confidence and severity; certainty is already in the confidence.
    return { ...finding, certainty: "proven" as const, evidence: [...where, ...finding.evidence] };
  });
  const passedEverywhere = (check: string) => parts.every((p) => p.report.passed.some((x) => x.check === check));
  const seen = new Set<string>();
  const skipped = parts.flatMap((p) => p.report.skipped).filter((s) => {
    const k = `${s.check}\u0000${s.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return {
    ...parts[0].report,
    findings: rankFindings(drafts),
    passed: parts[0].report.passed.filter((p) => passedEverywhere(p.check)),
    skipped,
    path: parts.flatMap((p) => (p.report.path ?? []).map((x) => ({ ...x, destination: `${p.subnetId}: ${x.destination}` }))),
  };
}
