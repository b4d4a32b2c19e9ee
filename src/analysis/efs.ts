// What a task's EFS volume needs, judged once for the evidence model: which
// volumes the task definition mounts, the mount target the task reaches (the
// one in its subnet's Availability Zone: the file system's DNS name resolves to
// it), the filters NFS (TCP 2049) crosses on the way, and whether the file
// system policy (with the task role's policies, when the volume uses IAM
// authorization) lets the task mount and write. Pure: the collector hands in
// what it read.

import type {
  FileSystemPolicy, ManagedPrefixList, MountTargetDescription, NetworkAcl, Role, SecurityGroup, Subnet, TaskDefinition,
} from "../model/aws.js";
import type { EfsAccess, EfsAccessAnswer, EfsAction } from "../model/efs.js";
import type { FilterCheck, PullOrigin } from "../model/evidence.js";
import { type Fact, factValue, known } from "../model/fact.js";
import { egressAllows, ephemeralPorts, ingressAllows, type Peer, type SecurityGroupVerdict } from "./filters.js";
import { type Evaluation, evaluateResourcePolicy, type NamedPolicy } from "./iam-policy.js";
import { aclCheck } from "./path-filters.js";
import { answerQuestions, directGrants, type PermissionAnswer } from "./permissions.js";

export const NFS_PORT = 2049;
export const CLIENT_MOUNT: EfsAction = "elasticfilesystem:ClientMount";
export const CLIENT_WRITE: EfsAction = "elasticfilesystem:ClientWrite";

export interface EfsVolumeSpec {
  volume: string;
  fileSystemId: string;
  accessPointId?: string;
  transitEncryption: boolean;
  iam: boolean;
  mounts: { container: string; containerPath?: string; readOnly: boolean }[];
}

/** The task definition's EFS volumes, with the containers that mount each. */
export function efsVolumes(def: TaskDefinition | null | undefined): EfsVolumeSpec[] {
  const out: EfsVolumeSpec[] = [];
  for (const v of def?.volumes ?? []) {
    const c = v.efsVolumeConfiguration;
    if (!c?.fileSystemId) continue;
    const name = v.name ?? c.fileSystemId;
    const mounts = (def?.containerDefinitions ?? []).flatMap((d) =>
      (d.mountPoints ?? []).filter((m) => m.sourceVolume === name).map((m) => ({ container: d.name ?? "?", containerPath: m.containerPath, readOnly: m.readOnly === true })));
    out.push({
      volume: name,
      fileSystemId: c.fileSystemId,
      accessPointId: c.authorizationConfig?.accessPointId || undefined,
      transitEncryption: (c.transitEncryption ?? "").toUpperCase() === "ENABLED",
      iam: (c.authorizationConfig?.iam ?? "").toUpperCase() === "ENABLED",
      mounts,
    });
  }
  return out;
}

export function fileSystemArn(region: string, accountId: string, fileSystemId: string): string {
  return `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${fileSystemId}`;
}

export function accessPointArn(region: string, accountId: string, accessPointId: string): string {
  return `arn:aws:elasticfilesystem:${region}:${accountId}:access-point/${accessPointId}`;
}

/** The mount target the task's mount resolves to: the file system's one in the subnet's Availability Zone. */
export function mountTargetIn(mountTargets: MountTargetDescription[], subnet: Pick<Subnet, "SubnetId" | "AvailabilityZone">): MountTargetDescription | null | undefined {
  const az = subnet.AvailabilityZone;
  const sameSubnet = mountTargets.find((m) => m.SubnetId === subnet.SubnetId);
  if (sameSubnet) return sameSubnet;
  if (!az) return mountTargets.length === 0 ? null : undefined;
  return mountTargets.find((m) => m.AvailabilityZoneName === az) ?? (mountTargets.some((m) => !m.AvailabilityZoneName) ? undefined : null);
}

// ---------- the network: NFS from the task to the mount target ----------

export interface EfsFilterInputs {
  origin: PullOrigin;
  /** The subnet the task runs in (its CIDR stands in for the task's address when that is not known). */
  subnet: Subnet | null;
  /** The task's own security groups. */
  taskGroups: Fact<SecurityGroup[]>;
  taskAcl: Fact<NetworkAcl | null>;
  mountTarget: MountTargetDescription;
  mountTargetGroups: Fact<SecurityGroup[]>;
  /** The mount target subnet's network ACL; null when it is the task's own subnet (no ACL is crossed). */
  mountTargetAcl: Fact<NetworkAcl | null> | null;
  prefixLists: ManagedPrefixList[];
  /** The VPC's CIDR blocks: where a mount target whose address is not recorded is. */
  vpcCidrs: string[];
}

