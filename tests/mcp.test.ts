// The MCP server, through the SDK's own client over its in-memory transport:
// the four tools are listed, and each answers with the CLI's JSON report as
// structuredContent and the CLI's Markdown as text. And `ecs-doctor mcp`
// speaks the protocol on stdio.
import { spawn } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDemos } from "../src/demos.js";
import { createMcpServer } from "../src/mcp.js";
import { manyTasks } from "./fixtures/many-tasks.js";
import { asPrinted, BIN, cliJson, runCli, snapshotFile } from "./fixtures/run-cli.js";
import { MESSAGES, world } from "./fixtures/world.js";

let client: Client;

beforeAll(async () => {
  const server = createMcpServer();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: "ecs-doctor-test", version: "1.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
});

afterAll(async () => {
  await client.close();
});

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(r: CallToolResult): string {
  const first = r.content[0];
  return first?.type === "text" ? first.text : "";
}

const demos = await listDemos();

describe("MCP tools", () => {
  it("lists diagnose_task, explain_error, preflight_service and scan_cluster, each with an input and an output schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["diagnose_task", "explain_error", "preflight_service", "scan_cluster"]);
    for (const t of tools) {
      expect(t.outputSchema?.type, t.name).toBe("object");
      expect(t.annotations?.readOnlyHint, t.name).toBe(true);
    }
    const diagnose = tools.find((t) => t.name === "diagnose_task")!;
    expect(Object.keys(diagnose.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["task", "cluster", "snapshot", "region", "profile"]));
  });

  it.each(demos.map((d) => [d.name, d.path] as const))("diagnose_task on demo %s: the CLI's JSON and Markdown", async (_name, path) => {
    const r = await call("diagnose_task", { snapshot: path });
    expect(r.isError).toBeFalsy();
    expect(asPrinted(r.structuredContent)).toEqual(await cliJson(["--snapshot", path]));
    expect(text(r)).toBe((await runCli(["--snapshot", path, "--output", "markdown"])).stdout);
  });

  it("explain_error: the report of `ecs-doctor explain`", async () => {
    const r = await call("explain_error", { message: MESSAGES.rateLimit });
    expect(asPrinted(r.structuredContent)).toEqual(await cliJson(["explain", MESSAGES.rateLimit]));
    expect(text(r)).toBe((await runCli(["explain", MESSAGES.rateLimit, "--output", "markdown"])).stdout);
  });

  it("preflight_service: the report of `ecs-doctor preflight`", async () => {
    const s = world().withoutNatGateway().build();
    s.ecs!.services![0].taskDefinition = s.ecs!.tasks![0].taskDefinitionArn;
    s.ecs!.tasks = [];
    const file = snapshotFile(s);
    const r = await call("preflight_service", { snapshot: file, cluster: "prod", service: "web" });
    const cli = await cliJson(["preflight", "--snapshot", file, "--cluster", "prod", "--service", "web"]);
    expect(asPrinted(r.structuredContent)).toEqual(cli);
    expect((r.structuredContent as { findings: { id: string }[] }).findings[0].id).toBe("no-route-to-registry");
    const byDefinition = await call("preflight_service", { snapshot: file, taskDefinition: "web:7", subnets: ["subnet-0pub"], securityGroups: ["sg-0task"], assignPublicIp: "ENABLED" });
    expect((byDefinition.structuredContent as { findings: unknown[] }).findings).toEqual([]);
  });

  it("scan_cluster: the report of `ecs-doctor scan`, its text the Markdown of each report", async () => {
    const file = snapshotFile(manyTasks(6));
    const r = await call("scan_cluster", { snapshot: file });
    expect(asPrinted(r.structuredContent)).toEqual(await cliJson(["scan", "--snapshot", file]));
    expect(text(r)).toBe((await runCli(["scan", "--snapshot", file, "--output", "markdown"])).stdout);
  });

  it("bad input is a tool error that says what to do, not a crash", async () => {
    const r = await call("diagnose_task", { snapshot: "/nonexistent/case.json" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^ecs-doctor: /);
    const p = await call("preflight_service", { snapshot: demos[0].path });
    expect(p.isError).toBe(true);
    expect(text(p)).toMatch(/--service/);
  });
});

describe("ecs-doctor mcp (stdio)", () => {
  it("answers initialize and tools/list on stdout, and exits when stdin closes", async () => {
    const child = spawn(process.execPath, [BIN, "mcp"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const deadline = Date.now() + 10_000;
    while (!out.includes('"id":2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const messages = out.trim().split("\n").map((l) => JSON.parse(l));
    expect(messages.find((m) => m.id === 1)?.result.serverInfo.name).toBe("ecs-doctor");
    expect(messages.find((m) => m.id === 2)?.result.tools).toHaveLength(4);
    expect(code).toBe(0);
  });
});
