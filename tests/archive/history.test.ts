// Reading the archive back: the Lambda handler archives failures into an S3
// stand-in (aws-sdk-client-mock), then `ecs-doctor --snapshot s3://…` and
// `ecs-doctor history` read the same stand-in, in this process, as a user
// runs them: the report, the grouping, the exit codes, the permission named
// when S3 says no.
import { readFileSync } from "node:fs";
import { S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type HistoryReport, readHistory } from "../../src/archive/history.js";
import { history } from "../../src/index.js";
import { createHandler, type EcsTaskStateChangeEvent } from "../../src/lambda.js";
import type { Report } from "../../src/model/report.js";
import { parseSnapshot, type Snapshot, SnapshotSource } from "../../src/source/snapshot.js";
import { s3Reader } from "../../src/source/s3.js";
import { runMain } from "../fixtures/run-main.js";
import { fillArchive, type StandIn, s3StandIn } from "../fixtures/s3-stand-in.js";

const BUCKET = "ecs-doctor-archive";
const NOW = Date.parse("2026-11-30T12:00:00Z");
const s3 = mockClient(S3Client);
let bucket: StandIn;

beforeEach(() => {
  bucket = s3StandIn(s3, BUCKET);
});
afterAll(() => s3.restore());

function demo(name: string): Snapshot {
  return parseSnapshot(JSON.parse(readFileSync(`demos/${name}.json`, "utf8")));
}

/** Archives the demo's task as if it had stopped at `stoppedAt`, in `service`, through the Lambda handler; answers the logged report. */
async function archiveFailure(world: string, taskId: string, service: string, stoppedAt: string): Promise<{ report: Report; archived: string }> {
  const snapshot = demo(world);
  const task = { ...snapshot.ecs!.tasks![0], group: `service:${service}`, stoppedAt, taskArn: snapshot.ecs!.tasks![0].taskArn!.replace(/[^/]+$/, taskId) };
  snapshot.ecs!.tasks = [task];
  const logs: string[] = [];
  const e: EcsTaskStateChangeEvent = { "detail-type": "ECS Task State Change", source: "aws.ecs", region: snapshot.region, time: stoppedAt, detail: task };
  const result = await createHandler({ env: { ARCHIVE_BUCKET: BUCKET }, log: (l) => logs.push(l), sourceFor: async () => new SnapshotSource(snapshot), now: () => NOW })(e);
  if (result.status !== "diagnosed" || !result.archived) throw new Error(`not archived: ${JSON.stringify(result)}`);
  return { report: JSON.parse(logs[0]), archived: result.archived };
}

const id = (n: number) => n.toString(16).padStart(32, "a");

