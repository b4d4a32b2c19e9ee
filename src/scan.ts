// `ecs-doctor scan`: every stopped task of a cluster that failed to pull or
// start, diagnosed once each over a shared cache, grouped by root cause.

import { parseMessage } from "./analysis/message.js";
import { collectEvidence } from "./collect/index.js";
import type { FindingId, Fix } from "./diagnostic.js";
import { UsageError } from "./errors.js";
import type { Service, Task } from "./model/aws.js";
import { plural } from "./model/queries.js";
import type { Report } from "./model/report.js";
import { buildReport } from "./report.js";
import { md, renderMarkdown } from "./render/markdown.js";
import { cachedSource } from "./source/cache.js";
import type { Source } from "./source/source.js";

export interface ScanOptions {
  cluster: string;
  service?: string;
  /** Only tasks stopped within this many ms before `now`. */
  sinceMs?: number;
  now?: number;
  /** How many tasks are diagnosed at once. */
  concurrency?: number;
}

export interface ScanGroup {
  id: FindingId;
  count: number;
  tasks: string[];
  services: string[];
}

export interface ScanReport {
  format: "ecs-doctor-scan/1";
  cluster: string;
  /** Stopped tasks seen, and how many of them failed to pull or start. */
  stoppedTasks: number;
  reports: Report[];
  groups: ScanGroup[];
}

/**
 * When the service's deployment that did not complete started: the oldest of
 * its deployments whose rollout is IN_PROGRESS or FAILED (a failed deployment
 * being rolled back is older than the rollback). Undefined when every
 * deployment listed has completed (ECS no longer lists a deployment once it is
 * rolled back and drained).
 */
export function deploymentStart(service: Service): { id: string; startedAt: number } | undefined {
  const open = (service.deployments ?? [])
    .filter((d) => d.rolloutState !== "COMPLETED" && d.createdAt !== undefined)
    .map((d) => ({ id: d.id ?? "(no id)", startedAt: new Date(d.createdAt!).getTime() }))
    .filter((d) => !Number.isNaN(d.startedAt))
    .sort((a, b) => a.startedAt - b.startedAt);
  return open[0];
}

/** `scan --since-deployment`: the window from the start of the service's deployment, or the last hour (ECS's memory) when none is under way. */
export async function sinceDeployment(source: Source, cluster: string, service: string | undefined, now: number): Promise<{ sinceMs: number; said: string }> {
  if (!service) throw new UsageError("--since-deployment needs --service NAME (the service whose deployment to explain)");
  const found = await source.describeServices(cluster, [service]);
  if (found.state !== "known") {
    throw new UsageError(`cannot read when ${service}'s deployment started: ${found.call} ${found.why === "denied" ? `was denied; grant ${found.permission}` : `failed (${found.message})`}, or give --since`);
  }
  if (found.value.length === 0) throw new UsageError(`service ${service} is not in cluster ${cluster}: check --cluster and --service`);
  const start = deploymentStart(found.value[0]);
  if (!start) return { sinceMs: HOUR, said: `${service} has no deployment under way or failed: its stopped tasks of the last hour` };
  return { sinceMs: Math.max(0, now - start.startedAt), said: `${service}'s stopped tasks since its deployment ${start.id} started (${new Date(start.startedAt).toISOString()})` };
}

const HOUR = 3_600_000;

