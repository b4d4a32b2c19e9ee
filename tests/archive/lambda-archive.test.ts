// The Lambda handler's archive: on a recorded ECS Task State Change it writes
// report.json and snapshot.json under a key that lists by day, cluster and
// service, to an S3 stand-in (aws-sdk-client-mock); the snapshot replays to the
// same report with the CLI, and holds no environment value.
import { readFileSync } from "node:fs";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parseKey } from "../../src/archive/keys.js";
import { createHandler, type EcsTaskStateChangeEvent } from "../../src/lambda.js";
import { MASKED } from "../../src/source/record.js";
import { parseSnapshot, type Snapshot, SnapshotSource } from "../../src/source/snapshot.js";
import { cliJson, snapshotFile } from "../fixtures/run-cli.js";

const BUCKET = "ecs-doctor-archive-123456789012";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:ecs-doctor-reports";
const TASK_ID = "0123456789abcdef0123456789abcdef";

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);

beforeEach(() => {
  s3.reset();
  sns.reset();
  s3.on(PutObjectCommand).resolves({ ETag: '"0"' });
  sns.on(PublishCommand).resolves({ MessageId: "1" });
});
afterAll(() => {
  s3.restore();
  sns.restore();
});

function event(name: string): EcsTaskStateChangeEvent {
  return JSON.parse(readFileSync(`tests/fixtures/events/${name}.json`, "utf8"));
}

/** A demo world whose task definition sets an environment variable with a value that must never be archived. */
function world(name: string): Snapshot {
  const s = parseSnapshot(JSON.parse(readFileSync(`demos/${name}.json`, "utf8")));
  for (const td of s.ecs?.taskDefinitions ?? []) {
    for (const c of td.containerDefinitions ?? []) (c as { environment?: unknown }).environment = [{ name: "DB_PASSWORD", value: "hunter2-do-not-archive" }];
  }
  return s;
}

function handlerFor(snapshot: Snapshot, env: Record<string, string>, logs: string[] = [], errors: string[] = []) {
  return createHandler({
    env,
    log: (l) => logs.push(l),
    logError: (l) => errors.push(l),
    sourceFor: async () => new SnapshotSource(snapshot),
    now: () => Date.parse("2026-11-24T10:00:00Z"),
  });
}

const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
const body = (key: string) => JSON.parse(String(puts().find((p) => p.Key === key)!.Body));

