import { describe, expect, it } from "vitest";
import check from "../../diagnostics/ecr-repository-policy-denies.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { ACCOUNT, diagnoseSnapshot, evidenceOf, EXEC_ROLE_ARN, MESSAGES, OTHER_ACCOUNT, rankedIds, REGION, world } from "../fixtures/world.js";

const ID = "ecr-repository-policy-denies";
const REPO_ARN = `arn:aws:ecr:${REGION}:${OTHER_ACCOUNT}:repository/shared/base`;
const allowing = (principal: string | string[]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: principal }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] }],
});

describe(ID, () => {
  it("passes when the repository policy allows the pulling account", async () => {
    expect(check.check(await evidenceOf(world().crossAccountImage(allowing(`arn:aws:iam::${ACCOUNT}:root`)))).status).toBe("pass");
  });

  it("passes when the repository policy allows the execution role itself", async () => {
    expect(check.check(await evidenceOf(world().crossAccountImage(allowing(EXEC_ROLE_ARN)))).status).toBe("pass");
  });

  it("fires when the policy allows other accounts only, and ranks first on a 403", async () => {
    const w = world().crossAccountImage(allowing("arn:aws:iam::555555555555:root")).failingWith(MSG.crossAccount403);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.severity).toBe("error");
    expect(f.evidence[0].resource).toBe(REPO_ARN);
    expect(commandsOf(f)).toContain(`--registry-id ${OTHER_ACCOUNT} --repository-name shared/base`);
    expect(commandsOf(f)).toContain(EXEC_ROLE_ARN);
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("fires when the repository has no policy at all", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(world().crossAccountImage())));
    expect(evidenceOfFinding(f)).toContain("implicit deny");
  });

  it("fires on an explicit Deny of the pulling account, even beside an Allow", async () => {
    const policy: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "ecr:*" },
        { Sid: "NoProd", Effect: "Deny", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "ecr:BatchGetImage" },
      ],
    };
    const [f] = findingsOf(check.check(await evidenceOf(world().crossAccountImage(policy))));
    expect(evidenceOfFinding(f)).toContain('Sid "NoProd"');
  });

  it("is an error when the policy cannot be read but the registry answered 403, saying what could not be read", async () => {
    const w = world().crossAccountImage("unreadable").failingWith(MSG.crossAccount403);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.severity).toBe("error");
    expect(evidenceOfFinding(f)).toContain("ecr:GetRepositoryPolicy");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("is skipped when the policy cannot be read and the message does not show a refusal", async () => {
    const { report } = await diagnoseSnapshot(world().crossAccountImage("unreadable").failingWith(MESSAGES.timeout).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("ecr:GetRepositoryPolicy");
  });

  it("does not apply to a repository of the task's own account without a policy", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.accessDenied))).status).toBe("n/a");
  });
});

// findings.md: "... or it denies explicitly". Within one account the role's or the repository's Allow
// suffices, and an explicit Deny in either wins: the repository's Deny is this finding.
describe(`${ID}: a repository of the task's own account`, () => {
  const OWN_REPO_ARN = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/web`;
  const deny = (principal: unknown, condition?: Record<string, Record<string, unknown>>): PolicyDocument => ({
    Version: "2012-10-17",
    Statement: [{ Sid: "DenyAll", Effect: "Deny", Principal: principal, Action: "ecr:*", ...(condition ? { Condition: condition } : {}) }],
  });

  it("fires on an explicit Deny, ranks first on the 403, and the role's own check stays quiet", async () => {
    const w = world().withRepositoryPolicy(deny("*")).failingWith(MESSAGES.accessDenied);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f).toMatchObject({ severity: "error", certainty: "proven" });
    expect(f.evidence.map((x) => x.resource)).toEqual([OWN_REPO_ARN, OWN_REPO_ARN]);
    expect(evidenceOfFinding(f)).toContain('Sid "DenyAll"');
    expect(commandsOf(f)).toContain(`aws ecr get-repository-policy --region ${REGION} --registry-id ${ACCOUNT} --repository-name web`);
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings[0].id).toBe(ID);
    const errors = report.findings.filter((x) => x.severity === "error").map((x) => x.id);
    expect(errors).not.toContain("pull-role-lacks-ecr-permissions");
    expect(errors).not.toContain("unexplained-pull-failure");
  });

  it("fires on a Deny of the execution role itself", async () => {
    expect(findingsOf(check.check(await evidenceOf(world().withRepositoryPolicy(deny({ AWS: EXEC_ROLE_ARN }))))).length).toBe(1);
  });

  it("passes when the Deny names another role, or the policy only allows", async () => {
    expect(check.check(await evidenceOf(world().withRepositoryPolicy(deny({ AWS: `arn:aws:iam::${ACCOUNT}:role/ci` })).failingWith(MESSAGES.accessDenied))).status).toBe("pass");
    expect(check.check(await evidenceOf(world().withRepositoryPolicy(allowing(`arn:aws:iam::${ACCOUNT}:role/ci`)))).status).toBe("pass");
  });

  it("is a warning when a Deny applies only under conditions that cannot be checked offline", async () => {
    const w = world().withRepositoryPolicy(deny("*", { StringNotEquals: { "aws:SourceVpce": "vpce-0aaa" } }));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f).toMatchObject({ severity: "warning", certainty: "possible" });
  });

  it("is skipped, not an error, when the policy cannot be read, even on a 403", async () => {
    const { report } = await diagnoseSnapshot(world().withRepositoryPolicy("unreadable").failingWith(MESSAGES.accessDenied).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("ecr:GetRepositoryPolicy");
  });
});
