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
  /** The hops of the pull's path, per destination group. */
  path?: { destination: string; hops: Hop[] }[];
  /** What the report was made from. */
  source?: { kind: "live" | "snapshot" | "message"; region?: string; accountId?: string };
  preflight?: unknown;
}
