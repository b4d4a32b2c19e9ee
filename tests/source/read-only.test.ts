// ecs-doctor only reads: no AWS call may change anything or read a secret's
// value. Checked twice: in the source text (every SDK command named under
// src/), and in what a full run of every Source method actually sends.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { EFSClient } from "@aws-sdk/client-efs";
import { IAMClient } from "@aws-sdk/client-iam";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { KMSClient } from "@aws-sdk/client-kms";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLiveSource } from "../../src/source/live.js";
import type { Source } from "../../src/source/source.js";

const READ_ONLY = /^(Describe|Get|List|BatchGet|Simulate)[A-Za-z0-9]+Command$/;
/** Read-only by name, yet they return secret values or registry credentials. */
const FORBIDDEN = new Set([
  "GetSecretValueCommand", "BatchGetSecretValueCommand", "GetParameterCommand", "GetParametersCommand",
  "GetParametersByPathCommand", "GetParameterHistoryCommand", "GetAuthorizationTokenCommand",
]);

function readOnly(command: string): boolean {
  return READ_ONLY.test(command) && !FORBIDDEN.has(command);
}

/**
 * The two writes outside the engine, allowed by name, in the Lambda handler
 * (src/lambda.ts) only: it publishes its report to the SNS topic its
 * deployment configures (TOPIC_ARN), for notification, and puts the report
 * and the snapshot it diagnosed from into the archive bucket the deployment
 * creates (ARCHIVE_BUCKET), for history. Exactly these commands, in exactly
 * this file; the engine and the CLI (which reads the archive with ListObjectsV2
 * and GetObject) stay read-only.
 */
const NOTIFICATION_WRITES: Record<string, readonly string[]> = { "lambda.ts": ["PublishCommand", "PutObjectCommand"] };

function allowedIn(file: string, command: string): boolean {
  return readOnly(command) || (NOTIFICATION_WRITES[file] ?? []).includes(command);
}

const SRC = new URL("../../src/", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.[cm]?[jt]s$/.test(e.name) ? [join(dir, e.name)] : []);
}

/** Files under src/ that use the SDK, with every `XxxCommand` they import from it or name anywhere. */
function sdkFiles(): { file: string; imported: string[]; named: string[] }[] {
  return sourceFiles(SRC)
    .map((file) => ({ file, text: readFileSync(file, "utf8") }))
    .filter(({ text }) => /["']@aws-sdk\//.test(text))
    .map(({ file, text }) => {
      const imported: string[] = [];
      for (const [, names] of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["']@aws-sdk\/[^"']+["']/g)) {
        for (const n of names.split(",")) {
          const name = n.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0];
          if (name.endsWith("Command")) imported.push(name);
        }
      }
      const named = [...new Set([...text.matchAll(/\b([A-Z][A-Za-z0-9]*Command)\b/g)].map((x) => x[1]))];
      return { file: file.slice(SRC.length), imported, named };
    });
}

describe("read-only, in the source", () => {
  const files = sdkFiles();

  it("finds the live source among the files that use the SDK", () => {
    expect(files.map((f) => f.file)).toContain("source/live.ts");
    expect(files.find((f) => f.file === "source/live.ts")?.imported.length).toBeGreaterThan(20);
  });

  it("imports only Describe, Get, List, BatchGet and Simulate commands, and none that reads a value", () => {
    const bad = files.flatMap((f) => [...f.imported, ...f.named].filter((c) => !allowedIn(f.file, c)).map((c) => `${f.file}: ${c}`));
    expect(bad).toEqual([]);
  });

  it("never names GetSecretValue, GetParameter(s) or GetAuthorizationToken", () => {
    for (const { file } of files) {
      const text = readFileSync(join(SRC, file), "utf8");
      expect(text, file).not.toMatch(/GetSecretValue|GetParameters?(ByPath)?Command|GetParameterHistory|GetAuthorizationTokenCommand/);
    }
  });
});

