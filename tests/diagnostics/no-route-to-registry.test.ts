import { describe, expect, it } from "vitest";
import check from "../../diagnostics/no-route-to-registry.js";
import { IPV6_TIMEOUT } from "../fixtures/network.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, type World, world } from "../fixtures/world.js";

const endpointsUnread = (w: World) => w.denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]);
/** The timeout, to an address inside the VPC: an interface endpoint's, which only a private DNS name gives. */
const PRIVATE_TIMEOUT = MESSAGES.timeout.replace("52.1.2.3", "10.0.1.200");
/** The task's ENI attachment is not recorded. */
const withoutAttachment = (w: World) => w.mutate((s) => {
  delete s.ecs!.tasks![0].attachments;
});

describe("no-route-to-registry", () => {
  it("fires when the private subnet lost its NAT route and the VPC has no endpoints", async () => {
    const w = world().withoutNatGateway();
    expect((await rankedIds(w))[0]).toBe("no-route-to-registry");
    const r = check.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence.map((e) => e.resource)).toContain("rtb-0priv");
    expect(r.findings[0].fixes.flatMap((f) => f.commands ?? []).join("\n")).toContain("--route-table-id rtb-0priv");
  });

  it("uses the main route table when the subnet has no explicit association", async () => {
    const w = world().withoutNatGateway().mutate((s) => {
      const t = s.ec2!.RouteTables!.find((r) => r.RouteTableId === "rtb-0priv")!;
      t.Associations = [];
    });
    const r = check.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].evidence[0].resource).toBe("rtb-0main");
  });

  it("does not fire on a healthy NAT path", async () => {
    expect(check.check(await evidenceOf(world())).status).toBe("pass");
  });

  it("does not fire where the VPC relies on endpoints (that is vpc-endpoint-missing)", async () => {
    const ids = await rankedIds(world().privateWithEndpoints("ecr.api"));
    expect(ids).not.toContain("no-route-to-registry");
    expect(ids[0]).toBe("vpc-endpoint-missing");
  });

  it("ranks below the image when the message says manifest unknown", async () => {
    const ids = await rankedIds(world().withoutNatGateway().withoutImage().failingWith(MESSAGES.manifestUnknown));
    expect(ids[0]).toBe("image-not-found");
    expect(ids).toContain("no-route-to-registry");
  });

  it("is skipped, not passed, when route tables could not be read", async () => {
    const { report } = await import("../fixtures/world.js").then((m) => m.diagnoseSnapshot(world().withoutNatGateway().denied("ec2:DescribeRouteTables", ["ec2", "RouteTables"]).build()));
    expect(report.skipped.map((s) => s.check)).toContain("no-route-to-registry");
    expect(report.skipped.find((s) => s.check === "no-route-to-registry")!.reason).toContain("ec2:DescribeRouteTables");
  });
});

describe("no-route-to-registry: where the pull leaves from, and hops we cannot see past", () => {
  it("judges an EC2 task by its container instance's subnet, whatever its network mode", async () => {
    for (const networkMode of ["bridge", "awsvpc", "host", "none"]) {
      const w = world().onEc2({ networkMode: networkMode === "awsvpc" ? "awsvpc" : "bridge" }).withSubnet("subnet-0ec2", { cidr: "10.0.2.0/24" }).instanceInSubnet("subnet-0ec2").mutate((s) => {
        s.ecs!.taskDefinitions![0].networkMode = networkMode;
      });
      const r = check.check(await evidenceOf(w));
      expect(r.status).toBe("fail");
      if (r.status !== "fail") continue;
      expect(r.findings[0].evidence[0].resource).toBe("rtb-0ec2");
      expect(r.findings[0].evidence.map((e) => e.resource)).toContain("i-0ec2");
    }
  });

  it("judges an IPv6-only subnet by its ::/0 route, and offers the egress-only internet gateway", async () => {
    const r = check.check(await evidenceOf(world().ipv6Only({ route: false }).failingWith(IPV6_TIMEOUT)));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].fixes[0].commands!.join("\n")).toContain("--destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id");
    expect(check.check(await evidenceOf(world().ipv6Only().failingWith(IPV6_TIMEOUT))).status).toBe("pass");
  });

  it("reports a route to a transit gateway as a warning we cannot see past, never as an error", async () => {
    const r = check.check(await evidenceOf(world().withDefaultRoute({ TransitGatewayId: "tgw-0aaa" })));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings.map((f) => [f.severity, f.certainty])).toEqual([["warning", "possible"]]);
    expect(r.findings[0].evidence[0]).toMatchObject({ resource: "rtb-0priv" });
    expect(r.findings[0].fixes[0].commands!.join("\n")).toContain("tgw-0aaa");
  });

  it("reports a peering connection or appliance route the same way", async () => {
    for (const route of [{ VpcPeeringConnectionId: "pcx-0aaa" }, { NetworkInterfaceId: "eni-0fw" }, { GatewayId: "vgw-0aaa" }]) {
      const r = check.check(await evidenceOf(world().withDefaultRoute(route)));
      expect(r.status === "fail" && r.findings[0].severity).toBe("warning");
    }
  });
});

