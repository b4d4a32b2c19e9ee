// The live source's CloudWatch Logs and KMS calls against mocked SDK clients
// (aws-sdk-client-mock): what each sends, and what a denied or missing
// resource becomes.

import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLiveSource } from "../../src/source/live.js";

const REGION = "us-east-1";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const awsError = (name: string, message = `${name} (mocked)`) => Object.assign(new Error(message), { name, $metadata: {} });

const mocks = () => ({ logs: mockClient(CloudWatchLogsClient), kms: mockClient(KMSClient) });
let logs: ReturnType<typeof mocks>["logs"];
let kms: ReturnType<typeof mocks>["kms"];

beforeEach(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "fake-secret");
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  ({ logs, kms } = mocks());
  logs.onAnyCommand().resolves({});
  kms.onAnyCommand().resolves({});
});

afterEach(() => {
  logs.restore();
  kms.restore();
  vi.unstubAllEnvs();
});

const live = () => createLiveSource({ region: REGION });

describe("logs:DescribeLogGroups", () => {
  it("asks by name prefix and keeps the group's name, ARN and key", async () => {
    logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [{ logGroupName: "/ecs/web", arn: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*", kmsKeyId: KEY_ARN, storedBytes: 10 }],
    });
    const fact = await (await live()).describeLogGroups("/ecs/web");
    expect(fact).toEqual({ state: "known", value: [{ logGroupName: "/ecs/web", arn: "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*", kmsKeyId: KEY_ARN }] });
    expect(logs.commandCalls(DescribeLogGroupsCommand)[0].args[0].input).toMatchObject({ logGroupNamePrefix: "/ecs/web" });
  });

  it("answers an empty list when no group has the name (it does not exist)", async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    expect(await (await live()).describeLogGroups("/ecs/missing")).toEqual({ state: "known", value: [] });
  });

  it("is denied, naming logs:DescribeLogGroups", async () => {
    logs.on(DescribeLogGroupsCommand).rejects(awsError("AccessDeniedException", "User is not authorized to perform: logs:DescribeLogGroups"));
    expect(await (await live()).describeLogGroups("/ecs/web")).toMatchObject({ state: "unknown", why: "denied", call: "logs:DescribeLogGroups", permission: "logs:DescribeLogGroups" });
  });

  it("asks the awslogs-region's client, not the task's", async () => {
    const other = new CloudWatchLogsClient({ region: "eu-west-1" });
    const source = await createLiveSource({ region: REGION, clientsFor: (r) => (r === "eu-west-1" ? { logs: other } : {}) });
    await source.describeLogGroups("/ecs/web", "eu-west-1");
    await source.describeLogGroups("/ecs/web");
    const [first, second] = logs.commandCalls(DescribeLogGroupsCommand);
    expect(first.thisValue).toBe(other);
    expect(second.thisValue).not.toBe(other);
  });
});

describe("kms:GetKeyPolicy", () => {
  it("asks for the policy named default and keeps it with its key", async () => {
    kms.on(GetKeyPolicyCommand).resolves({ Policy: '{"Version":"2012-10-17","Statement":[]}', PolicyName: "default" });
    expect(await (await live()).getKeyPolicy(KEY_ARN)).toEqual({ state: "known", value: { KeyId: KEY_ARN, Policy: '{"Version":"2012-10-17","Statement":[]}' } });
    expect(kms.commandCalls(GetKeyPolicyCommand)[0].args[0].input).toEqual({ KeyId: KEY_ARN, PolicyName: "default" });
  });

  it("is null for a key that does not exist", async () => {
    kms.on(GetKeyPolicyCommand).rejects(awsError("NotFoundException", "Key does not exist"));
    expect(await (await live()).getKeyPolicy(KEY_ARN)).toEqual({ state: "known", value: null });
  });

  it("is denied, naming kms:GetKeyPolicy (a key policy that does not let the caller read it)", async () => {
    kms.on(GetKeyPolicyCommand).rejects(awsError("AccessDeniedException"));
    expect(await (await live()).getKeyPolicy(KEY_ARN)).toMatchObject({ state: "unknown", why: "denied", call: "kms:GetKeyPolicy" });
  });
});

describe("kms:DescribeKey", () => {
  it("resolves an alias to its key's metadata", async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab", Arn: KEY_ARN, KeyManager: "CUSTOMER", KeyState: "Enabled", Enabled: true } });
    const fact = await (await live()).describeKey("alias/app");
    expect(fact).toMatchObject({ state: "known", value: { Arn: KEY_ARN, KeyManager: "CUSTOMER" } });
    expect(kms.commandCalls(DescribeKeyCommand)[0].args[0].input).toEqual({ KeyId: "alias/app" });
  });

  it("is null for a key or alias that does not exist, denied when refused", async () => {
    kms.on(DescribeKeyCommand).rejectsOnce(awsError("NotFoundException")).rejectsOnce(awsError("AccessDeniedException"));
    const source = await live();
    expect(await source.describeKey("alias/gone")).toEqual({ state: "known", value: null });
    expect(await source.describeKey("alias/app")).toMatchObject({ state: "unknown", why: "denied", call: "kms:DescribeKey" });
  });
});

describe("kms:ListAliases", () => {
  it("follows the marker to the last page", async () => {
    kms.on(ListAliasesCommand, { Marker: undefined }).resolves({ Aliases: [{ AliasName: "alias/app", TargetKeyId: "k1" }], Truncated: true, NextMarker: "m2" });
    kms.on(ListAliasesCommand, { Marker: "m2" }).resolves({ Aliases: [{ AliasName: "alias/aws/ssm", TargetKeyId: "k2" }], Truncated: false });
    const fact = await (await live()).listAliases();
    expect(fact).toEqual({ state: "known", value: [{ AliasName: "alias/app", TargetKeyId: "k1" }, { AliasName: "alias/aws/ssm", TargetKeyId: "k2" }] });
  });

  it("is denied, naming kms:ListAliases", async () => {
    kms.on(ListAliasesCommand).rejects(awsError("AccessDeniedException"));
    expect(await (await live()).listAliases()).toMatchObject({ state: "unknown", why: "denied", call: "kms:ListAliases" });
  });
});
