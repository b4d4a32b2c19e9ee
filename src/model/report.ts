import type { MessageSignals } from "../analysis/message.js";
import type { EvidenceItem, FindingId, Fix, Severity } from "../diagnostic.js";

export interface Finding {
  id: FindingId;
  rank: number;
  severity: Severity;
  confidence: number;
  title: string;
  explanation: string;
  evidence: EvidenceItem[];
  fixes: Fix[];
  container?: string;
}

export interface ReportTask {
  taskArn: string;
  clusterArn?: string;
  taskDefinitionArn?: string;
  /** `service:NAME` for a service's task. */
  group?: string;
  launchType?: string;
  platformVersion?: string;
  lastStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  stoppedAt?: string;
  containers: { name: string; image?: string; reason?: string; lastStatus?: string }[];
}

export type HopStatus = "pass" | "fail" | "unknown" | "caution";

/** One hop of the path the pull took, for the picture. */
export interface Hop {
  kind: string;
  id: string;
  label: string;
  status: HopStatus;
  note?: string;
}

export interface Report {
  format: "ecs-doctor-report/1";
  task: ReportTask | null;
  findings: Finding[];
  passed: { check: string; title: string }[];
  skipped: { check: string; reason: string }[];
  /** `explain`: the message judged, and what the parser read in it. */
  message?: string;
  signals?: MessageSignals;
  /** The hops of the pull's path, per destination group. */
  path?: { destination: string; hops: Hop[] }[];
  /** What the report was made from. */
  source?: { kind: "live" | "snapshot" | "message"; region?: string; accountId?: string };
  /** A preflight's input, in place of a task (`task` is null). */
  preflight?: PreflightInput;
}

/** What a preflight judged: the task definition and network a deploy would start tasks with. */
export interface PreflightInput {
  /** Where the configuration came from: a service's current one, or the task definition and network given. */
  from: "service" | "task-definition";
  cluster?: string;
  service?: string;
  taskDefinitionArn: string;
  launchType: "FARGATE" | "EC2";
  /** The subnets tasks would be placed in; on Fargate each is judged as the pull's origin. */
  subnets: string[];
  securityGroups: string[];
  assignPublicIp?: string;
  /** EC2 launch type: the container instance or EC2 instance the pull would leave from. */
  containerInstance?: string;
  instance?: string;
  containers: { name: string; image?: string }[];
  /** Where the pull was judged to leave from: each subnet (Fargate), or the instance (EC2). */
  judged: string[];
}
