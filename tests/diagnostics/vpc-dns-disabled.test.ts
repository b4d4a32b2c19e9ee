import { describe, expect, it } from "vitest";
import d from "../../diagnostics/vpc-dns-disabled.js";
import { diagnoseSnapshot, EFS_MESSAGES, evidenceOf, rankedIds, world } from "../fixtures/world.js";
import { DNS_MESSAGE } from "../fixtures/network.js";

describe("vpc-dns-disabled", () => {
  it("fires when enableDnsHostnames is off in a VPC that relies on private DNS endpoints", async () => {
    const w = world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withVpcDns({ EnableDnsHostnames: false });
    const ids = await rankedIds(w);
    expect(ids[0]).toBe("vpc-dns-disabled");
    expect(ids).not.toContain("vpc-endpoint-missing");
    expect(ids).not.toContain("vpc-endpoint-private-dns-disabled");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0]).toEqual({ resource: "vpc-0aaa", fact: "enableDnsSupport: true, enableDnsHostnames: false" });
    expect(r.findings[0].fixes[0].commands).toEqual([`aws ec2 modify-vpc-attribute --region us-east-1 --vpc-id vpc-0aaa --enable-dns-hostnames '{"Value":true}'`]);
  });

  it("fires when enableDnsSupport is off and the VPC uses the Amazon-provided DNS: no name resolves, whatever the route", async () => {
    const w = world().withVpcDns({ EnableDnsSupport: false }).failingWith(DNS_MESSAGE);
    expect((await rankedIds(w))[0]).toBe("vpc-dns-disabled");
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands![0]).toContain("--enable-dns-support");
  });

  it("reads the resolver's address in 'lookup … on 10.0.0.2:53' as the resolver, not as where the pull was going", async () => {
    const message = `CannotPullContainerError: Error response from daemon: Get "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/": dial tcp: lookup 123456789012.dkr.ecr.us-east-1.amazonaws.com on 10.0.0.2:53: read udp 10.0.1.37:45012->10.0.0.2:53: i/o timeout`;
    const { report } = await diagnoseSnapshot(world().withVpcDns({ EnableDnsSupport: false }).failingWith(message).build());
    expect(report.findings[0].id).toBe("vpc-dns-disabled");
    expect(report.findings.filter((f) => f.severity === "error").map((f) => f.id)).not.toContain("no-route-to-registry");
  });

  it("does not fire when enableDnsHostnames is off on a NAT path (nothing relies on private DNS)", async () => {
    expect(d.check(await evidenceOf(world().withVpcDns({ EnableDnsHostnames: false }))).status).toBe("pass");
  });

  it("does not fire when enableDnsSupport is off but custom DNS servers answer on a NAT path", async () => {
    expect(d.check(await evidenceOf(world().withVpcDns({ EnableDnsSupport: false }).withDnsServers("10.0.0.53"))).status).toBe("pass");
  });

  it("does not fire when both attributes are on", async () => {
    expect(d.check(await evidenceOf(world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3"))).status).toBe("pass");
  });

  it("fires when enableDnsHostnames is off and the task mounts an EFS file system by name, not efs-mount-target-missing", async () => {
    const w = world().withEfs().failingWith(EFS_MESSAGES.resolve).withVpcDns({ EnableDnsHostnames: false });
    expect(await rankedIds(w)).toEqual(["vpc-dns-disabled"]);
    const r = d.check(await evidenceOf(w));
    expect(r.status === "fail" && r.findings[0].title).toBe("VPC vpc-0aaa has enableDnsHostnames off, so EFS file system fs-0data cannot be mounted by name");
    // The near miss: the same volume, DNS on.
    expect(d.check(await evidenceOf(world().withEfs().failingWith(EFS_MESSAGES.resolve))).status).toBe("pass");
  });

  it("is skipped when the VPC's attributes could not be read", async () => {
    expect(d.check(await evidenceOf(world().denied("ec2:DescribeVpcAttribute", ["ec2", "VpcAttributes"]))).status).toBe("skip");
  });
});
