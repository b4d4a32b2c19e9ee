// What the four EFS diagnostics share: their AWS documentation, how a volume
// reads in evidence, and the failure message of the EFS step.

import type { EvidenceItem } from "./diagnostic.js";
import type { EfsVolumeEvidence } from "./model/efs.js";
import type { ContainerFailure, Evidence } from "./model/evidence.js";
import { quote } from "./model/queries.js";

export const EFS_DOCS = {
  ecsVolumes: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
  mountTargets: "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs.html",
  networkAccess: "https://docs.aws.amazon.com/efs/latest/ug/network-access.html",
  iamAccess: "https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html",
  encryptionInTransit: "https://docs.aws.amazon.com/efs/latest/ug/encryption-in-transit.html",
  accessPoints: "https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html",
  taskRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
};

/** The volume as the task definition names it: `volume data (fs-0abc, access point fsap-0abc)`. */
export function volumeLabel(v: EfsVolumeEvidence): string {
  return `volume ${v.volume} (${v.fileSystemId}${v.accessPointId ? `, access point ${v.accessPointId}` : ""})`;
}

export function volumeEvidence(e: Evidence, v: EfsVolumeEvidence): EvidenceItem {
  const family = e.taskDefinition.state === "known" ? e.taskDefinition.value?.family : undefined;
  return {
    resource: `task definition ${family ?? ""} volume ${v.volume}`.replace(/\s+/g, " "),
    fact: `efsVolumeConfiguration.fileSystemId ${v.fileSystemId}${v.accessPointId ? `, authorizationConfig.accessPointId ${v.accessPointId}` : ""}, transitEncryption ${v.transitEncryption ? "ENABLED" : "DISABLED"}, authorizationConfig.iam ${v.iam ? "ENABLED" : "DISABLED"}`,
  };
}

/** The failure of the EFS step, when a container's message (or the task's) shows one; the one naming this file system first. */
export function efsFailure(e: Evidence, v?: EfsVolumeEvidence): ContainerFailure | undefined {
  const efs = e.failures.filter((f) => f.signals.stage === "efs");
  return efs.find((f) => v && f.message.includes(v.fileSystemId)) ?? efs[0];
}

export function messageNote(e: Evidence, v?: EfsVolumeEvidence): string {
  const f = efsFailure(e, v);
  return f ? ` The message: ${quote(f.message, 240)}.` : "";
}

/** The containers that mount the volume, for a finding about one. */
export function mountingContainer(v: EfsVolumeEvidence): string | undefined {
  const names = [...new Set(v.mounts.map((m) => m.container))];
  return names.length === 1 ? names[0] : undefined;
}
