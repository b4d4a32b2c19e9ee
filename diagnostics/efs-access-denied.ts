import { type DraftFinding, defineDiagnostic, fail, type Fix, notApplicable, pass, skip } from "../src/diagnostic.js";
import { EFS_DOCS, efsFailure, messageNote, mountingContainer, volumeEvidence, volumeLabel } from "../src/efs-fixes.js";
import { registerTaskDefinitionHint } from "../src/fixes.js";
import { putRolePolicyCommand, roleNameFromArn } from "../src/iam-fixes.js";
import type { EfsAccess, EfsVolumeEvidence } from "../src/model/efs.js";
import type { Evidence } from "../src/model/evidence.js";
import { factValue, unknownReason } from "../src/model/fact.js";

const denied = (d: string) => d === "explicit-deny" || d === "implicit-deny";

function fixesFor(e: Evidence, v: EfsVolumeEvidence, a: EfsAccess): Fix[] {
  const fixes: Fix[] = [];
  const missing = a.answers.filter((x) => denied(x.decision));
  if (a.requiresTls) {
    fixes.push({
      summary: `Turn on encryption in transit for volume ${v.volume}: the file system policy denies connections without TLS.`,
      steps: [`Amazon ECS console > Task definitions > Create new revision > Storage > volume ${v.volume}: check "Transit encryption", then update the service to the new revision.`],
      commands: [registerTaskDefinitionHint(e, `set volumes[name=${v.volume}].efsVolumeConfiguration.transitEncryption to "ENABLED"`)],
      docs: [EFS_DOCS.encryptionInTransit, EFS_DOCS.ecsVolumes],
    });
  }
  const explicit = missing.some((x) => x.decision === "explicit-deny");
  if (a.principal === "anonymous" && a.grantsOnlyIamPrincipals) {
    fixes.push({
      summary: `Mount volume ${v.volume} with IAM authorization, so the file system policy sees the task role${e.efs.taskRoleArn ? ` ${roleNameFromArn(e.efs.taskRoleArn)}` : ""}: the policy grants only IAM principals.`,
      steps: [`Amazon ECS console > Task definitions > Create new revision > Storage > volume ${v.volume}: check "Use IAM authorization" and "Transit encryption"${e.efs.taskRoleArn ? "" : ", and choose a task role"}.`],
      commands: [registerTaskDefinitionHint(e, `set volumes[name=${v.volume}].efsVolumeConfiguration.authorizationConfig.iam and transitEncryption to "ENABLED"${e.efs.taskRoleArn ? "" : ", and set taskRoleArn"}`)],
      docs: [EFS_DOCS.iamAccess, EFS_DOCS.ecsVolumes],
    });
  } else if (a.principal === "iam" && !e.efs.taskRoleArn) {
    fixes.push({
      summary: `Give the task definition a task role that may mount ${v.fileSystemId}: with IAM authorization ENABLED, EFS sees the task role, and there is none.`,
      commands: [registerTaskDefinitionHint(e, "set taskRoleArn to a role that ecs-tasks.amazonaws.com may assume and that is allowed elasticfilesystem:ClientMount")],
      docs: [EFS_DOCS.taskRole, EFS_DOCS.iamAccess],
    });
  } else if (a.principal === "iam" && e.efs.taskRoleArn && missing.length > 0 && !(a.requiresTls && missing.every((x) => x.decision === "explicit-deny"))) {
    const role = roleNameFromArn(e.efs.taskRoleArn);
    const grants = missing.map((x) => ({ action: x.action, resource: v.fileSystemArn }));
    fixes.push({
      summary: `Allow the task role ${role} (not the execution role) ${missing.map((x) => x.action).join(" and ")} on ${v.fileSystemId}${explicit ? ", and remove the Deny that matches it" : ""}.`,
      steps: [`IAM console > Roles > ${role} > Add permissions > Create inline policy: allow ${missing.map((x) => x.action).join(", ")} on ${v.fileSystemArn}${v.accessPointArn ? ` (a file system policy condition on elasticfilesystem:AccessPointArn must name ${v.accessPointArn})` : ""}.`],
      commands: [putRolePolicyCommand(role, "efs-client-access", grants)],
      docs: [EFS_DOCS.iamAccess, EFS_DOCS.taskRole],
    });
  } else if (missing.length > 0 && !a.requiresTls) {
    fixes.push({
      summary: `Let the file system policy of ${v.fileSystemId} allow ${missing.map((x) => x.action).join(" and ")} for clients that reach a mount target.`,
      steps: [`Amazon EFS console > File systems > ${v.fileSystemId} > File system policy > Edit: allow ${missing.map((x) => x.action).join(", ")}${explicit ? ", and remove the Deny that matches this mount" : ""}.`],
      commands: [`aws efs describe-file-system-policy --region ${e.region} --file-system-id ${v.fileSystemId} --query Policy --output text  # edit, then: aws efs put-file-system-policy --region ${e.region} --file-system-id ${v.fileSystemId} --policy file://policy.json`],
      docs: [EFS_DOCS.iamAccess],
    });
  }
  return fixes;
}

