// Registry, IAM and secrets causes on the wire: repositories, tags and
// manifests in moto's ECR, roles with managed, inline and boundary policies in
// its IAM, secrets and parameters, each world diagnosed through the live path.
import { BatchDeleteImageCommand, DeleteRepositoryCommand, PutImageCommand } from "@aws-sdk/client-ecr";
import {
  AttachRolePolicyCommand, CreatePolicyCommand, DetachRolePolicyCommand, PutRolePermissionsBoundaryCommand, PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { CREDS_ARN, GHCR_IMAGE, SECRET_ARN } from "../fixtures/registry-messages.js";
import { diagnoseLive, evidenceOf, ids } from "./run.js";
import { ACCOUNT, EXECUTION_POLICY, imageIndex, MESSAGES, MSG, REGION, World } from "./world.js";

const ROLE = "ecsTaskExecutionRole";
const policy = (statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const ECR_PULL = ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];

/** Replaces the role's AWS managed policy by an inline one with these statements. */
async function inlineOnly(w: World, statement: object[]): Promise<void> {
  await w.c.iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: EXECUTION_POLICY }));
  await w.c.iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: "app", PolicyDocument: policy(statement) }));
}

describe("registry worlds on moto", () => {
  it("repository-not-found: the repository was deleted", async () => {
    const w = await World.healthy();
    await w.c.ecr.send(new DeleteRepositoryCommand({ repositoryName: "web", force: true }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.repoNotFound }));
    expect(ids(r)[0]).toBe("repository-not-found");
    expect(evidenceOf(r, "repository-not-found")).toContain("web");
  });

  it("image-not-found: the tag was never pushed (only 1.4.1 is)", async () => {
    const w = await World.healthy();
    await w.c.ecr.send(new PutImageCommand({ repositoryName: "web", imageTag: "1.4.1", imageManifest: imageIndex([{ os: "linux", architecture: "amd64" }]) }));
    await w.c.ecr.send(new BatchDeleteImageCommand({ repositoryName: "web", imageIds: [{ imageTag: "1.4.2" }] }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.manifestUnknown }));
    expect(ids(r)[0]).toBe("image-not-found");
    expect(evidenceOf(r, "image-not-found")).toContain("1.4.2");
  });

  it("image-not-found does not fire when the tag exists (near miss)", async () => {
    const w = await World.healthy();
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.manifestUnknown }));
    expect(ids(r)).not.toContain("image-not-found");
    expect(r.passed.map((p) => p.check)).toContain("image-not-found");
  });

  it("image-platform-mismatch: the tag's image index has arm64 only, the task runs on X86_64", async () => {
    const w = await World.healthy();
    await w.c.ecr.send(new PutImageCommand({ repositoryName: "web", imageTag: "1.4.2", imageManifest: imageIndex([{ os: "linux", architecture: "arm64" }]) }));
    const r = await diagnoseLive(await w.failTask({ reason: MSG.noAmd64 }));
    expect(ids(r)[0]).toBe("image-platform-mismatch");
    expect(evidenceOf(r, "image-platform-mismatch")).toContain("arm64");
  });

  it("image-platform-mismatch does not fire when the index has amd64 (near miss)", async () => {
    const w = await World.healthy();
    await w.c.ecr.send(new PutImageCommand({ repositoryName: "web", imageTag: "1.4.2", imageManifest: imageIndex([{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64" }]) }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)).not.toContain("image-platform-mismatch");
    expect(r.passed.map((p) => p.check)).toContain("image-platform-mismatch");
  });

  it("registry-credentials-missing: a private GitHub image without repositoryCredentials", async () => {
    const w = await World.healthy();
    const td = await w.taskDefinition((d) => { d.containerDefinitions[0].image = GHCR_IMAGE; });
    const r = await diagnoseLive(await w.failTask({ reason: MSG.ghcrUnauthorized, taskDefinition: td }));
    expect(ids(r)[0]).toBe("registry-credentials-missing");
    expect(evidenceOf(r, "registry-credentials-missing")).toContain("ghcr.io");
  });

  it("registry-credentials-unreadable: repositoryCredentials name a secret that does not exist", async () => {
    const w = await World.healthy();
    const td = await w.taskDefinition((d) => {
      d.containerDefinitions[0].image = GHCR_IMAGE;
      d.containerDefinitions[0].repositoryCredentials = { credentialsParameter: CREDS_ARN };
    });
    const r = await diagnoseLive(await w.failTask({ reason: MSG.secretNotFound(CREDS_ARN), taskDefinition: td }));
    expect(ids(r)[0]).toBe("registry-credentials-unreadable");
    expect(evidenceOf(r, "registry-credentials-unreadable")).toContain(CREDS_ARN);
  });

  it("registry-rate-limited: Docker Hub's 429 for an anonymous pull", async () => {
    const w = await World.healthy();
    const td = await w.taskDefinition((d) => { d.containerDefinitions[0].image = "nginx:1.27"; });
    const r = await diagnoseLive(await w.failTask({ reason: MSG.rateLimitHub(), taskDefinition: td }));
    expect(ids(r)[0]).toBe("registry-rate-limited");
  });

  it("ephemeral-storage-full: no space left on device on Fargate", async () => {
    const w = await World.healthy();
    const r = await diagnoseLive(await w.failTask({ reason: MSG.diskFargate }));
    expect(ids(r)[0]).toBe("ephemeral-storage-full");
  });

  it("not-a-pull-failure: the essential container exited", async () => {
    const w = await World.healthy();
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.essentialExited }));
    expect(ids(r)[0]).toBe("not-a-pull-failure");
  });
});

describe("IAM worlds on moto", () => {
  it("execution-role-missing: a private ECR image and no execution role in the task definition", async () => {
    const w = await World.healthy();
    const td = await w.taskDefinition((d) => { delete d.executionRoleArn; });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.authDenied, taskDefinition: td }));
    expect(ids(r)[0]).toBe("execution-role-missing");
  });

  it("execution-role-missing: the role the task definition names does not exist", async () => {
    const w = await World.healthy();
    const gone = `arn:aws:iam::${ACCOUNT}:role/deletedExecutionRole`;
    const td = await w.taskDefinition((d) => { d.executionRoleArn = gone; });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.authDenied, taskDefinition: td }));
    expect(ids(r)[0]).toBe("execution-role-missing");
    expect(evidenceOf(r, "execution-role-missing")).toContain("deletedExecutionRole");
  });

  it("execution-role-missing does not fire for a public image without a role (near miss)", async () => {
    const w = await World.healthy();
    const td = await w.taskDefinition((d) => { delete d.executionRoleArn; d.containerDefinitions[0].image = "public.ecr.aws/nginx/nginx:1.27"; });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout, taskDefinition: td }));
    expect(ids(r)).not.toContain("execution-role-missing");
  });

  it("execution-role-not-assumable: the role trusts ecs.amazonaws.com, not ecs-tasks", async () => {
    const w = await World.healthy();
    await w.c.iam.send(new UpdateAssumeRolePolicyCommand({
      RoleName: ROLE, PolicyDocument: policy([{ Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole" }]),
    }));
    const r = await diagnoseLive(await w.failTask({ reason: MSG.assumeRole }));
    expect(ids(r)[0]).toBe("execution-role-not-assumable");
    expect(evidenceOf(r, "execution-role-not-assumable")).toContain("ecs.amazonaws.com");
  });

  // moto gap: iam:SimulatePrincipalPolicy answers 500 (not implemented; AWS:
  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
  // The tool then judges the role's policy documents itself, as it does offline;
  // these worlds assert that judgement.
  it("pull-role-lacks-ecr-permissions: only an inline S3 policy", async () => {
    const w = await World.healthy();
    await inlineOnly(w, [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]);
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.authDenied }));
    expect(ids(r)[0]).toBe("pull-role-lacks-ecr-permissions");
    expect(evidenceOf(r, "pull-role-lacks-ecr-permissions")).toContain(ROLE);
  });

  it("pull-role-lacks-ecr-permissions: an inline explicit Deny of ecr:* beside the managed policy", async () => {
    const w = await World.healthy();
    await w.c.iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: "no-ecr", PolicyDocument: policy([{ Effect: "Deny", Action: "ecr:*", Resource: "*" }]) }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.authDenied }));
    expect(ids(r)[0]).toBe("pull-role-lacks-ecr-permissions");
    expect(evidenceOf(r, "pull-role-lacks-ecr-permissions")).toContain("no-ecr");
  });

  it("pull-role-lacks-ecr-permissions: a permissions boundary that allows only s3:*", async () => {
    const w = await World.healthy();
    const boundary = (await w.c.iam.send(new CreatePolicyCommand({ PolicyName: "s3-only", PolicyDocument: policy([{ Effect: "Allow", Action: "s3:*", Resource: "*" }]) }))).Policy!.Arn!;
    await w.c.iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: ROLE, PermissionsBoundary: boundary }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.authDenied }));
    expect(ids(r)[0]).toBe("pull-role-lacks-ecr-permissions");
    expect(evidenceOf(r, "pull-role-lacks-ecr-permissions")).toContain("s3-only");
  });

  it("a customer managed policy with the ECR actions is enough (near miss of pull-role-lacks-ecr-permissions)", async () => {
    const w = await World.healthy();
    await w.c.iam.send(new DetachRolePolicyCommand({ RoleName: ROLE, PolicyArn: EXECUTION_POLICY }));
    const pull = (await w.c.iam.send(new CreatePolicyCommand({ PolicyName: "ecr-pull", PolicyDocument: policy([{ Effect: "Allow", Action: ECR_PULL, Resource: "*" }]) }))).Policy!.Arn!;
    await w.c.iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: pull }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)).not.toContain("pull-role-lacks-ecr-permissions");
    expect(r.passed.map((p) => p.check)).toContain("pull-role-lacks-ecr-permissions");
  });
});

