import { readFile } from "node:fs/promises";
import type {
  AliasListEntry, KeyMetadata, KeyPolicy, LogGroup,
  AccessPointDescription, FileSystemDescription, FileSystemPolicy, MountTargetDescription, MountTargetSecurityGroups,
  ContainerInstance, DhcpOptions, EgressOnlyInternetGateway, Image, ImageDetail, Instance, InstanceProfile,
  InternetGateway, ManagedPrefixList, NatGateway, NetworkAcl, NetworkInterface, ParameterMetadata,
  PullThroughCacheRule, Repository, RepositoryPolicy, Role, RouteTable, SecretMetadata, SecurityGroup, Service,
  Subnet, Task, TaskDefinition, Vpc, VpcAttributes, VpcEndpoint,
} from "../model/aws.js";
import { type Fact, known, unknown, type UnknownWhy } from "../model/fact.js";
import { UsageError } from "../errors.js";
import type { ImageId, SimulationResult, Source } from "./source.js";
import { validateSnapshot, withoutNullFields } from "./snapshot-schema.js";

export const SNAPSHOT_FORMAT = "ecs-doctor-snapshot/1";

export interface SnapshotError { call: string; code?: string; message?: string; resource?: string }

export interface Snapshot {
  format: string;
  region: string;
  accountId: string;
  capturedAt?: string;
  description?: string;
  ecs?: {
    tasks?: Task[];
    taskDefinitions?: TaskDefinition[];
    containerInstances?: ContainerInstance[];
    services?: Service[];
  };
  ec2?: {
    Vpcs?: Vpc[];
    VpcAttributes?: VpcAttributes[];
    DhcpOptions?: DhcpOptions[];
    Subnets?: Subnet[];
    RouteTables?: RouteTable[];
    InternetGateways?: InternetGateway[];
    EgressOnlyInternetGateways?: EgressOnlyInternetGateway[];
    NatGateways?: NatGateway[];
    VpcEndpoints?: VpcEndpoint[];
    SecurityGroups?: SecurityGroup[];
    NetworkAcls?: NetworkAcl[];
    NetworkInterfaces?: NetworkInterface[];
    Instances?: Instance[];
    ManagedPrefixLists?: ManagedPrefixList[];
  };
  ecr?: {
    repositories?: Repository[];
    imageDetails?: ImageDetail[];
    images?: Image[];
    repositoryPolicies?: RepositoryPolicy[];
    pullThroughCacheRules?: PullThroughCacheRule[];
  };
  iam?: { Roles?: Role[]; InstanceProfiles?: InstanceProfile[] };
  secretsmanager?: { secrets?: SecretMetadata[] };
  ssm?: { Parameters?: ParameterMetadata[] };
  logs?: { logGroups?: LogGroup[] };
  kms?: { KeyPolicies?: KeyPolicy[]; Keys?: KeyMetadata[]; Aliases?: AliasListEntry[] };
  efs?: {
    FileSystems?: FileSystemDescription[];
    MountTargets?: MountTargetDescription[];
    MountTargetSecurityGroups?: MountTargetSecurityGroups[];
    AccessPoints?: AccessPointDescription[];
    FileSystemPolicies?: FileSystemPolicy[];
  };
  errors?: SnapshotError[];
}

/** Reads and validates a snapshot file; a bad file is a UsageError naming what is wrong. */
export async function loadSnapshot(path: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT" ? `snapshot ${path} does not exist: check the path` : `cannot read snapshot ${path}: ${(e as Error).message}`,
    );
  }
  return snapshotFromText(text, path);
}

/** A snapshot's text (a file's, an S3 object's) → the snapshot; `name` says where it came from in errors. */
export function snapshotFromText(text: string, name: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`snapshot ${name} is not JSON (${(e as Error).message}): give a file in the ${SNAPSHOT_FORMAT} format`);
  }
  return parseSnapshot(data, name);
}