describe("read-only, in what is sent", () => {
  const stubs = [
    mockClient(ECSClient), mockClient(EC2Client), mockClient(ECRClient), mockClient(IAMClient), mockClient(STSClient),
    mockClient(SecretsManagerClient), mockClient(SSMClient), mockClient(CloudWatchLogsClient), mockClient(KMSClient),
    mockClient(SecretsManagerClient), mockClient(SSMClient), mockClient(EFSClient),
  ] as const;
  const doc = encodeURIComponent(JSON.stringify({ Version: "2012-10-17", Statement: [] }));

  beforeAll(() => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "fake-secret");
    const [ecs, ec2, , iam] = stubs;
    for (const stub of stubs as readonly { onAnyCommand(): { resolves(output: object): unknown } }[]) stub.onAnyCommand().resolves({});
    // Answers that lead every joining method to its sub-calls.
    ecs.onAnyCommand().callsFake(async () => ({ taskArns: ["arn:aws:ecs:us-east-1:123456789012:task/prod/t1"], tasks: [] }));
    ec2.onAnyCommand().callsFake(async () => ({ PrefixLists: [{ PrefixListId: "pl-1" }], Entries: [] }));
    iam.onAnyCommand().callsFake(async () => ({
      Role: { RoleName: "r", AssumeRolePolicyDocument: doc, PermissionsBoundary: { PermissionsBoundaryArn: "arn:aws:iam::123456789012:policy/b" } },
      AttachedPolicies: [{ PolicyName: "p", PolicyArn: "arn:aws:iam::123456789012:policy/p" }],
      PolicyNames: ["inline"],
      Policy: { DefaultVersionId: "v1" },
      PolicyVersion: { Document: doc },
      PolicyDocument: doc,
      InstanceProfile: { Roles: [] },
      EvaluationResults: [],
    }));
  });

  afterAll(() => {
    for (const stub of stubs) stub.restore();
    vi.unstubAllEnvs();
  });

  it("sends only read-only commands over a full run of every Source method", async () => {
    const source = await createLiveSource({ region: "us-east-1" });
    const run: Record<Exclude<keyof Source, "kind" | "region">, (s: Source) => Promise<unknown>> = {
      accountId: (s) => s.accountId(),
      describeTasks: (s) => s.describeTasks(undefined, ["arn:aws:ecs:us-east-1:123456789012:task/prod/t1"]),
      listStoppedTasks: (s) => s.listStoppedTasks("prod", "web"),
      describeTaskDefinition: (s) => s.describeTaskDefinition("web:1"),
      describeServices: (s) => s.describeServices("prod", ["web"]),
      describeContainerInstances: (s) => s.describeContainerInstances("prod", ["ci"]),
      describeSubnets: (s) => s.describeSubnets(["subnet-1"]),
      describeVpcs: (s) => s.describeVpcs(["vpc-1"]),
      describeVpcAttributes: (s) => s.describeVpcAttributes("vpc-1"),
      describeDhcpOptions: (s) => s.describeDhcpOptions(["dopt-1"]),
      describeRouteTables: (s) => s.describeRouteTables("vpc-1"),
      describeInternetGateways: (s) => s.describeInternetGateways("vpc-1"),
      describeEgressOnlyInternetGateways: (s) => s.describeEgressOnlyInternetGateways(["eigw-1"]),
      describeNatGateways: (s) => s.describeNatGateways("vpc-1"),
      describeVpcEndpoints: (s) => s.describeVpcEndpoints("vpc-1"),
      describeSecurityGroups: (s) => s.describeSecurityGroups(["sg-1"]),
      describeNetworkAcls: (s) => s.describeNetworkAcls("subnet-1"),
      describeNetworkInterfaces: (s) => s.describeNetworkInterfaces(["eni-1"]),
      describeInstances: (s) => s.describeInstances(["i-1"]),
      describeManagedPrefixLists: (s) => s.describeManagedPrefixLists(["pl-1"]),
      describeRepositories: (s) => s.describeRepositories("123456789012", ["web"]),
      describeImages: async (s) => [await s.describeImages("123456789012", "web", [{ imageTag: "1" }]), await s.describeImages("123456789012", "web")],
      batchGetImage: (s) => s.batchGetImage("123456789012", "web", [{ imageTag: "1" }]),
      getRepositoryPolicy: (s) => s.getRepositoryPolicy("123456789012", "web"),
      describePullThroughCacheRules: (s) => s.describePullThroughCacheRules("123456789012"),
      getRole: (s) => s.getRole("r"),
      getInstanceProfile: (s) => s.getInstanceProfile("p"),
      simulatePrincipalPolicy: (s) => s.simulatePrincipalPolicy("arn:aws:iam::123456789012:role/r", ["ecr:BatchGetImage"], ["*"]),
      describeSecret: (s) => s.describeSecret("db"),
      describeParameters: (s) => s.describeParameters(["/db"]),
      describeLogGroups: (s) => s.describeLogGroups("/ecs/web"),
      getKeyPolicy: (s) => s.getKeyPolicy("arn:aws:kms:us-east-1:123456789012:key/k1"),
      describeKey: (s) => s.describeKey("alias/app"),
      listAliases: (s) => s.listAliases(),
      describeVpcSecurityGroups: (s) => s.describeVpcSecurityGroups("vpc-1"),
      describeFileSystems: (s) => s.describeFileSystems(["fs-1"]),
      describeMountTargets: (s) => s.describeMountTargets("fs-1"),
      describeMountTargetSecurityGroups: (s) => s.describeMountTargetSecurityGroups(["fsmt-1"]),
      describeAccessPoints: (s) => s.describeAccessPoints(["fsap-1"]),
      describeFileSystemPolicy: (s) => s.describeFileSystemPolicy("fs-1"),
    };
    const facts = await Promise.all(Object.values(run).map((fn) => fn(source)));
    // Every method answered (a fact or the account), none threw.
    expect(facts).toHaveLength(Object.keys(run).length);

    const sent = new Set(stubs.flatMap((stub) => stub.calls().map((call) => (call.args[0] as object).constructor.name)));
    expect([...sent].filter((c) => !readOnly(c))).toEqual([]);
    // The run reached every command the live source can send.
    // The live source's reads: live.ts and the files it loads on first use (live-efs.ts).
    const imported = sdkFiles().filter((f) => /^source\/live(-[a-z]+)?\.ts$/.test(f.file)).flatMap((f) => f.imported);
    expect([...sent].sort()).toEqual([...new Set(imported)].sort());
  });
});
