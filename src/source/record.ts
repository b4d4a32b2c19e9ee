// A source that records: it wraps any source, passes every call through, and
// keeps every answer in the snapshot collection that src/source/snapshot.ts
// reads it from, so that `ecs-doctor record` writes exactly the snapshot the
// diagnosis used and `--snapshot` replays it to the same report.
//
// - Items are merged by their id (a role read twice is one item).
// - A collection that was asked is present, even when the answer was empty
//   ("present is complete"); one never asked stays absent.
// - A call that could not be made goes under `errors`, one entry per resource
//   it was about (so that the rest of the collection stays readable).
// - Dates become ISO strings. Environment variable values (task definition
//   `environment`, container overrides' `environment`) are never kept; nor is
//   any secret value (the sources only ever read secret metadata).

import type { ContainerDefinition, ParameterMetadata, SecretMetadata, Task, TaskDefinition } from "../model/aws.js";
import type { Fact } from "../model/fact.js";
import { SNAPSHOT_FORMAT, type Snapshot, type SnapshotError } from "./snapshot.js";
import type { Source } from "./source.js";

/** Where a method's answer goes: the snapshot collection, the call name the snapshot reader uses, and the item's id. */
interface Spec {
  service: "ecs" | "ec2" | "ecr" | "iam" | "secretsmanager" | "ssm" | "logs" | "kms" | "efs";
  collection: string;
  call: string;
  /** What the call was about, as the snapshot reader matches `errors[].resource`. */
  resources: (args: unknown[], region: string) => string[];
  id: (item: Record<string, unknown>) => string | undefined;
  /** The items of an answer (default: the answer itself when a list, else the one non-null item). */
  items?: (value: unknown) => unknown[];
}

const ids = (i: number) => (args: unknown[]) => (Array.isArray(args[i]) ? (args[i] as string[]) : []);
const one = (i: number) => (args: unknown[]) => (typeof args[i] === "string" ? [args[i] as string] : []);
const field = (...keys: string[]) => (item: Record<string, unknown>) => {
  const parts = keys.map((k) => item[k]);
  return parts.every((p) => p === undefined) ? undefined : parts.map((p) => (typeof p === "object" ? JSON.stringify(p) : String(p ?? ""))).join("\u0000");
};
const repoArn = (region: string, registryId: unknown, name: unknown) => `arn:aws:ecr:${region}:${registryId}:repository/${name}`;
/** The region argument at `i` (an image's registry may be in another region than the task), else the source's. */
const regionAt = (i: number) => (args: unknown[], region: string) => (typeof args[i] === "string" && args[i] !== "" ? (args[i] as string) : region);
const repo = (i: number) => (args: unknown[], region: string) => [repoArn(regionAt(i)(args, region), args[0], args[1])];

