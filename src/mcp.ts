// `ecs-doctor mcp`: a Model Context Protocol server on stdio, so an AI agent
// can ask why a task failed, what an error message means, whether a deploy
// would pull, and what is failing across a cluster. Each tool answers with
// the JSON report as structuredContent (the object `--output json` prints) and
// the Markdown report as text. Loaded lazily by the CLI: no other command pays
// for the MCP SDK.

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import { diagnose, explain, preflight, scan } from "./api.js";
import type { Report } from "./model/report.js";
import { render } from "./render/index.js";
import { renderScanMarkdown, type ScanReport } from "./scan.js";

declare const __VERSION__: string | undefined;

const VERSION = typeof __VERSION__ === "string" ? __VERSION__ : "0.1.0";

const where = {
  snapshot: z.string().optional().describe("Path of an ecs-doctor-snapshot/1 file to read instead of AWS"),
  region: z.string().optional().describe("Live: AWS region (default: AWS_REGION, the profile's, or the task ARN's)"),
  profile: z.string().optional().describe("Live: AWS profile (default: AWS_PROFILE)"),
};

const findingShape = z.looseObject({ id: z.string(), rank: z.number(), severity: z.string(), confidence: z.number(), title: z.string() });
const reportSchema = z.looseObject({
  format: z.literal("ecs-doctor-report/1"),
  task: z.unknown(),
  findings: z.array(findingShape),
  passed: z.array(z.unknown()),
  skipped: z.array(z.unknown()),
});
const scanSchema = z.looseObject({
  format: z.literal("ecs-doctor-scan/1"),
  reports: z.array(z.unknown()),
  groups: z.array(z.looseObject({ id: z.string(), count: z.number() })),
});


function answer(structured: Report | ScanReport, markdown: string): CallToolResult {
  return { structuredContent: structured as unknown as Record<string, unknown>, content: [{ type: "text", text: markdown }] };
}

async function guarded(fn: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (err) {
    // Bad input or no credentials: the CLI's exit 2 line, as a tool error the agent can read and act on.
    return { isError: true, content: [{ type: "text", text: `ecs-doctor: ${(err as Error)?.message ?? String(err)}` }] };
  }
}

export function createMcpServer(): McpServer {
  const server = new McpServer({ name: "ecs-doctor", version: VERSION });
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

  server.registerTool(
    "diagnose_task",
    {
      title: "Diagnose a stopped ECS task",
      description:
        "Explains why an Amazon ECS task failed to pull its image or start (CannotPullContainerError, ResourceInitializationError), ranked, with evidence and fixes. " +
        "Reads the task, its network path, the registry and IAM (read-only calls). ECS forgets stopped tasks about an hour after they stop.",
      inputSchema: {
        task: z.string().optional().describe("Task ARN, or task id with cluster; may be left out with a snapshot holding one task"),
        cluster: z.string().optional().describe("Cluster name or ARN (with a task id)"),
        ...where,
      },
      outputSchema: reportSchema,
      annotations: readOnly,
    },
    (args) => guarded(async () => {
      const report = await diagnose(args);
      return answer(report, render(report, "markdown"));
    }),
  );

  server.registerTool(
    "explain_error",
    {
      title: "Explain an ECS error message",
      description: "Judges a stoppedReason or container reason alone, with no AWS call: which causes it proves and which it only suggests.",
      inputSchema: { message: z.string().min(1).describe("The stoppedReason or container reason, as ECS gave it") },
      outputSchema: reportSchema,
      annotations: { ...readOnly, openWorldHint: false },
    },
    ({ message }) => guarded(async () => {
      const report = explain(message);
      return answer(report, render(report, "markdown"));
    }),
  );

  server.registerTool(
    "preflight_service",
    {
      title: "Preflight a deploy",
      description:
        "Before a deploy: checks that a service's (or a task definition's) images would pull from every subnet it runs in (route, endpoints, security groups, " +
        "repository, tag, execution role), before any task has failed. Give cluster and service, or taskDefinition with subnets and securityGroups.",
      inputSchema: {
        cluster: z.string().optional().describe("Cluster name or ARN (with service; default: default)"),
        service: z.string().optional().describe("Read the task definition and network configuration from this service"),
        taskDefinition: z.string().optional().describe("family:revision, family or ARN (with service: a new revision judged on the service's network)"),
        subnets: z.array(z.string()).optional().describe("Without service: subnet ids"),
        securityGroups: z.array(z.string()).optional().describe("Without service: security group ids"),
        assignPublicIp: z.enum(["ENABLED", "DISABLED"]).optional(),
        launchType: z.enum(["FARGATE", "EC2"]).optional(),
        instance: z.string().optional().describe("EC2 launch type: the EC2 instance id the pull would leave from"),
        containerInstance: z.string().optional().describe("EC2 launch type: the container instance ARN the pull would leave from"),
        ...where,
      },
      outputSchema: reportSchema,
      annotations: readOnly,
    },
    (args) => guarded(async () => {
      const report = await preflight(args);
      return answer(report, render(report, "markdown"));
    }),
  );

  server.registerTool(
    "scan_cluster",
    {
      title: "Scan a cluster's failed starts",
      description: "Diagnoses every stopped task of a cluster that failed to pull or start, grouped by root cause (most frequent first).",
      inputSchema: {
        cluster: z.string().optional().describe("Cluster name or ARN (with a snapshot: default, its first task's)"),
        service: z.string().optional().describe("Only this service's tasks"),
        since: z.string().optional().describe("Only tasks stopped within this long: 30m, 1h, 2d"),
        ...where,
      },
      outputSchema: scanSchema,
      annotations: readOnly,
    },
    (args) => guarded(async () => {
      const report = await scan(args);
      return answer(report, renderScanMarkdown(report));
    }),
  );
  return server;
}

/** Serves the tools on stdin/stdout until the client closes; logs go to stderr only. */
export async function runMcpServer(): Promise<void> {
  const server = createMcpServer();
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  process.stdin.on("end", () => void server.close());
  await closed;
}
