// `ecs-doctor history --bucket B [--cluster C] [--service S] [--since 7d]`:
// the failed starts the Lambda function archived (src/archive/keys.ts),
// grouped by root cause over days: the scan's view of a week instead of an
// hour. The keys say the day, cluster, service, time, task and top finding,
// so the listing alone counts and groups; one report per cause is read, for
// its title and fix.

import type { Fix, Severity } from "../diagnostic.js";
import { UsageError } from "../errors.js";
import { plural } from "../model/queries.js";
import type { Report } from "../model/report.js";
import { groupText } from "../scan.js";
import type { S3Reader } from "../source/s3.js";
import { ARCHIVE_PREFIX, type ArchivedFailure, clusterName, parseKey, prefixesFor } from "./keys.js";

export const HISTORY_FORMAT = "ecs-doctor-history/1";
/** Up to this many days, each day's prefix is listed straight away; beyond, the days present are listed first. */
const LIST_EVERY_DAY_UP_TO = 31;
/** Without --since: a week. */
export const DEFAULT_SINCE_MS = 7 * 864e5;

export interface HistoryOptions {
  bucket: string;
  cluster?: string;
  service?: string;
  /** How far back from `now` (default 7 days). */
  sinceMs?: number;
  now?: number;
  /** Where the archive starts in the bucket (default failures/, as ARCHIVE_PREFIX of the function). */
  prefix?: string;
}

/** One archived failure, with where its objects are. */
export interface HistoryFailure extends Omit<ArchivedFailure, "reportKey" | "snapshotKey"> {
  report: string;
  /** null when the folder holds no snapshot.json (a write that failed). */
  snapshot: string | null;
}

export interface HistoryGroup {
  /** The top finding id of these failures ("none": the diagnosis found nothing). */
  id: string;
  count: number;
  /** From the newest report of the group; null when it could not be read. */
  title: string | null;
  severity: Severity | null;
  fixes: Fix[];
  clusters: string[];
  services: string[];
  /** Failures per UTC day, oldest day first. */
  days: Record<string, number>;
  firstSeen: string;
  lastSeen: string;
  /** Task ids, newest first. */
  tasks: string[];
  /** The newest failure's objects: `ecs-doctor --snapshot <snapshot>` diagnoses it again. */
  latest: { report: string; snapshot: string | null };
}

