// KMS on the wire: a secret encrypted with a customer managed key, whose key
// policy decides whether the execution role may decrypt it (GetKeyPolicy read
// through the live path, as AWS evaluates it: the key policy first, then IAM
// policies only where the key policy lets the account's IAM decide).
import { CreateKeyCommand } from "@aws-sdk/client-kms";
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { MSG as REGISTRY_MSG } from "../fixtures/registry-messages.js";
import { diagnoseLive, evidenceOf, ids } from "./run.js";
import { ACCOUNT, kms, MESSAGES, World } from "./world.js";

const ROLE = "ecsTaskExecutionRole";
const policy = (statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
const ADMIN_ONLY = policy([{ Sid: "KeyAdmins", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin` }, Action: "kms:*", Resource: "*" }]);
const ACCOUNT_DECIDES = policy([{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]);

/** A secret under a new customer managed key with this key policy; the role may read the secret and decrypt with any key by IAM. */
async function secretUnderKey(w: World, keyPolicy: string): Promise<{ secretArn: string; keyArn: string }> {
  // moto checks nothing of the policy it stores (AWS refuses one that locks the caller out unless BypassPolicyLockoutSafetyCheck).
  const key = await kms().send(new CreateKeyCommand({ Policy: keyPolicy, BypassPolicyLockoutSafetyCheck: true, Description: "app secrets" }));
  const keyArn = key.KeyMetadata!.Arn!;
  const secretArn = (await w.c.secretsManager.send(new CreateSecretCommand({ Name: "prod/db", SecretString: "not-read-by-the-tool", KmsKeyId: keyArn }))).ARN!;
  await w.c.iam.send(new PutRolePolicyCommand({
    RoleName: ROLE, PolicyName: "secrets",
    PolicyDocument: policy([{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"], Resource: "*" }]),
  }));
  return { secretArn, keyArn };
}

describe("KMS worlds on moto", () => {
  it("secrets-unreadable: the secret's customer managed key has a key policy that neither names the role nor lets IAM decide", async () => {
    const w = await World.healthy();
    const { secretArn, keyArn } = await secretUnderKey(w, ADMIN_ONLY);
    const td = await w.taskDefinition((d) => { d.containerDefinitions[0].secrets = [{ name: "DB_PASSWORD", valueFrom: secretArn }]; });
    const r = await diagnoseLive(await w.failTask({ reason: REGISTRY_MSG.kmsDenied(secretArn), taskDefinition: td }));
    expect(ids(r)[0]).toBe("secrets-unreadable");
    const f = r.findings.find((x) => x.id === "secrets-unreadable")!;
    expect(f.severity).toBe("error");
    expect(evidenceOf(r, "secrets-unreadable")).toContain(keyArn.split("/").pop()!);
  });

  it("the key policy alone decides it: with a message that names no key, the refusing key policy is still an error", async () => {
    const w = await World.healthy();
    const { secretArn } = await secretUnderKey(w, ADMIN_ONLY);
    const td = await w.taskDefinition((d) => { d.containerDefinitions[0].secrets = [{ name: "DB_PASSWORD", valueFrom: secretArn }]; });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout, taskDefinition: td }));
    const f = r.findings.find((x) => x.id === "secrets-unreadable");
    expect(f?.severity).toBe("error");
    expect(`${f?.explanation}\n${evidenceOf(r, "secrets-unreadable")}`).toMatch(/key policy/i);
  });

  it("secrets-unreadable does not fire when the key policy lets the account's IAM decide and the role may decrypt (near miss)", async () => {
    const w = await World.healthy();
    const { secretArn } = await secretUnderKey(w, ACCOUNT_DECIDES);
    const td = await w.taskDefinition((d) => { d.containerDefinitions[0].secrets = [{ name: "DB_PASSWORD", valueFrom: secretArn }]; });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout, taskDefinition: td }));
    expect(ids(r)).not.toContain("secrets-unreadable");
    expect(r.passed.map((p) => p.check)).toContain("secrets-unreadable");
  });
});
