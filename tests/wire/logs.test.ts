// The awslogs log driver on the wire: log groups in moto's CloudWatch Logs,
// and the execution role's right to write to them.
import { CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DetachRolePolicyCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { LOG_MSG } from "../fixtures/log-messages.js";
import { diagnoseLive, evidenceOf, ids } from "./run.js";
import { EXECUTION_POLICY, logs, REGION, World } from "./world.js";

/** "web" logging to /ecs/web with awslogs, without awslogs-create-group. */
const withLogs = (w: World) => w.taskDefinition((d) => {
  d.containerDefinitions[0].logConfiguration = {
    logDriver: "awslogs", options: { "awslogs-group": "/ecs/web", "awslogs-region": REGION, "awslogs-stream-prefix": "ecs" },
  };
});

describe("log worlds on moto", () => {
  it("log-group-missing: the task definition's log group does not exist", async () => {
    const w = await World.healthy();
    const r = await diagnoseLive(await w.failTask({ reason: LOG_MSG.groupMissingFargate, taskDefinition: await withLogs(w) }));
    expect(ids(r)[0]).toBe("log-group-missing");
    expect(evidenceOf(r, "log-group-missing")).toContain("/ecs/web");
  });

  it("log-group-missing does not fire once the group exists (near miss)", async () => {
    const w = await World.healthy();
    await logs().send(new CreateLogGroupCommand({ logGroupName: "/ecs/web" }));
    const r = await diagnoseLive(await w.failTask({ reason: LOG_MSG.groupMissingFargate, taskDefinition: await withLogs(w) }));
    expect(ids(r)).not.toContain("log-group-missing");
    expect(r.passed.map((p) => p.check)).toEqual(expect.arrayContaining(["log-group-missing", "log-permissions-missing"]));
  });

  it("log-permissions-missing: the execution role may pull but not write logs", async () => {
    const w = await World.healthy();
    await logs().send(new CreateLogGroupCommand({ logGroupName: "/ecs/web" }));
    await w.c.iam.send(new DetachRolePolicyCommand({ RoleName: "ecsTaskExecutionRole", PolicyArn: EXECUTION_POLICY }));
    await w.c.iam.send(new PutRolePolicyCommand({
      RoleName: "ecsTaskExecutionRole", PolicyName: "pull-only",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: "*" }] }),
    }));
    const r = await diagnoseLive(await w.failTask({ reason: LOG_MSG.streamDenied(), taskDefinition: await withLogs(w) }));
    expect(ids(r)[0]).toBe("log-permissions-missing");
    expect(evidenceOf(r, "log-permissions-missing")).toContain("ecsTaskExecutionRole");
  });
});
