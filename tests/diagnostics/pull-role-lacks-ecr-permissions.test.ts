import { describe, expect, it } from "vitest";
import check from "../../diagnostics/pull-role-lacks-ecr-permissions.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { ACCOUNT, diagnoseSnapshot, diagnoseWithSimulation, evidenceOf, EXEC_ROLE_ARN, MESSAGES, rankedIds, REGION, world } from "../fixtures/world.js";

const REPO_ARN = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/web`;
const ID = "pull-role-lacks-ecr-permissions";

const denyBatchGetImage: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Sid: "NoPull", Effect: "Deny", Action: "ecr:BatchGetImage", Resource: "*" }],
};
const allowS3Only: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] };
const scopedTo = (repository: string): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    { Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository}` },
  ],
});
const ecrStar: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:*", Resource: "*" }] };

describe(ID, () => {
  it("passes with the managed AmazonECSTaskExecutionRolePolicy", async () => {
    const e = await evidenceOf(world().failingWith(MESSAGES.accessDenied));
    expect(check.check(e).status).toBe("pass");
    expect(e.pullPermissions?.answers.state).toBe("known");
  });

  it("passes when the AWS managed policy is named without its document (its grants are known)", async () => {
    const w = world().withPolicies({
      attached: [{ PolicyName: "AmazonECSTaskExecutionRolePolicy", PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" }],
    });
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("fires on an inline Deny of ecr:BatchGetImage, naming the statement, and ranks first on a 403", async () => {
    const w = world().withInlinePolicy(denyBatchGetImage, "deny-pull").failingWith(MESSAGES.accessDenied);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.severity).toBe("error");
    expect(evidenceOfFinding(f)).toContain("ecr:BatchGetImage");
    expect(evidenceOfFinding(f)).toContain('policy "deny-pull" (Sid "NoPull")');
    expect(commandsOf(f)).toContain("aws iam get-role-policy --role-name ecsTaskExecutionRole --policy-name deny-pull");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("fires when the permissions boundary allows no ECR action, and offers to fix the boundary", async () => {
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/s3-only`;
    const w = world().withBoundary(allowS3Only, boundary);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(evidenceOfFinding(f)).toContain("not by the permissions boundary");
    expect(f.evidence.map((x) => x.resource)).toContain(boundary);
    expect(commandsOf(f)).toContain(`aws iam delete-role-permissions-boundary --role-name ecsTaskExecutionRole`);
    expect(commandsOf(f)).toContain(`--policy-arn ${boundary}`);
  });

  it("passes when the boundary allows the ECR actions", async () => {
    expect(check.check(await evidenceOf(world().withBoundary(ecrStar))).status).toBe("pass");
  });

  it("is skipped, with the permission, when the boundary's document was not read", async () => {
    const { report } = await diagnoseSnapshot(world().withBoundary(undefined, `arn:aws:iam::${ACCOUNT}:policy/unread`).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("iam:GetPolicyVersion");
  });

  it("fires when the policy scopes the image actions to another repository, with a grant on this one", async () => {
    const w = world().withPolicies({ inline: [{ PolicyName: "pull", Document: scopedTo("other") }] });
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    const denied = f.evidence.map((x) => x.fact).join("\n");
    expect(denied).toContain(`ecr:BatchGetImage on ${REPO_ARN}`);
    expect(denied).not.toContain("ecr:GetAuthorizationToken");
    expect(commandsOf(f)).toContain(`aws iam put-role-policy --role-name ecsTaskExecutionRole`);
    expect(commandsOf(f)).toContain(REPO_ARN);
  });

  it("passes when the policy scopes the image actions to this repository", async () => {
    const w = world().withPolicies({ inline: [{ PolicyName: "pull", Document: scopedTo("web") }] });
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("passes with ecr:* on *", async () => {
    expect(check.check(await evidenceOf(world().withPolicies({ inline: [{ PolicyName: "all", Document: ecrStar }] }))).status).toBe("pass");
  });

  it("fires, token included, when the role has no policy at all", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(world().withPolicies({}))));
    expect(f.evidence.map((x) => x.fact).join("\n")).toContain("ecr:GetAuthorizationToken on *");
    expect(commandsOf(f)).toContain("AmazonECSTaskExecutionRolePolicy");
  });

  it("is a warning when an Allow depends on a condition that cannot be checked offline", async () => {
    const conditional: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "aws:SourceVpce": "vpce-0abc" } } }],
    };
    const [f] = findingsOf(check.check(await evidenceOf(world().withPolicies({ inline: [{ PolicyName: "vpce-only", Document: conditional }] }))));
    expect(f.severity).toBe("warning");
  });

  it("is skipped, not passed, when a customer managed policy's document was not read", async () => {
    const w = world().withPolicies({ attached: [{ PolicyName: "custom", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/custom` }] });
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("iam:GetPolicyVersion");
  });

  it("still fires on an explicit Deny when another document was not read", async () => {
    const w = world()
      .withPolicies({ attached: [{ PolicyName: "custom", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/custom` }], inline: [{ PolicyName: "deny-pull", Document: denyBatchGetImage }] });
    expect(findingsOf(check.check(await evidenceOf(w)))[0].severity).toBe("error");
  });

  it("is skipped when the role cannot be read", async () => {
    const { report } = await diagnoseSnapshot(world().denied("iam:GetRole", ["iam", "Roles"]).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("iam:GetRole");
  });

  describe("IAM's simulation (live) takes precedence over the documents", () => {
    it("passes when the simulation allows, though the documents deny", async () => {
      const w = world().withInlinePolicy(denyBatchGetImage, "deny-pull");
      const { evidence, simulated } = await diagnoseWithSimulation(w, () => "allowed");
      expect(simulated[0]).toMatchObject({ roleArn: EXEC_ROLE_ARN });
      expect(simulated[0].resources).toContain(REPO_ARN);
      expect(check.check(evidence).status).toBe("pass");
    });

    it("fires when the simulation denies, though the documents allow", async () => {
      const { evidence, report } = await diagnoseWithSimulation(world().failingWith(MESSAGES.accessDenied), (action) =>
        action === "ecr:GetDownloadUrlForLayer" ? "implicitDeny" : "allowed",
      );
      const [f] = findingsOf(check.check(evidence));
      expect(evidenceOfFinding(f)).toContain("ecr:GetDownloadUrlForLayer");
      expect(evidenceOfFinding(f)).toContain("iam:SimulatePrincipalPolicy");
      expect(report.findings[0].id).toBe(ID);
    });
  });

  describe("IAM's decision and the documents together: the why from both", () => {
    const ecrActions = (action: string) => action.startsWith("ecr:");

    it("a boundary that allows only s3:*: IAM's implicit deny with its boundary detail says to fix the boundary, not to attach the policy the role has", async () => {
      const boundary = `arn:aws:iam::${ACCOUNT}:policy/s3-only`;
      const w = world().withBoundary(allowS3Only, boundary).failingWith(MESSAGES.accessDenied);
      const { evidence } = await diagnoseWithSimulation(w, (action) =>
        ecrActions(action) ? { decision: "implicitDeny", allowedByBoundary: false, matchedStatements: [] } : "allowed");
      const [f] = findingsOf(check.check(evidence));
      expect(f.fixes[0].summary).toMatch(new RegExp(`^Add .* to the permissions boundary ${boundary}`));
      expect(commandsOf(f)).toContain(`--policy-arn ${boundary}`);
      expect(commandsOf(f)).not.toContain("attach-role-policy");
      expect(evidenceOfFinding(f)).toContain("not by the permissions boundary");
    });

    it("IAM's boundary detail alone, when the documents could not be read, still says the boundary", async () => {
      const boundary = `arn:aws:iam::${ACCOUNT}:policy/unread`;
      const w = world().withBoundary(undefined, boundary).failingWith(MESSAGES.accessDenied);
      const { evidence } = await diagnoseWithSimulation(w, (action) =>
        ecrActions(action) ? { decision: "implicitDeny", allowedByBoundary: false } : "allowed");
      const [f] = findingsOf(check.check(evidence));
      expect(f.fixes[0].summary).toContain(`to the permissions boundary ${boundary}`);
    });

    it("an explicit Deny names the policy and its statement (IAM's matched statement, the document's Sid), once", async () => {
      const w = world().withInlinePolicy(denyBatchGetImage, "deny-pull").failingWith(MESSAGES.accessDenied);
      const { evidence } = await diagnoseWithSimulation(w, (action) =>
        action === "ecr:BatchGetImage"
          ? { decision: "explicitDeny", matchedStatements: [{ sourcePolicyId: "role_ecsTaskExecutionRole_deny-pull", sourcePolicyType: "role" }] }
          : "allowed");
      const [f] = findingsOf(check.check(evidence));
      const text = evidenceOfFinding(f);
      expect(text).toContain('explicitly denied by policy "deny-pull" (Sid "NoPull")');
      expect(text).not.toMatch(/SimulatePrincipalPolicy\) \(iam:SimulatePrincipalPolicy/);
      expect(commandsOf(f)).toContain("aws iam get-role-policy --role-name ecsTaskExecutionRole --policy-name deny-pull");
    });

    it("an explicit Deny in a policy the documents do not show is named as IAM names it", async () => {
      const { evidence } = await diagnoseWithSimulation(world().failingWith(MESSAGES.accessDenied), (action) =>
        action === "ecr:BatchGetImage" ? { decision: "explicitDeny", matchedStatements: [{ sourcePolicyId: "NoEcrAnywhere", sourcePolicyType: "user-managed" }] } : "allowed");
      const [f] = findingsOf(check.check(evidence));
      expect(evidenceOfFinding(f)).toContain('explicitly denied by policy "NoEcrAnywhere"');
      expect(evidenceOfFinding(f)).not.toContain("an explicit Deny (iam:SimulatePrincipalPolicy)");
    });
  });

  describe("EC2 without an execution role: the instance role pulls", () => {
    it("passes with AmazonEC2ContainerServiceforEC2Role", async () => {
      const e = await evidenceOf(world().onEc2().withoutExecutionRoleArn());
      expect(e.pullPermissions?.purpose).toBe("instance-role");
      expect(check.check(e).status).toBe("pass");
    });

    it("fires on the instance role when it lacks the ECR actions", async () => {
      const w = world().onEc2().withoutExecutionRoleArn().withPolicies({ inline: [{ PolicyName: "s3", Document: allowS3Only }] }, "ecsInstanceRole");
      const [f] = findingsOf(check.check(await evidenceOf(w)));
      expect(f.evidence[0].resource).toBe(`arn:aws:iam::${ACCOUNT}:role/ecsInstanceRole`);
      expect(commandsOf(f)).toContain("--role-name ecsInstanceRole");
      expect(commandsOf(f)).toContain("AmazonEC2ContainerServiceforEC2Role");
    });

    it("fires when the instance has no instance profile", async () => {
      const w = world().onEc2().withoutExecutionRoleArn().mutate((s) => {
        delete s.ec2!.Instances![0].IamInstanceProfile;
      });
      const [f] = findingsOf(check.check(await evidenceOf(w)));
      expect(f.evidence.map((x) => x.resource)).toContain("i-0ec2");
    });

    it("fires when the instance role does not trust ec2.amazonaws.com", async () => {
      const w = world().onEc2().withoutExecutionRoleArn().withTrust({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] }, "ecsInstanceRole");
      const findings = findingsOf(check.check(await evidenceOf(w)));
      expect(findings.map((f) => f.title).join("\n")).toContain("ec2.amazonaws.com");
    });
  });

  it("warns when ECR denied an action the role's policies allow (something outside the role denies)", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(world().failingWith(MSG.batchGetImageDenied))));
    expect(f.severity).toBe("warning");
    expect(f.certainty).toBe("message");
  });

  it("does not apply to an image outside ECR", async () => {
    expect(check.check(await evidenceOf(world().withImage("nginx:1.27").withPolicies({})))).toEqual({ status: "n/a" });
  });

  it("does not fire on Fargate without an execution role (that is execution-role-missing)", async () => {
    const ids = await rankedIds(world().withoutExecutionRoleArn());
    expect(ids).toContain("execution-role-missing");
    expect(ids).not.toContain(ID);
  });

  it("needs the pull through cache actions for an image not cached yet", async () => {
    const w = world()
      .withImage(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/docker-hub/library/nginx:1.27`)
      .mutate((s) => s.ecr!.pullThroughCacheRules!.push({ ecrRepositoryPrefix: "docker-hub", upstreamRegistryUrl: "registry-1.docker.io", registryId: ACCOUNT }));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    const facts = f.evidence.map((x) => x.fact).join("\n");
    expect(facts).toContain("ecr:BatchImportUpstreamImage");
    expect(facts).toContain("ecr:CreateRepository");
    // AmazonEC2ContainerRegistryPullOnly grants the import; the repository must then exist.
    const withPullOnly = w.withInlinePolicy({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"], Resource: "*" }] });
    expect(check.check(await evidenceOf(withPullOnly)).status).toBe("pass");
  });
});

// IAM policy evaluation within one account: the identity policies OR the resource policy may allow; an
// explicit Deny in either denies. Across accounts both must allow (ecr-repository-policy-denies).
describe(`${ID}: a repository policy of the task's own account`, () => {
  const tokenOnly = () =>
    world().withPolicies({ inline: [{ PolicyName: "token", Document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "logs:*"], Resource: "*" }] } }] });
  const grantTo = (principal: string): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: principal }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] }],
  });

  it("passes when the repository policy grants the role what its own policies lack", async () => {
    const w = tokenOnly().withRepositoryPolicy(grantTo(EXEC_ROLE_ARN)).withoutImage().failingWith(MESSAGES.manifestUnknown);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual(["image-not-found"]);
  });

  it("fires when the repository policy grants only the account: that delegates to the role's policies", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(tokenOnly().withRepositoryPolicy(grantTo(`arn:aws:iam::${ACCOUNT}:root`)))));
    expect(f.severity).toBe("error");
    expect(evidenceOfFinding(f)).toContain(`ecr:BatchGetImage on ${REPO_ARN}`);
  });

  it("fires when the repository policy grants another role", async () => {
    expect(check.check(await evidenceOf(tokenOnly().withRepositoryPolicy(grantTo(`arn:aws:iam::${ACCOUNT}:role/ci`)))).status).toBe("fail");
  });

  it("fires when the role's own Deny or its permissions boundary stops what the repository policy grants", async () => {
    const denied = world().withInlinePolicy(denyBatchGetImage, "deny-pull").withRepositoryPolicy(grantTo(EXEC_ROLE_ARN));
    expect(evidenceOfFinding(findingsOf(check.check(await evidenceOf(denied)))[0])).toContain('Sid "NoPull"');
    const bounded = world().withBoundary(scopedTo("other")).withRepositoryPolicy(grantTo(EXEC_ROLE_ARN));
    expect(check.check(await evidenceOf(bounded)).status).toBe("fail");
  });

  it("stands as an error on the message's AccessDeniedException when the role cannot be read, saying what was not read", async () => {
    const { report } = await diagnoseSnapshot(world().denied("iam:GetRole", ["iam", "Roles"]).failingWith(MESSAGES.authDenied).build());
    expect(report.findings[0]).toMatchObject({ id: ID, severity: "error" });
    expect(report.findings[0].evidence.map((x) => x.fact).join("\n")).toContain("iam:GetRole was denied");
    expect(report.findings[0].fixes[0].commands?.join("\n")).toContain("ecr:GetAuthorizationToken");
  });

  it("is skipped when the role cannot be read and the message names no ECR denial", async () => {
    const { report } = await diagnoseSnapshot(world().denied("iam:GetRole", ["iam", "Roles"]).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
    expect(report.skipped.map((x) => x.check)).toContain(ID);
  });
});

describe("pull-role-lacks-ecr-permissions: conditions the message settles", () => {
  const conditionalDeny: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Action: "ecr:BatchGetImage", Resource: "*", Condition: { StringNotEquals: { "aws:ResourceTag/classification": "public" } } }],
  };
  const denialMessage = `CannotPullContainerError: pull access denied: User: ${EXEC_ROLE_ARN.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/abc is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:${REGION}:${ACCOUNT}:repository/web with an explicit deny in an identity-based policy`;

  it("is an error when a conditional statement could deny and the message says AWS denied that action", async () => {
    const { report } = await diagnoseSnapshot(world().withInlinePolicy(conditionalDeny).failingWith(denialMessage).build());
    expect(report.findings[0]).toMatchObject({ id: "pull-role-lacks-ecr-permissions", severity: "error" });
  });

  it("stays a warning when the message does not name that denial", async () => {
    const { report } = await diagnoseSnapshot(world().withInlinePolicy(conditionalDeny).build());
    expect(report.findings.find((f) => f.id === "pull-role-lacks-ecr-permissions")?.severity).toBe("warning");
  });
});
