import { describe, expect, it } from "vitest";
import check from "../../diagnostics/ephemeral-storage-full.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { evidenceOf, MESSAGES, rankedIds, TASK_DEF_ARN, world } from "../fixtures/world.js";

const ID = "ephemeral-storage-full";

describe(ID, () => {
  it("fires on Fargate when the message says no space left on device, and raises the 20 GiB default", async () => {
    const w = world().failingWith(MSG.diskFargate);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence).toContainEqual({ resource: TASK_DEF_ARN, fact: "ephemeralStorage: 20 GiB (the Fargate default (no ephemeralStorage set))" });
    expect(commandsOf(f)).toContain('"ephemeralStorage": {"sizeInGiB": 40}');
    const ids = await rankedIds(w);
    expect(ids[0]).toBe(ID);
    expect(ids).not.toContain("container-instance-disk-full");
  });

  it("reads the task definition's ephemeralStorage, and at 200 GiB asks for smaller images instead", async () => {
    const w = world().failingWith(MSG.diskFargate).mutate((s) => {
      s.ecs!.taskDefinitions![0].ephemeralStorage = { sizeInGiB: 200 };
    });
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.title).toContain("200 GiB");
    expect(commandsOf(f)).not.toContain("sizeInGiB");
  });

  it("passes when the message is not about disk space", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("does not apply on EC2", async () => {
    expect(check.check(await evidenceOf(world().onEc2().failingWith(MSG.diskEc2))).status).toBe("n/a");
  });
});
