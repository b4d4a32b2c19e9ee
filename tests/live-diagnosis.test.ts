// The live path end to end: a task id with --cluster, and a task ECS no
// longer lists (exit 2 with the one-hour hint), in-process and as a process
// talking to a local stand-in for the ECS endpoint.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnoseTask } from "../src/diagnose.js";
import { createLiveSource } from "../src/source/live.js";
import { mockedClients, SnapshotAccount } from "./fixtures/mock-aws.js";
import { world } from "./fixtures/world.js";

const TASK_ID = "0123456789abcdef0123456789abcdef";

describe("live diagnosis", () => {
  it("finds a task by its id and --cluster, and diagnoses it", async () => {
    const account = new SnapshotAccount(world().withoutNatGateway().build());
    const source = await createLiveSource({ region: "us-east-1", clients: mockedClients(account) });
    const { report } = await diagnoseTask(source, { task: TASK_ID, cluster: "prod" });
    expect(report.findings[0].id).toBe("no-route-to-registry");
    const describe = account.calls.find((c) => c.command === "DescribeTasks")!;
    expect(describe.input).toMatchObject({ cluster: "prod", tasks: [TASK_ID] });
  });

  it("says ECS forgets stopped tasks after about an hour when the task is not found", async () => {
    const account = new SnapshotAccount(world().mutate((s) => { s.ecs!.tasks = []; }).build());
    const source = await createLiveSource({ region: "us-east-1", clients: mockedClients(account) });
    await expect(diagnoseTask(source, { task: TASK_ID, cluster: "prod" })).rejects.toThrow(/forgets stopped tasks about an hour.*--snapshot/);
  });
});

describe("the CLI against an ECS endpoint that no longer lists the task", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => { body += c.toString(); });
      req.on("end", () => {
        // ECS speaks JSON 1.1: DescribeTasks of a forgotten task answers a MISSING failure.
        const target = String(req.headers["x-amz-target"] ?? "");
        res.setHeader("content-type", "application/x-amz-json-1.1");
        if (target.endsWith("DescribeTasks")) {
          const arn = JSON.parse(body).tasks?.[0];
          res.end(JSON.stringify({ tasks: [], failures: [{ arn, reason: "MISSING" }] }));
        } else {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: "UnknownOperationException", message: target }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("exits 2 with one line on stderr: the hint, and what to do", async () => {
    const home = mkdtempSync(join(tmpdir(), "ecs-doctor-live-"));
    const env = {
      PATH: process.env.PATH ?? "", HOME: home, AWS_CONFIG_FILE: join(home, "none"), AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_ENDPOINT_URL: url, AWS_EC2_METADATA_DISABLED: "true",
    };
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ["bin/ecs-doctor.js", TASK_ID, "--cluster", "prod", "--region", "us-east-1"], { env, timeout: 15_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/not found in cluster prod.*about an hour.*--snapshot/);
  });
});
