import { describe, expect, it } from "vitest";
import d from "../../diagnostics/network-acl-blocks.js";
import { acl } from "../fixtures/network.js";
import { evidenceOf, rankedIds, world } from "../fixtures/world.js";

const { allow, deny } = acl;
const tcp = (from: number, to = from) => ({ Protocol: "6", PortRange: { From: from, To: to } });

describe("network-acl-blocks", () => {
  it("fires when a deny at a lower rule number than the allow drops TCP 443 out, and offers a rule below it", async () => {
    const w = world().withNetworkAcl([deny(90, true, tcp(443)), allow(100, true), allow(100, false)]);
    expect((await rankedIds(w))[0]).toBe("network-acl-blocks");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].evidence[0].resource).toBe("acl-0custom");
    expect(r.findings[0].evidence[0].fact).toContain("rule 90 deny tcp 443");
    expect(r.findings[0].fixes[0].commands).toEqual([
      "aws ec2 create-network-acl-entry --region us-east-1 --network-acl-id acl-0custom --rule-number 80 --egress --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow",
    ]);
  });

  it("fires when inbound ephemeral ports are missing (the ACL is stateless), with 1024-65535 to open", async () => {
    const r = d.check(await evidenceOf(world().withNetworkAcl([allow(100, true), allow(100, false, tcp(443))])));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].title).toContain("inbound return traffic");
    expect(r.findings[0].fixes[0].commands![0]).toContain("--ingress --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0");
  });

  it("fires, as likely, when only part of Linux's ephemeral range (32768-60999) is open", async () => {
    const r = d.check(await evidenceOf(world().withNetworkAcl([allow(100, true), allow(100, false, tcp(1024, 40000))])));
    expect(r.status === "fail" && r.findings[0].certainty).toBe("likely");
  });

  it("fires for the NAT gateway's subnet when its ACL drops the replies from the internet", async () => {
    const w = world().withNetworkAcl([allow(100, true), allow(100, false, { CidrBlock: "10.0.0.0/16" })], "subnet-0pub", "acl-0public");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0].resource).toBe("acl-0public");
    expect(r.findings[0].fixes[0].commands![0]).toContain("--network-acl-id acl-0public --rule-number 110 --ingress");
  });

  it("does not fire when the allow comes first (first match wins), nor for the default ACL", async () => {
    expect(d.check(await evidenceOf(world().withNetworkAcl([allow(100, true), deny(200, true, tcp(443)), allow(100, false)]))).status).toBe("pass");
    expect(d.check(await evidenceOf(world())).status).toBe("pass");
  });

  it("does not judge an ACL the traffic does not cross: endpoints in the task's own subnet", async () => {
    const w = world().privateWithEndpoints("ecr.api", "ecr.dkr").withNetworkAcl([allow(100, true, { CidrBlock: "10.0.0.0/16" }), allow(100, false, { CidrBlock: "10.0.0.0/16" })]);
    const e = await evidenceOf(w);
    const api = e.network.destinations.state === "known" ? e.network.destinations.value.find((p) => p.destination.service === "ecr-api") : undefined;
    expect(api?.filters.filter((c) => c.kind === "network-acl")).toEqual([]);
  });

  it("is skipped when the subnet's ACL could not be read", async () => {
    expect(d.check(await evidenceOf(world().denied("ec2:DescribeNetworkAcls", ["ec2", "NetworkAcls"]))).status).toBe("skip");
  });
});
