// The picture of the pull's path: the hops, in order, each marked from the same
// facts the diagnostics read, and rendered in the text and Markdown reports.
import { describe, expect, it } from "vitest";
import type { Hop, Report } from "../src/model/report.js";
import { renderMarkdown } from "../src/render/markdown.js";
import { renderText } from "../src/render/text.js";
import { acl } from "./fixtures/network.js";
import { diagnoseSnapshot, type World, world } from "./fixtures/world.js";

async function reportOf(w: World): Promise<Report> {
  return (await diagnoseSnapshot(w.build())).report;
}

/** The hops of the line that reaches `host`, as kind:id:status. */
async function hops(w: World, host = "dkr.ecr"): Promise<string[]> {
  const r = await reportOf(w);
  const line = r.path!.find((p) => p.destination.includes(host))!;
  return line.hops.map((h: Hop) => `${h.kind}:${h.id}:${h.status}`);
}

const REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

describe("path picture", () => {
  it("draws a NAT path hop by hop: ENI, security groups, subnet, ACL, route table, NAT gateway, its subnet's ACL, internet gateway", async () => {
    expect(await hops(world())).toEqual([
      "network-interface:eni-0task:pass", "security-groups:sg-0task:pass", "subnet:subnet-0priv:pass", "network-acl:acl-0aaa:pass",
      "route-table:rtb-0priv:pass", "nat-gateway:nat-0aaa:pass", "network-acl:acl-0aaa:pass", "internet-gateway:igw-0aaa:pass",
      // The path is clear, yet the message says this host timed out: the picture does not claim it passed.
      expect.stringMatching(/^registry:.*:unknown$/),
    ]);
  });

  it("marks the route table failed when no route covers the registry, and nothing after it as passed", async () => {
    const h = await hops(world().withoutNatGateway());
    expect(h).toContain("route-table:rtb-0priv:fail");
    expect(h[h.length - 1]).toMatch(/:unknown$/);
  });

  it("marks the main route table when the subnet has no explicit association", async () => {
    const r = await reportOf(world().withoutNatGateway().mutate((s) => {
      s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0priv")!.Associations = [];
    }));
    expect(r.path![0].hops.find((h) => h.kind === "route-table")).toMatchObject({ id: "rtb-0main", label: "main route table", status: "fail" });
  });

  it("marks the security groups and the network ACL that block", async () => {
    expect(await hops(world().withEgress([]))).toContain("security-groups:sg-0task:fail");
    expect(await hops(world().withNetworkAcl([acl.deny(90, true), acl.allow(100, true), acl.allow(100, false)]))).toContain("network-acl:acl-0custom:fail");
    expect(await hops(world().withNetworkAcl([acl.allow(100, true), acl.allow(100, false, { CidrBlock: "10.0.0.0/16" })], "subnet-0pub", "acl-0public"))).toContain("network-acl:acl-0public:fail");
  });

  it("marks a dead NAT gateway, a private one, and an internet gateway without a public IP as failed", async () => {
    expect(await hops(world().withNatGateway({ State: "deleted" }))).toContain("nat-gateway:nat-0aaa:fail");
    expect(await hops(world().withNatGateway({ ConnectivityType: "private" }))).toContain("nat-gateway:nat-0aaa:fail");
    expect(await hops(world().inPublicSubnet("DISABLED"))).toContain("internet-gateway:igw-0aaa:fail");
    expect(await hops(world().inPublicSubnet("ENABLED"))).toContain("internet-gateway:igw-0aaa:pass");
  });

  it("marks a hop we cannot see past with a caution", async () => {
    const r = await reportOf(world().withDefaultRoute({ TransitGatewayId: "tgw-0aaa" }));
    const tgw = r.path![0].hops.find((h) => h.id === "tgw-0aaa")!;
    expect(tgw.status).toBe("caution");
    expect(tgw.note).toContain("beyond what this account's APIs show");
  });

  it("draws interface and gateway endpoints, and marks the endpoint's security group that does not admit the task", async () => {
    const w = () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3");
    expect(await hops(w())).toEqual([
      "network-interface:eni-0task:pass", "security-groups:sg-0task:pass", "subnet:subnet-0priv:pass",
      "endpoint-security-groups:sg-0vpce:pass", "interface-endpoint:vpce-0ecrdkr:pass", expect.stringMatching(/^registry:/),
    ]);
    expect(await hops(w(), "starport")).toContain("gateway-endpoint:vpce-0s3:pass");
    expect(await hops(w().withIngress([]))).toContain("endpoint-security-groups:sg-0vpce:fail");
  });

  it("starts an EC2 task's path at its container instance", async () => {
    expect((await hops(world().onEc2()))[0]).toBe("instance:i-0ec2:pass");
  });

  it("shows the picture in the text report, with the failing hop and why", async () => {
    const text = renderText(await reportOf(world().withoutNatGateway()));
    expect(text).toContain("Path");
    expect(text).toMatch(/✗ route table rtb-0priv \(no route covers (52\.1\.2\.3|0\.0\.0\.0\/0)\)/);
    expect(text).toContain(REGISTRY);
  });

  it("shows the picture as a Mermaid flowchart in the Markdown report, branching where the paths differ", async () => {
    const md = renderMarkdown(await reportOf(world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withIngress([])));
    expect(md).toContain("```mermaid\nflowchart LR");
    expect(md).toMatch(/n\d+\["❌ endpoint security groups<br\/>sg-0vpce/);
    expect(md).toMatch(/style n\d+ stroke:#d00/);
    expect(md).toMatch(/n\d+\["✅ S3 gateway endpoint<br\/>vpce-0s3"\]/);
  });
});
