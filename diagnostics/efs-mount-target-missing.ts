import { type DraftFinding, defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { EFS_DOCS, messageNote, mountingContainer, volumeEvidence, volumeLabel } from "../src/efs-fixes.js";
import { factValue, unknownReason } from "../src/model/fact.js";
import { DOCS, originOf } from "../src/model/queries.js";

/** Every EFS volume's file system has an available mount target in the Availability Zone of the task's subnet. */
export default defineDiagnostic({
  id: "efs-mount-target-missing",
  title: "Every EFS file system has an available mount target in the task subnet's Availability Zone",
  docs: [EFS_DOCS.mountTargets, EFS_DOCS.ecsVolumes],
  messageKinds: ["dns", "timeout", "reset"],
  stages: ["efs"],
  check(e) {
    const volumes = e.efs.volumes.filter((v) => factValue(v.fileSystem));
    if (volumes.length === 0) return notApplicable;
    const origin = originOf(e);
    const subnet = factValue(e.network.subnet);
    const findings: DraftFinding[] = [];
    const done = new Set<string>();
    for (const v of volumes) {
      if (done.has(v.fileSystemId)) continue;
      done.add(v.fileSystemId);
      if (v.mountTargets.state !== "known") return skip(`cannot read the mount targets of ${v.fileSystemId}: ${unknownReason(v.mountTargets)}`, v.mountTargets);
      if (v.mountTarget.state !== "known") return skip(`cannot tell which mount target of ${v.fileSystemId} the task reaches: ${unknownReason(v.mountTarget)}`, v.mountTarget);
      const subnetId = origin?.subnetId ?? subnet?.SubnetId;
      if (!subnetId) return skip("the subnet the task runs in is not known");
      const az = factValue(v.availabilityZone) ?? "its Availability Zone";
      const target = v.mountTarget.value;
      const state = target?.LifeCycleState?.toLowerCase();
      const otherVpc = target?.VpcId && subnet?.VpcId && target.VpcId !== subnet.VpcId ? target.VpcId : undefined;
      if (target && (!state || state === "available") && !otherVpc) continue;
      const all = v.mountTargets.value;
      const groups = (factValue(v.mountTargetGroups) ?? []).map((g) => g.GroupId ?? "").filter(Boolean);
      const taskGroup = factValue(origin?.securityGroupIds ?? { state: "known", value: [] as string[] })?.[0];
      const sg = groups.length > 0 ? groups.join(" ") : (taskGroup ?? "MOUNT_TARGET_SG_ID");
      const listed = all.length === 0 ? "it has no mount target at all" : `its mount targets: ${all.map((m) => `${m.MountTargetId} in ${m.AvailabilityZoneName ?? m.SubnetId} (${m.LifeCycleState ?? "?"})`).join(", ")}`;
      findings.push({
        severity: "error",
        certainty: "proven",
        container: mountingContainer(v),
        title: target && !otherVpc
          ? `Mount target ${target.MountTargetId} of ${v.fileSystemId} in ${az} is ${state}, not available`
          : otherVpc ? `File system ${v.fileSystemId}'s mount targets are in ${otherVpc}, not the task's VPC ${subnet?.VpcId}`
            : `File system ${v.fileSystemId} has no mount target in ${az}, where subnet ${subnetId} is`,
        explanation:
          `The task runs in subnet ${subnetId} (${az}). EFS utils mounts ${volumeLabel(v)} by the file system's DNS name, ${v.fileSystemId}.efs.${e.region}.amazonaws.com, ` +
          `which resolves only to a mount target in the client's own Availability Zone and VPC: ${listed}. ` +
          (target && !otherVpc ? "A mount target that is not available has no address to answer, so the name does not resolve (Failed to resolve) or the mount times out."
            : "With none there, the name does not resolve (Failed to resolve \"fs-....efs...\") and the task stops before its containers start.") +
          messageNote(e, v),
        evidence: [
          volumeEvidence(e, v),
          { resource: subnetId, fact: `AvailabilityZone ${factValue(v.availabilityZone) ?? "unknown"}${subnet?.VpcId ? `, VpcId ${subnet.VpcId}` : ""}` },
          { resource: v.fileSystemId, fact: all.length === 0 ? "no mount targets (DescribeMountTargets answered none)" : listed },
        ],
        fixes: [
          target && !otherVpc && state !== "deleting" && state !== "deleted"
            ? {
                summary: `Wait for mount target ${target.MountTargetId} to become available, then start the task again.`,
                commands: [`aws efs describe-mount-targets --region ${e.region} --mount-target-id ${target.MountTargetId} --query 'MountTargets[].LifeCycleState'`],
                docs: [EFS_DOCS.mountTargets],
              }
            : {
                summary: `Create a mount target of ${v.fileSystemId} in subnet ${subnetId} (${az}), with security groups that admit NFS (TCP 2049) from the tasks${otherVpc ? "; a file system has mount targets in one VPC at a time, so run the tasks in its VPC instead where that is simpler" : ""}.`,
                steps: [
                  `Amazon EFS console > File systems > ${v.fileSystemId} > Network > Manage: add a mount target in ${az}, subnet ${subnetId}, security group ${sg}.`,
                ],
                commands: [`aws efs create-mount-target --region ${e.region} --file-system-id ${v.fileSystemId} --subnet-id ${subnetId} --security-groups ${sg}`],
                docs: [EFS_DOCS.mountTargets, DOCS.resourceInit],
              },
        ],
      });
    }
    return findings.length > 0 ? fail(...findings) : pass();
  },
});
