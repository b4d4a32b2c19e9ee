// The library's entry points: the same engine and the same report objects the
// CLI prints with --output json, for code (src/index.ts), the MCP server
// (src/mcp.ts) and the Lambda handler (src/lambda.ts). A source is opened per
// call: a snapshot file, an injected Source, or the live account (the AWS SDK
// is imported only then).

import { collectEvidence, readTask } from "./collect/index.js";
import { parseTaskLocator } from "./collect/task.js";
import { UsageError } from "./errors.js";
import { explainMessage } from "./explain.js";
import type { Report } from "./model/report.js";
import { type PreflightOptions, preflightReport } from "./preflight.js";
import { buildReport } from "./report.js";
import type { HistoryReport } from "./archive/history.js";
import type { ScanReport } from "./scan.js";
import { openSource } from "./source/open.js";
import type { Source } from "./source/source.js";

/** Where the evidence comes from: a snapshot file, a Source of your own, or the live account (region, profile). */
export interface SourceOptions {
  /** Path of an ecs-doctor-snapshot/1 file, read instead of AWS. */
  snapshot?: string;
  /** A Source of your own (a snapshot already loaded, a cached or traced live source). Wins over `snapshot`. */
  source?: Source;
  /** Live: the AWS region (default: AWS_REGION, the profile's, or the task ARN's). */
  region?: string;
  /** Live: the AWS profile (default: AWS_PROFILE). */
  profile?: string;
  /** Live: the time limit for all the calls of one run, in ms. */
  timeoutMs?: number;
}

export interface DiagnoseOptions extends SourceOptions {
  /** A task ARN, or a task id with `cluster`; with a snapshot holding one task, may be left out. */
  task?: string;
  cluster?: string;
}

export interface PreflightRunOptions extends PreflightOptions, SourceOptions {}

export interface ScanOptions extends SourceOptions {
  /** Cluster name or ARN; with a snapshot, defaults to its first task's cluster. */
  cluster?: string;
  /** Only this service's tasks. */
  service?: string;
  /** Only tasks stopped within this long: "30m", "1h", "2d", or a number of ms. */
  since?: string | number;
  /** "Now" for `since`, in ms since the epoch (default: Date.now()). */
  now?: number;
  /** How many tasks are diagnosed at once (default 25). */
  concurrency?: number;
}

async function sourceFor(opts: SourceOptions, defaultTimeoutMs: number, regionHint?: string): Promise<Source> {
  if (opts.source) return opts.source;
  return openSource({ snapshot: opts.snapshot, region: opts.region, profile: opts.profile, regionHint, timeoutMs: opts.timeoutMs ?? defaultTimeoutMs });
}

/** The tasks a snapshot source holds (none for a live source). */
async function snapshotTasks(source: Source): Promise<{ taskArn?: string; clusterArn?: string }[] | undefined> {
  if (source.kind !== "snapshot") return undefined;
  const { SnapshotSource } = await import("./source/snapshot.js");
  return source instanceof SnapshotSource ? (source.snapshot.ecs?.tasks ?? []) : undefined;
}

/** Diagnoses one stopped task: the report `ecs-doctor TASK --output json` prints. */
export async function diagnose(opts: DiagnoseOptions): Promise<Report> {
  let task = opts.task;
  let regionHint: string | undefined;
  if (!opts.source && !opts.snapshot) {
    if (!task) throw new UsageError("give the task to diagnose: a task ARN, or a task id with cluster");
    const parsed = parseTaskLocator({ task, cluster: opts.cluster });
    if (!parsed.arn && !opts.cluster) throw new UsageError(`task id ${parsed.taskId} needs a cluster (or give the full task ARN)`);
    regionHint = parsed.region;
  }
  const source = await sourceFor(opts, 30_000, regionHint);
  if (!task) {
    const tasks = await snapshotTasks(source);
    if (tasks?.length !== 1 || !tasks[0].taskArn) {
      throw new UsageError(
        tasks?.length === 0
          ? "the snapshot holds no task (ecs.tasks): nothing to diagnose"
          : tasks
            ? `the snapshot holds ${tasks.length} tasks: name one (its ARN or id)`
            : "give the task to diagnose: a task ARN, or a task id with cluster",
      );
    }
    task = tasks[0].taskArn;
  }
  const found = await readTask(source, { task, cluster: opts.cluster });
  return buildReport(await collectEvidence(source, found));
}

/** Judges an error message alone, with no AWS call: the report of `ecs-doctor explain`. */
export function explain(message: string): Report {
  return explainMessage(message);
}

/** Judges a service's (or a task definition's) configuration before a deploy: the report of `ecs-doctor preflight`. */
export async function preflight(opts: PreflightRunOptions): Promise<Report> {
  const regionHint = opts.taskDefinition?.startsWith("arn:") ? opts.taskDefinition.split(":")[3] : undefined;
  const source = await sourceFor(opts, 30_000, regionHint);
  return preflightReport(source, opts);
}

export interface HistoryRunOptions {
  /** The archive bucket the Lambda function writes (ARCHIVE_BUCKET). */
  bucket: string;
  cluster?: string;
  service?: string;
  /** How far back: "12h", "7d", or a number of ms (default 7 days). */
  since?: string | number;
  /** "Now" for `since`, in ms since the epoch (default: Date.now()). */
  now?: number;
  /** Where the archive starts in the bucket (default "failures/"). */
  prefix?: string;
  region?: string;
  profile?: string;
  /** Bounds each S3 call, in ms. */
  timeoutMs?: number;
}

/** The archived failures of a window, grouped by root cause: `ecs-doctor history` (needs s3:ListBucket and s3:GetObject). */
export async function history(opts: HistoryRunOptions): Promise<HistoryReport> {
  const [{ readHistory }, { s3Reader }, { parseSince }] = await Promise.all([import("./archive/history.js"), import("./source/s3.js"), import("./scan.js")]);
  const sinceMs = typeof opts.since === "string" ? parseSince(opts.since) : opts.since;
  const reader = await s3Reader({ region: opts.region, profile: opts.profile, timeoutMs: opts.timeoutMs });
  return readHistory(reader, { bucket: opts.bucket, cluster: opts.cluster, service: opts.service, sinceMs, now: opts.now, prefix: opts.prefix });
}

/** Diagnoses every stopped task of a cluster that failed to pull or start, grouped by cause: `ecs-doctor scan`. */
export async function scan(opts: ScanOptions): Promise<ScanReport> {
  const { scanCluster, parseSince } = await import("./scan.js");
  const sinceMs = typeof opts.since === "string" ? parseSince(opts.since) : opts.since;
  const source = await sourceFor(opts, 60_000);
  const cluster = opts.cluster ?? (await snapshotTasks(source))?.[0]?.clusterArn;
  if (!cluster) throw new UsageError("scan needs a cluster");
  return scanCluster(source, { cluster, service: opts.service, sinceMs, now: opts.now, concurrency: opts.concurrency });
}
