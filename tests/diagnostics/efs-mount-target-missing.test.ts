import { describe, expect, it } from "vitest";
import d from "../../diagnostics/efs-mount-target-missing.js";
import type { Snapshot } from "../../src/source/snapshot.js";
import { EFS_MESSAGES, evidenceOf, rankedIds, world } from "../fixtures/world.js";

const onlyMountTargetIn = (zone: "us-east-1a" | "us-east-1b") => (s: Snapshot) => {
  s.efs!.MountTargets = s.efs!.MountTargets!.filter((m) => m.AvailabilityZoneName === zone);
};

describe("efs-mount-target-missing", () => {
  it("fires when the file system's only mount target is in another Availability Zone, with the create command filled in", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.resolve).mutate(onlyMountTargetIn("us-east-1b"));
    expect((await rankedIds(w))[0]).toBe("efs-mount-target-missing");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].title).toBe("File system fs-0data has no mount target in us-east-1a, where subnet subnet-0priv is");
    expect(r.findings[0].evidence.map((x) => x.resource)).toEqual(expect.arrayContaining(["subnet-0priv", "fs-0data"]));
    // A new mount target takes the groups the existing one has.
    expect(r.findings[0].fixes[0].commands).toEqual([
      "aws efs create-mount-target --region us-east-1 --file-system-id fs-0data --subnet-id subnet-0priv --security-groups sg-0efs",
    ]);
  });

  it("fires when the file system has no mount target at all, offering the task's security group", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.resolve).mutate((s) => {
      s.efs!.MountTargets = [];
    });
    expect((await rankedIds(w))[0]).toBe("efs-mount-target-missing");
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands?.[0]).toBe(
      "aws efs create-mount-target --region us-east-1 --file-system-id fs-0data --subnet-id subnet-0priv --security-groups sg-0task",
    );
  });

  it("fires when the mount target in the zone is still being created", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.resolve).mutate((s) => {
      s.efs!.MountTargets![0].LifeCycleState = "creating";
    });
    expect((await rankedIds(w))[0]).toBe("efs-mount-target-missing");
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].title).toBe("Mount target fsmt-0a of fs-0data in us-east-1a is creating, not available");
  });

  it("does not fire when a mount target is available in the task's zone, though another zone has none", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.resolve).mutate(onlyMountTargetIn("us-east-1a"));
    expect(d.check(await evidenceOf(w)).status).toBe("pass");
    expect(await rankedIds(w)).not.toContain("efs-mount-target-missing");
  });

  it("does not apply to a task without EFS volumes, or to a file system that does not exist", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("n/a");
    const gone = world().withEfs().mutate((s) => {
      s.efs!.FileSystems = [];
    });
    expect(d.check(await evidenceOf(gone)).status).toBe("n/a");
  });

  it("is skipped when the mount targets could not be read", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.resolve).mutate((s) => {
      delete s.efs!.MountTargets;
      s.errors = [{ call: "elasticfilesystem:DescribeMountTargets", code: "AccessDeniedException", message: "not authorized" }];
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
  });
});
