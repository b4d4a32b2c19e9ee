// Record and replay: a live diagnosis (the SDK clients answering from a
// snapshot) gives the report the snapshot gives; recording it and replaying
// the recording gives it again; for every scenario of the demo gallery.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/diagnose.js";
import type { SecretMetadata } from "../../src/model/aws.js";
import { known } from "../../src/model/fact.js";
import type { Report } from "../../src/model/report.js";
import { createLiveSource } from "../../src/source/live.js";
import { MASKED, recordingSource } from "../../src/source/record.js";
import { parseSnapshot, type Snapshot, SnapshotSource } from "../../src/source/snapshot.js";
import { DEMOS } from "../fixtures/demos.js";
import { mockedClients, SnapshotAccount } from "../fixtures/mock-aws.js";
import { ACCOUNT, diagnoseSnapshot, MESSAGES, OTHER_ACCOUNT, world } from "../fixtures/world.js";

/** The report without where it came from. */
function comparable(r: Report): unknown {
  const { source: _source, ...rest } = r;
  return rest;
}

async function liveDiagnosis(snapshot: Snapshot, record = false) {
  const account = new SnapshotAccount(snapshot);
  const live = await createLiveSource({ region: snapshot.region, clients: mockedClients(account) });
  const source = record ? recordingSource(live) : live;
  const { report } = await diagnoseTask(source, { task: snapshot.ecs!.tasks![0].taskArn! });
  return { report, account, recording: record ? await (source as ReturnType<typeof recordingSource>).recorded() : undefined };
}

describe.each(DEMOS.map((d) => [d.name, d] as const))("%s", (_name, d) => {
  it("diagnoses live (mocked SDK) as from the snapshot, and replays its recording to the same report", async () => {
    const snapshot = d.world.build();
    const offline = (await diagnoseSnapshot(snapshot)).report;
    const { report: live, recording } = await liveDiagnosis(snapshot, true);
    expect(comparable(live)).toEqual(comparable(offline));
    const replayed = (await diagnoseSnapshot(parseSnapshot(JSON.parse(JSON.stringify(recording))))).report;
    expect(comparable(replayed)).toEqual(comparable(live));
    expect(offline.findings.slice(0, d.expect.length).map((f) => f.id)).toEqual(d.expect);
  });
});

describe("a recording", () => {
  it("keeps an asked collection that answered nothing, present and empty, and leaves out what was never asked", async () => {
    const d = DEMOS.find((x) => x.name === "repository-typo")!;
    const { recording } = await liveDiagnosis(d.world.build(), true);
    expect(recording!.ecr!.repositories).toEqual([]);
    expect(recording!.ec2!.NatGateways).toHaveLength(1);
    expect(recording!.ec2!.Instances).toBeUndefined();
    expect(recording!.ecs!.containerInstances).toBeUndefined();
    // Every repository's policy is asked for (this account's can allow or deny the pull too); this one has none.
    expect(recording!.ecr!.repositoryPolicies).toEqual([]);
    const noRoute = await liveDiagnosis(DEMOS.find((x) => x.name === "private-subnet-no-route")!.world.build(), true);
    expect(noRoute.recording!.ec2!.NatGateways).toEqual([]);
  });

  it("lists a denied call under errors, with the resource it was about, and replays it as denied", async () => {
    const s = world()
      .crossAccountImage("unreadable")
      .denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"])
      .build();
    const { report, recording } = await liveDiagnosis(s, true);
    expect(recording!.errors).toEqual(expect.arrayContaining([
      { call: "ecr:GetRepositoryPolicy", resource: `arn:aws:ecr:us-east-1:${OTHER_ACCOUNT}:repository/shared/base`, code: "AccessDeniedException", message: "not authorized" },
      { call: "ec2:DescribeVpcEndpoints", resource: "vpc-0aaa", code: "AccessDenied", message: "not authorized" },
    ]));
    expect(recording!.ec2!.VpcEndpoints).toBeUndefined();
    expect(recording!.ecr!.repositories!.map((r) => r.repositoryName)).toEqual(["shared/base"]);
    expect(report.skipped.some((k) => k.reason.includes("ec2:DescribeVpcEndpoints was denied"))).toBe(true);
    const replayed = (await diagnoseSnapshot(parseSnapshot(JSON.parse(JSON.stringify(recording))))).report;
    expect(comparable(replayed)).toEqual(comparable(report));
  });

  it("writes dates as ISO strings", async () => {
    const s = world().withoutImage().failingWith(MESSAGES.manifestUnknown).mutate((x) => {
      x.ecs!.tasks![0].stoppedAt = "2026-11-24T10:00:00Z";
    }).build();
    const { recording } = await liveDiagnosis(s, true);
    expect(recording!.ecs!.tasks![0].stoppedAt).toBe("2026-11-24T10:00:00.000Z");
    expect(recording!.ecr!.imageDetails!.map((d) => d.imagePushedAt)).toEqual(["2026-11-01T09:00:00.000Z"]);
    expect(JSON.stringify(recording)).not.toMatch(/"\$metadata"/);
  });

  it("never records an environment variable's value, from the task definition or the task's overrides", async () => {
    const s = world().mutate((x) => {
      const def = x.ecs!.taskDefinitions![0].containerDefinitions![0] as Record<string, unknown>;
      def.environment = [{ name: "DB_PASSWORD", value: "hunter2-from-task-definition" }];
      x.ecs!.tasks![0].overrides = { containerOverrides: [{ name: "web", environment: [{ name: "API_TOKEN", value: "s3cr3t-from-overrides" }] }] };
    }).build();
    const { recording } = await liveDiagnosis(s, true);
    const json = JSON.stringify(recording);
    expect(json).not.toContain("hunter2-from-task-definition");
    expect(json).not.toContain("s3cr3t-from-overrides");
    const env = (recording!.ecs!.taskDefinitions![0].containerDefinitions![0] as { environment?: { name: string; value: string }[] }).environment;
    expect(env).toEqual([{ name: "DB_PASSWORD", value: MASKED }]);
    expect(json).toContain("API_TOKEN");
  });

  it("keeps a secret's metadata only, whatever the source answered", async () => {
    const s = world().withSecret().failingWith(MESSAGES.authTimeout).build();
    const inner = new SnapshotSource(s);
    inner.describeSecret = async () => known({ ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf", Name: "prod/db", SecretString: "the-password" } as SecretMetadata);
    const rec = recordingSource(inner);
    await diagnoseTask(rec, { task: s.ecs!.tasks![0].taskArn! });
    const out = await rec.recorded();
    expect(out.secretsmanager!.secrets).toEqual([{ ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf", Name: "prod/db" }]);
    expect(JSON.stringify(out)).not.toContain("the-password");
  });
});

describe("ecs-doctor record", () => {
  it("writes a redacted snapshot that replays to the same diagnosis", () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-doctor-record-"));
    const file = join(dir, "case.json");
    const run = (...args: string[]) => spawnSync(process.execPath, ["bin/ecs-doctor.js", ...args], { encoding: "utf8" });
    const rec = run("record", "--snapshot", "demos/endpoints-without-s3.json", "--redact", "--out", file);
    expect(rec.status).toBe(0);
    expect(rec.stdout).toBe("");
    expect(rec.stderr).toMatch(/Diagnosis: vpc-endpoint-missing \(error\)/);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain(ACCOUNT);
    const replay = run("--snapshot", file, "--output", "json");
    expect(replay.status).toBe(1);
    expect(JSON.parse(replay.stdout).findings[0].id).toBe("vpc-endpoint-missing");
  });
});
