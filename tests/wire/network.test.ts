// The network causes on the wire: each world is built on moto through the SDK,
// one thing broken, a task failed, and the live path diagnoses it in-process.
import {
  AssociateDhcpOptionsCommand, AuthorizeSecurityGroupEgressCommand, CreateDhcpOptionsCommand, CreateNatGatewayCommand,
  CreateNetworkAclCommand, CreateNetworkAclEntryCommand, DeleteNatGatewayCommand, DeleteRouteCommand, DescribeNetworkAclsCommand,
  ModifyVpcAttributeCommand, ReplaceNetworkAclAssociationCommand, ReplaceRouteCommand, RevokeSecurityGroupEgressCommand,
} from "@aws-sdk/client-ec2";
import { CreateServiceCommand, DescribeTasksCommand } from "@aws-sdk/client-ecs";
import { describe, expect, it } from "vitest";
import { ECR_DKR_ONLY_OTHER_REPO } from "../fixtures/network.js";
import { diagnoseLive, evidenceOf, ids } from "./run.js";
import { DNS_MESSAGE, MESSAGES, World } from "./world.js";

describe("network worlds on moto", () => {
  it("healthy: nothing in the configuration explains a timeout (near miss of every network cause)", async () => {
    const w = await World.healthy();
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)).toEqual(["unexplained-pull-failure"]);
    expect(r.passed.map((p) => p.check)).toEqual(expect.arrayContaining([
      "no-route-to-registry", "route-blackhole", "nat-gateway-no-internet", "security-group-egress-blocked", "network-acl-blocks",
    ]));
  });

  it("no-route-to-registry: the private subnet's route table lost its default route", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteRouteCommand({ RouteTableId: w.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("no-route-to-registry");
    expect(evidenceOf(r, "no-route-to-registry")).toContain(`${w.privateRouteTable}`);
  });

  it("public-ip-missing: a task in the public subnet, its service not assigning a public IP", async () => {
    const w = await World.healthy();
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout, subnet: w.publicSubnet }));
    expect(ids(r)[0]).toBe("public-ip-missing");
    expect(evidenceOf(r, "public-ip-missing")).toContain(w.igw);
  });

  it("public-ip-missing does not fire when the service assigns one (near miss)", async () => {
    const w = await World.healthy();
    await w.c.ecs.send(new CreateServiceCommand({
      cluster: w.cluster, serviceName: "web-public", taskDefinition: w.taskDefinitionArn, desiredCount: 0, launchType: "FARGATE",
      networkConfiguration: { awsvpcConfiguration: { subnets: [w.publicSubnet], securityGroups: [w.securityGroup], assignPublicIp: "ENABLED" } },
    }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout, subnet: w.publicSubnet, service: "web-public" }));
    expect(ids(r)).not.toContain("public-ip-missing");
  });

  it("route-blackhole: the default route's NAT gateway was deleted", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: w.nat }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("route-blackhole");
    expect(evidenceOf(r, "route-blackhole")).toContain(w.nat);
  });

  it("nat-gateway-no-internet: the NAT gateway's own subnet has no route to the internet gateway", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteRouteCommand({ RouteTableId: w.publicRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("nat-gateway-no-internet");
    expect(evidenceOf(r, "nat-gateway-no-internet")).toContain(w.nat);
  });

  it("nat-gateway-no-internet: the default route goes to a private NAT gateway", async () => {
    const w = await World.healthy();
    const privateNat = (await w.c.ec2.send(new CreateNatGatewayCommand({ SubnetId: w.publicSubnet, ConnectivityType: "private" }))).NatGateway!.NatGatewayId!;
    await w.c.ec2.send(new ReplaceRouteCommand({ RouteTableId: w.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: privateNat }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("nat-gateway-no-internet");
    expect(evidenceOf(r, "nat-gateway-no-internet")).toContain(privateNat);
  });

  it("vpc-endpoint-missing: ECR interface endpoints but no S3 gateway endpoint", async () => {
    const w = await World.healthy();
    await w.endpointsOnly(["ecr.api", "ecr.dkr"], { s3: false });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("vpc-endpoint-missing");
    expect(evidenceOf(r, "vpc-endpoint-missing")).toMatch(/s3/);
  });

  it("endpoints only, all present: no network cause (near miss of vpc-endpoint-missing)", async () => {
    const w = await World.healthy();
    await w.endpointsOnly();
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)).toEqual(["unexplained-pull-failure"]);
  });

  it("moto gap: the task's address lies outside its subnet; the tool judges the address the ENI reports", async () => {
    // moto's RunTask picks the ENI's address at random in 10.0.0.0/8, not in the
    // subnet (AWS assigns one from the subnet's range:
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html).
    // An endpoint group admitting only the VPC's CIDR then does not admit it, and the tool says so, naming that address.
    const w = await World.healthy();
    await w.endpointsOnly(["ecr.api", "ecr.dkr"], { ingressCidr: "10.0.0.0/16" });
    const task = await w.failTask({ reason: MESSAGES.timeout });
    const described = (await w.c.ecs.send(new DescribeTasksCommand({ cluster: w.cluster, tasks: [task] }))).tasks![0];
    const address = described.attachments![0].details!.find((d) => d.name === "privateIPv4Address")!.value!;
    const r = await diagnoseLive(task);
    if (address.startsWith("10.0.")) {
      expect(ids(r)).toEqual(["unexplained-pull-failure"]);
    } else {
      expect(ids(r)[0]).toBe("vpc-endpoint-security-group-blocks");
      expect(evidenceOf(r, "vpc-endpoint-security-group-blocks")).toContain(`${address}/32`);
    }
  });

  it("vpc-endpoint-private-dns-disabled: the interface endpoints' private DNS is off", async () => {
    const w = await World.healthy();
    const { endpoints } = await w.endpointsOnly(["ecr.api", "ecr.dkr"], { privateDns: false });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("vpc-endpoint-private-dns-disabled");
    expect(evidenceOf(r, "vpc-endpoint-private-dns-disabled")).toContain(endpoints["ecr.dkr"]);
  });

  it("vpc-dns-disabled: endpoints with private DNS in a VPC whose DNS support is off", async () => {
    const w = await World.healthy();
    await w.endpointsOnly();
    const task = await w.failTask({ reason: MESSAGES.timeout });
    // After failTask: moto's RunTask needs the VPC's DNS (see World.build).
    await w.c.ec2.send(new ModifyVpcAttributeCommand({ VpcId: w.vpcId, EnableDnsSupport: { Value: false } }));
    const r = await diagnoseLive(task);
    expect(ids(r)[0]).toBe("vpc-dns-disabled");
    expect(evidenceOf(r, "vpc-dns-disabled")).toContain(w.vpcId);
  });

  it("custom-dns-resolution: DHCP options with custom DNS servers, and a name that did not resolve", async () => {
    const w = await World.healthy();
    const dopt = (await w.c.ec2.send(new CreateDhcpOptionsCommand({
      DhcpConfigurations: [{ Key: "domain-name-servers", Values: ["10.0.0.53", "10.0.1.53"] }],
    }))).DhcpOptions!.DhcpOptionsId!;
    await w.c.ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: dopt, VpcId: w.vpcId }));
    const r = await diagnoseLive(await w.failTask({ reason: DNS_MESSAGE }));
    expect(ids(r)[0]).toBe("custom-dns-resolution");
    expect(evidenceOf(r, "custom-dns-resolution")).toContain(dopt);
  });

  it("custom-dns-resolution does not fire with AmazonProvidedDNS (near miss)", async () => {
    const w = await World.healthy();
    const r = await diagnoseLive(await w.failTask({ reason: DNS_MESSAGE }));
    expect(ids(r)).not.toContain("custom-dns-resolution");
  });

  it("vpc-endpoint-security-group-blocks: the endpoints' group admits 443 only from another network", async () => {
    const w = await World.healthy();
    const { securityGroup } = await w.endpointsOnly(["ecr.api", "ecr.dkr"], { ingressCidr: "192.168.0.0/16" });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("vpc-endpoint-security-group-blocks");
    expect(evidenceOf(r, "vpc-endpoint-security-group-blocks")).toContain(securityGroup);
  });

  it("vpc-endpoint-policy-denies: the ecr.dkr endpoint's policy allows other repositories only", async () => {
    const w = await World.healthy();
    const { endpoints } = await w.endpointsOnly(["ecr.api", "ecr.dkr"], { policy: (s) => (s === "ecr.dkr" ? ECR_DKR_ONLY_OTHER_REPO : undefined) });
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.accessDenied }));
    expect(ids(r)[0]).toBe("vpc-endpoint-policy-denies");
    expect(evidenceOf(r, "vpc-endpoint-policy-denies")).toContain(endpoints["ecr.dkr"]);
  });

  it("security-group-egress-blocked: the task's group lets out only PostgreSQL", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: w.securityGroup, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
    await w.c.ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: w.securityGroup, IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: "10.0.0.0/16" }] }] }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("security-group-egress-blocked");
    expect(evidenceOf(r, "security-group-egress-blocked")).toContain(w.securityGroup);
  });

  it("network-acl-blocks: the private subnet's network ACL denies outbound 443", async () => {
    const w = await World.healthy();
    const { ec2 } = w.c;
    const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: w.vpcId }))).NetworkAcl!.NetworkAclId!;
    const entry = (n: number, egress: boolean, from: number, to: number, action: "allow" | "deny") =>
      ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: n, Egress: egress, Protocol: "6", RuleAction: action, CidrBlock: "0.0.0.0/0", PortRange: { From: from, To: to } }));
    await entry(100, true, 443, 443, "deny");
    await entry(200, true, 0, 65535, "allow");
    await entry(100, false, 0, 65535, "allow");
    const association = (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "association.subnet-id", Values: [w.privateSubnet] }] })))
      .NetworkAcls![0].Associations!.find((a) => a.SubnetId === w.privateSubnet)!.NetworkAclAssociationId!;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association, NetworkAclId: acl }));
    const r = await diagnoseLive(await w.failTask({ reason: MESSAGES.timeout }));
    expect(ids(r)[0]).toBe("network-acl-blocks");
    expect(evidenceOf(r, "network-acl-blocks")).toContain(acl);
  });
});