/** "1h", "30m", "2d", "90s" → ms. */
export function parseSince(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(text.trim());
  if (!m) throw new UsageError(`--since takes a duration such as 30m, 1h or 2d, not "${text}"`);
  return Number(m[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[m[2] as "s" | "m" | "h" | "d"];
}

function inScope(t: Task): boolean {
  const messages = [t.stoppedReason, ...(t.containers ?? []).map((c) => c.reason)].filter((m): m is string => Boolean(m));
  return messages.some((m) => parseMessage(m).scope !== "none");
}

export async function scanCluster(source: Source, opts: ScanOptions): Promise<ScanReport> {
  const shared = cachedSource(source);
  const listed = await shared.listStoppedTasks(opts.cluster, opts.service);
  if (listed.state !== "known") {
    throw new UsageError(`cannot list the stopped tasks of ${opts.cluster}: ${listed.call} ${listed.why === "denied" ? `was denied; grant ${listed.permission}` : `failed (${listed.message})`}`);
  }
  const now = opts.now ?? Date.now();
  const recent = listed.value.filter((t) => opts.sinceMs === undefined || t.stoppedAt === undefined || now - new Date(t.stoppedAt).getTime() <= opts.sinceMs!);
  const failed = recent.filter(inScope);
  const reports: Report[] = new Array(failed.length);
  let next = 0;
  const worker = async () => {
    while (next < failed.length) {
      const i = next++;
      reports[i] = buildReport(await collectEvidence(shared, failed[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 25, failed.length) }, worker));
  return { format: "ecs-doctor-scan/1", cluster: opts.cluster, stoppedTasks: recent.length, reports, groups: groupByCause(reports) };
}

export function groupByCause(reports: Report[]): ScanGroup[] {
  const groups = new Map<FindingId, ScanGroup>();
  for (const r of reports) {
    const top = r.findings[0];
    if (!top || !r.task) continue;
    const g = groups.get(top.id) ?? { id: top.id, count: 0, tasks: [], services: [] };
    g.count++;
    g.tasks.push(r.task.taskArn);
    const svc = r.task.group?.startsWith("service:") ? r.task.group.slice(8) : undefined;
    if (svc && !g.services.includes(svc)) g.services.push(svc);
    groups.set(top.id, g);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
}

export function renderScanText(s: ScanReport): string {
  const out = [`Cluster ${s.cluster}: ${plural(s.stoppedTasks, "stopped task")}, ${s.reports.length} failed to pull or start.`, ""];
  for (const g of s.groups) {
    const sample = s.reports.find((r) => r.findings[0]?.id === g.id)!;
    out.push(...groupText({ ...g, title: sample.findings[0].title, fixes: sample.findings[0].fixes }));
  }
  // A mistyped cluster or service lists nothing: say so rather than "all is well".
  if (s.stoppedTasks === 0) out.push("No stopped task found: check the cluster and service names, the region, and --since (ECS keeps stopped tasks about an hour).");
  else if (s.reports.length === 0) out.push("No task failed to pull or start.");
  return `${out.join("\n").trimEnd()}\n`;
}

/** One cause's lines in the text view of a scan (and of `history`): count, id, title, tasks, the first fix; then `more`. */
export function groupText(g: { id: string; count: number; services: string[]; tasks: string[]; title: string | null; fixes: Fix[] }, more: string[] = []): string[] {
  const out = [`${String(g.count).padStart(4)} × ${g.id}${g.services.length ? `  (services: ${g.services.join(", ")})` : ""}`];
  if (g.title) out.push(`       ${g.title}`);
  out.push(`       tasks: ${g.tasks.map((t) => t.split("/").pop()).slice(0, 10).join(", ")}${g.tasks.length > 10 ? `, … ${g.tasks.length - 10} more` : ""}`);
  out.push(...more.map((m) => `       ${m}`));
  for (const f of g.fixes.slice(0, 1)) {
    out.push(`       fix: ${f.summary}`);
    for (const c of f.commands ?? []) out.push(`         $ ${c}`);
  }
  out.push("");
  return out;
}

/** For a ticket: the groups first, one table, then each task's report. */
export function renderScanMarkdown(s: ScanReport): string {
  const out = [`# ecs-doctor scan of ${md(s.cluster)}`, "", `${plural(s.stoppedTasks, "stopped task")}, ${s.reports.length} failed to pull or start.`, ""];
  if (s.groups.length > 0) {
    out.push("| cause | tasks | services |", "| --- | --- | --- |");
    for (const g of s.groups) out.push(`| \`${g.id}\` | ${g.count} | ${g.services.join(", ") || "-"} |`);
    out.push("");
  }
  // Each task's report nests under its own heading: its Path and Findings are ###, its findings ####.
  const body = s.reports.map((r) => renderMarkdown(r, { level: 2, title: `Task \`${r.task?.taskArn.split("/").pop() ?? ""}\`` }));
  return `${[...out, ...body].join("\n").trimEnd()}\n`;
}