describe("no-route-to-registry: while the VPC's endpoints cannot be read", () => {
  it("fires as an error when the message's public address shows no endpoint answered, and says what could not be read", async () => {
    const w = endpointsUnread(world().withoutNatGateway());
    expect((await rankedIds(w))[0]).toBe("no-route-to-registry");
    const r = check.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].severity).toBe("error");
    expect(r.findings[0].evidence.find((e) => e.resource === "vpc-0aaa")!.fact).toContain("ec2:DescribeVpcEndpoints");
  });

  it("is skipped, never an error, where an endpoint it cannot see could serve the registry", async () => {
    const w = endpointsUnread(world().withoutNatGateway()).failingWith(PRIVATE_TIMEOUT);
    const r = check.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.call).toBe("ec2:DescribeVpcEndpoints");
    expect(await rankedIds(w)).not.toContain("no-route-to-registry");
  });
});

describe("no-route-to-registry: a task whose ENI attachment is not recorded", () => {
  it("judges the one subnet the service names, and says where it was read from", async () => {
    const w = withoutAttachment(world().withoutNatGateway());
    expect((await rankedIds(w))[0]).toBe("no-route-to-registry");
    const r = check.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0].resource).toBe("rtb-0priv");
    expect(r.findings[0].evidence.find((e) => e.resource === "subnet-0priv")!.fact).toContain("service web networkConfiguration");
  });

  it("is skipped, naming ecs:DescribeTasks, when the service names more than one subnet", async () => {
    const w = withoutAttachment(world().withoutNatGateway().withSubnet("subnet-0two", { cidr: "10.0.2.0/24" })).mutate((s) => {
      s.ecs!.services![0].networkConfiguration!.awsvpcConfiguration!.subnets = ["subnet-0priv", "subnet-0two"];
    });
    const r = check.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.call).toBe("ecs:DescribeTasks");
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.skipped.map((x) => x.check)).toEqual(expect.arrayContaining(["no-route-to-registry", "route-blackhole", "security-group-egress-blocked"]));
  });
});

describe("no-route-to-registry: the NAT gateway a fix points at", () => {
  it("routes to the VPC's NAT gateway whose own subnet reaches an internet gateway", async () => {
    const r = check.check(await evidenceOf(world().withoutDefaultRoute()));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands).toEqual([
      "aws ec2 create-route --region us-east-1 --route-table-id rtb-0priv --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0aaa",
    ]);
  });

  it("does not route to a NAT gateway whose own subnet has no route to an internet gateway", async () => {
    const r = check.check(await evidenceOf(world().withoutDefaultRoute().withoutDefaultRoute("rtb-0pub")));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    const commands = r.findings[0].fixes[0].commands!.join("\n");
    expect(commands).not.toContain("nat-0aaa");
    expect(commands).toContain("aws ec2 create-nat-gateway");
  });
});
