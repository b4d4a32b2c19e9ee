// `ecs-doctor record <task> --out case.json [--redact]`: diagnoses the task
// through a recording source and writes the snapshot the diagnosis used, so
// that `ecs-doctor --snapshot case.json` replays it to the same report, after
// ECS has forgotten the task, on another machine, or for someone else.

import { writeFile } from "node:fs/promises";
import { liveTaskLocator } from "./collect/task.js";
import { diagnoseTask } from "./diagnose.js";
import { UsageError } from "./errors.js";
import { type OutputFormat, render } from "./render/index.js";
import { COLOR, PLAIN, wantsColor } from "./render/style.js";
import { openSource, processBudgetMs } from "./source/open.js";
import { recordingSource } from "./source/record.js";
import { redactSnapshot } from "./source/redact.js";
import type { Snapshot } from "./source/snapshot.js";
import type { Source } from "./source/source.js";
import { formatTrace, type TraceEvent, tracedSource } from "./source/trace.js";

export interface RecordOptions {
  /** The file to write; "-" or absent: standard output. */
  out?: string;
  /** Also print the diagnosis on standard output, in this format (only when the snapshot goes to a file). */
  output?: OutputFormat;
  color?: boolean;
  cluster?: string;
  region?: string;
  profile?: string;
  /** Record from a snapshot (to cut one task out of it, or to redact it). */
  snapshot?: string;
  timeout: number;
  redact?: boolean;
  trace?: boolean;
  traceFile?: string;
}

function collectionCount(s: Snapshot): number {
  let n = 0;
  for (const service of ["ecs", "ec2", "ecr", "iam", "secretsmanager", "ssm"] as const) n += Object.keys(s[service] ?? {}).length;
  return n;
}

export async function recordTask(task: string | undefined, opts: RecordOptions): Promise<void> {
  if (opts.output && (!opts.out || opts.out === "-")) {
    throw new UsageError(`record writes the snapshot to standard output: give --out FILE to print the diagnosis (-o ${opts.output}) there as well`);
  }
  let source: Source;
  let locator = task;
  if (opts.snapshot) {
    source = await openSource({ snapshot: opts.snapshot });
    if (!locator) {
      const { SnapshotSource } = await import("./source/snapshot.js");
      const tasks = (source as InstanceType<typeof SnapshotSource>).snapshot.ecs?.tasks ?? [];
      if (tasks.length !== 1 || !tasks[0].taskArn) throw new UsageError(`snapshot ${opts.snapshot} holds ${tasks.length} tasks: name the one to record`);
      locator = tasks[0].taskArn;
    }
  } else {
    if (!locator) throw new UsageError("give the task to record: ecs-doctor record <taskArn> --out case.json (or a task id with --cluster)");
    const parsed = liveTaskLocator(locator, opts);
    source = await openSource({ region: opts.region, regionHint: parsed.region, profile: opts.profile, timeoutMs: processBudgetMs(opts.timeout) });
  }
  const recording = recordingSource(source);
  const events: TraceEvent[] = [];
  try {
    const { report } = await diagnoseTask(tracedSource(recording, events), { task: locator, cluster: opts.cluster });
    let snapshot = await recording.recorded({ description: `recorded by ecs-doctor record: ${report.findings[0]?.id ?? "no finding"}` });
    let redacted = "";
    if (opts.redact) {
      const r = redactSnapshot(snapshot);
      snapshot = r.snapshot;
      redacted = ` Redacted ${r.counts.accounts} account ids, ${r.counts.addresses} addresses and ${r.counts.names} names.`;
    }
    const json = `${JSON.stringify(snapshot, null, 2)}\n`;
    const toStdout = !opts.out || opts.out === "-";
    if (toStdout) process.stdout.write(json);
    else await writeFile(opts.out!, json);
    if (opts.output && !toStdout) process.stdout.write(render(report, opts.output, opts.output === "text" && wantsColor(process.stdout, opts.color) ? COLOR : PLAIN));
    const denied = (snapshot.errors ?? []).map((e) => e.call);
    const top = report.findings[0];
    process.stderr.write(
      `Recorded ${events.length} calls${toStdout ? "" : ` into ${opts.out}`}: ${collectionCount(snapshot)} collections` +
        `${denied.length ? `, ${denied.length} failed calls (${[...new Set(denied)].join(", ")})` : ""}.${redacted}\n` +
        `Diagnosis: ${top ? `${top.id} (${top.severity})` : "no finding"}. Replay it with: ecs-doctor --snapshot ${toStdout ? "FILE" : opts.out}\n`,
    );
    process.exitCode = 0;
  } finally {
    if (opts.trace) process.stderr.write(`\nCalls (${events.length}):\n${formatTrace(events)}\n`);
    if (opts.traceFile) await writeFile(opts.traceFile, events.map((e) => JSON.stringify(e)).join("\n") + (events.length ? "\n" : ""));
  }
}