describe("Lambda handler: the archive in S3 (ARCHIVE_BUCKET)", () => {
  it.each([
    ["pull-timeout-fargate", "private-subnet-no-route", "no-route-to-registry", true],
    ["manifest-unknown-fargate", "tag-never-pushed", "image-not-found", true],
    // The event leaves out what the collector needs: the task is read, and recorded, through DescribeTasks.
    ["pull-timeout-no-attachments", "private-subnet-no-route", "no-route-to-registry", false],
  ])("%s: writes report.json and snapshot.json under failures/<day>/<cluster>/<service>/<time>_<task>_<cause>/", async (name, demo, top, _fromEvent) => {
    const logs: string[] = [];
    const e = event(name);
    const result = await handlerFor(world(demo), { ARCHIVE_BUCKET: BUCKET, TOPIC_ARN: TOPIC }, logs)(e);
    const stopped = new Date(e.detail!.stoppedAt ?? e.time!).toISOString();
    const hhmmss = stopped.slice(11, 19).replaceAll(":", "");
    const folder = `failures/${stopped.slice(0, 10)}/prod/web/${hhmmss}Z_${TASK_ID}_${top}/`;
    expect(result).toMatchObject({ status: "diagnosed", top, archived: `s3://${BUCKET}/${folder}`, notified: ["sns"], failedNotifications: [] });
    expect(puts().map((p) => [p.Bucket, p.Key, p.ContentType, p.Metadata?.["top-finding"]]).sort()).toEqual([
      [BUCKET, `${folder}report.json`, "application/json", top],
      [BUCKET, `${folder}snapshot.json`, "application/json", top],
    ]);
    // The key reads back as what history lists, without opening the object.
    expect(parseKey(`${folder}report.json`)).toMatchObject({ cluster: "prod", service: "web", taskId: TASK_ID, top, stoppedAt: stopped.replace(/\.\d+Z$/, "Z") });

    // report.json is the report the function logged.
    expect(body(`${folder}report.json`)).toEqual(JSON.parse(logs[0]));
    // snapshot.json is record's format, holds the task, and replays to the same report with today's CLI.
    const snapshot = body(`${folder}snapshot.json`) as Snapshot;
    expect(snapshot.format).toBe("ecs-doctor-snapshot/1");
    expect(snapshot.ecs?.tasks?.map((t) => t.taskArn)).toEqual([e.detail!.taskArn]);
    const replayed = await cliJson(["--snapshot", snapshotFile(snapshot)]) as { findings: { id: string }[]; task: unknown };
    const logged = JSON.parse(logs[0]);
    expect(replayed.findings).toEqual(logged.findings);
    expect(replayed.task).toEqual(logged.task);

    // Never an environment value; the name stays.
    const text = puts().map((p) => String(p.Body)).join("\n");
    expect(text).not.toContain("hunter2-do-not-archive");
    expect(JSON.stringify(snapshot.ecs?.taskDefinitions)).toContain(`{"name":"DB_PASSWORD","value":"${MASKED}"}`);

    // The message tells where the failure is kept and how to diagnose it again.
    const message = sns.commandCalls(PublishCommand)[0].args[0].input.Message!;
    expect(message).toContain(`ecs-doctor --snapshot s3://${BUCKET}/${folder}snapshot.json`);
  });

  it("a task outside a service is filed under (no-service); its day is its stoppedAt's, in UTC", async () => {
    const e = event("manifest-unknown-fargate");
    e.detail = { ...e.detail!, group: "family:web", stoppedAt: "2026-11-23T23:59:58.9Z" };
    const result = await handlerFor(world("tag-never-pushed"), { ARCHIVE_BUCKET: BUCKET })(e);
    expect(result).toMatchObject({ status: "diagnosed", archived: `s3://${BUCKET}/failures/2026-11-23/prod/(no-service)/235958Z_${TASK_ID}_image-not-found/` });
  });

  it("ARCHIVE_PREFIX moves the archive inside the bucket", async () => {
    await handlerFor(world("tag-never-pushed"), { ARCHIVE_BUCKET: BUCKET, ARCHIVE_PREFIX: "team-a/failures/" })(event("manifest-unknown-fargate"));
    expect(puts().every((p) => p.Key!.startsWith("team-a/failures/2026-11-24/prod/web/"))).toBe(true);
  });

  it("without ARCHIVE_BUCKET nothing is written", async () => {
    const result = await handlerFor(world("tag-never-pushed"), { TOPIC_ARN: TOPIC })(event("manifest-unknown-fargate"));
    expect(result).toMatchObject({ status: "diagnosed", notified: ["sns"] });
    expect(result).not.toHaveProperty("archived");
    expect(puts()).toEqual([]);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).not.toContain("Archived");
  });

  it("a denied PutObject is logged, the report still goes out; with nothing else configured the invocation fails", async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error("User: arn:aws:sts::123456789012:assumed-role/fn is not authorized to perform: s3:PutObject"), { name: "AccessDenied" }));
    const errors: string[] = [];
    const result = await handlerFor(world("tag-never-pushed"), { ARCHIVE_BUCKET: BUCKET, TOPIC_ARN: TOPIC }, [], errors)(event("manifest-unknown-fargate"));
    expect(result).toMatchObject({ status: "diagnosed", notified: ["sns"] });
    expect(result).not.toHaveProperty("archived");
    expect(errors).toEqual([expect.stringMatching(/^ecs-doctor: archive failed: s3: .*s3:PutObject/)]);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input.Message).not.toContain("Archived");

    await expect(handlerFor(world("tag-never-pushed"), { ARCHIVE_BUCKET: BUCKET })(event("manifest-unknown-fargate"))).rejects.toThrow(/s3:PutObject/);
  });

  it("an archive alone is a delivery: no topic, no webhook, the invocation succeeds", async () => {
    const result = await handlerFor(world("tag-never-pushed"), { ARCHIVE_BUCKET: BUCKET })(event("manifest-unknown-fargate"));
    expect(result).toMatchObject({ status: "diagnosed", notified: [], failedNotifications: [] });
    expect(puts()).toHaveLength(2);
  });
});
