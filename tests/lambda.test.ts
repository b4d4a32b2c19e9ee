// The Lambda handler, offline: recorded ECS Task State Change events
// (tests/fixtures/events/) against snapshots, SNS mocked with
// aws-sdk-client-mock, the webhook with a stubbed fetch. It gives the CLI's
// report, publishes its Markdown, and ignores other events without a call.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { listDemos } from "../src/demos.js";
import { createHandler, type EcsTaskStateChangeEvent, type HandlerOptions } from "../src/lambda.js";
import { parseSnapshot, type Snapshot, SnapshotSource } from "../src/source/snapshot.js";
import type { Source } from "../src/source/source.js";
import { createLiveSource } from "../src/source/live.js";
import { mockedClients, SnapshotAccount } from "./fixtures/mock-aws.js";
import { cliJson, runCli, snapshotFile } from "./fixtures/run-cli.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:ecs-doctor-reports";
const WEBHOOK = "https://hooks.example.invalid/services/T000/B000/XXXX";

function event(name: string): EcsTaskStateChangeEvent {
  return JSON.parse(readFileSync(`tests/fixtures/events/${name}.json`, "utf8"));
}

function demo(name: string): Snapshot {
  return parseSnapshot(JSON.parse(readFileSync(`demos/${name}.json`, "utf8")));
}

/** The snapshot with the event's task in place of its own: what the CLI diagnoses to compare with. */
function withTask(s: Snapshot, e: EcsTaskStateChangeEvent): Snapshot {
  const out = structuredClone(s);
  out.ecs!.tasks = [e.detail!];
  return out;
}

interface Harness {
  options: HandlerOptions;
  logs: string[];
  errors: string[];
  webhook: { url: string; init: RequestInit }[];
  sourcesOpened: string[];
  taskReads: number;
}

function harness(snapshot: Snapshot, env: Record<string, string> = { TOPIC_ARN: TOPIC, WEBHOOK_URL: WEBHOOK }, webhookStatus = 200): Harness {
  const h: Harness = { options: {}, logs: [], errors: [], webhook: [], sourcesOpened: [], taskReads: 0 };
  h.options = {
    env,
    log: (line) => h.logs.push(line),
    logError: (line) => h.errors.push(line),
    fetch: (async (url: string, init: RequestInit) => {
      h.webhook.push({ url, init });
      return new Response("ok", { status: webhookStatus });
    }) as typeof fetch,
    sourceFor: async (region) => {
      h.sourcesOpened.push(region);
      const source = new SnapshotSource(snapshot);
      const describeTasks = source.describeTasks.bind(source);
      source.describeTasks = (...args: Parameters<Source["describeTasks"]>) => {
        h.taskReads++;
        return describeTasks(...args);
      };
      return source;
    },
  };
  return h;
}

const sns = mockClient(SNSClient);

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "00000000-0000-0000-0000-000000000001" });
});

afterAll(() => sns.restore());

