// Collect, then judge: this module asks the source (live AWS or a snapshot)
// for everything a diagnosis needs, as concurrently as the dependencies allow,
// and builds the one evidence model that diagnostics read.

import { destinationPaths, isInterface, natPathFor, neededDestinations, s3PrefixListIds, workingNatGateways } from "../analysis/destinations.js";
import { endpointPolicyCheck, pathFilters } from "../analysis/path-filters.js";
import type { ImageRef } from "../analysis/image-ref.js";
import { logAccess, logsSimulationRequest } from "../analysis/log-permissions.js";
import { derivePermissions, secretsSimulationRequest } from "../analysis/permissions.js";
import { manifestPlatforms, type TaskOs, taskOsOf, taskPlatformOf } from "../analysis/platform.js";
import { isEgressTarget, routeFor, routeTableFor, type TargetInventory, withTargetState } from "../analysis/routes.js";
import type { AwsVpcConfiguration, Instance, InternetGateway, NatGateway, NetworkAcl, NetworkInterface, RouteTable, SecurityGroup, Service, Subnet, Task, TaskDefinition, Vpc, VpcAttributes, VpcEndpoint } from "../model/aws.js";
import type { DestinationPath, Evidence, FilterCheck, ImageEvidence, NetworkEvidence, PullOrigin, RoleEvidence, SecretReference } from "../model/evidence.js";
import { type Fact, isKnown, known, mapFact, unknown, factValue } from "../model/fact.js";
import { UsageError } from "../errors.js";
import type { Source } from "../source/source.js";
import { readAliases, resolveKeys, withKeyPolicies } from "./kms.js";
import { collectLogGroups, logGroupReferences } from "./logs.js";
import { collectEfs } from "./efs.js";
import { secretReferences } from "./secrets.js";
import { eniAttachment, failuresOf, imageRefFor, launchTypeOf, needsCluster, parseTaskLocator, serviceNameOf, type TaskLocator } from "./task.js";

export type { TaskLocator } from "./task.js";

/** The actions a pull needs, and the resource each applies to. */
export const PULL_ACTIONS = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] as const;

const notApplicable = <T>(value: T): Fact<T> => known(value);

/** Reads the task the locator names; a missing task is a UsageError with the one-hour hint. */
export async function readTask(source: Source, locator: TaskLocator): Promise<Task> {
  const parsed = parseTaskLocator(locator);
  if (!parsed.cluster && source.kind === "live") throw new UsageError(needsCluster(parsed));
  const res = await source.describeTasks(parsed.cluster, [parsed.arn ?? parsed.taskId]);
  if (res.state !== "known") {
    throw new UsageError(`cannot read the task: ${res.call} ${res.why === "denied" ? `was denied; grant ${res.permission} to the identity you run as` : `failed (${res.message})`}`);
  }
  const task = res.value[0];
  if (!task) {
    throw new UsageError(
      source.kind === "live"
        ? `task ${parsed.arn ?? parsed.taskId} was not found in cluster ${parsed.cluster ?? "default"} (${source.region}): ECS forgets stopped tasks about an hour after they stop; check the region and cluster, and next time capture it with \`ecs-doctor record\` and diagnose it with --snapshot`
        : `task ${locator.task} is not in the snapshot's ecs.tasks: give one of its taskArns`,
    );
  }
  return task;
}

/** How to collect: a diagnosis of a failed task (the default), or a preflight of a task that has not run yet. */
export interface CollectOptions {
  /** "preflight": nothing has failed; every image is checked as if pulled, with no failure message. */
  mode?: "diagnose" | "preflight";
  /** Preflight: the awsvpc configuration to use where no service or ENI names the security groups and assignPublicIp. */
  networkConfiguration?: AwsVpcConfiguration;
  /** Preflight, EC2 launch type: the EC2 instance the pull would leave from, where no container instance names one. */
  instanceId?: string;
}

