// The logs and kms collections: read from a snapshot as the contract says,
// written by `record`, and redacted like every name people give.
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/diagnose.js";
import { createLiveSource } from "../../src/source/live.js";
import { recordingSource } from "../../src/source/record.js";
import { redactSnapshot } from "../../src/source/redact.js";
import { parseSnapshot, SnapshotSource } from "../../src/source/snapshot.js";
import { mockedClients, SnapshotAccount } from "../fixtures/mock-aws.js";
import { KEY_ARN } from "../fixtures/registry-messages.js";
import { ACCOUNT, diagnoseSnapshot, MESSAGES, REGION, world } from "../fixtures/world.js";

const withLogsAndKey = () =>
  world()
    .withAwslogs({ group: "/payments/api" })
    .withParameter({ parameter: "/payments/token", keyId: "alias/payments-key" })
    .withKmsKey(KEY_ARN, { alias: "alias/payments-key" })
    .failingWith(MESSAGES.authTimeout);

describe("snapshot logs.logGroups", () => {
  it("answers the groups whose names start with the prefix, in the region asked (an item's ARN names its region)", async () => {
    const s = world().withAwslogs({ group: "/ecs/web" }).mutate((x) => x.logs!.logGroups!.push(
      { logGroupName: "/ecs/web-canary" },
      { logGroupName: "/ecs/web", arn: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ecs/web:*` },
    )).build();
    const source = new SnapshotSource(s);
    const here = await source.describeLogGroups("/ecs/web");
    expect(here.state === "known" && here.value.map((g) => g.logGroupName)).toEqual(["/ecs/web", "/ecs/web-canary"]);
    const there = await source.describeLogGroups("/ecs/web", "eu-west-1");
    expect(there.state === "known" && there.value.map((g) => g.arn)).toEqual([`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/ecs/web:*`]);
  });

  it("is not captured when absent, and denied as recorded", async () => {
    expect(await new SnapshotSource(world().build()).describeLogGroups("/ecs/web")).toMatchObject({ state: "unknown", why: "not-captured", call: "logs:DescribeLogGroups" });
    const denied = world().withAwslogs().denied("logs:DescribeLogGroups", ["logs", "logGroups"]).build();
    expect(await new SnapshotSource(denied).describeLogGroups("/ecs/web")).toMatchObject({ state: "unknown", why: "denied" });
  });
});

describe("snapshot kms", () => {
  it("joins an alias to its key through kms.Aliases and kms.Keys, and finds the key's policy by its ARN", async () => {
    const source = new SnapshotSource(withLogsAndKey().build());
    expect(await source.describeKey("alias/payments-key")).toMatchObject({ state: "known", value: { Arn: KEY_ARN, KeyManager: "CUSTOMER" } });
    expect(await source.getKeyPolicy(KEY_ARN)).toMatchObject({ state: "known", value: { KeyId: KEY_ARN } });
    expect(await source.getKeyPolicy(KEY_ARN.replace(/key\/.*/, "key/0000"))).toEqual({ state: "known", value: null });
    expect(await source.listAliases()).toMatchObject({ state: "known", value: [{ AliasName: "alias/payments-key" }] });
  });
});

describe("record", () => {
  it("writes logs.logGroups and the kms collections the diagnosis read, and replays them to the same report", async () => {
    const snapshot = withLogsAndKey().build();
    const account = new SnapshotAccount(snapshot);
    const source = recordingSource(await createLiveSource({ region: REGION, clients: mockedClients(account) }));
    const { report } = await diagnoseTask(source, { task: snapshot.ecs!.tasks![0].taskArn! });
    const recording = await source.recorded();
    expect(recording.logs?.logGroups?.map((g) => g.logGroupName)).toEqual(["/payments/api"]);
    expect(recording.kms?.Aliases?.map((a) => a.AliasName)).toEqual(["alias/payments-key"]);
    expect(recording.kms?.KeyPolicies?.map((p) => p.KeyId)).toEqual([KEY_ARN]);
    const replayed = (await diagnoseSnapshot(parseSnapshot(JSON.parse(JSON.stringify(recording))))).report;
    expect(replayed.findings.map((f) => f.id)).toEqual(report.findings.map((f) => f.id));
    // The live run asked each once: DescribeLogGroups by the group's name, GetKeyPolicy by the key's ARN.
    expect(account.calls.filter((c) => c.command === "DescribeLogGroups").map((c) => c.input.logGroupNamePrefix)).toEqual(["/payments/api"]);
    expect(account.calls.filter((c) => c.command === "GetKeyPolicy").map((c) => c.input.KeyId)).toEqual([KEY_ARN]);
  });
});

describe("redaction", () => {
  it("replaces log group names and KMS aliases, in the task definition, the collections and ARNs alike", () => {
    const { snapshot } = redactSnapshot(withLogsAndKey().build(), { key: "k" });
    const file = JSON.stringify(snapshot);
    expect(file).not.toContain("payments");
    const group = snapshot.ecs!.taskDefinitions![0].containerDefinitions![0].logConfiguration!.options!["awslogs-group"];
    expect(snapshot.logs!.logGroups![0].logGroupName).toBe(group);
    expect(snapshot.logs!.logGroups![0].arn).toContain(`:log-group:${group}:*`);
    expect(snapshot.kms!.Aliases![0].AliasName).toBe(snapshot.ssm!.Parameters![0].KeyId);
  });
});
