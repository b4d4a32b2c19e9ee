// The live source against mocked SDK clients (aws-sdk-client-mock), fully
// offline; and, where the SDK's own behaviour matters (credentials, region,
// endpoint variables, timeouts), against real clients and a local server.

import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeManagedPrefixListsCommand, DescribeNetworkInterfacesCommand, DescribeRouteTablesCommand, DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand, EC2Client, GetManagedPrefixListEntriesCommand,
} from "@aws-sdk/client-ec2";
import {
  BatchGetImageCommand, DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient, GetRepositoryPolicyCommand,
} from "@aws-sdk/client-ecr";
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import {
  GetInstanceProfileCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient,
  ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DescribeParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../src/errors.js";
import { createLiveSource, type LiveClients } from "../../src/source/live.js";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";

function mockAll() {
  const m = {
    ecs: mockClient(ECSClient),
    ec2: mockClient(EC2Client),
    ecr: mockClient(ECRClient),
    iam: mockClient(IAMClient),
    sts: mockClient(STSClient),
    secretsManager: mockClient(SecretsManagerClient),
    ssm: mockClient(SSMClient),
  };
  // An unmatched rule would resolve undefined: every call answers {} unless a test says otherwise.
  for (const stub of Object.values(m) as { onAnyCommand(): { resolves(output: object): unknown } }[]) stub.onAnyCommand().resolves({});
  return m;
}

let m: ReturnType<typeof mockAll>;

beforeEach(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "fake-secret");
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  m = mockAll();
});

afterEach(() => {
  for (const stub of Object.values(m)) stub.restore();
  vi.unstubAllEnvs();
});

const live = (timeoutMs?: number) => createLiveSource({ region: REGION, timeoutMs });
const awsError = (name: string, message = `${name} (mocked)`) => Object.assign(new Error(message), { name, $metadata: {} });