export async function collectEvidence(source: Source, task: Task, options: CollectOptions = {}): Promise<Evidence> {
  // The task ARN names its account: no round trip to STS before the real work.
  const accountId = task.taskArn?.split(":")[4] || ((await source.accountId()) ?? "");
  const region = source.region;
  const cluster = task.clusterArn ?? "default";
  const launchType = launchTypeOf(task);
  const eni = eniAttachment(task);
  const serviceName = serviceNameOf(task);

  // Round 2: everything the task names directly.
  const taskDefinitionP = task.taskDefinitionArn
    ? source.describeTaskDefinition(task.taskDefinitionArn)
    : Promise.resolve(notApplicable<TaskDefinition | null>(null));
  const serviceP: Promise<Fact<Service | null>> = serviceName
    ? source.describeServices(cluster, [serviceName]).then((f) => mapFact(f, (s) => s[0] ?? null))
    : Promise.resolve(known(null));
  const containerInstanceP = launchType === "EC2" && task.containerInstanceArn
    ? source.describeContainerInstances(cluster, [task.containerInstanceArn]).then((f) => mapFact(f, (c) => c[0] ?? null))
    : Promise.resolve(known(null));
  // A stopped task's ENI is usually deleted (attachment DELETED): asking for it costs a call per task.
  const eniP: Promise<Fact<NetworkInterface | null>> = eni?.networkInterfaceId && launchType === "FARGATE" && eni.status !== "DELETED"
    ? source.describeNetworkInterfaces([eni.networkInterfaceId]).then((f) => mapFact(f, (n) => n[0] ?? null))
    : Promise.resolve(known(null));
  // EC2: the container instance's EC2 instance carries the pull.
  const instanceP: Promise<Fact<Instance | null>> = containerInstanceP.then((ci) => {
    if (ci.state !== "known") return ci;
    const id = ci.value?.ec2InstanceId ?? options.instanceId;
    return id ? source.describeInstances([id]).then((f) => mapFact(f, (i) => i[0] ?? null)) : known(null);
  });

  // Fargate names its subnet in the task itself: the network can be read from round 2 on.
  const earlySubnetId = launchType === "FARGATE" ? eni?.subnetId : undefined;
  // EC2: the container instance's attributes name its subnet and VPC (ecs.subnet-id, ecs.vpc-id):
  // the network is read beside DescribeInstances, not after it.
  const subnetP: SubnetReads | Promise<SubnetReads | undefined> | undefined = earlySubnetId
    ? readSubnet(source, earlySubnetId)
    : launchType === "EC2"
      ? containerInstanceP.then((ci) => {
        const attribute = (name: string) => factValue(ci)?.attributes?.find((a) => a.name === name)?.value;
        const subnetId = attribute("ecs.subnet-id");
        return subnetId ? readSubnet(source, subnetId, attribute("ecs.vpc-id")) : undefined;
      })
      : undefined;

  // The subnet of the task's own interface: a message that names one (no interface was created), else the attachment's.
  const early = failuresOf(task, () => undefined);
  const named = early.failures.find((f) => f.signals.stage === "network-interface" && f.signals.subnetId)?.signals.subnetId;
  // A task that did not fail to start says nothing about its subnet's addresses: not worth a call.
  const interfaceSubnetId = options.mode === "preflight" ? eni?.subnetId : early.scope === "none" ? undefined : (named ?? eni?.subnetId);
  const interfaceSubnetP = !interfaceSubnetId ? undefined
    : interfaceSubnetId === earlySubnetId && subnetP && !(subnetP instanceof Promise) ? subnetP.subnet
      : source.describeSubnets([interfaceSubnetId]).then((f) => mapFact(f, (x) => x[0] ?? null));
  const taskDefinition = await taskDefinitionP;
  const def = factValue(taskDefinition) ?? undefined;
  const imageOf = (container: string) => imageRefFor(task, def, container);
  // A preflight has no message: the scope is a pull, and ranking reads the message as silent.
  const { scope, failures } = options.mode === "preflight" ? { scope: "pull" as const, failures: [] } : failuresOf(task, imageOf);

  // The images to check: the failing containers', else every container's.
  const refs = new Map<string, { ref: ImageRef; containers: string[] }>();
  const failingContainers = failures.map((f) => f.container);
  const containerNames = (def?.containerDefinitions ?? []).map((c) => c.name ?? "").filter(Boolean);
  for (const c of task.containers ?? []) if (c.name && !containerNames.includes(c.name)) containerNames.push(c.name);
  const checked = failingContainers.some((c) => containerNames.includes(c)) ? failingContainers : containerNames;
  for (const name of checked) {
    const ref = imageOf(name);
    if (!ref) continue;
    const entry = refs.get(ref.raw) ?? { ref, containers: [] };
    entry.containers.push(name);
    refs.set(ref.raw, entry);
  }

  const executionRoleArn = task.overrides?.executionRoleArn ?? def?.executionRoleArn ?? null;
  const imagesP = Promise.all([...refs.values()].map(({ ref, containers }) => collectImage(source, ref, containers, def, pinnedDigestOf(task, def, ref, containers))));
  const executionRoleP = executionRoleArn ? source.getRole(roleNameOf(executionRoleArn)) : Promise.resolve(known(null));
  const ecrRepoArns = [...refs.values()].filter((r) => r.ref.kind === "ecr").map((r) => r.ref.repositoryArn!);
  // The log groups are named by the task definition: read beside the roles, and asked in the same simulation as the pull.
  const logRefs = logGroupReferences(def, task, region, accountId);
  const logGroupsP = collectLogGroups(source, logRefs, scope);
  const logsAsked = scope === "none" || scope === "assume-role" ? { actions: [], resources: [] } : logsSimulationRequest(logRefs);
  const roleSimulation = (roleArn: string, more: { actions: string[]; resources: string[] } = { actions: [], resources: [] }) => {
    const pull = ecrRepoArns.length > 0 ? { actions: [...PULL_ACTIONS], resources: ["*", ...ecrRepoArns] } : { actions: [], resources: [] };
    const actions = [...new Set([...pull.actions, ...logsAsked.actions, ...more.actions])];
    const resources = [...new Set([...pull.resources, ...logsAsked.resources, ...more.resources])];
    return actions.length > 0 ? source.simulatePrincipalPolicy(roleArn, actions, resources) : Promise.resolve(known([]));
  };
  const keyedSecretsP = collectSecrets(source, def, region, accountId, scope);
  // The key policies are asked once the metadata names the keys.
  const secretsP = keyedSecretsP.then((refs) => withKeyPolicies(source, refs));
  // IAM's own answer (live only; a snapshot evaluates the documents) for all the execution role does at start: the
  // pull, the logs and the secrets it reads. One simulation: it waits for the secrets' metadata (their KMS keys), a
  // round that nothing the pull's answer leads to needs sooner.
  const simulationP = executionRoleArn
    ? keyedSecretsP.then((refs) => roleSimulation(executionRoleArn, secretsSimulationRequest(refs, region, accountId)))
    : Promise.resolve(known([]));
  const secretsSimulationP = simulationP;

  // The operating system, derived once: the pull origin's (its ephemeral ports) and the platform check's.
  const osP = Promise.all([containerInstanceP, instanceP]).then(([ci, i]) => taskOsOf(launchType, factValue(i) ?? null, factValue(ci) ?? null, def ?? null));
  const originP = Promise.all([serviceP, instanceP, eniP, osP]).then(([service, instance, networkInterface, os]) =>
    pullOrigin(launchType, eni, service, networkInterface, instance, task.platformVersion, os, options.networkConfiguration),
  );
  const networkP = collectNetwork(source, originP, eniP, subnetP, region, refs, def, failures);
  const efsP = collectEfs(source, {
    task, def, region, accountId, needed: scope !== "none" && scope !== "assume-role", origin: originP, network: networkP,
    earlySubnet: Promise.resolve(subnetP).then((reads) => reads?.subnet),
  });
  const [service, containerInstance, instance] = await Promise.all([serviceP, containerInstanceP, instanceP]);

  // EC2 without an execution role pulls with the instance profile's role.
  const instanceProfileP = (async () => {
    if (launchType !== "EC2") return known(null);
    if (instance.state !== "known") return instance;
    const arn = instance.value?.IamInstanceProfile?.Arn;
    if (!arn) return known(null);
    return source.getInstanceProfile(arn.split("/").pop()!);
  })();
  const pullRoleP = (async (): Promise<RoleEvidence | null> => {
    if (executionRoleArn) {
      return { purpose: "execution-role", arn: executionRoleArn, role: await executionRoleP, simulation: await simulationP };
    }
    if (launchType !== "EC2") return null;
    const profile = await instanceProfileP;
    if (profile.state !== "known") return { purpose: "instance-role", arn: "unknown", role: profile, simulation: known([]) };
    const role = profile.value?.Roles?.[0];
    if (!role?.Arn) return null;
    const [full, simulation] = await Promise.all([source.getRole(role.RoleName ?? roleNameOf(role.Arn)), roleSimulation(role.Arn)]);
    return { purpose: "instance-role", arn: role.Arn, role: full, simulation };
  })();

  const [collectedImages, network, executionRole, pullRole, collectedSecrets, instanceProfile, secretsSimulation, logGroups] = await Promise.all([
    imagesP, networkP, executionRoleP, pullRoleP, secretsP, instanceProfileP, secretsSimulationP, logGroupsP,
  ]);
  // Derived once: every IAM question of the pull, and the platform the task runs on.
  const permissions = derivePermissions({
    source: source.kind,
    accountId, region, executionRoleArn, executionRole, pullRole, images: collectedImages, secrets: collectedSecrets, secretsSimulation,
  });
  const images = collectedImages.map((i, n) => ({ ...i, repositoryAccess: permissions.repositoryAccess[n] }));
  const secrets = collectedSecrets.map((r, n) => (permissions.secretAccess[n] ? { ...r, access: permissions.secretAccess[n] } : r));
  const interfaceSubnet = interfaceSubnetId && interfaceSubnetP
    ? { subnetId: interfaceSubnetId, from: interfaceSubnetId === named ? ("message" as const) : ("attachment" as const), subnet: await interfaceSubnetP, interfaceCreated: options.mode !== "preflight" && Boolean(eni?.networkInterfaceId) }
    : null;
  const taskPlatform = taskPlatformOf(launchType, taskDefinition, instance, containerInstance, await osP);
  // The execution role writes the logs; on EC2 without one, the container instance's role.
  const writer = pullRole && pullRole.arn !== "unknown" && (pullRole.purpose === "execution-role" || launchType === "EC2") ? { purpose: pullRole.purpose, arn: pullRole.arn } : null;
  const logs = logAccess(logGroups.map((g) => ({ ...g, writer })), pullRole?.role ?? known(null), pullRole?.simulation ?? known([]), accountId, source.kind);
  return {
    region,
    accountId,
    source: source.kind,
    mode: options.mode ?? "diagnose",
    task,
    clusterArn: cluster,
    launchType,
    taskDefinition,
    service,
    containerInstance,
    instance,
    instanceProfile,
    scope,
    failures,
    images,
    network: withEndpointPolicies(network, pullRole),
    executionRoleArn,
    pullRole,
    executionRole,
    secrets,
    interfaceSubnet,
    logs,
    ephemeralStorageGiB: task.ephemeralStorage?.sizeInGiB ?? def?.ephemeralStorage?.sizeInGiB ?? 20,
    executionRoleTrust: permissions.executionRoleTrust,
    pullPermissions: permissions.pullPermissions,
    taskPlatform,
    efs: await efsP,
  };
}

