import { describe, expect, it } from "vitest";
import d from "../../diagnostics/custom-dns-resolution.js";
import { evidenceOf, rankedIds, world } from "../fixtures/world.js";
import { DNS_MESSAGE } from "../fixtures/network.js";

describe("custom-dns-resolution", () => {
  it("fires when the DHCP options name custom servers and the message says a name did not resolve", async () => {
    const w = world().withDnsServers("10.0.0.53", "10.0.1.53").failingWith(DNS_MESSAGE);
    expect((await rankedIds(w))[0]).toBe("custom-dns-resolution");
    const r = d.check(await evidenceOf(w));
    expect(r.status).toBe("fail");
    if (r.status !== "fail") return;
    expect(r.findings[0].evidence[0]).toEqual({ resource: "dopt-0aaa", fact: "domain-name-servers: 10.0.0.53, 10.0.1.53" });
    expect(r.findings[0].title).toContain("123456789012.dkr.ecr.us-east-1.amazonaws.com");
    expect(r.findings[0].fixes[0].commands!.join("\n")).toContain("--vpc-id vpc-0aaa");
  });

  it("does not apply when the message is not a DNS failure", async () => {
    expect(d.check(await evidenceOf(world().withDnsServers("10.0.0.53"))).status).toBe("n/a");
  });

  it("does not fire with the Amazon-provided DNS server, even on a DNS failure", async () => {
    expect(d.check(await evidenceOf(world().failingWith(DNS_MESSAGE))).status).toBe("pass");
  });

  it("is skipped when the DHCP options could not be read", async () => {
    const w = world().withDnsServers("10.0.0.53").failingWith(DNS_MESSAGE).denied("ec2:DescribeDhcpOptions", ["ec2", "DhcpOptions"]);
    expect(d.check(await evidenceOf(w)).status).toBe("skip");
  });
});