describe("ecs-doctor --snapshot s3://bucket/key", () => {
  it("diagnoses an archived failure again, with GetObject alone: the report the function made", async () => {
    const { report, archived } = await archiveFailure("private-subnet-no-route", id(1), "web", "2026-11-28T09:58:41Z");
    bucket.calls = [];
    const run = await runMain(["--snapshot", `${archived}snapshot.json`, "--output", "json"]);
    // (The SDK's own Node version notice, printed when this test file loaded it, is not the CLI's.)
    expect(run.stderr).not.toContain("ecs-doctor");
    expect(run.code).toBe(1);
    const again = JSON.parse(run.stdout) as Report;
    expect(again.findings).toEqual(report.findings);
    expect(again.task).toEqual(report.task);
    expect(bucket.calls).toEqual([`GetObject ${archived.slice(`s3://${BUCKET}/`.length)}snapshot.json`]);
    // The folder names its snapshot.
    expect(JSON.parse((await runMain(["--snapshot", archived, "-o", "json"])).stdout).findings).toEqual(report.findings);
  });

  it.each([
    ["a key that is not there", "s3://ecs-doctor-archive/failures/2026-11-28/prod/web/nope/snapshot.json", undefined, /^ecs-doctor: s3:\/\/ecs-doctor-archive\/failures\/2026-11-28\/prod\/web\/nope\/snapshot\.json does not exist: check the key/],
    ["a denied GetObject", "s3://ecs-doctor-archive/failures/x/snapshot.json", "AccessDenied", /s3:GetObject was denied on arn:aws:s3:::ecs-doctor-archive\/failures\/x\/snapshot\.json: grant it/],
    ["a bucket that is not there", "s3://no-such-bucket/failures/x/snapshot.json", undefined, /bucket no-such-bucket does not exist/],
    ["an archived report", "s3://ecs-doctor-archive/failures/x/report.json", undefined, /is an archived report, not a snapshot: give the snapshot\.json beside it \(s3:\/\/ecs-doctor-archive\/failures\/x\/snapshot\.json\)/],
    ["a bucket without a key", "s3://ecs-doctor-archive", undefined, /is not an S3 object: give s3:\/\/BUCKET\/KEY/],
  ])("%s: exit 2, one line saying what to do", async (_name, url, failGet, message) => {
    bucket.failGet = failGet;
    const run = await runMain(["--snapshot", url]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("ecs-doctor history", () => {
  async function threeDays(): Promise<void> {
    await archiveFailure("private-subnet-no-route", id(1), "api", "2026-11-28T09:58:41Z");
    await archiveFailure("private-subnet-no-route", id(2), "api", "2026-11-29T10:00:00Z");
    await archiveFailure("private-subnet-no-route", id(3), "web", "2026-11-30T08:00:00Z");
    await archiveFailure("tag-never-pushed", id(4), "web", "2026-11-29T23:59:59Z");
    // Outside a 7-day window, and another cluster's day folder is not listed for --cluster.
    await archiveFailure("tag-never-pushed", id(5), "web", "2026-11-20T10:00:00Z");
  }

  it("groups the archived failures of the window by root cause, most frequent first, from the listing and one report per cause", async () => {
    await threeDays();
    bucket.calls = [];
    const h = await readHistory(await s3Reader({ client: new S3Client({ region: "us-east-1" }) }), { bucket: BUCKET, cluster: "prod", sinceMs: 7 * 864e5, now: NOW });
    expect(h.format).toBe("ecs-doctor-history/1");
    expect(h.failures).toBe(4);
    expect(h.groups.map((g) => [g.id, g.count, g.services, g.days])).toEqual([
      ["no-route-to-registry", 3, ["api", "web"], { "2026-11-28": 1, "2026-11-29": 1, "2026-11-30": 1 }],
      ["image-not-found", 1, ["web"], { "2026-11-29": 1 }],
    ]);
    const route = h.groups[0];
    expect(route).toMatchObject({ severity: "error", clusters: ["prod"], firstSeen: "2026-11-28T09:58:41Z", lastSeen: "2026-11-30T08:00:00Z", tasks: [id(3), id(2), id(1)] });
    expect(route.title).toMatch(/no route to the registry/);
    expect(route.fixes[0].commands?.[0]).toMatch(/^aws ec2 \S+ --region us-east-1/);
    expect(route.latest.snapshot).toBe(`s3://${BUCKET}/failures/2026-11-30/prod/web/080000Z_${id(3)}_no-route-to-registry/snapshot.json`);
    expect(h.archived.map((f) => f.taskId)).toEqual([id(3), id(4), id(2), id(1)]);
    // 8 day prefixes listed at once, then one GetObject per cause (not per failure).
    const lists = bucket.calls.filter((c) => c.startsWith("ListObjectsV2"));
    expect(lists).toEqual(Array.from({ length: 8 }, (_, i) => `ListObjectsV2 failures/2026-11-${String(23 + i).padStart(2, "0")}/prod/`));
    expect(bucket.calls.filter((c) => c.startsWith("GetObject"))).toHaveLength(2);
  });

  it("--service narrows to that service, with or without --cluster", async () => {
    await threeDays();
    // The CLI counts back from today: a window of ten years holds the fixtures' November 2026 whenever this runs.
    const run = await runMain(["history", "--bucket", BUCKET, "--cluster", "prod", "--service", "api", "--since", "3650d", "-o", "json"]);
    expect(run.code).toBe(0);
    const h = JSON.parse(run.stdout) as HistoryReport;
    expect(h.groups.map((g) => [g.id, g.count])).toEqual([["no-route-to-registry", 2]]);
    expect(h).toMatchObject({ cluster: "prod", service: "api" });
    const web = JSON.parse((await runMain(["history", "--bucket", BUCKET, "--service", "web", "--since", "3650d", "-o", "json"])).stdout) as HistoryReport;
    expect(web.archived.map((f) => f.taskId)).toEqual([id(3), id(4), id(5)]);
  });

  it("a window longer than a month lists the days the archive holds first, then only those", async () => {
    await threeDays();
    bucket.calls = [];
    const h = await readHistory(await s3Reader({ client: new S3Client({ region: "us-east-1" }) }), { bucket: BUCKET, cluster: "prod", sinceMs: 90 * 864e5, now: NOW });
    expect(h.failures).toBe(5);
    expect(bucket.calls.filter((c) => c.startsWith("ListObjectsV2"))).toEqual([
      "ListObjectsV2 failures/",
      ...["20", "28", "29", "30"].map((d) => `ListObjectsV2 failures/2026-11-${d}/prod/`),
    ]);
  });

  it("prints the scan's view over days as text, and Markdown for a ticket", async () => {
    await threeDays();
    const text = await runMain(["history", "--bucket", BUCKET, "--since", "3650d"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Archive s3:\/\/ecs-doctor-archive\/failures\/ \(every cluster, .*\): 5 failed starts, 2 causes\.\n/);
    expect(text.stdout).toMatch(/ {3}3 × no-route-to-registry {2}\(services: api, web\)\n {7}.*no route to the registry/);
    expect(text.stdout).toMatch(/ {3}2 × image-not-found {2}\(services: web\)/);
    expect(text.stdout).toContain(`latest: ecs-doctor --snapshot s3://${BUCKET}/failures/2026-11-30/prod/web/080000Z_${id(3)}_no-route-to-registry/snapshot.json`);
    expect(text.stdout).toMatch(/fix: .*\n {9}\$ aws ec2 /);
    const md = await runMain(["history", "--bucket", BUCKET, "--since", "3650d", "-o", "markdown"]);
    expect(md.stdout).toMatch(/^# ecs-doctor history of `s3:\/\/ecs-doctor-archive\/failures\/`\n/);
    expect(md.stdout).toContain("| `no-route-to-registry` | 3 | api, web | 2026-11-28T09:58:41Z | 2026-11-30T08:00:00Z |");
    expect(md.stdout).toMatch(/## `image-not-found`: /);
  });

  it("the library's history() gives what `history --output json` prints", async () => {
    await threeDays();
    const cli = JSON.parse((await runMain(["history", "--bucket", BUCKET, "--cluster", "prod", "--since", "3650d", "-o", "json"])).stdout) as HistoryReport;
    const lib = await history({ bucket: BUCKET, cluster: "prod", since: "3650d" });
    expect(lib.groups).toEqual(cli.groups);
    expect(lib.archived).toEqual(cli.archived);
    await expect(history({ bucket: BUCKET, since: "soon" })).rejects.toThrow(/--since takes a duration/);
  });

  it("an empty window says what to check, exit 0", async () => {
    const run = await runMain(["history", "--bucket", BUCKET, "--cluster", "staging"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/0 failed starts, 0 causes\.\n\nNo archived failure in this window: check --bucket, --cluster, --service and --since/);
  });

  it("a denied ListBucket is exit 2 naming s3:ListBucket on the bucket", async () => {
    await threeDays();
    bucket.failList = "AccessDenied";
    const run = await runMain(["history", "--bucket", BUCKET, "--cluster", "prod"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^ecs-doctor: cannot list s3:\/\/ecs-doctor-archive\/failures\/[\d-]+\/prod\/: s3:ListBucket was denied on arn:aws:s3:::ecs-doctor-archive: grant it \(reading the archive needs s3:ListBucket on the bucket and s3:GetObject on its objects\)\n$/);
  });

  it("a denied GetObject still lists and counts; the causes go untitled and the report says which objects it could not read", async () => {
    await threeDays();
    bucket.failGet = "AccessDenied";
    const run = await runMain(["history", "--bucket", BUCKET, "--since", "3650d", "-o", "json"]);
    expect(run.code).toBe(0);
    const h = JSON.parse(run.stdout) as HistoryReport;
    expect(h.groups.map((g) => [g.id, g.count, g.title])).toEqual([["no-route-to-registry", 3, null], ["image-not-found", 2, null]]);
    expect(h.unread).toHaveLength(2);
    expect(h.unread[0].reason).toMatch(/s3:GetObject was denied/);
  });

  it.each([
    [["history"], /required option '--bucket <bucket>' not specified/],
    [["history", "--bucket", BUCKET, "--since", "a week"], /--since takes a duration such as 30m, 1h or 2d/],
    [["history", "--bucket", BUCKET, "--prefix", "failures"], /--prefix must end with "\/"/],
  ])("bad input %j: exit 2", async (args, message) => {
    const run = await runMain(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("an archive of 500 failures: grouped from the listing, one GetObject per cause", async () => {
    const reports = [
      (await archiveFailure("private-subnet-no-route", id(1), "api", "2026-11-30T09:00:00Z")).report,
      (await archiveFailure("tag-never-pushed", id(2), "web", "2026-11-30T09:00:00Z")).report,
      (await archiveFailure("execution-role-trusts-ec2", id(3), "worker", "2026-11-30T09:00:00Z")).report,
    ];
    bucket.objects.clear();
    fillArchive(bucket, 500, reports, { now: NOW, days: 7 });
    bucket.calls = [];
    const h = await readHistory(await s3Reader({ client: new S3Client({ region: "us-east-1" }) }), { bucket: BUCKET, now: NOW });
    expect(h.failures).toBe(500);
    expect(h.groups.map((g) => g.count).reduce((a, b) => a + b)).toBe(500);
    expect(h.groups.map((g) => g.id).sort()).toEqual(reports.map((r) => r.findings[0].id).sort());
    expect(bucket.calls.filter((c) => c.startsWith("GetObject"))).toHaveLength(3);
    expect(bucket.calls.filter((c) => c.startsWith("ListObjectsV2"))).toHaveLength(8);
  });
});
