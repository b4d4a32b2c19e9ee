import { describe, expect, it } from "vitest";
import d from "../../diagnostics/nat-gateway-no-internet.js";
import { evidenceOf, MESSAGES, rankedIds, type World, world } from "../fixtures/world.js";

const endpointsUnread = (w: World) => w.denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]);

describe("nat-gateway-no-internet", () => {
  it("fires for a private NAT gateway, naming it and its subnet's route table", async () => {
    const w = world().withNatGateway({ ConnectivityType: "private" });
    expect((await rankedIds(w))[0]).toBe("nat-gateway-no-internet");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence.map((e) => e.resource)).toEqual(expect.arrayContaining(["rtb-0priv", "nat-0aaa", "rtb-0pub"]));
    expect(r.findings[0].evidence.find((e) => e.resource === "nat-0aaa")!.fact).toContain("ConnectivityType: private");
  });

  it("points the route at a public NAT gateway that exists, when there is one", async () => {
    const w = world().withNatGateway({ ConnectivityType: "private" }).mutate((s) => {
      s.ec2!.NatGateways!.push({ NatGatewayId: "nat-0pub", VpcId: "vpc-0aaa", SubnetId: "subnet-0pub", State: "available", ConnectivityType: "public" });
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands![0]).toBe(
      "aws ec2 replace-route --region us-east-1 --route-table-id rtb-0priv --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-0pub",
    );
  });

  it("fires for a public NAT gateway whose subnet has no route to an internet gateway, with the route to add", async () => {
    const r = d.check(await evidenceOf(world().withoutDefaultRoute("rtb-0pub")));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].fixes[0].commands).toContain(
      "aws ec2 create-route --region us-east-1 --route-table-id rtb-0pub --destination-cidr-block 0.0.0.0/0 --gateway-id igw-0aaa",
    );
  });

  it("does not fire for a working NAT gateway", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("pass");
  });

  it("does not fire where the NAT gateway's route is a blackhole (route-blackhole) or goes to a transit gateway (a hop we cannot see past)", async () => {
    const dead = world().withDefaultRoute({ GatewayId: "igw-0gone", State: "blackhole" }, "rtb-0pub");
    expect(d.check(await evidenceOf(dead)).status).toBe("pass");
    expect(await rankedIds(dead)).toContain("route-blackhole");
    const tgw = world().withNatGateway({ ConnectivityType: "private" }).withDefaultRoute({ TransitGatewayId: "tgw-0aaa" }, "rtb-0pub");
    expect(d.check(await evidenceOf(tgw)).status).toBe("pass");
  });

  it("does not apply without a NAT gateway on the path", async () => {
    expect(d.check(await evidenceOf(world().inPublicSubnet("ENABLED"))).status).toBe("n/a");
    expect(d.check(await evidenceOf(world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3"))).status).toBe("n/a");
  });
});

describe("nat-gateway-no-internet: while the VPC's endpoints cannot be read", () => {
  it("fires as an error when the message's public address shows the request went to the NAT gateway", async () => {
    const w = endpointsUnread(world().withNatGateway({ ConnectivityType: "private" }));
    expect((await rankedIds(w))[0]).toBe("nat-gateway-no-internet");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].severity).toBe("error");
    expect(r.findings[0].evidence.map((e) => e.resource)).toEqual(expect.arrayContaining(["rtb-0priv", "nat-0aaa", "rtb-0pub"]));
  });

  it("is skipped with the call when the message names no address (an interface endpoint may serve the registry)", async () => {
    const w = endpointsUnread(world().withNatGateway({ ConnectivityType: "private" })).failingWith(MESSAGES.timeout.replace("dial tcp 52.1.2.3:443: i/o timeout", "context deadline exceeded"));
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.call).toBe("ec2:DescribeVpcEndpoints");
  });
});

describe("nat-gateway-no-internet: the NAT gateway a fix points at", () => {
  it("does not offer a public NAT gateway whose own subnet has no route to an internet gateway", async () => {
    const w = world().withNatGateway({ ConnectivityType: "private" }).withStrandedNatGateway();
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    const commands = r.findings[0].fixes[0].commands!.join("\n");
    expect(commands).not.toContain("nat-0iso");
    expect(commands).toContain("aws ec2 create-nat-gateway");
  });
});
