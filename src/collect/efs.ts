// The EFS collector: for each EFS volume of the task definition, the file
// system, its access point, mount targets and policy, the mount target the
// task reaches with its security groups and network ACL, and the task role
// where the volume uses IAM authorization. Reads start as soon as the task
// definition names the file systems; the VPC's security groups are read
// beside the mount targets, so that the mount target's groups (known only a
// round later, from DescribeMountTargetSecurityGroups) need no round of their own.

import {
  accessPointArn as accessPointArnOf, efsAccess, efsFilters, efsVolumes, fileSystemArn as fileSystemArnOf, mountTargetIn,
} from "../analysis/efs.js";
import type {
  AccessPointDescription, FileSystemDescription, MountTargetDescription, NetworkAcl, Role, SecurityGroup, Subnet, Task, TaskDefinition,
} from "../model/aws.js";
import type { EfsEvidence, EfsVolumeEvidence } from "../model/efs.js";
import type { NetworkEvidence, PullOrigin } from "../model/evidence.js";
import { type Fact, factValue, known, mapFact, unknown } from "../model/fact.js";
import type { Source } from "../source/source.js";

export interface EfsInputs {
  task: Task;
  def: TaskDefinition | undefined;
  region: string;
  accountId: string;
  /** False when the task stopped for a reason no volume explains: nothing is read. */
  needed: boolean;
  /** The subnet the task runs in, as soon as it is read (round 2 on Fargate); undefined when it is known only with the network. */
  earlySubnet: Promise<Fact<Subnet | null> | undefined>;
  /** Where the task's traffic leaves from, known before the rest of the network. */
  origin: Promise<Fact<PullOrigin | null>>;
  network: Promise<NetworkEvidence>;
}

const roleNameOf = (arn: string) => arn.split("/").pop() ?? arn;