describe("Lambda handler on recorded ECS Task State Change events", () => {
  it.each([
    ["pull-timeout-fargate", "private-subnet-no-route", "no-route-to-registry"],
    ["manifest-unknown-fargate", "tag-never-pushed", "image-not-found"],
  ])("%s: diagnoses the task from the event, logs the CLI's JSON report in one line, publishes the Markdown", async (name, world, top) => {
    const e = event(name);
    const h = harness(demo(world));
    const result = await createHandler(h.options)(e);
    expect(result).toMatchObject({ status: "diagnosed", top, notified: ["sns", "webhook"], failedNotifications: [] });
    // The event held the whole task: no DescribeTasks round trip.
    expect(h.taskReads).toBe(0);
    expect(h.sourcesOpened).toEqual(["us-east-1"]);

    const file = snapshotFile(withTask(demo(world), e));
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).not.toContain("\n");
    expect(JSON.parse(h.logs[0])).toEqual(await cliJson(["--snapshot", file]));
    const markdown = (await runCli(["--snapshot", file, "--output", "markdown"])).stdout;

    const published = sns.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    const input = published[0].args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Message).toBe(markdown);
    expect(input.Subject).toBe(`ecs-doctor: ${top} - task 0123456789abcdef0123456789abcdef`);
    expect(input.Subject!.length).toBeLessThanOrEqual(100);

    expect(h.webhook).toHaveLength(1);
    expect(h.webhook[0].url).toBe(WEBHOOK);
    expect(h.webhook[0].init.method).toBe("POST");
    expect(JSON.parse(String(h.webhook[0].init.body))).toEqual({ text: markdown });
  });

  it("reads the task with DescribeTasks when the event leaves out what the collector needs", async () => {
    const h = harness(demo("private-subnet-no-route"), {});
    const result = await createHandler(h.options)(event("pull-timeout-no-attachments"));
    expect(result).toMatchObject({ status: "diagnosed", top: "no-route-to-registry", notified: [] });
    expect(h.taskReads).toBe(1);
    expect(JSON.parse(h.logs[0])).toEqual(await cliJson(["--snapshot", "demos/private-subnet-no-route.json"]));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it.each(["essential-container-exited", "task-running"])("%s: ignored before any AWS call", async (name) => {
    const h = harness(demo("private-subnet-no-route"));
    const result = await createHandler(h.options)(event(name));
    expect(result.status).toBe("ignored");
    expect(h.sourcesOpened).toEqual([]);
    expect(h.logs).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(h.webhook).toEqual([]);
  });

  it("ignores events of another kind", async () => {
    const h = harness(demo("private-subnet-no-route"));
    const other = { ...event("pull-timeout-fargate"), "detail-type": "ECS Service Action" };
    expect((await createHandler(h.options)(other)).status).toBe("ignored");
    expect(h.sourcesOpened).toEqual([]);
  });

  it("with only a webhook configured, posts there and publishes nothing", async () => {
    const h = harness(demo("tag-never-pushed"), { WEBHOOK_URL: WEBHOOK });
    const result = await createHandler(h.options)(event("manifest-unknown-fargate"));
    expect(result).toMatchObject({ status: "diagnosed", notified: ["webhook"] });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("a failed notification is logged; the invocation fails only when nothing was delivered", async () => {
    const partial = harness(demo("tag-never-pushed"), { TOPIC_ARN: TOPIC, WEBHOOK_URL: WEBHOOK }, 500);
    const result = await createHandler(partial.options)(event("manifest-unknown-fargate"));
    expect(result).toMatchObject({ status: "diagnosed", notified: ["sns"], failedNotifications: ["webhook: HTTP 500"] });
    expect(partial.errors).toEqual(["ecs-doctor: notification failed: webhook: HTTP 500"]);

    sns.on(PublishCommand).rejects(new Error("AuthorizationError: not authorized to perform SNS:Publish"));
    const none = harness(demo("tag-never-pushed"), { TOPIC_ARN: TOPIC, WEBHOOK_URL: WEBHOOK }, 500);
    await expect(createHandler(none.options)(event("manifest-unknown-fargate"))).rejects.toThrow(/every notification failed/);
    // The report is in the log all the same.
    expect(none.logs).toHaveLength(1);
  });

  it("never prints the webhook's URL (it is a secret)", async () => {
    const h = harness(demo("tag-never-pushed"), { WEBHOOK_URL: WEBHOOK }, 403);
    await expect(createHandler(h.options)(event("manifest-unknown-fargate"))).rejects.toThrow();
    expect([...h.logs, ...h.errors].join("\n")).not.toContain("hooks.example.invalid");
  });
});

describe("Lambda handler on a live account (the SDK mocked from a snapshot)", () => {
  it.each([
    ["pull-timeout-fargate", 0],
    ["pull-timeout-no-attachments", 1],
  ])("%s: the report the snapshot gives, with %i DescribeTasks", async (name, describeTasks) => {
    const e = event(name);
    const snapshot = demo("private-subnet-no-route");
    const account = new SnapshotAccount(snapshot);
    const logs: string[] = [];
    const handler = createHandler({
      env: { TOPIC_ARN: TOPIC },
      log: (l) => logs.push(l),
      sourceFor: (region) => createLiveSource({ region, clients: mockedClients(account) }),
    });
    expect(await handler(e)).toMatchObject({ status: "diagnosed", top: "no-route-to-registry", notified: ["sns"] });
    expect(account.calls.filter((c) => c.command === "DescribeTasks")).toHaveLength(describeTasks);
    const expected = await cliJson(["--snapshot", snapshotFile(describeTasks ? snapshot : withTask(snapshot, e))]) as { findings: { id: string }[] };
    const report = JSON.parse(logs[0]);
    expect(report.findings.map((f: { id: string }) => f.id)).toEqual(expected.findings.map((f) => f.id));
    expect(report.source.kind).toBe("live");
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.TopicArn).toBe(TOPIC);
  });
});

describe("Lambda handler on the demo gallery: the CLI's report for every task that failed to start", async () => {
  const demos = await listDemos();
  it.each(demos.map((d) => [d.name, d.path] as const))("%s", async (_name, path) => {
    const snapshot = parseSnapshot(JSON.parse(readFileSync(path, "utf8")));
    const task = snapshot.ecs!.tasks![0];
    const e: EcsTaskStateChangeEvent = { version: "0", "detail-type": "ECS Task State Change", source: "aws.ecs", region: snapshot.region, detail: task } as EcsTaskStateChangeEvent;
    const h = harness(snapshot, {});
    const result = await createHandler(h.options)(e);
    const cli = await cliJson(["--snapshot", path]) as { findings: { id: string }[] };
    if (cli.findings[0]?.id === "not-a-pull-failure") {
      expect(result.status).toBe("ignored");
    } else {
      expect(result.status).toBe("diagnosed");
      expect(JSON.parse(h.logs[0])).toEqual(cli);
    }
  });
});

describe("npm run package:lambda", () => {
  it("bundles the handler into one index.mjs, zipped, that Lambda's Node 20 runtime can load as index.handler", async () => {
    const out = mkdtempSync(join(tmpdir(), "ecs-doctor-lambda-"));
    execFileSync(process.execPath, ["scripts/package-lambda.mjs", "--out", out], { stdio: "pipe" });
    const zip = readFileSync(join(out, "ecs-doctor-lambda.zip"));
    // The first entry: its local header, name and deflated data.
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    const nameLength = zip.readUInt16LE(26);
    expect(zip.subarray(30, 30 + nameLength).toString()).toBe("index.mjs");
    const packed = zip.subarray(30 + nameLength, 30 + nameLength + zip.readUInt32LE(18));
    const bundled = readFileSync(join(out, "lambda", "index.mjs"));
    expect(inflateRawSync(packed).equals(bundled)).toBe(true);
    // One file: it imports nothing but Node's own modules (static or dynamic).
    const text = bundled.toString();
    const imported = [
      ...[...text.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g)].map((m) => m[1]),
      ...[...text.matchAll(/\bimport\(\s*["']([^"']+)/g)].map((m) => m[1]),
    ];
    expect(imported).toContain("node:module");
    expect(imported.filter((m) => !m.startsWith("node:"))).toEqual([]);
    const mod = await import(join(out, "lambda", "index.mjs"));
    expect(typeof mod.handler).toBe("function");
    expect((await mod.handler(event("task-running"))).status).toBe("ignored");
  }, 60_000);
});

