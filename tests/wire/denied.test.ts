// Denied calls on the wire: moto checks IAM policies once told to
// (/moto-api/reset-auth, see enforceIam), so the CLI runs as an IAM user
// holding README's read-only policy, or that policy less some actions. Each
// denied read must be a skipped check naming the permission to grant, never
// a crash, never a passed check.
import { readFileSync } from "node:fs";
import { DeleteRouteCommand } from "@aws-sdk/client-ec2";
import { CreateFileSystemCommand, CreateMountTargetCommand } from "@aws-sdk/client-efs";
import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { afterEach, describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { cli, ids } from "./run.js";
import { efs, enforceIam, MESSAGES, World } from "./world.js";

/** The Action list of README's permission policy: what a user is told to grant. */
function readmeActions(): string[] {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("### Permissions"));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error("README has no permission policy");
  return (JSON.parse(json) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);
}

/** An IAM user allowed `actions` on everything; its access key. */
async function userWith(w: World, actions: string[]): Promise<{ id: string; secret: string }> {
  await w.c.iam.send(new CreateUserCommand({ UserName: "doctor" }));
  await w.c.iam.send(new PutUserPolicyCommand({
    UserName: "doctor", PolicyName: "ecs-doctor",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }),
  }));
  const key = (await w.c.iam.send(new CreateAccessKeyCommand({ UserName: "doctor" }))).AccessKey!;
  return { id: key.AccessKeyId!, secret: key.SecretAccessKey! };
}

const skippedText = (r: Report) => r.skipped.map((s) => `${s.check}: ${s.reason}`).join("\n");

describe("denied calls, as a process under moto's IAM enforcement", () => {
  afterEach(() => enforceIam(false));

  it("README's policy is enough: nothing is skipped for a denial (a task with a secret, a parameter and an EFS volume)", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteRouteCommand({ RouteTableId: w.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    const secret = (await w.c.secretsManager.send(new CreateSecretCommand({ Name: "prod/db", SecretString: "x" }))).ARN!;
    await w.c.ssm.send(new PutParameterCommand({ Name: "/prod/api-key", Type: "String", Value: "x" }));
    const fileSystemId = (await efs().send(new CreateFileSystemCommand({ CreationToken: "data" }))).FileSystemId!;
    await efs().send(new CreateMountTargetCommand({ FileSystemId: fileSystemId, SubnetId: w.privateSubnet, SecurityGroups: [w.securityGroup] }));
    const td = await w.taskDefinition((d) => {
      d.containerDefinitions[0].secrets = [{ name: "DB", valueFrom: secret }, { name: "KEY", valueFrom: "/prod/api-key" }];
      d.volumes = [{ name: "data", efsVolumeConfiguration: { fileSystemId } }];
      d.containerDefinitions[0].mountPoints = [{ sourceVolume: "data", containerPath: "/data" }];
    });
    const task = await w.failTask({ reason: MESSAGES.timeout, taskDefinition: td });
    const keys = await userWith(w, readmeActions());
    await enforceIam(true);
    const r = await cli([task, "--output", "json"], keys);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(ids(report)[0]).toBe("no-route-to-registry");
    expect(skippedText(report)).not.toMatch(/denied|grant/i);
    // The EFS reads were made, and allowed; the role may not read the secret, which the tool could tell.
    expect(report.passed.map((p) => p.check)).toEqual(expect.arrayContaining(["efs-file-system-missing", "efs-mount-target-missing"]));
    expect(ids(report)).toContain("secrets-unreadable");
  });

  it("each denied read is a skipped check naming the permission, and the rest still judges", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteRouteCommand({ RouteTableId: w.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    const task = await w.failTask({ reason: MESSAGES.timeout });
    const withheld = ["ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups", "iam:GetRole"];
    const keys = await userWith(w, readmeActions().filter((a) => !withheld.includes(a)));
    await enforceIam(true);
    const r = await cli([task, "--output", "json"], keys);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(ids(report)[0]).toBe("no-route-to-registry");
    const skipped = skippedText(report);
    for (const permission of withheld) expect(skipped).toContain(permission);
    const passed = report.passed.map((p) => p.check);
    for (const check of ["network-acl-blocks", "security-group-egress-blocked", "execution-role-not-assumable", "pull-role-lacks-ecr-permissions"]) {
      expect(passed).not.toContain(check);
      expect(report.skipped.map((s) => s.check)).toContain(check);
    }
  });

  // Issue 12, bug B: with both image reads denied, the platform check once passed.
  it("denied image reads leave image-platform-mismatch skipped, never passed (issue 12, bug B)", async () => {
    const w = await World.healthy();
    const task = await w.failTask({ reason: MESSAGES.timeout });
    const withheld = ["ecr:DescribeImages", "ecr:BatchGetImage"];
    const keys = await userWith(w, readmeActions().filter((a) => !withheld.includes(a)));
    await enforceIam(true);
    const report = JSON.parse((await cli([task, "--output", "json"], keys)).stdout) as Report;
    expect(report.passed.map((p) => p.check)).not.toContain("image-platform-mismatch");
    const skipped = report.skipped.find((s) => s.check === "image-platform-mismatch");
    expect(skipped?.reason).toMatch(/ecr:BatchGetImage|ecr:DescribeImages/);
  });

  // Issue 12, bug C: a denied DescribeServices was once reported as "not captured in the snapshot".
  it("a denied ecs:DescribeServices on a live run says to grant it, never speaks of a snapshot (issue 12, bug C)", async () => {
    const w = await World.healthy();
    const task = await w.failTask({ reason: MESSAGES.timeout, subnet: w.publicSubnet });
    const keys = await userWith(w, readmeActions().filter((a) => a !== "ecs:DescribeServices"));
    await enforceIam(true);
    const r = await cli([task, "--output", "json"], keys);
    const report = JSON.parse(r.stdout) as Report;
    expect(JSON.stringify(report)).not.toMatch(/snapshot/i);
    const publicIp = report.skipped.find((s) => s.check === "public-ip-missing")?.reason
      ?? JSON.stringify(report.findings.find((f) => f.id === "public-ip-missing") ?? null);
    expect(publicIp).toContain("ecs:DescribeServices");
  });
});
