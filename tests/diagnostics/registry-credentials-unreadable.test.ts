import { describe, expect, it } from "vitest";
import check from "../../diagnostics/registry-credentials-unreadable.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { CREDS_ARN, GHCR_IMAGE, KEY_ARN, MSG } from "../fixtures/registry-messages.js";
import { diagnoseSnapshot, diagnoseWithSimulation, evidenceOf, EXEC_ROLE_ARN, rankedIds, world } from "../fixtures/world.js";

const ID = "registry-credentials-unreadable";
const allow = (action: string | string[], resource: string): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });
const ghcr = () => world().withImage(GHCR_IMAGE);

describe(ID, () => {
  it("passes when the execution role may read the secret", async () => {
    const w = ghcr().withRepositoryCredentials().withInlinePolicy(allow("secretsmanager:GetSecretValue", CREDS_ARN));
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("fires when the secret does not exist, first on the message that says so", async () => {
    const w = ghcr().withRepositoryCredentials({ exists: false }).withInlinePolicy(allow("secretsmanager:GetSecretValue", "*")).failingWith(MSG.secretNotFound(CREDS_ARN));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.certainty).toBe("proven");
    expect(evidenceOfFinding(f)).toContain("ResourceNotFoundException");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("fires when the secret is scheduled for deletion, with the restore command", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(ghcr().withRepositoryCredentials({ deleted: true }).withInlinePolicy(allow("secretsmanager:GetSecretValue", "*")))));
    expect(evidenceOfFinding(f)).toContain("DeletedDate");
    expect(commandsOf(f)).toContain(`aws secretsmanager restore-secret --region us-east-1 --secret-id ${CREDS_ARN}`);
  });

  it("fires when the execution role may not read the secret, with a grant on its ARN", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(ghcr().withRepositoryCredentials())));
    expect(f.evidence.map((x) => x.resource)).toContain(EXEC_ROLE_ARN);
    expect(evidenceOfFinding(f)).toContain("secretsmanager:GetSecretValue");
    expect(commandsOf(f)).toContain("aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name registry-credentials");
    expect(commandsOf(f)).toContain(CREDS_ARN);
  });

  it("fires when the role cannot use the secret's customer managed key, and passes once it can", async () => {
    const base = ghcr().withRepositoryCredentials({ kmsKeyId: KEY_ARN }).withInlinePolicy(allow("secretsmanager:GetSecretValue", CREDS_ARN));
    const [f] = findingsOf(check.check(await evidenceOf(base)));
    expect(evidenceOfFinding(f)).toContain(`kms:Decrypt on ${KEY_ARN}`);
    expect(commandsOf(f)).toContain(`aws kms get-key-policy --region us-east-1 --key-id ${KEY_ARN}`);
    expect(check.check(await evidenceOf(base.withInlinePolicy(allow("kms:Decrypt", KEY_ARN), "kms")))).toMatchObject({ status: "pass" });
  });

  it("needs no kms:Decrypt for the AWS managed key", async () => {
    const w = ghcr().withRepositoryCredentials({ kmsKeyId: "alias/aws/secretsmanager" }).withInlinePolicy(allow("secretsmanager:GetSecretValue", CREDS_ARN));
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("takes IAM's simulation over the documents", async () => {
    const { evidence } = await diagnoseWithSimulation(ghcr().withRepositoryCredentials(), () => "allowed");
    expect(check.check(evidence).status).toBe("pass");
  });

  it("is skipped when the secret's metadata cannot be read and the message does not name it", async () => {
    const { report } = await diagnoseSnapshot(ghcr().withRepositoryCredentials().denied("secretsmanager:DescribeSecret", ["secretsmanager", "secrets"]).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("secretsmanager:DescribeSecret");
  });

  it("believes the message when the metadata cannot be read", async () => {
    const w = ghcr().withRepositoryCredentials().denied("secretsmanager:DescribeSecret", ["secretsmanager", "secrets"]).failingWith(MSG.secretNotFound(CREDS_ARN));
    expect(findingsOf(check.check(await evidenceOf(w)))[0]).toMatchObject({ severity: "error", certainty: "message" });
  });

  it("does not apply without repositoryCredentials", async () => {
    expect(check.check(await evidenceOf(world())).status).toBe("n/a");
  });
});

describe(`${ID}: what only the role's own policies show`, () => {
  const base = () => ghcr().withRepositoryCredentials({ kmsKeyId: KEY_ARN }).withInlinePolicy(allow("secretsmanager:GetSecretValue", CREDS_ARN));

  it("an implicit deny of kms:Decrypt is a warning until the message says KMS refused", async () => {
    expect(findingsOf(check.check(await evidenceOf(base())))[0]).toMatchObject({ severity: "warning", certainty: "possible" });
    const w = base().failingWith(MSG.kmsDenied(CREDS_ARN));
    expect(findingsOf(check.check(await evidenceOf(w)))[0]).toMatchObject({ severity: "error", certainty: "proven" });
    expect((await rankedIds(w))[0]).toBe(ID);
  });
});