const SPECS: Record<string, Spec> = {
  describeTasks: { service: "ecs", collection: "tasks", call: "ecs:DescribeTasks", resources: ids(1), id: field("taskArn") },
  listStoppedTasks: { service: "ecs", collection: "tasks", call: "ecs:ListTasks", resources: () => [], id: field("taskArn") },
  describeTaskDefinition: { service: "ecs", collection: "taskDefinitions", call: "ecs:DescribeTaskDefinition", resources: one(0), id: field("taskDefinitionArn") },
  describeServices: { service: "ecs", collection: "services", call: "ecs:DescribeServices", resources: ids(1), id: field("serviceArn") },
  describeContainerInstances: { service: "ecs", collection: "containerInstances", call: "ecs:DescribeContainerInstances", resources: ids(1), id: field("containerInstanceArn") },

  describeSubnets: { service: "ec2", collection: "Subnets", call: "ec2:DescribeSubnets", resources: ids(0), id: field("SubnetId") },
  describeVpcs: { service: "ec2", collection: "Vpcs", call: "ec2:DescribeVpcs", resources: ids(0), id: field("VpcId") },
  describeVpcAttributes: { service: "ec2", collection: "VpcAttributes", call: "ec2:DescribeVpcAttribute", resources: one(0), id: field("VpcId") },
  describeDhcpOptions: { service: "ec2", collection: "DhcpOptions", call: "ec2:DescribeDhcpOptions", resources: ids(0), id: field("DhcpOptionsId") },
  describeRouteTables: { service: "ec2", collection: "RouteTables", call: "ec2:DescribeRouteTables", resources: one(0), id: field("RouteTableId") },
  describeInternetGateways: { service: "ec2", collection: "InternetGateways", call: "ec2:DescribeInternetGateways", resources: one(0), id: field("InternetGatewayId") },
  describeEgressOnlyInternetGateways: {
    service: "ec2", collection: "EgressOnlyInternetGateways", call: "ec2:DescribeEgressOnlyInternetGateways", resources: ids(0), id: field("EgressOnlyInternetGatewayId"),
  },
  describeNatGateways: { service: "ec2", collection: "NatGateways", call: "ec2:DescribeNatGateways", resources: one(0), id: field("NatGatewayId") },
  describeVpcEndpoints: { service: "ec2", collection: "VpcEndpoints", call: "ec2:DescribeVpcEndpoints", resources: one(0), id: field("VpcEndpointId") },
  describeSecurityGroups: { service: "ec2", collection: "SecurityGroups", call: "ec2:DescribeSecurityGroups", resources: ids(0), id: field("GroupId") },
  describeVpcSecurityGroups: { service: "ec2", collection: "SecurityGroups", call: "ec2:DescribeSecurityGroups", resources: one(0), id: field("GroupId") },
  describeNetworkAcls: { service: "ec2", collection: "NetworkAcls", call: "ec2:DescribeNetworkAcls", resources: one(0), id: field("NetworkAclId") },
  describeNetworkInterfaces: { service: "ec2", collection: "NetworkInterfaces", call: "ec2:DescribeNetworkInterfaces", resources: ids(0), id: field("NetworkInterfaceId") },
  describeInstances: { service: "ec2", collection: "Instances", call: "ec2:DescribeInstances", resources: ids(0), id: field("InstanceId") },
  describeManagedPrefixLists: { service: "ec2", collection: "ManagedPrefixLists", call: "ec2:DescribeManagedPrefixLists", resources: ids(0), id: field("PrefixListId") },

  describeRepositories: {
    service: "ecr", collection: "repositories", call: "ecr:DescribeRepositories",
    // The ARN keeps two regions' repositories of one name apart.
    resources: (args, region) => ids(1)(args).map((n) => repoArn(regionAt(2)(args, region), args[0], n)), id: field("registryId", "repositoryName", "repositoryArn"),
  },
  describeImages: { service: "ecr", collection: "imageDetails", call: "ecr:DescribeImages", resources: repo(3), id: field("registryId", "repositoryName", "imageDigest") },
  batchGetImage: { service: "ecr", collection: "images", call: "ecr:BatchGetImage", resources: repo(3), id: field("registryId", "repositoryName", "imageId") },
  getRepositoryPolicy: { service: "ecr", collection: "repositoryPolicies", call: "ecr:GetRepositoryPolicy", resources: repo(2), id: field("registryId", "repositoryName") },
  describePullThroughCacheRules: {
    service: "ecr", collection: "pullThroughCacheRules", call: "ecr:DescribePullThroughCacheRules", resources: one(0), id: field("registryId", "ecrRepositoryPrefix"),
  },

  getRole: { service: "iam", collection: "Roles", call: "iam:GetRole", resources: one(0), id: field("RoleName") },
  getInstanceProfile: { service: "iam", collection: "InstanceProfiles", call: "iam:GetInstanceProfile", resources: one(0), id: field("InstanceProfileName") },

  describeSecret: {
    service: "secretsmanager", collection: "secrets", call: "secretsmanager:DescribeSecret", resources: one(0), id: field("ARN"),
    // Metadata only, whatever the source answered.
    items: (v) => (v ? [pick(v as SecretMetadata, ["ARN", "Name", "KmsKeyId", "DeletedDate"])] : []),
  },
  describeParameters: {
    service: "ssm", collection: "Parameters", call: "ssm:DescribeParameters", resources: ids(0), id: field("Name", "ARN"),
    items: (v) => (v as ParameterMetadata[]).map((p) => pick(p, ["Name", "ARN", "Type", "KeyId"])),
  },

  describeLogGroups: { service: "logs", collection: "logGroups", call: "logs:DescribeLogGroups", resources: one(0), id: field("logGroupName", "arn") },
  getKeyPolicy: { service: "kms", collection: "KeyPolicies", call: "kms:GetKeyPolicy", resources: one(0), id: field("KeyId") },
  describeKey: { service: "kms", collection: "Keys", call: "kms:DescribeKey", resources: one(0), id: field("Arn", "KeyId") },
  listAliases: { service: "kms", collection: "Aliases", call: "kms:ListAliases", resources: () => [], id: field("AliasArn", "AliasName") },
  describeFileSystems: { service: "efs", collection: "FileSystems", call: "elasticfilesystem:DescribeFileSystems", resources: ids(0), id: field("FileSystemId") },
  describeMountTargets: { service: "efs", collection: "MountTargets", call: "elasticfilesystem:DescribeMountTargets", resources: one(0), id: field("MountTargetId") },
  describeMountTargetSecurityGroups: {
    service: "efs", collection: "MountTargetSecurityGroups", call: "elasticfilesystem:DescribeMountTargetSecurityGroups", resources: ids(0), id: field("MountTargetId"),
  },
  describeAccessPoints: { service: "efs", collection: "AccessPoints", call: "elasticfilesystem:DescribeAccessPoints", resources: ids(0), id: field("AccessPointId") },
  describeFileSystemPolicy: { service: "efs", collection: "FileSystemPolicies", call: "elasticfilesystem:DescribeFileSystemPolicy", resources: one(0), id: field("FileSystemId") },
};

