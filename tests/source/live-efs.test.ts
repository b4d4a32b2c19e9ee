// The live source's EFS reads against mocked SDK clients (aws-sdk-client-mock):
// what each sends, what a missing resource and a denied call become.

import { DescribeSecurityGroupsCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeAccessPointsCommand, DescribeFileSystemPolicyCommand, DescribeFileSystemsCommand, DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand, EFSClient,
} from "@aws-sdk/client-efs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { diagnoseTask } from "../../src/diagnose.js";
import { createLiveSource } from "../../src/source/live.js";
import { SnapshotSource } from "../../src/source/snapshot.js";
import { type TraceEvent, tracedSource } from "../../src/source/trace.js";
import { DEMOS, FULL_START_DEMO } from "../fixtures/demos.js";

const awsError = (name: string, message = `${name} (mocked)`) => Object.assign(new Error(message), { name, $metadata: {} });
let efs: ReturnType<typeof mockClient>;
let ec2: ReturnType<typeof mockClient>;

beforeEach(() => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "fake-secret");
  efs = mockClient(EFSClient);
  ec2 = mockClient(EC2Client);
  efs.onAnyCommand().resolves({});
  ec2.onAnyCommand().resolves({});
});

afterEach(() => {
  efs.restore();
  ec2.restore();
  vi.unstubAllEnvs();
});

const live = () => createLiveSource({ region: "us-east-1" });

