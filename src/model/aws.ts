// The AWS resource shapes ecs-doctor reads, as the APIs return them (and as a
// snapshot stores them). Only the fields a check reads are declared; every one
// is optional because AWS omits what is unset. Kept free of @aws-sdk imports so
// that diagnostics never depend on the SDK.

export type Tag = { Key?: string; Value?: string };

// ---------- ECS (camelCase) ----------
export interface KeyValuePair { name?: string; value?: string }
export interface Attachment { id?: string; type?: string; status?: string; details?: KeyValuePair[] }
export interface Container {
  name?: string;
  image?: string;
  imageDigest?: string;
  lastStatus?: string;
  reason?: string;
  exitCode?: number;
  runtimeId?: string;
}
export interface Task {
  taskArn?: string;
  clusterArn?: string;
  taskDefinitionArn?: string;
  containerInstanceArn?: string;
  group?: string;
  launchType?: string;
  capacityProviderName?: string;
  platformVersion?: string;
  platformFamily?: string;
  lastStatus?: string;
  desiredStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: string | Date;
  createdAt?: string | Date;
  startedBy?: string;
  attachments?: Attachment[];
  containers?: Container[];
  overrides?: { executionRoleArn?: string; taskRoleArn?: string; containerOverrides?: unknown[] };
  ephemeralStorage?: { sizeInGiB?: number };
  cpu?: string;
  memory?: string;
}
export interface Secret { name?: string; valueFrom?: string }
export interface LogConfiguration { logDriver?: string; options?: Record<string, string>; secretOptions?: Secret[] }
export interface ContainerDefinition {
  name?: string;
  image?: string;
  essential?: boolean;
  repositoryCredentials?: { credentialsParameter?: string };
  secrets?: Secret[];
  logConfiguration?: LogConfiguration;
  environmentFiles?: { value?: string; type?: string }[];
  /** `disabled`: ECS does not pin the tag to a digest at deployment (findings.md "Pinned digests"). */
  versionConsistency?: string;
  mountPoints?: MountPoint[];
}
export interface MountPoint { sourceVolume?: string; containerPath?: string; readOnly?: boolean }
export interface EfsVolumeConfiguration {
  fileSystemId?: string;
  rootDirectory?: string;
  /** `ENABLED` or `DISABLED` (the default). */
  transitEncryption?: string;
  transitEncryptionPort?: number;
  authorizationConfig?: { accessPointId?: string; iam?: string };
}
export interface Volume { name?: string; efsVolumeConfiguration?: EfsVolumeConfiguration }
export interface TaskDefinition {
  taskDefinitionArn?: string;
  family?: string;
  revision?: number;
  networkMode?: string;
  requiresCompatibilities?: string[];
  executionRoleArn?: string;
  taskRoleArn?: string;
  containerDefinitions?: ContainerDefinition[];
  runtimePlatform?: { cpuArchitecture?: string; operatingSystemFamily?: string };
  ephemeralStorage?: { sizeInGiB?: number };
  volumes?: Volume[];
}
export interface AwsVpcConfiguration { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string }
/** A service's deployment (DescribeServices `deployments`): the one under way, the one that failed, the previous one. */
export interface Deployment {
  id?: string;
  /** PRIMARY (the newest), ACTIVE (still running tasks), INACTIVE. */
  status?: string;
  taskDefinition?: string;
  createdAt?: string | Date;
  updatedAt?: string | Date;
  /** IN_PROGRESS, COMPLETED or FAILED (with the deployment circuit breaker). */
  rolloutState?: string;
}
export interface Service {
  serviceName?: string;
  serviceArn?: string;
  clusterArn?: string;
  taskDefinition?: string;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider?: string; weight?: number; base?: number }[];
  platformVersion?: string;
  networkConfiguration?: { awsvpcConfiguration?: AwsVpcConfiguration };
  deployments?: Deployment[];
}
export interface ContainerInstance {
  containerInstanceArn?: string;
  ec2InstanceId?: string;
  attributes?: { name?: string; value?: string }[];
  versionInfo?: { agentVersion?: string; dockerVersion?: string };
  remainingResources?: unknown[];
}