export function roleNameOf(arn: string): string {
  return arn.split("/").pop() ?? arn;
}

/**
 * The digest ECS pinned at deployment for these containers (findings.md "Pinned digests"): the task's
 * container carries it as `imageDigest` although its image names only a tag. Not with `versionConsistency`
 * `disabled`, which turns pinning off.
 */
function pinnedDigestOf(task: Task, def: TaskDefinition | undefined, ref: ImageRef, containers: string[]): string | undefined {
  if (ref.digest) return undefined;
  for (const name of containers) {
    if ((def?.containerDefinitions ?? []).find((d) => d.name === name)?.versionConsistency === "disabled") continue;
    const digest = (task.containers ?? []).find((c) => c.name === name)?.imageDigest;
    if (digest?.startsWith("sha256:")) return digest;
  }
  return undefined;
}

async function collectImage(source: Source, ref: ImageRef, containers: string[], def: TaskDefinition | undefined, pinnedDigest?: string): Promise<ImageEvidence> {
  const definitions = (def?.containerDefinitions ?? []).filter((d) => containers.includes(d.name ?? ""));
  const none = known(null);
  if (ref.kind !== "ecr" || !ref.registryId) {
    return {
      ref, containers, definitions, repository: none, image: none, otherImages: known([]), manifest: none, repositoryPolicy: none, pullThroughCacheRules: known([]),
      pullThroughCache: none, platforms: none, repositoryAccess: null,
    };
  }
  const registry = ref.registryId;
  // The registry's region (its host names it), which need not be the task's.
  const registryRegion = ref.region;
  const imageId = ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag };
  const [repository, images, manifest, repositoryPolicy, pullThroughCacheRules] = await Promise.all([
    source.describeRepositories(registry, [ref.repository], registryRegion).then((f) => mapFact(f, (r) => r[0] ?? null)),
    // The pinned digest is asked in the same round: one id a call (live), side by side.
    source.describeImages(registry, ref.repository, pinnedDigest ? [imageId, { imageDigest: pinnedDigest }] : [imageId], registryRegion),
    source.batchGetImage(registry, ref.repository, [imageId], registryRegion).then((f) => mapFact(f, (i) => i[0] ?? null)),
    // Every repository's policy: in the task's own account it can allow the pull (or deny it) as well as the role's policies.
    source.getRepositoryPolicy(registry, ref.repository, registryRegion),
    source.describePullThroughCacheRules(registry, registryRegion),
  ]);
  const image = mapFact(images, (d) => d.find((x) => (ref.digest ? x.imageDigest === ref.digest : (x.imageTags ?? []).includes(ref.tag ?? ""))) ?? null);
  const pinnedImage = pinnedDigest ? mapFact(images, (d) => d.find((x) => x.imageDigest === pinnedDigest) ?? null) : undefined;
  // The nearest tags are worth a call only when the one asked for is missing.
  const otherImages = !isKnown(repository) ? repository
    : !isKnown(image) ? image
      : repository.value && image.value === null
        ? await source.describeImages(registry, ref.repository, undefined, registryRegion)
        : known([]);
  const pullThroughCache = mapFact(pullThroughCacheRules, (rules) =>
    rules.find((r) => r.ecrRepositoryPrefix && (ref.repository === r.ecrRepositoryPrefix || ref.repository.startsWith(`${r.ecrRepositoryPrefix}/`))) ?? null,
  );
  const platforms = mapFact(manifest, (m) => manifestPlatforms(m));
  return {
    ref, containers, definitions, repository, image, ...(pinnedDigest ? { pinnedDigest, pinnedImage } : {}), otherImages, manifest, repositoryPolicy,
    pullThroughCacheRules, pullThroughCache, platforms, repositoryAccess: null,
  };
}

