// --timeout bounds the process, not only the report: against a local stand-in
// endpoint that answers the task and then never answers again (or throttles
// every request, so that the SDK's retry timers run), the CLI prints its
// report and exits within N + 0.5 s, naming what it could not read.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StandIn, standInEndpoint } from "./fixtures/stand-in.js";
import { TASK_ARN, world } from "./fixtures/world.js";

describe.each([
  ["never answers", "hang", /ec2:DescribeSubnets did not answer in time/],
  ["throttles every request", "throttle", /ec2:DescribeSubnets (did not answer in time|was throttled)/],
] as const)("--timeout against an endpoint that, after the task, %s", (_what, mode, unread) => {
  let endpoint: StandIn;
  beforeAll(async () => {
    endpoint = await standInEndpoint(world().build().ecs!.tasks![0], mode);
  });
  afterAll(() => endpoint.close());

  it("prints the report and exits within N + 0.5 s, the unread checks skipped with the reason", async () => {
    const home = mkdtempSync(join(tmpdir(), "ecs-doctor-timeout-"));
    const env = {
      PATH: process.env.PATH ?? "", HOME: home, AWS_CONFIG_FILE: join(home, "none"), AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_ENDPOINT_URL: endpoint.url, AWS_EC2_METADATA_DISABLED: "true",
    };
    const n = 2;
    const t0 = performance.now();
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
      const child = spawn(process.execPath, ["bin/ecs-doctor.js", TASK_ARN, "--timeout", String(n), "--output", "json"], { env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("exit", (code) => { clearTimeout(kill); resolve({ code, stdout, stderr, ms: performance.now() - t0 }); });
    });
    expect(r.stderr).not.toMatch(/Error|at /);
    expect(r.code === 0 || r.code === 1).toBe(true);
    expect(r.ms).toBeLessThan((n + 0.5) * 1000);
    const report = JSON.parse(r.stdout) as { skipped: { check: string; reason: string }[]; passed: { check: string }[] };
    expect(report.skipped.some((s) => unread.test(s.reason))).toBe(true);
    expect(report.passed.map((p) => p.check)).not.toContain("no-route-to-registry");
  }, 30_000);
});
