// The shape of an ecs-doctor-snapshot/1 file, as far as ecs-doctor reads it.
// Validation returns the first problem with its JSON path, so a bad snapshot is
// one clear line, never a crash deep inside a check.
//
// Misspelt keys (docs/snapshot-format.md, "Misspelt keys"): every top-level key
// and collection name is defined, so any other is refused with the nearest one.
// Inside AWS's items, unknown fields are kept and ignored, so only a near miss of
// a field ecs-doctor reads, where that field is absent, is refused.

import leven, { closestMatch } from "leven";

type Leaf = "string" | "number" | "boolean" | "any" | "stringOrDate" | "statements";
type Shape = Leaf | { array: Shape } | { object: Record<string, Shape> } | { record: Leaf };

const str: Shape = "string";
const bool: Shape = "boolean";
const num: Shape = "number";
const date: Shape = "stringOrDate";
const arr = (s: Shape): Shape => ({ array: s });
const obj = (fields: Record<string, Shape>): Shape => ({ object: fields });
const strings = arr(str);

// A policy statement, or a list of them: objects, never null (the IAM evaluator reads their fields).
const document = obj({ Version: str, Statement: "statements" });
const kv = obj({ name: str, value: str });
const secret = obj({ name: str, valueFrom: str });
const ipPermission = obj({
  IpProtocol: str,
  FromPort: num,
  ToPort: num,
  IpRanges: arr(obj({ CidrIp: str })),
  Ipv6Ranges: arr(obj({ CidrIpv6: str })),
  PrefixListIds: arr(obj({ PrefixListId: str })),
  UserIdGroupPairs: arr(obj({ GroupId: str })),
});
const groupRef = obj({ GroupId: str, GroupName: str });