function sgFact(v: SecurityGroupVerdict, direction: "egress" | "ingress", peer: Peer): string {
  const way = direction === "egress" ? "outbound" : "inbound";
  const to = direction === "egress" ? "to" : "from";
  const groups = v.groupIds.join(", ");
  switch (v.verdict) {
    case "allow":
      return v.allowedBy[0] ?? `${groups} ${way} tcp ${NFS_PORT} ${to} ${peer.label}`;
    case "deny":
      return `no ${way} rule of ${groups} allows tcp ${NFS_PORT} (NFS) ${to} ${peer.label}${v.otherRules.length > 0 ? `; their ${way} rules for that port name only: ${v.otherRules.slice(0, 4).map((r) => r.replace(/^sg-\S+ \S+ /, "")).join("; ")}` : `; they have no ${way} rule for tcp ${NFS_PORT}`}`;
    default:
      return `${way} rules of ${groups} allow tcp ${NFS_PORT} ${to} only part of ${peer.label}: ${v.allowedBy.join("; ")}`;
  }
}

/** Every filter NFS crosses from the task to the mount target and back, judged. */
export function efsFilters(i: EfsFilterInputs): FilterCheck[] {
  const out: FilterCheck[] = [];
  const mt = i.mountTarget;
  const mtGroupIds = factValue(i.mountTargetGroups)?.map((g) => g.GroupId ?? "").filter(Boolean) ?? [];
  const taskGroupIds = factValue(i.origin.securityGroupIds) ?? [];
  // A mount target's address not recorded: somewhere in the VPC, and a rule that covers only part of it decides nothing.
  const mtCidrs = mt.IpAddress ? [`${mt.IpAddress}/32`] : i.vpcCidrs.length > 0 ? i.vpcCidrs : undefined;
  const mtPeer: Peer = {
    family: "ipv4",
    cidrs: mtCidrs,
    groupIds: mtGroupIds,
    label: `mount target ${mt.MountTargetId ?? "?"}${mt.IpAddress ? ` (${mt.IpAddress})` : ""}`,
  };
  const taskCidrs = i.origin.privateIp ? [`${i.origin.privateIp}/32`] : i.subnet?.CidrBlock ? [i.subnet.CidrBlock] : undefined;
  const who = i.origin.kind === "task-eni" ? "the task" : `instance ${i.origin.instanceId ?? ""}`.trim();
  const taskPeer: Peer = { family: "ipv4", cidrs: taskCidrs, groupIds: taskGroupIds, label: taskCidrs ? `${who} (${taskCidrs.join(", ")})` : who };
  const ports: [number, number] = [NFS_PORT, NFS_PORT];

  // The task's security groups let NFS out.
  if (i.taskGroups.state !== "known") {
    out.push({ kind: "security-group-egress", verdict: "unknown", resource: taskGroupIds[0] ?? "the task's security groups", ports, peer: mtPeer.label, fact: "the task's security groups could not be read", unknown: i.taskGroups });
  } else if (i.taskGroups.value.length > 0) {
    const v = egressAllows(i.taskGroups.value, NFS_PORT, mtPeer, i.prefixLists);
    out.push({
      kind: "security-group-egress", verdict: v.verdict, resource: v.groupIds[0] ?? "", groupIds: v.groupIds, ports,
      peerCidrs: mtPeer.cidrs, peerGroupId: mtGroupIds[0], peer: mtPeer.label, fact: sgFact(v, "egress", mtPeer),
    });
  }
  // The mount target's security groups let the task in.
  if (i.mountTargetGroups.state !== "known") {
    out.push({ kind: "mount-target-security-group", verdict: "unknown", resource: mt.MountTargetId ?? "", ports, peer: taskPeer.label, fact: `the security groups of ${mt.MountTargetId} could not be read`, unknown: i.mountTargetGroups });
  } else {
    const v = ingressAllows(i.mountTargetGroups.value, NFS_PORT, taskPeer, i.prefixLists);
    out.push({
      kind: "mount-target-security-group", verdict: v.verdict, resource: v.groupIds[0] ?? mt.MountTargetId ?? "", groupIds: v.groupIds, ports,
      peerCidrs: taskPeer.cidrs, peerGroupId: taskGroupIds[0], peer: taskPeer.label, fact: sgFact(v, "ingress", taskPeer),
    });
  }
  // Network ACLs are crossed only between two subnets.
  if (i.mountTargetAcl !== null) {
    const ephemeral = ephemeralPorts(i.origin.os ?? "linux");
    const taskFix = { cidrs: taskCidrs, label: taskPeer.label };
    const mtFix = { cidrs: mtPeer.cidrs, label: mtPeer.label };
    const acl = (fact: Fact<NetworkAcl | null>, hop: "task-subnet" | "mount-target-subnet", subnetId: string | undefined, checks: [ "egress" | "ingress", [number, number], Peer, { cidrs?: string[]; label: string }][]) => {
      if (fact.state !== "known") {
        out.push({ kind: "network-acl", verdict: "unknown", resource: subnetId ?? "", subnetId, hop, ports, peer: "", fact: `the network ACL of ${subnetId} could not be read`, unknown: fact });
        return;
      }
      if (!fact.value) return;
      for (const [direction, range, peer, fix] of checks) out.push(aclCheck(fact.value, hop, subnetId, direction, range, peer, fix));
    };
    acl(i.taskAcl, "task-subnet", i.origin.subnetId, [["egress", ports, mtPeer, mtFix], ["ingress", ephemeral, mtPeer, mtFix]]);
    acl(i.mountTargetAcl, "mount-target-subnet", mt.SubnetId, [["ingress", ports, taskPeer, taskFix], ["egress", ephemeral, taskPeer, taskFix]]);
  }
  return mt.IpAddress ? out : out.map((c) => (c.verdict === "partial" || (c.verdict === "deny" && !mtCidrs) ? { ...c, verdict: "indeterminate" as const } : c));
}

