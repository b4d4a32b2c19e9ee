import { describe, expect, it } from "vitest";
import check from "../../diagnostics/execution-role-not-assumable.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { ACCOUNT, diagnoseSnapshot, evidenceOf, EXEC_ROLE_ARN, OTHER_ACCOUNT, rankedIds, world } from "../fixtures/world.js";

const ID = "execution-role-not-assumable";
const trusting = (service: string, condition?: Record<string, Record<string, unknown>>): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) }],
});

describe(ID, () => {
  it("passes when the trust policy names ecs-tasks.amazonaws.com", async () => {
    expect(check.check(await evidenceOf(world())).status).toBe("pass");
  });

  it("fires when the trust policy names ec2.amazonaws.com only, and ranks first on the assume-role message", async () => {
    const w = world().withTrust(trusting("ec2.amazonaws.com")).failingWith(MSG.assumeRole);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.severity).toBe("error");
    expect(f.evidence[0].resource).toBe(EXEC_ROLE_ARN);
    expect(f.evidence[0].fact).toContain("ec2.amazonaws.com");
    expect(commandsOf(f)).toContain("aws iam update-assume-role-policy --role-name ecsTaskExecutionRole");
    expect(commandsOf(f)).toContain("ecs-tasks.amazonaws.com");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("fires when a confused-deputy condition names another account", async () => {
    const w = world().withTrust(trusting("ecs-tasks.amazonaws.com", { StringEquals: { "aws:SourceAccount": OTHER_ACCOUNT } }));
    expect(findingsOf(check.check(await evidenceOf(w)))[0].severity).toBe("error");
  });

  it("passes when the confused-deputy condition names the task's own account", async () => {
    const w = world().withTrust(trusting("ecs-tasks.amazonaws.com", { StringEquals: { "aws:SourceAccount": ACCOUNT } }));
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("fires on an explicit Deny for the service", async () => {
    const w = world().withTrust({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
        { Effect: "Deny", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
    expect(findingsOf(check.check(await evidenceOf(w)))[0].evidence[0].fact).toContain("explicit-deny");
  });

  it("does not apply when the role does not exist (that is execution-role-missing)", async () => {
    const w = world().withoutExecutionRole().failingWith(MSG.assumeRole);
    expect(check.check(await evidenceOf(w)).status).toBe("n/a");
    expect((await rankedIds(w))[0]).toBe("execution-role-missing");
  });

  it("does not apply without an execution role", async () => {
    expect(check.check(await evidenceOf(world().onEc2().withoutExecutionRoleArn())).status).toBe("n/a");
  });

  it("is skipped when the role cannot be read", async () => {
    const { report } = await diagnoseSnapshot(world().denied("iam:GetRole", ["iam", "Roles"]).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("iam:GetRole");
  });
});
