// Ranking: how likely each finding is the cause, from how firmly the
// configuration shows it and whether the error message agrees.

import type { Certainty, Diagnostic, DraftFinding, Severity } from "./diagnostic.js";
import type { Evidence } from "./model/evidence.js";

const CERTAINTY: Record<Certainty, number> = { proven: 0.95, likely: 0.8, possible: 0.55, message: 0.6 };
const SEVERITY: Record<Severity, number> = { error: 1, warning: 0.6, info: 0.35 };

export type Agreement = "agrees" | "silent" | "disagrees";

/**
 * Whether the failure messages (of the finding's container, else all) fit the cause: a message of one of
 * its kinds, from a stage of the pull at which it breaks (or a stage the message does not show).
 */
export function messageAgreement(d: Diagnostic, f: DraftFinding, e: Evidence): Agreement {
  const failures = e.failures.filter((x) => !f.container || x.container === f.container);
  const relevant = (failures.length > 0 ? failures : e.failures).filter((x) => x.signals.kind !== "unknown");
  if (relevant.length === 0) return "silent";
  const fits = ({ signals: s }: Evidence["failures"][number]) =>
    d.messageKinds.includes(s.kind) && (!d.stages || s.stage === "unknown" || d.stages.includes(s.stage));
  return relevant.some(fits) ? "agrees" : "disagrees";
}

export function confidenceOf(f: DraftFinding, agreement: Agreement): number {
  const base = f.confidence ?? CERTAINTY[f.certainty] * SEVERITY[f.severity];
  const factor = agreement === "agrees" ? 1 : agreement === "silent" ? 0.85 : 0.5;
  return Math.round(Math.min(1, Math.max(0, base * factor)) * 100) / 100;
}