/** The contract's order of services and collections, for a file people read. */
const ORDER: Record<Spec["service"], string[]> = {
  ecs: ["tasks", "taskDefinitions", "containerInstances", "services"],
  ec2: [
    "Vpcs", "VpcAttributes", "DhcpOptions", "Subnets", "RouteTables", "InternetGateways", "EgressOnlyInternetGateways", "NatGateways",
    "VpcEndpoints", "SecurityGroups", "NetworkAcls", "NetworkInterfaces", "Instances", "ManagedPrefixLists",
  ],
  ecr: ["repositories", "imageDetails", "images", "repositoryPolicies", "pullThroughCacheRules"],
  iam: ["Roles", "InstanceProfiles"],
  secretsmanager: ["secrets"],
  ssm: ["Parameters"],
  logs: ["logGroups"],
  kms: ["KeyPolicies", "Keys", "Aliases"],
  efs: ["FileSystems", "MountTargets", "MountTargetSecurityGroups", "AccessPoints", "FileSystemPolicies"],
};

function pick<T extends object>(o: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** What replaces an environment variable's value in a recording. */
export const MASKED = "(value not recorded)";

function maskEnvironment(env: unknown): unknown {
  return Array.isArray(env) ? env.map((e) => (e && typeof e === "object" ? { ...(e as object), value: MASKED } : e)) : env;
}

/** A task definition or task without environment variable values. */
export function withoutEnvironmentValues<T extends TaskDefinition | Task>(item: T): T {
  const out = { ...item } as T & { containerDefinitions?: ContainerDefinition[]; overrides?: Task["overrides"] };
  if ("containerDefinitions" in out && Array.isArray(out.containerDefinitions)) {
    out.containerDefinitions = out.containerDefinitions.map((c) => ("environment" in c ? { ...c, environment: maskEnvironment((c as { environment?: unknown }).environment) } : c)) as ContainerDefinition[];
  }
  if (out.overrides && Array.isArray(out.overrides.containerOverrides)) {
    out.overrides = {
      ...out.overrides,
      containerOverrides: out.overrides.containerOverrides.map((c) =>
        c && typeof c === "object" && "environment" in c ? { ...(c as object), environment: maskEnvironment((c as { environment?: unknown }).environment) } : c),
    };
  }
  return out;
}

/** JSON-ready: dates as ISO strings, undefined fields left out. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$metadata") continue;
      const p = plain(v);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return value;
}

const DEFAULT_CODE = { denied: "AccessDenied", throttled: "ThrottlingException", timeout: "TimeoutError", failed: "Error" } as const;

export interface RecordingSource extends Source {
  /** The snapshot of every answer so far. (Not `snapshot`: a SnapshotSource's own field has that name.) */
  recorded(extra?: { description?: string; capturedAt?: Date }): Promise<Snapshot>;
  /** Keeps an answer obtained without the source, as if `method` had given it (a task an event carried). */
  remember(method: "describeTasks", value: Task[]): void;
}

