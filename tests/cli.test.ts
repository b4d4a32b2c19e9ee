// The CLI as a process, as a user or a runbook runs it: output formats, exit
// codes, and one clear line on stderr for input it cannot diagnose from.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectValid } from "./fixtures/check-report.js";
import { manyTasks } from "./fixtures/many-tasks.js";
import { BIN, runCli as run, TMP as tmp } from "./fixtures/run-cli.js";
import { world } from "./fixtures/world.js";

function snapshotFile(name: string, content: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const noRoute = snapshotFile("no-route.json", world().withoutNatGateway().build());

describe("ecs-doctor --snapshot", () => {
  it("prints exactly one ecs-doctor-report/1 object on stdout with --output json, and exits 1 on an error finding", async () => {
    const r = await run(["--snapshot", noRoute, "--output", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings[0].id).toBe("no-route-to-registry");
    expectValid(JSON.parse(r.stdout));
  });

  it("diagnoses the snapshot format's own example", async () => {
    const r = await run(["--snapshot", "docs/examples/private-subnet-no-route.json", "--output", "json"]);
    expect(JSON.parse(r.stdout).findings[0].id).toBe("no-route-to-registry");
    expectValid(JSON.parse(r.stdout));
  });

  it("prints the headline, the ranked findings with evidence and fixes in text, without colour when piped", async () => {
    const r = await run(["--snapshot", noRoute]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("container web");
    expect(r.stdout).toMatch(/1\. ERROR .*subnet-0priv/);
    expect(r.stdout).toContain("rtb-0priv");
    expect(r.stdout).toContain("$ aws ec2 create-route");
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("colours only when asked, and --no-color and NO_COLOR win", async () => {
    expect((await run(["--snapshot", noRoute], { FORCE_COLOR: "1" })).stdout).toContain("\u001b[");
    expect((await run(["--snapshot", noRoute, "--no-color"], { FORCE_COLOR: "1" })).stdout).not.toContain("\u001b[");
    expect((await run(["--snapshot", noRoute], { FORCE_COLOR: "1", NO_COLOR: "1" })).stdout).not.toContain("\u001b[");
  });

  it("prints Markdown for a ticket, with the same findings in the same order", async () => {
    const md = await run(["--snapshot", noRoute, "--output", "markdown"]);
    const json = JSON.parse((await run(["--snapshot", noRoute, "--output", "json"])).stdout);
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^# ecs-doctor report/);
    const titles = [...md.stdout.matchAll(/^### \d+\. (.*)$/gm)].map((m) => m[1]);
    expect(titles).toEqual(json.findings.map((f: { title: string }) => f.title));
  });

  it("exits 0 when the report has no error finding", async () => {
    const r = await run(["--snapshot", "demos/essential-container-exited.json", "--output", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0].id).toBe("not-a-pull-failure");
  });

  it("picks the task by ARN or id when a snapshot holds several", async () => {
    const s = world().withoutNatGateway().build();
    const second = structuredClone(s.ecs!.tasks![0]);
    second.taskArn = second.taskArn!.replace(/[0-9a-f]{32}$/, "f".repeat(32));
    s.ecs!.tasks!.push(second);
    const file = snapshotFile("two.json", s);
    const none = await run(["--snapshot", file]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds 2 tasks/);
    const byId = await run(["--snapshot", file, "f".repeat(32), "--output", "json"]);
    expect(JSON.parse(byId.stdout).task.taskArn).toBe(second.taskArn);
  });
});

describe("input it cannot diagnose from: exit 2 and one line on stderr", () => {
  it.each([
    ["a snapshot that does not exist", ["--snapshot", join(tmp, "missing.json")], /does not exist/],
    ["a snapshot that is not JSON", ["--snapshot", snapshotFile("bad.json", "{ not json")], /is not JSON/],
    ["a snapshot of the wrong shape", ["--snapshot", snapshotFile("shape.json", { format: "ecs-doctor-snapshot/1", region: "us-east-1", accountId: "1", ec2: { Subnets: {} } })], /\$\.ec2\.Subnets should be an array/],
    ["a snapshot of another format", ["--snapshot", snapshotFile("fmt.json", { format: "x" })], /\$\.format/],
    ["a task not in the snapshot", ["--snapshot", noRoute, "arn:aws:ecs:us-east-1:123456789012:task/prod/ffffffffffffffffffffffffffffffff"], /not in the snapshot/],
    ["a malformed task ARN", ["arn:aws:ecs:us-east-1:123:cluster/prod"], /is not an ECS task ARN/],
    ["a task id without --cluster", ["0123456789abcdef0123456789abcdef"], /needs --cluster/],
    ["no task at all", [], /give the task to diagnose/],
    ["an unknown output format", ["--snapshot", noRoute, "--output", "yaml"], /yaml/],
  ])("%s", async (_name, args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("says what to do when no region is configured anywhere", async () => {
    const r = await run(["0123456789abcdef0123456789abcdef", "--cluster", "prod"], { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/region/i);
    expect(r.stderr).toMatch(/--region/);
  });

  it("names the profile when the one asked for gives no credentials", async () => {
    const r = await run(["arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef", "--profile", "ops"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/profile "ops" was not found/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("keeps an option error to one line, in the same voice", async () => {
    const r = await run(["--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual(["ecs-doctor: unknown option '--bogus' (see --help)"]);
  });

  it("asks for the message when explain is given an empty one", async () => {
    const r = await run(["explain", ""]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give the message to explain/);
  });

  it("says what to do when no credentials are found", async () => {
    const r = await run(["arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef"], { AWS_REGION: "us-east-1" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/credentials/i);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("ecs-doctor scan --snapshot", () => {
  const many = snapshotFile("many.json", manyTasks(12));

  it("prints one line per cause with its count and services, and exits 1 when a task has an error", async () => {
    const r = await run(["scan", "--snapshot", many]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/12 stopped tasks, 8 failed to pull or start/);
    expect(r.stdout).toMatch(/4 × image-not-found {2}\(services: web\)/);
    expect(r.stdout).toMatch(/4 × no-route-to-registry {2}\(services: api\)/);
  });

  it("prints ecs-doctor-scan/1 with one contract report per task and the groups by count", async () => {
    const r = await run(["scan", "--snapshot", many, "--output", "json"]);
    const scan = JSON.parse(r.stdout);
    expect(scan.format).toBe("ecs-doctor-scan/1");
    expect(scan.groups.map((g: { id: string; count: number }) => [g.id, g.count])).toEqual([["image-not-found", 4], ["no-route-to-registry", 4]]);
    expectValid(scan);
  });

  it("counts --since back from the snapshot's capture, not from today", async () => {
    const s = manyTasks(12);
    s.capturedAt = "2026-11-24T10:00:05Z";
    const r = await run(["scan", "--snapshot", snapshotFile("since.json", s), "--since", "10s", "--output", "json"]);
    // Tasks stopped a second apart from 10:00:00 back: six within 10 s of 10:00:05.
    expect(JSON.parse(r.stdout).stoppedTasks).toBe(6);
  });

  it("groups the causes in Markdown too, before the task reports", async () => {
    const r = await run(["scan", "--snapshot", many, "--output", "markdown"]);
    expect(r.stdout).toMatch(/^# ecs-doctor scan of /);
    expect(r.stdout).toContain("| `image-not-found` | 4 | web |");
    expect(r.stdout.match(/^## Task /gm)).toHaveLength(8);
  });

  it("says a mistyped cluster lists nothing, rather than that all is well", async () => {
    const r = await run(["scan", "--snapshot", many, "--cluster", "nope"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No stopped task found: check the cluster and service names/);
  });

  it("rejects a --since it cannot read with exit 2", async () => {
    const r = await run(["scan", "--snapshot", many, "--since", "soon"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--since/);
  });
});

describe("commands that need no AWS", () => {
  it("--version and --help exit 0", async () => {
    expect((await run(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--snapshot");
  });

  it("demo, not interactive, diagnoses the first scenario: the most common cause, and exits 0 (showing it is the command succeeding)", async () => {
    const r = await run(["demo", "--output", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0].id).toBe("no-route-to-registry");
  });

  it("demo NAME diagnoses that scenario; an unknown name lists the real ones", async () => {
    const r = await run(["demo", "tag-never-pushed", "--output", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0].id).toBe("image-not-found");
    const bad = await run(["demo", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("tag-never-pushed");
  });

  it("stops quietly when the reader stops early (| head)", async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = execFile("/bin/sh", ["-c", `"${process.execPath}" "${BIN}" demo --all | head -1 >/dev/null`], { env: { PATH: process.env.PATH ?? "" } }, (err, _o, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
      child.stdin?.end();
    });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  it("names each denied call once, with the checks it skipped", async () => {
    const file = snapshotFile("denied-rt.json", world().denied("ec2:DescribeRouteTables", ["ec2", "RouteTables"]).build());
    const r = await run(["--snapshot", file]);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("Skipped:") && l.includes("ec2:DescribeRouteTables was denied"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Skipped: .*no-route-to-registry.*route-blackhole/);
  });

  it("demo --all --output json gives every scenario's report, each following the contract", async () => {
    const r = await run(["demo", "--all", "--output", "json"]);
    const verdicts = JSON.parse(r.stdout);
    expect(verdicts.find((v: { name: string }) => v.name === "tag-never-pushed").top).toBe("image-not-found");
    for (const v of verdicts) expectValid(v.report);
  });

  it("demo --all prints one verdict a scenario", async () => {
    const r = await run(["demo", "--all"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tag-never-pushed\s+image-not-found/);
  });

  it("explain judges a message alone, in JSON that follows the contract", async () => {
    const r = await run(["explain", "CannotPullContainerError: toomanyrequests: You have reached your pull rate limit.", "--output", "json"]);
    const report = JSON.parse(r.stdout);
    expect(report.task).toBeNull();
    expect(report.findings[0].id).toBe("registry-rate-limited");
    expect(r.code).toBe(1);
    expectValid(JSON.parse(r.stdout));
  });
});
