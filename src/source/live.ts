// The live source: reads one AWS account through the SDK, read-only. Every
// method is one call (or a few joined), never throws except for missing or
// expired credentials, and answers a Fact: a resource that does not exist is
// known absent, a call that could not be made is unknown with its call name.
// Imported lazily (src/source/open.ts): loading the SDK is slow.

import { awsManagedPolicyDocument } from "../analysis/managed-policies.js";
import {
  DescribeEgressOnlyInternetGatewaysCommand, DescribeDhcpOptionsCommand, DescribeInstancesCommand,
  DescribeInternetGatewaysCommand, DescribeManagedPrefixListsCommand, DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand, DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcAttributeCommand, DescribeVpcEndpointsCommand,
  DescribeVpcsCommand, EC2Client, GetManagedPrefixListEntriesCommand,
} from "@aws-sdk/client-ec2";
import {
  BatchGetImageCommand, DescribeImagesCommand, DescribePullThroughCacheRulesCommand, DescribeRepositoriesCommand,
  ECRClient, GetRepositoryPolicyCommand,
} from "@aws-sdk/client-ecr";
import {
  DescribeContainerInstancesCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand,
  ECSClient, ListTasksCommand,
} from "@aws-sdk/client-ecs";
import {
  GetInstanceProfileCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand,
  IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand } from "@aws-sdk/client-kms";
import type { EFSClient } from "@aws-sdk/client-efs";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DescribeParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import type { RetryErrorInfo, StandardRetryToken } from "@smithy/types";
import { UsageError } from "../errors.js";
import { codeOf, credentialsProblem } from "./aws-errors.js";
import type {
  AliasListEntry, KeyMetadata, KeyPolicy, LogGroup,
  AccessPointDescription, FileSystemDescription, FileSystemPolicy, MountTargetDescription, MountTargetSecurityGroups,
  ContainerInstance, DhcpOptions, EgressOnlyInternetGateway, Image, ImageDetail, Instance, InstanceProfile,
  InternetGateway, ManagedPrefixList, NatGateway, NetworkAcl, NetworkInterface, ParameterMetadata, PolicyDocument,
  PullThroughCacheRule, Repository, RepositoryPolicy, Role, RouteTable, SecretMetadata, SecurityGroup, Service,
  Subnet, Task, TaskDefinition, Vpc, VpcAttributes, VpcEndpoint,
} from "../model/aws.js";
import { type Fact, known, unknown, type UnknownWhy } from "../model/fact.js";
import type { ImageId, SimulationResult, Source } from "./source.js";

export interface LiveClients {
  ecs: ECSClient;
  ec2: EC2Client;
  ecr: ECRClient;
  iam: IAMClient;
  sts: STSClient;
  secretsManager: SecretsManagerClient;
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
  kms: KMSClient;
  /** Made on first use (src/source/live-efs.ts): only a task with an EFS volume needs it. */
  efs?: EFSClient;
}

/** The source's call helpers, for the reads that live in files of their own (src/source/live-efs.ts). */
export interface LiveCalls {
  run<O>(call: string, send: (abortSignal: AbortSignal) => Promise<O>): Promise<O>;
  pages<O, T>(call: string, send: (token: string | undefined, abortSignal: AbortSignal) => Promise<O>, page: (out: O) => [T[] | undefined, string | undefined], max?: number): Promise<T[]>;
  fact<T>(call: string, body: () => Promise<T>): Promise<Fact<T>>;
}

/** The clients of the services whose resources may be in another region than the task: ECR, Secrets Manager, SSM, CloudWatch Logs, KMS. */
export type RegionalClients = Pick<LiveClients, "ecr" | "secretsManager" | "ssm" | "logs" | "kms">;
type RegionalService = keyof RegionalClients;

export interface LiveSourceOptions {
  region?: string;
  /** The region a full ARN names: where the task is, so it outranks the environment's and profile's default. */
  regionHint?: string;
  profile?: string;
  /** Budget for every call of the run, from createLiveSource on (default 30 s). */
  timeoutMs?: number;
  /** Clients for the source's own region. An injected client without `clientsFor` serves every region. */
  clients?: Partial<LiveClients>;
  /**
   * The ECR, Secrets Manager and SSM clients of another region (an image or secret
   * elsewhere than the task). By default one is created per region, lazily, from
   * the same config as the others.
   */
  clientsFor?: (region: string) => Partial<RegionalClients>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Attempts per request, the first included. */
const MAX_ATTEMPTS = 4;
/** The first retry waits up to this long, each next one up to twice as long (full jitter). */
const RETRY_BASE_MS = 50;
const RETRY_CAP_MS = 2_000;

/**
 * The SDK's standard retry (a retry quota, throttling and transient errors
 * only, bounded attempts) with full-jitter backoff from a small base, bounded
 * by the run's budget. A diagnosis is one burst of about 25 reads: the SDK's
 * throttling base (up to 1 s for the first retry) or its adaptive mode (a client
 * side rate limit that, once throttled, spaces every later request) would turn
 * one throttle per call into many seconds. No wait outlives the deadline, so
 * no retry timer keeps the process alive after the budget (--timeout).
 */
export class BudgetedRetry extends ConfiguredRetryStrategy {
  constructor(private readonly deadline: number) {
    super(MAX_ATTEMPTS, (attempt) =>
      Math.min(Math.floor(Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 2))), Math.max(0, deadline - Date.now())));
  }

  override async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    if (Date.now() >= this.deadline) throw new Error("the time budget is spent: no retry");
    // A Retry-After hint beyond the deadline would hold a timer past it.
    const { retryAfterHint, ...rest } = errorInfo;
    const hint = retryAfterHint && retryAfterHint.getTime() < this.deadline ? { retryAfterHint } : {};
    return super.refreshRetryTokenForRetry(token, { ...rest, ...hint });
  }
}