/** The secrets' metadata, with each customer managed key's ARN (its policy is read after). */
async function collectSecrets(source: Source, def: TaskDefinition | undefined, region: string, accountId: string, scope: Evidence["scope"]) {
  const refs = secretReferences(def, region, accountId);
  // Secrets matter only when the task could have failed on them; each one is a call.
  const needed = scope === "init" || scope === "pull" ? refs : [];
  // A secret or parameter is read in the region its ARN names (a bare name is in the task's): one DescribeParameters per region.
  const regionOf = (id: string) => (id.startsWith("arn:") ? id.split(":")[3] || region : region);
  // Another account's parameter (its ARN says whose) is listed only among those shared with this account.
  const sharedOf = (id: string) => id.startsWith("arn:") && (id.split(":")[4] ?? accountId) !== accountId;
  const ssmKey = (id: string) => `${regionOf(id)} ${sharedOf(id) ? "shared" : "own"}`;
  const ssmByRegion = new Map<string, string[]>();
  for (const r of needed) {
    if (r.store !== "ssm") continue;
    const names = ssmByRegion.get(ssmKey(r.lookupId)) ?? [];
    if (!names.includes(r.lookupId)) names.push(r.lookupId);
    ssmByRegion.set(ssmKey(r.lookupId), names);
  }
  const ssmP = Promise.all([...ssmByRegion].map(async ([key, names]) => {
    const [where, whose] = key.split(" ");
    return [key, await source.describeParameters(names, where, whose === "shared" ? { shared: true } : undefined)] as const;
  })).then((e) => new Map(e));
  const secretIds = [...new Set(needed.filter((r) => r.store === "secretsmanager").map((r) => r.lookupId))];
  // Asked beside the parameters' metadata: a SecureString usually names its key by alias, whose policy is then
  // read one round later, not two. A Secrets Manager secret usually names its key by ARN (none for the AWS
  // managed key): its aliases are asked only when one names an alias, at the cost of that round.
  const aliases = readAliases(source, needed.filter((r) => r.store === "ssm").map((r) => r.lookupId), region);
  const secretFacts = new Map(await Promise.all(secretIds.map(async (id) => [id, await source.describeSecret(id, regionOf(id))] as const)));
  const ssmFacts = await ssmP;
  const read = refs.map((r): SecretReference => {
    if (!needed.includes(r)) return { ...r, secret: unknown("not-recorded", r.store === "ssm" ? "ssm:DescribeParameters" : "secretsmanager:DescribeSecret", "not read: the task did not fail at start") };
    if (r.store === "secretsmanager") return { ...r, secret: secretFacts.get(r.lookupId)! };
    const ssm = ssmFacts.get(ssmKey(r.lookupId))!;
    return { ...r, secret: mapFact(ssm, (ps) => ps.find((p) => p.Name === r.lookupId || p.ARN === r.lookupId || p.Name === `/${r.lookupId}` || (p.ARN && r.lookupId.startsWith("arn:") && p.ARN === r.lookupId)) ?? null) };
  });
  return resolveKeys(source, read, aliases, region, accountId);
}