export async function collectEfs(source: Source, x: EfsInputs): Promise<EfsEvidence> {
  const specs = efsVolumes(x.def);
  const taskRoleArn = x.task.overrides?.taskRoleArn ?? x.def?.taskRoleArn ?? null;
  if (specs.length === 0) return { volumes: [], taskRoleArn, taskRole: known(null) };
  if (!x.needed) {
    const skipped = unknown("not-recorded", "elasticfilesystem:DescribeFileSystems", "not read: the task did not fail at start");
    return {
      volumes: specs.map((spec) => ({
        ...spec, fileSystemArn: fileSystemArnOf(x.region, x.accountId, spec.fileSystemId), fileSystem: skipped, accessPoint: skipped, mountTargets: skipped,
        policy: skipped, availabilityZone: skipped, mountTarget: skipped, mountTargetGroups: skipped, filters: skipped,
      })),
      taskRoleArn,
      taskRole: skipped,
    };
  }

  // Round 3 (the task definition named them): everything a file system id or access point id names.
  const fsIds = [...new Set(specs.map((s) => s.fileSystemId))];
  const apIds = [...new Set(specs.map((s) => s.accessPointId).filter((a): a is string => Boolean(a)))];
  const fileSystemsP = source.describeFileSystems(fsIds);
  const accessPointsP = apIds.length > 0 ? source.describeAccessPoints(apIds) : Promise.resolve(known<AccessPointDescription[]>([]));
  const perFs = new Map(fsIds.map((id) => [id, { mountTargets: source.describeMountTargets(id), policy: source.describeFileSystemPolicy(id) }]));
  const taskRoleP: Promise<Fact<Role | null>> = taskRoleArn && specs.some((s) => s.iam) ? source.getRole(roleNameOf(taskRoleArn)) : Promise.resolve(known(null));
  const subnetP = x.earlySubnet.then(async (early) => early ?? (await x.network).subnet);
  const vpcGroupsP = subnetP.then((s) => {
    const vpcId = factValue(s)?.VpcId;
    return vpcId ? source.describeVpcSecurityGroups(vpcId) : undefined;
  });

  // Round 4: the mount target the task reaches, its security groups and network ACL.
  const volumes = await Promise.all(specs.map(async (spec): Promise<EfsVolumeEvidence> => {
    const reads = perFs.get(spec.fileSystemId)!;
    const [fileSystems, accessPoints, mountTargets, policy, subnet] = await Promise.all([fileSystemsP, accessPointsP, reads.mountTargets, reads.policy, subnetP]);
    const fileSystem = mapFact(fileSystems, (list): FileSystemDescription | null => list.find((f) => f.FileSystemId === spec.fileSystemId) ?? null);
    const accessPoint = spec.accessPointId ? mapFact(accessPoints, (list) => list.find((a) => a.AccessPointId === spec.accessPointId) ?? null) : known(null);
    const availabilityZone = mapFact(subnet, (s) => s?.AvailabilityZone ?? null);
    const mountTarget: Fact<MountTargetDescription | null> = subnet.state !== "known" ? subnet
      : mountTargets.state !== "known" ? mountTargets
        : !subnet.value ? known(null)
          : pickMountTarget(mountTargets.value, subnet.value);
    const target = factValue(mountTarget);
    // Where the task's Availability Zone has none, another mount target's groups are what a new one would take.
    const groupsOf = target ?? (mountTarget.state === "known" ? (factValue(mountTargets) ?? []).find((m) => m.LifeCycleState === "available") : undefined);
    const [mountTargetGroups, mountTargetAcl] = await Promise.all([
      groupsOf?.MountTargetId ? readGroups(source, groupsOf.MountTargetId, vpcGroupsP) : Promise.resolve(known<SecurityGroup[]>([])),
      x.origin.then((o) => {
        const origin = factValue(o);
        if (!target?.SubnetId || !origin || target.SubnetId === origin.subnetId) return null;
        return source.describeNetworkAcls(target.SubnetId).then((f) => mapFact(f, (a): NetworkAcl | null => a[0] ?? null));
      }),
    ]);
    const network = await x.network;
    const origin = factValue(network.origin);
    const filters: EfsVolumeEvidence["filters"] = mountTarget.state !== "known" ? mountTarget
      : network.origin.state !== "known" ? network.origin
        : !target || !origin ? known([])
          : known(efsFilters({
            origin,
            subnet: factValue(network.subnet) ?? null,
            taskGroups: mapFact(network.securityGroups, (groups) => groups.filter((g) => (factValue(origin.securityGroupIds) ?? []).includes(g.GroupId ?? ""))),
            taskAcl: network.networkAcl,
            mountTarget: target,
            mountTargetGroups: target === groupsOf ? mountTargetGroups : known([]),
            mountTargetAcl,
            prefixLists: factValue(network.prefixLists) ?? [],
            vpcCidrs: [factValue(network.vpc)?.CidrBlock, ...(factValue(network.vpc)?.CidrBlockAssociationSet ?? []).map((c) => c.CidrBlock)].filter((c): c is string => Boolean(c)),
          }));
    const fileSystemArn = factValue(fileSystem)?.FileSystemArn ?? fileSystemArnOf(x.region, x.accountId, spec.fileSystemId);
    const accessPointArn = spec.accessPointId ? (factValue(accessPoint)?.AccessPointArn ?? accessPointArnOf(x.region, x.accountId, spec.accessPointId)) : undefined;
    return {
      ...spec,
      fileSystemArn,
      accessPointArn,
      fileSystem,
      accessPoint,
      mountTargets,
      policy,
      availabilityZone,
      mountTarget,
      mountTargetGroups,
      filters,
    };
  }));
  const taskRole = await taskRoleP;
  return {
    volumes: volumes.map((v) => ({
      ...v,
      access: v.policy.state !== "known" ? v.policy : efsAccess({
        spec: v, fileSystemArn: v.fileSystemArn, accessPointArn: v.accessPointArn, policy: v.policy.value, taskRoleArn, taskRole, accountId: x.accountId, source: source.kind,
      }),
    })),
    taskRoleArn,
    taskRole,
  };
}

/** The mount target in the subnet's Availability Zone; unknown when the subnet or mount targets name no zone to compare. */
function pickMountTarget(mountTargets: MountTargetDescription[], subnet: Subnet): Fact<MountTargetDescription | null> {
  const found = mountTargetIn(mountTargets, subnet);
  return found === undefined
    ? unknown("not-recorded", "ec2:DescribeSubnets", `the Availability Zone of subnet ${subnet.SubnetId} (or of the mount targets) is not recorded`)
    : known(found);
}

/** The mount target's security groups, from the VPC's groups read beside it; a group not among them is read by id. */
async function readGroups(source: Source, mountTargetId: string, vpcGroupsP: Promise<Fact<SecurityGroup[]> | undefined>): Promise<Fact<SecurityGroup[]>> {
  const [ids, vpcGroups] = await Promise.all([source.describeMountTargetSecurityGroups([mountTargetId]), vpcGroupsP]);
  if (ids.state !== "known") return ids;
  const wanted = ids.value.find((m) => m.MountTargetId === mountTargetId)?.SecurityGroups ?? [];
  const inVpc = factValue(vpcGroups ?? unknown("failed", "ec2:DescribeSecurityGroups", "")) ?? [];
  const found = inVpc.filter((g) => wanted.includes(g.GroupId ?? ""));
  const missing = wanted.filter((id) => !found.some((g) => g.GroupId === id));
  if (missing.length === 0) return known(found);
  const more = await source.describeSecurityGroups(missing);
  return mapFact(more, (rest) => [...found, ...rest]);
}