// ---------- EC2 (PascalCase) ----------
export interface Vpc { VpcId?: string; CidrBlock?: string; DhcpOptionsId?: string; Ipv6CidrBlockAssociationSet?: { Ipv6CidrBlock?: string }[]; CidrBlockAssociationSet?: { CidrBlock?: string }[] }
export interface VpcAttributes { VpcId?: string; EnableDnsSupport?: boolean; EnableDnsHostnames?: boolean }
export interface DhcpOptions {
  DhcpOptionsId?: string;
  DhcpConfigurations?: { Key?: string; Values?: { Value?: string }[] }[];
}
export interface Subnet {
  SubnetId?: string;
  VpcId?: string;
  CidrBlock?: string;
  AvailabilityZone?: string;
  MapPublicIpOnLaunch?: boolean;
  Ipv6Native?: boolean;
  AssignIpv6AddressOnCreation?: boolean;
  Ipv6CidrBlockAssociationSet?: { Ipv6CidrBlock?: string }[];
  /** Free IPv4 addresses when read: after a failure, not at the time of it. */
  AvailableIpAddressCount?: number;
}
export interface Route {
  DestinationCidrBlock?: string;
  DestinationIpv6CidrBlock?: string;
  DestinationPrefixListId?: string;
  GatewayId?: string;
  NatGatewayId?: string;
  TransitGatewayId?: string;
  VpcPeeringConnectionId?: string;
  NetworkInterfaceId?: string;
  InstanceId?: string;
  EgressOnlyInternetGatewayId?: string;
  CarrierGatewayId?: string;
  LocalGatewayId?: string;
  CoreNetworkArn?: string;
  VpcEndpointId?: string;
  State?: string;
  Origin?: string;
}
export interface RouteTableAssociation { Main?: boolean; RouteTableId?: string; SubnetId?: string; GatewayId?: string; RouteTableAssociationId?: string }
export interface RouteTable { RouteTableId?: string; VpcId?: string; Associations?: RouteTableAssociation[]; Routes?: Route[] }
export interface InternetGateway { InternetGatewayId?: string; Attachments?: { VpcId?: string; State?: string }[] }
export interface EgressOnlyInternetGateway { EgressOnlyInternetGatewayId?: string; Attachments?: { VpcId?: string; State?: string }[] }
export interface NatGateway {
  NatGatewayId?: string;
  VpcId?: string;
  SubnetId?: string;
  State?: string;
  ConnectivityType?: string;
  FailureCode?: string;
  FailureMessage?: string;
  NatGatewayAddresses?: { PublicIp?: string; PrivateIp?: string; AllocationId?: string }[];
}
export interface VpcEndpoint {
  VpcEndpointId?: string;
  VpcEndpointType?: string;
  VpcId?: string;
  ServiceName?: string;
  State?: string;
  PolicyDocument?: string;
  RouteTableIds?: string[];
  SubnetIds?: string[];
  Groups?: { GroupId?: string; GroupName?: string }[];
  PrivateDnsEnabled?: boolean;
  /** S3 interface endpoints: PrivateDnsOnlyForInboundResolverEndpoint true leaves requests from inside the VPC on S3's public names (the gateway endpoint). */
  DnsOptions?: { PrivateDnsOnlyForInboundResolverEndpoint?: boolean; DnsRecordIpType?: string };
  NetworkInterfaceIds?: string[];
  DnsEntries?: { DnsName?: string }[];
}
export interface IpRange { CidrIp?: string; Description?: string }
export interface Ipv6Range { CidrIpv6?: string }
export interface PrefixListId { PrefixListId?: string }
export interface UserIdGroupPair { GroupId?: string; UserId?: string; VpcId?: string }
export interface IpPermission {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: IpRange[];
  Ipv6Ranges?: Ipv6Range[];
  PrefixListIds?: PrefixListId[];
  UserIdGroupPairs?: UserIdGroupPair[];
}
export interface SecurityGroup {
  GroupId?: string;
  GroupName?: string;
  VpcId?: string;
  IpPermissions?: IpPermission[];
  IpPermissionsEgress?: IpPermission[];
}
export interface NetworkAclEntry {
  RuleNumber?: number;
  Protocol?: string;
  RuleAction?: string;
  Egress?: boolean;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  PortRange?: { From?: number; To?: number };
  IcmpTypeCode?: unknown;
}
export interface NetworkAcl {
  NetworkAclId?: string;
  VpcId?: string;
  IsDefault?: boolean;
  Associations?: { SubnetId?: string; NetworkAclId?: string; NetworkAclAssociationId?: string }[];
  Entries?: NetworkAclEntry[];
}
export interface NetworkInterface {
  NetworkInterfaceId?: string;
  SubnetId?: string;
  VpcId?: string;
  Status?: string;
  PrivateIpAddress?: string;
  Groups?: { GroupId?: string; GroupName?: string }[];
  Association?: { PublicIp?: string };
  Ipv6Addresses?: { Ipv6Address?: string }[];
}
export interface Instance {
  InstanceId?: string;
  SubnetId?: string;
  VpcId?: string;
  PrivateIpAddress?: string;
  PublicIpAddress?: string;
  Architecture?: string;
  /** `windows` for a Windows instance, else absent (blank). */
  Platform?: string;
  /** `Linux/UNIX`, `Windows`, `Windows with SQL Server Standard`, `Red Hat Enterprise Linux`… */
  PlatformDetails?: string;
  InstanceType?: string;
  ImageId?: string;
  IamInstanceProfile?: { Arn?: string; Id?: string };
  SecurityGroups?: { GroupId?: string; GroupName?: string }[];
  NetworkInterfaces?: (NetworkInterface & { Attachment?: { DeviceIndex?: number } })[];
  BlockDeviceMappings?: { DeviceName?: string; Ebs?: { VolumeId?: string } }[];
  RootDeviceName?: string;
}
export interface ManagedPrefixList { PrefixListId?: string; PrefixListName?: string; Entries?: { Cidr?: string }[] }

