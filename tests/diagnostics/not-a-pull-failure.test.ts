import { describe, expect, it } from "vitest";
import check from "../../diagnostics/not-a-pull-failure.js";
import { findingsOf } from "../fixtures/findings.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, TASK_ARN, world } from "../fixtures/world.js";

const ID = "not-a-pull-failure";

describe(ID, () => {
  it("is the only finding when the task stopped for another reason, with the exit codes", async () => {
    const w = world().failingWith(MESSAGES.essentialExited).mutate((s) => {
      s.ecs!.tasks![0].stopCode = "EssentialContainerExited";
      s.ecs!.tasks![0].containers![0].exitCode = 137;
    });
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.map((f) => f.id)).toEqual([ID]);
    expect(report.findings[0].severity).toBe("info");
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence[0].resource).toBe(TASK_ARN);
    expect(f.evidence.map((x) => x.fact)).toContain("exitCode: 137");
  });

  it("passes, and stays out of the findings, when the task failed to pull", async () => {
    const w = world().withoutNatGateway();
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
  });

  it("counts a resource initialization error and an assume-role failure as in scope", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.authTimeout))).status).toBe("pass");
    expect(check.check(await evidenceOf(world().failingWith("ECS was unable to assume the role 'arn:aws:iam::123456789012:role/x' that was provided for this task.")))).toMatchObject({ status: "pass" });
  });
});
