import { describe, expect, it } from "vitest";
import d from "../../diagnostics/vpc-endpoint-private-dns-disabled.js";
import { evidenceOf, rankedIds, world } from "../fixtures/world.js";

const dnsOff = () => world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3").withEndpoint("ecr.api", { PrivateDnsEnabled: false }).withEndpoint("ecr.dkr", { PrivateDnsEnabled: false });

describe("vpc-endpoint-private-dns-disabled", () => {
  it("fires when the private VPC's ECR endpoints have private DNS off, and nothing else fires as an error", async () => {
    const ids = await rankedIds(dnsOff());
    expect(ids[0]).toBe("vpc-endpoint-private-dns-disabled");
    expect(ids).not.toContain("no-route-to-registry");
    expect(ids).not.toContain("vpc-endpoint-missing");
    const r = d.check(await evidenceOf(dnsOff()));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence.map((e) => e.resource)).toEqual(expect.arrayContaining(["vpce-0ecrapi", "vpce-0ecrdkr"]));
    expect(r.findings[0].fixes[0].commands).toEqual([
      "aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-0ecrapi --private-dns-enabled",
      "aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-0ecrdkr --private-dns-enabled",
    ]);
  });

  it("turns on the VPC's DNS attributes first when they are off", async () => {
    const r = d.check(await evidenceOf(dnsOff().withVpcDns({ EnableDnsHostnames: false })));
    expect(r.status === "fail" && r.findings[0].fixes[0].commands![0]).toContain("--enable-dns-hostnames");
  });

  it("does not fire when a working NAT route carries the requests past the unused endpoints", async () => {
    const w = world().withEndpoints("ecr.api", "ecr.dkr").withEndpoint("ecr.api", { PrivateDnsEnabled: false }).withEndpoint("ecr.dkr", { PrivateDnsEnabled: false });
    expect(d.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("does not apply when the endpoints have private DNS on", async () => {
    expect(d.check(await evidenceOf(world().privateWithEndpoints("ecr.api", "ecr.dkr", "s3"))).status).toBe("n/a");
  });
});