/** Image manifests a pull may meet: image indexes first, then single-platform manifests. */
const MANIFEST_MEDIA_TYPES = [
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
];

const DENIED = /AccessDenied|UnauthorizedOperation|AuthFailure|NotAuthorized|Forbidden/i;
const THROTTLED = /Throttl|RequestLimitExceeded|TooManyRequests|RateExceeded|SlowDown/i;
const TIMED_OUT = /Timeout|TimedOut|AbortError/i;

/** A call AWS answered with an error (or did not answer in time). */
class CallFailed extends Error {
  constructor(readonly call: string, readonly code: string, detail: string) {
    super(`${code}: ${detail}`);
  }

  get why(): UnknownWhy {
    if (DENIED.test(this.code)) return "denied";
    if (THROTTLED.test(this.code)) return "throttled";
    if (TIMED_OUT.test(this.code)) return "timeout";
    return "failed";
  }
}

export const is = (...codes: string[]) => (e: CallFailed) => codes.includes(e.code);

/** A missing resource is a value: `value` when the call failed with one of the not-found codes. */
export async function orMissing<T, M>(p: Promise<T>, missing: (e: CallFailed) => boolean, value: M): Promise<T | M> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof CallFailed && missing(e)) return value;
    throw e;
  }
}

/**
 * Part of a joined answer that was denied is left out (undefined) instead of failing the whole: the
 * rest still answers, and the reader names the permission. Any other failure (a timeout, a throttle)
 * fails the whole, so that its reason is the one reported.
 */
async function readable<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof CallFailed && e.why === "denied") return undefined;
    throw e;
  }
}

