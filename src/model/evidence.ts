// The evidence model: everything the collectors learned about one failed task,
// with the derived facts (the route table that applies, the path each request
// of the pull takes) computed once. Diagnostics read only this.

import type { ImageRef } from "../analysis/image-ref.js";
import type { MessageSignals } from "../analysis/message.js";
import type { PermissionAnswer, PullPermissions, TrustAnswer } from "../analysis/permissions.js";
import type { ImagePlatform, TaskPlatform } from "../analysis/platform.js";
import type {
  ContainerDefinition, ContainerInstance, KeyPolicy, LogGroup, DhcpOptions, EgressOnlyInternetGateway, Image, ImageDetail, Instance,
  InstanceProfile, InternetGateway, ManagedPrefixList, NatGateway, NetworkAcl, NetworkInterface, ParameterMetadata,
  PullThroughCacheRule, Repository, RepositoryPolicy, Role, Route, RouteTable, SecretMetadata, SecurityGroup, Service,
  Subnet, Task, TaskDefinition, Vpc, VpcAttributes, VpcEndpoint,
} from "./aws.js";
import type { EfsEvidence } from "./efs.js";
import type { Fact, Unknown } from "./fact.js";
import type { SimulationResult } from "../source/source.js";

/** One container whose reason (or the task's stoppedReason standing in) shows a failure. */
export interface ContainerFailure {
  container: string;
  image?: ImageRef;
  message: string;
  /** Where the message came from: the container's reason or the task's stoppedReason. */
  from: "container" | "task";
  signals: MessageSignals;
}

export interface ImageEvidence {
  ref: ImageRef;
  /** Containers that use this image. */
  containers: string[];
  /** The task definition's container definitions for those containers. */
  definitions: ContainerDefinition[];
  /** ECR only: the repository, null when it does not exist. */
  repository: Fact<Repository | null>;
  /** ECR only: the image detail for the tag or digest, null when it does not exist. */
  image: Fact<ImageDetail | null>;
  /**
   * The digest ECS resolved the tag to when the deployment started, which every task of it pulls (the task's
   * container `imageDigest`); absent when the image names a digest itself or `versionConsistency` is `disabled`.
   */
  pinnedDigest?: string;
  /** ECR only, with a pinned digest: its image detail, null when the digest no longer exists. */
  pinnedImage?: Fact<ImageDetail | null>;
  /** ECR only, read when the image is missing: the repository's images, newest first. */
  otherImages: Fact<ImageDetail[]>;
  /** ECR only: the manifest (an image index lists its platforms). */
  manifest: Fact<Image | null>;
  /** ECR only: the repository's policy (of this account's repositories too), null when it has none. */
  repositoryPolicy: Fact<RepositoryPolicy | null>;
  /** ECR only: pull through cache rules of the registry. */
  pullThroughCacheRules: Fact<PullThroughCacheRule[]>;
  // Derived once by the collectors:
  /** ECR only: the pull through cache rule whose prefix covers the repository, null when none does. */
  pullThroughCache: Fact<PullThroughCacheRule | null>;
  /** ECR only: the platforms of an image index; null for a single-platform manifest (or no manifest). */
  platforms: Fact<ImagePlatform[] | null>;
  /**
   * ECR only: what the repository policy says to the pulling role. Another account's: whether it lets the role pull.
   * This account's: only whether it denies (its Allow already counts in pullPermissions); null without a policy.
   */
  repositoryAccess: Fact<PermissionAnswer[]> | null;
}

/** Where the pull leaves from: the task's ENI (Fargate) or the container instance (EC2). */
export interface PullOrigin {
  kind: "task-eni" | "container-instance";
  networkInterfaceId?: string;
  subnetId: string;
  securityGroupIds: Fact<string[]>;
  /** Whether the interface has (or, for a Fargate task, was given) a public IPv4 address. */
  publicIp: Fact<boolean>;
  privateIp?: string;
  instanceId?: string;
  /** Where the security groups and public IP were read from, for evidence. */
  readFrom: string;
  /** The operating system that opens the connections (its ephemeral ports carry the replies). */
  os?: "linux" | "windows";
  /** Fargate platform version 1.3.0 or older: the platform's own interface fetches the ECR token and secrets. */
  legacyPlatform?: string;
}