describe("secrets worlds on moto", () => {
  it("secrets-unreadable: a container secret names a Secrets Manager secret that does not exist", async () => {
    const w = await World.healthy();
    const td = await w.taskDefinition((d) => { d.containerDefinitions[0].secrets = [{ name: "DB_PASSWORD", valueFrom: SECRET_ARN }]; });
    const r = await diagnoseLive(await w.failTask({ reason: MSG.secretNotFound(SECRET_ARN), taskDefinition: td }));
    expect(ids(r)[0]).toBe("secrets-unreadable");
    expect(evidenceOf(r, "secrets-unreadable")).toContain(SECRET_ARN);
  });

  it("secrets-unreadable does not fire for a secret that exists and the role may read (near miss)", async () => {
    const w = await World.healthy();
    const arn = (await w.c.secretsManager.send(new CreateSecretCommand({ Name: "prod/db", SecretString: "not-read-by-the-tool" }))).ARN!;
    await w.c.iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: "secrets", PolicyDocument: policy([{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arn }]) }));
    const td = await w.taskDefinition((d) => { d.containerDefinitions[0].secrets = [{ name: "DB_PASSWORD", valueFrom: arn }]; });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout, taskDefinition: td }));
    expect(ids(r)).not.toContain("secrets-unreadable");
    expect(r.passed.map((p) => p.check)).toContain("secrets-unreadable");
  });

  it("secrets-unreadable: an SSM parameter that does not exist, beside one that does", async () => {
    const w = await World.healthy();
    await w.c.ssm.send(new PutParameterCommand({ Name: "/prod/api-key", Type: "SecureString", Value: "not-read-by-the-tool" }));
    await w.c.iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: "params", PolicyDocument: policy([{ Effect: "Allow", Action: "ssm:GetParameters", Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/prod/*` }]) }));
    const td = await w.taskDefinition((d) => {
      d.containerDefinitions[0].secrets = [{ name: "API_KEY", valueFrom: "/prod/api-key" }, { name: "DB_URL", valueFrom: "/prod/db-url" }];
    });
    const r = await diagnoseLive(await w.failTask({ reason: MSG.ssmInvalid("/prod/db-url"), taskDefinition: td }));
    expect(ids(r)[0]).toBe("secrets-unreadable");
    const evidence = evidenceOf(r, "secrets-unreadable");
    expect(evidence).toContain("/prod/db-url");
    expect(evidence).not.toContain("/prod/api-key");
  });
});
