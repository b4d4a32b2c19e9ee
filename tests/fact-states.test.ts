// A Fact's state survives every step from the source to the report: a call
// denied on a live run is reported as denied, naming the permission, and the
// checks it would settle say so; a live run never speaks of a snapshot.
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../src/diagnose.js";
import type { Report } from "../src/model/report.js";
import { createLiveSource } from "../src/source/live.js";
import type { Snapshot } from "../src/source/snapshot.js";
import { mockedClients, SnapshotAccount } from "./fixtures/mock-aws.js";
import { DNS_MESSAGE } from "./fixtures/network.js";
import { diagnoseSnapshot, world } from "./fixtures/world.js";

async function liveReport(snapshot: Snapshot): Promise<Report> {
  const live = await createLiveSource({ region: snapshot.region, clients: mockedClients(new SnapshotAccount(snapshot)) });
  return (await diagnoseTask(live, { task: snapshot.ecs!.tasks![0].taskArn! })).report;
}

const skipReason = (r: Report, id: string) => r.skipped.find((s) => s.check === id)?.reason;

describe("a denied ecs:DescribeServices on a live run", () => {
  const w = () => world().inPublicSubnet("DISABLED").denied("ecs:DescribeServices", ["ecs", "services"]);

  it("is reported as denied with the permission, and public-ip-missing says granting it would settle the check", async () => {
    const report = await liveReport(w().build());
    expect(report.passed.map((p) => p.check)).not.toContain("public-ip-missing");
    expect(skipReason(report, "public-ip-missing")).toMatch(/ecs:DescribeServices was denied \(grant ecs:DescribeServices\)/);
  });

  it("never speaks of a snapshot", async () => {
    const report = await liveReport(w().build());
    expect(JSON.stringify(report)).not.toMatch(/snapshot/i);
  });

  it("in a snapshot that recorded the denial, reads the same", async () => {
    const { report } = await diagnoseSnapshot(w().build());
    expect(skipReason(report, "public-ip-missing")).toMatch(/ecs:DescribeServices was denied \(grant ecs:DescribeServices\)/);
  });
});

describe("facts that AWS does not record", () => {
  it("a task no service started: its assignPublicIp is unknown as not recorded, never as a snapshot's gap, on a live run", async () => {
    const snapshot = world().inPublicSubnet("DISABLED").mutate((s) => {
      s.ecs!.tasks![0].group = "family:web";
      s.ecs!.tasks![0].startedBy = "someone";
    }).build();
    const report = await liveReport(snapshot);
    expect(report.passed.map((p) => p.check)).not.toContain("public-ip-missing");
    expect(JSON.stringify(report)).not.toMatch(/snapshot/i);
  });
});

describe("a joined read that times out", () => {
  it("an execution role whose inline policies did not answer in time is not reported as denied", async () => {
    const snapshot = world().build();
    const account = new SnapshotAccount(snapshot, { hang: (command) => command === "ListRolePolicies" });
    const live = await createLiveSource({ region: snapshot.region, clients: mockedClients(account), timeoutMs: 400 });
    const { report } = await diagnoseTask(live, { task: snapshot.ecs!.tasks![0].taskArn! });
    const reason = skipReason(report, "pull-role-lacks-ecr-permissions") ?? "";
    expect(reason).toMatch(/iam:ListRolePolicies did not answer in time/);
    expect(reason).not.toMatch(/denied/);
  });
});

describe("collectors keep an unread Fact unknown, never absent", () => {
  it("the VPC unread: its DHCP options are unknown, and custom-dns-resolution is skipped naming ec2:DescribeVpcs", async () => {
    const report = await liveReport(world().failingWith(DNS_MESSAGE).denied("ec2:DescribeVpcs", ["ec2", "Vpcs"]).build());
    expect(report.passed.map((p) => p.check)).not.toContain("custom-dns-resolution");
    expect(skipReason(report, "custom-dns-resolution")).toMatch(/ec2:DescribeVpcs was denied/);
  });

  it("the container instance's EC2 instance unread: its instance profile is unknown, not absent", async () => {
    const { evidence } = await diagnoseSnapshot(world().onEc2().denied("ec2:DescribeInstances", ["ec2", "Instances"]).build());
    expect(evidence.instanceProfile).toMatchObject({ state: "unknown", call: "ec2:DescribeInstances" });
  });
});
