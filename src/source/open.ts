// Opens the source a command reads: a snapshot file (or an S3 object:
// s3://bucket/key, such as an archived failure's snapshot.json), or the live
// account. The AWS SDK is imported only when one of those is used.

import { UsageError } from "../errors.js";
import { loadSnapshot, type Snapshot, SnapshotSource, snapshotFromText } from "./snapshot.js";
import type { Source } from "./source.js";

export interface SourceOptions {
  snapshot?: string;
  region?: string;
  profile?: string;
  /** A region read off the task ARN, used when no other region is configured. */
  regionHint?: string;
  /** Overall time limit for one diagnosis's calls, in ms. */
  timeoutMs?: number;
}

export function simulatedLatencyMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.ECS_DOCTOR_SIMULATED_LATENCY_MS;
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`ECS_DOCTOR_SIMULATED_LATENCY_MS must be a number of milliseconds, not "${raw}"`);
  return n;
}

export async function openSource(opts: SourceOptions): Promise<Source> {
  if (opts.snapshot) {
    const snapshot = opts.snapshot.startsWith("s3://") ? await loadS3Snapshot(opts.snapshot, opts) : await loadSnapshot(opts.snapshot);
    return new SnapshotSource(snapshot, { latencyMs: simulatedLatencyMs() });
  }
  const asked = performance.now();
  const { createLiveSource } = await import("./live.js");
  // Loading the SDK (most of a second on a busy machine) is spent from the budget, not added to it.
  const timeoutMs = opts.timeoutMs === undefined ? undefined : Math.max(1, opts.timeoutMs - (performance.now() - asked));
  return createLiveSource({ region: opts.region, regionHint: opts.regionHint, profile: opts.profile, timeoutMs });
}

/**
 * A command's --timeout bounds its process, not only its calls: they get what is left of it since
 * the process started, less half a second to judge and print what was read (on a busy machine that
 * takes a few hundred milliseconds).
 */
export function processBudgetMs(seconds: number): number {
  return Math.max(100, Math.floor(seconds * 1000 - performance.now() - 500));
}

/** An S3 object holding a snapshot (s3:GetObject only); its bucket's region is found by redirect. */
async function loadS3Snapshot(url: string, opts: SourceOptions): Promise<Snapshot> {
  const { parseS3Url, s3Reader } = await import("./s3.js");
  const { bucket, key } = parseS3Url(url);
  if (/(^|\/)report\.json$/.test(key)) {
    throw new UsageError(`${url} is an archived report, not a snapshot: give the snapshot.json beside it (s3://${bucket}/${key.replace(/report\.json$/, "snapshot.json")})`);
  }
  const reader = await s3Reader({ region: opts.region, profile: opts.profile, timeoutMs: opts.timeoutMs });
  return snapshotFromText(await reader.getText(bucket, key), `s3://${bucket}/${key}`);
}