describe("EFS reads", () => {
  it("DescribeFileSystems: one id per call; a file system that does not exist is left out", async () => {
    efs.on(DescribeFileSystemsCommand, { FileSystemId: "fs-0aaa" }).resolves({ FileSystems: [{ FileSystemId: "fs-0aaa", LifeCycleState: "available", OwnerId: "123456789012", CreationToken: "t", CreationTime: new Date(), NumberOfMountTargets: 1, SizeInBytes: { Value: 0 }, PerformanceMode: "generalPurpose", Tags: [] }] });
    efs.on(DescribeFileSystemsCommand, { FileSystemId: "fs-0gone" }).rejects(awsError("FileSystemNotFound", "File system 'fs-0gone' does not exist."));
    const fact = await (await live()).describeFileSystems(["fs-0aaa", "fs-0gone"]);
    expect(fact).toEqual({ state: "known", value: [expect.objectContaining({ FileSystemId: "fs-0aaa", LifeCycleState: "available" })] });
    expect(efs.commandCalls(DescribeFileSystemsCommand).map((c) => c.args[0].input)).toEqual([{ FileSystemId: "fs-0aaa" }, { FileSystemId: "fs-0gone" }]);
  });

  it("DescribeMountTargets follows NextMarker; a file system that does not exist has none", async () => {
    efs.on(DescribeMountTargetsCommand, { FileSystemId: "fs-0aaa", Marker: undefined }).resolves({ MountTargets: [{ MountTargetId: "fsmt-1", FileSystemId: "fs-0aaa", SubnetId: "subnet-1", LifeCycleState: "available", OwnerId: "1" }], NextMarker: "m2" });
    efs.on(DescribeMountTargetsCommand, { FileSystemId: "fs-0aaa", Marker: "m2" }).resolves({ MountTargets: [{ MountTargetId: "fsmt-2", FileSystemId: "fs-0aaa", SubnetId: "subnet-2", LifeCycleState: "available", OwnerId: "1" }] });
    efs.on(DescribeMountTargetsCommand, { FileSystemId: "fs-0gone" }).rejects(awsError("FileSystemNotFound"));
    const source = await live();
    const fact = await source.describeMountTargets("fs-0aaa");
    expect(fact.state === "known" && fact.value.map((m) => m.MountTargetId)).toEqual(["fsmt-1", "fsmt-2"]);
    expect(await source.describeMountTargets("fs-0gone")).toEqual({ state: "known", value: [] });
  });

  it("DescribeMountTargetSecurityGroups: one item per mount target; one that does not exist is left out", async () => {
    efs.on(DescribeMountTargetSecurityGroupsCommand, { MountTargetId: "fsmt-1" }).resolves({ SecurityGroups: ["sg-0efs"] });
    efs.on(DescribeMountTargetSecurityGroupsCommand, { MountTargetId: "fsmt-gone" }).rejects(awsError("MountTargetNotFound"));
    expect(await (await live()).describeMountTargetSecurityGroups(["fsmt-1", "fsmt-gone"])).toEqual({ state: "known", value: [{ MountTargetId: "fsmt-1", SecurityGroups: ["sg-0efs"] }] });
  });

  it("DescribeAccessPoints: an access point that does not exist is left out", async () => {
    efs.on(DescribeAccessPointsCommand, { AccessPointId: "fsap-1" }).resolves({ AccessPoints: [{ AccessPointId: "fsap-1", FileSystemId: "fs-0aaa", LifeCycleState: "available", RootDirectory: { Path: "/data" } }] });
    efs.on(DescribeAccessPointsCommand, { AccessPointId: "fsap-gone" }).rejects(awsError("AccessPointNotFound"));
    const fact = await (await live()).describeAccessPoints(["fsap-1", "fsap-gone"]);
    expect(fact).toEqual({ state: "known", value: [expect.objectContaining({ AccessPointId: "fsap-1", FileSystemId: "fs-0aaa", RootDirectory: { Path: "/data" } })] });
  });

  it("DescribeFileSystemPolicy: the policy text; PolicyNotFound is no policy", async () => {
    efs.on(DescribeFileSystemPolicyCommand, { FileSystemId: "fs-0aaa" }).resolves({ FileSystemId: "fs-0aaa", Policy: '{"Version":"2012-10-17","Statement":[]}' });
    efs.on(DescribeFileSystemPolicyCommand, { FileSystemId: "fs-0open" }).rejects(awsError("PolicyNotFound", "None"));
    const source = await live();
    expect(await source.describeFileSystemPolicy("fs-0aaa")).toEqual({ state: "known", value: { FileSystemId: "fs-0aaa", Policy: '{"Version":"2012-10-17","Statement":[]}' } });
    expect(await source.describeFileSystemPolicy("fs-0open")).toEqual({ state: "known", value: null });
  });

  it("a denied call is unknown, naming the call and the permission; it does not crash", async () => {
    efs.on(DescribeFileSystemsCommand).rejects(awsError("AccessDeniedException", "User is not authorized to perform: elasticfilesystem:DescribeFileSystems"));
    efs.on(DescribeFileSystemPolicyCommand).rejects(awsError("AccessDeniedException"));
    const source = await live();
    expect(await source.describeFileSystems(["fs-0aaa"])).toMatchObject({ state: "unknown", why: "denied", call: "elasticfilesystem:DescribeFileSystems", permission: "elasticfilesystem:DescribeFileSystems" });
    expect(await source.describeFileSystemPolicy("fs-0aaa")).toMatchObject({ state: "unknown", why: "denied", call: "elasticfilesystem:DescribeFileSystemPolicy" });
  });

  it("reads the VPC's security groups by vpc-id, all pages", async () => {
    ec2.on(DescribeSecurityGroupsCommand).resolvesOnce({ SecurityGroups: [{ GroupId: "sg-1" }], NextToken: "p2" }).resolvesOnce({ SecurityGroups: [{ GroupId: "sg-2" }] });
    const fact = await (await live()).describeVpcSecurityGroups("vpc-0aaa");
    expect(fact.state === "known" && fact.value.map((g) => g.GroupId)).toEqual(["sg-1", "sg-2"]);
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0].args[0].input).toMatchObject({ Filters: [{ Name: "vpc-id", Values: ["vpc-0aaa"] }] });
  });

  it("--trace names them in AWS's words: elasticfilesystem operations, and the VPC's groups as ec2:DescribeSecurityGroups", async () => {
    const snapshot = DEMOS.find((d) => d.name === FULL_START_DEMO)!.world.build();
    const events: TraceEvent[] = [];
    await diagnoseTask(tracedSource(new SnapshotSource(snapshot), events), { task: snapshot.ecs!.tasks![0].taskArn! });
    const calls = events.map((e) => `${e.service}:${e.operation}`);
    expect(calls).toEqual(expect.arrayContaining([
      "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeMountTargets", "elasticfilesystem:DescribeMountTargetSecurityGroups",
      "elasticfilesystem:DescribeFileSystemPolicy",
    ]));
    expect(calls.filter((c) => c === "ec2:DescribeSecurityGroups")).toHaveLength(2);
    expect(calls.some((c) => c.includes("Vpc") && c.includes("SecurityGroups") && c !== "ec2:DescribeSecurityGroups")).toBe(false);
    // One simulation of the execution role covers the pull and both secrets.
    expect(calls.filter((c) => c === "iam:SimulatePrincipalPolicy")).toHaveLength(1);
  });
});
