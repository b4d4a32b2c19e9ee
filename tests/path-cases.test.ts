// The pull's path, case by case, as VPC evaluates it: each case is one change
// to the healthy world, with the ranked finding it must lead with and the exact
// set of error findings it may give (so each network id fires on its own cases
// and nowhere else in this table).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Report } from "../src/model/report.js";
import type { Snapshot } from "../src/source/snapshot.js";
import { acl, DNS_MESSAGE, ECR_DKR_ONLY_OTHER_REPO, IPV6_TIMEOUT, LAYER_FORBIDDEN, NETWORK_IDS, S3_OWN_ACCOUNT_ONLY } from "./fixtures/network.js";
import { diagnoseSnapshot, endpoint, MESSAGES, S3_PREFIX_LIST, type World, world } from "./fixtures/world.js";

const { allow, deny } = acl;

/** All three ECR endpoints, with the S3 gateway endpoint on another route table than the task's. */
function s3GatewayOn(table: string) {
  return (s: Snapshot) => {
    const e = endpoint("s3", { RouteTableIds: [table] });
    s.ec2!.VpcEndpoints!.push(e);
    s.ec2!.RouteTables!.find((t) => t.RouteTableId === table)!.Routes!.push({ DestinationPrefixListId: S3_PREFIX_LIST, GatewayId: e.VpcEndpointId, State: "active" });
  };
}

interface Case {
  name: string;
  w: () => World;
  first: string;
  /** The error findings, exactly. */
  errors: string[];
  /** Findings that must be present as warnings. */
  warnings?: string[];
}

