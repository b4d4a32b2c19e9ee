import { describe, expect, it } from "vitest";
import check from "../../diagnostics/secrets-unreadable.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { KEY_ARN, MSG, SECRET_ARN } from "../fixtures/registry-messages.js";
import { ACCOUNT, diagnoseSnapshot, diagnoseWithSimulation, evidenceOf, EXEC_ROLE_ARN, MESSAGES, rankedIds, REGION, world } from "../fixtures/world.js";

const ID = "secrets-unreadable";
const PARAM_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/prod/api-key`;
const allow = (action: string | string[], resource: string): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });
const readSecrets = allow(["secretsmanager:GetSecretValue", "ssm:GetParameters"], "*");

describe(ID, () => {
  it("passes when every secret exists and the execution role may read it", async () => {
    const w = world().withSecret().withParameter().withInlinePolicy(readSecrets).failingWith(MESSAGES.authTimeout);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("fires when the execution role may not read the secret, first on the AccessDenied message", async () => {
    const w = world().withSecret().failingWith(MSG.secretDenied());
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence.map((x) => x.resource)).toContain(EXEC_ROLE_ARN);
    expect(evidenceOfFinding(f)).toContain(`secretsmanager:GetSecretValue on ${SECRET_ARN}`);
    expect(commandsOf(f)).toContain("aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name task-secrets");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("reads a valueFrom with a JSON key and version suffix as its secret", async () => {
    const w = world().withSecret({ valueFromSuffix: ":password::" }).withInlinePolicy(allow("secretsmanager:GetSecretValue", SECRET_ARN));
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("fires on a deleted secret", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(world().withSecret({ deleted: true }).withInlinePolicy(readSecrets))));
    expect(commandsOf(f)).toContain(`aws secretsmanager restore-secret --region us-east-1 --secret-id ${SECRET_ARN}`);
  });

  it("fires on a secret that does not exist", async () => {
    const w = world().withSecret({ exists: false }).withInlinePolicy(readSecrets).failingWith(MSG.secretNotFound());
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.certainty).toBe("proven");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("fires when the role cannot use the customer managed key, and passes once it can", async () => {
    const base = world().withSecret({ kmsKeyId: KEY_ARN }).withInlinePolicy(allow("secretsmanager:GetSecretValue", SECRET_ARN)).failingWith(MSG.kmsDenied());
    const [f] = findingsOf(check.check(await evidenceOf(base)));
    expect(evidenceOfFinding(f)).toContain(`kms:Decrypt on ${KEY_ARN}`);
    expect(commandsOf(f)).toContain(KEY_ARN);
    const withKey = base.withInlinePolicy(
      { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN, Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` } } }] },
      "kms",
    );
    // The role's policies allow it now; the message still says KMS refused, so the key policy is what is left.
    const after = findingsOf(check.check(await evidenceOf(withKey)))[0];
    expect(after.certainty).toBe("message");
    expect(commandsOf(after)).toContain(`aws kms get-key-policy --region us-east-1 --key-id ${KEY_ARN}`);
    expect(check.check(await evidenceOf(withKey.failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("checks SSM parameters: missing, unreadable, and a SecureString's customer managed key", async () => {
    const missing = world().withParameter({ exists: false }).withInlinePolicy(readSecrets).failingWith(MSG.ssmInvalid("/prod/api-key"));
    expect(evidenceOfFinding(findingsOf(check.check(await evidenceOf(missing)))[0])).toContain("/prod/api-key");
    expect((await rankedIds(missing))[0]).toBe(ID);
    const denied = findingsOf(check.check(await evidenceOf(world().withParameter())))[0];
    expect(evidenceOfFinding(denied)).toContain(`ssm:GetParameters on ${PARAM_ARN}`);
    const cmk = findingsOf(check.check(await evidenceOf(world().withParameter({ keyId: KEY_ARN }).withInlinePolicy(readSecrets))))[0];
    expect(evidenceOfFinding(cmk)).toContain("kms:Decrypt");
    expect(check.check(await evidenceOf(world().withParameter().withInlinePolicy(allow("ssm:GetParameters", `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/prod/*`)))).status).toBe("pass");
  });

  it("checks the log configuration's secretOptions too", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(world().withSecret({ field: "secretOptions", name: "apiKey" }))));
    expect(f.title).toContain("apiKey");
  });

  it("takes IAM's simulation over the documents", async () => {
    const { evidence, simulated } = await diagnoseWithSimulation(world().withSecret().failingWith(MSG.secretDenied()), () => "allowed");
    expect(simulated.some((s) => s.actions.includes("secretsmanager:GetSecretValue") && s.resources.includes(SECRET_ARN))).toBe(true);
    // The simulation allows it, yet the message says denied: something outside the role's policies.
    expect(findingsOf(check.check(evidence))[0].certainty).toBe("message");
    const quiet = await diagnoseWithSimulation(world().withSecret().failingWith(MESSAGES.timeout), () => "allowed");
    expect(check.check(quiet.evidence).status).toBe("pass");
  });

  it("is skipped when the secret's metadata cannot be read and the message does not name it", async () => {
    const { report } = await diagnoseSnapshot(world().withSecret().denied("secretsmanager:DescribeSecret", ["secretsmanager", "secrets"]).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("secretsmanager:DescribeSecret");
  });

  it("does not apply without an execution role (that is execution-role-missing)", async () => {
    const w = world().withSecret().withoutExecutionRoleArn().failingWith(MSG.secretDenied());
    expect(check.check(await evidenceOf(w)).status).toBe("n/a");
    expect((await rankedIds(w))[0]).toBe("execution-role-missing");
  });
});

