import { describe, expect, it } from "vitest";
import d from "../../diagnostics/efs-file-system-missing.js";
import { EFS_MESSAGES, evidenceOf, rankedIds, world } from "../fixtures/world.js";

describe("efs-file-system-missing", () => {
  it("fires when the volume names a file system that does not exist in the task's region", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.resolve).mutate((s) => {
      s.efs!.FileSystems = [];
      s.efs!.MountTargets = [];
    });
    expect(await rankedIds(w)).toEqual(["efs-file-system-missing"]);
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].title).toBe("File system fs-0data of volume data (fs-0data) does not exist in us-east-1");
    expect(r.findings[0].evidence).toContainEqual({ resource: "fs-0data", fact: "elasticfilesystem:DescribeFileSystems: FileSystemNotFound in us-east-1" });
    expect(r.findings[0].fixes[0].commands?.[0]).toBe("aws efs describe-file-systems --region us-east-1 --query 'FileSystems[].[FileSystemId,Name,LifeCycleState]' --output table");
  });

  it("fires when the file system is being deleted", async () => {
    const w = world().withEfs().mutate((s) => {
      s.efs!.FileSystems![0].LifeCycleState = "deleting";
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].title).toBe("File system fs-0data of volume data (fs-0data) is deleting");
  });

  it("fires when the access point does not exist, or belongs to another file system", async () => {
    const missing = world().withEfs({ accessPoint: true }).failingWith(EFS_MESSAGES.accessDenied).mutate((s) => {
      s.efs!.AccessPoints = [];
    });
    expect((await rankedIds(missing))[0]).toBe("efs-file-system-missing");
    const r = d.check(await evidenceOf(missing));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands).toContain("aws efs create-access-point --region us-east-1 --file-system-id fs-0data --root-directory 'Path=/data'");
    const other = world().withEfs({ accessPoint: true }).mutate((s) => {
      s.efs!.AccessPoints![0].FileSystemId = "fs-0other";
    });
    const o = d.check(await evidenceOf(other));
    expect(o.status === "fail" && o.findings[0].title).toBe("Access point fsap-0data belongs to file system fs-0other, not fs-0data");
  });

  it("does not fire when the file system and access point exist", async () => {
    expect(d.check(await evidenceOf(world().withEfs({ accessPoint: true }))).status).toBe("pass");
    expect(d.check(await evidenceOf(world()))).toEqual({ status: "n/a" });
  });

  it("is skipped, naming the permission, when DescribeFileSystems was denied", async () => {
    const w = world().withEfs().mutate((s) => {
      delete s.efs!.FileSystems;
      s.errors = [{ call: "elasticfilesystem:DescribeFileSystems", code: "AccessDeniedException", message: "not authorized" }];
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.permission).toBe("elasticfilesystem:DescribeFileSystems");
  });
});