const CASES: Case[] = [
  { name: "healthy NAT path (the message alone is unexplained)", w: () => world(), first: "unexplained-pull-failure", errors: ["unexplained-pull-failure"] },
  { name: "explicit route table without a default route", w: () => world().withoutNatGateway(), first: "no-route-to-registry", errors: ["no-route-to-registry"] },
  {
    name: "explicit route table wins over a main table that has a NAT route",
    w: () => world().withoutDefaultRoute().withRoute({ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0aaa" }, "rtb-0main"),
    first: "no-route-to-registry",
    errors: ["no-route-to-registry"],
  },
  {
    name: "no explicit association: the main route table's NAT route applies",
    w: () => world().withRoute({ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-0aaa" }, "rtb-0main").mutate((s) => {
      s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0priv")!.Associations = [];
    }),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
  },
  {
    name: "no explicit association and a main route table with only the local route",
    w: () => world().mutate((s) => {
      s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0priv")!.Associations = [];
    }),
    first: "no-route-to-registry",
    errors: ["no-route-to-registry"],
  },
  {
    name: "a more specific route for the message's IP (52.1.2.3) wins over 0.0.0.0/0 and points at a deleted NAT gateway",
    w: () => world().withRoute({ DestinationCidrBlock: "52.1.2.0/24", NatGatewayId: "nat-0old", State: "blackhole" }),
    first: "route-blackhole",
    errors: ["route-blackhole"],
  },
  {
    name: "the same more specific route, but the message names another address",
    w: () => world().withRoute({ DestinationCidrBlock: "52.1.2.0/24", NatGatewayId: "nat-0old", State: "blackhole" }).failingWith(MESSAGES.timeout.replace("52.1.2.3", "54.9.9.9")),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
  },
  {
    name: "NAT gateway deleted (its route is a blackhole)",
    w: () => world().withNatGateway({ State: "deleted" }).mutate((s) => {
      s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0priv")!.Routes![1].State = "blackhole";
    }),
    first: "route-blackhole",
    errors: ["route-blackhole"],
  },
  { name: "NAT gateway failed, route still marked active", w: () => world().withNatGateway({ State: "failed", FailureCode: "Gateway.NotAttached" }), first: "route-blackhole", errors: ["route-blackhole"] },
  { name: "private NAT gateway", w: () => world().withNatGateway({ ConnectivityType: "private", NatGatewayAddresses: [{ PrivateIp: "10.0.0.10" }] }), first: "nat-gateway-no-internet", errors: ["nat-gateway-no-internet"] },
  { name: "NAT gateway in a subnet with no route to an internet gateway", w: () => world().withoutDefaultRoute("rtb-0pub"), first: "nat-gateway-no-internet", errors: ["nat-gateway-no-internet"] },
  { name: "public subnet, task with a public IP", w: () => world().inPublicSubnet("ENABLED"), first: "unexplained-pull-failure", errors: ["unexplained-pull-failure"] },
  { name: "public subnet, task without a public IP", w: () => world().inPublicSubnet("DISABLED"), first: "public-ip-missing", errors: ["public-ip-missing"] },
  { name: "private VPC with every endpoint", w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3"), first: "unexplained-pull-failure", errors: ["unexplained-pull-failure"] },
  {
    name: "S3 gateway endpoint on another route table",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr").mutate(s3GatewayOn("rtb-0main")),
    first: "vpc-endpoint-missing",
    errors: ["vpc-endpoint-missing"],
  },
  {
    name: "interface endpoints without private DNS",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEndpoint("ecr.api", { PrivateDnsEnabled: false }).withEndpoint("ecr.dkr", { PrivateDnsEnabled: false }),
    first: "vpc-endpoint-private-dns-disabled",
    errors: ["vpc-endpoint-private-dns-disabled"],
  },
  {
    name: "interface endpoints without private DNS, bypassed by a working NAT route",
    w: () => world().withEndpoints("ecr.api", "ecr.dkr").withEndpoint("ecr.api", { PrivateDnsEnabled: false }).withEndpoint("ecr.dkr", { PrivateDnsEnabled: false }),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
  },
  {
    name: "VPC with enableDnsHostnames off: the endpoints' private DNS does not apply",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withVpcDns({ EnableDnsHostnames: false }),
    first: "vpc-dns-disabled",
    errors: ["vpc-dns-disabled"],
  },
  { name: "VPC with enableDnsSupport off and Amazon DNS: no name resolves", w: () => world().withVpcDns({ EnableDnsSupport: false }).failingWith(DNS_MESSAGE), first: "vpc-dns-disabled", errors: ["vpc-dns-disabled"] },
  { name: "custom DNS servers and a name that did not resolve", w: () => world().withDnsServers("10.0.0.53").failingWith(DNS_MESSAGE), first: "custom-dns-resolution", errors: ["custom-dns-resolution"] },
  { name: "custom DNS servers, but the message is a timeout", w: () => world().withDnsServers("10.0.0.53"), first: "unexplained-pull-failure", errors: ["unexplained-pull-failure"] },
  {
    name: "endpoint security group admits only a CIDR that misses the task",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withIngress([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.9.0/24" }] }]),
    first: "vpc-endpoint-security-group-blocks",
    errors: ["vpc-endpoint-security-group-blocks"],
  },
  {
    name: "endpoint security group admits the task's group by reference",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withIngress([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: "sg-0task" }] }]),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
  },
  {
    name: "task egress to the S3 prefix list and by group reference to the endpoints' group",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEgress([
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: S3_PREFIX_LIST }] },
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: "sg-0vpce" }] },
    ]),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
  },
  {
    name: "task egress only by group reference to the endpoints' group: S3 is blocked",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEgress([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: "sg-0vpce" }] }]),
    first: "security-group-egress-blocked",
    errors: ["security-group-egress-blocked"],
  },
  {
    name: "task egress only to the S3 prefix list: the ECR endpoints are blocked",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEgress([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: S3_PREFIX_LIST }] }]),
    first: "security-group-egress-blocked",
    errors: ["security-group-egress-blocked"],
  },
  { name: "task egress with no rule for 443 on a NAT path", w: () => world().withEgress([{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: "10.0.0.0/16" }] }]), first: "security-group-egress-blocked", errors: ["security-group-egress-blocked"] },
  {
    name: "network ACL denies 443 out at a lower rule number than its allow",
    w: () => world().withNetworkAcl([deny(90, true, { Protocol: "6", PortRange: { From: 443, To: 443 } }), allow(100, true), allow(100, false), deny(32767, true), deny(32767, false)]),
    first: "network-acl-blocks",
    errors: ["network-acl-blocks"],
  },
  {
    name: "network ACL allows 443 out but no inbound ephemeral ports",
    w: () => world().withNetworkAcl([allow(100, true), allow(100, false, { Protocol: "6", PortRange: { From: 443, To: 443 } }), deny(32767, true), deny(32767, false)]),
    first: "network-acl-blocks",
    errors: ["network-acl-blocks"],
  },
  {
    name: "network ACL with its allow before a later deny (first match wins)",
    w: () => world().withNetworkAcl([allow(100, true), deny(200, true, { Protocol: "6", PortRange: { From: 443, To: 443 } }), allow(100, false), deny(32767, true), deny(32767, false)]),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
  },
  {
    name: "the NAT gateway's subnet ACL drops the replies from the internet",
    w: () => world().withNetworkAcl([allow(100, true), allow(100, false, { CidrBlock: "10.0.0.0/16" }), deny(32767, true), deny(32767, false)], "subnet-0pub", "acl-0public"),
    first: "network-acl-blocks",
    errors: ["network-acl-blocks"],
  },
  { name: "IPv6-only subnet with an egress-only internet gateway", w: () => world().ipv6Only().failingWith(IPV6_TIMEOUT), first: "unexplained-pull-failure", errors: ["unexplained-pull-failure"] },
  { name: "IPv6-only subnet without a ::/0 route", w: () => world().ipv6Only({ route: false }).failingWith(IPV6_TIMEOUT), first: "no-route-to-registry", errors: ["no-route-to-registry"] },
  {
    name: "EC2 bridge-mode task whose container instance's subnet has no route",
    w: () => world().onEc2({ networkMode: "bridge" }).withSubnet("subnet-0ec2", { cidr: "10.0.2.0/24" }).instanceInSubnet("subnet-0ec2"),
    first: "no-route-to-registry",
    errors: ["no-route-to-registry"],
  },
  {
    name: "EC2 awsvpc task: its ENI's subnet has a NAT route, its container instance's subnet has none",
    w: () => world().onEc2({ networkMode: "awsvpc" }).withSubnet("subnet-0ec2", { cidr: "10.0.2.0/24" }).instanceInSubnet("subnet-0ec2"),
    first: "no-route-to-registry",
    errors: ["no-route-to-registry"],
  },
  { name: "EC2 container instance in the public subnet without a public IP", w: () => world().onEc2().instanceInSubnet("subnet-0pub"), first: "public-ip-missing", errors: ["public-ip-missing"] },
  { name: "EC2 container instance in the public subnet with a public IP", w: () => world().onEc2().instanceInSubnet("subnet-0pub", "3.4.5.6"), first: "unexplained-pull-failure", errors: ["unexplained-pull-failure"] },
  {
    name: "default route to a transit gateway: a hop we cannot see past",
    w: () => world().withDefaultRoute({ TransitGatewayId: "tgw-0aaa" }),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
    warnings: ["no-route-to-registry"],
  },
  {
    name: "private NAT gateway whose subnet routes to a transit gateway: a hop we cannot see past",
    w: () => world().withNatGateway({ ConnectivityType: "private" }).withDefaultRoute({ TransitGatewayId: "tgw-0aaa" }, "rtb-0pub"),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
    warnings: ["no-route-to-registry"],
  },
  {
    name: "ECR interface endpoint policy allows another repository only",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEndpoint("ecr.dkr", { PolicyDocument: ECR_DKR_ONLY_OTHER_REPO }).failingWith(MESSAGES.accessDenied),
    first: "vpc-endpoint-policy-denies",
    errors: ["vpc-endpoint-policy-denies"],
  },
  {
    name: "S3 gateway endpoint policy limited to the account's principals blocks ECR's pre-signed layer URLs",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEndpoint("s3", { PolicyDocument: S3_OWN_ACCOUNT_ONLY }).failingWith(LAYER_FORBIDDEN),
    first: "vpc-endpoint-policy-denies",
    errors: ["vpc-endpoint-policy-denies"],
  },
  {
    name: "Fargate 1.3.0 with ecr.dkr and S3 endpoints only (the token is fetched outside the VPC)",
    w: () => world().onPlatform("1.3.0").privateWithEndpoints("ecr.dkr", "s3"),
    first: "unexplained-pull-failure",
    errors: ["unexplained-pull-failure"],
  },
  {
    name: "Docker Hub image in a private VPC that relies on ECR endpoints: no endpoint serves Docker Hub",
    w: () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withImage("nginx:1.27").failingWith(
      'CannotPullContainerError: failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/1.27": dial tcp 54.236.113.205:443: i/o timeout',
    ),
    first: "no-route-to-registry",
    errors: ["no-route-to-registry"],
  },
  { name: "Fargate 1.4.0 with ecr.dkr and S3 endpoints only", w: () => world().privateWithEndpoints("ecr.dkr", "s3"), first: "vpc-endpoint-missing", errors: ["vpc-endpoint-missing"] },
];