// A key policy (kms:Decrypt) or the secret's resource policy (GetSecretValue) can grant the role directly
// within one account, and neither is read: the role's policies alone prove nothing unless they deny
// explicitly, the message names the denial, or the key / secret is in another account (both must allow).
describe(`${ID}: what only the role's own policies show`, () => {
  const OTHER_KEY = KEY_ARN.replace(`:${ACCOUNT}:`, ":210987654321:");
  const readSecret = allow("secretsmanager:GetSecretValue", SECRET_ARN);
  const judged = async (w: ReturnType<typeof world>) => findingsOf(check.check(await evidenceOf(w)))[0];

  it("an implicit deny of kms:Decrypt is a warning while the message does not name it", async () => {
    const f = await judged(world().withSecret({ kmsKeyId: KEY_ARN }).withInlinePolicy(readSecret).failingWith(MESSAGES.timeout));
    expect(f).toMatchObject({ severity: "warning", certainty: "possible" });
    expect(commandsOf(f)).toContain(`aws kms get-key-policy --region us-east-1 --key-id ${KEY_ARN}`);
  });

  it("the same implicit deny is an error once the message says KMS refused", async () => {
    const w = world().withSecret({ kmsKeyId: KEY_ARN }).withInlinePolicy(readSecret).failingWith(MSG.kmsDenied());
    expect(await judged(w)).toMatchObject({ severity: "error", certainty: "proven" });
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("an explicit Deny of kms:Decrypt, or a key in another account, is an error without a message", async () => {
    const deny: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "kms:Decrypt", Resource: "*" }] };
    expect(await judged(world().withSecret({ kmsKeyId: KEY_ARN }).withInlinePolicy(readSecret).withInlinePolicy(deny, "no-kms"))).toMatchObject({ severity: "error", certainty: "proven" });
    expect(await judged(world().withSecret({ kmsKeyId: OTHER_KEY }).withInlinePolicy(readSecret))).toMatchObject({ severity: "error", certainty: "proven" });
  });

  it("an implicit deny of secretsmanager:GetSecretValue is a warning without a message, an error with the one that names it", async () => {
    expect(await judged(world().withSecret())).toMatchObject({ severity: "warning", certainty: "possible" });
    expect(commandsOf(await judged(world().withSecret()))).toContain(`aws secretsmanager get-resource-policy --region us-east-1 --secret-id ${SECRET_ARN}`);
    expect(await judged(world().withSecret().failingWith(MSG.secretDenied()))).toMatchObject({ severity: "error", certainty: "proven" });
    // A message about another secret does not name this denial.
    expect(await judged(world().withSecret().failingWith(MSG.secretDenied(SECRET_ARN.replace("prod/db", "prod/other"))))).toMatchObject({ severity: "warning" });
  });

  it("an SSM parameter has no resource policy: an implicit deny of ssm:GetParameters stays an error", async () => {
    expect(await judged(world().withParameter())).toMatchObject({ severity: "error", certainty: "proven" });
  });
});
