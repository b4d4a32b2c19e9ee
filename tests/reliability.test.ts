// Reliability: malformed snapshots never crash the diagnosis; throttling,
// calls that never answer, and denied data leave a complete report.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../src/diagnose.js";
import { UsageError } from "../src/errors.js";
import type { Report } from "../src/model/report.js";
import { scanCluster } from "../src/scan.js";
import { createLiveSource } from "../src/source/live.js";
import { parseSnapshot, type Snapshot, SnapshotSource } from "../src/source/snapshot.js";
import { reportProblems } from "./fixtures/check-report.js";
import { DEMOS } from "./fixtures/demos.js";
import { manyTasks } from "./fixtures/many-tasks.js";
import { mockedClients, retryingClients, SnapshotAccount } from "./fixtures/mock-aws.js";

// ---------- (a) fuzzed snapshots ----------

type Path = (string | number)[];

function paths(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) for (const [i, v] of value.entries()) paths(v, [...at, i], out);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function nest(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { Statement: v };
  return v;
}

type Change = { op: "delete" } | { op: "set"; value: unknown } | { op: "nest"; depth: number } | { op: "grow"; count: number } | { op: "like"; text: string; n: number };

const replacement: fc.Arbitrary<Change> = fc.oneof(
  fc.constant({ op: "delete" as const }),
  // A value of the same type, strange: unicode or address-like text, extreme numbers.
  fc.record({
    op: fc.constant("like" as const),
    text: fc.oneof(fc.string({ unit: "grapheme", maxLength: 30 }), fc.constantFrom("10.0.0.0/33", "::", "0.0.0.0/0", "arn:aws:iam::123456789012:role/", "sha256:", "\u0000", "🙂".repeat(50))),
    n: fc.constantFrom(-1, 0, 0.5, 1e308, -1e308, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY),
  }),
  fc.constantFrom(null, 0, -1, 1e308, Number.NaN, true, "", [], {}, "0.0.0.0/0", "::/0", "arn:aws:", "*").map((value) => ({ op: "set" as const, value })),
  fc.string({ unit: "binary", maxLength: 40 }).map((value) => ({ op: "set" as const, value })),
  fc.string({ unit: "grapheme", maxLength: 20 }).map((value) => ({ op: "set" as const, value })),
  fc.integer({ min: 1, max: 300 }).map((depth) => ({ op: "nest" as const, depth })),
  fc.integer({ min: 100, max: 3000 }).map((count) => ({ op: "grow" as const, count })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ op: "set" as const, value })),
);

/** Applies each change at a path of the original snapshot (skipped when an earlier change removed it). */
function mutate(base: Snapshot, mutations: { at: number; change: Change }[]): unknown {
  const doc = structuredClone(base) as unknown as Record<string, unknown>;
  const all = paths(doc).filter((p) => p.length > 0);
  for (const { at, change } of mutations) {
    const path = all[at % all.length];
    let parent = doc as Record<string | number, unknown> | undefined;
    for (const k of path.slice(0, -1)) parent = parent && typeof parent === "object" ? (parent[k] as Record<string | number, unknown>) : undefined;
    if (!parent || typeof parent !== "object") continue;
    const key = path[path.length - 1];
    const current = parent[key];
    if (change.op === "delete") {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (change.op === "set") parent[key] = change.value;
    else if (change.op === "nest") parent[key] = nest(change.depth, current);
    else if (change.op === "like") {
      if (typeof current === "string") parent[key] = change.text;
      else if (typeof current === "number") parent[key] = change.n;
      else if (typeof current === "boolean") parent[key] = !current;
      else if (Array.isArray(current)) parent[key] = [...current].reverse();
      else parent[key] = {};
    }
    // A huge array: the same item many times (arrays only, so the document stays a tree of modest size).
    else if (Array.isArray(current) && current.length > 0) parent[key] = Array.from({ length: change.count }, (_, i) => current[i % current.length]);
  }
  return doc;
}

/** The CLI's in-process path: validate, then diagnose the (single) task. */
async function cliPath(data: unknown): Promise<{ invalid: string } | { refused: string } | { report: Report }> {
  let snapshot: Snapshot;
  try {
    snapshot = parseSnapshot(data);
  } catch (e) {
    if (e instanceof UsageError) return { invalid: e.message };
    throw e;
  }
  try {
    const task = snapshot.ecs?.tasks?.[0]?.taskArn;
    if (typeof task !== "string") return { refused: "no task" };
    return { report: (await diagnoseTask(new SnapshotSource(snapshot), { task })).report };
  } catch (e) {
    // A task the snapshot does not hold, as the CLI says it.
    if (e instanceof UsageError) return { refused: e.message };
    throw e;
  }
}

const tally = { invalid: 0, refused: 0, report: 0 };

describe("a fuzzed snapshot", () => {
  it.each(DEMOS.map((d) => [d.name, d] as const))("from %s: is rejected naming the JSON path, or diagnosed to a valid report", async (_name, d) => {
    const base = d.world.build();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat(), change: replacement }), { minLength: 1, maxLength: 4 }), async (mutations) => {
        const outcome = await cliPath(mutate(base, mutations));
        if ("invalid" in outcome) {
          tally.invalid++;
          expect(outcome.invalid).toMatch(/: (\$[.[\w]|the top level)/);
        } else if ("refused" in outcome) tally.refused++;
        else {
          tally.report++;
          expect(reportProblems(outcome.report)).toEqual([]);
          // A check that throws is reported as skipped: still a crash, hidden.
          expect(outcome.report.skipped.filter((k) => /the check failed/.test(k.reason))).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.ECS_DOCTOR_FUZZ_RUNS ?? 150) },
    );
  });

  it("was diagnosed in a good share of the runs, not only rejected", () => {
    expect(tally.report).toBeGreaterThan((tally.invalid + tally.refused + tally.report) / 4);
  });
});