describe("pagination", () => {
  it("follows DescribeRouteTables' NextToken, filtered by VPC", async () => {
    m.ec2.on(DescribeRouteTablesCommand)
      .resolvesOnce({ RouteTables: [{ RouteTableId: "rtb-1" }], NextToken: "page2" })
      .resolvesOnce({ RouteTables: [{ RouteTableId: "rtb-2" }] });
    const fact = await (await live()).describeRouteTables("vpc-1");
    expect(fact).toEqual({ state: "known", value: [{ RouteTableId: "rtb-1" }, { RouteTableId: "rtb-2" }] });
    const calls = m.ec2.commandCalls(DescribeRouteTablesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0].args[0].input).toMatchObject({ Filters: [{ Name: "vpc-id", Values: ["vpc-1"] }], NextToken: undefined });
    expect(calls[1].args[0].input.NextToken).toBe("page2");
  });

  it("follows ListTasks' nextToken, describes the tasks in batches of 100 and sorts them newest first", async () => {
    const arns = Array.from({ length: 150 }, (_, i) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/t${i}`);
    m.ecs.on(ListTasksCommand)
      .resolvesOnce({ taskArns: arns.slice(0, 100), nextToken: "more" })
      .resolvesOnce({ taskArns: arns.slice(100) });
    m.ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((taskArn) => ({ taskArn, stoppedAt: new Date(Date.UTC(2026, 0, 1, 0, Number(taskArn.split("/t")[1]))) })),
    }));
    const fact = await (await live()).listStoppedTasks("prod", "web");
    expect(fact.state).toBe("known");
    const tasks = fact.state === "known" ? fact.value : [];
    expect(tasks).toHaveLength(150);
    expect(tasks[0].taskArn).toMatch(/\/t149$/);
    expect(tasks[149].taskArn).toMatch(/\/t0$/);
    const list = m.ecs.commandCalls(ListTasksCommand);
    expect(list.map((c) => c.args[0].input)).toEqual([
      { cluster: "prod", serviceName: "web", desiredStatus: "STOPPED", maxResults: 100, nextToken: undefined },
      { cluster: "prod", serviceName: "web", desiredStatus: "STOPPED", maxResults: 100, nextToken: "more" },
    ]);
    expect(m.ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 50]);
  });

  it("stops reading a whole repository after 1000 images, newest first", async () => {
    const page = (n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => ({ imageDigest: `sha256:${offset + i}`, imagePushedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, offset + i)) }));
    m.ecr.on(DescribeImagesCommand)
      .resolvesOnce({ imageDetails: page(1000, 0), nextToken: "more" })
      .resolvesOnce({ imageDetails: page(10, 1000) });
    const fact = await (await live()).describeImages(ACCOUNT, "web");
    expect(m.ecr.commandCalls(DescribeImagesCommand)).toHaveLength(1);
    expect(fact.state === "known" && fact.value.length).toBe(1000);
    expect(fact.state === "known" && fact.value[0].imageDigest).toBe("sha256:999");
  });
});

describe("errors become unknown facts", () => {
  it("maps UnauthorizedOperation to denied, with the IAM call and permission", async () => {
    m.ec2.on(DescribeVpcEndpointsCommand).rejects(awsError("UnauthorizedOperation", "You are not authorized to perform this operation."));
    const fact = await (await live()).describeVpcEndpoints("vpc-1");
    expect(fact).toMatchObject({ state: "unknown", why: "denied", call: "ec2:DescribeVpcEndpoints", permission: "ec2:DescribeVpcEndpoints" });
    expect(fact.state === "unknown" && fact.message).toContain("UnauthorizedOperation");
  });

  it.each([
    ["ThrottlingException", "throttled"],
    ["RequestLimitExceeded", "throttled"],
    ["AccessDeniedException", "denied"],
    ["TimeoutError", "timeout"],
    ["ServerException", "failed"],
  ])("maps %s to %s", async (name, why) => {
    m.ecr.on(DescribeRepositoriesCommand).rejects(awsError(name));
    const fact = await (await live()).describeRepositories(ACCOUNT, ["web"]);
    expect(fact).toMatchObject({ state: "unknown", why, call: "ecr:DescribeRepositories" });
  });

  it("names the sub-call that failed", async () => {
    m.ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [{ PrefixListId: "pl-1" }] });
    m.ec2.on(GetManagedPrefixListEntriesCommand).rejects(awsError("UnauthorizedOperation"));
    const fact = await (await live()).describeManagedPrefixLists(["pl-1"]);
    expect(fact).toMatchObject({ state: "unknown", why: "denied", call: "ec2:GetManagedPrefixListEntries" });
  });

  it("turns a bug in the answer's handling into an unknown, never a throw", async () => {
    m.ec2.on(DescribeVpcAttributeCommand).resolves(undefined as never);
    const fact = await (await live()).describeVpcAttributes("vpc-1");
    expect(fact).toMatchObject({ state: "unknown", why: "failed", call: "ec2:DescribeVpcAttribute" });
  });
});

describe("a resource that does not exist is known absent", () => {
  it.each([
    ["describeRepositories", () => m.ecr.on(DescribeRepositoriesCommand).rejects(awsError("RepositoryNotFoundException")), (s: Src) => s.describeRepositories(ACCOUNT, ["gone"]), []],
    ["describeImages", () => m.ecr.on(DescribeImagesCommand).rejects(awsError("ImageNotFoundException")), (s: Src) => s.describeImages(ACCOUNT, "web", [{ imageTag: "nope" }]), []],
    ["describeImages (no repository)", () => m.ecr.on(DescribeImagesCommand).rejects(awsError("RepositoryNotFoundException")), (s: Src) => s.describeImages(ACCOUNT, "gone"), []],
    ["batchGetImage", () => m.ecr.on(BatchGetImageCommand).rejects(awsError("RepositoryNotFoundException")), (s: Src) => s.batchGetImage(ACCOUNT, "gone", [{ imageTag: "1" }]), []],
    ["getRepositoryPolicy", () => m.ecr.on(GetRepositoryPolicyCommand).rejects(awsError("RepositoryPolicyNotFoundException")), (s: Src) => s.getRepositoryPolicy(ACCOUNT, "web"), null],
    ["getRole", () => m.iam.on(GetRoleCommand).rejects(awsError("NoSuchEntity")), (s: Src) => s.getRole("gone"), null],
    ["getInstanceProfile", () => m.iam.on(GetInstanceProfileCommand).rejects(awsError("NoSuchEntity")), (s: Src) => s.getInstanceProfile("gone"), null],
    ["describeSecret", () => m.secretsManager.on(DescribeSecretCommand).rejects(awsError("ResourceNotFoundException")), (s: Src) => s.describeSecret("gone"), null],
    ["describeTasks (no cluster)", () => m.ecs.on(DescribeTasksCommand).rejects(awsError("ClusterNotFoundException")), (s: Src) => s.describeTasks("gone", ["t1"]), []],
    ["describeTaskDefinition", () => m.ecs.on(DescribeTaskDefinitionCommand).rejects(awsError("ClientException", "Unable to describe task definition.")), (s: Src) => s.describeTaskDefinition("web:99"), null],
  ] as const)("%s", async (_name, arrange, act, expected) => {
    arrange();
    expect(await act(await live())).toEqual({ state: "known", value: expected });
  });

  it("keeps one repository's absence from hiding another", async () => {
    m.ecr.on(DescribeRepositoriesCommand, { repositoryNames: ["gone"] }).rejects(awsError("RepositoryNotFoundException"));
    m.ecr.on(DescribeRepositoriesCommand, { repositoryNames: ["web"] }).resolves({ repositories: [{ repositoryName: "web" }] });
    const fact = await (await live()).describeRepositories(ACCOUNT, ["gone", "web"]);
    expect(fact).toEqual({ state: "known", value: [{ repositoryName: "web" }] });
  });

  it("asks for images with every manifest media type and leaves ImageNotFound out", async () => {
    m.ecr.on(BatchGetImageCommand).resolves({
      images: [{ imageId: { imageTag: "1" }, imageManifest: "{}" }],
      failures: [{ imageId: { imageTag: "2" }, failureCode: "ImageNotFound", failureReason: "Requested image not found" }],
    });
    const fact = await (await live()).batchGetImage(ACCOUNT, "web", [{ imageTag: "1" }, { imageTag: "2" }]);
    expect(fact).toEqual({ state: "known", value: [{ imageId: { imageTag: "1" }, imageManifest: "{}" }] });
    expect(m.ecr.commandCalls(BatchGetImageCommand)[0].args[0].input.acceptedMediaTypes).toEqual([
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.oci.image.manifest.v1+json",
    ]);
  });

  it("reports an image that could not be read (not missing) as failed", async () => {
    m.ecr.on(BatchGetImageCommand).resolves({ failures: [{ imageId: { imageTag: "1" }, failureCode: "UpstreamUnavailable", failureReason: "upstream down" }] });
    const fact = await (await live()).batchGetImage(ACCOUNT, "docker-hub/nginx", [{ imageTag: "1" }]);
    expect(fact).toMatchObject({ state: "unknown", why: "failed", call: "ecr:BatchGetImage", message: "UpstreamUnavailable: upstream down" });
  });

  it("asks for network interfaces by filter, so a deleted ENI is simply absent", async () => {
    const fact = await (await live()).describeNetworkInterfaces(["eni-gone"]);
    expect(fact).toEqual({ state: "known", value: [] });
    expect(m.ec2.commandCalls(DescribeNetworkInterfacesCommand)[0].args[0].input).toEqual({
      Filters: [{ Name: "network-interface-id", Values: ["eni-gone"] }], NextToken: undefined,
    });
  });
});

type Src = Awaited<ReturnType<typeof createLiveSource>>;

describe("joins and reshapes", () => {
  const encode = (doc: unknown) => encodeURIComponent(JSON.stringify(doc));
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] };
  const pull = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:BatchGetImage"], Resource: "*" }] };
  const boundary = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
  const inline = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "ecr:*", Resource: "arn:aws:ecr:*:*:repository/x" }] };

  function arrangeRole() {
    m.iam.on(GetRoleCommand).resolves({
      Role: {
        RoleName: "exec", RoleId: "AROA1", Path: "/", Arn: `arn:aws:iam::${ACCOUNT}:role/exec`, CreateDate: new Date(),
        AssumeRolePolicyDocument: encode(trust),
        PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` },
      },
    });
    m.iam.on(ListAttachedRolePoliciesCommand)
      .resolvesOnce({ AttachedPolicies: [{ PolicyName: "pull", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/pull` }], IsTruncated: true, Marker: "m1" })
      .resolvesOnce({ AttachedPolicies: [{ PolicyName: "other", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/other` }], IsTruncated: false });
    m.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ["inline"], IsTruncated: false });
    m.iam.on(GetPolicyCommand).callsFake((input: { PolicyArn: string }) => ({ Policy: { Arn: input.PolicyArn, DefaultVersionId: "v3" } }));
    m.iam.on(GetPolicyVersionCommand, { PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/pull` }).resolves({ PolicyVersion: { Document: encode(pull) } });
    m.iam.on(GetPolicyVersionCommand, { PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/boundary` }).resolves({ PolicyVersion: { Document: encode(boundary) } });
    m.iam.on(GetPolicyVersionCommand, { PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/other` }).rejects(awsError("AccessDenied"));
    m.iam.on(GetRolePolicyCommand).resolves({ RoleName: "exec", PolicyName: "inline", PolicyDocument: encode(inline) });
  }

  it("joins a role with its URL-encoded documents, leaving out what it was denied", async () => {
    arrangeRole();
    const fact = await (await live()).getRole("exec");
    expect(fact).toEqual({
      state: "known",
      value: {
        RoleName: "exec", RoleId: "AROA1", Path: "/", Arn: `arn:aws:iam::${ACCOUNT}:role/exec`,
        AssumeRolePolicyDocument: trust,
        PermissionsBoundary: { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, Document: boundary },
        AttachedPolicies: [
          { PolicyName: "pull", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/pull`, Document: pull },
          { PolicyName: "other", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/other`, Document: undefined },
        ],
        InlinePolicies: [{ PolicyName: "inline", Document: inline }],
      },
    });
    expect(m.iam.commandCalls(GetPolicyVersionCommand)[0].args[0].input.VersionId).toBe("v3");
    expect(m.iam.commandCalls(ListAttachedRolePoliciesCommand)[1].args[0].input.Marker).toBe("m1");
  });

  it("does not re-read a known AWS managed pull policy: its document is published, and reading it costs two round trips", async () => {
    arrangeRole();
    const managed = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
    m.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [{ PolicyName: "AmazonECSTaskExecutionRolePolicy", PolicyArn: managed }] });
    const fact = await (await live()).getRole("exec");
    expect(fact.state === "known" && fact.value?.AttachedPolicies).toEqual([{ PolicyName: "AmazonECSTaskExecutionRolePolicy", PolicyArn: managed, Document: undefined }]);
    expect(m.iam.commandCalls(GetPolicyCommand).map((c) => c.args[0].input.PolicyArn)).not.toContain(managed);
  });

  it("leaves out a policy list it cannot read, and is unknown only when GetRole fails", async () => {
    arrangeRole();
    m.iam.on(ListRolePoliciesCommand).rejects(awsError("AccessDenied"));
    const source = await live();
    const role = await source.getRole("exec");
    expect(role.state === "known" && role.value?.InlinePolicies).toBeUndefined();
    expect(role.state === "known" && role.value?.AttachedPolicies).toHaveLength(2);
    m.iam.on(GetRoleCommand).rejects(awsError("AccessDenied"));
    expect(await source.getRole("exec")).toMatchObject({ state: "unknown", why: "denied", call: "iam:GetRole", permission: "iam:GetRole" });
  });

  it("flattens the two DescribeVpcAttribute answers", async () => {
    m.ec2.on(DescribeVpcAttributeCommand, { Attribute: "enableDnsSupport" }).resolves({ VpcId: "vpc-1", EnableDnsSupport: { Value: true } });
    m.ec2.on(DescribeVpcAttributeCommand, { Attribute: "enableDnsHostnames" }).resolves({ VpcId: "vpc-1", EnableDnsHostnames: { Value: false } });
    expect(await (await live()).describeVpcAttributes("vpc-1")).toEqual({
      state: "known", value: { VpcId: "vpc-1", EnableDnsSupport: true, EnableDnsHostnames: false },
    });
  });

  it("joins prefix lists with their entries", async () => {
    m.ec2.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [{ PrefixListId: "pl-s3", PrefixListName: "com.amazonaws.us-east-1.s3" }] });
    m.ec2.on(GetManagedPrefixListEntriesCommand)
      .resolvesOnce({ Entries: [{ Cidr: "3.5.0.0/19", Description: "x" }], NextToken: "n" })
      .resolvesOnce({ Entries: [{ Cidr: "52.216.0.0/15" }] });
    expect(await (await live()).describeManagedPrefixLists(["pl-s3"])).toEqual({
      state: "known",
      value: [{ PrefixListId: "pl-s3", PrefixListName: "com.amazonaws.us-east-1.s3", Entries: [{ Cidr: "3.5.0.0/19" }, { Cidr: "52.216.0.0/15" }] }],
    });
  });

  it("reads the cluster off a full task ARN", async () => {
    m.ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/abc" }], failures: [] });
    await (await live()).describeTasks(undefined, ["arn:aws:ecs:us-east-1:123456789012:task/prod/abc"]);
    expect(m.ecs.commandCalls(DescribeTasksCommand)[0].args[0].input.cluster).toBe("prod");
  });

  it("maps a simulation per action and resource", async () => {
    m.iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        { EvalActionName: "ecr:GetAuthorizationToken", EvalResourceName: "*", EvalDecision: "allowed" },
        {
          EvalActionName: "ecr:BatchGetImage", EvalResourceName: "*", EvalDecision: "explicitDeny",
          ResourceSpecificResults: [
            { EvalResourceName: "*", EvalResourceDecision: "allowed" },
            { EvalResourceName: "arn:aws:ecr:us-east-1:123456789012:repository/web", EvalResourceDecision: "explicitDeny", MissingContextValues: ["aws:SourceVpce"] },
          ],
        },
      ],
      IsTruncated: false,
    });
    expect(await (await live()).simulatePrincipalPolicy("arn:aws:iam::123456789012:role/exec", ["ecr:BatchGetImage"], ["*"])).toEqual({
      state: "known",
      value: [
        { action: "ecr:GetAuthorizationToken", resource: "*", decision: "allowed", missingContextValues: [] },
        { action: "ecr:BatchGetImage", resource: "*", decision: "allowed", missingContextValues: [] },
        { action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-east-1:123456789012:repository/web", decision: "explicitDeny", missingContextValues: ["aws:SourceVpce"] },
      ],
    });
  });

  it("keeps what decided: the matched statements, the boundary's and the organization's detail", async () => {
    m.iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: "ecr:GetAuthorizationToken", EvalResourceName: "*", EvalDecision: "implicitDeny", MatchedStatements: [],
          PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false }, OrganizationsDecisionDetail: { AllowedByOrganizations: true },
        },
        {
          EvalActionName: "ecr:BatchGetImage", EvalResourceName: "*", EvalDecision: "explicitDeny",
          ResourceSpecificResults: [{
            EvalResourceName: "arn:aws:ecr:us-east-1:123456789012:repository/web", EvalResourceDecision: "explicitDeny",
            MatchedStatements: [{ SourcePolicyId: "role_exec_deny-pull", SourcePolicyType: "role", StartPosition: { Line: 1, Column: 40 } }],
          }],
        },
      ],
      IsTruncated: false,
    });
    const fact = await (await live()).simulatePrincipalPolicy("arn:aws:iam::123456789012:role/exec", ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], ["*"]);
    expect(fact.state === "known" && fact.value).toEqual([
      { action: "ecr:GetAuthorizationToken", resource: "*", decision: "implicitDeny", missingContextValues: [], allowedByBoundary: false, allowedByOrganizations: true },
      {
        action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-east-1:123456789012:repository/web", decision: "explicitDeny", missingContextValues: [],
        matchedStatements: [{ sourcePolicyId: "role_exec_deny-pull", sourcePolicyType: "role" }],
      },
    ]);
  });

  it("keeps only metadata of secrets and parameters", async () => {
    m.secretsManager.on(DescribeSecretCommand).resolves({ ARN: "arn:s", Name: "db", KmsKeyId: "k", Description: "not wanted", Tags: [] });
    m.ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: "/app/db", ARN: "arn:p", Type: "SecureString", KeyId: "alias/aws/ssm", Tier: "Standard" }] });
    const source = await live();
    expect(await source.describeSecret("db")).toEqual({ state: "known", value: { ARN: "arn:s", Name: "db", KmsKeyId: "k", DeletedDate: undefined } });
    expect(await source.describeParameters(["arn:aws:ssm:us-east-1:123456789012:parameter/app/db", "token"])).toEqual({
      state: "known", value: [{ Name: "/app/db", ARN: "arn:p", Type: "SecureString", KeyId: "alias/aws/ssm" }],
    });
    expect(m.ssm.commandCalls(DescribeParametersCommand)[0].args[0].input.ParameterFilters).toEqual([
      { Key: "Name", Option: "Equals", Values: ["/app/db", "/token", "token"] },
    ]);
  });
});

describe("account", () => {
  it("asks STS once, and answers undefined when it cannot", async () => {
    m.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    const source = await live();
    expect(await Promise.all([source.accountId(), source.accountId()])).toEqual([ACCOUNT, ACCOUNT]);
    expect(m.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    m.sts.on(GetCallerIdentityCommand).rejects(awsError("AccessDenied"));
    expect(await (await live()).accountId()).toBeUndefined();
  });
});

describe("credentials", () => {
  it.each([
    ["CredentialsProviderError", "Could not load credentials from any providers", /^no AWS credentials found: run `aws configure` or `aws sso login`, set AWS_PROFILE, or pass --profile$/],
    ["ExpiredTokenException", "The security token included in the request is expired", /^AWS credentials are expired or invalid/],
    ["ExpiredToken", "expired", /^AWS credentials are expired or invalid/],
    ["InvalidClientTokenId", "invalid", /^AWS credentials are expired or invalid/],
    ["UnrecognizedClientException", "invalid", /^AWS credentials are expired or invalid/],
  ])("%s is a UsageError", async (name, message, expected) => {
    m.ec2.on(DescribeRouteTablesCommand).rejects(awsError(name, message));
    const error = await (await live()).describeRouteTables("vpc-1").then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(expected);
    expect((error as Error).message).not.toContain("\n");
  });

  it("is a UsageError when the real SDK finds no credentials at all", async () => {
    m.ec2.restore();
    isolateFromUserConfig();
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    await expect((await live()).describeSubnets(["subnet-1"])).rejects.toThrow(/^no AWS credentials found/);
  });
});

/** No profile, region or credentials from the developer's machine leak in. */
function isolateFromUserConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "ecs-doctor-live-"));
  vi.stubEnv("AWS_CONFIG_FILE", join(dir, "config"));
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "credentials"));
  for (const name of [
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  ]) vi.stubEnv(name, undefined);
  return dir;
}

describe("region", () => {
  it("is a UsageError when nothing names one", async () => {
    isolateFromUserConfig();
    await expect(createLiveSource({})).rejects.toThrow(UsageError);
    await expect(createLiveSource({})).rejects.toThrow(/--region.*AWS_REGION.*task ARN/);
  });

  it("comes from --region, then the task ARN (it says where the task is), then AWS_REGION / AWS_DEFAULT_REGION, then the profile", async () => {
    const dir = isolateFromUserConfig();
    writeFileSync(join(dir, "config"), "[profile dev]\nregion = eu-west-3\n");
    expect((await createLiveSource({ profile: "dev" })).region).toBe("eu-west-3");
    vi.stubEnv("AWS_DEFAULT_REGION", "eu-north-1");
    expect((await createLiveSource({ profile: "dev" })).region).toBe("eu-north-1");
    vi.stubEnv("AWS_REGION", "eu-central-1");
    expect((await createLiveSource({ profile: "dev" })).region).toBe("eu-central-1");
    expect((await createLiveSource({ profile: "dev", regionHint: "ap-south-1" })).region).toBe("ap-south-1");
    expect((await createLiveSource({ region: "us-west-2", profile: "dev", regionHint: "ap-south-1" })).region).toBe("us-west-2");
  });

  it("gives every client one config: region, profile, the standard retry with bounded attempts, user agent", async () => {
    const dir = isolateFromUserConfig();
    writeFileSync(join(dir, "config"), "[profile dev]\nregion = eu-west-3\n");
    const source = await createLiveSource({ profile: "dev" });
    const clients = (source as unknown as { c: LiveClients }).c;
    for (const client of Object.values(clients)) {
      const config = client.config as unknown as {
        region: () => Promise<string>; maxAttempts: () => Promise<number>; retryStrategy: () => Promise<{ mode: string }>; profile?: string; customUserAgent?: unknown;
      };
      expect(await config.region()).toBe("eu-west-3");
      expect(await config.maxAttempts()).toBe(4);
      expect((await config.retryStrategy()).mode).toBe("standard");
      expect(config.profile).toBe("dev");
      expect(JSON.stringify(config.customUserAgent)).toContain("ecs-doctor");
    }
  });
});

describe("timeout", () => {
  it("turns a call that never answers into unknown timeout within the budget", async () => {
    m.ec2.on(DescribeVpcEndpointsCommand).callsFake(() => new Promise(() => {}));
    const source = await live(300);
    const t0 = Date.now();
    const fact = await source.describeVpcEndpoints("vpc-1");
    expect(fact).toMatchObject({ state: "unknown", why: "timeout", call: "ec2:DescribeVpcEndpoints" });
    expect(Date.now() - t0).toBeLessThan(1_500);
    // The budget is spent: later calls answer at once.
    const t1 = Date.now();
    expect(await source.describeSubnets(["subnet-1"])).toMatchObject({ state: "unknown", why: "timeout", call: "ec2:DescribeSubnets" });
    expect(Date.now() - t1).toBeLessThan(100);
  });
});

describe("against a local endpoint (real SDK clients)", () => {
  let server: Server;
  let requests: IncomingMessage[] = [];
  let reply: (req: IncomingMessage, body: string, res: ServerResponse) => void;

  beforeEach(async () => {
    requests = [];
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => { body += chunk.toString(); });
      req.on("end", () => { requests.push(req); reply(req, body, res); });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const stub of Object.values(m)) stub.restore();
    vi.stubEnv("AWS_ENDPOINT_URL", url);
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("honours AWS_ENDPOINT_URL and sends the ecs-doctor user agent", async () => {
    reply = (_req, body, res) => {
      expect(body).toContain("Action=GetCallerIdentity");
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/me</Arn><UserId>AIDA1</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
    };
    expect(await (await live()).accountId()).toBe(ACCOUNT);
    expect(requests).toHaveLength(1);
    expect(String(requests[0].headers["user-agent"])).toContain("ecs-doctor");
  });

  it("maps a real EC2 UnauthorizedOperation to denied", async () => {
    reply = (_req, _body, res) => {
      res.writeHead(403, { "content-type": "text/xml" });
      res.end("<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r1</RequestID></Response>");
    };
    expect(await (await live()).describeVpcEndpoints("vpc-1")).toMatchObject({ state: "unknown", why: "denied", call: "ec2:DescribeVpcEndpoints" });
  });

  it("retries a throttled request with the standard retry: 12 calls throttled once each answer within a second", async () => {
    // The adaptive retry mode, once throttled, rate-limits every later request of the client: 5 to 6 s here.
    const seen = new Set<string>();
    reply = (_req, body, res) => {
      const first = !seen.has(body);
      seen.add(body);
      if (first) {
        res.writeHead(400, { "content-type": "text/xml" });
        res.end("<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>");
        return;
      }
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(`<DescribeRouteTablesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r2</requestId><routeTableSet/></DescribeRouteTablesResponse>`);
    };
    const source = await live();
    const t0 = Date.now();
    const facts = await Promise.all(Array.from({ length: 12 }, (_, i) => source.describeRouteTables(`vpc-${i}`)));
    expect(facts.every((f) => f.state === "known")).toBe(true);
    expect(requests).toHaveLength(24);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("gives up on a call throttled every time after 4 attempts, as throttled", async () => {
    reply = (_req, _body, res) => {
      res.writeHead(400, { "content-type": "text/xml" });
      res.end("<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>");
    };
    expect(await (await live()).describeRouteTables("vpc-1")).toMatchObject({ state: "unknown", why: "throttled", call: "ec2:DescribeRouteTables" });
    expect(requests).toHaveLength(4);
  });

  it("aborts a real request that never answers", async () => {
    reply = () => {};
    const t0 = Date.now();
    expect(await (await live(400)).describeRouteTables("vpc-1")).toMatchObject({ state: "unknown", why: "timeout", call: "ec2:DescribeRouteTables" });
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
});
