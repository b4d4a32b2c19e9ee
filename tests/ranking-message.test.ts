// The ranking agrees with the error message (findings.md): a 403 puts IAM and
// policy causes above network ones, a timeout the network first, "not found"
// the image and repository first, and a rate limit outranks a healthy
// configuration. Where message and configuration disagree, the lower cause's
// explanation says so. Every report here follows the published report schema.
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS } from "../diagnostics/index.js";
import { parseMessage, STAGES } from "../src/analysis/message.js";
import type { PolicyDocument } from "../src/model/aws.js";
import type { Evidence } from "../src/model/evidence.js";
import type { Report } from "../src/model/report.js";
import { messageAgreement, stageFits } from "../src/rank.js";
import { expectValid } from "./fixtures/check-report.js";
import { MSG } from "./fixtures/registry-messages.js";
import { ACCOUNT, diagnoseSnapshot, IMAGE, MESSAGES, REGION, type World, world } from "./fixtures/world.js";

const denyPull: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "ecr:BatchGetImage", Resource: "*" }] };

async function report(w: World): Promise<Report> {
  const { report } = await diagnoseSnapshot(w.build());
  expectValid(report);
  return report;
}

const ids = (r: Report) => r.findings.map((f) => f.id);
const rankOf = (r: Report, id: string) => ids(r).indexOf(id as Report["findings"][number]["id"]);

