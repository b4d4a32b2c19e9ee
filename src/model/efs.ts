// The evidence about the task's EFS volumes: what the collectors read
// (src/collect/efs.ts) and what they derived once (src/analysis/efs.ts) for
// the four EFS diagnostics to read.

import type {
  AccessPointDescription, FileSystemDescription, FileSystemPolicy, MountTargetDescription, Role, SecurityGroup,
} from "./aws.js";
import type { FilterCheck } from "./evidence.js";
import type { Fact } from "./fact.js";

/** As IAM decides (the same words as src/analysis/iam-policy.ts, which the model does not import). */
export type Decision = "allowed" | "explicit-deny" | "implicit-deny" | "unknown";

export type EfsAction = "elasticfilesystem:ClientMount" | "elasticfilesystem:ClientWrite";

/** Whether the file system lets the task mount (and write), and why. */
export interface EfsAccessAnswer {
  action: EfsAction;
  decision: Decision;
  /** The statements that decide, and why: `file system policy (Sid "RequireTls") denies when aws:SecureTransport is false`. */
  reasons: string[];
  /** Statements that deny explicitly. */
  deniedBy: string[];
}

export interface EfsAccess {
  /** "iam": the task role mounts (authorizationConfig.iam ENABLED); "anonymous": no IAM identity is presented. */
  principal: "iam" | "anonymous";
  /** The file system has no policy: any client that reaches a mount target may mount. */
  noPolicy: boolean;
  answers: EfsAccessAnswer[];
  /** The policy requires encryption in transit (a Deny on aws:SecureTransport false) and the volume has it off. */
  requiresTls: boolean;
  /** With IAM authorization off, the policy grants only IAM principals. */
  grantsOnlyIamPrincipals: boolean;
}

/** One EFS volume of the task definition, with what was read about its file system. */
export interface EfsVolumeEvidence {
  /** The task definition's volume name. */
  volume: string;
  fileSystemId: string;
  /** The file system's ARN as IAM sees it (arn:aws:elasticfilesystem:REGION:ACCOUNT:file-system/fs-...). */
  fileSystemArn: string;
  accessPointId?: string;
  accessPointArn?: string;
  transitEncryption: boolean;
  iam: boolean;
  /** Containers that mount the volume (mountPoints with this sourceVolume). */
  mounts: { container: string; containerPath?: string; readOnly: boolean }[];
  /** Null when it does not exist. */
  fileSystem: Fact<FileSystemDescription | null>;
  /** Null when the volume names no access point, or it does not exist (see accessPointMissing). */
  accessPoint: Fact<AccessPointDescription | null>;
  mountTargets: Fact<MountTargetDescription[]>;
  /** Null when the file system has no policy. */
  policy: Fact<FileSystemPolicy | null>;
  // Derived once by the collector:
  /** The Availability Zone of the subnet the task runs in. */
  availabilityZone: Fact<string | null>;
  /** The mount target in that Availability Zone, null when there is none. */
  mountTarget: Fact<MountTargetDescription | null>;
  /** That mount target's security groups; where the zone has none, another available mount target's (the groups a new one would take). */
  mountTargetGroups: Fact<SecurityGroup[]>;
  /** The filters on NFS (TCP 2049) from the task to that mount target: the task's groups and ACL, the mount target's groups and ACL. */
  filters: Fact<FilterCheck[]>;
  /** What the policy (and, with IAM, the task role) let the task do; absent while the file system is unknown or missing. */
  access?: Fact<EfsAccess>;
}

export interface EfsEvidence {
  volumes: EfsVolumeEvidence[];
  /** The task role the task definition (or an override) names; null when it names none. */
  taskRoleArn: string | null;
  /** Read only where a volume uses IAM authorization. */
  taskRole: Fact<Role | null>;
}