export function parseSnapshot(data: unknown, name = "snapshot"): Snapshot {
  const problem = validateSnapshot(data);
  if (problem) throw new UsageError(`${name} is not a valid ${SNAPSHOT_FORMAT} snapshot: ${problem}`);
  // Validation reads a null field as absent: so must every reader.
  return withoutNullFields(data) as Snapshot;
}

/** The collection (docs/snapshot-format.md) that stands in for each call. */
export const COLLECTION_OF_CALL: Record<string, string> = {
  "ecs:DescribeTasks": "ecs.tasks",
  "ecs:ListTasks": "ecs.tasks",
  "ecs:DescribeTaskDefinition": "ecs.taskDefinitions",
  "ecs:DescribeServices": "ecs.services",
  "ecs:DescribeContainerInstances": "ecs.containerInstances",
  "ec2:DescribeSubnets": "ec2.Subnets",
  "ec2:DescribeVpcs": "ec2.Vpcs",
  "ec2:DescribeVpcAttribute": "ec2.VpcAttributes",
  "ec2:DescribeDhcpOptions": "ec2.DhcpOptions",
  "ec2:DescribeRouteTables": "ec2.RouteTables",
  "ec2:DescribeInternetGateways": "ec2.InternetGateways",
  "ec2:DescribeEgressOnlyInternetGateways": "ec2.EgressOnlyInternetGateways",
  "ec2:DescribeNatGateways": "ec2.NatGateways",
  "ec2:DescribeVpcEndpoints": "ec2.VpcEndpoints",
  "ec2:DescribeSecurityGroups": "ec2.SecurityGroups",
  "ec2:DescribeNetworkAcls": "ec2.NetworkAcls",
  "ec2:DescribeNetworkInterfaces": "ec2.NetworkInterfaces",
  "ec2:DescribeInstances": "ec2.Instances",
  "ec2:DescribeManagedPrefixLists": "ec2.ManagedPrefixLists",
  "ec2:GetManagedPrefixListEntries": "ec2.ManagedPrefixLists",
  "ecr:DescribeRepositories": "ecr.repositories",
  "ecr:DescribeImages": "ecr.imageDetails",
  "ecr:BatchGetImage": "ecr.images",
  "ecr:GetRepositoryPolicy": "ecr.repositoryPolicies",
  "ecr:DescribePullThroughCacheRules": "ecr.pullThroughCacheRules",
  "iam:GetRole": "iam.Roles",
  "iam:GetInstanceProfile": "iam.InstanceProfiles",
  "secretsmanager:DescribeSecret": "secretsmanager.secrets",
  "ssm:DescribeParameters": "ssm.Parameters",
  "logs:DescribeLogGroups": "logs.logGroups",
  "elasticfilesystem:DescribeFileSystems": "efs.FileSystems",
  "elasticfilesystem:DescribeMountTargets": "efs.MountTargets",
  "elasticfilesystem:DescribeMountTargetSecurityGroups": "efs.MountTargetSecurityGroups",
  "elasticfilesystem:DescribeAccessPoints": "efs.AccessPoints",
  "elasticfilesystem:DescribeFileSystemPolicy": "efs.FileSystemPolicies",
  "kms:DescribeKey": "kms.Keys",
  "kms:GetKeyPolicy": "kms.KeyPolicies",
  "kms:ListAliases": "kms.Aliases",
};

const DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden|AuthFailure/i;
const THROTTLED = /Throttl|RequestLimitExceeded|TooManyRequests|RateExceeded/i;

function whyOf(code: string | undefined): UnknownWhy {
  if (!code) return "failed";
  if (DENIED.test(code)) return "denied";
  if (THROTTLED.test(code)) return "throttled";
  if (/Timeout|TimedOut/i.test(code)) return "timeout";
  return "failed";
}

function same(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a === b;
}