describe("ranking that agrees with the message", () => {
  // One broken configuration with two causes: no route out, and a role that may not pull.
  const twoCauses = () => world().withoutNatGateway().withInlinePolicy(denyPull, "deny-pull");

  it("a 403 puts the IAM cause above the network one", async () => {
    const r = await report(twoCauses().failingWith(MESSAGES.accessDenied));
    expect(ids(r)[0]).toBe("pull-role-lacks-ecr-permissions");
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("a 403 from another account's repository puts its policy above the network", async () => {
    const r = await report(world().withoutNatGateway().crossAccountImage().failingWith(MSG.crossAccount403));
    expect(ids(r)[0]).toBe("ecr-repository-policy-denies");
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("a timeout puts the network cause first", async () => {
    const r = await report(twoCauses().failingWith(MESSAGES.timeout));
    expect(ids(r)[0]).toBe("no-route-to-registry");
    expect(rankOf(r, "pull-role-lacks-ecr-permissions")).toBeGreaterThan(0);
  });

  it("'not found' puts the image first, above IAM and network causes", async () => {
    const r = await report(twoCauses().withoutImage().failingWith(MESSAGES.manifestUnknown));
    expect(ids(r)[0]).toBe("image-not-found");
    expect(rankOf(r, "pull-role-lacks-ecr-permissions")).toBeGreaterThan(0);
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("'not found' puts a missing repository first", async () => {
    const r = await report(twoCauses().withoutRepository().failingWith(MESSAGES.repoNotFound));
    expect(ids(r)[0]).toBe("repository-not-found");
  });

  it("a rate limit outranks a healthy configuration", async () => {
    const r = await report(world().withImage("nginx:1.27").failingWith(MSG.rateLimitHub()));
    expect(ids(r)[0]).toBe("registry-rate-limited");
    expect(r.findings.filter((f) => f.severity === "error")).toHaveLength(1);
  });

  it("the cause the message contradicts says so in its explanation", async () => {
    const w = twoCauses().failingWith(MESSAGES.timeout);
    const { report: r, evidence } = await diagnoseSnapshot(w.build());
    const iam = r.findings.find((f) => f.id === "pull-role-lacks-ecr-permissions")!;
    expect(iam.explanation).toContain(evidence.failures[0].signals.summary);
    const network = r.findings.find((f) => f.id === "no-route-to-registry")!;
    expect(network.explanation).not.toContain(evidence.failures[0].signals.summary);
  });

  it("a secrets message puts secrets-unreadable above the network", async () => {
    const r = await report(world().withoutNatGateway().withSecret().failingWith(MSG.secretDenied()));
    expect(ids(r)[0]).toBe("secrets-unreadable");
  });
});

describe("the stage of the pull the message comes from (findings.md: Order of calls)", () => {
  const unauthorizedManifest = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${IMAGE}: pulling from host ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com failed with status code [manifests 1.4.2]: 401 Unauthorized`;
  const agreement = (id: string, message: string) => {
    const d = DIAGNOSTICS.find((x) => x.id === id)!;
    const e = { failures: [{ container: "web", message, from: "container", signals: parseMessage(message) }] } as unknown as Evidence;
    return messageAgreement(d, { severity: "error", certainty: "proven", title: "", explanation: "", evidence: [], fixes: [], container: "web" }, e);
  };

  it("reads the stages the table relies on", () => {
    expect(parseMessage(MESSAGES.manifestUnknown)).toMatchObject({ stage: "manifest", kind: "not-found" });
    expect(parseMessage(unauthorizedManifest)).toMatchObject({ stage: "manifest", kind: "unauthorized" });
    expect(parseMessage(MSG.secretDenied())).toMatchObject({ stage: "secrets", kind: "access-denied" });
    expect(parseMessage(MESSAGES.authDenied)).toMatchObject({ stage: "registry-auth", kind: "access-denied" });
  });

  it.each([
    // A later stage shows the secrets and the token got through.
    ["secrets-unreadable", MESSAGES.manifestUnknown, "disagrees"],
    ["secrets-unreadable", MSG.secretNotFound(), "agrees"],
    ["secrets-unreadable", MSG.secretDenied(), "agrees"],
    ["registry-credentials-unreadable", MESSAGES.manifestUnknown, "disagrees"],
    ["registry-credentials-unreadable", MSG.secretNotFound(), "agrees"],
    ["execution-role-not-assumable", unauthorizedManifest, "disagrees"],
    ["execution-role-not-assumable", MSG.assumeRole, "agrees"],
    // ECR permissions break the token, manifest and layer calls, never the secrets.
    ["pull-role-lacks-ecr-permissions", MSG.secretDenied(), "disagrees"],
    ["pull-role-lacks-ecr-permissions", MESSAGES.authDenied, "agrees"],
    ["pull-role-lacks-ecr-permissions", MESSAGES.accessDenied, "agrees"],
    // A repository policy governs the manifest and the layers, not the token.
    ["ecr-repository-policy-denies", MESSAGES.authDenied, "disagrees"],
    ["ecr-repository-policy-denies", MESSAGES.accessDenied, "agrees"],
    // Without a role there are no credentials at any stage.
    ["execution-role-missing", unauthorizedManifest, "agrees"],
    ["image-not-found", MESSAGES.manifestUnknown, "agrees"],
  ] as const)("%s against %s: %s", (id, message, expected) => {
    expect(agreement(id, message)).toBe(expected);
  });

  it("a manifest-stage 'not found' ranks the missing image above an unreadable secret", async () => {
    const denySecret: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*" }] };
    const r = await report(world().withSecret().withInlinePolicy(denySecret, "no-secrets").withoutImage().failingWith(MESSAGES.manifestUnknown));
    const image = r.findings.find((f) => f.id === "image-not-found")!;
    const secrets = r.findings.find((f) => f.id === "secrets-unreadable")!;
    expect(ids(r)[0]).toBe("image-not-found");
    expect(secrets.severity).toBe("error");
    expect(secrets.confidence).toBeLessThan(image.confidence);
  });

  it("the same unreadable secret ranks first on the secrets message", async () => {
    const denySecret: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*" }] };
    const r = await report(world().withSecret().withInlinePolicy(denySecret, "no-secrets").failingWith(MSG.secretDenied()));
    expect(ids(r)[0]).toBe("secrets-unreadable");
    expect(r.findings[0].confidence).toBe(0.95);
  });
});

describe("the stage decides the family (findings.md)", () => {
  const START = {
    logGroupMissing:
      "ResourceInitializationError: failed to validate logger args: failed to create CloudWatch log stream: ResourceNotFoundException: The specified log group does not exist.",
    ec2LogDriver:
      "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.",
    efsDns:
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-0867a83d8ed398433.efs.us-east-1.amazonaws.com" - check that your file system ID is correct.',
    efsOther:
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: mounting fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:/data failed, reason given by server: No such file or directory'",
    eni: "Unexpected EC2 error while attempting to Create Network Interface in subnet 'subnet-0priv': InsufficientFreeAddressesInSubnet",
  } as const;
  const agreement = (id: string, message: string) => {
    const d = DIAGNOSTICS.find((x) => x.id === id)!;
    const e = { failures: [{ container: "web", message, from: "container", signals: parseMessage(message) }] } as unknown as Evidence;
    return messageAgreement(d, { severity: "error", certainty: "proven", title: "", explanation: "", evidence: [], fixes: [], container: "web" }, e);
  };
  const familyOf = (r: Report) => r.findings[0].id;

  it("every cause names its steps, and a message from any other step disagrees with it even of its own kind", () => {
    for (const d of DIAGNOSTICS) {
      if (d.stages === "any") continue;
      for (const stage of STAGES.filter((s) => s !== "unknown" && !stageFits(d.stages, s))) {
        for (const kind of d.messageKinds) {
          const e = { failures: [{ container: "web", message: "", from: "container", signals: { scope: "init", stage, kind, service: "unknown", summary: "" } }] } as unknown as Evidence;
          expect(messageAgreement(d, { severity: "error", certainty: "proven", title: "", explanation: "", evidence: [], fixes: [] }, e), `${d.id} at ${stage} (${kind})`).toBe("disagrees");
        }
      }
    }
  });

  it.each([
    ["image-not-found", START.logGroupMissing],
    ["image-not-found", START.ec2LogDriver],
    ["repository-not-found", START.logGroupMissing],
    ["no-route-to-registry", START.efsDns],
    ["vpc-endpoint-private-dns-disabled", START.efsDns],
    ["no-route-to-registry", START.eni],
    // A message whose kind says nothing still names its step.
    ["no-route-to-registry", START.efsOther],
    ["image-not-found", START.efsOther],
  ] as const)("%s disagrees with a message of another step: %s", (id, message) => {
    expect(agreement(id, message)).toBe("disagrees");
  });

  it.each([
    // EFS names resolve through the VPC's DNS (findings.md vpc-dns-disabled).
    ["vpc-dns-disabled", START.efsDns],
    ["image-not-found", MESSAGES.manifestUnknown],
  ] as const)("%s agrees with %s", (id, message) => {
    expect(agreement(id, message)).toBe("agrees");
  });

  it("a log group that does not exist is never answered image-not-found, even with the tag missing too", async () => {
    const r = await report(world().withoutImage().failingWith(START.logGroupMissing));
    const image = r.findings.find((f) => f.id === "image-not-found")!;
    expect(image.severity).toBe("error");
    expect(familyOf(r)).not.toBe("image-not-found");
    expect(["log-group-missing", "log-permissions-missing", "unexplained-pull-failure"]).toContain(familyOf(r));
    expect(image.explanation).toContain("points to another cause first");
  });

  it("the EC2 log driver's message does not rank the missing tag first either", async () => {
    const r = await report(world().withoutImage().failingWith(START.ec2LogDriver));
    expect(familyOf(r)).not.toBe("image-not-found");
  });

  it("an EFS name that does not resolve does not rank a missing NAT gateway first", async () => {
    const r = await report(world().withoutNatGateway().failingWith(START.efsDns));
    expect(familyOf(r)).not.toBe("no-route-to-registry");
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("a subnet out of addresses does not rank a missing NAT gateway first", async () => {
    const r = await report(world().withoutNatGateway().failingWith(START.eni));
    expect(familyOf(r)).not.toBe("no-route-to-registry");
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("a refusal while mounting EFS is not read as the registry's refusal, where the repository policy cannot be read", async () => {
    const efsDenied =
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting fs-065b374f6a1a6b4c8.efs.us-east-1.amazonaws.com:/' : unsuccessful EFS utils command execution; code: 32";
    const manifest403 = await report(world().crossAccountImage("unreadable").failingWith(MSG.crossAccount403));
    expect(manifest403.findings.find((f) => f.id === "ecr-repository-policy-denies")?.severity).toBe("error");
    const r = await report(world().crossAccountImage("unreadable").failingWith(efsDenied));
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).not.toContain("ecr-repository-policy-denies");
    expect(familyOf(r)).not.toBe("ecr-repository-policy-denies");
  });

  it("a truncated secrets message ranks the secret the role may not read above unexplained-pull-failure", async () => {
    const cut =
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf from secrets ma...";
    const r = await report(world().withSecret({ kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111-2222` }).failingWith(cut));
    expect(familyOf(r)).toBe("secrets-unreadable");
    const unexplained = r.findings.find((f) => f.id === "unexplained-pull-failure")!;
    expect(unexplained.explanation).toContain("look first at secrets-unreadable");
  });

  it("a whole message that proves nothing keeps unexplained-pull-failure first", async () => {
    const r = await report(world().withSecret({ kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111-2222` }).failingWith(MESSAGES.timeout));
    const unexplained = r.findings.find((f) => f.id === "unexplained-pull-failure");
    expect(unexplained?.severity).toBe("error");
    expect(unexplained?.explanation).not.toContain("look first at");
  });

  it("the network still ranks first for the Fargate log driver that cannot reach CloudWatch Logs", async () => {
    const cannotReach =
      "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. : signal: killed";
    const r = await report(world().withoutNatGateway().failingWith(cannotReach));
    expect(familyOf(r)).toBe("no-route-to-registry");
  });
});
