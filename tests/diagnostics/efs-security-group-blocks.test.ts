import { describe, expect, it } from "vitest";
import d from "../../diagnostics/efs-security-group-blocks.js";
import { EFS_MESSAGES, evidenceOf, rankedIds, world } from "../fixtures/world.js";

const nfs = (peer: object) => [{ IpProtocol: "tcp", FromPort: 2049, ToPort: 2049, ...peer }];

describe("efs-security-group-blocks", () => {
  it("fires when the mount target's group does not admit NFS from the task, with the rule to add", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.timeout).withIngress(nfs({ IpRanges: [{ CidrIp: "10.0.9.0/24" }] }), "sg-0efs");
    expect((await rankedIds(w))[0]).toBe("efs-security-group-blocks");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence.map((x) => x.resource)).toContain("sg-0efs");
    expect(r.findings[0].fixes[0].commands).toEqual([
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-0efs --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-0task,Description="NFS from ECS tasks to EFS"}]'`,
    ]);
  });

  it("fires when the task's own group lets nothing out on 2049", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.reset).withEgress([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }]);
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].fixes[0].commands).toEqual([
      `aws ec2 authorize-security-group-egress --region us-east-1 --group-id sg-0task --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-0efs,Description="NFS from ECS tasks to EFS"}]'`,
    ]);
    expect((await rankedIds(w))[0]).toBe("efs-security-group-blocks");
  });

  it("fires when the mount target subnet's network ACL denies NFS in", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.timeout).withNetworkAcl([
      { RuleNumber: 90, Protocol: "6", RuleAction: "deny", Egress: false, CidrBlock: "10.0.0.0/16", PortRange: { From: 2049, To: 2049 } },
      { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
      { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
    ], "subnet-0efsa");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence.map((x) => x.resource)).toContain("acl-0custom");
    expect(r.findings[0].fixes[0].commands?.[0]).toMatch(/^aws ec2 create-network-acl-entry --region us-east-1 --network-acl-id acl-0custom --rule-number \d+ --ingress --protocol tcp --port-range From=2049,To=2049 --cidr-block 10.0.1.15\/32 --rule-action allow$/);
  });

  it("does not fire when the mount target admits the task by group, by its subnet's CIDR, or allows all traffic from the VPC", async () => {
    expect(d.check(await evidenceOf(world().withEfs())).status).toBe("pass");
    expect(d.check(await evidenceOf(world().withEfs().withIngress(nfs({ IpRanges: [{ CidrIp: "10.0.1.0/24" }] }), "sg-0efs")))).toEqual({ status: "pass", title: undefined });
    expect(d.check(await evidenceOf(world().withEfs().withIngress([{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/16" }] }], "sg-0efs"))).status).toBe("pass");
  });

  it("does not judge a mount target in another zone, nor a task without EFS", async () => {
    // The task in us-east-1a reaches fsmt-0a; fsmt-0b's group does not matter.
    const w = world().withEfs().mutate((s) => {
      s.efs!.MountTargetSecurityGroups!.find((m) => m.MountTargetId === "fsmt-0b")!.SecurityGroups = ["sg-0closed"];
      s.ec2!.SecurityGroups!.push({ GroupId: "sg-0closed", VpcId: "vpc-0aaa", IpPermissions: [], IpPermissionsEgress: [] });
    });
    expect(d.check(await evidenceOf(w)).status).toBe("pass");
    expect(d.check(await evidenceOf(world())).status).toBe("n/a");
  });

  it("judges a mount target whose address is not recorded by the VPC's CIDR, and never proves a block from part of it", async () => {
    const noIp = () => world().withEfs().failingWith(EFS_MESSAGES.timeout).mutate((s) => {
      for (const m of s.efs!.MountTargets!) delete m.IpAddress;
    });
    const vpcOnly = noIp().withEgress([{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/16" }] }]);
    expect(d.check(await evidenceOf(vpcOnly)).status).toBe("pass");
    const part = noIp().withEgress([{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.5.0/24" }] }]);
    const r = d.check(await evidenceOf(part));
    expect(r.status === "fail" && r.findings[0].severity).toBe("warning");
  });

  it("is skipped when the mount target's security groups could not be read", async () => {
    const w = world().withEfs().mutate((s) => {
      delete s.efs!.MountTargetSecurityGroups;
      s.errors = [{ call: "elasticfilesystem:DescribeMountTargetSecurityGroups", code: "AccessDeniedException", message: "not authorized" }];
    });
    expect(d.check(await evidenceOf(w)).status).toBe("skip");
  });
});
