// The grammar people already know from git and the AWS CLI: `help [command]`,
// a mistyped command named with what was meant, -o as --output in every
// command, a --region that is checked, the old task ARN format, and `demo`
// succeeding when it showed its scenario. Each case as a user types it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { liveTaskLocator, parseTaskLocator } from "../src/collect/task.js";
import { diagnoseTask } from "../src/diagnose.js";
import { createLiveSource } from "../src/source/live.js";
import { mockedClients, SnapshotAccount } from "./fixtures/mock-aws.js";
import { runCli as run, snapshotFile, TMP } from "./fixtures/run-cli.js";
import { world } from "./fixtures/world.js";

const TASK_ID = "0123456789abcdef0123456789abcdef";
const ARN = `arn:aws:ecs:us-east-1:123456789012:task/prod/${TASK_ID}`;
const OLD_ARN = `arn:aws:ecs:us-east-1:123456789012:task/${TASK_ID}`;
const DEMO = "demos/private-subnet-no-route.json";

/** One line on stderr, exit 2: the promise for every mistake. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
}

describe("ecs-doctor help [command]", () => {
  it("help prints the usage and every command, exit 0", async () => {
    const r = await run(["help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ecs-doctor/);
    for (const c of ["demo", "explain", "scan", "preflight", "record", "mcp", "help"]) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
  });

  it("help scan prints scan's own usage, exit 0", async () => {
    const r = await run(["help", "scan"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ecs-doctor scan/);
    expect(r.stdout).toContain("--since");
  });

  it("help of a mistyped command says what was meant, exit 2", async () => {
    expectUsageError(await run(["help", "preflite"]), /unknown command "preflite": did you mean preflight\?/);
  });
});

describe("an unknown command", () => {
  it("expalin is exit 2 with 'did you mean explain'", async () => {
    expectUsageError(await run(["expalin", "CannotPullContainerError: ... i/o timeout"]), /unknown command "expalin": did you mean explain\?/);
  });

  it("a word near no command is exit 2 listing the commands", async () => {
    expectUsageError(await run(["frobnicate"]), /unknown command "frobnicate": the commands are/);
    expectUsageError(await run(["foo"]), /unknown command "foo": the commands are .*explain.*scan/);
  });

  it("a task id is still a task (not a command), and two tasks are too many", async () => {
    expectUsageError(await run([TASK_ID]), /needs --cluster/);
    expectUsageError(await run([ARN, TASK_ID]), /too many arguments.*one task at a time/);
  });
});

describe("-o means --output everywhere", () => {
  it.each([
    ["the diagnosis", ["--snapshot", DEMO, "-o", "json"]],
    ["demo", ["demo", "-o", "json"]],
    ["explain", ["explain", "CannotPullContainerError: dial tcp 1.2.3.4:443: i/o timeout", "-o", "json"]],
    ["scan", ["scan", "--snapshot", DEMO, "-o", "json"]],
    ["preflight", ["preflight", "--snapshot", DEMO, "--cluster", "prod", "--service", "web", "-o", "json"]],
  ])("%s: -o json prints JSON", async (_name, args) => {
    const r = await run(args);
    expect(r.code).not.toBe(2);
    expect(JSON.parse(r.stdout).format).toMatch(/^ecs-doctor-(report|scan)\/1$/);
  });

  it("record: -o is the diagnosis' format too, and the snapshot file is --out", async () => {
    const file = join(TMP, "recorded.json");
    const r = await run(["record", "--snapshot", DEMO, "--out", file, "-o", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0].id).toBe("no-route-to-registry");
    expect(JSON.parse(readFileSync(file, "utf8")).format).toBe("ecs-doctor-snapshot/1");
  });

  it("record -o FILE (the old meaning) is exit 2 pointing at --out", async () => {
    expectUsageError(await run(["record", "--snapshot", DEMO, "-o", "case.json"]), /-o is --output.*--out case\.json/);
  });
});

describe("--region is checked", () => {
  it.each([
    ["the diagnosis", [TASK_ID, "--cluster", "prod", "--region", "not-a-region"]],
    ["scan", ["scan", "--cluster", "prod", "--region", "us_east_1"]],
    ["preflight", ["preflight", "--cluster", "prod", "--service", "web", "--region", "US-EAST-1"]],
    ["record", ["record", ARN, "--region", "useast1"]],
  ])("%s: a malformed region is exit 2", async (_name, args) => {
    expectUsageError(await run(args), /is not a region name: give one such as us-east-1/);
  });

  it("a region that contradicts the task ARN's is exit 2 naming both", async () => {
    expectUsageError(await run([ARN, "--region", "eu-west-1"]), /--region eu-west-1 contradicts the task ARN, which is in us-east-1/);
  });

  it("a region that agrees with the task ARN's is accepted", () => {
    expect(liveTaskLocator(ARN, { region: "us-east-1" }).region).toBe("us-east-1");
  });
});

describe("old-format task ARNs (no cluster) with --cluster", () => {
  it("parse, taking the cluster from --cluster", () => {
    expect(parseTaskLocator({ task: OLD_ARN, cluster: "prod" })).toEqual({ region: "us-east-1", accountId: "123456789012", cluster: "prod", taskId: TASK_ID, arn: OLD_ARN });
  });

  it("without --cluster, exit 2 saying to add it", async () => {
    expectUsageError(await run([OLD_ARN]), /old format, which names no cluster: add --cluster/);
  });

  it("are diagnosed live: DescribeTasks gets the cluster and the ARN", async () => {
    const account = new SnapshotAccount(world().withoutNatGateway().mutate((s) => { s.ecs!.tasks![0].taskArn = OLD_ARN; }).build());
    const source = await createLiveSource({ region: "us-east-1", clients: mockedClients(account) });
    const { report } = await diagnoseTask(source, { task: OLD_ARN, cluster: "prod" });
    expect(report.findings[0].id).toBe("no-route-to-registry");
    expect(account.calls.find((c) => c.command === "DescribeTasks")!.input).toMatchObject({ cluster: "prod", tasks: [OLD_ARN] });
  });

  it("are diagnosed from a snapshot by the CLI", async () => {
    const file = snapshotFile(world().withoutNatGateway().mutate((s) => { s.ecs!.tasks![0].taskArn = OLD_ARN; }).build());
    const r = await run(["--snapshot", file, OLD_ARN, "--cluster", "prod", "-o", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0].id).toBe("no-route-to-registry");
  });
});

describe("demo, README's first command", () => {
  it("exits 0 when it showed its demo (every scenario is a failure by design)", async () => {
    const r = await run(["demo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no-route-to-registry");
    expect((await run(["demo", "tag-never-pushed"])).code).toBe(0);
  });

  it("still exits 2 for a scenario that does not exist", async () => {
    expectUsageError(await run(["demo", "nope"]), /tag-never-pushed/);
  });
});
