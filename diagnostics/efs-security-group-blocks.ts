import { portRangeText } from "../src/analysis/filters.js";
import { type DraftFinding, defineDiagnostic, fail, type Fix, notApplicable, pass, skip } from "../src/diagnostic.js";
import { EFS_DOCS, messageNote, mountingContainer, volumeEvidence } from "../src/efs-fixes.js";
import { authorizeEgressCommand, authorizeIngressCommand, networkAclEntryCommand } from "../src/fixes.js";
import type { EfsVolumeEvidence } from "../src/model/efs.js";
import type { Evidence, FilterCheck } from "../src/model/evidence.js";
import { factValue, unknownReason } from "../src/model/fact.js";
import { blockStrength, originEvidence } from "../src/model/network-queries.js";
import { DOCS, originLabel, originOf } from "../src/model/queries.js";

const NFS = 2049;
const DESCRIPTION = "NFS from ECS tasks to EFS";

/** What the check blocks, in the words of the flow. */
function blocked(c: FilterCheck, v: EfsVolumeEvidence): string {
  const mt = factValue(v.mountTarget)?.MountTargetId ?? "the mount target";
  switch (c.kind) {
    case "security-group-egress":
      return `the task's security groups ${(c.groupIds ?? []).join(", ")} do not let NFS (TCP ${NFS}) out to ${c.peer}`;
    case "mount-target-security-group":
      return `the security groups ${(c.groupIds ?? []).join(", ")} of mount target ${mt} do not admit NFS (TCP ${NFS}) from ${c.peer}`;
    default: {
      const into = c.direction === "ingress" ? "in" : "out";
      const which = c.hop === "mount-target-subnet" ? `the mount target's subnet ${c.subnetId}` : `the task's subnet ${c.subnetId}`;
      return `network ACL ${c.resource} of ${which} does not let tcp ${portRangeText(c.ports ?? [NFS, NFS])} ${into} (${c.direction === "ingress" ? "from" : "to"} ${c.peer})`;
    }
  }
}

function fixFor(e: Evidence, c: FilterCheck, v: EfsVolumeEvidence): Fix {
  const taskGroup = factValue(originOf(e)?.securityGroupIds ?? { state: "known", value: [] as string[] })?.[0];
  const mt = factValue(v.mountTarget);
  if (c.kind === "mount-target-security-group") {
    const group = c.groupIds?.[0] ?? "MOUNT_TARGET_SG_ID";
    const peer = taskGroup ? { groupId: taskGroup } : { cidr: c.peerCidrs?.[0] ?? "TASK_SUBNET_CIDR" };
    return {
      summary: `Let ${group} admit TCP ${NFS} from the tasks' security group${taskGroup ? ` ${taskGroup}` : ""}.`,
      steps: [`VPC console > Security groups > ${group} > Inbound rules > Edit: add NFS (TCP ${NFS}) from ${taskGroup ?? "the tasks' security group"}.`],
      commands: [authorizeIngressCommand(e, group, peer, DESCRIPTION, NFS)],
      docs: [EFS_DOCS.networkAccess, DOCS.securityGroupRules],
    };
  }
  if (c.kind === "security-group-egress") {
    const group = c.groupIds?.[0] ?? taskGroup ?? "TASK_SG_ID";
    const peer = c.peerGroupId ? { groupId: c.peerGroupId } : { cidr: c.peerCidrs?.[0] ?? "MOUNT_TARGET_IP/32" };
    return {
      summary: `Let ${group} send TCP ${NFS} to mount target ${mt?.MountTargetId ?? ""} (its security group${c.peerGroupId ? ` ${c.peerGroupId}` : ""}).`.replace(" ()", ""),
      steps: [`VPC console > Security groups > ${group} > Outbound rules > Edit: add NFS (TCP ${NFS}) to ${c.peerGroupId ?? c.peerCidrs?.[0] ?? "the mount target"}.`],
      commands: [authorizeEgressCommand(e, group, peer, DESCRIPTION, NFS)],
      docs: [EFS_DOCS.networkAccess, DOCS.securityGroupRules],
    };
  }
  const egress = c.direction === "egress";
  const ports = c.ports ?? [NFS, NFS];
  const cidrs = c.peerCidrs ?? ["0.0.0.0/0"];
  const commands = cidrs.map((cidr, i) =>
    c.freeRuleNumber !== undefined
      ? networkAclEntryCommand(e, { aclId: c.resource, ruleNumber: Math.max(1, c.freeRuleNumber - i), egress, ports, cidr })
      : networkAclEntryCommand(e, { aclId: c.resource, ruleNumber: c.denyingRule ?? 100, egress, ports, cidr, replace: true }));
  return {
    summary: `Add a rule to network ACL ${c.resource} allowing ${egress ? "outbound" : "inbound"} TCP ${portRangeText(ports)} ${egress ? "to" : "from"} ${cidrs.join(", ")}, numbered below the rule that denies it.`,
    steps: [`VPC console > Network ACLs > ${c.resource} > ${egress ? "Outbound" : "Inbound"} rules > Edit: allow TCP ${portRangeText(ports)} ${egress ? "to" : "from"} ${cidrs.join(", ")}.`],
    commands,
    docs: [EFS_DOCS.networkAccess, DOCS.networkAcls],
  };
}

