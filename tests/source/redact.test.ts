// `record --redact`: a snapshot a customer can share still diagnoses the same,
// with accounts, addresses and names replaced consistently everywhere.
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import { redactSnapshot } from "../../src/source/redact.js";
import { parseSnapshot } from "../../src/source/snapshot.js";
import { DEMOS } from "../fixtures/demos.js";
import { MSG } from "../fixtures/registry-messages.js";
import { ACCOUNT, diagnoseSnapshot, OTHER_ACCOUNT, world } from "../fixtures/world.js";

const MSG_CROSS_403 = MSG.crossAccount403;

const KEY = "test-key";

function ranking(r: Report) {
  return r.findings.map((f) => [f.id, f.rank, f.severity, f.confidence, f.evidence.length]);
}

describe.each(DEMOS.map((d) => [d.name, d] as const))("redacted %s", (_name, d) => {
  it("is a valid snapshot that diagnoses the same, its evidence redacted the same way", async () => {
    const original = d.world.build();
    const { snapshot, text } = redactSnapshot(original, { key: KEY });
    const file = JSON.stringify(snapshot);
    expect(file).not.toContain(ACCOUNT);
    const before = (await diagnoseSnapshot(original)).report;
    const after = (await diagnoseSnapshot(parseSnapshot(JSON.parse(file)))).report;
    expect(ranking(after)).toEqual(ranking(before));
    expect(after.findings.map((f) => f.evidence)).toEqual(before.findings.map((f) => f.evidence.map((e) => ({ resource: text(e.resource), fact: text(e.fact) }))));
  });
});

