import { describe, expect, it } from "vitest";
import d from "../../diagnostics/security-group-egress-blocked.js";
import { evidenceOf, MESSAGES, rankedIds, S3_PREFIX_LIST, world } from "../fixtures/world.js";

const https = (peer: object) => ({ IpProtocol: "tcp", FromPort: 443, ToPort: 443, ...peer });
const endpoints = () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3");

describe("security-group-egress-blocked", () => {
  it("fires on a NAT path when no outbound rule covers TCP 443, with the rule to add", async () => {
    const w = world().withEgress([https({ IpRanges: [{ CidrIp: "10.0.0.0/16" }] })]);
    expect((await rankedIds(w))[0]).toBe("security-group-egress-blocked");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0].resource).toBe("sg-0task");
    expect(r.findings[0].evidence[0].fact).toContain("10.0.0.0/16");
    expect(r.findings[0].fixes[0].commands).toEqual([
      `aws ec2 authorize-security-group-egress --region us-east-1 --group-id sg-0task --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0,Description="image pull (HTTPS)"}]'`,
    ]);
  });

  it("judges the message's address exactly: a rule for another public range blocks 52.1.2.3", async () => {
    const r = d.check(await evidenceOf(world().withEgress([https({ IpRanges: [{ CidrIp: "54.0.0.0/8" }] })])));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    // The registry (52.1.2.3) is blocked for sure; api.ecr and S3, whose addresses the message does not give, may be.
    expect(r.findings.map((f) => f.severity).sort()).toEqual(["error", "warning"]);
  });

  it("fires toward the S3 prefix list when the task may reach only the endpoints' group, and offers the prefix list", async () => {
    const r = d.check(await evidenceOf(endpoints().withEgress([https({ UserIdGroupPairs: [{ GroupId: "sg-0vpce" }] })])));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].title).toContain("prod-us-east-1-starport-layer-bucket");
    expect(r.findings[0].fixes[0].commands![0]).toContain(`PrefixListIds=[{PrefixListId=${S3_PREFIX_LIST}`);
  });

  it("fires toward the interface endpoints when the task may reach only the S3 prefix list, and offers the endpoints' group", async () => {
    const r = d.check(await evidenceOf(endpoints().withEgress([https({ PrefixListIds: [{ PrefixListId: S3_PREFIX_LIST }] })])));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands![0]).toContain("UserIdGroupPairs=[{GroupId=sg-0vpce");
  });

  it("does not fire with egress to the S3 prefix list and by group reference to the endpoints' group", async () => {
    const w = endpoints().withEgress([https({ PrefixListIds: [{ PrefixListId: S3_PREFIX_LIST }] }), https({ UserIdGroupPairs: [{ GroupId: "sg-0vpce" }] })]);
    expect(d.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("does not fire with the default allow-all egress, and judges the container instance's groups on EC2", async () => {
    expect(d.check(await evidenceOf(world())).status).toBe("pass");
    const ec2 = world().onEc2().withEgress([]);
    const r = d.check(await evidenceOf(ec2));
    expect(r.status === "fail" && r.findings[0].title).toContain("container instance i-0ec2");
  });

  it("ranks below the image when the message says manifest unknown", async () => {
    const ids = await rankedIds(world().withEgress([]).withoutImage().failingWith(MESSAGES.manifestUnknown));
    expect(ids[0]).toBe("image-not-found");
  });

  it("is skipped when the task's security groups cannot be known", async () => {
    const w = world().mutate((s) => {
      delete s.ecs!.services;
      s.ecs!.tasks![0].group = "family:web";
    });
    expect(d.check(await evidenceOf(w)).status).toBe("skip");
  });
});

describe("security-group-egress-blocked: while the VPC's endpoints cannot be read", () => {
  const vpcOnly = () => world().withEgress([https({ IpRanges: [{ CidrIp: "10.0.0.0/16" }] })]).denied("ec2:DescribeVpcEndpoints", ["ec2", "VpcEndpoints"]);

  it("fires for the registry the message shows went to a public address, and only for it", async () => {
    const r = d.check(await evidenceOf(vpcOnly()));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].severity).toBe("error");
    expect(r.findings[0].evidence[0].resource).toBe("sg-0task");
  });

  it("is skipped with the call where every blocked request could have gone to an endpoint it cannot see", async () => {
    const r = d.check(await evidenceOf(vpcOnly().failingWith(MESSAGES.timeout.replace("52.1.2.3", "10.0.1.200"))));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.call).toBe("ec2:DescribeVpcEndpoints");
  });
});