/** Runs `fn` over `items` in batches of `size`, concurrently, and joins the answers. */
export async function inBatches<I, T>(items: I[], size: number, fn: (batch: I[]) => Promise<T[]>): Promise<T[]> {
  const batches: I[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return (await Promise.all(batches.map(fn))).flat();
}

/** IAM returns policy documents URL-encoded. */
function policyDocument(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined) return undefined;
  for (const decode of [decodeURIComponent, (s: string) => s]) {
    try {
      return JSON.parse(decode(text)) as PolicyDocument;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

const byFilter = (Name: string, Values: string[]) => [{ Name, Values }];
const time = (d: string | Date | undefined) => (d === undefined ? 0 : new Date(d).getTime());
/** `arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID` names its cluster; old-style `task/ID` does not. */
const clusterOfTaskArn = (arn: string | undefined) => (arn?.startsWith("arn:") ? arn.split(":")[5]?.split("/") : undefined)?.[1];

class LiveSource implements Source {
  readonly kind = "live" as const;
  private account?: Promise<string | undefined>;
  private readonly policies = new Map<string, Promise<PolicyDocument | undefined>>();
  private efsReads?: Promise<import("./live-efs.js").EfsReads>;

  constructor(
    readonly region: string,
    private readonly c: LiveClients,
    private readonly timeoutMs: number,
    /** When the budget ends (Date.now() ms), shared with the clients' retry strategy. */
    private readonly deadline: number,
    private readonly clientIn: <K extends RegionalService>(service: K, region: string) => RegionalClients[K] = (service) => c[service],
    /** The profile the credentials come from (--profile or AWS_PROFILE), for the message when it gives none. */
    private readonly profile?: string,
    /** The EFS client, made (and its SDK module loaded) on first use. */
    private readonly efsClient: () => Promise<EFSClient> = () => Promise.reject(new Error("no EFS client")),
  ) {
  }

  /** The client that serves `region` (the resource's, e.g. an image's registry); the source's own when omitted. */
  private client<K extends RegionalService>(service: K, region: string | undefined): RegionalClients[K] {
    return !region || region === this.region ? this.c[service] : this.clientIn(service, region);
  }

  /** One AWS call, bounded by what is left of the budget; AWS errors become CallFailed, credentials a UsageError. */
  private async run<O>(call: string, send: (abortSignal: AbortSignal) => Promise<O>): Promise<O> {
    const left = this.deadline - Date.now();
    if (left <= 0) throw new CallFailed(call, "TimeoutError", `the ${this.timeoutMs} ms budget was used up before the call`);
    const signal = AbortSignal.timeout(left);
    try {
      // The race guarantees the budget even where the request handler ignores the signal.
      return await new Promise<O>((resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        // Through a promise, so a synchronous throw is a rejection too.
        Promise.resolve().then(() => send(signal)).then(resolve, reject);
      });
    } catch (e) {
      if (signal.aborted) throw new CallFailed(call, "TimeoutError", `no answer within the ${this.timeoutMs} ms budget`);
      const code = codeOf(e);
      throw credentialsProblem(e, code, this.profile) ?? new CallFailed(call, code, e instanceof Error ? e.message : String(e));
    }
  }

  /** A paginated call, followed to its last page (or until `max` items). */
  private async pages<O, T>(
    call: string,
    send: (token: string | undefined, abortSignal: AbortSignal) => Promise<O>,
    page: (out: O) => [T[] | undefined, string | undefined],
    max = Number.POSITIVE_INFINITY,
  ): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const [got, next] = page(await this.run(call, (signal) => send(token, signal)));
      items.push(...(got ?? []));
      token = next;
    } while (token && items.length < max);
    return items;
  }

  /** The method's answer as a Fact; only a UsageError (credentials) escapes. */
  private async fact<T>(call: string, body: () => Promise<T>): Promise<Fact<T>> {
    try {
      return known(await body());
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (e instanceof CallFailed) return unknown(e.why, e.call, e.message);
      return unknown("failed", call, e instanceof Error ? e.message : String(e));
    }
  }

  accountId(): Promise<string | undefined> {
    // The collector falls back to the task ARN's account.
    this.account ??= this.run("sts:GetCallerIdentity", (abortSignal) => this.c.sts.send(new GetCallerIdentityCommand({}), { abortSignal }))
      .then((out) => out.Account, () => undefined);
    return this.account;
  }

  // ---------- ECS ----------

  private tasksIn(cluster: string | undefined, tasks: string[]): Promise<Task[]> {
    // Tasks ECS no longer knows come back in `failures`: not in the list.
    return inBatches(tasks, 100, async (batch) => {
      const out = await this.run("ecs:DescribeTasks", (abortSignal) =>
        this.c.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }), { abortSignal }));
      return out.tasks ?? [];
    });
  }

  describeTasks(cluster: string | undefined, tasks: string[]): Promise<Fact<Task[]>> {
    return this.fact("ecs:DescribeTasks", () =>
      orMissing(this.tasksIn(cluster ?? tasks.map(clusterOfTaskArn).find(Boolean), tasks), is("ClusterNotFoundException"), []));
  }

  listStoppedTasks(cluster: string, serviceName?: string): Promise<Fact<Task[]>> {
    return this.fact("ecs:ListTasks", async () => {
      const arns = await orMissing(
        this.pages(
          "ecs:ListTasks",
          (nextToken, abortSignal) =>
            this.c.ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: "STOPPED", maxResults: 100, nextToken }), { abortSignal }),
          (out) => [out.taskArns, out.nextToken],
        ),
        is("ClusterNotFoundException", "ServiceNotFoundException"),
        [],
      );
      const tasks = await this.tasksIn(cluster, arns);
      return tasks.sort((a, b) => time(b.stoppedAt ?? b.createdAt) - time(a.stoppedAt ?? a.createdAt));
    });
  }

  describeTaskDefinition(taskDefinitionArn: string): Promise<Fact<TaskDefinition | null>> {
    return this.fact("ecs:DescribeTaskDefinition", () =>
      orMissing(
        this.run("ecs:DescribeTaskDefinition", (abortSignal) =>
          this.c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }), { abortSignal }))
          .then((out) => out.taskDefinition ?? null),
        // ECS answers a missing (or deregistered-and-deleted) revision with a ClientException.
        (e) => e.code === "ClientException" && /unable to describe task definition|does not exist|not found/i.test(e.message),
        null,
      ));
  }

  describeServices(cluster: string, services: string[]): Promise<Fact<Service[]>> {
    // MISSING services come back in `failures`: not in the list.
    return this.fact("ecs:DescribeServices", () =>
      orMissing(
        inBatches(services, 10, async (batch) =>
          (await this.run("ecs:DescribeServices", (abortSignal) =>
            this.c.ecs.send(new DescribeServicesCommand({ cluster, services: batch }), { abortSignal }))).services ?? []),
        is("ClusterNotFoundException"),
        [],
      ));
  }

  describeContainerInstances(cluster: string, containerInstanceArns: string[]): Promise<Fact<ContainerInstance[]>> {
    return this.fact("ecs:DescribeContainerInstances", () =>
      orMissing(
        inBatches(containerInstanceArns, 100, async (batch) =>
          (await this.run("ecs:DescribeContainerInstances", (abortSignal) =>
            this.c.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }), { abortSignal })))
            .containerInstances ?? []),
        is("ClusterNotFoundException"),
        [],
      ));
  }

  // ---------- EC2 ----------
  // Ids are passed as filters, not as XxxIds: a filter never fails on an id
  // that no longer exists (a deleted ENI or subnet), it just matches nothing.

  describeSubnets(subnetIds: string[]): Promise<Fact<Subnet[]>> {
    const call = "ec2:DescribeSubnets";
    return this.fact(call, () =>
      inBatches(subnetIds, 200, (ids) =>
        this.pages(call, (NextToken, abortSignal) =>
          this.c.ec2.send(new DescribeSubnetsCommand({ Filters: byFilter("subnet-id", ids), NextToken }), { abortSignal }),
        (out) => [out.Subnets, out.NextToken])));
  }

  describeVpcs(vpcIds: string[]): Promise<Fact<Vpc[]>> {
    const call = "ec2:DescribeVpcs";
    return this.fact(call, () =>
      inBatches(vpcIds, 200, (ids) =>
        this.pages(call, (NextToken, abortSignal) =>
          this.c.ec2.send(new DescribeVpcsCommand({ Filters: byFilter("vpc-id", ids), NextToken }), { abortSignal }),
        (out) => [out.Vpcs, out.NextToken])));
  }

  describeVpcAttributes(vpcId: string): Promise<Fact<VpcAttributes | null>> {
    const call = "ec2:DescribeVpcAttribute";
    const attribute = (Attribute: "enableDnsSupport" | "enableDnsHostnames") =>
      this.run(call, (abortSignal) => this.c.ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute }), { abortSignal }));
    return this.fact(call, () =>
      orMissing(
        Promise.all([attribute("enableDnsSupport"), attribute("enableDnsHostnames")]).then(([support, hostnames]) => ({
          VpcId: vpcId,
          EnableDnsSupport: support.EnableDnsSupport?.Value,
          EnableDnsHostnames: hostnames.EnableDnsHostnames?.Value,
        })),
        is("InvalidVpcID.NotFound"),
        null,
      ));
  }

  describeDhcpOptions(dhcpOptionsIds: string[]): Promise<Fact<DhcpOptions[]>> {
    const call = "ec2:DescribeDhcpOptions";
    return this.fact(call, () =>
      inBatches(dhcpOptionsIds, 200, (ids) =>
        this.pages(call, (NextToken, abortSignal) =>
          this.c.ec2.send(new DescribeDhcpOptionsCommand({ Filters: byFilter("dhcp-options-id", ids), NextToken }), { abortSignal }),
        (out) => [out.DhcpOptions, out.NextToken])));
  }

  describeRouteTables(vpcId: string): Promise<Fact<RouteTable[]>> {
    const call = "ec2:DescribeRouteTables";
    return this.fact(call, () =>
      this.pages(call, (NextToken, abortSignal) =>
        this.c.ec2.send(new DescribeRouteTablesCommand({ Filters: byFilter("vpc-id", [vpcId]), NextToken }), { abortSignal }),
      (out) => [out.RouteTables, out.NextToken]));
  }

  describeInternetGateways(vpcId: string): Promise<Fact<InternetGateway[]>> {
    const call = "ec2:DescribeInternetGateways";
    return this.fact(call, () =>
      this.pages(call, (NextToken, abortSignal) =>
        this.c.ec2.send(new DescribeInternetGatewaysCommand({ Filters: byFilter("attachment.vpc-id", [vpcId]), NextToken }), { abortSignal }),
      (out) => [out.InternetGateways, out.NextToken]));
  }

  describeEgressOnlyInternetGateways(ids: string[]): Promise<Fact<EgressOnlyInternetGateway[]>> {
    // No id filter exists for these; a gateway that is gone is simply absent.
    const call = "ec2:DescribeEgressOnlyInternetGateways";
    return this.fact(call, () =>
      inBatches(ids, 200, (batch) =>
        orMissing(
          this.pages(call, (NextToken, abortSignal) =>
            this.c.ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ EgressOnlyInternetGatewayIds: batch, NextToken }), { abortSignal }),
          (out) => [out.EgressOnlyInternetGateways, out.NextToken]),
          (e) => e.code.endsWith(".NotFound"),
          [],
        )));
  }

  describeNatGateways(vpcId: string): Promise<Fact<NatGateway[]>> {
    const call = "ec2:DescribeNatGateways";
    return this.fact(call, () =>
      this.pages(call, (NextToken, abortSignal) =>
        this.c.ec2.send(new DescribeNatGatewaysCommand({ Filter: byFilter("vpc-id", [vpcId]), NextToken }), { abortSignal }),
      (out) => [out.NatGateways, out.NextToken]));
  }

  describeVpcEndpoints(vpcId: string): Promise<Fact<VpcEndpoint[]>> {
    const call = "ec2:DescribeVpcEndpoints";
    return this.fact(call, () =>
      this.pages(call, (NextToken, abortSignal) =>
        this.c.ec2.send(new DescribeVpcEndpointsCommand({ Filters: byFilter("vpc-id", [vpcId]), NextToken }), { abortSignal }),
      (out) => [out.VpcEndpoints, out.NextToken]));
  }

  describeSecurityGroups(groupIds: string[]): Promise<Fact<SecurityGroup[]>> {
    const call = "ec2:DescribeSecurityGroups";
    return this.fact(call, () =>
      inBatches(groupIds, 200, (ids) =>
        this.pages(call, (NextToken, abortSignal) =>
          this.c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: byFilter("group-id", ids), NextToken }), { abortSignal }),
        (out) => [out.SecurityGroups, out.NextToken])));
  }

  describeVpcSecurityGroups(vpcId: string): Promise<Fact<SecurityGroup[]>> {
    const call = "ec2:DescribeSecurityGroups";
    return this.fact(call, () =>
      this.pages(call, (NextToken, abortSignal) =>
        this.c.ec2.send(new DescribeSecurityGroupsCommand({ Filters: byFilter("vpc-id", [vpcId]), MaxResults: 1000, NextToken }), { abortSignal }),
      (out) => [out.SecurityGroups, out.NextToken]));
  }

  describeNetworkAcls(subnetId: string): Promise<Fact<NetworkAcl[]>> {
    const call = "ec2:DescribeNetworkAcls";
    return this.fact(call, () =>
      this.pages(call, (NextToken, abortSignal) =>
        this.c.ec2.send(new DescribeNetworkAclsCommand({ Filters: byFilter("association.subnet-id", [subnetId]), NextToken }), { abortSignal }),
      (out) => [out.NetworkAcls, out.NextToken]));
  }

  describeNetworkInterfaces(ids: string[]): Promise<Fact<NetworkInterface[]>> {
    const call = "ec2:DescribeNetworkInterfaces";
    return this.fact(call, () =>
      inBatches(ids, 200, (batch) =>
        this.pages(call, (NextToken, abortSignal) =>
          this.c.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byFilter("network-interface-id", batch), NextToken }), { abortSignal }),
        (out) => [out.NetworkInterfaces, out.NextToken])));
  }

  describeInstances(ids: string[]): Promise<Fact<Instance[]>> {
    const call = "ec2:DescribeInstances";
    return this.fact(call, async () => {
      const reservations = await inBatches(ids, 200, (batch) =>
        this.pages(call, (NextToken, abortSignal) =>
          this.c.ec2.send(new DescribeInstancesCommand({ Filters: byFilter("instance-id", batch), NextToken }), { abortSignal }),
        (out) => [out.Reservations, out.NextToken]));
      return reservations.flatMap((r) => r.Instances ?? []);
    });
  }

  describeManagedPrefixLists(ids: string[]): Promise<Fact<ManagedPrefixList[]>> {
    const call = "ec2:DescribeManagedPrefixLists";
    return this.fact(call, async () => {
      // The entries need only the id: asked alongside the lists, they save a dependent round trip.
      const entriesP = Promise.all(ids.map((PrefixListId) =>
        this.pages("ec2:GetManagedPrefixListEntries", (NextToken, abortSignal) =>
          this.c.ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId, NextToken }), { abortSignal }),
        (out) => [out.Entries, out.NextToken]).then((entries) => entries.map((e) => ({ Cidr: e.Cidr }))),
      ));
      // Awaited below, unless the lists fail first: never an unhandled rejection.
      entriesP.catch(() => undefined);
      const lists = await inBatches(ids, 200, (batch) =>
        this.pages(call, (NextToken, abortSignal) =>
          this.c.ec2.send(new DescribeManagedPrefixListsCommand({ Filters: byFilter("prefix-list-id", batch), NextToken }), { abortSignal }),
        (out) => [out.PrefixLists, out.NextToken]));
      // A list without its entries would mislead route and rule matching: a failure here fails the whole.
      const entries = await entriesP;
      return lists.map((list) => ({
        PrefixListId: list.PrefixListId,
        PrefixListName: list.PrefixListName,
        Entries: entries[ids.indexOf(list.PrefixListId ?? "")] ?? [],
      }));
    });
  }

  // ---------- ECR ----------

  describeRepositories(registryId: string, names: string[], region?: string): Promise<Fact<Repository[]>> {
    // One name per call: a missing repository fails the whole call, and must not hide the others.
    const call = "ecr:DescribeRepositories";
    const ecr = this.client("ecr", region);
    return this.fact(call, () =>
      inBatches(names, 1, (repositoryNames) =>
        orMissing(
          this.run(call, (abortSignal) => ecr.send(new DescribeRepositoriesCommand({ registryId, repositoryNames }), { abortSignal }))
            .then((out) => out.repositories ?? []),
          is("RepositoryNotFoundException"),
          [],
        )));
  }

  describeImages(registryId: string, repositoryName: string, imageIds?: ImageId[], region?: string): Promise<Fact<ImageDetail[]>> {
    const call = "ecr:DescribeImages";
    const ecr = this.client("ecr", region);
    const notFound = is("ImageNotFoundException", "RepositoryNotFoundException");
    if (imageIds === undefined) {
      // The whole repository, newest first; 1000 images are plenty to suggest the nearest tags.
      return this.fact(call, async () => {
        const details = await orMissing(
          this.pages(call, (nextToken, abortSignal) =>
            ecr.send(new DescribeImagesCommand({ registryId, repositoryName, maxResults: 1000, nextToken }), { abortSignal }),
          (out) => [out.imageDetails, out.nextToken], 1000),
          notFound,
          [],
        );
        return details.sort((a, b) => time(b.imagePushedAt) - time(a.imagePushedAt)).slice(0, 1000);
      });
    }
    // One id per call: a missing image fails the whole call, and must not hide the others.
    return this.fact(call, () =>
      inBatches(imageIds, 1, (ids) =>
        orMissing(
          this.run(call, (abortSignal) =>
            ecr.send(new DescribeImagesCommand({ registryId, repositoryName, imageIds: ids }), { abortSignal }))
            .then((out) => out.imageDetails ?? []),
          notFound,
          [],
        )));
  }

  batchGetImage(registryId: string, repositoryName: string, imageIds: ImageId[], region?: string): Promise<Fact<Image[]>> {
    const call = "ecr:BatchGetImage";
    const ecr = this.client("ecr", region);
    return this.fact(call, () =>
      inBatches(imageIds, 100, async (ids) => {
        const out = await orMissing(
          this.run(call, (abortSignal) =>
            ecr.send(new BatchGetImageCommand({ registryId, repositoryName, imageIds: ids, acceptedMediaTypes: MANIFEST_MEDIA_TYPES }), { abortSignal })),
          is("RepositoryNotFoundException"),
          { images: [], failures: [] },
        );
        // ImageNotFound is an answer; any other failure (KMS, pull-through upstream) is not.
        const failure = (out.failures ?? []).find((f) => f.failureCode !== "ImageNotFound");
        if (failure && (out.images ?? []).length === 0) {
          throw new CallFailed(call, failure.failureCode ?? "Error", failure.failureReason ?? "the image could not be read");
        }
        return out.images ?? [];
      }));
  }

  getRepositoryPolicy(registryId: string, repositoryName: string, region?: string): Promise<Fact<RepositoryPolicy | null>> {
    const call = "ecr:GetRepositoryPolicy";
    const ecr = this.client("ecr", region);
    return this.fact(call, () =>
      orMissing(
        this.run(call, (abortSignal) => ecr.send(new GetRepositoryPolicyCommand({ registryId, repositoryName }), { abortSignal }))
          .then((out) => ({ registryId: out.registryId, repositoryName: out.repositoryName, policyText: out.policyText })),
        is("RepositoryPolicyNotFoundException", "RepositoryNotFoundException"),
        null,
      ));
  }

  describePullThroughCacheRules(registryId: string, region?: string): Promise<Fact<PullThroughCacheRule[]>> {
    const call = "ecr:DescribePullThroughCacheRules";
    const ecr = this.client("ecr", region);
    return this.fact(call, () =>
      this.pages(call, (nextToken, abortSignal) =>
        ecr.send(new DescribePullThroughCacheRulesCommand({ registryId, nextToken }), { abortSignal }),
      (out) => [out.pullThroughCacheRules, out.nextToken]));
  }

  // ---------- IAM ----------

  /** A managed policy's default version, decoded; undefined when it cannot be read. Shared by roles. */
  private managedPolicy(PolicyArn: string): Promise<PolicyDocument | undefined> {
    let doc = this.policies.get(PolicyArn);
    if (!doc) {
      doc = readable((async () => {
        const policy = await this.run("iam:GetPolicy", (abortSignal) => this.c.iam.send(new GetPolicyCommand({ PolicyArn }), { abortSignal }));
        const VersionId = policy.Policy?.DefaultVersionId;
        if (!VersionId) return undefined;
        const version = await this.run("iam:GetPolicyVersion", (abortSignal) =>
          this.c.iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId }), { abortSignal }));
        return policyDocument(version.PolicyVersion?.Document);
      })());
      this.policies.set(PolicyArn, doc);
    }
    return doc;
  }

  getRole(roleName: string): Promise<Fact<Role | null>> {
    // Only GetRole decides the fact; a policy that cannot be read is left out
    // (its `Document`, or the whole list when it cannot be listed).
    return this.fact("iam:GetRole", async () => {
      // The policy lists need only the name: asked alongside GetRole, they save a round trip.
      const attachedP = readable(this.pages("iam:ListAttachedRolePolicies", (Marker, abortSignal) =>
        this.c.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker }), { abortSignal }),
      (out) => [out.AttachedPolicies, out.IsTruncated ? out.Marker : undefined]));
      const inlineP = readable(this.pages("iam:ListRolePolicies", (Marker, abortSignal) =>
        this.c.iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker }), { abortSignal }),
      (out) => [out.PolicyNames, out.IsTruncated ? out.Marker : undefined]));
      // Awaited below, unless GetRole fails first: never an unhandled rejection.
      attachedP.catch(() => undefined);
      inlineP.catch(() => undefined);
      const role = await orMissing(
        this.run("iam:GetRole", (abortSignal) => this.c.iam.send(new GetRoleCommand({ RoleName: roleName }), { abortSignal })).then((out) => out.Role),
        is("NoSuchEntity", "NoSuchEntityException"),
        undefined,
      );
      if (!role) return null;
      const RoleName = role.RoleName ?? roleName;
      const boundaryArn = role.PermissionsBoundary?.PermissionsBoundaryArn;
      const [attached, inline, boundary] = await Promise.all([attachedP, inlineP, boundaryArn ? this.managedPolicy(boundaryArn) : undefined]);
      const [AttachedPolicies, InlinePolicies] = await Promise.all([
        attached && Promise.all(attached.map(async (p) => ({
          PolicyName: p.PolicyName,
          PolicyArn: p.PolicyArn,
          // AWS managed pull policies are known documents (src/analysis/managed-policies.ts, filled in
          // where Document is absent): reading them would cost two more dependent round trips.
          Document: p.PolicyArn && !awsManagedPolicyDocument(p.PolicyArn) ? await this.managedPolicy(p.PolicyArn) : undefined,
        }))),
        inline && Promise.all(inline.map(async (PolicyName) => ({
          PolicyName,
          Document: await readable(this.run("iam:GetRolePolicy", (abortSignal) =>
            this.c.iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }), { abortSignal }))
            .then((out) => policyDocument(out.PolicyDocument))),
        }))),
      ]);
      return {
        RoleName,
        RoleId: role.RoleId,
        Arn: role.Arn,
        Path: role.Path,
        AssumeRolePolicyDocument: policyDocument(role.AssumeRolePolicyDocument),
        PermissionsBoundary: role.PermissionsBoundary && { ...role.PermissionsBoundary, Document: boundary },
        AttachedPolicies,
        InlinePolicies,
      };
    });
  }

  getInstanceProfile(instanceProfileName: string): Promise<Fact<InstanceProfile | null>> {
    const call = "iam:GetInstanceProfile";
    return this.fact(call, () =>
      orMissing(
        this.run(call, (abortSignal) =>
          this.c.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: instanceProfileName }), { abortSignal }))
          .then(({ InstanceProfile: p }) => p ? {
            InstanceProfileName: p.InstanceProfileName,
            Arn: p.Arn,
            Roles: (p.Roles ?? []).map((r) => ({ RoleName: r.RoleName, RoleId: r.RoleId, Arn: r.Arn, Path: r.Path, AssumeRolePolicyDocument: policyDocument(r.AssumeRolePolicyDocument) })),
          } : null),
        is("NoSuchEntity", "NoSuchEntityException"),
        null,
      ));
  }

  simulatePrincipalPolicy(roleArn: string, actions: string[], resources: string[]): Promise<Fact<SimulationResult[]>> {
    const call = "iam:SimulatePrincipalPolicy";
    return this.fact(call, async () => {
      const results = await this.pages(call, (Marker, abortSignal) =>
        this.c.iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: actions, ResourceArns: resources, Marker }), { abortSignal }),
      (out) => [out.EvaluationResults, out.IsTruncated ? out.Marker : undefined]);
      // IAM now answers one result per action, its decision the most restrictive
      // over all resources; the per-resource decisions are in ResourceSpecificResults.
      // What decided (the matched statements, the boundary, the organization) is kept for the why.
      const seen = new Map<string, SimulationResult>();
      const statements = (list: { SourcePolicyId?: string; SourcePolicyType?: string }[] | undefined) =>
        list?.filter((m) => m.SourcePolicyId).map((m) => ({ sourcePolicyId: m.SourcePolicyId!, ...(m.SourcePolicyType ? { sourcePolicyType: m.SourcePolicyType } : {}) }));
      for (const r of results) {
        const action = r.EvalActionName ?? "";
        const whole = {
          allowedByOrganizations: r.OrganizationsDecisionDetail?.AllowedByOrganizations,
          allowedByBoundary: r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
        };
        const perResource = r.ResourceSpecificResults?.length
          ? r.ResourceSpecificResults.map((s) => ({
            resource: s.EvalResourceName, decision: s.EvalResourceDecision, missing: s.MissingContextValues, matched: s.MatchedStatements,
            boundary: s.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary ?? whole.allowedByBoundary,
          }))
          : [{ resource: r.EvalResourceName, decision: r.EvalDecision, missing: r.MissingContextValues, matched: r.MatchedStatements, boundary: whole.allowedByBoundary }];
        for (const s of perResource) {
          const resource = s.resource ?? "*";
          const matched = statements(s.matched);
          seen.set(`${action} ${resource}`, {
            action, resource, decision: s.decision ?? "implicitDeny", missingContextValues: s.missing ?? [],
            ...(matched?.length ? { matchedStatements: matched } : {}),
            ...(s.boundary !== undefined ? { allowedByBoundary: s.boundary } : {}),
            ...(whole.allowedByOrganizations !== undefined ? { allowedByOrganizations: whole.allowedByOrganizations } : {}),
          });
        }
      }
      return [...seen.values()];
    });
  }

  // ---------- CloudWatch Logs, KMS ----------

  describeLogGroups(prefix: string, region?: string): Promise<Fact<LogGroup[]>> {
    const call = "logs:DescribeLogGroups";
    const logs = this.client("logs", region);
    // A prefix matches more than the one group; 50 a page, and the exact name sorts first among its own prefix.
    return this.fact(call, async () => {
      const groups = await this.pages(call, (nextToken, abortSignal) =>
        logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, limit: 50, nextToken }), { abortSignal }),
      (out) => [out.logGroups, out.nextToken], 50);
      return groups.map((g) => ({ logGroupName: g.logGroupName, arn: g.arn, kmsKeyId: g.kmsKeyId, creationTime: g.creationTime, logGroupClass: g.logGroupClass }));
    });
  }

  getKeyPolicy(keyId: string, region?: string): Promise<Fact<KeyPolicy | null>> {
    const call = "kms:GetKeyPolicy";
    const kms = this.client("kms", region);
    return this.fact(call, () =>
      orMissing(
        this.run(call, (abortSignal) => kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: "default" }), { abortSignal }))
          .then((out) => ({ KeyId: keyId, Policy: out.Policy })),
        is("NotFoundException"),
        null,
      ));
  }

  describeKey(keyId: string, region?: string): Promise<Fact<KeyMetadata | null>> {
    const call = "kms:DescribeKey";
    const kms = this.client("kms", region);
    return this.fact(call, () =>
      orMissing(
        this.run(call, (abortSignal) => kms.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal }))
          .then(({ KeyMetadata: k }) => k ? { KeyId: k.KeyId, Arn: k.Arn, KeyManager: k.KeyManager, KeyState: k.KeyState, Enabled: k.Enabled, AWSAccountId: k.AWSAccountId } : null),
        is("NotFoundException"),
        null,
      ));
  }

  listAliases(region?: string): Promise<Fact<AliasListEntry[]>> {
    const call = "kms:ListAliases";
    const kms = this.client("kms", region);
    return this.fact(call, async () => {
      const aliases = await this.pages(call, (Marker, abortSignal) =>
        kms.send(new ListAliasesCommand({ Limit: 100, Marker }), { abortSignal }),
      (out) => [out.Aliases, out.Truncated ? out.NextMarker : undefined]);
      return aliases.map((a) => ({ AliasName: a.AliasName, AliasArn: a.AliasArn, TargetKeyId: a.TargetKeyId }));
    });
  }

  // ---------- Secrets Manager, SSM: metadata only, never a value ----------

  describeSecret(secretId: string, region?: string): Promise<Fact<SecretMetadata | null>> {
    const call = "secretsmanager:DescribeSecret";
    const secretsManager = this.client("secretsManager", region);
    return this.fact(call, () =>
      orMissing(
        this.run(call, (abortSignal) => secretsManager.send(new DescribeSecretCommand({ SecretId: secretId }), { abortSignal }))
          .then((out) => ({ ARN: out.ARN, Name: out.Name, KmsKeyId: out.KmsKeyId, DeletedDate: out.DeletedDate })),
        is("ResourceNotFoundException"),
        null,
      ));
  }

  describeParameters(names: string[], region?: string, options: { shared?: boolean } = {}): Promise<Fact<ParameterMetadata[]>> {
    // DescribeParameters filters by name, not ARN; a name may be stored with or
    // without its leading slash ("db" and "/db" share one ARN form), so ask for both.
    const call = "ssm:DescribeParameters";
    const ssm = this.client("ssm", region);
    if (options.shared) {
      // Another account's parameters are listed only with Shared, under their ARNs: list them (a
      // thousand at most) and keep those asked for. One shared through a resource policy that RAM has
      // not promoted is not listed at all: absent here is not proof that it does not exist.
      return this.fact(call, async () => {
        const listed = await this.pages(call, (NextToken, abortSignal) =>
          ssm.send(new DescribeParametersCommand({ Shared: true, MaxResults: 50, NextToken }), { abortSignal }),
        (out) => [out.Parameters, out.NextToken], 1000);
        return listed
          .filter((p) => names.some((n) => n === p.ARN || n === p.Name))
          .map((p) => ({ Name: p.Name, ARN: p.ARN, Type: p.Type, KeyId: p.KeyId }));
      });
    }
    const wanted = [...new Set(names.flatMap((n) => {
      const name = n.startsWith("arn:") ? n.slice(n.indexOf(":parameter") + ":parameter".length) : n;
      const bare = name.replace(/^\//, "");
      return bare.includes("/") ? [`/${bare}`] : [`/${bare}`, bare];
    }))];
    return this.fact(call, async () => {
      const params = await inBatches(wanted, 50, (Values) =>
        this.pages(call, (NextToken, abortSignal) =>
          ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Option: "Equals", Values }], MaxResults: 50, NextToken }), { abortSignal }),
        (out) => [out.Parameters, out.NextToken]));
      return params.map((p) => ({ Name: p.Name, ARN: p.ARN, Type: p.Type, KeyId: p.KeyId }));
    });
  }

  // ---------- EFS (src/source/live-efs.ts, loaded with its SDK client on first use) ----------

  private efs(): Promise<import("./live-efs.js").EfsReads> {
    this.efsReads ??= Promise.all([import("./live-efs.js"), this.efsClient()]).then(([m, client]) =>
      new m.EfsReads({ run: (call, send) => this.run(call, send), pages: (call, send, page, max) => this.pages(call, send, page, max), fact: (call, body) => this.fact(call, body) }, client));
    return this.efsReads;
  }

  describeFileSystems(ids: string[]): Promise<Fact<FileSystemDescription[]>> {
    return this.efs().then((r) => r.describeFileSystems(ids));
  }

  describeMountTargets(fileSystemId: string): Promise<Fact<MountTargetDescription[]>> {
    return this.efs().then((r) => r.describeMountTargets(fileSystemId));
  }

  describeMountTargetSecurityGroups(mountTargetIds: string[]): Promise<Fact<MountTargetSecurityGroups[]>> {
    return this.efs().then((r) => r.describeMountTargetSecurityGroups(mountTargetIds));
  }

  describeAccessPoints(ids: string[]): Promise<Fact<AccessPointDescription[]>> {
    return this.efs().then((r) => r.describeAccessPoints(ids));
  }

  describeFileSystemPolicy(fileSystemId: string): Promise<Fact<FileSystemPolicy | null>> {
    return this.efs().then((r) => r.describeFileSystemPolicy(fileSystemId));
  }
}

