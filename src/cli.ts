// The command line. Thin: parse, open a source, run the pipeline, render, and
// set the exit code (0 clean, 1 an error finding, 2 could not diagnose).

import { Command, InvalidArgumentError, Option } from "commander";
import { readFileSync } from "node:fs";
import { diagnoseTask, exitCodeFor } from "./diagnose.js";
import { UsageError } from "./errors.js";
import type { Report } from "./model/report.js";
import { type OutputFormat, render } from "./render/index.js";
import { COLOR, PLAIN, wantsColor } from "./render/style.js";
import { openSource, processBudgetMs } from "./source/open.js";
import type { Source } from "./source/source.js";
import { formatTrace, STAGE_OF_SERVICE, type TraceEvent, tracedSource } from "./source/trace.js";
import leven, { closestMatch } from "leven";
import { REGION_NAME, regionOfArn } from "./analysis/region.js";
import { liveTaskLocator } from "./collect/task.js";
import { listDemos, demoPath } from "./demos.js";
import { startSpinner } from "./spinner.js";
import { writeFile } from "node:fs/promises";

declare const __VERSION__: string | undefined;

export const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "0.1.0";

interface CommonOptions {
  output: OutputFormat;
  color?: boolean;
  trace?: boolean;
  traceFile?: string;
}

interface DiagnoseOptions extends CommonOptions {
  cluster?: string;
  region?: string;
  profile?: string;
  snapshot?: string;
  timeout: number;
}

function parseTimeout(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("give a number of seconds, such as 30");
  return n;
}

/** `-o` is `--output` in every command that prints a report (record's snapshot file is `--out`). */
const outputOption = () =>
  new Option("-o, --output <format>", "text, json or markdown").choices(["text", "json", "markdown"]).default("text");

function regionName(v: string): string {
  if (!REGION_NAME.test(v)) throw new InvalidArgumentError(`"${v}" is not a region name: give one such as us-east-1`);
  return v;
}

const regionOption = (what = "AWS region") => new Option("-r, --region <region>", what).argParser(regionName);

/** A --region that contradicts the region an ARN the user gave names is a mistake: say both. */
function agreeingRegion(region: string | undefined, arn: string | undefined, what: string): void {
  const fromArn = regionOfArn(arn);
  if (region && fromArn && region !== fromArn) throw new UsageError(`--region ${region} contradicts ${what}, which is in ${fromArn}: drop --region, or give ${what} in ${region}`);
}

/** A first word that reads as a mistyped command rather than a task: what to say, or undefined. */
function unknownCommand(word: string, commands: string[]): string | undefined {
  // Task ids are hex digits (or, long ago, UUIDs): a word of letters only is a command.
  if (!/^[a-z]+$/.test(word) || /^[a-f]+$/.test(word)) return undefined;
  const max = word.length >= 7 ? 3 : word.length >= 4 ? 2 : 1;
  const near = closestMatch(word, commands, { maxDistance: max });
  if (near && leven(word, near) <= max) return `unknown command "${word}": did you mean ${near}? (ecs-doctor help lists the commands)`;
  return `unknown command "${word}": the commands are ${commands.join(", ")}; or give a task ARN`;
}

function emit(report: Report, opts: CommonOptions): void {
  const style = opts.output === "text" && wantsColor(process.stdout, opts.color) ? COLOR : PLAIN;
  // Fold to the terminal's width (within reason); 100 columns when piped.
  const width = process.stdout.isTTY && process.stdout.columns ? Math.max(60, Math.min(process.stdout.columns, 160)) : 100;
  process.stdout.write(render(report, opts.output, style, width));
  process.exitCode = exitCodeFor(report);
}

async function writeTrace(events: TraceEvent[], opts: CommonOptions): Promise<void> {
  if (opts.trace && events.length > 0) process.stderr.write(`\nCalls (${events.length}):\n${formatTrace(events)}\n`);
  if (opts.traceFile) await writeFile(opts.traceFile, events.map((e) => JSON.stringify(e)).join("\n") + (events.length ? "\n" : ""));
}