export type RouteTargetKind =
  | "local" | "internet-gateway" | "nat-gateway" | "egress-only-internet-gateway" | "transit-gateway"
  | "vpc-peering-connection" | "virtual-private-gateway" | "network-interface" | "gateway-load-balancer-endpoint"
  | "gateway-endpoint" | "core-network" | "carrier-gateway" | "local-gateway" | "unknown";

export interface RouteTarget {
  kind: RouteTargetKind;
  id: string;
}

/** The route a destination takes out of a route table: longest prefix match, prefix lists included. */
export interface RouteMatch {
  routeTableId: string;
  route: Route;
  /** The route's destination as written (CIDR or prefix list id). */
  destination: string;
  target: RouteTarget;
  blackhole: boolean;
  /** Why the target cannot carry traffic (route state blackhole, NAT gateway deleted, gateway detached). */
  targetProblem?: string;
}

export type ServiceName = "ecr-api" | "ecr-dkr" | "s3" | "logs" | "secretsmanager" | "ssm" | "kms" | "registry";

/** One endpoint the task needs to reach at start. */
export interface Destination {
  service: ServiceName;
  /** The host name the request goes to. */
  host: string;
  region: string;
  /** Why the task needs it ("image web:1.4.2", "awslogs log driver"). */
  why: string;
  /** The VPC endpoint service name that can serve it, if any. */
  endpointServiceName?: string;
  /** True for the destination a message names as the one that failed. */
  failed?: boolean;
  /** The IP address the message says the request tried. */
  ip?: string;
  /** ecr-dkr: the repository ARNs pulled through it (for endpoint policies). */
  resources?: string[];
}

export type FilterKind = "security-group-egress" | "network-acl" | "endpoint-security-group" | "endpoint-policy" | "mount-target-security-group";

/**
 * One packet filter (or endpoint policy) on a destination's path, judged once
 * by the collector (src/analysis/filters.ts): `allow`, `deny`, `partial` (some
 * addresses or ports pass), `indeterminate` (depends on which public address the
 * registry has), `unknown` (the filter could not be read).
 */
export interface FilterCheck {
  kind: FilterKind;
  verdict: "allow" | "deny" | "partial" | "indeterminate" | "unknown";
  /** The resource that decides: the network ACL, the endpoint, the first security group. */
  resource: string;
  /** Every group evaluated (security groups), or the ACL's subnet. */
  groupIds?: string[];
  subnetId?: string;
  /** Network ACLs: which way the packets go through the ACL, and whose subnet it is. */
  direction?: "egress" | "ingress";
  hop?: "task-subnet" | "nat-subnet" | "endpoint-subnet" | "mount-target-subnet";
  /** The TCP ports of the packets judged. */
  ports?: [number, number];
  /** The other end, as CIDRs for a fix (absent: any internet address), and as text. */
  peerCidrs?: string[];
  peerPrefixListId?: string;
  peerGroupId?: string;
  peer: string;
  /** What was seen, with the field and value, for the evidence. */
  fact: string;
  /** Network ACLs: the rule that denies, and a free rule number below it for an allow. */
  denyingRule?: number;
  freeRuleNumber?: number;
  /** Endpoint policies: the actions and resource judged. */
  actions?: string[];
  /** Why the filter could not be read. */
  unknown?: Unknown;
}

/** How one destination is reached from the pull's subnet. */
export interface DestinationPath {
  destination: Destination;
  via: "interface-endpoint" | "gateway-endpoint" | "internet";
  /** The endpoint that serves it (interface or gateway), when via an endpoint. */
  endpoint?: VpcEndpoint;
  /** The route the request takes when it goes over the internet path. */
  route?: RouteMatch;
  /** IPv6 in an IPv6-only subnet, else IPv4. */
  family: "ipv4" | "ipv6";
  /** Why an endpoint that serves this destination is not used. */
  endpointProblem?: "private-dns-disabled" | "vpc-dns-disabled" | "not-available" | "not-on-route-table" | "other-region";
  /** When the route goes to a NAT gateway: the gateway and its own subnet's route out. */
  nat?: NatGatewayPath;
  /** The first route of the path whose target this account's APIs cannot see past. */
  opaque?: RouteMatch;
  /**
   * The VPC's endpoints could not be read, and one could serve this destination: the path
   * shown is the route table's, which the request takes only if no endpoint does. Absent when
   * the endpoints were read, or when the message's public address proves the request took the route.
   */
  endpointsUnknown?: Unknown;
  /** Security groups, network ACLs and endpoint policies on the path, judged once. */
  filters: FilterCheck[];
}

