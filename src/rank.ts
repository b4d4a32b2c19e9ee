// Ranking: how likely each finding is the cause, from how firmly the
// configuration shows it and whether the error message agrees.

import { type Certainty, type Diagnostic, type DraftFinding, type Severity, stageFits } from "./diagnostic.js";
import type { Evidence } from "./model/evidence.js";

const CERTAINTY: Record<Certainty, number> = { proven: 0.95, likely: 0.8, possible: 0.55, message: 0.6 };
const SEVERITY: Record<Severity, number> = { error: 1, warning: 0.6, info: 0.35 };

export type Agreement = "agrees" | "silent" | "disagrees";

/**
 * Whether the failure messages (of the finding's container, else all) fit the cause: a message from a step
 * at which the cause breaks the start, of one of its kinds. The step decides first ("the stage decides the
 * family", findings.md): a message from another step disagrees even when its kind is unknown, so a cause of
 * another step never ranks first on the message alone; within the step, the kind decides.
 */
export function messageAgreement(d: Diagnostic, f: DraftFinding, e: Evidence): Agreement {
  const failures = e.failures.filter((x) => !f.container || x.container === f.container);
  const verdicts = (failures.length > 0 ? failures : e.failures).map(({ signals: s }): Agreement => {
    if (!stageFits(d.stages, s.stage)) return "disagrees";
    if (s.kind === "unknown") return "silent";
    return d.messageKinds.includes(s.kind) ? "agrees" : "disagrees";
  });
  if (verdicts.includes("agrees")) return "agrees";
  return verdicts.includes("disagrees") ? "disagrees" : "silent";
}

/** True when every failure message the finding concerns comes from a step at which its cause cannot break the start. */
export { stageFits };

/**
 * True when the messages the finding concerns are cut or unreadable (their kind unknown) but name a step, and
 * the finding is a cause of that step: a truncated "failed to fetch secret arn:..." still says where to look.
 */
export function causeOfCutMessage(d: Diagnostic, f: DraftFinding, e: Evidence): boolean {
  if (d.stages === "any") return false;
  const failures = e.failures.filter((x) => !f.container || x.container === f.container);
  const relevant = failures.length > 0 ? failures : e.failures;
  return relevant.length > 0 && relevant.every((x) => x.signals.kind === "unknown") && relevant.some((x) => x.signals.stage !== "unknown" && stageFits(d.stages, x.signals.stage));
}

export function offStage(d: Diagnostic, f: DraftFinding, e: Evidence): boolean {
  const failures = e.failures.filter((x) => !f.container || x.container === f.container);
  const relevant = failures.length > 0 ? failures : e.failures;
  return relevant.length > 0 && relevant.every((x) => !stageFits(d.stages, x.signals.stage));
}

export function confidenceOf(f: DraftFinding, agreement: Agreement): number {
  const base = f.confidence ?? CERTAINTY[f.certainty] * SEVERITY[f.severity];
  const factor = agreement === "agrees" ? 1 : agreement === "silent" ? 0.85 : 0.5;
  return Math.round(Math.min(1, Math.max(0, base * factor)) * 100) / 100;
}
