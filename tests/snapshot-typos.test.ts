// A snapshot is written by hand or pasted together: a misspelt key is a mistake
// in the file, said with the key it most likely meant (exit 2), never a
// collection "not captured" or a field silently missing. A collection the file
// does not hold is said in the snapshot's words, never as a permission to grant.
import { describe, expect, it } from "vitest";
import { validateSnapshot } from "../src/source/snapshot-schema.js";
import type { Snapshot } from "../src/source/snapshot.js";
import { runCli, snapshotFile } from "./fixtures/run-cli.js";
import { diagnoseSnapshot, world } from "./fixtures/world.js";

// biome-ignore lint/suspicious/noExplicitAny: the edits reach into the snapshot's JSON by path
type Json = any;

/** The world's snapshot with one edit made to its JSON. */
function edited(edit: (s: Json) => void): Snapshot {
  const s = JSON.parse(JSON.stringify(world().withoutNatGateway().build()));
  edit(s);
  return s;
}

function rename(obj: Record<string, unknown>, from: string, to: string): void {
  obj[to] = obj[from];
  delete obj[from];
}

describe("a misspelt key is exit 2, naming it and the key it most likely meant", () => {
  it.each([
    ["a top-level key", (s: Json) => rename(s, "accountId", "acountId"), /\$\.acountId is not a key of ecs-doctor-snapshot\/1: did you mean accountId\?/],
    ["a service", (s: Json) => rename(s, "ec2", "ecc2"), /\$\.ecc2 is not a key .*did you mean ec2\?/],
    ["a collection (RouteTabels)", (s: Json) => rename(s.ec2, "RouteTables", "RouteTabels"), /\$\.ec2\.RouteTabels is not a collection of ecs-doctor-snapshot\/1: did you mean RouteTables\?/],
    ["a collection in the wrong case", (s: Json) => rename(s.ecr, "repositories", "Repositories"), /\$\.ecr\.Repositories .*did you mean repositories\?/],
    ["a task's stoppedReason (stoppedReasn)", (s: Json) => rename(s.ecs.tasks[0], "stoppedReason", "stoppedReasn"), /\$\.ecs\.tasks\[0\]\.stoppedReasn is not a field ecs-doctor reads: did you mean stoppedReason\?/],
    ["a container's reason", (s: Json) => rename(s.ecs.tasks[0].containers[0], "reason", "reasn"), /\$\.ecs\.tasks\[0\]\.containers\[0\]\.reasn .*did you mean reason\?/],
    ["a route table's Routes", (s: Json) => rename(s.ec2.RouteTables[0], "Routes", "Rutes"), /\$\.ec2\.RouteTables\[0\]\.Rutes .*did you mean Routes\?/],
    ["a subnet's SubnetId in the wrong case", (s: Json) => rename(s.ec2.Subnets[0], "SubnetId", "SubnetID"), /\$\.ec2\.Subnets\[0\]\.SubnetID .*did you mean SubnetId\?/],
  ])("%s", async (_what, edit, message) => {
    const file = snapshotFile(edited(edit));
    const r = await runCli(["--snapshot", file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe("fields AWS has and ecs-doctor does not read are kept and ignored", () => {
  it("a task pasted from describe-tasks, with fields near the ones read", () => {
    const s = edited((x) => {
      Object.assign(x.ecs.tasks[0], { startedAt: "2026-11-24T09:59:00Z", stoppingAt: "2026-11-24T10:00:00Z", pullStartedAt: "2026-11-24T09:58:00Z", healthStatus: "UNKNOWN", Tags: [], version: 3 });
      Object.assign(x.ec2.Subnets[0], { AvailabilityZoneId: "use1-az1", SubnetArn: "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0priv", OwnerId: "123456789012" });
      Object.assign(x.ec2.RouteTables[0], { PropagatingVgws: [], OwnerId: "123456789012" });
    });
    expect(validateSnapshot(s)).toBeUndefined();
  });

  it("a near miss beside the field it resembles is not a typo", () => {
    expect(validateSnapshot(edited((x) => { x.ecs.tasks[0].stoppedReasn = "x"; }))).toBeUndefined();
  });

  it("a truncated or extended name is AWS's own field, not a typo of the one read", () => {
    expect(validateSnapshot(edited((x) => rename(x.ec2.Vpcs[0], "CidrBlock", "CidrBlockAssociationSetX")))).toBeUndefined();
  });
});

describe("a collection the snapshot does not hold", () => {
  const absent = edited((s) => { delete s.ec2.RouteTables; });

  it("skips the checks saying the snapshot holds no ec2.RouteTables", async () => {
    const { report } = await diagnoseSnapshot(absent);
    const reasons = report.skipped.map((s) => s.reason);
    expect(reasons.length).toBeGreaterThan(0);
    for (const r of reasons.filter((x) => /RouteTables/.test(x))) expect(r).toContain("the snapshot holds no ec2.RouteTables");
    expect(reasons.some((r) => r.includes("the snapshot holds no ec2.RouteTables"))).toBe(true);
  });

  it("never tells to grant a permission for it, in any output", async () => {
    const file = snapshotFile(absent);
    for (const output of ["text", "json", "markdown"]) {
      const r = await runCli(["--snapshot", file, "-o", output]);
      expect(r.code).not.toBe(2);
      expect(r.stdout).not.toMatch(/grant the permissions|was not captured in the snapshot/i);
      expect(r.stdout).toContain("ec2.RouteTables");
    }
  });

  it("a call recorded as denied is still a permission to grant", async () => {
    const { report } = await diagnoseSnapshot(world().withoutNatGateway().denied("ec2:DescribeRouteTables", ["ec2", "RouteTables"]).build());
    expect(report.skipped.map((s) => s.reason).join("\n")).toMatch(/ec2:DescribeRouteTables was denied \(grant ec2:DescribeRouteTables\)/);
  });
});