export interface NatGatewayPath {
  natGateway: NatGateway | null;
  /** The NAT gateway's own subnet's route toward the internet. */
  route?: RouteMatch;
  routeTableId?: string;
  /** The route table of the NAT gateway's subnet (its explicit association, else the main table). */
  routeTable?: RouteTable;
}

export interface NetworkEvidence {
  origin: Fact<PullOrigin | null>;
  subnet: Fact<Subnet | null>;
  vpc: Fact<Vpc | null>;
  vpcAttributes: Fact<VpcAttributes | null>;
  dhcpOptions: Fact<DhcpOptions | null>;
  routeTables: Fact<RouteTable[]>;
  internetGateways: Fact<InternetGateway[]>;
  egressOnlyInternetGateways: Fact<EgressOnlyInternetGateway[]>;
  natGateways: Fact<NatGateway[]>;
  vpcEndpoints: Fact<VpcEndpoint[]>;
  /** The pull origin's groups and the endpoints' groups. */
  securityGroups: Fact<SecurityGroup[]>;
  networkAcl: Fact<NetworkAcl | null>;
  prefixLists: Fact<ManagedPrefixList[]>;
  networkInterface: Fact<NetworkInterface | null>;
  // Derived once by the collectors:
  /** The route table that applies to the subnet: its explicit association, else the VPC's main table. */
  routeTable: Fact<{ table: RouteTable; main: boolean } | null>;
  /** What the subnet's route table does with an internet address. */
  internetRoute: Fact<RouteMatch | null>;
  /** The subnet has a route to an internet, NAT or transit gateway, peering or appliance. */
  hasEgressRoute: Fact<boolean>;
  /** Per needed destination: how it is reached. */
  destinations: Fact<DestinationPath[]>;
  /** When the internet route goes to a NAT gateway: that gateway and its own route out. */
  natPath: Fact<NatGatewayPath | null>;
  /** The VPC's NAT gateways that can carry a pull: available, public, and whose own subnet routes 0.0.0.0/0 to a working internet gateway. */
  workingNatGateways: Fact<NatGateway[]>;
  /** The VPC relies on endpoints (findings.md "Endpoints or routes"). */
  reliesOnEndpoints: Fact<boolean>;
  /** The subnets of the interface endpoints the pull uses (their CIDRs are the endpoints' addresses). */
  endpointSubnets: Fact<Subnet[]>;
  /** Network ACLs of the other subnets on the path: the NAT gateway's and the endpoints'. */
  otherNetworkAcls: Fact<NetworkAcl[]>;
  /** The VPC's DNS server answers (enableDnsSupport), and endpoints' private DNS names take effect (both attributes). */
  dns: Fact<{ support: boolean; hostnames: boolean; customServers: string[] | null }>;
}

export interface RoleEvidence {
  /** Which role pulls and why. */
  purpose: "execution-role" | "instance-role";
  arn: string;
  role: Fact<Role | null>;
  /** IAM's own simulation of the pull actions, when the live account allows it. */
  simulation: Fact<SimulationResult[]>;
}

export interface SecretReference {
  container: string;
  /** `secrets`, `secretOptions` or `repositoryCredentials`. */
  field: "secrets" | "secretOptions" | "repositoryCredentials";
  name?: string;
  valueFrom: string;
  store: "secretsmanager" | "ssm";
  /** The ARN or name to look up (JSON key and version suffixes removed). */
  lookupId: string;
  /** The ARN IAM sees for a permission check. */
  resourceArn: string;
  secret: Fact<SecretMetadata | ParameterMetadata | null>;
  /** The customer managed key it is encrypted with, and that key's policy; absent for an AWS managed key or none. */
  key?: KeyEvidence;
  /** Derived: whether the execution role may read it (and decrypt its customer managed key); absent without an execution role or metadata. */
  access?: Fact<PermissionAnswer[]>;
}

