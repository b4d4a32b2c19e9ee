import { describe, expect, it } from "vitest";
import { MSG } from "../fixtures/registry-messages.js";
import { diagnoseSnapshot, MESSAGES, rankedIds, world } from "../fixtures/world.js";

const ID = "unexplained-pull-failure";

describe(ID, () => {
  it("is first when the pull failed and every checked configuration is healthy", async () => {
    const { report } = await diagnoseSnapshot(world().failingWith(MESSAGES.timeout).build());
    expect(report.findings[0].id).toBe(ID);
    expect(report.findings[0].severity).toBe("error");
    expect(report.findings[0].evidence[0].resource).toBe("container web");
  });

  it("lists the checks that could not be made", async () => {
    const { report } = await diagnoseSnapshot(world().denied("iam:GetRole", ["iam", "Roles"]).build());
    const f = report.findings.find((x) => x.id === ID)!;
    expect(f.evidence.map((x) => x.resource)).toContain("pull-role-lacks-ecr-permissions");
  });

  it("stays out when a cause explains the failure", async () => {
    expect(await rankedIds(world().withoutNatGateway())).not.toContain(ID);
    expect(await rankedIds(world().withImage("nginx:1.27").failingWith(MSG.rateLimitHub()))).not.toContain(ID);
  });

  it("stays out when the task did not fail to pull", async () => {
    expect(await rankedIds(world().failingWith(MESSAGES.essentialExited))).not.toContain(ID);
  });

  it("is still first when only warnings were found", async () => {
    const conditional = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "aws:SourceVpce": "vpce-0abc" } } }] };
    const ids = await rankedIds(world().withPolicies({ inline: [{ PolicyName: "vpce-only", Document: conditional }] }));
    expect(ids[0]).toBe(ID);
    expect(ids).toContain("pull-role-lacks-ecr-permissions");
  });
});
