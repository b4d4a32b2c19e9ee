import { describe, expect, it } from "vitest";
import d from "../../diagnostics/route-blackhole.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, type World, world } from "../fixtures/world.js";

const natDeleted = () =>
  world().withNatGateway({ State: "deleted" }).mutate((s) => {
    s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0priv")!.Routes![1].State = "blackhole";
  });

const endpointsUnread = (w: World) => w.denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]);
/** The timeout, to an address inside the VPC: an interface endpoint's, which only a private DNS name gives. */
const PRIVATE_TIMEOUT = MESSAGES.timeout.replace("52.1.2.3", "10.0.1.200");

describe("route-blackhole", () => {
  it("fires for a default route to a deleted NAT gateway, and not also as an error no-route-to-registry", async () => {
    const ids = await rankedIds(natDeleted());
    expect(ids[0]).toBe("route-blackhole");
    expect(ids).not.toContain("no-route-to-registry");
    expect(ids).not.toContain("nat-gateway-no-internet");
    const r = d.check(await evidenceOf(natDeleted()));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].evidence.map((e) => e.resource)).toEqual(expect.arrayContaining(["rtb-0priv", "nat-0aaa"]));
    expect(r.findings[0].evidence.find((e) => e.resource === "nat-0aaa")!.fact).toContain("State: deleted");
    expect(r.findings[0].fixes[0].commands!.join("\n")).toContain("aws ec2 replace-route --region us-east-1 --route-table-id rtb-0priv --destination-cidr-block 0.0.0.0/0");
  });

  it("fires for a NAT gateway that is pending or failed even when the route still says active", async () => {
    for (const State of ["pending", "failed"]) {
      const r = d.check(await evidenceOf(world().withNatGateway({ State })));
      expect(r.status).toBe("fail");
    }
  });

  it("offers the other available NAT gateway of the VPC as the new target", async () => {
    const w = natDeleted().mutate((s) => {
      s.ec2!.NatGateways!.push({ NatGatewayId: "nat-0bbb", VpcId: "vpc-0aaa", SubnetId: "subnet-0pub", State: "available", ConnectivityType: "public" });
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands![0]).toContain("--nat-gateway-id nat-0bbb");
  });

  it("fires on the more specific route the message's address takes", async () => {
    const w = world().withRoute({ DestinationCidrBlock: "52.1.2.0/24", NatGatewayId: "nat-0old", State: "blackhole" });
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].title).toContain("52.1.2.0/24");
  });

  it("does not fire when the message names an address the dead route does not cover", async () => {
    const w = world().withRoute({ DestinationCidrBlock: "52.1.2.0/24", NatGatewayId: "nat-0old", State: "blackhole" }).failingWith(MESSAGES.timeout.replace("52.1.2.3", "54.9.9.9"));
    expect(d.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("fires when the NAT gateway's own route points at a detached internet gateway", async () => {
    const w = world().mutate((s) => {
      s.ec2!.InternetGateways = [];
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0].resource).toBe("rtb-0pub");
    expect(r.findings[0].evidence.map((e) => e.fact).join(" ")).toContain("not attached");
  });

  it("does not fire on a healthy path", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("pass");
  });
});

describe("route-blackhole: while the VPC's endpoints cannot be read", () => {
  it("fires as an error when the message's public address shows the request took the dead route", async () => {
    const w = endpointsUnread(natDeleted());
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings[0].id).toBe("route-blackhole");
    // Only the checks that judge the endpoints are skipped, each naming the call.
    expect(report.skipped.map((x) => x.check).sort()).toEqual(["vpc-endpoint-missing", "vpc-endpoint-policy-denies", "vpc-endpoint-private-dns-disabled", "vpc-endpoint-security-group-blocks"]);
    for (const x of report.skipped) expect(x.reason).toContain("ec2:DescribeVpcEndpoints");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].severity).toBe("error");
    expect(r.findings[0].evidence.map((e) => e.resource)).toEqual(expect.arrayContaining(["rtb-0priv", "nat-0aaa"]));
  });

  it("is skipped with the call when the message's address is the VPC's own (an interface endpoint may have answered)", async () => {
    const r = d.check(await evidenceOf(endpointsUnread(natDeleted()).failingWith(PRIVATE_TIMEOUT)));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.call).toBe("ec2:DescribeVpcEndpoints");
  });
});

describe("route-blackhole: the NAT gateway a fix points at", () => {
  it("does not offer another NAT gateway whose own subnet has no route to an internet gateway", async () => {
    const w = natDeleted().withStrandedNatGateway();
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    const commands = r.findings[0].fixes[0].commands!.join("\n");
    expect(commands).not.toContain("nat-0iso");
    expect(commands).toContain("aws ec2 create-nat-gateway");
  });
});