/** The file system policy (and, with IAM authorization, the task role) lets the task mount and write. */
export default defineDiagnostic({
  id: "efs-access-denied",
  title: "The file system policy (and the task role, with IAM authorization) lets the task mount each EFS volume",
  docs: [EFS_DOCS.iamAccess, EFS_DOCS.ecsVolumes, EFS_DOCS.encryptionInTransit],
  messageKinds: ["access-denied", "forbidden", "unauthorized"],
  stages: ["efs"],
  check(e) {
    const volumes = e.efs.volumes.filter((v) => factValue(v.fileSystem));
    if (volumes.length === 0) return notApplicable;
    const findings: DraftFinding[] = [];
    let unsure: { v: EfsVolumeEvidence; reason: string } | undefined;
    for (const v of volumes) {
      const access = v.access;
      if (!access) continue;
      if (access.state !== "known") {
        // The message shows EFS refused the mount, and nothing readable contradicts it: the cause stands, unread parts named.
        const refusal = efsFailure(e, v);
        if (refusal?.signals.kind !== "access-denied") return skip(`cannot read the file system policy of ${v.fileSystemId}: ${unknownReason(access)}`, access);
        findings.push({
          severity: "error",
          certainty: "message",
          container: mountingContainer(v),
          title: `EFS refused to let the task mount ${v.fileSystemId} (its policy could not be read)`,
          explanation:
            `The message shows the mount refused by the server (access denied while mounting), and the path to the mount target is not what failed. ` +
            `Whether ${v.fileSystemId}'s file system policy or the task role is the reason could not be checked: ${unknownReason(access)}. ` +
            `Check the policy: with IAM authorization the task role (not the execution role) needs elasticfilesystem:ClientMount; a policy requiring aws:SecureTransport needs transitEncryption ENABLED; a policy that grants only IAM principals needs IAM authorization ENABLED.` +
            messageNote(e, v),
          evidence: [volumeEvidence(e, v), { resource: v.fileSystemId, fact: `file system policy not read: ${unknownReason(access)}` }],
          fixes: [{
            summary: `Read ${v.fileSystemId}'s policy and compare it with the volume's authorizationConfig and transitEncryption.`,
            commands: [`aws efs describe-file-system-policy --region ${e.region} --file-system-id ${v.fileSystemId}`],
            docs: [EFS_DOCS.iamAccess, EFS_DOCS.encryptionInTransit],
          }],
        });
        continue;
      }
      const a = access.value;
      const refused = a.answers.filter((x) => denied(x.decision));
      if (refused.length === 0) {
        const open = a.answers.find((x) => x.decision === "unknown");
        if (open) unsure ??= { v, reason: open.reasons.join("; ") };
        continue;
      }
      const mount = refused.find((x) => x.action === "elasticfilesystem:ClientMount");
      const role = e.efs.taskRoleArn ? roleNameFromArn(e.efs.taskRoleArn) : undefined;
      const who = a.principal === "iam" ? (role ? `the task role ${role}` : "a task with no task role") : "a client without IAM authorization";
      const failure = efsFailure(e, v);
      // Write access alone: the mount succeeds read-only and writes fail later, unless the message shows the refusal.
      const writeOnly = !mount;
      findings.push({
        severity: writeOnly && failure?.signals.kind !== "access-denied" ? "warning" : "error",
        certainty: writeOnly ? "likely" : "proven",
        container: mountingContainer(v),
        title: a.requiresTls
          ? `File system ${v.fileSystemId}'s policy requires encryption in transit, and ${volumeLabel(v)} has transitEncryption DISABLED`
          : a.grantsOnlyIamPrincipals
            ? `File system ${v.fileSystemId}'s policy grants only IAM principals, and ${volumeLabel(v)} mounts without IAM authorization`
            : `${who[0].toUpperCase()}${who.slice(1)} may not ${mount ? "mount" : "write to"} ${v.fileSystemId} (${refused.map((x) => x.action).join(", ")})`,
        explanation:
          `${v.fileSystemId} has a file system policy, so EFS decides each mount: ${a.principal === "iam" ? `volume ${v.volume} uses IAM authorization, so the client is the task role${role ? ` ${role}` : " (the task definition names none)"}, never the execution role` : `volume ${v.volume} mounts without IAM authorization, so the client has no IAM identity and only statements for every principal ("*") apply`}. ` +
          refused.map((x) => `${x.action}: ${x.decision === "explicit-deny" ? "denied explicitly" : "not allowed"} (${x.reasons.slice(0, 3).join("; ")})`).join(". ") +
          (mount ? ". EFS then refuses the mount (mount.nfs4: access denied by server) and the task stops before its containers start." : ". The mount succeeds read-only, and the container's writes to the volume fail.") +
          messageNote(e, v),
        evidence: [
          volumeEvidence(e, v),
          ...refused.map((x) => ({ resource: x.deniedBy[0] ?? (a.principal === "iam" && role ? role : v.fileSystemId), fact: `${x.action} on ${v.fileSystemArn}: ${x.decision}${x.deniedBy.length > 0 ? ` by ${x.deniedBy.join(", ")}` : ""}` })),
          ...v.mounts.filter((m) => !m.readOnly).slice(0, 1).map((m) => ({ resource: `container ${m.container}`, fact: `mountPoints ${m.containerPath ?? ""} readOnly false: needs elasticfilesystem:ClientWrite` })),
        ],
        fixes: fixesFor(e, v, a),
      });
    }
    if (findings.length > 0) return fail(...findings);
    return unsure ? skip(`cannot tell whether ${unsure.v.fileSystemId} lets the task mount: ${unsure.reason}`) : pass();
  },
});
