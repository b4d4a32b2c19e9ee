// The library: the same engine and report objects the CLI prints.
//   import { diagnose, explain, preflight, scan } from "ecs-doctor";
// Each returns the object `--output json` prints (ecs-doctor-report/1, or
// ecs-doctor-scan/1 for scan). Bad input rejects with a UsageError (the CLI's
// exit 2); a denied or failed AWS call is a skipped check in the report.
export { diagnose, explain, history, preflight, scan } from "./api.js";
export type { DiagnoseOptions, HistoryRunOptions, PreflightRunOptions, ScanOptions, SourceOptions } from "./api.js";
export type { PreflightOptions } from "./preflight.js";
export { UsageError } from "./errors.js";
export { render, type OutputFormat } from "./render/index.js";

// The engine's parts, for callers that compose their own pipeline.
export { diagnoseTask, exitCodeFor } from "./diagnose.js";
export { explainMessage } from "./explain.js";
export { buildReport } from "./report.js";
export { collectEvidence, readTask, type CollectOptions } from "./collect/index.js";
export { preflightReport } from "./preflight.js";
export { SnapshotSource, loadSnapshot, parseSnapshot, type Snapshot } from "./source/snapshot.js";
export { cachedSource } from "./source/cache.js";
export type { Report, Finding, PreflightInput, ReportTask, Hop } from "./model/report.js";
export type { ScanReport, ScanGroup } from "./scan.js";
export type { HistoryReport, HistoryGroup, HistoryFailure } from "./archive/history.js";
export type { Evidence } from "./model/evidence.js";
export type { Source } from "./source/source.js";
export type { Task } from "./model/aws.js";
export type { FindingId, Severity, EvidenceItem, Fix } from "./diagnostic.js";
