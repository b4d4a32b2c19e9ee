#!/usr/bin/env node
// The GitHub Action's logic (action.yml runs it): runs ecs-doctor with npx,
// writes the Markdown report to the job summary ($GITHUB_STEP_SUMMARY) and the
// JSON report to the step's output `report` ($GITHUB_OUTPUT, with a delimiter
// the report cannot contain), and sets the step's exit code:
//   preflight           1 when a start would fail (an error finding), so the job stops there
//   explain-deployment  0 (the deploy already failed; the report says why)
// Either mode fails when ecs-doctor could not run (its exit 2), with its message.
// Plain Node, no dependency: it runs before anything is installed.
//
// Inputs come as ECS_DOCTOR_* environment variables (action.yml maps them).
// ECS_DOCTOR_BIN, when set, is a JS file run with this Node instead of
// `npx ecs-doctor@<version>`: how the tests run it against the repository.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = process.env;
const input = (name) => (env[`ECS_DOCTOR_${name}`] ?? "").trim();

/** One line GitHub shows as an annotation on the run. */
function annotate(level, title, message) {
  const esc = (s) => String(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  process.stdout.write(`::${level} title=${esc(title).replace(/:/g, "%3A").replace(/,/g, "%2C")}::${esc(message)}\n`);
}

function fail(message) {
  annotate("error", "ecs-doctor", message);
  process.exitCode = 2;
}

/** name<<DELIMITER ... DELIMITER, GitHub's form for a multiline output; the delimiter is random, and checked absent. */
function setOutput(name, value) {
  if (!env.GITHUB_OUTPUT) return;
  let delimiter;
  do delimiter = `ghadelimiter_${randomBytes(16).toString("hex")}`;
  while (value.includes(delimiter));
  appendFileSync(env.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

function commonArgs() {
  const args = [];
  for (const [flag, name] of [["--cluster", "CLUSTER"], ["--service", "SERVICE"], ["--region", "REGION"], ["--snapshot", "SNAPSHOT"]]) {
    if (input(name)) args.push(flag, input(name));
  }
  return args;
}

function argsFor(mode, markdownFile) {
  if (!input("SERVICE")) throw new Error(`${mode} needs the input service (and cluster, default "default")`);
  if (mode === "preflight") {
    return ["preflight", ...commonArgs(), ...(input("TASK_DEFINITION") ? ["--task-definition", input("TASK_DEFINITION")] : []), "--output", "json", "--markdown-out", markdownFile];
  }
  if (mode === "explain-deployment") {
    const since = input("SINCE") ? ["--since", input("SINCE")] : ["--since-deployment"];
    return ["scan", ...commonArgs(), ...since, "--output", "json", "--markdown-out", markdownFile];
  }
  throw new Error(`mode must be preflight or explain-deployment, not "${mode}"`);
}

function command() {
  if (env.ECS_DOCTOR_BIN) return [process.execPath, [env.ECS_DOCTOR_BIN]];
  // The package of the action's own version, unless the workflow pins another.
  let version = input("VERSION");
  if (!version && env.GITHUB_ACTION_PATH) {
    try {
      version = JSON.parse(readFileSync(join(env.GITHUB_ACTION_PATH, "package.json"), "utf8")).version;
    } catch {
      // not beside its package.json: the latest
    }
  }
  return ["npx", ["--yes", `ecs-doctor@${version || "latest"}`]];
}

function main() {
  const mode = input("MODE") || "preflight";
  const dir = mkdtempSync(join(tmpdir(), "ecs-doctor-action-"));
  const markdownFile = join(dir, "report.md");
  try {
    let args;
    try {
      args = argsFor(mode, markdownFile);
    } catch (e) {
      return fail(e.message);
    }
    const [cmd, prefix] = command();
    const run = spawnSync(cmd, [...prefix, ...args], { encoding: "utf8", env: { ...env, NO_COLOR: "1" }, maxBuffer: 256 * 1024 * 1024 });
    if (run.error) return fail(`could not run ecs-doctor: ${run.error.message}`);
    process.stderr.write(run.stderr ?? "");
    if (run.status === 2 || run.status === null) return fail((run.stderr || "ecs-doctor could not run").trim().split("\n").pop());

    const json = run.stdout;
    const report = JSON.parse(json);
    setOutput("report", json.trimEnd());
    setOutput("exit-code", String(run.status));
    const findings = report.format === "ecs-doctor-scan/1" ? report.reports.flatMap((r) => r.findings.slice(0, 1)) : report.findings;
    const top = report.format === "ecs-doctor-scan/1" ? report.groups[0]?.id : report.findings[0]?.id;
    setOutput("top-finding", top ?? "");
    let markdown = "";
    try {
      markdown = readFileSync(markdownFile, "utf8");
    } catch {
      markdown = `ecs-doctor wrote no Markdown report.\n`;
    }
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);

    const errors = findings.filter((f) => f.severity === "error");
    if (mode === "preflight") {
      if (run.status === 1) {
        for (const f of errors) annotate("error", `ecs-doctor preflight: ${f.id}`, f.title);
        process.exitCode = 1;
      } else process.stdout.write(`ecs-doctor preflight: no start would fail (${report.findings.length} findings, none an error).\n`);
    } else {
      for (const g of report.groups ?? []) annotate("warning", `ecs-doctor: ${g.count} × ${g.id}`, `services: ${g.services.join(", ") || "-"}`);
      process.stdout.write(`ecs-doctor: ${report.reports.length} of ${report.stoppedTasks} stopped tasks failed to start; the report is in the job summary.\n`);
      process.exitCode = 0;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