describe("every field of every demo, one at a time", () => {
  it("set to null or a wrong type, is rejected naming its path, or diagnosed without a check failing", async () => {
    const seen = new Set<string>();
    const failures: string[] = [];
    for (const d of DEMOS) {
      const base = d.world.build();
      for (const path of paths(base).filter((p) => p.length > 0)) {
        const shape = path.map((k) => (typeof k === "number" ? "[]" : k)).join(".");
        if (seen.has(shape)) continue;
        seen.add(shape);
        for (const value of [null, {}, "x", [null]]) {
          const doc = structuredClone(base) as unknown as Record<string | number, unknown>;
          let parent = doc;
          for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
          parent[path[path.length - 1]] = value;
          const outcome = await cliPath(doc);
          if ("invalid" in outcome && !/: (\$[.[\w]|the top level)/.test(outcome.invalid)) failures.push(`${shape} = ${JSON.stringify(value)}: ${outcome.invalid}`);
          if ("report" in outcome) {
            for (const k of outcome.report.skipped) if (/the check failed/.test(k.reason)) failures.push(`${shape} = ${JSON.stringify(value)}: ${k.check} ${k.reason}`);
            for (const p of reportProblems(outcome.report)) failures.push(`${shape} = ${JSON.stringify(value)}: ${p}`);
          }
        }
      }
    }
    expect(seen.size).toBeGreaterThan(150);
    expect(failures).toEqual([]);
  });
});

describe("what the fuzzing found", () => {
  const base = () => DEMOS.find((d) => d.name === "tag-never-pushed")!.world.build();

  it("reads a null field as absent, as validation does (a service's clusterArn: null crashed the snapshot source)", async () => {
    const s = base() as unknown as { ecs: { services: Record<string, unknown>[] } };
    s.ecs.services[0].clusterArn = null;
    const outcome = await cliPath(s);
    expect("report" in outcome && outcome.report.findings[0].id).toBe("image-not-found");
  });

  it.each([
    ["ecr.imageDetails[0].imagePushedAt", (s: Snapshot) => { s.ecr!.imageDetails![0].imagePushedAt = "yesterday"; }],
    ["ecs.tasks[0].stoppedAt", (s: Snapshot) => { s.ecs!.tasks![0].stoppedAt = "🙂"; }],
  ])("rejects a date that cannot be read, naming %s (it crashed printing the date)", async (path, change) => {
    const s = base();
    change(s);
    const outcome = await cliPath(s);
    expect("invalid" in outcome && outcome.invalid).toContain(`$.${path} should be a date`);
  });

  it("rejects a NAT gateway address that is not an object (a null one crashed registry-rate-limited)", async () => {
    const s = DEMOS.find((d) => d.name === "docker-hub-rate-limit")!.world.build() as unknown as { ec2: { NatGateways: { NatGatewayAddresses: unknown[] }[] } };
    s.ec2.NatGateways[0].NatGatewayAddresses = [null];
    const outcome = await cliPath(s);
    expect("invalid" in outcome && outcome.invalid).toContain("$.ec2.NatGateways[0].NatGatewayAddresses[0] should be an object, not null");
  });

  it("rejects a policy statement that is not an object, naming it (a null statement crashed execution-role-not-assumable)", async () => {
    const s = base() as unknown as { iam: { Roles: { AssumeRolePolicyDocument: { Statement: unknown[] } }[] } };
    s.iam.Roles[0].AssumeRolePolicyDocument.Statement = [null];
    const outcome = await cliPath(s);
    expect("invalid" in outcome && outcome.invalid).toContain("$.iam.Roles[0].AssumeRolePolicyDocument.Statement[0] should be a statement object, not null");
  });
});

// ---------- live path helpers ----------

const taskOf = (s: Snapshot) => s.ecs!.tasks![0].taskArn!;
function comparable(r: Report) {
  const { source: _s, ...rest } = r;
  return rest;
}
async function liveReport(snapshot: Snapshot): Promise<Report> {
  const live = await createLiveSource({ region: snapshot.region, clients: mockedClients(new SnapshotAccount(snapshot)) });
  return (await diagnoseTask(live, { task: taskOf(snapshot) })).report;
}

// ---------- (b) throttling storms ----------

describe("a throttling storm", () => {
  it.each(DEMOS.map((d) => [d.name, d] as const))("%s: every call throttled twice gives the unthrottled report", async (_name, d) => {
    const snapshot = d.world.build();
    const account = new SnapshotAccount(snapshot, { throttleTimes: 2 });
    const live = await createLiveSource({ region: snapshot.region, clients: await retryingClients(account, { maxAttempts: 5, retryDelayMs: 1 }) });
    const { report } = await diagnoseTask(live, { task: taskOf(snapshot) });
    expect(account.calls.filter((c) => c.error === "ThrottlingException").length).toBeGreaterThanOrEqual(2 * account.calls.filter((c) => c.outcome === "ok").length);
    expect(comparable(report)).toEqual(comparable(await liveReport(snapshot)));
  });

  it("without enough retries, reports the throttled calls as skipped, never as passed", async () => {
    const snapshot = DEMOS[0].world.build();
    const account = new SnapshotAccount(snapshot, { throttleTimes: 2 });
    const live = await createLiveSource({ region: snapshot.region, clients: await retryingClients(account, { maxAttempts: 2, retryDelayMs: 1 }) });
    await expect(diagnoseTask(live, { task: taskOf(snapshot) })).rejects.toThrow(/ecs:DescribeTasks was throttled|cannot read the task/);
  });
});

// ---------- (c) a call that never answers ----------

describe("a call that never answers", () => {
  it("becomes a skip at the timeout, and the diagnosis completes", async () => {
    const snapshot = DEMOS.find((d) => d.name === "private-subnet-no-route")!.world.build();
    const account = new SnapshotAccount(snapshot, { hang: (command) => command === "DescribeVpcEndpoints" });
    const live = await createLiveSource({ region: snapshot.region, clients: mockedClients(account), timeoutMs: 400 });
    const t0 = performance.now();
    const { report } = await diagnoseTask(live, { task: taskOf(snapshot) });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(reportProblems(report)).toEqual([]);
    expect(report.skipped.some((s) => /ec2:DescribeVpcEndpoints did not answer in time/.test(s.reason))).toBe(true);
    expect(report.passed.map((p) => p.check)).not.toContain("vpc-endpoint-missing");
  });
});

// ---------- (d) a scan with some tasks' data denied ----------

describe("a live scan where some tasks' data is denied", () => {
  it("reports every task, the denied ones with the denied call skipped", async () => {
    const snapshot = manyTasks(30);
    snapshot.errors = [{ call: "ec2:DescribeSubnets", resource: "subnet-0dark", code: "UnauthorizedOperation", message: "You are not authorized to perform this operation." }];
    const account = new SnapshotAccount(snapshot);
    const live = await createLiveSource({ region: snapshot.region, clients: mockedClients(account) });
    const scan = await scanCluster(live, { cluster: "prod" });
    expect(scan.stoppedTasks).toBe(30);
    expect(scan.reports).toHaveLength(20);
    const api = scan.reports.filter((r) => r.task?.group === "service:api");
    const web = scan.reports.filter((r) => r.task?.group === "service:web");
    expect(api).toHaveLength(10);
    expect(web).toHaveLength(10);
    for (const r of api) expect(r.skipped.some((k) => /ec2:DescribeSubnets was denied/.test(k.reason))).toBe(true);
    for (const r of web) {
      expect(r.findings[0].id).toBe("image-not-found");
      expect(r.skipped.some((k) => /ec2:DescribeSubnets/.test(k.reason))).toBe(false);
    }
    for (const r of scan.reports) expect(reportProblems(r)).toEqual([]);
  });
});
