import { describe, expect, it } from "vitest";
import check from "../../diagnostics/log-permissions-missing.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { LOG_MSG } from "../fixtures/log-messages.js";
import { ACCOUNT, diagnoseSnapshot, diagnoseWithSimulation, EXEC_ROLE_ARN, evidenceOf, MESSAGES, rankedIds, REGION, world } from "../fixtures/world.js";

const ID = "log-permissions-missing";
const GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/web:*`;
const pullOnly: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: "*" }],
};
const allow = (action: string, resource = "*"): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });
/** The execution role with ECR pull permissions and nothing for CloudWatch Logs. */
const noLogs = () => world().withPolicies({ attached: [], inline: [{ PolicyName: "pull", Document: pullOnly }] });

describe(ID, () => {
  it("fires when the execution role may not create the stream and put events, first on the AccessDenied message", async () => {
    const w = noLogs().withAwslogs().failingWith(LOG_MSG.streamDenied());
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f).toMatchObject({ severity: "error", certainty: "proven", container: "web" });
    expect(evidenceOfFinding(f)).toContain(`${EXEC_ROLE_ARN}: logs:CreateLogStream on arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/web:log-stream:ecs/web/0123456789abcdef0123456789abcdef: not allowed`);
    const commands = commandsOf(f);
    expect(commands).toContain("aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name ecs-task-logs");
    expect(commands).toContain(GROUP_ARN);
    expect(commands).toContain("logs:PutLogEvents");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("passes with AmazonECSTaskExecutionRolePolicy (logs:CreateLogStream and logs:PutLogEvents on *)", async () => {
    expect(check.check(await evidenceOf(world().withAwslogs().failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("with awslogs-create-group \"true\" and no such group, it also needs logs:CreateLogGroup", async () => {
    const w = world().withAwslogs({ createGroup: true, exists: false }).failingWith(LOG_MSG.createGroupDenied());
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f).toMatchObject({ severity: "error", certainty: "proven" });
    expect(f.title).toContain("may not write container web's logs to /ecs/web");
    expect(commandsOf(f)).toContain(`"Action":["logs:CreateLogGroup"],"Resource":"${GROUP_ARN}"`);
    expect((await rankedIds(w))[0]).toBe(ID);
    const granted = world().withAwslogs({ createGroup: true, exists: false }).withInlinePolicy(allow("logs:CreateLogGroup"), "logs");
    expect(check.check(await evidenceOf(granted)).status).toBe("pass");
  });

  it("does not need logs:CreateLogGroup for a group that exists: the driver creates the stream first", async () => {
    expect(check.check(await evidenceOf(world().withAwslogs({ createGroup: true }).failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("warns when the log groups could not be listed, unless the message names the denial", async () => {
    const unlisted = () => world().withAwslogs({ createGroup: true }).denied("logs:DescribeLogGroups", ["logs", "logGroups"]);
    const [f] = findingsOf(check.check(await evidenceOf(unlisted().failingWith(MESSAGES.timeout))));
    expect(f).toMatchObject({ severity: "warning" });
    expect(f.explanation).toContain("logs:CreateLogGroup is needed only if log group /ecs/web does not exist");
    expect(findingsOf(check.check(await evidenceOf(unlisted().failingWith(LOG_MSG.createGroupDenied()))))[0]).toMatchObject({ severity: "error" });
  });

  it("on EC2 without an execution role, judges the container instance's role", async () => {
    const w = world().onEc2().withoutExecutionRoleArn().withAwslogs({ createGroup: true, exists: false }).failingWith(LOG_MSG.ec2CreateGroupDenied());
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.title).toContain("container instance role ecsInstanceRole");
    expect(commandsOf(f)).toContain("aws iam put-role-policy --role-name ecsInstanceRole");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("takes IAM's simulation over the documents, asked in the same call as the pull", async () => {
    const { evidence, simulated } = await diagnoseWithSimulation(noLogs().withAwslogs(), (action) => (action.startsWith("logs:") ? "allowed" : "implicitDeny"));
    expect(simulated).toHaveLength(1);
    expect(simulated[0].actions).toEqual(expect.arrayContaining(["ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"]));
    expect(check.check(evidence).status).toBe("pass");
  });

  it("an explicit Deny is an error whose fix is to remove it", async () => {
    const deny: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "NoLogs", Effect: "Deny", Action: "logs:*", Resource: "*" }] };
    const [f] = findingsOf(check.check(await evidenceOf(world().withAwslogs().withInlinePolicy(deny, "guard"))));
    expect(f.fixes.map((x) => x.summary).join("\n")).toContain('Remove or narrow the Deny (policy "guard" (Sid "NoLogs"))');
  });

  it("is skipped when the role's policies cannot be read, and does not apply without a role that writes (Fargate without an execution role)", async () => {
    const { report } = await diagnoseSnapshot(world().withAwslogs().denied("iam:GetRole", ["iam", "Roles"]).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("iam:GetRole");
    expect(check.check(await evidenceOf(world().withAwslogs().withoutExecutionRoleArn())).status).toBe("n/a");
  });
});
