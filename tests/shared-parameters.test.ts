// SSM parameters another account shares: DescribeParameters lists them only
// with its Shared option. The live source asks for it where the parameter ARN
// is another account's; where the answer cannot settle whether the parameter
// exists, the report says it could not confirm it (a warning), never a proven
// "does not exist".
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../src/diagnose.js";
import type { Report } from "../src/model/report.js";
import { createLiveSource } from "../src/source/live.js";
import type { Snapshot } from "../src/source/snapshot.js";
import { mockedClients, SnapshotAccount } from "./fixtures/mock-aws.js";
import { diagnoseSnapshot, OTHER_ACCOUNT, REGION, world } from "./fixtures/world.js";

const SHARED = `arn:aws:ssm:${REGION}:${OTHER_ACCOUNT}:parameter/shared/db-password`;
const READS: Parameters<ReturnType<typeof world>["withInlinePolicy"]>[0] = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["ssm:GetParameters", "kms:Decrypt"], Resource: "*" }],
};

async function live(snapshot: Snapshot): Promise<{ report: Report; account: SnapshotAccount }> {
  const account = new SnapshotAccount(snapshot);
  const source = await createLiveSource({ region: snapshot.region, clients: mockedClients(account) });
  return { report: (await diagnoseTask(source, { task: snapshot.ecs!.tasks![0].taskArn! })).report, account };
}

const secretsFinding = (r: Report) => r.findings.find((f) => f.id === "secrets-unreadable");

describe("an SSM parameter another account shares", () => {
  it("is asked for with DescribeParameters' Shared option, found, and not reported missing", async () => {
    const { report, account } = await live(world().withParameter({ parameter: SHARED }).withInlinePolicy(READS).build());
    const asked = account.calls.filter((c) => c.command === "DescribeParameters");
    expect(asked.some((c) => c.input.Shared === true)).toBe(true);
    expect(secretsFinding(report)).toBeUndefined();
    expect(report.passed.map((p) => p.check)).toContain("secrets-unreadable");
  });

  it("is never asked for with Shared when it is this account's own", async () => {
    const { account } = await live(world().withParameter().withInlinePolicy(READS).build());
    expect(account.calls.filter((c) => c.command === "DescribeParameters").every((c) => c.input.Shared === undefined)).toBe(true);
  });

  it("not listed even with Shared: 'could not confirm', a warning, never a proven error", async () => {
    const { report } = await live(world().withParameter({ parameter: SHARED, exists: false }).withInlinePolicy(READS).build());
    const f = secretsFinding(report);
    expect(f?.severity).toBe("warning");
    expect(f?.explanation).toMatch(/could not confirm/);
    expect(f?.explanation).not.toMatch(/does not exist/);
  });

  it("reads the same from a snapshot that holds no such parameter", async () => {
    const { report } = await diagnoseSnapshot(world().withParameter({ parameter: SHARED, exists: false }).withInlinePolicy(READS).build());
    expect(secretsFinding(report)?.severity).toBe("warning");
  });

  it("this account's own parameter that is not there is still a proven error", async () => {
    const { report } = await live(world().withParameter({ exists: false }).withInlinePolicy(READS).build());
    expect(secretsFinding(report)?.severity).toBe("error");
    expect(secretsFinding(report)?.explanation).toMatch(/does not exist/);
  });
});
