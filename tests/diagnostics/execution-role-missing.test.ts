import { describe, expect, it } from "vitest";
import check from "../../diagnostics/execution-role-missing.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { diagnoseSnapshot, evidenceOf, EXEC_ROLE_ARN, MESSAGES, rankedIds, TASK_DEF_ARN, world } from "../fixtures/world.js";

const ID = "execution-role-missing";

describe(ID, () => {
  it("passes when the execution role exists", async () => {
    expect(check.check(await evidenceOf(world())).status).toBe("pass");
  });

  it("fires on Fargate pulling from ECR when the task definition names no execution role", async () => {
    const w = world().withoutExecutionRoleArn().failingWith(MESSAGES.authDenied);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence[0]).toEqual({ resource: TASK_DEF_ARN, fact: "executionRoleArn: (none)" });
    expect(commandsOf(f)).toContain("aws iam create-role --role-name ecsTaskExecutionRole");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("fires when the named role does not exist, and recreates it under its own name; no permission finding besides", async () => {
    const w = world()
      .mutate((s) => {
        s.ecs!.taskDefinitions![0].executionRoleArn = EXEC_ROLE_ARN.replace("ecsTaskExecutionRole", "webExecRole");
      })
      .failingWith(MSG.assumeRole.replace("ecsTaskExecutionRole", "webExecRole"));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence[0].fact).toContain("NoSuchEntity");
    expect(commandsOf(f)).toContain("aws iam create-role --role-name webExecRole");
    const ids = await rankedIds(w);
    expect(ids[0]).toBe(ID);
    expect(ids).not.toContain("pull-role-lacks-ecr-permissions");
    expect(ids).not.toContain("execution-role-not-assumable");
  });

  it("passes on EC2 without an execution role: the instance role pulls", async () => {
    expect(check.check(await evidenceOf(world().onEc2().withoutExecutionRoleArn())).status).toBe("pass");
  });

  it("fires on EC2 when repositoryCredentials need an execution role", async () => {
    const w = world().onEc2().withoutExecutionRoleArn().withImage("ghcr.io/acme/private-app:1.0").withRepositoryCredentials();
    expect(findingsOf(check.check(await evidenceOf(w)))[0].explanation).toContain("repositoryCredentials");
  });

  it("passes for a public image with no secrets on Fargate", async () => {
    expect(check.check(await evidenceOf(world().withoutExecutionRoleArn().withImage("nginx:1.27"))).status).toBe("pass");
  });

  it("is skipped, not passed, when neither the task definition nor the task names the images", async () => {
    const w = world().denied("ecs:DescribeTaskDefinition", ["ecs", "taskDefinitions"]).mutate((s) => {
      delete s.ecs!.tasks![0].containers![0].image;
    });
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.passed.map((p) => p.check)).not.toContain(ID);
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("ecs:DescribeTaskDefinition");
  });

  it("is skipped, not failed, when the role cannot be read", async () => {
    const { report } = await diagnoseSnapshot(world().denied("iam:GetRole", ["iam", "Roles"]).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("iam:GetRole");
  });
});