/** The SDK's own region resolution for a profile (AWS_REGION, then the config file); undefined when none. */
async function configuredRegion(profile: string | undefined): Promise<string | undefined> {
  const probe = new STSClient(profile ? { profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

export async function createLiveSource(options: LiveSourceOptions = {}): Promise<Source> {
  // Whole milliseconds: Node's timers refuse a fraction.
  const timeoutMs = Math.max(1, Math.floor(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  const deadline = Date.now() + timeoutMs;
  const env = process.env;
  // An ARN says where the task is: a default region from the environment or profile must not send us elsewhere.
  const region = options.region || options.regionHint || env.AWS_REGION || env.AWS_DEFAULT_REGION || (await configuredRegion(options.profile));
  if (!region) throw new UsageError("no AWS region: pass --region, set AWS_REGION, or give the full task ARN (it names its region)");
  // One config for every client. Endpoints are left to the SDK, so
  // AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> keep working.
  // Each client its own retry quota, as the SDK gives it.
  const configIn = (r: string) => ({
    region: r,
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: MAX_ATTEMPTS,
    retryStrategy: new BudgetedRetry(deadline),
    customUserAgent: "ecs-doctor",
    requestHandler: { connectionTimeout: Math.min(5_000, timeoutMs), requestTimeout: Math.min(20_000, timeoutMs) },
  });
  const config = () => configIn(region);
  const given = options.clients ?? {};
  const clients: LiveClients = {
    ecs: given.ecs ?? new ECSClient(config()),
    ec2: given.ec2 ?? new EC2Client(config()),
    ecr: given.ecr ?? new ECRClient(config()),
    iam: given.iam ?? new IAMClient(config()),
    sts: given.sts ?? new STSClient(config()),
    secretsManager: given.secretsManager ?? new SecretsManagerClient(config()),
    ssm: given.ssm ?? new SSMClient(config()),
    logs: given.logs ?? new CloudWatchLogsClient(config()),
    kms: given.kms ?? new KMSClient(config()),
  };
  // Another region's clients (an image or secret elsewhere than the task): made once, on first use.
  const regional = new Map<string, RegionalClients[RegionalService]>();
  const clientIn = <K extends RegionalService>(service: K, other: string): RegionalClients[K] => {
    const key = `${service} ${other}`;
    let client = regional.get(key) as RegionalClients[K] | undefined;
    if (!client) {
      client = options.clientsFor?.(other)[service] ?? (given[service] ? clients[service] : regionalClient(service, configIn(other)));
      regional.set(key, client);
    }
    return client;
  };
  const efs = () => (given.efs ? Promise.resolve(given.efs) : import("./live-efs.js").then((m) => m.efsClient(config())));
  return new LiveSource(region, clients, timeoutMs, deadline, clientIn, options.profile ?? (env.AWS_PROFILE || undefined), efs);
}

function regionalClient<K extends RegionalService>(service: K, config: ConstructorParameters<typeof ECRClient>[0] & object): RegionalClients[K] {
  const made: { [S in RegionalService]: () => RegionalClients[S] } = {
    ecr: () => new ECRClient(config),
    secretsManager: () => new SecretsManagerClient(config),
    ssm: () => new SSMClient(config),
    logs: () => new CloudWatchLogsClient(config),
    kms: () => new KMSClient(config),
  };
  return made[service]();
}
