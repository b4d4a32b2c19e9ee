import { describe, expect, it } from "vitest";
import { answerQuestions, roleDocuments, secretQuestions } from "../../src/analysis/permissions.js";
import { fargatePlatform, manifestPlatforms, platformServes } from "../../src/analysis/platform.js";
import type { Role } from "../../src/model/aws.js";
import type { SecretReference } from "../../src/model/evidence.js";
import { known, unknown } from "../../src/model/fact.js";

const ROLE_ARN = "arn:aws:iam::123456789012:role/exec";
const allowAll = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe("roleDocuments", () => {
  it("fills in an AWS managed policy named without its document, and flags a customer one", () => {
    const docs = roleDocuments({
      AttachedPolicies: [
        { PolicyName: "AmazonECSTaskExecutionRolePolicy", PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" },
        { PolicyName: "mine", PolicyArn: "arn:aws:iam::123456789012:policy/mine" },
      ],
    });
    expect(docs.policies.map((p) => p.name)).toEqual(["AmazonECSTaskExecutionRolePolicy"]);
    expect(docs.unreadable.map((u) => u.call)).toEqual(["iam:GetPolicyVersion"]);
  });

  it("reads an absent list as none in a snapshot, but as unread from a live account", () => {
    const role: Role = { RoleName: "exec", AttachedPolicies: [{ PolicyName: "all", Document: allowAll }] };
    expect(roleDocuments(role, "snapshot").unreadable).toEqual([]);
    expect(roleDocuments(role, "live").unreadable.map((u) => u.call)).toEqual(["iam:ListRolePolicies"]);
    expect(roleDocuments({ RoleName: "exec" }, "snapshot").unreadable.map((u) => u.call)).toEqual(["iam:ListAttachedRolePolicies"]);
  });
});

describe("answerQuestions", () => {
  const q = [{ action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-east-1:123456789012:repository/web", why: "image web:1" }];

  it("takes the simulation where it answered; an implicit deny with missing context is unknown", () => {
    const sim = known([{ action: "ecr:BatchGetImage", resource: q[0].resource, decision: "implicitDeny", missingContextValues: ["aws:SourceVpce"] }]);
    const r = answerQuestions(q, known({ RoleName: "exec", InlinePolicies: [{ PolicyName: "all", Document: allowAll }] }), sim, { arn: ROLE_ARN, account: "123456789012" });
    expect(r.state === "known" && r.value[0]).toMatchObject({ decision: "unknown", basis: "simulation", unknownConditions: ["aws:SourceVpce"] });
  });

  it("answers from a complete simulation even when the role cannot be read", () => {
    const sim = known([{ action: "ecr:BatchGetImage", resource: q[0].resource, decision: "allowed", missingContextValues: [] }]);
    const r = answerQuestions(q, unknown("denied", "iam:GetRole", "denied"), sim, { arn: ROLE_ARN, account: "123456789012" });
    expect(r.state === "known" && r.value[0].decision).toBe("allowed");
    expect(answerQuestions(q, unknown("denied", "iam:GetRole", "denied"), known([]), { arn: ROLE_ARN, account: "123456789012" }).state).toBe("unknown");
  });
});

describe("secretQuestions", () => {
  const ref = (meta: SecretReference["secret"]): SecretReference => ({
    container: "web", field: "secrets", name: "DB", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
    store: "secretsmanager", lookupId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", resourceArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", secret: meta,
  });

  it("asks kms:Decrypt only for a customer managed key, as a key ARN, via Secrets Manager", () => {
    expect(secretQuestions(ref(known({ ARN: "arn:x", KmsKeyId: "alias/aws/secretsmanager" })), "us-east-1", "123456789012").map((x) => x.action)).toEqual(["secretsmanager:GetSecretValue"]);
    const [, kms] = secretQuestions(ref(known({ ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", KmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" })), "us-east-1", "123456789012");
    expect(kms).toMatchObject({ action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", context: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
  });

  it("stands in for the key behind an alias, so only a statement covering every key decides", () => {
    const [, kms] = secretQuestions(ref(known({ ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", KmsKeyId: "alias/team" })), "us-east-1", "123456789012");
    expect(kms.placeholder).toBe(true);
    const scoped = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:123456789012:key/1111" }] };
    const r = answerQuestions([kms], known({ RoleName: "exec", InlinePolicies: [{ PolicyName: "k", Document: scoped }] }), known([]), { arn: ROLE_ARN, account: "123456789012" });
    expect(r.state === "known" && r.value[0].decision).toBe("unknown");
    const any = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }] };
    const r2 = answerQuestions([kms], known({ RoleName: "exec", InlinePolicies: [{ PolicyName: "k", Document: any }] }), known([]), { arn: ROLE_ARN, account: "123456789012" });
    expect(r2.state === "known" && r2.value[0].decision).toBe("allowed");
  });
});

describe("platforms", () => {
  it("lists an index's platforms without attestations; a single manifest or bad JSON has none", () => {
    const index = { manifests: [{ platform: { os: "linux", architecture: "amd64" } }, { platform: { os: "unknown", architecture: "unknown" } }, { platform: { os: "linux", architecture: "arm64", variant: "v8" } }] };
    expect(manifestPlatforms({ imageManifest: JSON.stringify(index) })).toEqual([{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64", variant: "v8" }]);
    expect(manifestPlatforms({ imageManifest: JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }) })).toBeNull();
    expect(manifestPlatforms({ imageManifest: "{not json" })).toBeNull();
  });

  it("serves arm64 with variant v8 or none, never arm/v7", () => {
    const arm = fargatePlatform({ runtimePlatform: { cpuArchitecture: "ARM64" } });
    expect(platformServes([{ os: "linux", architecture: "arm64", variant: "v8" }], arm)).toBe(true);
    expect(platformServes([{ os: "linux", architecture: "arm", variant: "v7" }], arm)).toBe(false);
    expect(platformServes([{ os: "linux", architecture: "arm64" }], fargatePlatform({}))).toBe(false);
  });
});