const collections: Record<string, Record<string, Shape>> = {
  ecs: {
    tasks: obj({
      taskArn: str, clusterArn: str, taskDefinitionArn: str, containerInstanceArn: str, group: str, launchType: str,
      platformVersion: str, lastStatus: str, desiredStatus: str, stopCode: str, stoppedReason: str, stoppedAt: date,
      attachments: arr(obj({ type: str, status: str, details: arr(kv) })),
      containers: arr(obj({ name: str, image: str, imageDigest: str, lastStatus: str, reason: str })),
      overrides: obj({ executionRoleArn: str }),
      ephemeralStorage: obj({ sizeInGiB: num }),
    }),
    taskDefinitions: obj({
      taskDefinitionArn: str, family: str, revision: num, networkMode: str, requiresCompatibilities: strings,
      executionRoleArn: str, taskRoleArn: str,
      containerDefinitions: arr(obj({
        name: str, image: str, essential: bool, versionConsistency: str,
        repositoryCredentials: obj({ credentialsParameter: str }),
        secrets: arr(secret),
        logConfiguration: obj({ logDriver: str, options: { record: "string" }, secretOptions: arr(secret) }),
        mountPoints: arr(obj({ sourceVolume: str, containerPath: str, readOnly: bool })),
      })),
      volumes: arr(obj({
        name: str,
        efsVolumeConfiguration: obj({
          fileSystemId: str, rootDirectory: str, transitEncryption: str, transitEncryptionPort: num,
          authorizationConfig: obj({ accessPointId: str, iam: str }),
        }),
      })),
      runtimePlatform: obj({ cpuArchitecture: str, operatingSystemFamily: str }),
      ephemeralStorage: obj({ sizeInGiB: num }),
    }),
    containerInstances: obj({ containerInstanceArn: str, ec2InstanceId: str, attributes: arr(kv) }),
    services: obj({
      serviceName: str, serviceArn: str, clusterArn: str,
      networkConfiguration: obj({ awsvpcConfiguration: obj({ subnets: strings, securityGroups: strings, assignPublicIp: str }) }),
      deployments: arr(obj({ id: str, status: str, taskDefinition: str, createdAt: date, updatedAt: date, rolloutState: str })),
    }),
  },
  ec2: {
    Vpcs: obj({
      VpcId: str, CidrBlock: str, DhcpOptionsId: str,
      CidrBlockAssociationSet: arr(obj({ CidrBlock: str })), Ipv6CidrBlockAssociationSet: arr(obj({ Ipv6CidrBlock: str })),
    }),
    VpcAttributes: obj({ VpcId: str, EnableDnsSupport: bool, EnableDnsHostnames: bool }),
    DhcpOptions: obj({ DhcpOptionsId: str, DhcpConfigurations: arr(obj({ Key: str, Values: arr(obj({ Value: str })) })) }),
    Subnets: obj({
      SubnetId: str, VpcId: str, CidrBlock: str, AvailabilityZone: str, AvailableIpAddressCount: num, MapPublicIpOnLaunch: bool, Ipv6Native: bool, Ipv6CidrBlockAssociationSet: arr(obj({ Ipv6CidrBlock: str })),
    }),
    RouteTables: obj({
      RouteTableId: str, VpcId: str,
      Associations: arr(obj({ Main: bool, RouteTableId: str, SubnetId: str, GatewayId: str })),
      Routes: arr(obj({
        DestinationCidrBlock: str, DestinationIpv6CidrBlock: str, DestinationPrefixListId: str, GatewayId: str,
        NatGatewayId: str, TransitGatewayId: str, VpcPeeringConnectionId: str, NetworkInterfaceId: str, InstanceId: str,
        EgressOnlyInternetGatewayId: str, VpcEndpointId: str, State: str,
      })),
    }),
    InternetGateways: obj({ InternetGatewayId: str, Attachments: arr(obj({ VpcId: str, State: str })) }),
    EgressOnlyInternetGateways: obj({ EgressOnlyInternetGatewayId: str, Attachments: arr(obj({ VpcId: str, State: str })) }),
    NatGateways: obj({
      NatGatewayId: str, VpcId: str, SubnetId: str, State: str, ConnectivityType: str,
      NatGatewayAddresses: arr(obj({ PublicIp: str, PrivateIp: str, AllocationId: str })),
    }),
    VpcEndpoints: obj({
      VpcEndpointId: str, VpcEndpointType: str, VpcId: str, ServiceName: str, State: str, PolicyDocument: str,
      RouteTableIds: strings, SubnetIds: strings, Groups: arr(groupRef), PrivateDnsEnabled: bool,
      DnsOptions: obj({ PrivateDnsOnlyForInboundResolverEndpoint: bool, DnsRecordIpType: str }),
    }),
    SecurityGroups: obj({ GroupId: str, GroupName: str, VpcId: str, IpPermissions: arr(ipPermission), IpPermissionsEgress: arr(ipPermission) }),
    NetworkAcls: obj({
      NetworkAclId: str, VpcId: str, IsDefault: bool,
      Associations: arr(obj({ SubnetId: str, NetworkAclId: str })),
      Entries: arr(obj({ RuleNumber: num, Protocol: str, RuleAction: str, Egress: bool, CidrBlock: str, Ipv6CidrBlock: str, PortRange: obj({ From: num, To: num }) })),
    }),
    NetworkInterfaces: obj({ NetworkInterfaceId: str, SubnetId: str, VpcId: str, Status: str, PrivateIpAddress: str, Groups: arr(groupRef), Association: obj({ PublicIp: str }) }),
    Instances: obj({
      InstanceId: str, SubnetId: str, VpcId: str, PublicIpAddress: str, PrivateIpAddress: str, Architecture: str, Platform: str, PlatformDetails: str,
      IamInstanceProfile: obj({ Arn: str }), SecurityGroups: arr(groupRef),
      NetworkInterfaces: arr(obj({ NetworkInterfaceId: str, SubnetId: str, Groups: arr(groupRef), Attachment: obj({ DeviceIndex: num }) })),
      BlockDeviceMappings: arr(obj({ DeviceName: str, Ebs: obj({ VolumeId: str }) })),
    }),
    ManagedPrefixLists: obj({ PrefixListId: str, PrefixListName: str, Entries: arr(obj({ Cidr: str })) }),
  },
  ecr: {
    repositories: obj({ repositoryName: str, registryId: str, repositoryArn: str, repositoryUri: str }),
    imageDetails: obj({ registryId: str, repositoryName: str, imageDigest: str, imageTags: strings, imagePushedAt: date, imageSizeInBytes: num }),
    images: obj({ registryId: str, repositoryName: str, imageId: obj({ imageDigest: str, imageTag: str }), imageManifest: str, imageManifestMediaType: str }),
    repositoryPolicies: obj({ registryId: str, repositoryName: str, policyText: str }),
    pullThroughCacheRules: obj({ ecrRepositoryPrefix: str, upstreamRegistryUrl: str, registryId: str, credentialArn: str }),
  },
  iam: {
    Roles: obj({
      RoleName: str, Arn: str, AssumeRolePolicyDocument: document,
      PermissionsBoundary: obj({ PermissionsBoundaryArn: str, Document: document }),
      AttachedPolicies: arr(obj({ PolicyName: str, PolicyArn: str, Document: document })),
      InlinePolicies: arr(obj({ PolicyName: str, Document: document })),
    }),
    InstanceProfiles: obj({ InstanceProfileName: str, Arn: str, Roles: arr(obj({ RoleName: str, Arn: str })) }),
  },
  secretsmanager: { secrets: obj({ ARN: str, Name: str, KmsKeyId: str, DeletedDate: date }) },
  ssm: { Parameters: obj({ Name: str, ARN: str, Type: str, KeyId: str }) },
  logs: { logGroups: obj({ logGroupName: str, arn: str, kmsKeyId: str }) },
  kms: {
    KeyPolicies: obj({ KeyId: str, Policy: str }),
    Keys: obj({ KeyId: str, Arn: str, KeyManager: str, KeyState: str, Enabled: bool }),
    Aliases: obj({ AliasName: str, AliasArn: str, TargetKeyId: str }),
  },
  efs: {
    FileSystems: obj({ FileSystemId: str, FileSystemArn: str, OwnerId: str, Name: str, LifeCycleState: str, Encrypted: bool, NumberOfMountTargets: num }),
    MountTargets: obj({
      MountTargetId: str, FileSystemId: str, SubnetId: str, AvailabilityZoneName: str, AvailabilityZoneId: str, LifeCycleState: str,
      IpAddress: str, NetworkInterfaceId: str, VpcId: str, OwnerId: str,
    }),
    MountTargetSecurityGroups: obj({ MountTargetId: str, SecurityGroups: strings }),
    AccessPoints: obj({ AccessPointId: str, AccessPointArn: str, FileSystemId: str, Name: str, LifeCycleState: str, RootDirectory: obj({ Path: str }) }),
    FileSystemPolicies: obj({ FileSystemId: str, Policy: str }),
  },
};

