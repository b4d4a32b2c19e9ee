// The operating system a task runs on, derived once (taskOsOf): the EC2
// instance's Platform, then the agent's ecs.os-type, then runtimePlatform,
// then Linux. The pull origin (its ephemeral ports, for network ACLs) and
// the platform check read that one answer.
import { describe, expect, it } from "vitest";
import { taskOsOf } from "../../src/analysis/platform.js";
import type { ContainerInstance, Instance, TaskDefinition } from "../../src/model/aws.js";
import { acl } from "../fixtures/network.js";
import { evidenceOf, MESSAGES, rankedIds, world } from "../fixtures/world.js";

const { allow } = acl;
const tcp = (from: number, to = from) => ({ Protocol: "6", PortRange: { From: from, To: to } });

const windowsInstance: Instance = { InstanceId: "i-0win", Platform: "windows", PlatformDetails: "Windows" };
const linuxInstance: Instance = { InstanceId: "i-0lin", PlatformDetails: "Linux/UNIX" };
const osType = (value: string): ContainerInstance => ({ containerInstanceArn: "arn:ci", attributes: [{ name: "ecs.os-type", value }] });
const family = (operatingSystemFamily: string): TaskDefinition => ({ taskDefinitionArn: "arn:td", runtimePlatform: { operatingSystemFamily } });

describe("taskOsOf", () => {
  it("reads the instance's Platform first, whatever the agent or the task definition say", () => {
    expect(taskOsOf("EC2", windowsInstance, osType("linux"), family("LINUX"))).toEqual({ os: "windows", source: "instance Platform: windows", resource: "i-0win" });
    expect(taskOsOf("EC2", { InstanceId: "i-0win", PlatformDetails: "Windows with SQL Server Standard" }, null, null).os).toBe("windows");
    expect(taskOsOf("EC2", linuxInstance, osType("windows"), null)).toMatchObject({ os: "linux", source: "instance PlatformDetails: Linux/UNIX" });
  });

  it("then the container instance's ecs.os-type, when the instance does not say", () => {
    expect(taskOsOf("EC2", { InstanceId: "i-0" }, osType("windows"), family("LINUX"))).toEqual({ os: "windows", source: "attribute ecs.os-type: windows", resource: "arn:ci" });
    expect(taskOsOf("EC2", null, osType("linux"), family("WINDOWS_SERVER_2022_CORE")).os).toBe("linux");
  });

  it("then runtimePlatform.operatingSystemFamily, then the launch type's default, Linux", () => {
    expect(taskOsOf("FARGATE", null, null, family("WINDOWS_SERVER_2019_FULL"))).toMatchObject({ os: "windows", resource: "arn:td" });
    expect(taskOsOf("EC2", { InstanceId: "i-0" }, { attributes: [] }, { taskDefinitionArn: "arn:td" })).toMatchObject({ os: "linux", resource: "i-0" });
    expect(taskOsOf("FARGATE", null, null, null).os).toBe("linux");
  });
});

/** A private subnet's ACL that lets replies in only on Windows' ephemeral ports (49152-65535). */
const windowsEphemeralOnly = [allow(100, true), allow(100, false, { CidrBlock: "10.0.0.0/16" }), allow(110, false, tcp(49152, 65535))];

describe("Windows EC2 container instances", () => {
  it.each([["both", undefined], ["the instance's Platform", "instance"], ["the agent's ecs.os-type", "os-type"]] as const)(
    "are Windows in the evidence, once, when %s says so",
    async (_what, only) => {
      const e = await evidenceOf(world().onWindowsEc2(only));
      expect(e.taskPlatform).toMatchObject({ state: "known", value: { os: "windows", architecture: "amd64" } });
      expect(e.network.origin).toMatchObject({ state: "known", value: { os: "windows" } });
    },
  );

  it("are not blocked by an ACL that opens Windows' ephemeral ports 49152-65535", async () => {
    const ids = await rankedIds(world().onWindowsEc2().withNetworkAcl(windowsEphemeralOnly).failingWith(MESSAGES.timeout));
    expect(ids).not.toContain("network-acl-blocks");
  });

  it("near miss: a Linux instance behind the same ACL is blocked (its replies come to 32768-60999)", async () => {
    const ids = await rankedIds(world().onEc2().withNetworkAcl(windowsEphemeralOnly).failingWith(MESSAGES.timeout));
    expect(ids[0]).toBe("network-acl-blocks");
  });

  it("pull a windows/amd64-only image index: no image-platform-mismatch", async () => {
    expect(await rankedIds(world().onWindowsEc2().withImageIndex("windows/amd64"))).not.toContain("image-platform-mismatch");
  });

  it("cannot pull a linux/amd64-only image index: image-platform-mismatch, naming the instance's Platform", async () => {
    const w = world().onWindowsEc2("instance").withImageIndex("linux/amd64");
    expect(await rankedIds(w)).toContain("image-platform-mismatch");
    expect((await evidenceOf(w)).taskPlatform).toMatchObject({ state: "known", value: { os: "windows", osSource: "instance Platform: windows" } });
  });

  it("near miss: a Linux instance cannot pull the windows/amd64-only index", async () => {
    expect(await rankedIds(world().onEc2().withImageIndex("windows/amd64"))).toContain("image-platform-mismatch");
  });
});
