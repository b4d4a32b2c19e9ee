// The shape every diagnostic shares (one file per cause id under diagnostics/),
// and the finding it produces. Diagnostics are pure: evidence in, results out.

import type { FailureKind, Stage } from "./analysis/message.js";
import type { Evidence } from "./model/evidence.js";
import type { Unknown } from "./model/fact.js";

export const FINDING_IDS = [
  "no-route-to-registry", "public-ip-missing", "route-blackhole", "nat-gateway-no-internet", "vpc-endpoint-missing",
  "vpc-endpoint-private-dns-disabled", "vpc-dns-disabled", "custom-dns-resolution", "vpc-endpoint-security-group-blocks",
  "vpc-endpoint-policy-denies", "security-group-egress-blocked", "network-acl-blocks", "execution-role-missing",
  "execution-role-not-assumable", "pull-role-lacks-ecr-permissions", "ecr-repository-policy-denies", "repository-not-found",
  "image-not-found", "image-platform-mismatch", "registry-rate-limited", "registry-credentials-missing",
  "registry-credentials-unreadable", "secrets-unreadable", "container-instance-disk-full", "ephemeral-storage-full",
  "log-group-missing", "log-permissions-missing", "efs-file-system-missing", "efs-mount-target-missing",
  "efs-security-group-blocks", "efs-access-denied", "subnet-addresses-exhausted",
  "unexplained-pull-failure", "not-a-pull-failure",
] as const;

export type FindingId = (typeof FINDING_IDS)[number];
export type Severity = "error" | "warning" | "info";

export interface EvidenceItem {
  /** A real resource id, ARN or name (`rtb-0aaa`, `container web`). */
  resource: string;
  /** What was seen there, with the field and value (`no route covers 0.0.0.0/0`). */
  fact: string;
}

export interface Fix {
  summary: string;
  /** Console steps, imperative. */
  steps?: string[];
  /** AWS CLI commands with the ids filled in. */
  commands?: string[];
  docs?: string[];
}

/**
 * How strongly the configuration establishes the cause:
 * `proven` the configuration shows the break; `likely` it shows a cause that
 * usually breaks the pull; `possible` it cannot rule the cause out; `message`
 * only the error message points here.
 */
export type Certainty = "proven" | "likely" | "possible" | "message";

export interface DraftFinding {
  severity: Severity;
  certainty: Certainty;
  /**
   * A confidence the finding knows better than the general rule, e.g. a
   * finding that is the whole verdict ("this was not a pull failure").
   */
  confidence?: number;
  title: string;
  explanation: string;
  evidence: EvidenceItem[];
  fixes: Fix[];
  /** The container the finding concerns, when it is about one. */
  container?: string;
}

export type CheckResult =
  | { status: "fail"; findings: DraftFinding[] }
  | { status: "pass"; title?: string }
  | { status: "skip"; reason: string; unknown?: Unknown }
  /** The check does not apply to this task (an ECR check on a Docker Hub image). */
  | { status: "n/a" };

export interface Diagnostic {
  id: FindingId;
  /** What the check verifies, as a passed line reads it. */
  title: string;
  /** The AWS documentation pages for this cause. */
  docs: string[];
  /**
   * The kinds of failure message this cause produces. A message of another
   * kind (a `manifest unknown` against a route) lowers the finding's rank.
   */
  messageKinds: FailureKind[];
  /**
   * The start-up steps at which this cause can break the task's start ("the stage decides the family",
   * findings.md). ECS reads the secrets and asks for the registry token before it fetches the manifest,
   * then the layers; the log driver, EFS volumes, the network interface and the container itself are
   * steps of their own. A message from another step (a log group that "does not exist" against a missing
   * image tag) does not agree with the cause, whatever its kind, so the cause never ranks first on the
   * message alone. Required, so that every new cause says where it belongs; `"any"` for the summing-up checks.
   */
  stages: readonly Stage[] | "any";
  check(evidence: Evidence): CheckResult;
}

/** The steps that send a request from the task (or instance) to an AWS endpoint or a registry over HTTPS: where the network causes break a start. */
export const OUTBOUND_STAGES: readonly Stage[] = ["registry-auth", "manifest", "layer", "secrets", "logs"];

/** Whether a message from this step can show a cause of these steps: a step the message does not name (`unknown`) can show any. */
export function stageFits(stages: Diagnostic["stages"], stage: Stage): boolean {
  return stages === "any" || stage === "unknown" || stages.includes(stage);
}

/** The failure messages a cause of these steps can explain: a refusal while mounting EFS is not an ECR refusal. */
export function failuresAt(e: Evidence, stages: Diagnostic["stages"]): Evidence["failures"] {
  return e.failures.filter((f) => stageFits(stages, f.signals.stage));
}

export function defineDiagnostic(d: Diagnostic): Diagnostic {
  return d;
}

// Small builders the diagnostics share.
export const pass = (title?: string): CheckResult => ({ status: "pass", title });
export const notApplicable: CheckResult = { status: "n/a" };
export const fail = (...findings: DraftFinding[]): CheckResult => ({ status: "fail", findings });
export function skip(reason: string, u?: Unknown): CheckResult {
  return { status: "skip", reason, unknown: u };
}
