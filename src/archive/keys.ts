// Where the archive keeps a failed start in S3, and how a listing is read back.
//
//   failures/<YYYY-MM-DD>/<cluster>/<service>/<HHMMSS>Z_<taskId>_<finding-id>/report.json
//   failures/<YYYY-MM-DD>/<cluster>/<service>/<HHMMSS>Z_<taskId>_<finding-id>/snapshot.json
//
// The day (UTC, of the task's stoppedAt) comes first because every question
// `history` asks has a time window: a week of one service is 8 prefixes
// (`failures/<day>/<cluster>/<service>/`), listed at once, however long the
// bucket keeps objects and however many clusters write to it. A cluster, a
// service or a day alone is still one prefix per day. The time of day sorts a
// day's failures, and --since cuts inside a day without reading an object.
// The top finding id is in the key so that grouping by root cause needs the
// listing only: history reads one report per cause (for its title and fix),
// not one per failure. Tasks outside a service are filed under `(no-service)`:
// a service name holds only letters, digits, hyphens and underscores, so it
// cannot collide, and each part of the key stays within S3's safe characters.

import type { Report } from "../model/report.js";

export const ARCHIVE_PREFIX = "failures/";
export const NO_SERVICE = "(no-service)";
/** The key's cause when the diagnosis found nothing. */
export const NO_FINDING = "none";

export interface ArchivedFailure {
  /** UTC day of the failure, YYYY-MM-DD. */
  day: string;
  /** When the task stopped, ISO 8601 to the second. */
  stoppedAt: string;
  cluster: string;
  /** null: a task started outside a service (RunTask). */
  service: string | null;
  taskId: string;
  /** The top finding's id, or "none". */
  top: string;
  /** Keys of the two objects, relative to the bucket. */
  reportKey: string;
  snapshotKey: string;
}

/** "cluster/prod" or a full ARN → "prod". */
export function clusterName(clusterArnOrName: string): string {
  return clusterArnOrName.split("/").pop() ?? clusterArnOrName;
}

/** A task's service from its group ("service:web"), else null. */
export function serviceOf(group: string | undefined): string | null {
  return group?.startsWith("service:") ? group.slice("service:".length) : null;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The folder (ending in "/") that holds one failure's report.json and snapshot.json. */
export function failureFolder(args: { stoppedAt: Date; cluster: string; service: string | null; taskId: string; top: string | null }, prefix = ARCHIVE_PREFIX): string {
  const d = args.stoppedAt;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return `${prefix}${dayOf(d)}/${clusterName(args.cluster)}/${args.service ?? NO_SERVICE}/${time}_${args.taskId}_${args.top ?? NO_FINDING}/`;
}

/** The folder of a report the Lambda handler made. */
export function folderForReport(report: Report, stoppedAt: Date, prefix = ARCHIVE_PREFIX): string {
  const task = report.task!;
  // An old-format task ARN (task/<id>) names no cluster: the report's clusterArn does.
  const parts = task.taskArn.split("/");
  const cluster = task.clusterArn ?? (parts.length > 2 ? parts[1] : "default");
  return failureFolder(
    { stoppedAt, cluster, service: serviceOf(task.group), taskId: task.taskArn.split("/").pop()!, top: report.findings[0]?.id ?? null },
    prefix,
  );
}

const KEY = /^(\d{4}-\d{2}-\d{2})\/([^/]+)\/([^/]+)\/(\d{2})(\d{2})(\d{2})Z_([0-9A-Za-z-]+)_([a-z0-9-]+)\/(report|snapshot)\.json$/;

/** A listed key, read back; undefined for anything else in the bucket. */
export function parseKey(key: string, prefix = ARCHIVE_PREFIX): (Omit<ArchivedFailure, "reportKey" | "snapshotKey"> & { object: "report" | "snapshot"; folder: string }) | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const m = KEY.exec(key.slice(prefix.length));
  if (!m) return undefined;
  const [, day, cluster, service, hh, mm, ss, taskId, top, object] = m;
  return {
    day, cluster, service: service === NO_SERVICE ? null : service, taskId, top,
    stoppedAt: `${day}T${hh}:${mm}:${ss}Z`, object: object as "report" | "snapshot", folder: key.slice(0, key.lastIndexOf("/") + 1),
  };
}

/**
 * The prefixes to list for a window: one per UTC day from `since` to `now`
 * (the days' folders, narrowed to the cluster and service when given).
 */
export function prefixesFor(opts: { sinceMs: number; now: number; cluster?: string; service?: string }, prefix = ARCHIVE_PREFIX): string[] {
  const tail = opts.cluster ? `${clusterName(opts.cluster)}/${opts.service ? `${opts.service}/` : ""}` : "";
  const out: string[] = [];
  const first = Date.UTC(...ymd(opts.now - opts.sinceMs));
  for (let t = first; t <= opts.now; t += 864e5) out.push(`${prefix}${dayOf(new Date(t))}/${tail}`);
  return out;
}

function ymd(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
}