async function report(w: World): Promise<Report> {
  return (await diagnoseSnapshot(w.build())).report;
}

describe("path cases", () => {
  it.each(CASES)("$name", async (c) => {
    const r = await report(c.w());
    const ids = r.findings.map((f) => f.id);
    expect(ids[0]).toBe(c.first);
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id).sort()).toEqual([...new Set(c.errors)].sort());
    for (const w of c.warnings ?? []) expect(r.findings.find((f) => f.id === w)?.severity).toBe("warning");
  });

  it("every network id fires on a case of this table", () => {
    const covered = new Set(CASES.flatMap((c) => [...c.errors, ...(c.warnings ?? [])]));
    for (const id of NETWORK_IDS) expect(covered.has(id), id).toBe(true);
  });

  it("the transit gateway hop is named by unexplained-pull-failure, first", async () => {
    const r = await report(world().withDefaultRoute({ TransitGatewayId: "tgw-0aaa" }));
    expect(r.findings[0].title).toContain("tgw-0aaa");
    expect(r.findings[0].evidence.map((e) => e.resource)).toContain("tgw-0aaa");
  });

  it("the snapshot format's example ranks no-route-to-registry first", async () => {
    const snapshot = JSON.parse(readFileSync(new URL("../docs/examples/private-subnet-no-route.json", import.meta.url), "utf8")) as Snapshot;
    const r = (await diagnoseSnapshot(snapshot)).report;
    expect(r.findings[0].id).toBe("no-route-to-registry");
    expect(r.findings[0].evidence[0].resource).toBe("rtb-0aaa");
    expect(r.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual(["no-route-to-registry"]);
  });
});
