import type {
  AccessPointDescription, AliasListEntry, ContainerInstance, FileSystemDescription, FileSystemPolicy, KeyMetadata, KeyPolicy, LogGroup,
  MountTargetDescription, MountTargetSecurityGroups, DhcpOptions, EgressOnlyInternetGateway, Image, ImageDetail, Instance, InstanceProfile,
  InternetGateway, ManagedPrefixList, NatGateway, NetworkAcl, NetworkInterface, ParameterMetadata,
  PullThroughCacheRule, Repository, RepositoryPolicy, Role, RouteTable, SecretMetadata, SecurityGroup, Service,
  Subnet, Task, TaskDefinition, Vpc, VpcAttributes, VpcEndpoint,
} from "../model/aws.js";
import type { Fact } from "../model/fact.js";

/** An ECR image id: a tag or a digest. */
export interface ImageId { imageTag?: string; imageDigest?: string }

export interface SimulationResult {
  action: string;
  resource: string;
  /** `allowed`, `explicitDeny` or `implicitDeny`, as IAM reports it. */
  decision: string;
  /** Condition keys IAM needed and was not given. */
  missingContextValues: string[];
  /**
   * The policies whose statements decided (MatchedStatements): `sourcePolicyId` is a managed
   * policy's name, or `role_ROLE_POLICY` for an inline one; `sourcePolicyType` e.g. `role`, `aws-managed`.
   */
  matchedStatements?: { sourcePolicyId: string; sourcePolicyType?: string }[];
  /** PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary: false when the boundary does not allow it. */
  allowedByBoundary?: boolean;
  /** OrganizationsDecisionDetail.AllowedByOrganizations: false when a service control policy does not allow it. */
  allowedByOrganizations?: boolean;
}

/**
 * Where the evidence comes from: a live AWS account or a snapshot file.
 * Every method is one AWS call (or, for roles, the few calls that join a role
 * with its policies), never throws, and answers a Fact: a resource that does
 * not exist is a known empty list or null, a call that could not be made is
 * unknown with its call and permission.
 */
export interface Source {
  readonly kind: "live" | "snapshot";
  readonly region: string;
  /** The account the source reads; undefined when not yet known (live, before STS). */
  accountId(): Promise<string | undefined>;

  describeTasks(cluster: string | undefined, tasks: string[]): Promise<Fact<Task[]>>;
  /** Stopped tasks of a cluster, newest first (ListTasks desiredStatus STOPPED, then DescribeTasks). */
  listStoppedTasks(cluster: string, serviceName?: string): Promise<Fact<Task[]>>;
  describeTaskDefinition(taskDefinitionArn: string): Promise<Fact<TaskDefinition | null>>;
  describeServices(cluster: string, services: string[]): Promise<Fact<Service[]>>;
  describeContainerInstances(cluster: string, containerInstanceArns: string[]): Promise<Fact<ContainerInstance[]>>;

  describeSubnets(subnetIds: string[]): Promise<Fact<Subnet[]>>;
  describeVpcs(vpcIds: string[]): Promise<Fact<Vpc[]>>;
  describeVpcAttributes(vpcId: string): Promise<Fact<VpcAttributes | null>>;
  describeDhcpOptions(dhcpOptionsIds: string[]): Promise<Fact<DhcpOptions[]>>;
  /** Every route table of the VPC. */
  describeRouteTables(vpcId: string): Promise<Fact<RouteTable[]>>;
  /** Internet gateways attached to the VPC. */
  describeInternetGateways(vpcId: string): Promise<Fact<InternetGateway[]>>;
  describeEgressOnlyInternetGateways(ids: string[]): Promise<Fact<EgressOnlyInternetGateway[]>>;
  /** NAT gateways of the VPC. */
  describeNatGateways(vpcId: string): Promise<Fact<NatGateway[]>>;
  /** VPC endpoints of the VPC. */
  describeVpcEndpoints(vpcId: string): Promise<Fact<VpcEndpoint[]>>;
  describeSecurityGroups(groupIds: string[]): Promise<Fact<SecurityGroup[]>>;
  /** The network ACL associated with the subnet. */
  describeNetworkAcls(subnetId: string): Promise<Fact<NetworkAcl[]>>;
  describeNetworkInterfaces(ids: string[]): Promise<Fact<NetworkInterface[]>>;
  describeInstances(ids: string[]): Promise<Fact<Instance[]>>;
  /** Managed prefix lists joined with their entries. */
  describeManagedPrefixLists(ids: string[]): Promise<Fact<ManagedPrefixList[]>>;

