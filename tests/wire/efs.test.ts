// EFS volumes on the wire: file systems, mount targets and their security
// groups, and file system policies in moto's EFS, read by the EFS collector.
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand } from "@aws-sdk/client-ec2";
import { CreateFileSystemCommand, CreateMountTargetCommand, PutFileSystemPolicyCommand } from "@aws-sdk/client-efs";
import { describe, expect, it } from "vitest";
import { EFS_ID, EFS_MESSAGES } from "../fixtures/world.js";
import { diagnoseLive, evidenceOf, ids } from "./run.js";
import { ACCOUNT, efs, REGION, World } from "./world.js";

/** ECS's message for this file system (the offline fixtures name another id). */
const message = (kind: keyof typeof EFS_MESSAGES, fileSystemId: string) => EFS_MESSAGES[kind].replaceAll(EFS_ID, fileSystemId);

/** A file system with one mount target in `subnet`, whose group admits NFS from the tasks' group when `nfs`. */
async function fileSystem(w: World, subnet: string, nfs: boolean): Promise<{ fileSystemId: string; securityGroup: string }> {
  const fileSystemId = (await efs().send(new CreateFileSystemCommand({ CreationToken: "data", Encrypted: true }))).FileSystemId!;
  const securityGroup = (await w.c.ec2.send(new CreateSecurityGroupCommand({ GroupName: "efs", Description: "mount targets", VpcId: w.vpcId }))).GroupId!;
  if (nfs) {
    await w.c.ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: securityGroup, IpPermissions: [{ IpProtocol: "tcp", FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [{ GroupId: w.securityGroup }] }],
    }));
  }
  await efs().send(new CreateMountTargetCommand({ FileSystemId: fileSystemId, SubnetId: subnet, SecurityGroups: [securityGroup] }));
  return { fileSystemId, securityGroup };
}

/** The "web" task definition with an EFS volume mounted at /data. */
const withVolume = (w: World, fileSystemId: string, iam = false) => w.taskDefinition((d) => {
  d.volumes = [{ name: "data", efsVolumeConfiguration: { fileSystemId, transitEncryption: "ENABLED", authorizationConfig: { iam: iam ? "ENABLED" : "DISABLED" } } }];
  d.containerDefinitions[0].mountPoints = [{ sourceVolume: "data", containerPath: "/data", readOnly: false }];
});

describe("EFS worlds on moto", () => {
  it("efs-file-system-missing: the volume names a file system that does not exist", async () => {
    const w = await World.healthy();
    const missing = "fs-0123456789abcdef0";
    const r = await diagnoseLive(await w.failTask({ reason: message("resolve", missing), taskDefinition: await withVolume(w, missing) }));
    expect(ids(r)[0]).toBe("efs-file-system-missing");
    expect(evidenceOf(r, "efs-file-system-missing")).toContain(missing);
  });

  it("efs-mount-target-missing: the only mount target is in another Availability Zone", async () => {
    const w = await World.healthy();
    const other = (await w.c.ec2.send(new CreateSubnetCommand({ VpcId: w.vpcId, CidrBlock: "10.0.2.0/24", AvailabilityZone: `${REGION}b` }))).Subnet!.SubnetId!;
    const { fileSystemId } = await fileSystem(w, other, true);
    const r = await diagnoseLive(await w.failTask({ reason: message("resolve", fileSystemId), taskDefinition: await withVolume(w, fileSystemId) }));
    expect(ids(r)[0]).toBe("efs-mount-target-missing");
    expect(evidenceOf(r, "efs-mount-target-missing")).toContain(`${REGION}a`);
  });

  it("efs-security-group-blocks: the mount target's group admits no NFS", async () => {
    const w = await World.healthy();
    const { fileSystemId, securityGroup } = await fileSystem(w, w.privateSubnet, false);
    const r = await diagnoseLive(await w.failTask({ reason: message("timeout", fileSystemId), taskDefinition: await withVolume(w, fileSystemId) }));
    expect(ids(r)[0]).toBe("efs-security-group-blocks");
    expect(evidenceOf(r, "efs-security-group-blocks")).toContain(securityGroup);
  });

  it("a mount target in the task's zone that admits NFS from the tasks' group: no EFS cause (near miss)", async () => {
    const w = await World.healthy();
    const { fileSystemId } = await fileSystem(w, w.privateSubnet, true);
    const r = await diagnoseLive(await w.failTask({ reason: message("timeout", fileSystemId), taskDefinition: await withVolume(w, fileSystemId) }));
    expect(ids(r).filter((id) => id.startsWith("efs-"))).toEqual([]);
    expect(r.passed.map((p) => p.check)).toEqual(expect.arrayContaining(["efs-file-system-missing", "efs-mount-target-missing", "efs-security-group-blocks"]));
  });

  it("efs-access-denied: the file system policy grants the account's IAM principals, and the volume does not use IAM", async () => {
    const w = await World.healthy();
    const { fileSystemId } = await fileSystem(w, w.privateSubnet, true);
    await efs().send(new PutFileSystemPolicyCommand({
      FileSystemId: fileSystemId,
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] }] }),
    }));
    const r = await diagnoseLive(await w.failTask({ reason: message("accessDenied", fileSystemId), taskDefinition: await withVolume(w, fileSystemId) }));
    expect(ids(r)[0]).toBe("efs-access-denied");
    expect(evidenceOf(r, "efs-access-denied")).toContain(fileSystemId);
  });
});
