import { describe, expect, it } from "vitest";
import d from "../../diagnostics/vpc-endpoint-missing.js";
import { endpoint, evidenceOf, rankedIds, S3_PREFIX_LIST, world } from "../fixtures/world.js";

describe("vpc-endpoint-missing", () => {
  it("fires for a private VPC with ecr.api but no ecr.dkr or S3 endpoint, and not also as no-route-to-registry", async () => {
    const w = world().privateWithEndpoints("ecr.api");
    const ids = await rankedIds(w);
    expect(ids[0]).toBe("vpc-endpoint-missing");
    expect(ids).not.toContain("no-route-to-registry");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    const commands = r.findings[0].fixes[0].commands!.join("\n");
    expect(commands).toContain("--service-name com.amazonaws.us-east-1.ecr.dkr --subnet-ids subnet-0priv");
    expect(commands).toContain("--vpc-endpoint-type Gateway --service-name com.amazonaws.us-east-1.s3 --route-table-ids rtb-0priv");
    expect(commands).not.toContain("ecr.api");
  });

  it("fires for an S3 gateway endpoint on another route table, with the association to add", async () => {
    const w = world().privateWithEndpoints("ecr.api", "ecr.dkr").mutate((s) => {
      s.ec2!.VpcEndpoints!.push(endpoint("s3", { RouteTableIds: ["rtb-0main"] }));
      s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0main")!.Routes!.push({ DestinationPrefixListId: S3_PREFIX_LIST, GatewayId: "vpce-0s3", State: "active" });
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0]).toMatchObject({ resource: "vpce-0s3" });
    expect(r.findings[0].fixes[0].commands).toEqual(["aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-0s3 --add-route-table-ids rtb-0priv"]);
  });

  it("fires for an endpoint that is not available", async () => {
    const r = d.check(await evidenceOf(world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEndpoint("ecr.dkr", { State: "pendingAcceptance" })));
    expect(r.status === "fail" && r.findings[0].evidence[0].fact).toContain("pendingAcceptance");
  });

  it("asks for the logs endpoint when the awslogs driver is used", async () => {
    const w = world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").mutate((s) => {
      s.ecs!.taskDefinitions![0].containerDefinitions![0].logConfiguration = { logDriver: "awslogs", options: { "awslogs-group": "/ecs/web" } };
    });
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands!.join("\n")).toContain("com.amazonaws.us-east-1.logs");
  });

  it("does not ask for ecr.api on Fargate 1.3.0, whose platform fetches the token outside the VPC", async () => {
    expect(d.check(await evidenceOf(world().onPlatform("1.3.0").privateWithEndpoints("ecr.dkr", "s3"))).status).toBe("pass");
    expect(d.check(await evidenceOf(world().privateWithEndpoints("ecr.dkr", "s3"))).status).toBe("fail");
  });

  it("does not fire on a NAT path with no endpoints, nor on a private VPC with every endpoint", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("n/a");
    expect(d.check(await evidenceOf(world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3"))).status).toBe("pass");
  });

  it("leaves endpoints with private DNS off to vpc-endpoint-private-dns-disabled", async () => {
    const w = world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEndpoint("ecr.api", { PrivateDnsEnabled: false });
    expect(d.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("is skipped, not passed, when the endpoints could not be read", async () => {
    const w = world().withoutNatGateway().denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]);
    expect(d.check(await evidenceOf(w)).status).toBe("skip");
  });
});

describe("vpc-endpoint-missing: an S3 interface endpoint whose private DNS serves only inbound resolvers", () => {
  const s3Interface = (inboundOnly: boolean) =>
    endpoint("s3", {
      VpcEndpointId: "vpce-0s3if", VpcEndpointType: "Interface", PrivateDnsEnabled: true, SubnetIds: ["subnet-0priv"], Groups: [{ GroupId: "sg-0vpce" }], RouteTableIds: undefined,
      DnsOptions: { PrivateDnsOnlyForInboundResolverEndpoint: inboundOnly, DnsRecordIpType: "ipv4" },
    });
  /** ecr.api and ecr.dkr; the S3 gateway endpoint on rtb-0main only; and an S3 interface endpoint. */
  const gatewayElsewhere = (inboundOnly: boolean) =>
    world().privateWithEndpoints("ecr.api", "ecr.dkr").mutate((s) => {
      s.ec2!.VpcEndpoints!.push(endpoint("s3", { RouteTableIds: ["rtb-0main"] }), s3Interface(inboundOnly));
      s.ec2!.RouteTables!.find((t) => t.RouteTableId === "rtb-0main")!.Routes!.push({ DestinationPrefixListId: S3_PREFIX_LIST, GatewayId: "vpce-0s3", State: "active" });
    });

  it("fires for S3 when the gateway endpoint is not on the task's route table: tasks in the VPC resolve S3 to its public addresses", async () => {
    const r = d.check(await evidenceOf(gatewayElsewhere(true)));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0]).toMatchObject({ resource: "vpce-0s3" });
    expect(r.findings[0].fixes[0].commands).toEqual(["aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-0s3 --add-route-table-ids rtb-0priv"]);
  });

  it("does not fire when the S3 interface endpoint's private DNS serves every resolver", async () => {
    expect(d.check(await evidenceOf(gatewayElsewhere(false))).status).toBe("pass");
  });

  it("sends S3 through the gateway endpoint on the task's route table, not the interface endpoint", async () => {
    const pathOf = async (inboundOnly: boolean) => {
      const e = await evidenceOf(world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").mutate((s) => s.ec2!.VpcEndpoints!.push(s3Interface(inboundOnly))));
      const p = e.network.destinations.state === "known" ? e.network.destinations.value.find((x) => x.destination.service === "s3") : undefined;
      return [p?.via, p?.endpoint?.VpcEndpointId];
    };
    expect(await pathOf(true)).toEqual(["gateway-endpoint", "vpce-0s3"]);
    expect(await pathOf(false)).toEqual(["interface-endpoint", "vpce-0s3if"]);
  });
});