const TOP_LEVEL = ["format", "region", "accountId", "capturedAt", "description", ...Object.keys(collections), "errors"];

/** The defined key `key` most likely meant, for a key the format does not define. */
function meant(key: string, keys: string[]): string {
  const near = closestMatch(key, keys, { maxDistance: Math.max(2, Math.floor(key.length / 3)) }) ?? keys.find((k) => k.toLowerCase() === key.toLowerCase());
  return near ? `did you mean ${near}?` : `the keys are ${keys.join(", ")}`;
}

/**
 * A field of an AWS item that is a near miss of a field ecs-doctor reads, and
 * so a typo rather than one of the many fields AWS has that ecs-doctor does not
 * read: at most 2 edits away (1 for names of 5 letters or fewer), the field it
 * misses absent, and not that field with more letters before or after it (AWS's
 * `AvailabilityZoneId` beside `AvailabilityZone`).
 */
function nearMiss(key: string, item: Record<string, unknown>, fields: string[]): string | undefined {
  for (const field of fields) {
    if (item[field] !== undefined && item[field] !== null) continue;
    if (field.includes(key) || key.includes(field)) continue;
    const max = field.length <= 5 ? 1 : 2;
    if (leven(key, field, { maxDistance: max + 1 }) <= max || key.toLowerCase() === field.toLowerCase()) return field;
  }
  return undefined;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

function check(value: unknown, shape: Shape, path: string): string | undefined {
  if (typeof shape === "string") {
    if (shape === "any") return undefined;
    if (shape === "stringOrDate") {
      // A date every reader can print: a string Date.parse reads, or epoch milliseconds.
      const valid = typeof value === "string" ? !Number.isNaN(Date.parse(value)) : typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= 8.64e15;
      return valid ? undefined : `${path} should be a date such as "2026-11-24T10:00:00Z", not ${typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : typeName(value)}`;
    }
    if (shape === "statements") {
      const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
      if (isObject(value)) return undefined;
      if (!Array.isArray(value)) return `${path} should be a statement object or a list of them, not ${typeName(value)}`;
      const bad = value.findIndex((v) => !isObject(v));
      return bad < 0 ? undefined : `${path}[${bad}] should be a statement object, not ${typeName(value[bad])}`;
    }
    return typeof value === shape ? undefined : `${path} should be a ${shape}, not ${typeName(value)}`;
  }
  if ("array" in shape) {
    if (!Array.isArray(value)) return `${path} should be an array, not ${typeName(value)}`;
    for (let i = 0; i < value.length; i++) {
      const p = check(value[i], shape.array, `${path}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `${path} should be an object, not ${typeName(value)}`;
  const rec = value as Record<string, unknown>;
  if ("record" in shape) {
    for (const [k, v] of Object.entries(rec)) {
      const p = check(v, shape.record, `${path}.${k}`);
      if (p) return p;
    }
    return undefined;
  }
  for (const [k, s] of Object.entries(shape.object)) {
    // A field that is absent (or null, as some tools print unset fields) is left out.
    if (rec[k] === undefined || rec[k] === null) continue;
    const p = check(rec[k], s, `${path}.${k}`);
    if (p) return p;
  }
  const fields = Object.keys(shape.object);
  for (const k of Object.keys(rec)) {
    if (k in shape.object) continue;
    const field = nearMiss(k, rec, fields);
    if (field) return `${path}.${k} is not a field ecs-doctor reads: did you mean ${field}?`;
  }
  return undefined;
}

/** The first problem in a snapshot, with its JSON path; undefined when it is valid. */
export function validateSnapshot(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return `the top level should be an object, not ${typeName(data)}`;
  const d = data as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (!TOP_LEVEL.includes(k)) return `$.${k} is not a key of ecs-doctor-snapshot/1: ${meant(k, TOP_LEVEL)}`;
  }
  if (d.format !== "ecs-doctor-snapshot/1") return `$.format should be "ecs-doctor-snapshot/1", not ${JSON.stringify(d.format) ?? "absent"}`;
  if (typeof d.region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(d.region)) return `$.region should be a region name such as "us-east-1", not ${JSON.stringify(d.region) ?? "absent"}`;
  if (typeof d.accountId !== "string") return `$.accountId should be a string, not ${typeName(d.accountId)}`;
  for (const k of ["capturedAt", "description"]) {
    if (d[k] !== undefined && typeof d[k] !== "string") return `$.${k} should be a string, not ${typeName(d[k])}`;
  }
  for (const [service, fields] of Object.entries(collections)) {
    const s = d[service];
    if (s === undefined || s === null) continue;
    if (typeof s !== "object" || Array.isArray(s)) return `$.${service} should be an object, not ${typeName(s)}`;
    for (const k of Object.keys(s)) {
      if (!(k in fields)) return `$.${service}.${k} is not a collection of ecs-doctor-snapshot/1: ${meant(k, Object.keys(fields))}`;
    }
    for (const [key, item] of Object.entries(fields)) {
      const c = (s as Record<string, unknown>)[key];
      if (c === undefined || c === null) continue;
      const p = check(c, arr(item), `$.${service}.${key}`);
      if (p) return p;
    }
  }
  if (d.errors !== undefined) {
    const p = check(d.errors, arr(obj({ call: str, code: str, message: str, resource: str })), "$.errors");
    if (p) return p;
    const missing = (d.errors as Record<string, unknown>[]).findIndex((e) => typeof e.call !== "string");
    if (missing >= 0) return `$.errors[${missing}].call should be a string such as "ec2:DescribeVpcEndpoints"`;
  }
  return undefined;
}

/**
 * The snapshot with every null-valued field left out: validation reads a null
 * field as absent (as some tools print unset fields), and so must every reader.
 */
export function withoutNullFields<T>(data: T): T {
  if (Array.isArray(data)) return data.map((x) => withoutNullFields(x)) as T;
  if (data === null || typeof data !== "object") return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (v !== null) out[k] = withoutNullFields(v);
  return out as T;
}

/** The collections and the item fields ecs-doctor reads: scripts/snapshot-json-schema.ts writes the published JSON Schema from them. */
export { collections as SNAPSHOT_COLLECTIONS };
export type { Leaf as SnapshotLeaf, Shape as SnapshotShape };