// ---------- ECR (camelCase) ----------
export interface Repository { repositoryName?: string; registryId?: string; repositoryArn?: string; repositoryUri?: string; imageTagMutability?: string }
export interface ImageDetail {
  registryId?: string;
  repositoryName?: string;
  imageDigest?: string;
  imageTags?: string[];
  imagePushedAt?: string | Date;
  imageManifestMediaType?: string;
  artifactMediaType?: string;
  imageSizeInBytes?: number;
}
export interface Image {
  registryId?: string;
  repositoryName?: string;
  imageId?: { imageDigest?: string; imageTag?: string };
  imageManifest?: string;
  imageManifestMediaType?: string;
}
export interface RepositoryPolicy { registryId?: string; repositoryName?: string; policyText?: string }
export interface PullThroughCacheRule { ecrRepositoryPrefix?: string; upstreamRegistryUrl?: string; registryId?: string; credentialArn?: string; upstreamRegistry?: string }

// ---------- IAM (PascalCase) ----------
export interface PolicyDocument { Version?: string; Statement?: PolicyStatement | PolicyStatement[]; Id?: string }
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
export interface AttachedPolicy { PolicyName?: string; PolicyArn?: string; Document?: PolicyDocument }
export interface InlinePolicy { PolicyName?: string; Document?: PolicyDocument }
export interface Role {
  RoleName?: string;
  RoleId?: string;
  Arn?: string;
  Path?: string;
  AssumeRolePolicyDocument?: PolicyDocument;
  PermissionsBoundary?: { PermissionsBoundaryArn?: string; PermissionsBoundaryType?: string; Document?: PolicyDocument };
  AttachedPolicies?: AttachedPolicy[];
  InlinePolicies?: InlinePolicy[];
}
export interface InstanceProfile { InstanceProfileName?: string; Arn?: string; Roles?: Role[] }

// ---------- CloudWatch Logs (camelCase), KMS (PascalCase) ----------
export interface LogGroup { logGroupName?: string; arn?: string; kmsKeyId?: string; creationTime?: number; logGroupClass?: string }
/** KMS GetKeyPolicy, with the key it belongs to (`KeyId` its ARN); `Policy` is the JSON string. */
export interface KeyPolicy { KeyId?: string; Policy?: string }
export interface KeyMetadata { KeyId?: string; Arn?: string; KeyManager?: string; KeyState?: string; Enabled?: boolean; AWSAccountId?: string }
export interface AliasListEntry { AliasName?: string; AliasArn?: string; TargetKeyId?: string }

// ---------- Secrets Manager, SSM ----------
export interface SecretMetadata { ARN?: string; Name?: string; KmsKeyId?: string; DeletedDate?: string | Date }
export interface ParameterMetadata { Name?: string; ARN?: string; Type?: string; KeyId?: string }

// ---------- EFS (PascalCase) ----------
export interface FileSystemDescription {
  FileSystemId?: string;
  FileSystemArn?: string;
  OwnerId?: string;
  Name?: string;
  /** `creating`, `available`, `updating`, `deleting`, `deleted`, `error`. */
  LifeCycleState?: string;
  Encrypted?: boolean;
  NumberOfMountTargets?: number;
  AvailabilityZoneName?: string;
}
export interface MountTargetDescription {
  MountTargetId?: string;
  FileSystemId?: string;
  SubnetId?: string;
  AvailabilityZoneName?: string;
  AvailabilityZoneId?: string;
  LifeCycleState?: string;
  IpAddress?: string;
  NetworkInterfaceId?: string;
  VpcId?: string;
  OwnerId?: string;
}
/** DescribeMountTargetSecurityGroups, one item per mount target (snapshot `efs.MountTargetSecurityGroups`). */
export interface MountTargetSecurityGroups { MountTargetId?: string; SecurityGroups?: string[] }
export interface AccessPointDescription {
  AccessPointId?: string;
  AccessPointArn?: string;
  FileSystemId?: string;
  Name?: string;
  LifeCycleState?: string;
  RootDirectory?: { Path?: string };
  PosixUser?: { Uid?: number; Gid?: number };
}
/** DescribeFileSystemPolicy: `Policy` is the JSON string; a file system without a policy has no item. */
export interface FileSystemPolicy { FileSystemId?: string; Policy?: string }
