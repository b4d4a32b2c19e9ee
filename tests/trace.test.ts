import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dependentRounds, type TraceEvent, tracedSource } from "../src/source/trace.js";
import { SnapshotSource } from "../src/source/snapshot.js";
import { collectEvidence, readTask } from "../src/collect/index.js";
import { world } from "./fixtures/world.js";

const ev = (startMs: number, durationMs: number): TraceEvent => ({ service: "ec2", operation: "X", startMs, durationMs, outcome: "ok" });

describe("trace", () => {
  it("counts dependent rounds as the longest chain of calls that waited for each other", () => {
    expect(dependentRounds([])).toBe(0);
    expect(dependentRounds([ev(0, 100), ev(1, 100), ev(2, 100)])).toBe(1);
    expect(dependentRounds([ev(0, 100), ev(100, 100), ev(101, 100), ev(205, 50)])).toBe(3);
  });

  it("keeps one diagnosis within 4 dependent rounds and 30 calls", async () => {
    const events: TraceEvent[] = [];
    const source = tracedSource(new SnapshotSource(world().withoutNatGateway().build(), { latencyMs: 20 }), events);
    await collectEvidence(source, await readTask(source, { task: world().task.taskArn! }));
    expect(events.length).toBeLessThanOrEqual(30);
    expect(dependentRounds(events)).toBeLessThanOrEqual(4);
  });

  it("writes --trace-file as JSON lines in the contract's shape", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ecs-doctor-trace-"));
    const file = join(dir, "trace.jsonl");
    await new Promise<void>((resolve) =>
      execFile(process.execPath, ["bin/ecs-doctor.js", "--snapshot", "demos/private-subnet-no-route.json", "--output", "json", "--trace-file", file], { env: { ...process.env, ECS_DOCTOR_SIMULATED_LATENCY_MS: "5" } }, () => resolve()),
    );
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(expect.arrayContaining(["service", "operation", "startMs", "durationMs", "outcome"]));
      expect(["ok", "denied", "throttled", "not-found", "error"]).toContain(l.outcome);
      expect(l.durationMs).toBeGreaterThanOrEqual(4);
    }
    expect(lines.map((l) => `${l.service}:${l.operation}`)).toContain("ec2:DescribeRouteTables");
  });
});

describe("trace outcomes", () => {
  const trace = async (fn: (s: ReturnType<typeof tracedSource>) => Promise<unknown>, snapshot = world().build()) => {
    const events: TraceEvent[] = [];
    await fn(tracedSource(new SnapshotSource(snapshot), events));
    return events[0];
  };

  it("names AWS's operation, and says ok for a filter that matched nothing", async () => {
    expect(await trace((s) => s.describeNatGateways("vpc-none"))).toMatchObject({ service: "ec2", operation: "DescribeNatGateways", outcome: "ok" });
    expect(await trace((s) => s.describeVpcAttributes("vpc-0aaa"))).toMatchObject({ operation: "DescribeVpcAttribute", outcome: "ok" });
    expect(await trace((s) => s.listStoppedTasks("prod"))).toMatchObject({ service: "ecs", operation: "ListTasks" });
  });

  it("says not-found for a named resource that does not exist", async () => {
    expect(await trace((s) => s.getRole("nobody"))).toMatchObject({ service: "iam", operation: "GetRole", outcome: "not-found" });
    expect(await trace((s) => s.describeImages("123456789012", "web", [{ imageTag: "nope" }]))).toMatchObject({ outcome: "not-found" });
  });

  it("says denied for a denied call, and error for one the snapshot did not capture", async () => {
    expect(await trace((s) => s.describeVpcEndpoints("vpc-0aaa"), world().denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]).build())).toMatchObject({ outcome: "denied" });
    expect(await trace((s) => s.describeVpcEndpoints("vpc-0aaa"), world().mutate((x) => delete x.ec2!.VpcEndpoints).build())).toMatchObject({ outcome: "error" });
  });
});
