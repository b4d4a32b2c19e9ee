import { describe, expect, it } from "vitest";
import check from "../../diagnostics/container-instance-disk-full.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, world } from "../fixtures/world.js";

const ID = "container-instance-disk-full";

describe(ID, () => {
  it("fires on EC2 when the message says no space left on device, naming the instance and its volumes", async () => {
    const w = world().onEc2({ volumes: [{ device: "/dev/xvda", volumeId: "vol-0root" }, { device: "/dev/xvdcz", volumeId: "vol-0docker" }] }).failingWith(MSG.diskEc2);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.severity).toBe("error");
    const facts = f.evidence.map((x) => `${x.resource}: ${x.fact}`).join("\n");
    expect(facts).toContain("i-0ec2");
    expect(facts).toContain("vol-0root");
    expect(facts).toContain("vol-0docker");
    const commands = commandsOf(f);
    expect(commands).toContain("aws ec2 modify-volume --region us-east-1 --volume-id vol-0root");
    for (const setting of ["ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION", "ECS_IMAGE_CLEANUP_INTERVAL", "ECS_IMAGE_MINIMUM_CLEANUP_AGE"]) expect(commands).toContain(setting);
    expect(commands).toContain("--instance-ids i-0ec2");
    const ids = await rankedIds(w);
    expect(ids[0]).toBe(ID);
    expect(ids).not.toContain("ephemeral-storage-full");
  });

  it("still fires, saying what could not be read, when the instance cannot be described", async () => {
    const w = world().onEc2().failingWith(MSG.diskEc2).denied("ec2:DescribeInstances", ["ec2", "Instances"]);
    const { report } = await diagnoseSnapshot(w.build());
    const f = report.findings.find((x) => x.id === ID)!;
    expect(f.severity).toBe("error");
    expect(f.explanation).toContain("ec2:DescribeInstances");
  });

  it("passes on EC2 when the message is not about disk space", async () => {
    expect(check.check(await evidenceOf(world().onEc2().failingWith(MESSAGES.timeout))).status).toBe("pass");
  });

  it("does not apply on Fargate (that is ephemeral-storage-full)", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MSG.diskFargate))).status).toBe("n/a");
  });
});