// ---------- access: the file system policy and the task role ----------

export interface EfsAccessInputs {
  spec: EfsVolumeSpec;
  fileSystemArn: string;
  accessPointArn?: string;
  policy: FileSystemPolicy | null;
  taskRoleArn: string | null;
  taskRole: Fact<Role | null>;
  accountId: string;
  source: "live" | "snapshot";
}

type Json = Record<string, unknown>;

function statementsOf(text: string | undefined): Json[] | undefined {
  try {
    const doc = JSON.parse(text ?? "") as Json;
    const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
    return list.filter((s): s is Json => Boolean(s) && typeof s === "object" && !Array.isArray(s));
  } catch {
    return undefined;
  }
}

/**
 * The policy as a client without an IAM identity meets it: a statement applies when its principal is
 * everyone ("*", {"AWS": "*"}), or when it is a Deny of everyone but some (NotPrincipal); the others name
 * IAM principals and never apply.
 */
function anonymousView(text: string): NamedPolicy | undefined {
  const statements = statementsOf(text);
  if (!statements) return undefined;
  const kept = statements.flatMap((st): Json[] => {
    const p = st.Principal;
    const everyone = p === "*" || (p !== null && typeof p === "object" && !Array.isArray(p) && [(p as Json).AWS].flat().includes("*"));
    if ("NotPrincipal" in st) return st.Effect === "Deny" ? [{ ...withoutKey(st, "NotPrincipal"), Principal: "*" }] : [];
    return everyone ? [{ ...st, Principal: "*" }] : [];
  });
  return { name: "file system policy", document: { Version: "2012-10-17", Statement: kept } };
}

function withoutKey(o: Json, key: string): Json {
  const { [key]: _dropped, ...rest } = o;
  return rest;
}

function label(m: Evaluation["matched"][number]): string {
  return `${m.policy}${m.sid ? ` (Sid "${m.sid}")` : ""}`;
}

function combine(action: EfsAction, resource: Evaluation, identity: PermissionAnswer | undefined, roleName: string | undefined): EfsAccessAnswer {
  const res = resource.decision;
  const id = identity?.decision ?? "implicit-deny";
  const deniedBy = [
    ...resource.matched.filter((m) => m.effect === "Deny" && !m.conditional).map(label),
    ...(identity?.deniedBy ?? []).map((d) => `role ${roleName}: ${d}`),
  ];
  const reasons: string[] = [];
  const allowBy = resource.matched.find((m) => m.effect === "Allow" && !m.conditional);
  if (allowBy && res === "allowed") reasons.push(`${label(allowBy)} grants it`);
  if (identity) {
    reasons.push(
      id === "allowed" ? `the task role ${roleName}'s policies allow it`
        : id === "explicit-deny" ? `the task role ${roleName}'s policies deny it`
          : id === "implicit-deny" ? `no policy of the task role ${roleName} allows it${identity.cutByBoundary ? " (its permissions boundary does not)" : ""}`
            : `the task role ${roleName}'s policies could not be judged${identity.unreadable ? `: ${identity.unreadable.message}` : ""}`,
    );
  }
  reasons.push(...resource.notes);
  let decision: EfsAccessAnswer["decision"];
  if (res === "explicit-deny" || id === "explicit-deny") decision = "explicit-deny";
  else if ((id === "allowed" && res !== "unknown") || (res === "allowed" && id !== "unknown" && !identity?.cutByBoundary)) decision = "allowed";
  else if (res === "unknown" || id === "unknown") decision = "unknown";
  else decision = "implicit-deny";
  return { action, decision, reasons, deniedBy };
}

