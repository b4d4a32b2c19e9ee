// The GitHub Action (action.yml, a composite action running
// scripts/github-action.mjs, which runs the package): its script run here as
// the runner would, against snapshots, with GITHUB_STEP_SUMMARY and
// GITHUB_OUTPUT pointing at temporary files. Preflight fails the job on a
// service whose tasks would not start and passes a healthy one;
// explain-deployment scans the service's stopped tasks since its deployment
// started; both put the Markdown report in the summary and the JSON in an output.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { Report } from "../src/model/report.js";
import type { ScanReport } from "../src/scan.js";
import type { Snapshot } from "../src/source/snapshot.js";
import { manyTasks } from "./fixtures/many-tasks.js";
import { BIN } from "./fixtures/run-cli.js";
import { schemaProblems } from "./fixtures/schemas.js";
import { world } from "./fixtures/world.js";

interface ActionRun { code: number; stdout: string; stderr: string; summary: string; outputs: Record<string, string>; rawOutput: string }

/** Runs the Action's script as the runner would, with the inputs as action.yml maps them. */
function runAction(inputs: Record<string, string>, snapshot?: Snapshot): ActionRun {
  const dir = mkdtempSync(join(tmpdir(), "ecs-doctor-action-test-"));
  const summary = join(dir, "summary.md");
  const output = join(dir, "output.txt");
  writeFileSync(summary, "");
  writeFileSync(output, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "", HOME: dir, AWS_CONFIG_FILE: join(dir, "none"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"), AWS_EC2_METADATA_DISABLED: "true",
    GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output, ECS_DOCTOR_BIN: BIN,
  };
  if (snapshot) {
    const file = join(dir, "snapshot.json");
    writeFileSync(file, JSON.stringify(snapshot));
    env.ECS_DOCTOR_SNAPSHOT = file;
  }
  for (const [k, v] of Object.entries(inputs)) env[`ECS_DOCTOR_${k.toUpperCase().replaceAll("-", "_")}`] = v;
  const r = spawnSync(process.execPath, ["scripts/github-action.mjs"], { env, encoding: "utf8", timeout: 30_000 });
  const outputs: Record<string, string> = {};
  const rawOutput = readFileSync(output, "utf8");
  for (const m of rawOutput.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)) outputs[m[1]] = m[3];
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summary, "utf8"), outputs, rawOutput };
}