function pullOrigin(
  launchType: Evidence["launchType"],
  eni: ReturnType<typeof eniAttachment>,
  serviceFact: Fact<Service | null>,
  networkInterface: Fact<NetworkInterface | null>,
  instance: Fact<Instance | null>,
  platformVersion: string | undefined,
  taskOs: TaskOs,
  override?: AwsVpcConfiguration,
): Fact<PullOrigin | null> {
  const os = taskOs.os;
  if (launchType === "EC2") {
    if (instance.state !== "known") return instance;
    const i = instance.value;
    if (!i) return known(null);
    const primary = (i.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
    const groups = (primary?.Groups ?? i.SecurityGroups ?? []).map((g) => g.GroupId ?? "").filter(Boolean);
    return known({
      kind: "container-instance",
      networkInterfaceId: primary?.NetworkInterfaceId,
      subnetId: primary?.SubnetId ?? i.SubnetId ?? "",
      securityGroupIds: known(groups),
      publicIp: known(Boolean(i.PublicIpAddress ?? primary?.Association?.PublicIp)),
      privateIp: i.PrivateIpAddress,
      instanceId: i.InstanceId,
      readFrom: `instance ${i.InstanceId}`,
      os,
    });
  }
  if (launchType === "EXTERNAL") return known(null);
  const service = factValue(serviceFact) ?? null;
  const fromService = service?.networkConfiguration?.awsvpcConfiguration;
  const awsvpc = fromService ?? override;
  // Fargate always runs in a subnet: the task's ENI attachment names it, else a service that names exactly one.
  const onlySubnet = !eni?.subnetId && awsvpc?.subnets?.length === 1 ? awsvpc.subnets[0] : undefined;
  const subnetId = eni?.subnetId ?? onlySubnet;
  // The service that could have named it was not read: that read would settle it.
  if (!subnetId) return serviceFact.state !== "known" ? serviceFact : unknown("not-recorded", "ecs:DescribeTasks", "the task's ENI attachment is not recorded");
  const n = factValue(networkInterface);
  let securityGroupIds: Fact<string[]>;
  let readFrom: string;
  if (n?.Groups) {
    securityGroupIds = known(n.Groups.map((g) => g.GroupId ?? "").filter(Boolean));
    readFrom = `network interface ${n.NetworkInterfaceId}`;
  } else if (awsvpc?.securityGroups) {
    securityGroupIds = known(awsvpc.securityGroups);
    readFrom = fromService ? `service ${service?.serviceName} networkConfiguration` : "the preflight's network configuration";
  } else {
    // What could have named them and was not read says what to grant; else AWS keeps no record of them.
    securityGroupIds = networkInterface.state !== "known" ? networkInterface
      : serviceFact.state !== "known" ? serviceFact
        : unknown("not-recorded", "ec2:DescribeNetworkInterfaces", "the task's network interface is gone and no service names its security groups");
    readFrom = "task attachment";
  }
  if (onlySubnet) {
    const named = fromService ? `service ${service?.serviceName} networkConfiguration` : "the preflight's network configuration";
    readFrom = `${readFrom === "task attachment" ? named : readFrom}; the task's ENI attachment is not recorded, so its subnet is ${onlySubnet}, the one subnet ${named} names`;
  }
  let publicIp: Fact<boolean>;
  if (n?.Association?.PublicIp) publicIp = known(true);
  else if (awsvpc?.assignPublicIp) publicIp = known(awsvpc.assignPublicIp.toUpperCase() === "ENABLED");
  else if (n) publicIp = known(false);
  else if (networkInterface.state !== "known") publicIp = networkInterface;
  else if (serviceFact.state !== "known") publicIp = serviceFact;
  else publicIp = unknown("not-recorded", "ecs:DescribeServices", "the task was not started by a service, so its assignPublicIp setting is not recorded");
  return known({
    kind: "task-eni",
    networkInterfaceId: eni?.networkInterfaceId,
    subnetId,
    securityGroupIds,
    publicIp,
    privateIp: eni?.privateIp,
    readFrom,
    legacyPlatform: legacyFargatePlatform(platformVersion),
    os,
  });
}

/** Fargate platform versions before 1.4.0 fetch the ECR token and secrets through an interface of their own. */
function legacyFargatePlatform(version: string | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version ?? "");
  return m && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 4)) ? version : undefined;
}

