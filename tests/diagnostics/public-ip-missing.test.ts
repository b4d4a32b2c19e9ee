import { describe, expect, it } from "vitest";
import d from "../../diagnostics/public-ip-missing.js";
import { IPV6_TIMEOUT } from "../fixtures/network.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, type World, world } from "../fixtures/world.js";

const endpointsUnread = (w: World) => w.denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]);

describe("public-ip-missing", () => {
  it("fires for a Fargate task in a public subnet with assignPublicIp DISABLED, with the service update filled in", async () => {
    const w = world().inPublicSubnet("DISABLED");
    expect((await rankedIds(w))[0]).toBe("public-ip-missing");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    const f = r.findings[0];
    expect(f.severity).toBe("error");
    expect(f.evidence.map((e) => e.resource)).toEqual(expect.arrayContaining(["rtb-0pub", "eni-0task"]));
    const commands = f.fixes.flatMap((x) => x.commands ?? []).join("\n");
    expect(commands).toContain("aws ecs update-service");
    expect(commands).toContain("--service web");
    expect(commands).toContain("subnets=[subnet-0pub],securityGroups=[sg-0task],assignPublicIp=ENABLED");
  });

  it("fires for an EC2 container instance without a public IP, with an Elastic IP for that instance", async () => {
    const w = world().onEc2().instanceInSubnet("subnet-0pub");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence.map((e) => e.resource)).toContain("i-0ec2");
    expect(r.findings[0].fixes[0].commands!.join("\n")).toContain("--instance-id i-0ec2");
  });

  it("does not fire for a public subnet with a public IP", async () => {
    expect(d.check(await evidenceOf(world().inPublicSubnet("ENABLED"))).status).toBe("pass");
    expect(d.check(await evidenceOf(world().onEc2().instanceInSubnet("subnet-0pub", "3.4.5.6"))).status).toBe("pass");
  });

  it("does not apply to a private subnet behind a NAT gateway, nor to an IPv6-only subnet", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("n/a");
    // An IPv6 address is global: an internet gateway carries it without a public IPv4 address.
    const v6ViaIgw = world().ipv6Only().failingWith(IPV6_TIMEOUT).mutate((s) => {
      const route = s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0v6")!.Routes!.find((r) => r.DestinationIpv6CidrBlock === "::/0")!;
      delete route.EgressOnlyInternetGatewayId;
      route.GatewayId = "igw-0aaa";
    });
    expect(d.check(await evidenceOf(v6ViaIgw)).status).toBe("n/a");
  });

  it("is skipped, not passed, when the task's public IP cannot be known", async () => {
    const w = world().inPublicSubnet("DISABLED").mutate((s) => {
      delete s.ecs!.services![0].networkConfiguration!.awsvpcConfiguration!.assignPublicIp;
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
  });

  it("ranks below the image when the message says manifest unknown", async () => {
    const ids = await rankedIds(world().inPublicSubnet("DISABLED").withoutImage().failingWith(MESSAGES.manifestUnknown));
    expect(ids[0]).toBe("image-not-found");
    expect(ids).toContain("public-ip-missing");
  });

  it("keeps the finding out of a report that has only the message to go on", async () => {
    const { report } = await diagnoseSnapshot(world().inPublicSubnet("ENABLED").build());
    expect(report.findings.map((f) => f.id)).not.toContain("public-ip-missing");
  });
});

describe("public-ip-missing: while the VPC's endpoints cannot be read", () => {
  it("fires as an error when the message's public address shows the request went to the internet gateway", async () => {
    const w = endpointsUnread(world().inPublicSubnet("DISABLED"));
    expect((await rankedIds(w))[0]).toBe("public-ip-missing");
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].severity).toBe("error");
  });

  it("is skipped with the call when the message's address is the VPC's own (an interface endpoint may have answered)", async () => {
    const w = endpointsUnread(world().inPublicSubnet("DISABLED")).failingWith(MESSAGES.timeout.replace("52.1.2.3", "10.0.0.200"));
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.call).toBe("ec2:DescribeVpcEndpoints");
  });
});