export function recordingSource(inner: Source): RecordingSource {
  const collections = new Map<string, Map<string, unknown>>();
  const errors = new Map<string, SnapshotError>();
  const accounts: string[] = [];

  const keep = (spec: Spec, value: unknown) => {
    const key = `${spec.service}.${spec.collection}`;
    const items = collections.get(key) ?? new Map<string, unknown>();
    collections.set(key, items);
    const list = spec.items ? spec.items(value) : Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    for (const raw of list) {
      let item = plain(raw) as Record<string, unknown>;
      if (spec.collection === "taskDefinitions" || spec.collection === "tasks") item = withoutEnvironmentValues(item) as Record<string, unknown>;
      if (spec.collection === "tasks" && typeof item.taskArn === "string") accounts.push(item.taskArn.split(":")[4] ?? "");
      const id = spec.id(item) ?? JSON.stringify(item);
      const before = items.get(id) as Record<string, unknown> | undefined;
      items.set(id, before ? { ...before, ...item } : item);
    }
  };

  const fail = (spec: Spec | undefined, method: string, args: unknown[], fact: Extract<Fact<unknown>, { state: "unknown" }>) => {
    // A snapshot's own gap, or what AWS keeps no record of, is not a failure of the account.
    if (fact.why === "not-captured" || fact.why === "not-recorded") return;
    const m = /^([A-Za-z][\w.]*): ?([\s\S]*)$/.exec(fact.message);
    const code = m?.[1] ?? DEFAULT_CODE[fact.why];
    const call = spec?.call ?? fact.call;
    // The snapshot reader looks a failure up under the method's own call.
    const message = `${call !== fact.call ? `${fact.call}: ` : ""}${m ? m[2] : fact.message}`;
    const resources = spec ? spec.resources(args, inner.region) : method === "simulatePrincipalPolicy" && typeof args[0] === "string" ? [args[0]] : [];
    for (const resource of resources.length > 0 ? resources : [undefined]) {
      const e: SnapshotError = { call, code, message, ...(resource !== undefined ? { resource } : {}) };
      errors.set(`${call}\u0000${resource ?? ""}`, e);
    }
  };

  const source = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "recorded") return recorded;
      if (prop === "remember") return (method: string, value: unknown) => keep(SPECS[method], value);
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string" || prop === "accountId") return value;
      return async (...args: unknown[]) => {
        const fact = (await value.apply(target, args)) as Fact<unknown>;
        const spec = SPECS[prop];
        if (fact.state === "known") {
          if (spec) keep(spec, fact.value);
        } else fail(spec, prop, args, fact);
        return fact;
      };
    },
  }) as RecordingSource;

  async function recorded(extra: { description?: string; capturedAt?: Date } = {}): Promise<Snapshot> {
    const accountId = accounts.find((a) => /^\d{12}$/.test(a)) ?? (await inner.accountId()) ?? "000000000000";
    const out: Record<string, unknown> = {
      format: SNAPSHOT_FORMAT,
      region: inner.region,
      accountId,
      capturedAt: (extra.capturedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    if (extra.description) out.description = extra.description;
    for (const [service, keys] of Object.entries(ORDER)) {
      const group: Record<string, unknown[]> = {};
      for (const k of keys) {
        const items = collections.get(`${service}.${k}`);
        if (items) group[k] = [...items.values()];
      }
      if (Object.keys(group).length > 0) out[service] = group;
    }
    if (errors.size > 0) out.errors = [...errors.values()];
    return out as unknown as Snapshot;
  }

  return source;
}
