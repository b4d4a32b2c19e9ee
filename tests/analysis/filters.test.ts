import { describe, expect, it } from "vitest";
import { AddressSet, egressAllows, ephemeralPorts, freeRuleNumber, ingressAllows, networkAclAllows, type Peer } from "../../src/analysis/filters.js";
import type { NetworkAcl, NetworkAclEntry, SecurityGroup } from "../../src/model/aws.js";

const internet: Peer = { family: "ipv4", label: "the internet" };
const ip = (a: string): Peer => ({ family: "ipv4", cidrs: [`${a}/32`], label: a });
const group = (egress: SecurityGroup["IpPermissionsEgress"], ingress: SecurityGroup["IpPermissions"] = []): SecurityGroup => ({ GroupId: "sg-1", IpPermissionsEgress: egress, IpPermissions: ingress });
const nacl = (entries: NetworkAclEntry[]): NetworkAcl => ({ NetworkAclId: "acl-1", Entries: entries });
const rule = (n: number, action: "allow" | "deny", egress: boolean, cidr = "0.0.0.0/0", ports?: [number, number]): NetworkAclEntry => ({
  RuleNumber: n, RuleAction: action, Egress: egress, CidrBlock: cidr, Protocol: ports ? "6" : "-1", ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
});

describe("address sets", () => {
  it("subtract, intersect and cover", () => {
    const all = AddressSet.of("ipv4", ["10.0.0.0/16"]);
    const part = AddressSet.of("ipv4", ["10.0.1.0/24"]);
    expect(all.covers(part)).toBe(true);
    expect(part.covers(all)).toBe(false);
    expect(all.subtract(part).intersect(part).isEmpty()).toBe(true);
    expect(AddressSet.of("ipv4", ["10.0.0.0/24", "10.0.1.0/24"]).equals(AddressSet.of("ipv4", ["10.0.0.0/23"]))).toBe(true);
  });
});

describe("security groups", () => {
  it("allow the internet only with a rule covering every public address", () => {
    expect(egressAllows([group([{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }])], 443, internet).verdict).toBe("allow");
    expect(egressAllows([group([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8" }] }])], 443, internet).verdict).toBe("deny");
    expect(egressAllows([group([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "52.0.0.0/8" }] }])], 443, internet).verdict).toBe("indeterminate");
    expect(egressAllows([group([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "52.0.0.0/8" }] }])], 443, ip("52.1.2.3")).verdict).toBe("allow");
    expect(egressAllows([group([{ IpProtocol: "tcp", FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }])], 443, internet).verdict).toBe("deny");
  });

  it("union the rules of every group", () => {
    const a = { ...group([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.1.0/24" }] }]), GroupId: "sg-a" };
    const b = { ...group([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.2.0/24" }] }]), GroupId: "sg-b" };
    const peer: Peer = { family: "ipv4", cidrs: ["10.0.1.0/24", "10.0.2.0/24"], label: "endpoint subnets" };
    expect(egressAllows([a], 443, peer).verdict).toBe("partial");
    expect(egressAllows([a, b], 443, peer).verdict).toBe("allow");
  });

  it("match a prefix list by id or by its entries, and a group by reference", () => {
    const pl = group([{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-s3" }] }]);
    expect(egressAllows([pl], 443, { family: "ipv4", prefixListIds: ["pl-s3"], label: "S3" }).verdict).toBe("allow");
    expect(egressAllows([pl], 443, ip("54.231.0.1"), [{ PrefixListId: "pl-s3", Entries: [{ Cidr: "54.231.0.0/16" }] }]).verdict).toBe("allow");
    expect(egressAllows([pl], 443, ip("52.1.2.3"), [{ PrefixListId: "pl-s3", Entries: [{ Cidr: "54.231.0.0/16" }] }]).verdict).toBe("deny");
    const ref = group([], [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: "sg-task" }] }]);
    expect(ingressAllows([ref], 443, { family: "ipv4", cidrs: ["10.0.1.15/32"], groupIds: ["sg-task"], label: "task" }).verdict).toBe("allow");
    expect(ingressAllows([ref], 443, { family: "ipv4", cidrs: ["10.0.1.15/32"], groupIds: ["sg-other"], label: "task" }).verdict).toBe("deny");
  });

  it("judge IPv6 by IPv6 ranges", () => {
    const v4only = group([{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }]);
    expect(egressAllows([v4only], 443, { family: "ipv6", label: "::/0" }).verdict).toBe("deny");
    expect(egressAllows([group([{ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] }])], 443, { family: "ipv6", label: "::/0" }).verdict).toBe("allow");
  });
});

describe("network ACLs", () => {
  it("read rules in number order, first match wins, whatever order the API lists them in", () => {
    const v = networkAclAllows(nacl([rule(100, "allow", true), rule(90, "deny", true, "0.0.0.0/0", [443, 443])]), "egress", 443, internet);
    expect(v.verdict).toBe("deny");
    expect(v.denyingRule?.ruleNumber).toBe(90);
    expect(networkAclAllows(nacl([rule(100, "allow", true), rule(200, "deny", true, "0.0.0.0/0", [443, 443])]), "egress", 443, internet).verdict).toBe("allow");
  });

  it("deny with the default rule what nothing matches, and keep directions apart", () => {
    const v = networkAclAllows(nacl([rule(100, "allow", true)]), "ingress", ephemeralPorts("linux"), internet);
    expect(v.verdict).toBe("deny");
    expect(v.denyingRule?.ruleNumber).toBe(32767);
  });

  it("judge every port of the ephemeral range and every address of the peer", () => {
    const someports = nacl([rule(100, "allow", false, "0.0.0.0/0", [1024, 40000])]);
    const v = networkAclAllows(someports, "ingress", ephemeralPorts("linux"), internet);
    expect(v.verdict).toBe("partial");
    expect(v.blockedPorts).toEqual([[40001, 60999]]);
    expect(networkAclAllows(someports, "ingress", ephemeralPorts("windows"), internet).verdict).toBe("deny");
    const denyOne = nacl([rule(50, "deny", true, "52.1.2.0/24"), rule(100, "allow", true)]);
    expect(networkAclAllows(denyOne, "egress", 443, ip("52.1.2.3")).verdict).toBe("deny");
    expect(networkAclAllows(denyOne, "egress", 443, ip("54.1.2.3")).verdict).toBe("allow");
    expect(networkAclAllows(denyOne, "egress", 443, internet).verdict).toBe("indeterminate");
    // A deny of private ranges only does not touch a registry on the internet.
    expect(networkAclAllows(nacl([rule(50, "deny", true, "10.0.0.0/8"), rule(100, "allow", true)]), "egress", 443, internet).verdict).toBe("allow");
  });

  it("find a free rule number below the deny, or after the rules when only * denies", () => {
    const a = nacl([rule(90, "deny", true), rule(100, "allow", true), rule(100, "allow", false)]);
    expect(freeRuleNumber(a, "egress", 90)).toBe(80);
    expect(freeRuleNumber(a, "ingress")).toBe(110);
    expect(freeRuleNumber(nacl([rule(1, "deny", true)]), "egress", 1)).toBeUndefined();
  });
});
