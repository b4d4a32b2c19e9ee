// The snapshot source reads the contract's format to the letter: absent is
// not captured, present is complete, `errors` are calls that failed.
import { describe, expect, it } from "vitest";
import { parseSnapshot, SnapshotSource } from "../../src/source/snapshot.js";
import { validateSnapshot } from "../../src/source/snapshot-schema.js";
import { ACCOUNT, diagnoseSnapshot, world } from "../fixtures/world.js";

describe("SnapshotSource", () => {
  it("answers an absent collection as not captured, and a present one as complete", async () => {
    const s = world().mutate((x) => delete x.ec2!.VpcEndpoints).build();
    const src = new SnapshotSource(s);
    expect(await src.describeVpcEndpoints("vpc-0aaa")).toMatchObject({ state: "unknown", why: "not-captured", call: "ec2:DescribeVpcEndpoints" });
    expect(await src.describeSubnets(["subnet-missing"])).toEqual({ state: "known", value: [] });
  });

  it("turns a recorded error into a denied call with its permission", async () => {
    const s = world().denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]).build();
    expect(await new SnapshotSource(s).describeVpcEndpoints("vpc-0aaa")).toMatchObject({ state: "unknown", why: "denied", permission: "ec2:DescribeVpcEndpoints" });
  });

  it("scopes an error with a resource to that resource: another account's repository is unknown, not missing", async () => {
    const s = world().mutate((x) => {
      x.errors = [{ call: "ecr:DescribeRepositories", resource: `arn:aws:ecr:us-east-1:210987654321:repository/shared/base`, code: "AccessDeniedException", message: "denied" }];
    }).build();
    const src = new SnapshotSource(s);
    expect((await src.describeRepositories("210987654321", ["shared/base"])).state).toBe("unknown");
    expect(await src.describeRepositories(ACCOUNT, ["web"])).toMatchObject({ state: "known", value: [{ repositoryName: "web" }] });
    expect(await src.describeRepositories(ACCOUNT, ["nope"])).toEqual({ state: "known", value: [] });
  });

  it("finds a task by ARN or by the id it ends in", async () => {
    const src = new SnapshotSource(world().build());
    const arn = world().task.taskArn!;
    expect((await src.describeTasks(undefined, [arn])).state === "known").toBe(true);
    expect(await src.describeTasks(undefined, [arn.split("/").pop()!])).toMatchObject({ value: [{ taskArn: arn }] });
  });

  it("delays every call by ECS_DOCTOR_SIMULATED_LATENCY_MS", async () => {
    const src = new SnapshotSource(world().build(), { latencyMs: 30 });
    const t0 = performance.now();
    await src.describeSubnets(["subnet-0priv"]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it("reports the skipped checks, with the call, when a collection was denied", async () => {
    const { report } = await diagnoseSnapshot(world().withoutNatGateway().denied("ec2:DescribeRouteTables", ["ec2", "RouteTables"]).build());
    expect(report.findings.map((f) => f.id)).not.toContain("no-route-to-registry");
    expect(report.skipped.some((s) => s.reason.includes("ec2:DescribeRouteTables was denied"))).toBe(true);
  });
});

describe("validateSnapshot", () => {
  it.each([
    [null, /top level should be an object/],
    [{ format: "ecs-doctor-snapshot/2", region: "us-east-1", accountId: "1" }, /\$\.format/],
    [{ format: "ecs-doctor-snapshot/1", region: 5, accountId: "1" }, /\$\.region/],
    [{ format: "ecs-doctor-snapshot/1", region: "us-east-1" }, /\$\.accountId/],
    [{ format: "ecs-doctor-snapshot/1", region: "us-east-1", accountId: "1", ecs: { tasks: [{ containers: [{ reason: 5 }] }] } }, /\$\.ecs\.tasks\[0\]\.containers\[0\]\.reason should be a string/],
    [{ format: "ecs-doctor-snapshot/1", region: "us-east-1", accountId: "1", ec2: { RouteTables: [{ Routes: {} }] } }, /\$\.ec2\.RouteTables\[0\]\.Routes should be an array/],
    [{ format: "ecs-doctor-snapshot/1", region: "us-east-1", accountId: "1", errors: [{ code: "x" }] }, /\$\.errors\[0\]\.call/],
  ])("names the JSON path of what is wrong (%#)", (data, message) => {
    expect(validateSnapshot(data)).toMatch(message);
    expect(() => parseSnapshot(data)).toThrow(message);
  });

  it("keeps unknown fields inside AWS's items, but refuses a top-level key the format does not define", () => {
    expect(validateSnapshot(world().mutate((s) => { (s.ecs!.tasks![0] as Record<string, unknown>).somethingNew = { a: 1 }; }).build())).toBeUndefined();
    expect(validateSnapshot({ ...world().build(), somethingNew: { a: 1 } })).toMatch(/^\$\.somethingNew is not a key of ecs-doctor-snapshot\/1/);
  });
});