  // ECR, Secrets Manager and SSM calls take the region the resource is in (an
  // image reference's registry host, a secret's or parameter's ARN); omitted, the source's own.
  describeRepositories(registryId: string, names: string[], region?: string): Promise<Fact<Repository[]>>;
  /** Image details of the given ids (empty when none exists), or of the whole repository when `imageIds` is omitted. */
  describeImages(registryId: string, repositoryName: string, imageIds?: ImageId[], region?: string): Promise<Fact<ImageDetail[]>>;
  batchGetImage(registryId: string, repositoryName: string, imageIds: ImageId[], region?: string): Promise<Fact<Image[]>>;
  getRepositoryPolicy(registryId: string, repositoryName: string, region?: string): Promise<Fact<RepositoryPolicy | null>>;
  describePullThroughCacheRules(registryId: string, region?: string): Promise<Fact<PullThroughCacheRule[]>>;

  /** A role with its trust policy, boundary and policy documents joined in (snapshot `iam.Roles`). */
  getRole(roleName: string): Promise<Fact<Role | null>>;
  getInstanceProfile(instanceProfileName: string): Promise<Fact<InstanceProfile | null>>;
  /** IAM's own evaluation of the role's identity policies and boundary. */
  simulatePrincipalPolicy(roleArn: string, actions: string[], resources: string[]): Promise<Fact<SimulationResult[]>>;

  // CloudWatch Logs and KMS take the region too: a log group is in its awslogs-region, a key in its secret's.
  /** Log groups whose names start with `prefix` (DescribeLogGroups logGroupNamePrefix); empty when none exists. */
  describeLogGroups(prefix: string, region?: string): Promise<Fact<LogGroup[]>>;
  /** The key's policy named `default` (GetKeyPolicy); `keyId` a key id or key ARN, never an alias. */
  getKeyPolicy(keyId: string, region?: string): Promise<Fact<KeyPolicy | null>>;
  /** The key's metadata (DescribeKey); `keyId` may be an alias, which it resolves. Null when no such key. */
  describeKey(keyId: string, region?: string): Promise<Fact<KeyMetadata | null>>;
  /** Every alias of the region (ListAliases): joins an alias a secret names to its key. */
  listAliases(region?: string): Promise<Fact<AliasListEntry[]>>;

  /** Secret metadata (DescribeSecret); never the value. */
  describeSecret(secretId: string, region?: string): Promise<Fact<SecretMetadata | null>>;
  /**
   * Parameter metadata (DescribeParameters); never the value. Every name is in `region`. `shared`:
   * the names are other accounts' parameter ARNs, which DescribeParameters lists only with its Shared option.
   */
  describeParameters(names: string[], region?: string, options?: { shared?: boolean }): Promise<Fact<ParameterMetadata[]>>;

  // ---------- EFS: the file systems the task's volumes name, in the source's region ----------
  /** The file systems of these ids; one that does not exist is left out (FileSystemNotFound). */
  describeFileSystems(fileSystemIds: string[]): Promise<Fact<FileSystemDescription[]>>;
  /** Every mount target of the file system; none when it does not exist. */
  describeMountTargets(fileSystemId: string): Promise<Fact<MountTargetDescription[]>>;
  /** The security groups of each mount target; one that does not exist is left out. */
  describeMountTargetSecurityGroups(mountTargetIds: string[]): Promise<Fact<MountTargetSecurityGroups[]>>;
  /** The access points of these ids; one that does not exist is left out (AccessPointNotFound). */
  describeAccessPoints(accessPointIds: string[]): Promise<Fact<AccessPointDescription[]>>;
  /** The file system's policy; null when it has none (PolicyNotFound) or does not exist. */
  describeFileSystemPolicy(fileSystemId: string): Promise<Fact<FileSystemPolicy | null>>;
  /**
   * Every security group of the VPC (DescribeSecurityGroups by vpc-id): read beside the mount
   * targets, so that their groups' rules are in hand one round before their ids are.
   */
  describeVpcSecurityGroups(vpcId: string): Promise<Fact<SecurityGroup[]>>;
}
