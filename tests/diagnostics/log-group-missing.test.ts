import { describe, expect, it } from "vitest";
import check from "../../diagnostics/log-group-missing.js";
import type { PolicyDocument } from "../../src/model/aws.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { LOG_MSG } from "../fixtures/log-messages.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, world } from "../fixtures/world.js";

const ID = "log-group-missing";
const createGroup: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:CreateLogGroup", Resource: "*" }] };

describe(ID, () => {
  it("fires when the log group does not exist in its awslogs-region, first on the log driver's message, not image-not-found", async () => {
    const w = world().withAwslogs({ exists: false }).failingWith(LOG_MSG.groupMissingFargate);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f).toMatchObject({ severity: "error", certainty: "proven", container: "web" });
    expect(evidenceOfFinding(f)).toContain("/ecs/web: logs:DescribeLogGroups in us-east-1 (logGroupNamePrefix /ecs/web): no log group of that name");
    expect(commandsOf(f)).toContain("aws logs create-log-group --region us-east-1 --log-group-name /ecs/web");
    const ids = await rankedIds(w);
    expect(ids[0]).toBe(ID);
    expect(ids).not.toContain("image-not-found");
  });

  it("passes when the log group exists", async () => {
    expect(check.check(await evidenceOf(world().withAwslogs().failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("does not fire for a missing group with awslogs-create-group \"true\" and logs:CreateLogGroup granted", async () => {
    const w = world().withAwslogs({ exists: false, createGroup: true }).withInlinePolicy(createGroup, "logs").failingWith(MESSAGES.timeout);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.map((x) => x.id)).not.toContain("log-permissions-missing");
  });

  it("looks in the awslogs-region, not the task's: a group that exists only in the task's region is missing there", async () => {
    const w = world().withAwslogs({ region: "eu-west-1", existsIn: "us-east-1" }).failingWith(LOG_MSG.groupMissingFargate);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.title).toBe("Log group /ecs/web does not exist in eu-west-1");
    expect(commandsOf(f)).toContain("aws logs create-log-group --region eu-west-1 --log-group-name /ecs/web");
  });

  it("EC2 without awslogs-region: the instance's region, where the group exists", async () => {
    const w = world().onEc2().withAwslogs({ region: null }).failingWith(LOG_MSG.groupMissingEc2);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
    const missing = world().onEc2().withAwslogs({ region: null, existsIn: "eu-west-1" }).failingWith(LOG_MSG.groupMissingEc2);
    const [f] = findingsOf(check.check(await evidenceOf(missing)));
    expect(evidenceOfFinding(f)).toContain("no awslogs-region: the container instance's region, us-east-1");
    expect((await rankedIds(missing))[0]).toBe(ID);
  });

  it("Fargate's 'cannot find the log group ... connection issue' is a network cause: an existing group passes and does not lead", async () => {
    const w = world().withoutNatGateway().withAwslogs().failingWith(LOG_MSG.connectionIssue);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings[0].id).not.toBe(ID);
    expect(report.findings.filter((x) => x.severity === "error").map((x) => x.id)).not.toContain(ID);
  });

  it("stands on the message when the log groups cannot be listed, and is skipped without it", async () => {
    const unread = world().withAwslogs().denied("logs:DescribeLogGroups", ["logs", "logGroups"]);
    const [f] = findingsOf(check.check(await evidenceOf(unread.failingWith(LOG_MSG.groupMissingFargate))));
    expect(f.certainty).toBe("message");
    const { report } = await diagnoseSnapshot(world().withAwslogs().denied("logs:DescribeLogGroups", ["logs", "logGroups"]).failingWith(MESSAGES.timeout).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("logs:DescribeLogGroups");
  });

  it("under a pull failure, the missing group is reported but the pull's cause ranks first", async () => {
    const w = world().withoutImage().withAwslogs({ exists: false }).failingWith(MESSAGES.manifestUnknown);
    const ids = await rankedIds(w);
    expect(ids[0]).toBe("image-not-found");
    expect(ids).toContain(ID);
  });

  it("does not apply without an awslogs log configuration", async () => {
    expect(check.check(await evidenceOf(world())).status).toBe("n/a");
  });
});
