// Opens the source a command reads: a snapshot file, or the live account.
// The live source (and with it the AWS SDK) is imported only when used.

import { UsageError } from "../errors.js";
import { loadSnapshot, SnapshotSource } from "./snapshot.js";
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
    const snapshot = await loadSnapshot(opts.snapshot);
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
