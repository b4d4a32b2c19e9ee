// Runs every diagnostic over the evidence and ranks what they find into the
// ecs-doctor-report/1 object that every renderer prints.

import { DIAGNOSTICS } from "../diagnostics/index.js";
import type { CheckResult, Diagnostic, DraftFinding } from "./diagnostic.js";
import type { Evidence } from "./model/evidence.js";
import { type Unknown, unknownReason } from "./model/fact.js";
import type { Finding, Report, ReportTask } from "./model/report.js";
import { pathHops } from "./path-picture.js";
import { causeOfCutMessage, confidenceOf, messageAgreement, offStage } from "./rank.js";

/** What the other checks concluded, for the checks that sum up (unexplained-pull-failure). */
export interface Outcome {
  /** `offStage`: every message the finding concerns comes from a step its cause cannot break, so it explains none of them. */
  findings: (DraftFinding & { id: Diagnostic["id"]; offStage?: boolean; causeOfCutMessage?: boolean })[];
  passed: { check: string; title: string }[];
  skipped: { check: string; reason: string }[];
  /** Why the skipped checks could not be made, where a fact was unread: a denied call, or a collection a snapshot does not hold. */
  unread: Unknown[];
}

function run(d: Diagnostic, e: Evidence): CheckResult {
  try {
    return d.check(e);
  } catch (err) {
    // A check that throws is a skipped check, never a crashed diagnosis.
    return { status: "skip", reason: `the check failed: ${(err as Error).message}` };
  }
}

export function toReportTask(e: Evidence): ReportTask {
  const t = e.task;
  return {
    taskArn: t.taskArn ?? "unknown",
    clusterArn: t.clusterArn,
    taskDefinitionArn: t.taskDefinitionArn,
    group: t.group,
    launchType: e.launchType,
    platformVersion: t.platformVersion,
    lastStatus: t.lastStatus ?? "UNKNOWN",
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    stoppedAt: t.stoppedAt === undefined ? undefined : new Date(t.stoppedAt).toISOString(),
    containers: (t.containers ?? []).map((c) => ({ name: c.name ?? "?", image: c.image, reason: c.reason, lastStatus: c.lastStatus })),
  };
}

/** The summing-up checks run last and see the others' outcome. */
export type SummaryDiagnostic = Diagnostic & { summarize(e: Evidence, outcome: Outcome): CheckResult };

function isSummary(d: Diagnostic): d is SummaryDiagnostic {
  return typeof (d as Partial<SummaryDiagnostic>).summarize === "function";
}

export function buildReport(e: Evidence, diagnostics: readonly Diagnostic[] = DIAGNOSTICS): Report {
  const outcome: Outcome = { findings: [], passed: [], skipped: [], unread: [] };
  const byId = new Map(diagnostics.map((d) => [d.id, d]));
  const record = (d: Diagnostic, r: CheckResult) => {
    if (r.status === "fail")
      for (const f of r.findings)
        outcome.findings.push({ ...f, id: d.id, ...(offStage(d, f, e) && { offStage: true }), ...(causeOfCutMessage(d, f, e) && { causeOfCutMessage: true }) });
    else if (r.status === "pass") outcome.passed.push({ check: d.id, title: r.title ?? d.title });
    else if (r.status === "skip") {
      outcome.skipped.push({ check: d.id, reason: r.unknown ? `${r.reason}: ${unknownReason(r.unknown)}` : r.reason });
      if (r.unknown) outcome.unread.push(r.unknown);
    }
  };
  for (const d of diagnostics) {
    if (isSummary(d)) continue;
    // A task that did not fail to pull is not judged by the pull checks.
    if (e.scope === "none" && d.id !== "not-a-pull-failure") continue;
    record(d, run(d, e));
  }
  for (const d of diagnostics) {
    if (!isSummary(d)) continue;
    let r: CheckResult;
    try {
      r = d.summarize(e, outcome);
    } catch (err) {
      r = { status: "skip", reason: `the check failed: ${(err as Error).message}` };
    }
    record(d, r);
  }
  const findings = rankFindings(
    outcome.findings.map((f) => {
      const d = byId.get(f.id)!;
      const agreement = messageAgreement(d, f, e);
      const explanation = agreement === "disagrees" ? `${f.explanation} ${disagreement(e, f)}` : f.explanation;
      return { ...f, explanation, confidence: confidenceOf(f, agreement) };
    }),
  );
  return {
    format: "ecs-doctor-report/1",
    task: toReportTask(e),
    findings,
    passed: outcome.passed,
    skipped: dedupeSkipped(outcome.skipped),
    path: pathHops(e, findings),
    source: { kind: e.source, region: e.region, accountId: e.accountId },
  };
}

function disagreement(e: Evidence, f: DraftFinding): string {
  const failure = e.failures.find((x) => !f.container || x.container === f.container) ?? e.failures[0];
  return failure
    ? `The error message (${failure.signals.summary}) points to another cause first, so this ranks lower; fix it all the same.`
    : "";
}

function dedupeSkipped(s: Outcome["skipped"]): Outcome["skipped"] {
  const seen = new Set<string>();
  return s.filter((x) => {
    const k = `${x.check}\u0000${x.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Orders by confidence (errors first on a tie), numbers the ranks, and keeps confidence from rising. */
export function rankFindings(drafts: (DraftFinding & { id: Diagnostic["id"]; confidence: number })[]): Finding[] {
  const sorted = drafts
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.confidence - a.f.confidence || SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i);
  let ceiling = 1;
  return sorted.map(({ f }, i) => {
    const confidence = Math.min(ceiling, f.confidence);
    ceiling = confidence;
    const out: Finding = {
      id: f.id,
      rank: i + 1,
      severity: f.severity,
      confidence,
      title: f.title,
      explanation: f.explanation,
      evidence: f.evidence,
      fixes: f.fixes,
    };
    if (f.container) out.container = f.container;
    return out;
  });
}
