// The pipeline: read the task, collect the evidence, judge it, rank it.

import { collectEvidence, readTask, type TaskLocator } from "./collect/index.js";
import type { Evidence } from "./model/evidence.js";
import type { Report } from "./model/report.js";
import { buildReport } from "./report.js";
import type { Source } from "./source/source.js";

export interface Diagnosis {
  report: Report;
  evidence: Evidence;
}

export async function diagnoseTask(source: Source, locator: TaskLocator): Promise<Diagnosis> {
  const task = await readTask(source, locator);
  const evidence = await collectEvidence(source, task);
  return { report: buildReport(evidence), evidence };
}

/** 0: no error finding; 1: at least one. (2 is for a diagnosis that could not run.) */
export function exitCodeFor(report: Report): 0 | 1 {
  return report.findings.some((f) => f.severity === "error") ? 1 : 0;
}
