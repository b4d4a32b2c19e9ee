// A secret's customer managed key: once its key policy is read, whether the
// execution role may decrypt is decided, not "may not".
import { describe, expect, it } from "vitest";
import check from "../../diagnostics/secrets-unreadable.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { KEY_ARN, MSG, SECRET_ARN } from "../fixtures/registry-messages.js";
import { ACCOUNT, EXEC_ROLE_ARN, evidenceOf, MESSAGES, rankedIds, REGION, world } from "../fixtures/world.js";

const readSecret: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN }] };
const decrypt: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN }] };
const adminsOnly: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin` }, Action: "kms:*", Resource: "*" }],
};
const grantsRole: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [...(adminsOnly.Statement as object[]), { Effect: "Allow", Principal: { AWS: EXEC_ROLE_ARN }, Action: "kms:Decrypt", Resource: "*" }],
};
const withCmk = () => world().withSecret({ kmsKeyId: KEY_ARN }).withInlinePolicy(readSecret);
const judged = async (w: ReturnType<typeof world>) => check.check(await evidenceOf(w));

describe("a customer managed key's policy decides kms:Decrypt", () => {
  it("delegating to IAM: the role's missing kms:Decrypt is an error, no longer only possible", async () => {
    const w = withCmk().withKmsKey(KEY_ARN).failingWith(MESSAGES.timeout);
    const [f] = findingsOf(await judged(w));
    expect(f).toMatchObject({ severity: "error", certainty: "proven" });
    expect(evidenceOfFinding(f)).toContain(`kms:Decrypt on ${KEY_ARN}`);
    // Once the role allows it, the delegating key policy lets it through.
    expect((await judged(withCmk().withKmsKey(KEY_ARN).withInlinePolicy(decrypt, "kms"))).status).toBe("pass");
  });

  it("granting the role itself: passes although no identity policy allows kms:Decrypt", async () => {
    expect((await judged(withCmk().withKmsKey(KEY_ARN, { policy: grantsRole }))).status).toBe("pass");
  });

  it("neither granting the role nor delegating: an error even when the role's own policy allows kms:Decrypt, with the key policy fix", async () => {
    const w = withCmk().withInlinePolicy(decrypt, "kms").withKmsKey(KEY_ARN, { policy: adminsOnly }).failingWith(MSG.kmsDenied());
    const [f] = findingsOf(await judged(w));
    expect(f).toMatchObject({ severity: "error", certainty: "proven" });
    expect(f.explanation).toContain("neither grants the role kms:Decrypt");
    const commands = commandsOf(f);
    expect(commands).toContain(`aws kms put-key-policy --region ${REGION} --key-id ${KEY_ARN} --policy-name default --policy file://key-policy.json`);
    expect(commands).toContain(`aws kms create-grant --region ${REGION} --key-id ${KEY_ARN} --grantee-principal ${EXEC_ROLE_ARN} --operations Decrypt`);
    expect((await rankedIds(w))[0]).toBe("secrets-unreadable");
  });

  it("an explicit Deny in the key policy refuses the role", async () => {
    const deny: PolicyDocument = { Version: "2012-10-17", Statement: [...(grantsRole.Statement as object[]), { Sid: "NoDecrypt", Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*" }] };
    const [f] = findingsOf(await judged(withCmk().withKmsKey(KEY_ARN, { policy: deny })));
    expect(f).toMatchObject({ severity: "error", certainty: "proven" });
    expect(evidenceOfFinding(f)).toContain("NoDecrypt");
  });

  it("resolves an alias a SecureString names through kms.Aliases, and judges the key behind it", async () => {
    const readParam: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameters", Resource: "*" }] };
    const w = world().withParameter({ keyId: "alias/app-secrets" }).withInlinePolicy(readParam);
    expect((await judged(w.withKmsKey(KEY_ARN, { alias: "alias/app-secrets", policy: grantsRole }))).status).toBe("pass");
    const gone = world().withParameter({ keyId: "alias/app-secrets" }).withInlinePolicy(readParam).withKmsKey(KEY_ARN, { policy: grantsRole });
    const [f] = findingsOf(await judged(gone));
    expect(f.explanation).toContain("alias alias/app-secrets names no key");
  });

  it("resolves an alias a Secrets Manager secret names too (its aliases asked once the secret names one)", async () => {
    const w = world().withSecret({ kmsKeyId: "alias/payments" }).withInlinePolicy(readSecret);
    expect((await judged(w.withKmsKey(KEY_ARN, { alias: "alias/payments", policy: grantsRole }))).status).toBe("pass");
    const refused = world().withSecret({ kmsKeyId: "alias/payments" }).withInlinePolicy(readSecret).withKmsKey(KEY_ARN, { alias: "alias/payments", policy: adminsOnly });
    expect(findingsOf(await judged(refused))[0]).toMatchObject({ severity: "error", certainty: "proven" });
  });

  it("a key policy that could not be read leaves the implicit deny a warning", async () => {
    const w = withCmk().withKmsKey(KEY_ARN).denied("kms:GetKeyPolicy", ["kms", "KeyPolicies"]);
    expect(findingsOf(await judged(w))[0]).toMatchObject({ severity: "warning", certainty: "possible" });
  });
});