/** What the task role's own policies say; a role that does not exist allows nothing, one that could not be read is unknown. */
function identityAnswer(i: EfsAccessInputs, action: EfsAction, context: Record<string, string | string[]>): PermissionAnswer {
  const question = { action, resource: i.fileSystemArn, why: `EFS volume ${i.spec.volume}`, context };
  const base = { ...question, basis: "documents" as const, deniedBy: [], cutByBoundary: false, unknownConditions: [] };
  if (i.taskRole.state === "known" && i.taskRole.value === null) return { ...base, decision: "implicit-deny", notes: ["the task role does not exist"] };
  if (i.taskRole.state !== "known") return { ...base, decision: "unknown", notes: [], unreadable: i.taskRole };
  const answers = answerQuestions([question], i.taskRole, known([]), { arn: i.taskRoleArn ?? undefined, account: i.accountId }, i.source);
  return factValue(answers)?.[0] ?? { ...base, decision: "unknown", notes: [] };
}

/**
 * Whether the file system lets the task mount (and write where a container mounts it read-write).
 * Within one account EFS allows what the file system policy or the task role's policies allow, and an
 * explicit Deny in either denies; without IAM authorization the client has no identity, and only a
 * statement for everyone applies. No policy: any client that reaches a mount target may mount.
 */
export function efsAccess(i: EfsAccessInputs): Fact<EfsAccess> {
  const actions: EfsAction[] = [CLIENT_MOUNT];
  if (i.spec.mounts.some((m) => !m.readOnly)) actions.push(CLIENT_WRITE);
  const principal = i.spec.iam ? "iam" : "anonymous";
  if (!i.policy?.Policy) {
    return known({ principal, noPolicy: true, requiresTls: false, grantsOnlyIamPrincipals: false, answers: actions.map((action) => ({ action, decision: "allowed", reasons: ["the file system has no policy: any client that reaches a mount target may mount"], deniedBy: [] })) });
  }
  const text = i.policy.Policy;
  const contextFor = (tls: boolean): Record<string, string | string[]> => ({
    "aws:SecureTransport": tls ? "true" : "false",
    "elasticfilesystem:AccessedViaMountTarget": "true",
    "elasticfilesystem:AccessPointArn": i.accessPointArn ? i.accessPointArn : [],
  });
  const roleName = i.taskRoleArn?.split("/").pop();
  const evaluate = (action: EfsAction, tls: boolean): EfsAccessAnswer => {
    const context = contextFor(tls);
    if (principal === "iam" && i.taskRoleArn) {
      const direct = directGrants({ name: "file system policy", document: text }) ?? { name: "file system policy", document: text };
      const resource = evaluateResourcePolicy(direct, { action, resource: i.fileSystemArn, principalArn: i.taskRoleArn, principalAccount: i.accountId, context });
      return combine(action, resource, identityAnswer(i, action, context), roleName);
    }
    const anon = anonymousView(text);
    const resource = anon ? evaluateResourcePolicy(anon, { action, resource: i.fileSystemArn, context }) : { decision: "unknown" as const, matched: [], unknownConditions: [], notes: ["the file system policy is not JSON"] };
    const answer = combine(action, resource, undefined, undefined);
    if (principal === "iam") answer.reasons.unshift(`authorizationConfig.iam is ENABLED but the task definition names no task role, so the mount presents no IAM identity`);
    return answer;
  };
  const answers = actions.map((a) => evaluate(a, i.spec.transitEncryption));
  const requiresTls = !i.spec.transitEncryption && answers.some((a) => a.decision === "explicit-deny" && evaluate(a.action, true).decision !== "explicit-deny");
  const anyAllow = (statementsOf(text) ?? []).some((s) => s.Effect === "Allow");
  const grantsOnlyIamPrincipals = principal === "anonymous" && anyAllow && answers.some((a) => a.decision === "implicit-deny");
  return known({ principal, noPolicy: false, answers, requiresTls, grantsOnlyIamPrincipals });
}
