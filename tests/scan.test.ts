import { describe, expect, it } from "vitest";
import { deploymentStart, parseSince, renderScanText, scanCluster } from "../src/scan.js";
import { SnapshotSource } from "../src/source/snapshot.js";
import { type TraceEvent, tracedSource } from "../src/source/trace.js";
import { manyTasks } from "./fixtures/many-tasks.js";
import { CLUSTER_ARN } from "./fixtures/world.js";

describe("scan", () => {
  it("diagnoses the tasks that failed to pull and groups them by root cause, most frequent first", async () => {
    const scan = await scanCluster(new SnapshotSource(manyTasks(30)), { cluster: "prod" });
    expect(scan.stoppedTasks).toBe(30);
    expect(scan.reports).toHaveLength(20);
    expect(scan.groups.map((g) => [g.id, g.count, g.services])).toEqual([
      ["image-not-found", 10, ["web"]],
      ["no-route-to-registry", 10, ["api"]],
    ]);
    expect(renderScanText(scan)).toMatch(/10 × image-not-found {2}\(services: web\)/);
  });

  it("shares the calls that tasks have in common: under 0.3 calls a task for 300 tasks", async () => {
    const events: TraceEvent[] = [];
    const scan = await scanCluster(tracedSource(new SnapshotSource(manyTasks(300)), events), { cluster: CLUSTER_ARN });
    expect(scan.reports).toHaveLength(200);
    expect(events.length / 300).toBeLessThan(0.3);
  });

  it("keeps only tasks stopped within --since", async () => {
    const scan = await scanCluster(new SnapshotSource(manyTasks(30)), { cluster: "prod", sinceMs: parseSince("10s"), now: Date.parse("2026-11-24T10:00:00Z") });
    expect(scan.stoppedTasks).toBe(11);
  });

  it("still reports every task when some of their data is denied", async () => {
    const s = manyTasks(9);
    s.errors = [{ call: "ec2:DescribeSubnets", resource: "subnet-0dark", code: "UnauthorizedOperation", message: "denied" }];
    const scan = await scanCluster(new SnapshotSource(s), { cluster: "prod" });
    expect(scan.reports).toHaveLength(6);
    const api = scan.reports.filter((r) => r.task?.group === "service:api");
    expect(api.every((r) => r.skipped.some((k) => k.reason.includes("ec2:DescribeSubnets")))).toBe(true);
    // With the subnet unreadable, the api tasks' next cause (their tag is missing too) leads.
    expect(scan.reports.filter((r) => r.findings[0].id === "image-not-found")).toHaveLength(6);
  });

  it.each([["30m", 1_800_000], ["1h", 3_600_000], ["2d", 172_800_000], ["90s", 90_000]])("parses --since %s", (text, ms) => {
    expect(parseSince(text)).toBe(ms);
  });

  it("rejects a --since it cannot read", () => {
    expect(() => parseSince("yesterday")).toThrow(/--since/);
  });
});

describe("scan --since-deployment: when the deployment started", () => {
  const d = (id: string, rolloutState: string, createdAt: string, status = "ACTIVE") => ({ id, status, rolloutState, createdAt });
  it.each([
    ["a deployment under way: its start", [d("ecs-svc/2", "IN_PROGRESS", "2026-11-24T09:00:00Z", "PRIMARY"), d("ecs-svc/1", "COMPLETED", "2026-11-20T09:00:00Z")], "ecs-svc/2"],
    ["a failed deployment being rolled back: the failed one's start, older than the rollback", [d("ecs-svc/3", "IN_PROGRESS", "2026-11-24T09:30:00Z", "PRIMARY"), d("ecs-svc/2", "FAILED", "2026-11-24T09:00:00Z")], "ecs-svc/2"],
  ])("%s", (_name, deployments, id) => {
    expect(deploymentStart({ deployments })?.id).toBe(id);
  });

  it("none when every deployment listed has completed (a rollback that finished), nor without deployments", () => {
    expect(deploymentStart({ deployments: [d("ecs-svc/3", "COMPLETED", "2026-11-24T09:30:00Z", "PRIMARY")] })).toBeUndefined();
    expect(deploymentStart({})).toBeUndefined();
  });
});