describe("redaction", () => {
  const original = world()
    .crossAccountImage({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "ecr:BatchGetImage" }] })
    .withSecret({ secretName: "payments/db" })
    .withParameter({ parameter: "/payments/api-key", keyId: "alias/payments" })
    .mutate((s) => {
      s.ec2!.Vpcs![0].Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: "2600:1f18:4a3:6e00::/56" }];
      s.ec2!.Subnets![0].Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: "2600:1f18:4a3:6e01::/64" }];
      s.ec2!.RouteTables![1].Routes!.push({ DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-0aaa", State: "active" });
      s.ec2!.SecurityGroups![0].IpPermissionsEgress!.push({ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "52.94.0.0/22" }], Ipv6Ranges: [{ CidrIpv6: "::/0" }] });
    })
    .build();
  const { snapshot, counts } = redactSnapshot(original, { key: KEY });
  const file = JSON.stringify(snapshot);

  it("replaces every account id, in ARNs, registry hosts, policies and messages, the same way", () => {
    expect(file).not.toContain(ACCOUNT);
    expect(file).not.toContain(OTHER_ACCOUNT);
    expect(snapshot.accountId).toBe("000000000001");
    expect(counts.accounts).toBe(2);
    const task = snapshot.ecs!.tasks![0];
    expect(task.taskArn!.split(":")[4]).toBe(snapshot.accountId);
    expect(task.containers![0].image).toMatch(/^000000000002\.dkr\.ecr\.us-east-1\.amazonaws\.com\//);
    expect(task.stoppedReason).toContain("000000000001.dkr.ecr.us-east-1.amazonaws.com");
    expect(JSON.parse(snapshot.ecr!.repositoryPolicies![0].policyText!).Statement[0].Principal.AWS).toBe("arn:aws:iam::000000000001:root");
  });

  it("replaces the names people give, consistently, and keeps AWS's own names and resource ids", () => {
    for (const name of ["ecsTaskExecutionRole", "payments", "shared/base", "api-key"]) expect(file).not.toContain(name);
    expect(file).not.toMatch(/cluster\/prod|service\/prod\/web|"web"/);
    const task = snapshot.ecs!.tasks![0];
    const cluster = task.clusterArn!.split("/")[1];
    expect(task.taskArn!.split("/")[1]).toBe(cluster);
    const role = snapshot.iam!.Roles![0];
    expect(snapshot.ecs!.taskDefinitions![0].executionRoleArn).toBe(role.Arn);
    expect(role.Arn!.endsWith(`/${role.RoleName}`)).toBe(true);
    const secret = snapshot.secretsmanager!.secrets![0];
    expect(secret.ARN).toMatch(new RegExp(`:secret:${secret.Name}-AbCdEf$`));
    expect(snapshot.ecs!.taskDefinitions![0].containerDefinitions![0].secrets!.map((x) => x.valueFrom)).toContain(secret.ARN);
    expect(role.AttachedPolicies![0].PolicyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
    for (const id of ["subnet-0priv", "vpc-0aaa", "sg-0task", "rtb-0priv", "nat-0aaa", "eni-0task", "0123456789abcdef0123456789abcdef"]) expect(file).toContain(id);
    expect(snapshot.region).toBe("us-east-1");
  });

  it("maps addresses prefix-preservingly: CIDRs keep their length and containment, private stays private, /0 stays", () => {
    const vpc = snapshot.ec2!.Vpcs![0].CidrBlock!;
    expect(vpc).not.toBe("10.0.0.0/16");
    expect(vpc).toMatch(/^10\.\d+\.0\.0\/16$/);
    const inVpc = (cidr: string) => ipaddr.parse(cidr.split("/")[0]).match(ipaddr.parseCIDR(vpc));
    for (const s of snapshot.ec2!.Subnets!) {
      expect(s.CidrBlock!.split("/")[1]).toBe("24");
      expect(inVpc(s.CidrBlock!)).toBe(true);
    }
    const eni = snapshot.ecs!.tasks![0].attachments![0].details!.find((x) => x.name === "privateIPv4Address")!.value!;
    expect(ipaddr.parse(eni).match(ipaddr.parseCIDR(snapshot.ec2!.Subnets![0].CidrBlock!))).toBe(true);
    const v6 = snapshot.ec2!.Vpcs![0].Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!;
    const sub6 = snapshot.ec2!.Subnets![0].Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!;
    expect(v6).not.toBe("2600:1f18:4a3:6e00::/56");
    expect(v6.endsWith("/56") && sub6.endsWith("/64")).toBe(true);
    expect(ipaddr.parse(sub6.split("/")[0]).match(ipaddr.parseCIDR(v6))).toBe(true);
    expect(ipaddr.parse(v6.split("/")[0]).range()).toBe("unicast");
    const egress = snapshot.ec2!.SecurityGroups![0].IpPermissionsEgress!;
    expect(egress[0].IpRanges![0].CidrIp).toBe("0.0.0.0/0");
    expect(egress[1].Ipv6Ranges![0].CidrIpv6).toBe("::/0");
    const pub = egress[1].IpRanges![0].CidrIp!;
    expect(pub).not.toBe("52.94.0.0/22");
    expect(pub).toMatch(/^52\.\d+\.\d+\.0\/22$/);
    expect(ipaddr.parse(pub.split("/")[0]).range()).toBe("unicast");
    expect(snapshot.ec2!.RouteTables![1].Routes!.find((r) => r.DestinationIpv6CidrBlock)!.DestinationIpv6CidrBlock).toBe("::/0");
  });

  it("maps the same address the same way in a message and in a field", () => {
    const s = world().mutate((x) => {
      x.ecs!.tasks![0].stoppedReason = "CannotPullContainerError: dial tcp 10.0.1.15:443: i/o timeout, and [2600:1f18:4a3:6e01::5]:443";
      x.ecs!.tasks![0].attachments![0].details!.push({ name: "ipv6Address", value: "2600:1f18:4a3:6e01::5" });
    }).build();
    const r = redactSnapshot(s, { key: KEY }).snapshot.ecs!.tasks![0];
    const v4 = r.attachments![0].details!.find((x) => x.name === "privateIPv4Address")!.value!;
    const v6 = r.attachments![0].details!.find((x) => x.name === "ipv6Address")!.value!;
    expect(r.stoppedReason).toBe(`CannotPullContainerError: dial tcp ${v4}:443: i/o timeout, and [${v6}]:443`);
    expect(v4).not.toBe("10.0.1.15");
  });

  it("redacts a recorded error's resource as its collection, so it still covers the same resource", async () => {
    const s = world().crossAccountImage("unreadable").failingWith(MSG_CROSS_403).build();
    const r = redactSnapshot(s, { key: KEY });
    const repo = r.snapshot.ecr!.repositories!.find((x) => x.registryId !== r.snapshot.accountId)!;
    expect(r.snapshot.errors![0].resource).toBe(repo.repositoryArn);
    const before = (await diagnoseSnapshot(s)).report;
    const after = (await diagnoseSnapshot(r.snapshot)).report;
    expect(ranking(after)).toEqual(ranking(before));
    expect(after.skipped.map((k) => k.reason)).toEqual(before.skipped.map((k) => r.text(k.reason)));
  });

  it("gives another mapping under another key, and the same under the same key", () => {
    const again = redactSnapshot(original, { key: KEY }).snapshot;
    const other = redactSnapshot(original, { key: "another key" }).snapshot;
    expect(again).toEqual(snapshot);
    expect(other.ec2!.Vpcs![0].Ipv6CidrBlockAssociationSet).not.toEqual(snapshot.ec2!.Vpcs![0].Ipv6CidrBlockAssociationSet);
  });
});