/** The endpoint policies on each destination's path, judged for the role that pulls (known only once roles are read). */
function withEndpointPolicies(network: NetworkEvidence, pullRole: RoleEvidence | null): NetworkEvidence {
  const vpcId = factValue(network.subnet)?.VpcId;
  const principal = pullRole && pullRole.arn !== "unknown" ? pullRole.arn : undefined;
  return {
    ...network,
    destinations: mapFact(network.destinations, (paths) =>
      paths.map((p) => {
        const check = endpointPolicyCheck(p, principal, vpcId);
        return check ? { ...p, filters: [...p.filters, check] } : p;
      }),
    ),
  };
}

/**
 * A path that an unread endpoint could serve was judged as the route table's: a filter that would
 * block it there decides nothing until the endpoints are read (the request may not go that way).
 */
function undecidedFilters(p: DestinationPath, filters: FilterCheck[]): FilterCheck[] {
  const why = p.endpointsUnknown;
  if (!why) return filters;
  return filters.map((f) => (f.verdict === "allow" || f.verdict === "unknown" ? f : { ...f, verdict: "unknown", unknown: why, fact: `${f.fact}, if the request takes the route table (the VPC's endpoints could not be read)` }));
}

/** Facts of several calls as one: the first unknown, else every value. */
function allOf<T>(facts: Fact<T[]>[]): Fact<T[]> {
  const bad = facts.find((f) => f.state !== "known");
  return bad ?? known(facts.flatMap((f) => factValue(f) ?? []));
}

interface SubnetReads {
  subnetId: string;
  subnet: Promise<Fact<Subnet | null>>;
  networkAcl: Promise<Fact<NetworkAcl | null>>;
  /** The VPC-wide reads, started as soon as the subnet names its VPC. */
  vpc: Promise<VpcReads>;
}

interface VpcReads {
  vpcId?: string;
  vpcs: Fact<Vpc[]>;
  vpcAttributes: Fact<VpcAttributes | null>;
  routeTables: Fact<RouteTable[]>;
  internetGateways: Fact<InternetGateway[]>;
  natGateways: Fact<NatGateway[]>;
  vpcEndpoints: Fact<VpcEndpoint[]>;
}

/** `vpcIdHint`: the VPC, when known before the subnet answers (a container instance's ecs.vpc-id): its reads start at once. */
function readSubnet(source: Source, subnetId: string, vpcIdHint?: string): SubnetReads {
  const subnet = source.describeSubnets([subnetId]).then((f) => mapFact(f, (s) => s[0] ?? null));
  const networkAcl = source.describeNetworkAcls(subnetId).then((f) => mapFact(f, (a) => a[0] ?? null));
  const vpc = (vpcIdHint ? Promise.resolve(known<Subnet | null>({ SubnetId: subnetId, VpcId: vpcIdHint })) : subnet).then(async (sf): Promise<VpcReads> => {
    const vpcId = factValue(sf)?.VpcId;
    const fallback = <T>(v: T): Promise<Fact<T>> => Promise.resolve(sf.state !== "known" ? sf : known(v));
    const inVpc = <T>(fn: (vpc: string) => Promise<Fact<T>>, empty: T): Promise<Fact<T>> => (vpcId ? fn(vpcId) : fallback(empty));
    const [vpcs, vpcAttributes, routeTables, internetGateways, natGateways, vpcEndpoints] = await Promise.all([
      inVpc((v) => source.describeVpcs([v]), [] as Vpc[]),
      inVpc((v) => source.describeVpcAttributes(v), null as VpcAttributes | null),
      inVpc((v) => source.describeRouteTables(v), [] as RouteTable[]),
      inVpc((v) => source.describeInternetGateways(v), [] as InternetGateway[]),
      inVpc((v) => source.describeNatGateways(v), [] as NatGateway[]),
      inVpc((v) => source.describeVpcEndpoints(v), [] as VpcEndpoint[]),
    ]);
    return { vpcId, vpcs, vpcAttributes, routeTables, internetGateways, natGateways, vpcEndpoints };
  });
  return { subnetId, subnet, networkAcl, vpc };
}