async function runDiagnosis(task: string | undefined, opts: DiagnoseOptions): Promise<void> {
  let source: Source;
  let locatorTask = task;
  if (opts.snapshot) {
    source = await openSource({ snapshot: opts.snapshot, region: opts.region, profile: opts.profile, timeoutMs: opts.timeout * 1000 });
    if (!locatorTask) {
      const all = await source.describeTasks(undefined, []);
      void all;
      const { SnapshotSource } = await import("./source/snapshot.js");
      const tasks = (source as InstanceType<typeof SnapshotSource>).snapshot.ecs?.tasks ?? [];
      if (tasks.length !== 1 || !tasks[0].taskArn) {
        throw new UsageError(
          tasks.length === 0
            ? `snapshot ${opts.snapshot} holds no task (ecs.tasks): nothing to diagnose`
            : `snapshot ${opts.snapshot} holds ${tasks.length} tasks: name one (its ARN or id) after --snapshot`,
        );
      }
      locatorTask = tasks[0].taskArn;
    }
  } else {
    if (!locatorTask) throw new UsageError("give the task to diagnose: ecs-doctor <taskArn>, or a task id with --cluster (try `ecs-doctor demo` for an offline example)");
    const parsed = liveTaskLocator(locatorTask, opts);
    source = await openSource({ region: opts.region, regionHint: parsed.region, profile: opts.profile, timeoutMs: processBudgetMs(opts.timeout) });
  }
  const events: TraceEvent[] = [];
  const spinner = source.kind === "live" ? startSpinner("Reading the task") : undefined;
  const traced = tracedSource(source, events, undefined, (service) => spinner?.text(STAGE_OF_SERVICE[service] ?? "Reading"));
  try {
    const { report } = await diagnoseTask(traced, { task: locatorTask!, cluster: opts.cluster });
    spinner?.stop();
    emit(report, opts);
  } finally {
    spinner?.stop();
    await writeTrace(events, opts);
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("ecs-doctor")
    .description("Explains why an Amazon ECS task failed to start (image pull, secrets, log driver, EFS, network interface, disk), and how to fix it.")
    .version(VERSION, "-v, --version")
    .argument("[task]", "task ARN, or task id with --cluster")
    .option("-c, --cluster <cluster>", "cluster name or ARN (with a task id)")
    .addOption(regionOption("AWS region (default: the task ARN's, else AWS_REGION, else the profile's)"))
    .option("-p, --profile <profile>", "AWS profile (default: AWS_PROFILE)")
    .option("-s, --snapshot <file>", "diagnose from a snapshot file (or s3://bucket/key, an archived failure) instead of AWS")
    .addOption(outputOption())
    .option("--no-color", "no colour in text output")
    .option("--trace", "list every call the diagnosis made, on stderr")
    .option("--trace-file <file>", "write every call as JSON lines")
    .option("--timeout <seconds>", "overall time limit for AWS calls", parseTimeout, 30)
    // Subcommands own the options written after them (`demo --output json`).
    .enablePositionalOptions()
    // Extra words are judged below: `expalin "..."` is a mistyped command, not two tasks.
    .allowExcessArguments(true)
    .action(async (task: string | undefined, opts: DiagnoseOptions, command: Command) => {
      const mistyped = task === undefined ? undefined : unknownCommand(task, program.commands.map((c) => c.name()));
      if (mistyped) throw new UsageError(mistyped);
      if (command.args.length > 1) throw new UsageError(`too many arguments (${command.args.length}): ecs-doctor diagnoses one task at a time; for every stopped task of a cluster, use ecs-doctor scan`);
      await runDiagnosis(task, opts);
    });
  program
    .command("demo")
    .description("diagnose a bundled offline scenario (no AWS account needed)")
    .argument("[name]", "scenario name; without one, lists them (or runs the first when not interactive)")
    .option("--all", "run every scenario and print a one-line verdict each")
    .addOption(outputOption())
    .option("--no-color", "no colour in text output")
    .action(async (name: string | undefined, opts: CommonOptions & { all?: boolean }) => {
      const demos = await listDemos();
      if (opts.all) {
        if (name) throw new UsageError(`demo --all runs every scenario: leave out "${name}", or drop --all`);
        // The gallery's verdicts: exit 0, since every scenario is meant to fail.
        const verdicts: { name: string; description: string; report: Report }[] = [];
        for (const d of demos) {
          const source = await openSource({ snapshot: d.path });
          verdicts.push({ name: d.name, description: d.description, report: (await diagnoseTask(source, { task: d.taskArn })).report });
        }
        if (opts.output === "json") {
          process.stdout.write(`${JSON.stringify(verdicts.map((v) => ({ name: v.name, description: v.description, top: v.report.findings[0]?.id ?? null, report: v.report })), null, 2)}\n`);
        } else {
          for (const v of verdicts) {
            const top = v.report.findings[0];
            const line = `${v.name.padEnd(34)} ${top ? `${top.id} (${top.severity}, ${top.confidence.toFixed(2)})` : "no finding"}`;
            process.stdout.write(opts.output === "markdown" ? `- \`${v.name}\`: ${top ? `\`${top.id}\` (${top.severity})` : "no finding"} — ${v.description}\n` : `${line}\n`);
          }
        }
        process.exitCode = 0;
        return;
      }
      if (!name) {
        // On a terminal: the menu, then the first scenario diagnosed, so a first run shows a diagnosis.
        if (process.stdout.isTTY && opts.output === "text") {
          process.stdout.write("Bundled scenarios (run one with `ecs-doctor demo NAME`, all with `ecs-doctor demo --all`):\n\n");
          for (const d of demos) process.stdout.write(`  ${d.name.padEnd(34)} ${d.description}\n`);
          process.stdout.write(`\nDiagnosing the first, ${demos[0].name}:\n\n`);
        }
        name = demos[0].name;
      }
      const path = await demoPath(name);
      await runDiagnosis(undefined, { ...opts, snapshot: path, timeout: 30 });
      // Every scenario is meant to fail: showing it is the command succeeding.
      process.exitCode = 0;
    });

  program
    .command("explain")
    .description("judge an error message alone, offline")
    .argument("<message>", "the stoppedReason or container reason, quoted (- reads standard input)")
    .addOption(outputOption())
    .option("--no-color", "no colour in text output")
    .action(async (message: string, opts: CommonOptions) => {
      const text = message === "-" ? readFileSync(0, "utf8") : message;
      if (!text.trim()) throw new UsageError('give the message to explain: ecs-doctor explain "CannotPullContainerError: ..." (or - to read it from standard input)');
      const { explainMessage } = await import("./explain.js");
      emit(explainMessage(text), opts);
    });
  program
    .command("scan")
    .description("diagnose every stopped task of a cluster that failed to pull or start, grouped by cause")
    .option("-c, --cluster <cluster>", "cluster name or ARN (with --snapshot: default, the first task's)")
    .option("--service <service>", "only this service's tasks")
    .option("--since <duration>", "only tasks stopped within this long, e.g. 30m, 1h, 2d")
    .option("--since-deployment", "with --service: only tasks stopped since the service's deployment (under way or failed) started")
    .addOption(regionOption())
    .option("-p, --profile <profile>", "AWS profile")
    .option("-s, --snapshot <file>", "scan a snapshot that holds many tasks")
    .option("--markdown-out <file>", "also write the Markdown report to this file (a CI job summary)")
    .addOption(outputOption())
    .option("--no-color", "no colour in text output")
    .option("--trace", "list every call the scan made, on stderr")
    .option("--trace-file <file>", "write every call as JSON lines")
    .option("--timeout <seconds>", "overall time limit for AWS calls", parseTimeout, 60)
    .action(async (opts: DiagnoseOptions & { service?: string; since?: string; sinceDeployment?: boolean; markdownOut?: string }) => {
      const { scanCluster, parseSince, renderScanText, renderScanMarkdown, sinceDeployment } = await import("./scan.js");
      if (opts.since && opts.sinceDeployment) throw new UsageError("give --since or --since-deployment, not both");
      let sinceMs = opts.since ? parseSince(opts.since) : undefined;
      agreeingRegion(opts.region, opts.cluster, "the cluster ARN");
      let cluster = opts.cluster;
      let now: number | undefined;
      const source = await openSource({ snapshot: opts.snapshot, region: opts.region, regionHint: regionOfArn(opts.cluster), profile: opts.profile, timeoutMs: processBudgetMs(opts.timeout) });
      if (opts.snapshot) {
        const { SnapshotSource } = await import("./source/snapshot.js");
        const snapshot = (source as InstanceType<typeof SnapshotSource>).snapshot;
        cluster ??= snapshot.ecs?.tasks?.[0]?.clusterArn;
        // --since counts back from when the snapshot was captured, not from today.
        const captured = snapshot.capturedAt ? Date.parse(snapshot.capturedAt) : Number.NaN;
        if (!Number.isNaN(captured)) now = captured;
      }
      if (!cluster) throw new UsageError("scan needs --cluster NAME");
      const events: TraceEvent[] = [];
      const spinner = source.kind === "live" ? startSpinner(`Scanning ${cluster}`) : undefined;
      try {
        const traced = tracedSource(source, events);
        if (opts.sinceDeployment) {
          const window = await sinceDeployment(traced, cluster, opts.service, now ?? Date.now());
          sinceMs = window.sinceMs;
          spinner?.stop();
          process.stderr.write(`Scanning ${window.said}.\n`);
        }
        const scan = await scanCluster(traced, { cluster, service: opts.service, sinceMs, now });
        spinner?.stop();
        if (opts.output === "json") process.stdout.write(`${JSON.stringify(scan, null, 2)}\n`);
        else if (opts.output === "markdown") process.stdout.write(renderScanMarkdown(scan));
        else process.stdout.write(renderScanText(scan));
        if (opts.markdownOut) await writeFile(opts.markdownOut, renderScanMarkdown(scan));
        process.exitCode = scan.reports.some((r) => exitCodeFor(r) === 1) ? 1 : 0;
      } finally {
        spinner?.stop();
        await writeTrace(events, opts);
      }
    });
  program
    .command("history")
    .description("the failed starts the Lambda function archived in S3, grouped by root cause over days")
    .requiredOption("--bucket <bucket>", "the archive bucket (the stack's ArchiveBucket output)")
    .option("-c, --cluster <cluster>", "only this cluster's failures")
    .option("--service <service>", "only this service's failures")
    .option("--since <duration>", "how far back, e.g. 12h, 7d, 30d", "7d")
    .option("--prefix <prefix>", "where the archive starts in the bucket (the function's ARCHIVE_PREFIX)", "failures/")
    .addOption(regionOption("AWS region (any: the bucket's is found by redirect)"))
    .option("-p, --profile <profile>", "AWS profile")
    .addOption(outputOption())
    .option("--no-color", "no colour in text output")
    .option("--timeout <seconds>", "time limit for each S3 call", parseTimeout, 30)
    .action(async (opts: DiagnoseOptions & { bucket: string; service?: string; since: string; prefix: string }) => {
      const [{ renderHistoryText, renderHistoryMarkdown }, { history: readHistory }] = await Promise.all([import("./archive/history.js"), import("./api.js")]);
      const history = await readHistory({ ...opts, timeoutMs: opts.timeout * 1000 });
      if (opts.output === "json") process.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
      else if (opts.output === "markdown") process.stdout.write(renderHistoryMarkdown(history));
      else process.stdout.write(renderHistoryText(history));
      process.exitCode = 0;
    });
  program
    .command("preflight")
    .description("before a deploy: check that a service's (or a task definition's) images would pull, from every subnet; exit 1 if one would fail")
    .option("-c, --cluster <cluster>", "cluster name or ARN (with --service; default: default)")
    .option("--service <service>", "read the task definition and network configuration from this service")
    .option("--task-definition <family:revision>", "the task definition (with --service: a new revision, judged on the service's network)")
    .option("--subnets <ids>", "without --service: comma-separated subnet ids", commaList)
    .option("--security-groups <ids>", "without --service: comma-separated security group ids", commaList)
    .option("--assign-public-ip <ENABLED|DISABLED>", "without --service: whether Fargate tasks get a public IP (default DISABLED)", upperChoice(["ENABLED", "DISABLED"]))
    .option("--launch-type <FARGATE|EC2>", "default: the service's, else FARGATE if the task definition allows it", upperChoice(["FARGATE", "EC2"]))
    .option("--instance <id>", "EC2 launch type: the EC2 instance (i-...) the pull would leave from")
    .option("--container-instance <arn>", "EC2 launch type: the container instance the pull would leave from")
    .addOption(regionOption())
    .option("-p, --profile <profile>", "AWS profile")
    .option("-s, --snapshot <file>", "check against a snapshot (it needs no task) instead of AWS")
    .option("--markdown-out <file>", "also write the Markdown report to this file (a CI job summary)")
    .addOption(outputOption())
    .option("--no-color", "no colour in text output")
    .option("--trace", "list every call the preflight made, on stderr")
    .option("--trace-file <file>", "write every call as JSON lines")
    .option("--timeout <seconds>", "overall time limit for AWS calls", parseTimeout, 30)
    .action(async (opts: DiagnoseOptions & import("./preflight.js").PreflightOptions & { markdownOut?: string }) => {
      const { preflightReport } = await import("./preflight.js");
      if (!opts.service && !opts.taskDefinition) throw new UsageError("preflight needs --cluster C --service S, or --task-definition FAMILY:REV with --subnets and --security-groups");
      agreeingRegion(opts.region, opts.taskDefinition, "the task definition ARN");
      agreeingRegion(opts.region, opts.cluster, "the cluster ARN");
      const regionHint = regionOfArn(opts.taskDefinition) ?? regionOfArn(opts.cluster);
      const source = await openSource({ snapshot: opts.snapshot, region: opts.region, regionHint, profile: opts.profile, timeoutMs: processBudgetMs(opts.timeout) });
      const events: TraceEvent[] = [];
      const spinner = source.kind === "live" ? startSpinner("Reading the service and task definition") : undefined;
      try {
        const report = await preflightReport(tracedSource(source, events), opts);
        spinner?.stop();
        emit(report, opts);
        if (opts.markdownOut) await writeFile(opts.markdownOut, render(report, "markdown"));
      } finally {
        spinner?.stop();
        await writeTrace(events, opts);
      }
    });
  program
    .command("record")
    .description("diagnose a task and write the snapshot the diagnosis used, to replay later with --snapshot (or to share, with --redact)")
    .argument("[task]", "task ARN, or task id with --cluster (with --snapshot: may be left out when it holds one task)")
    .option("--out <file>", "the snapshot file to write (default: standard output)")
    .addOption(
      new Option("-o, --output <format>", "also print the diagnosis (text, json or markdown) on standard output; needs --out").argParser((v) => {
        if (!["text", "json", "markdown"].includes(v)) throw new InvalidArgumentError(`give text, json or markdown (-o is --output, as in every command; the snapshot file is --out ${v})`);
        return v;
      }),
    )
    .option("--no-color", "no colour in text output")
    .option("-c, --cluster <cluster>", "cluster name or ARN (with a task id)")
    .addOption(regionOption())
    .option("-p, --profile <profile>", "AWS profile")
    .option("-s, --snapshot <file>", "record from a snapshot instead of AWS (to cut out one task, or to redact it)")
    .option("--redact", "replace account ids, IP addresses and resource names, consistently, so the file can be shared")
    .option("--trace", "list every call the recording made, on stderr")
    .option("--trace-file <file>", "write every call as JSON lines")
    .option("--timeout <seconds>", "overall time limit for AWS calls", parseTimeout, 30)
    .action(async (task: string | undefined, opts: import("./record-command.js").RecordOptions) => {
      const { recordTask } = await import("./record-command.js");
      await recordTask(task, opts);
    });
  program
    .command("mcp")
    .description("run a Model Context Protocol server on stdio, for AI agents (tools: diagnose_task, explain_error, preflight_service, scan_cluster)")
    .action(async () => {
      // Loaded only here: the MCP SDK is no part of any other command's start-up.
      const { runMcpServer } = await import("./mcp.js");
      await runMcpServer();
    });
  // `help [command]`, as git and the AWS CLI have it; an unknown name is a mistake like any other.
  program.helpCommand(false);
  program
    .command("help")
    .description("show help for ecs-doctor, or for one of its commands")
    .argument("[command]", "the command")
    .action((name: string | undefined) => {
      if (!name) return program.outputHelp();
      const sub = program.commands.find((c) => c.name() === name);
      if (!sub) throw new UsageError(unknownCommand(name, program.commands.map((c) => c.name())) ?? `unknown command "${name}" (ecs-doctor help lists the commands)`);
      sub.outputHelp();
    });

  return program;
}

function commaList(v: string): string[] {
  const items = v.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError("give one id or more, separated by commas");
  return items;
}

function upperChoice(choices: string[]): (v: string) => string {
  return (v) => {
    const u = v.trim().toUpperCase();
    if (!choices.includes(u)) throw new InvalidArgumentError(`give ${choices.join(" or ")}`);
    return u;
  };
}

/** Messages quote files and AWS errors that hold newlines: stderr keeps its promise of one line. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

export async function main(argv: string[]): Promise<void> {
  // The SDK's notice about its future Node versions is not about this diagnosis,
  // and it would break the promise of one line on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const program = buildProgram();
  program.exitOverride();
  // Subcommands made before this line do not inherit it: without theirs, a bad option of `scan` or `preflight` exits 1, not 2.
  for (const command of program.commands) command.exitOverride();
  // Every complaint is one line, in the same voice as the others, with where to look.
  const outputError = (str: string, write: (s: string) => void) =>
    write(`ecs-doctor: ${oneLine(str).replace(/^error: /, "")} (see --help)\n`);
  for (const command of [program, ...program.commands]) command.configureOutput({ writeErr: (s) => process.stderr.write(s), outputError });
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") {
      process.exitCode = 0;
      return;
    }
    if (typeof e.code === "string" && e.code.startsWith("commander.")) {
      process.exitCode = 2;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`ecs-doctor: ${oneLine(err.message)}\n`);
    } else {
      process.stderr.write(`ecs-doctor: could not diagnose: ${oneLine((err as Error)?.message ?? String(err))}\n`);
      if (process.env.ECS_DOCTOR_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    }
    process.exitCode = 2;
  }
}