/** An item field that is absent matches (snapshot items may leave out fields they do not need). */
function matchesOrAbsent(value: string | undefined, wanted: string): boolean {
  return value === undefined || value === wanted;
}

/** `name` names the resource `resource` (an id, a name, or an ARN ending in it). */
function names(resource: string, name: string): boolean {
  return resource === name || resource.endsWith(`/${name}`) || resource.endsWith(`:${name}`) || name.endsWith(`/${resource}`);
}

export class SnapshotSource implements Source {
  readonly kind = "snapshot" as const;
  readonly region: string;
  private readonly latencyMs: number;

  constructor(readonly snapshot: Snapshot, options: { latencyMs?: number } = {}) {
    this.region = snapshot.region;
    this.latencyMs = options.latencyMs ?? 0;
  }

  async accountId(): Promise<string> {
    return this.snapshot.accountId;
  }

  private async delay(): Promise<void> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
  }

  /** The error recorded for this call, whole or for one of these resources. */
  private recordedError(call: string, resources: string[] = []): SnapshotError | undefined {
    const errors = this.snapshot.errors ?? [];
    return errors.find(
      (e) => e.call === call && (e.resource === undefined || resources.some((r) => names(e.resource!, r))),
    );
  }

  private failure(call: string, err: SnapshotError | undefined): Fact<never> {
    if (err) return unknown(whyOf(err.code), call, `${err.code ?? "Error"}: ${err.message ?? ""}`.trim());
    // A gap in the file, said in the file's words: there is no permission to grant.
    const collection = COLLECTION_OF_CALL[call];
    return unknown("not-captured", call, collection ? `the snapshot holds no ${collection}` : `the snapshot holds no collection for ${call}`);
  }

  /** Reads a collection: a recorded error for these resources wins, then absence. */
  private async read<T, R>(call: string, collection: T[] | undefined, resources: string[], pick: (items: T[]) => R): Promise<Fact<R>> {
    await this.delay();
    const scoped = this.recordedError(call, resources);
    if (scoped && scoped.resource !== undefined) return this.failure(call, scoped);
    if (!Array.isArray(collection)) return this.failure(call, scoped);
    return known(pick(collection));
  }

  describeTasks(_cluster: string | undefined, tasks: string[]): Promise<Fact<Task[]>> {
    return this.read("ecs:DescribeTasks", this.snapshot.ecs?.tasks, tasks, (items) =>
      items.filter((t) => tasks.some((id) => same(t.taskArn, id) || (t.taskArn ?? "").endsWith(`/${id}`))),
    );
  }

  listStoppedTasks(cluster: string, serviceName?: string): Promise<Fact<Task[]>> {
    return this.read("ecs:ListTasks", this.snapshot.ecs?.tasks, [], (items) =>
      items.filter(
        (t) =>
          (t.clusterArn === undefined || names(t.clusterArn, cluster)) &&
          (serviceName === undefined || t.group === `service:${serviceName}`) &&
          (t.desiredStatus ?? "STOPPED") === "STOPPED",
      ),
    );
  }

  describeTaskDefinition(arn: string): Promise<Fact<TaskDefinition | null>> {
    return this.read("ecs:DescribeTaskDefinition", this.snapshot.ecs?.taskDefinitions, [arn], (items) => {
      const exact = items.find((d) => same(d.taskDefinitionArn, arn) || (d.taskDefinitionArn ?? "").endsWith(`/${arn}`));
      if (exact) return exact;
      // A bare family names its latest revision.
      const family = items.filter((d) => d.family === arn).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
      return family[0] ?? null;
    });
  }

  describeServices(cluster: string, services: string[]): Promise<Fact<Service[]>> {
    return this.read("ecs:DescribeServices", this.snapshot.ecs?.services, services, (items) =>
      items.filter(
        (s) =>
          services.some((n) => same(s.serviceName, n) || same(s.serviceArn, n) || (s.serviceArn ?? "").endsWith(`/${n}`)) &&
          (s.clusterArn === undefined || names(s.clusterArn, cluster) || names(cluster, s.clusterArn)),
      ),
    );
  }

  describeContainerInstances(_cluster: string, arns: string[]): Promise<Fact<ContainerInstance[]>> {
    return this.read("ecs:DescribeContainerInstances", this.snapshot.ecs?.containerInstances, arns, (items) =>
      items.filter((c) => arns.some((a) => same(c.containerInstanceArn, a) || (c.containerInstanceArn ?? "").endsWith(`/${a}`))),
    );
  }

  describeSubnets(ids: string[]): Promise<Fact<Subnet[]>> {
    return this.read("ec2:DescribeSubnets", this.snapshot.ec2?.Subnets, ids, (items) => items.filter((s) => ids.includes(s.SubnetId ?? "")));
  }

  describeVpcs(ids: string[]): Promise<Fact<Vpc[]>> {
    return this.read("ec2:DescribeVpcs", this.snapshot.ec2?.Vpcs, ids, (items) => items.filter((v) => ids.includes(v.VpcId ?? "")));
  }

  describeVpcAttributes(vpcId: string): Promise<Fact<VpcAttributes | null>> {
    return this.read("ec2:DescribeVpcAttribute", this.snapshot.ec2?.VpcAttributes, [vpcId], (items) =>
      items.find((a) => a.VpcId === vpcId) ?? null,
    );
  }

  describeDhcpOptions(ids: string[]): Promise<Fact<DhcpOptions[]>> {
    return this.read("ec2:DescribeDhcpOptions", this.snapshot.ec2?.DhcpOptions, ids, (items) =>
      items.filter((d) => ids.includes(d.DhcpOptionsId ?? "")),
    );
  }

  describeRouteTables(vpcId: string): Promise<Fact<RouteTable[]>> {
    return this.read("ec2:DescribeRouteTables", this.snapshot.ec2?.RouteTables, [vpcId], (items) =>
      items.filter((t) => matchesOrAbsent(t.VpcId, vpcId)),
    );
  }

  describeInternetGateways(vpcId: string): Promise<Fact<InternetGateway[]>> {
    return this.read("ec2:DescribeInternetGateways", this.snapshot.ec2?.InternetGateways, [vpcId], (items) =>
      items.filter((g) => g.Attachments === undefined || g.Attachments.some((a) => matchesOrAbsent(a.VpcId, vpcId))),
    );
  }

  describeEgressOnlyInternetGateways(ids: string[]): Promise<Fact<EgressOnlyInternetGateway[]>> {
    return this.read("ec2:DescribeEgressOnlyInternetGateways", this.snapshot.ec2?.EgressOnlyInternetGateways, ids, (items) =>
      items.filter((g) => ids.includes(g.EgressOnlyInternetGatewayId ?? "")),
    );
  }

  describeNatGateways(vpcId: string): Promise<Fact<NatGateway[]>> {
    return this.read("ec2:DescribeNatGateways", this.snapshot.ec2?.NatGateways, [vpcId], (items) =>
      items.filter((g) => matchesOrAbsent(g.VpcId, vpcId)),
    );
  }

  describeVpcEndpoints(vpcId: string): Promise<Fact<VpcEndpoint[]>> {
    return this.read("ec2:DescribeVpcEndpoints", this.snapshot.ec2?.VpcEndpoints, [vpcId], (items) =>
      items.filter((e) => matchesOrAbsent(e.VpcId, vpcId)),
    );
  }

  describeSecurityGroups(ids: string[]): Promise<Fact<SecurityGroup[]>> {
    return this.read("ec2:DescribeSecurityGroups", this.snapshot.ec2?.SecurityGroups, ids, (items) =>
      items.filter((g) => ids.includes(g.GroupId ?? "")),
    );
  }

  describeVpcSecurityGroups(vpcId: string): Promise<Fact<SecurityGroup[]>> {
    return this.read("ec2:DescribeSecurityGroups", this.snapshot.ec2?.SecurityGroups, [vpcId], (items) => items.filter((g) => matchesOrAbsent(g.VpcId, vpcId)));
  }

  describeNetworkAcls(subnetId: string): Promise<Fact<NetworkAcl[]>> {
    return this.read("ec2:DescribeNetworkAcls", this.snapshot.ec2?.NetworkAcls, [subnetId], (items) =>
      items.filter((a) => (a.Associations ?? []).some((x) => x.SubnetId === subnetId)),
    );
  }

  describeNetworkInterfaces(ids: string[]): Promise<Fact<NetworkInterface[]>> {
    return this.read("ec2:DescribeNetworkInterfaces", this.snapshot.ec2?.NetworkInterfaces, ids, (items) =>
      items.filter((n) => ids.includes(n.NetworkInterfaceId ?? "")),
    );
  }

  describeInstances(ids: string[]): Promise<Fact<Instance[]>> {
    return this.read("ec2:DescribeInstances", this.snapshot.ec2?.Instances, ids, (items) => items.filter((i) => ids.includes(i.InstanceId ?? "")));
  }

  describeManagedPrefixLists(ids: string[]): Promise<Fact<ManagedPrefixList[]>> {
    return this.read("ec2:DescribeManagedPrefixLists", this.snapshot.ec2?.ManagedPrefixLists, ids, (items) =>
      items.filter((p) => ids.includes(p.PrefixListId ?? "")),
    );
  }

  private repoResources(registryId: string, name: string, region = this.region): string[] {
    return [`arn:aws:ecr:${region}:${registryId}:repository/${name}`, name];
  }

  describeRepositories(registryId: string, repoNames: string[], region = this.region): Promise<Fact<Repository[]>> {
    const resources = repoNames.flatMap((n) => this.repoResources(registryId, n, region));
    // One top-level region, but a repository names its own (repositoryArn, repositoryUri): another region's is kept apart.
    return this.read("ecr:DescribeRepositories", this.snapshot.ecr?.repositories, resources, (items) =>
      items.filter((r) => matchesOrAbsent(r.registryId, registryId) && repoNames.includes(r.repositoryName ?? "") && matchesOrAbsent(repositoryRegion(r), region)),
    );
  }

  // Image details, images, policies and rules name no region: they match by registry and repository, whatever the region.
  describeImages(registryId: string, repositoryName: string, imageIds?: ImageId[], region = this.region): Promise<Fact<ImageDetail[]>> {
    return this.read("ecr:DescribeImages", this.snapshot.ecr?.imageDetails, this.repoResources(registryId, repositoryName, region), (items) =>
      items.filter(
        (d) =>
          matchesOrAbsent(d.registryId, registryId) &&
          d.repositoryName === repositoryName &&
          (imageIds === undefined ||
            imageIds.some((id) => (id.imageDigest ? d.imageDigest === id.imageDigest : (d.imageTags ?? []).includes(id.imageTag ?? "")))),
      ),
    );
  }

  batchGetImage(registryId: string, repositoryName: string, imageIds: ImageId[], region = this.region): Promise<Fact<Image[]>> {
    return this.read("ecr:BatchGetImage", this.snapshot.ecr?.images, this.repoResources(registryId, repositoryName, region), (items) =>
      items.filter(
        (i) =>
          matchesOrAbsent(i.registryId, registryId) &&
          i.repositoryName === repositoryName &&
          imageIds.some((id) =>
            id.imageDigest ? i.imageId?.imageDigest === id.imageDigest : i.imageId?.imageTag === id.imageTag,
          ),
      ),
    );
  }

  getRepositoryPolicy(registryId: string, repositoryName: string, region = this.region): Promise<Fact<RepositoryPolicy | null>> {
    return this.read("ecr:GetRepositoryPolicy", this.snapshot.ecr?.repositoryPolicies, this.repoResources(registryId, repositoryName, region), (items) =>
      items.find((p) => matchesOrAbsent(p.registryId, registryId) && p.repositoryName === repositoryName) ?? null,
    );
  }

  describePullThroughCacheRules(registryId: string): Promise<Fact<PullThroughCacheRule[]>> {
    return this.read("ecr:DescribePullThroughCacheRules", this.snapshot.ecr?.pullThroughCacheRules, [registryId], (items) =>
      items.filter((r) => matchesOrAbsent(r.registryId, registryId)),
    );
  }

  getRole(roleName: string): Promise<Fact<Role | null>> {
    return this.read("iam:GetRole", this.snapshot.iam?.Roles, [roleName], (items) =>
      items.find((r) => r.RoleName === roleName || (r.Arn ?? "").endsWith(`/${roleName}`)) ?? null,
    );
  }

  getInstanceProfile(name: string): Promise<Fact<InstanceProfile | null>> {
    return this.read("iam:GetInstanceProfile", this.snapshot.iam?.InstanceProfiles, [name], (items) =>
      items.find((p) => p.InstanceProfileName === name || (p.Arn ?? "").endsWith(`/${name}`)) ?? null,
    );
  }

  async simulatePrincipalPolicy(): Promise<Fact<SimulationResult[]>> {
    // A snapshot holds the documents themselves; they are evaluated locally.
    // The delay keeps a replay's round trips those of the live run.
    await this.delay();
    return unknown("not-captured", "iam:SimulatePrincipalPolicy", "a snapshot is evaluated from its policy documents");
  }

  describeLogGroups(prefix: string, region = this.region): Promise<Fact<LogGroup[]>> {
    // A log group is in the snapshot's region unless its ARN names another.
    return this.read("logs:DescribeLogGroups", this.snapshot.logs?.logGroups, [prefix], (items) =>
      items.filter((g) => (g.logGroupName ?? "").startsWith(prefix) && (arnRegion(g.arn) ?? this.region) === region),
    );
  }

  /** The key a key id, key ARN, alias name or alias ARN names, through `kms.Aliases` and `kms.Keys`. */
  private keyOf(keyId: string, region: string): { id: string; arn?: string } | null {
    let id = keyId;
    if (/(?:^|:)alias\//.test(keyId)) {
      const name = keyId.slice(keyId.indexOf("alias/"));
      const alias = (this.snapshot.kms?.Aliases ?? []).find((a) => a.AliasName === name && (arnRegion(a.AliasArn) ?? this.region) === region);
      if (!alias?.TargetKeyId) return null;
      id = alias.TargetKeyId;
    }
    const bare = id.includes(":key/") ? id.slice(id.indexOf(":key/") + 5) : id;
    const meta = (this.snapshot.kms?.Keys ?? []).find((k) => k.KeyId === bare || same(k.Arn, id));
    return { id: bare, arn: meta?.Arn ?? (id.startsWith("arn:") ? id : undefined) };
  }

  getKeyPolicy(keyId: string, region = this.region): Promise<Fact<KeyPolicy | null>> {
    return this.read("kms:GetKeyPolicy", this.snapshot.kms?.KeyPolicies, [keyId], (items) => {
      const key = this.keyOf(keyId, region);
      if (!key) return null;
      return items.find((p) => same(p.KeyId, key.arn) || p.KeyId === key.id || (p.KeyId ?? "").endsWith(`:key/${key.id}`)) ?? null;
    });
  }

  describeKey(keyId: string, region = this.region): Promise<Fact<KeyMetadata | null>> {
    return this.read("kms:DescribeKey", this.snapshot.kms?.Keys, [keyId], (items) => {
      const key = this.keyOf(keyId, region);
      return key ? (items.find((k) => k.KeyId === key.id || same(k.Arn, key.arn)) ?? null) : null;
    });
  }

  listAliases(region = this.region): Promise<Fact<AliasListEntry[]>> {
    return this.read("kms:ListAliases", this.snapshot.kms?.Aliases, [], (items) => items.filter((a) => (arnRegion(a.AliasArn) ?? this.region) === region));
  }

  describeSecret(secretId: string, region = this.region): Promise<Fact<SecretMetadata | null>> {
    // A name is looked up in one region: another region's secret of that name is not it.
    return this.read("secretsmanager:DescribeSecret", this.snapshot.secretsmanager?.secrets, [secretId], (items) =>
      items.find((s) => same(s.ARN, secretId) || (same(s.Name, secretId) && matchesOrAbsent(arnRegion(s.ARN), region)) || secretArnMatches(s.ARN, secretId)) ?? null,
    );
  }

  // A snapshot holds shared parameters beside its own (`options.shared` changes nothing here).
  describeParameters(paramNames: string[], region = this.region, _options?: { shared?: boolean }): Promise<Fact<ParameterMetadata[]>> {
    return this.read("ssm:DescribeParameters", this.snapshot.ssm?.Parameters, paramNames, (items) =>
      items.filter((p) => paramNames.some((n) => (same(p.Name, n) && matchesOrAbsent(arnRegion(p.ARN), region)) || same(p.ARN, n))),
    );
  }

  // EFS: the snapshot's region only (the file systems a task definition names are in the task's region).

  describeFileSystems(ids: string[]): Promise<Fact<FileSystemDescription[]>> {
    return this.read("elasticfilesystem:DescribeFileSystems", this.snapshot.efs?.FileSystems, ids, (items) => items.filter((f) => ids.includes(f.FileSystemId ?? "")));
  }

  describeMountTargets(fileSystemId: string): Promise<Fact<MountTargetDescription[]>> {
    return this.read("elasticfilesystem:DescribeMountTargets", this.snapshot.efs?.MountTargets, [fileSystemId], (items) => items.filter((m) => m.FileSystemId === fileSystemId));
  }

  describeMountTargetSecurityGroups(ids: string[]): Promise<Fact<MountTargetSecurityGroups[]>> {
    return this.read("elasticfilesystem:DescribeMountTargetSecurityGroups", this.snapshot.efs?.MountTargetSecurityGroups, ids, (items) =>
      items.filter((m) => ids.includes(m.MountTargetId ?? "")),
    );
  }

  describeAccessPoints(ids: string[]): Promise<Fact<AccessPointDescription[]>> {
    return this.read("elasticfilesystem:DescribeAccessPoints", this.snapshot.efs?.AccessPoints, ids, (items) =>
      items.filter((a) => ids.some((id) => a.AccessPointId === id || same(a.AccessPointArn, id))),
    );
  }

  describeFileSystemPolicy(fileSystemId: string): Promise<Fact<FileSystemPolicy | null>> {
    // No item for the file system: it has no policy.
    return this.read("elasticfilesystem:DescribeFileSystemPolicy", this.snapshot.efs?.FileSystemPolicies, [fileSystemId], (items) =>
      items.find((p) => p.FileSystemId === fileSystemId) ?? null,
    );
  }
}

/** The region an ARN names (`arn:PARTITION:SERVICE:REGION:…`); undefined for anything else. */
function arnRegion(arn: string | undefined): string | undefined {
  return arn?.startsWith("arn:") ? arn.split(":")[3] || undefined : undefined;
}

/** The region a repository names: its ARN's, else its URI's registry host's. */
function repositoryRegion(r: Repository): string | undefined {
  return arnRegion(r.repositoryArn) ?? /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/.exec(r.repositoryUri ?? "")?.[1];
}

/** A secret ARN without its 6-character random suffix still names the secret. */
function secretArnMatches(arn: string | undefined, id: string): boolean {
  return arn !== undefined && /^arn:/.test(id) && arn.startsWith(id) && /^-[A-Za-z0-9]{6}$/.test(arn.slice(id.length));
}
