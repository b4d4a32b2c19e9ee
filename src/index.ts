// The library: the same engine and report objects the CLI prints.
export { diagnoseTask, exitCodeFor } from "./diagnose.js";
export { explainMessage } from "./explain.js";
export { buildReport } from "./report.js";
export { collectEvidence, readTask } from "./collect/index.js";
export { SnapshotSource, loadSnapshot, parseSnapshot } from "./source/snapshot.js";
export type { Report, Finding } from "./model/report.js";
export type { Evidence } from "./model/evidence.js";
export type { Source } from "./source/source.js";