/** manyTasks with a deployment of api under way since 09:59:45 (tasks stop one a second back from 10:00:00). */
function deploying(): Snapshot {
  const s = manyTasks(30);
  const api = s.ecs!.services!.find((x) => x.serviceName === "api")!;
  api.deployments = [
    { id: "ecs-svc/2", status: "PRIMARY", taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:8", rolloutState: "IN_PROGRESS", createdAt: "2026-11-24T09:59:45Z" },
    { id: "ecs-svc/1", status: "ACTIVE", taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7", rolloutState: "COMPLETED", createdAt: "2026-11-20T08:00:00Z" },
  ];
  return s;
}

describe("the Action's script, run locally against a snapshot", () => {
  it("preflight passes on a service whose tasks would start: exit 0, the report in the summary, the JSON in the output", () => {
    const run = runAction({ mode: "preflight", cluster: "prod", service: "web" }, world().build());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.outputs.report) as Report;
    expect(report.format).toBe("ecs-doctor-report/1");
    expect(schemaProblems("ecs-doctor-report/1", report)).toEqual([]);
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(run.outputs["exit-code"]).toBe("0");
    expect(run.summary).toMatch(/^# ecs-doctor /);
    expect(run.stdout).toContain("ecs-doctor preflight: no start would fail");
  });

  it("preflight fails the job on a service whose tasks would not start, with an annotation per error and the report in the summary", () => {
    const run = runAction({ mode: "preflight", cluster: "prod", service: "web" }, world().withoutNatGateway().build());
    expect(run.code).toBe(1);
    const report = JSON.parse(run.outputs.report) as Report;
    const top = report.findings[0];
    expect(top.severity).toBe("error");
    expect(run.outputs["top-finding"]).toBe(top.id);
    expect(run.outputs["exit-code"]).toBe("1");
    expect(run.stdout).toContain(`::error title=ecs-doctor preflight%3A ${top.id}::${top.title}`);
    expect(run.summary).toContain(`\`${top.id}\``);
    expect(run.summary).toContain(top.title);
  });

  it("preflight judges the task definition given, on the service's network", () => {
    const s = world().build();
    const run = runAction({ mode: "preflight", cluster: "prod", service: "web", "task-definition": s.ecs!.taskDefinitions![0].taskDefinitionArn! }, s);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.outputs.report) as Report).preflight?.taskDefinitionArn).toBe(s.ecs!.taskDefinitions![0].taskDefinitionArn);
  });

  it("explain-deployment scans the service's stopped tasks since its deployment started, grouped; it does not fail the job", () => {
    const run = runAction({ mode: "explain-deployment", cluster: "prod", service: "api" }, deploying());
    expect(run.code).toBe(0);
    const scan = JSON.parse(run.outputs.report) as ScanReport;
    expect(schemaProblems("ecs-doctor-scan/1", scan)).toEqual([]);
    // 09:59:45 to 10:00:00 holds 16 stopped tasks, api's every third: 5.
    expect(scan.groups).toEqual([expect.objectContaining({ id: "no-route-to-registry", count: 5, services: ["api"] })]);
    expect(run.outputs["top-finding"]).toBe("no-route-to-registry");
    expect(run.stderr).toContain("api's stopped tasks since its deployment ecs-svc/2 started (2026-11-24T09:59:45.000Z)");
    expect(run.summary).toMatch(/^# ecs-doctor scan of prod/);
    expect(run.summary).toContain("| `no-route-to-registry` | 5 | api |");
    expect(run.stdout).toContain("::warning title=ecs-doctor%3A 5 × no-route-to-registry::services: api");
  });

  it("explain-deployment with since: the window given instead", () => {
    const run = runAction({ mode: "explain-deployment", cluster: "prod", service: "api", since: "29s" }, deploying());
    expect((JSON.parse(run.outputs.report) as ScanReport).groups[0].count).toBe(10);
  });

  it.each([
    [{ mode: "deploy", service: "web" }, /mode must be preflight or explain-deployment, not "deploy"/],
    [{ mode: "preflight" }, /preflight needs the input service/],
    [{ mode: "explain-deployment", service: "nope", cluster: "prod" }, /service nope is not in cluster prod/],
  ])("bad input %j fails the step with ecs-doctor's one line as an error annotation", (inputs, message) => {
    const run = runAction(inputs, deploying());
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^::error title=ecs-doctor::/m);
    expect(run.stdout).toMatch(message);
    expect(run.outputs).toEqual({});
  });

  it("writes each output with a delimiter the value does not contain (a report may hold any text)", () => {
    const run = runAction({ mode: "preflight", cluster: "prod", service: "web" }, world().withoutNatGateway().build());
    expect(Object.keys(run.outputs).sort()).toEqual(["exit-code", "report", "top-finding"]);
    expect(run.outputs.report.split("\n").length).toBeGreaterThan(10);
    const delimiters = [...run.rawOutput.matchAll(/^[\w-]+<<(\S+)$/gm)].map((m) => m[1]);
    expect(delimiters).toHaveLength(3);
    for (const d of delimiters) {
      expect(d).toMatch(/^ghadelimiter_[0-9a-f]{32}$/);
      expect(run.outputs.report).not.toContain(d);
    }
    expect(new Set(delimiters).size).toBe(3);
  });
});

describe("action.yml", () => {
  const action = parseYaml(readFileSync("action.yml", "utf8")) as {
    inputs: Record<string, { required?: boolean; default?: string }>; outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { id?: string; shell?: string; run?: string; env?: Record<string, string> }[] };
  };

  it("is a composite action that runs the script with node", () => {
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps).toHaveLength(1);
    expect(action.runs.steps[0]).toMatchObject({ id: "run", shell: "bash", run: 'node "$GITHUB_ACTION_PATH/scripts/github-action.mjs"' });
  });

  it("passes every input to the script as ECS_DOCTOR_<NAME>, and exposes the script's outputs", () => {
    const env = action.runs.steps[0].env!;
    expect(Object.keys(action.inputs).sort()).toEqual(["cluster", "mode", "region", "service", "since", "snapshot", "task-definition", "version"]);
    for (const name of Object.keys(action.inputs)) expect(env[`ECS_DOCTOR_${name.toUpperCase().replaceAll("-", "_")}`]).toBe(`\${{ inputs.${name} }}`);
    expect(action.inputs.mode.default).toBe("preflight");
    for (const [name, o] of Object.entries(action.outputs)) expect(o.value).toBe(`\${{ steps.run.outputs.${name} }}`);
    expect(Object.keys(action.outputs).sort()).toEqual(["exit-code", "report", "top-finding"]);
  });

  it("runs the package with npx at the action's own version", () => {
    const script = readFileSync("scripts/github-action.mjs", "utf8");
    expect(script).toMatch(/\["npx", \["--yes", `ecs-doctor@\$\{version \|\| "latest"\}`\]\]/);
  });
});