/** NFS (TCP 2049) from the task reaches the mount target: both sides' security groups and the network ACLs between them. */
export default defineDiagnostic({
  id: "efs-security-group-blocks",
  title: "NFS (TCP 2049) from the task reaches each EFS mount target through security groups and network ACLs",
  docs: [EFS_DOCS.networkAccess, DOCS.securityGroupRules, DOCS.networkAcls],
  messageKinds: ["timeout", "reset", "refused", "canceled"],
  stages: ["efs"],
  check(e) {
    const volumes = e.efs.volumes.filter((v) => factValue(v.mountTarget));
    if (volumes.length === 0) return notApplicable;
    const origin = originOf(e);
    const findings: DraftFinding[] = [];
    let unread: FilterCheck | undefined;
    const seen = new Set<string>();
    for (const v of volumes) {
      if (v.filters.state !== "known") return skip(`cannot judge NFS to ${v.fileSystemId}: ${unknownReason(v.filters)}`, v.filters);
      const blocking = v.filters.value.filter((c) => blockStrength(c.verdict));
      unread ??= v.filters.value.find((c) => c.verdict === "unknown");
      const mt = factValue(v.mountTarget)!;
      const key = `${mt.MountTargetId} ${blocking.map((c) => `${c.kind}:${c.resource}:${c.direction ?? ""}`).join(",")}`;
      if (blocking.length === 0 || seen.has(key)) continue;
      seen.add(key);
      const strength = blockStrength(blocking.some((c) => c.verdict === "deny") ? "deny" : blocking[0].verdict)!;
      findings.push({
        ...strength,
        container: mountingContainer(v),
        title: `NFS (TCP ${NFS}) from the task to mount target ${mt.MountTargetId} of ${v.fileSystemId} is blocked: ${blocked(blocking[0], v)}`,
        explanation:
          `The task mounts ${v.fileSystemId} through mount target ${mt.MountTargetId} (${mt.IpAddress ?? "its address"}, subnet ${mt.SubnetId}), the one in its Availability Zone. ` +
          `NFS needs TCP ${NFS} from ${origin ? originLabel(origin) : "the task"} to that address, and the replies back: ` +
          blocking.map((c) => blocked(c, v)).join("; ") +
          ". The mount then hangs until it times out, or is reset (mount.nfs4: Connection reset by peer), and the task stops before its containers start." +
          messageNote(e, v),
        evidence: [
          volumeEvidence(e, v),
          ...blocking.map((c) => ({ resource: c.resource, fact: c.fact })),
          ...(origin ? [originEvidence(origin)] : []),
        ],
        fixes: blocking.map((c) => fixFor(e, c, v)),
      });
    }
    if (findings.length > 0) return fail(...findings);
    return unread ? skip(`cannot read ${unread.resource}: ${unread.unknown ? unknownReason(unread.unknown) : unread.fact}`, unread.unknown) : pass();
  },
});