async function collectNetwork(
  source: Source,
  originP: Promise<Fact<PullOrigin | null>>,
  networkInterfaceP: Promise<Fact<NetworkInterface | null>>,
  earlyReads: SubnetReads | Promise<SubnetReads | undefined> | undefined,
  region: string,
  refs: Map<string, { ref: ImageRef; containers: string[] }>,
  def: TaskDefinition | undefined,
  failures: Evidence["failures"],
): Promise<NetworkEvidence> {
  const [originFact, networkInterface] = await Promise.all([originP, networkInterfaceP]);
  const origin = factValue(originFact);
  const absent = known(null);
  if (!origin) {
    const why = originFact;
    const blank = <T>(v: T): Fact<T> => (why.state === "known" ? known(v) : why);
    return {
      origin: originFact, subnet: blank(null), vpc: blank(null), vpcAttributes: blank(null), dhcpOptions: blank(null),
      routeTables: blank([]), internetGateways: blank([]), egressOnlyInternetGateways: blank([]), natGateways: blank([]),
      vpcEndpoints: blank([]), securityGroups: blank([]), networkAcl: blank(null), prefixLists: blank([]), networkInterface,
      routeTable: blank(null), internetRoute: blank(null), hasEgressRoute: blank(false), destinations: blank([]), natPath: blank(null),
      workingNatGateways: blank([]), reliesOnEndpoints: blank(false), endpointSubnets: blank([]), otherNetworkAcls: blank([]),
      dns: why.state === "known" ? known({ support: true, hostnames: true, customServers: [] }) : why,
    };
  }
  const early = await earlyReads;
  const reads = early && early.subnetId === origin.subnetId ? early : readSubnet(source, origin.subnetId);
  const originGroups = factValue(origin.securityGroupIds) ?? [];
  const originSgsP = originGroups.length > 0 ? source.describeSecurityGroups(originGroups) : Promise.resolve(known<SecurityGroup[]>([]));
  // What the VPC names is read as soon as the VPC answers, not after the security groups (EC2 learns them a round later).
  const [subnet, networkAcl, vpcReads] = await Promise.all([reads.subnet, reads.networkAcl, reads.vpc]);
  const { vpcs, vpcAttributes, routeTables, internetGateways, natGateways, vpcEndpoints } = vpcReads;
  const vpc = mapFact(vpcs, (v) => v[0] ?? null);

  // Round 4: what those name.
  const endpointsRead = factValue(vpcEndpoints) ?? [];
  const endpointGroups = endpointsRead.filter(isInterface).flatMap((e) => (e.Groups ?? []).map((g) => g.GroupId ?? ""));
  const extraGroups = [...new Set(endpointGroups.filter((g) => g && !originGroups.includes(g)))];
  const prefixListIds = new Set<string>();
  for (const t of factValue(routeTables) ?? []) for (const r of t.Routes ?? []) if (r.DestinationPrefixListId) prefixListIds.add(r.DestinationPrefixListId);
  const eigwIds = new Set<string>();
  for (const t of factValue(routeTables) ?? []) for (const r of t.Routes ?? []) if (r.EgressOnlyInternetGatewayId) eigwIds.add(r.EgressOnlyInternetGatewayId);
  const dhcpId = factValue(vpc)?.DhcpOptionsId;
  // The other subnets on the path: the interface endpoints' (their CIDRs are the endpoints' addresses) and the NAT gateways'.
  const endpointSubnetIds = [...new Set(endpointsRead.filter(isInterface).flatMap((e) => e.SubnetIds ?? []))];
  const natSubnetIds = (factValue(natGateways) ?? []).map((n) => n.SubnetId ?? "").filter(Boolean);
  const aclSubnetIds = [...new Set([...endpointSubnetIds, ...natSubnetIds])].filter((id) => id !== origin.subnetId);
  const vpcNamed = Promise.all([
    extraGroups.length > 0 ? source.describeSecurityGroups(extraGroups) : Promise.resolve(known<SecurityGroup[]>([])),
    prefixListIds.size > 0 ? source.describeManagedPrefixLists([...prefixListIds]) : Promise.resolve(known([])),
    eigwIds.size > 0 ? source.describeEgressOnlyInternetGateways([...eigwIds]) : Promise.resolve(known([])),
    // An unread VPC leaves its DHCP options unknown, not absent (custom DNS servers would go unseen).
    vpc.state !== "known" ? Promise.resolve(vpc)
      : dhcpId && dhcpId !== "default" ? source.describeDhcpOptions([dhcpId]).then((f) => mapFact(f, (d) => d[0] ?? null)) : Promise.resolve(absent),
    endpointSubnetIds.length > 0 ? source.describeSubnets(endpointSubnetIds) : Promise.resolve(known<Subnet[]>([])),
    Promise.all(aclSubnetIds.map((id) => source.describeNetworkAcls(id))).then((facts) => allOf<NetworkAcl>(facts)),
  ]);
  const originSgs = await originSgsP;
  // Prefix lists the origin's outbound rules name, beyond the routes'.
  const sgListIds = [...new Set((factValue(originSgs) ?? []).flatMap((g) => (g.IpPermissionsEgress ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? ""))))]
    .filter((id) => id && !prefixListIds.has(id));
  for (const id of sgListIds) prefixListIds.add(id);
  const [[endpointSgs, routeLists, egressOnlyInternetGateways, dhcp, endpointSubnets, otherNetworkAcls], sgLists] = await Promise.all([
    vpcNamed,
    sgListIds.length > 0 ? source.describeManagedPrefixLists(sgListIds) : Promise.resolve(known([])),
  ]);
  const routePrefixLists = routeLists.state !== "known" ? routeLists : mapFact(sgLists, (more) => [...routeLists.value, ...more]);
  // Prefix lists that only the endpoints' security groups name.
  const morePrefixLists = [...new Set((factValue(endpointSgs) ?? []).flatMap((g) => (g.IpPermissions ?? []).flatMap((p) => (p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? ""))))].filter((id) => id && !prefixListIds.has(id));
  const prefixLists = morePrefixLists.length > 0 && routePrefixLists.state === "known"
    ? mapFact(await source.describeManagedPrefixLists(morePrefixLists), (more) => [...routePrefixLists.value, ...more])
    : routePrefixLists;
  const securityGroups: Fact<SecurityGroup[]> =
    originSgs.state !== "known" ? originSgs : known([...originSgs.value, ...(factValue(endpointSgs) ?? [])]);

  // Derived facts, computed once.
  const routeTable = mapFact(routeTables, (tables) => routeTableFor(origin.subnetId, tables));
  const table = factValue(routeTable)?.table ?? null;
  const lists = factValue(prefixLists) ?? [];
  const ipv6Only = factValue(subnet)?.Ipv6Native === true;
  const inventory: TargetInventory = {
    vpcId: factValue(subnet)?.VpcId,
    natGateways: factValue(natGateways),
    internetGateways: factValue(internetGateways),
    egressOnlyInternetGateways: eigwIds.size > 0 ? factValue(egressOnlyInternetGateways) : undefined,
  };
  const internetRoute = mapFact(routeTable, (rt) => {
    const m = rt ? routeFor(rt.table, { ipv6: ipv6Only }, lists) : null;
    return m ? withTargetState(m, inventory) : null;
  });
  const destinationsList = neededDestinations([...refs.values()].map((r) => r.ref), def, region, failures, { legacyPlatform: origin.legacyPlatform !== undefined });
  // A route toward the internet (or toward the address the message names) that leaves the VPC, working or not.
  const failedIps = destinationsList.filter((d) => d.failed && d.ip).map((d) => d.ip!);
  const hasEgressRoute = mapFact(routeTable, (rt) => {
    if (!rt) return false;
    const matches = [routeFor(rt.table, { ipv6: ipv6Only }, lists), ...failedIps.map((ip) => routeFor(rt.table, { ip }, lists))];
    return matches.some((m) => m !== null && isEgressTarget(m.target.kind));
  });
  const endpoints = endpointsRead;
  const allTables = factValue(routeTables) ?? [];
  const attributes = factValue(vpcAttributes);
  const dhcpServers = mapFact(dhcp, (d) => (d?.DhcpConfigurations ?? []).filter((c) => c.Key === "domain-name-servers").flatMap((c) => (c.Values ?? []).map((v) => v.Value ?? "")));
  const dns: NetworkEvidence["dns"] = vpcAttributes.state !== "known"
    ? vpcAttributes
    : !attributes
      ? source.kind === "snapshot"
        ? unknown("not-captured", "ec2:DescribeVpcAttribute", `the VPC's enableDnsSupport and enableDnsHostnames were not recorded`)
        : unknown("not-recorded", "ec2:DescribeVpcAttribute", `VPC ${vpcReads.vpcId ?? "(unnamed)"} was not found, so its DNS attributes are unknown`)
      : known({
          support: attributes.EnableDnsSupport !== false,
          hostnames: attributes.EnableDnsHostnames !== false,
          customServers: dhcpServers.state === "known" ? dhcpServers.value.filter((v) => v && v !== "AmazonProvidedDNS") : null,
        });
  const filterInputs = {
    origin, subnet: factValue(subnet) ?? null, securityGroups, networkAcl, otherNetworkAcls, endpointSubnets, prefixLists: lists,
    s3PrefixListIds: s3PrefixListIds(region, endpoints, allTables, lists),
  };
  // Endpoints unread: every path is still the route table's, and each one an endpoint could serve says so.
  const endpointsUnknown = vpcEndpoints.state !== "known" ? vpcEndpoints : undefined;
  const vpcRead = factValue(vpc);
  const vpcCidrs = [vpcRead?.CidrBlock, ...(vpcRead?.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock), ...(vpcRead?.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock)]
    .filter((c): c is string => Boolean(c));
  const destinations: Fact<import("../model/evidence.js").DestinationPath[]> =
    routeTable.state !== "known" ? routeTable
      : known(
          destinationPaths(destinationsList, region, table, endpoints, allTables, lists, { ipv6: ipv6Only, dns: factValue(dns) ?? undefined, inventory, endpointsUnknown, vpcCidrs })
            .map((p) => ({ ...p, filters: undecidedFilters(p, pathFilters(p, filterInputs)) })),
        );
  const natPath = mapFact(internetRoute, (route) =>
    route && route.target.kind === "nat-gateway" ? natPathFor(route, undefined, allTables, lists, inventory) : null,
  );
  const workingNats: Fact<NatGateway[]> = natGateways.state !== "known" ? natGateways
    : routeTables.state !== "known" ? routeTables
      : known(workingNatGateways(allTables, lists, inventory));
  const reliesOnEndpoints: Fact<boolean> = hasEgressRoute.state !== "known" ? hasEgressRoute
    : hasEgressRoute.value ? known(false)
      : vpcEndpoints.state !== "known" ? vpcEndpoints
        : known(endpoints.some((e) => (isInterface(e) && (e.ServiceName ?? "").match(/\.ecr\.(api|dkr)$/)) || (!isInterface(e) && (e.ServiceName ?? "").endsWith(".s3"))));
  return {
    origin: originFact,
    subnet,
    vpc,
    vpcAttributes,
    dhcpOptions: dhcp,
    routeTables,
    internetGateways,
    egressOnlyInternetGateways,
    natGateways,
    vpcEndpoints,
    securityGroups,
    networkAcl,
    prefixLists,
    networkInterface,
    routeTable,
    internetRoute,
    hasEgressRoute,
    destinations,
    natPath,
    workingNatGateways: workingNats,
    reliesOnEndpoints,
    endpointSubnets,
    otherNetworkAcls,
    dns,
  };
}

export type { Subnet };
