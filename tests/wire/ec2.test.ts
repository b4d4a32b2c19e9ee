// The EC2 launch type on the wire: the pull leaves from a container instance,
// read through ecs:DescribeContainerInstances and ec2:DescribeInstances, and
// the instance role pulls where the task definition names no execution role.
import { AddRoleToInstanceProfileCommand, AttachRolePolicyCommand, CreateInstanceProfileCommand, CreateRoleCommand } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { diagnoseLive, evidenceOf, ids } from "./run.js";
import { MESSAGES, MSG, World } from "./world.js";

const EC2_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

/** An instance profile whose role has `policies` attached. */
async function instanceProfile(w: World, policies: string[]): Promise<string> {
  await w.c.iam.send(new CreateRoleCommand({ RoleName: "ecsInstanceRole", AssumeRolePolicyDocument: EC2_TRUST }));
  for (const PolicyArn of policies) await w.c.iam.send(new AttachRolePolicyCommand({ RoleName: "ecsInstanceRole", PolicyArn }));
  await w.c.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: "ecsInstanceProfile" }));
  await w.c.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: "ecsInstanceProfile", RoleName: "ecsInstanceRole" }));
  return "ecsInstanceProfile";
}

/** A bridge-mode EC2 task definition; without an execution role the instance role pulls. */
const ec2TaskDefinition = (w: World, executionRole: boolean) => w.taskDefinition((d) => {
  d.networkMode = "bridge";
  d.requiresCompatibilities = ["EC2"];
  delete d.cpu;
  delete d.memory;
  if (!executionRole) delete d.executionRoleArn;
});

describe("EC2 launch type worlds on moto", () => {
  it("container-instance-disk-full: no space left on device on the instance", async () => {
    const w = await World.healthy();
    const profile = await instanceProfile(w, ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]);
    const { instanceId } = await w.containerInstance(w.privateSubnet, profile);
    const r = await diagnoseLive(await w.failEc2Task(await ec2TaskDefinition(w, true), MSG.diskEc2));
    expect(ids(r)[0]).toBe("container-instance-disk-full");
    expect(evidenceOf(r, "container-instance-disk-full")).toContain(instanceId);
  });

  it("public-ip-missing: the container instance sits in the public subnet without a public IP", async () => {
    const w = await World.healthy();
    const profile = await instanceProfile(w, ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]);
    const { instanceId } = await w.containerInstance(w.publicSubnet, profile);
    const r = await diagnoseLive(await w.failEc2Task(await ec2TaskDefinition(w, true), MESSAGES.timeout));
    expect(ids(r)[0]).toBe("public-ip-missing");
    expect(evidenceOf(r, "public-ip-missing")).toContain(instanceId);
  });

  it("pull-role-lacks-ecr-permissions: no execution role, and the instance role has no ECR policy", async () => {
    const w = await World.healthy();
    const profile = await instanceProfile(w, []);
    await w.containerInstance(w.privateSubnet, profile);
    const r = await diagnoseLive(await w.failEc2Task(await ec2TaskDefinition(w, false), MSG.batchGetImageDenied));
    expect(ids(r)[0]).toBe("pull-role-lacks-ecr-permissions");
    expect(evidenceOf(r, "pull-role-lacks-ecr-permissions")).toContain("ecsInstanceRole");
  });

  it("the instance role with AmazonEC2ContainerServiceforEC2Role may pull (near miss)", async () => {
    const w = await World.healthy();
    const profile = await instanceProfile(w, ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]);
    await w.containerInstance(w.privateSubnet, profile);
    const r = await diagnoseLive(await w.failEc2Task(await ec2TaskDefinition(w, false), MESSAGES.timeout));
    expect(ids(r)).toEqual(["unexplained-pull-failure"]);
  });
});
