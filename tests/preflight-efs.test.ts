// Preflight of a service with an EFS volume, on a snapshot: every EFS volume has
// an available mount target in each subnet's Availability Zone that admits NFS
// from the tasks, and a policy that lets them mount.
import { describe, expect, it } from "vitest";
import { preflightReport } from "../src/preflight.js";
import type { Snapshot } from "../src/source/snapshot.js";
import { SnapshotSource } from "../src/source/snapshot.js";
import { ACCOUNT, EFS_ARN, world, type World } from "./fixtures/world.js";

/** No task yet: the service names its task definition. */
function beforeDeploy(w: World): Snapshot {
  const s = w.build();
  s.ecs!.tasks = [];
  s.ecs!.services![0].taskDefinition = s.ecs!.taskDefinitions![0].taskDefinitionArn;
  return s;
}

const preflight = (w: World) => preflightReport(new SnapshotSource(beforeDeploy(w)), { cluster: "prod", service: "web" });
const EFS_CHECKS = ["efs-access-denied", "efs-file-system-missing", "efs-mount-target-missing", "efs-security-group-blocks"];

/** The service's tasks run in subnet-0priv (us-east-1a) and subnet-0privb (us-east-1b). */
const twoZones = (w: World) => w.withSubnet("subnet-0privb", { cidr: "10.0.2.0/24", table: "rtb-0priv" }).mutate((s) => {
  s.ecs!.services![0].networkConfiguration!.awsvpcConfiguration!.subnets = ["subnet-0priv", "subnet-0privb"];
});

describe("preflight of an EFS volume", () => {
  it("passes a healthy volume, listing the four EFS checks as passed", async () => {
    const report = await preflight(world().withEfs({ iam: true }));
    expect(report.findings).toEqual([]);
    expect(report.passed.map((p) => p.check)).toEqual(expect.arrayContaining(EFS_CHECKS));
  });

  it("names the one subnet whose Availability Zone has no mount target", async () => {
    const w = twoZones(world().withEfs()).mutate((s) => {
      s.efs!.MountTargets = s.efs!.MountTargets!.filter((m) => m.AvailabilityZoneName === "us-east-1b");
    });
    const report = await preflight(w);
    expect(report.findings[0].id).toBe("efs-mount-target-missing");
    expect(report.findings[0].severity).toBe("error");
    expect(report.findings[0].evidence[0]).toEqual({ resource: "subnet-0priv", fact: "tasks placed in this subnet would meet this (1 of 2 subnets)" });
    expect(report.findings[0].fixes[0].commands).toEqual(["aws efs create-mount-target --region us-east-1 --file-system-id fs-0data --subnet-id subnet-0priv --security-groups sg-0efs"]);
  });

  it("finds a mount target group that does not admit the tasks' subnets", async () => {
    const report = await preflight(world().withEfs().withIngress([{ IpProtocol: "tcp", FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: "10.0.9.0/24" }] }], "sg-0efs"));
    expect(report.findings.map((f) => f.id)).toEqual(["efs-security-group-blocks"]);
    expect(report.findings[0].fixes[0].commands?.[0]).toContain("--group-id sg-0efs --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-0task");
  });

  it("finds a file system that does not exist", async () => {
    const report = await preflight(world().withEfs().mutate((s) => {
      s.efs!.FileSystems = [];
    }));
    expect(report.findings[0].id).toBe("efs-file-system-missing");
  });

  it("finds a policy that does not let the task role mount, and passes the one that does", async () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "elasticfilesystem:ClientMount", Resource: EFS_ARN }] };
    const denied = await preflight(world().withEfs({ iam: true, taskRoleGrants: [] }).withFileSystemPolicy(policy));
    expect(denied.findings.map((f) => [f.id, f.severity])).toEqual([["efs-access-denied", "error"]]);
    const allowed = await preflight(world().withEfs({ iam: true }).withFileSystemPolicy(policy));
    expect(allowed.findings).toEqual([]);
  });
});