/** A customer managed KMS key a secret or parameter names, resolved and with its key policy. */
export interface KeyEvidence {
  /** As the secret or parameter names it: a key id, key ARN, alias name or alias ARN. */
  named: string;
  /** The key's ARN (an alias resolved through kms:ListAliases); null when the alias names no key. */
  arn: Fact<string | null>;
  /** The key policy named `default`; null when the key does not exist. */
  policy: Fact<KeyPolicy | null>;
}

/** A container's `awslogs` log configuration and the log group it names. */
export interface LogGroupReference {
  container: string;
  /** `awslogs-group`. */
  logGroupName: string;
  /** `awslogs-region`, else the task's region (on EC2 the default is the instance's region, which is the task's). */
  region: string;
  /** Whether `awslogs-region` names the region. */
  regionSet: boolean;
  /** `awslogs-create-group` is "true": the driver creates the group, and needs logs:CreateLogGroup. */
  createGroup: boolean;
  /** The log group ARN as IAM policies name it (`...:log-group:NAME:*`). */
  groupArn: string;
  /** The ARN of the log stream the driver writes, as IAM evaluates CreateLogStream and PutLogEvents. */
  streamArn: string;
  /** The log group in `region`; null when it does not exist there. */
  logGroup: Fact<LogGroup | null>;
  /** The role that writes the logs: the execution role, else (EC2) the container instance's role; null when none does. */
  writer: { purpose: "execution-role" | "instance-role"; arn: string } | null;
  /** Derived: what the writer may do (logs:CreateLogStream, logs:PutLogEvents, and logs:CreateLogGroup with createGroup). */
  access?: Fact<PermissionAnswer[]>;
}

export interface Evidence {
  region: string;
  accountId: string;
  source: "live" | "snapshot";
  /**
   * "diagnose": a task that failed. "preflight": a task synthesised from a task
   * definition and network configuration, before anything ran; its scope is
   * "pull" and it has no failure message.
   */
  mode: "diagnose" | "preflight";
  task: Task;
  clusterArn: string;
  launchType: "FARGATE" | "EC2" | "EXTERNAL";
  taskDefinition: Fact<TaskDefinition | null>;
  /** The service that started the task (from its group), null when none did. */
  service: Fact<Service | null>;
  containerInstance: Fact<ContainerInstance | null>;
  instance: Fact<Instance | null>;
  instanceProfile: Fact<InstanceProfile | null>;
  /** Whether the task's failure is in scope: a pull, an initialisation, an assume-role failure, another start-up step. */
  scope: "pull" | "init" | "assume-role" | "start" | "none";
  failures: ContainerFailure[];
  images: ImageEvidence[];
  network: NetworkEvidence;
  /** The execution role the task definition (or an override) names; null when it names none. */
  executionRoleArn: string | null;
  /** The role that pulls: the execution role, or the instance role on EC2 without one. */
  pullRole: RoleEvidence | null;
  executionRole: Fact<Role | null>;
  secrets: SecretReference[];
  /**
   * The subnet the task's network interface is created in (awsvpc): the one a message names, else the task's
   * ENI attachment's, with its free addresses as read now. Null when the task has no interface of its own.
   */
  interfaceSubnet: {
    subnetId: string;
    from: "message" | "attachment";
    subnet: Fact<Subnet | null>;
    /** The task's attachment names an interface: ECS did create one, so this task did not lack an address. */
    interfaceCreated: boolean;
  } | null;
  /** Every container's awslogs log configuration; read when the task could have failed at start (or in a preflight). */
  logs: LogGroupReference[];
  /** The task's ephemeral storage in GiB (task, else task definition, else 20). */
  ephemeralStorageGiB: number;
  // Derived once by the collectors (src/analysis/permissions.ts, platform.ts):
  /** The execution role's trust policy against ecs-tasks.amazonaws.com; null without an execution role that exists. */
  executionRoleTrust: Fact<TrustAnswer> | null;
  /** The role that pulls from ECR and what IAM lets it do; null when no role pulls from ECR. */
  pullPermissions: PullPermissions | null;
  /** The platform the task runs on (runtimePlatform on Fargate, the instance's architecture on EC2). */
  taskPlatform: Fact<TaskPlatform>;
  /** The task's EFS volumes (src/collect/efs.ts). */
  efs: EfsEvidence;
}
