import { describe, expect, it } from "vitest";
import check from "../../diagnostics/no-route-to-registry.js";
import { IPV6_TIMEOUT } from "../fixtures/network.js";
import { evidenceOf, MESSAGES, rankedIds, world } from "../fixtures/world.js";

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