export interface HistoryReport {
  format: typeof HISTORY_FORMAT;
  bucket: string;
  prefix: string;
  cluster: string | null;
  service: string | null;
  since: string;
  until: string;
  /** How many failures the window holds. */
  failures: number;
  groups: HistoryGroup[];
  /** Every failure, newest first. */
  archived: HistoryFailure[];
  /** Reports that could not be read (their group has no title), with why. */
  unread: { report: string; reason: string }[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function readHistory(reader: S3Reader, opts: HistoryOptions): Promise<HistoryReport> {
  const prefix = opts.prefix ?? ARCHIVE_PREFIX;
  if (prefix !== "" && !prefix.endsWith("/")) throw new UsageError(`--prefix must end with "/" (such as ${ARCHIVE_PREFIX}), not "${prefix}"`);
  const now = opts.now ?? Date.now();
  const sinceMs = opts.sinceMs ?? DEFAULT_SINCE_MS;
  const cluster = opts.cluster ? clusterName(opts.cluster) : undefined;
  const from = now - sinceMs;
  let prefixes = prefixesFor({ sinceMs, now, cluster, service: opts.service }, prefix);
  // A long window: list only the days the archive holds (one more round, instead of a call per empty day).
  if (prefixes.length > LIST_EVERY_DAY_UP_TO) {
    const days = new Set(await reader.listFolders(opts.bucket, prefix));
    prefixes = prefixes.filter((p) => days.has(p.slice(0, prefix.length + 11)));
  }
  // Every day of the window at once: the listing is one round, whatever the window.
  const listed = (await Promise.all(prefixes.map((p) => reader.listKeys(opts.bucket, p)))).flat();

  const folders = new Map<string, HistoryFailure>();
  const snapshots = new Set<string>();
  for (const key of listed) {
    const k = parseKey(key, prefix);
    if (!k) continue;
    if (k.object === "snapshot") {
      snapshots.add(k.folder);
      continue;
    }
    const at = Date.parse(k.stoppedAt);
    if (at < from || at > now) continue;
    if (opts.service && k.service !== opts.service) continue;
    const { object: _o, folder: _f, ...failure } = k;
    folders.set(k.folder, { ...failure, report: `s3://${opts.bucket}/${key}`, snapshot: null });
  }
  for (const [folder, f] of folders) if (snapshots.has(folder)) f.snapshot = `s3://${opts.bucket}/${folder}snapshot.json`;
  const archived = [...folders.values()].sort((a, b) => b.stoppedAt.localeCompare(a.stoppedAt) || a.taskId.localeCompare(b.taskId));

  const byCause = new Map<string, HistoryFailure[]>();
  for (const f of archived) byCause.set(f.top, [...(byCause.get(f.top) ?? []), f]);
  const unread: HistoryReport["unread"] = [];
  const groups = await Promise.all(
    [...byCause].map(async ([id, failures]): Promise<HistoryGroup> => {
      const newest = failures[0];
      const top = await readTop(reader, opts.bucket, newest.report, unread);
      const days: Record<string, number> = {};
      for (const f of [...failures].reverse()) days[f.day] = (days[f.day] ?? 0) + 1;
      return {
        id, count: failures.length, title: top?.title ?? null, severity: top?.severity ?? null, fixes: top?.fixes ?? [],
        clusters: distinct(failures.map((f) => f.cluster)), services: distinct(failures.flatMap((f) => (f.service ? [f.service] : []))),
        days, firstSeen: failures[failures.length - 1].stoppedAt, lastSeen: newest.stoppedAt, tasks: failures.map((f) => f.taskId),
        latest: { report: newest.report, snapshot: newest.snapshot },
      };
    }),
  );
  groups.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  return {
    format: HISTORY_FORMAT, bucket: opts.bucket, prefix, cluster: cluster ?? null, service: opts.service ?? null,
    since: iso(from), until: iso(now), failures: archived.length, groups, archived, unread,
  };
}

function distinct(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

/** The top finding of an archived report; a report that cannot be read leaves its group untitled, and is said. */
async function readTop(reader: S3Reader, bucket: string, url: string, unread: HistoryReport["unread"]): Promise<Report["findings"][number] | undefined> {
  try {
    const report = JSON.parse(await reader.getText(bucket, url.slice(`s3://${bucket}/`.length))) as Report;
    return report.findings?.[0];
  } catch (e) {
    unread.push({ report: url, reason: (e as Error).message });
    return undefined;
  }
}

function scope(h: HistoryReport): string {
  const where = [h.cluster ? `cluster ${h.cluster}` : "every cluster", h.service ? `service ${h.service}` : undefined].filter(Boolean).join(", ");
  const day = (s: string) => s.slice(0, 16).replace("T", " ");
  return `${where}, ${day(h.since)}Z to ${day(h.until)}Z`;
}

export function renderHistoryText(h: HistoryReport): string {
  const out = [`Archive s3://${h.bucket}/${h.prefix} (${scope(h)}): ${plural(h.failures, "failed start")}, ${plural(h.groups.length, "cause")}.`, ""];
  for (const g of h.groups) {
    const days = Object.entries(g.days).map(([d, n]) => `${d.slice(5)} ${n}`).join(", ");
    const more = [`days: ${days}`, ...(g.latest.snapshot ? [`latest: ecs-doctor --snapshot ${g.latest.snapshot}`] : [])];
    out.push(...groupText({ ...g, title: g.title ?? "(its report could not be read)" }, more));
  }
  if (h.failures === 0) out.push(`No archived failure in this window: check --bucket, --cluster, --service and --since (the function archives under ${h.prefix}).`);
  for (const u of h.unread) out.push(`Not read: ${u.report}: ${u.reason}`);
  return `${out.join("\n").trimEnd()}\n`;
}

export function renderHistoryMarkdown(h: HistoryReport): string {
  const out = [`# ecs-doctor history of \`s3://${h.bucket}/${h.prefix}\``, "", `${scope(h)}: ${plural(h.failures, "failed start")}, ${plural(h.groups.length, "cause")}.`, ""];
  if (h.groups.length > 0) {
    out.push("| cause | failures | services | first seen | last seen |", "| --- | --- | --- | --- | --- |");
    for (const g of h.groups) out.push(`| \`${g.id}\` | ${g.count} | ${g.services.join(", ") || "-"} | ${g.firstSeen} | ${g.lastSeen} |`);
    out.push("");
  }
  for (const g of h.groups) {
    out.push(`## \`${g.id}\`${g.title ? `: ${g.title}` : ""}`, "");
    out.push(`${plural(g.count, "failure")} (${Object.entries(g.days).map(([d, n]) => `${d}: ${n}`).join(", ")}); clusters: ${g.clusters.join(", ")}.`, "");
    if (g.latest.snapshot) out.push(`Diagnose the latest again: \`ecs-doctor --snapshot ${g.latest.snapshot}\``, "");
    for (const f of g.fixes.slice(0, 1)) {
      out.push(`**Fix:** ${f.summary}`, "");
      if (f.commands?.length) out.push("```sh", ...f.commands, "```", "");
    }
  }
  if (h.unread.length > 0) out.push("Not read:", "", ...h.unread.map((u) => `- \`${u.report}\`: ${u.reason}`), "");
  return `${out.join("\n").trimEnd()}\n`;
}
