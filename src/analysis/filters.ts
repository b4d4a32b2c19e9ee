// Packet filters as VPC evaluates them, for one TCP flow of the pull.
//
// Security groups are stateful and allow-only: the union of every rule of
// every group decides, and the reply is let back in whatever the rules say.
// Network ACLs are stateless and ordered: the subnet's ACL is read in rule
// number order, the first rule that matches the packet decides, and the
// default rule `*` (32767) denies what nothing matched; the reply to a
// request on 443 comes back to the client's ephemeral port and needs its own
// inbound rule. Traffic between two interfaces of the same subnet does not
// cross the subnet's ACL at all.
//
// A rule matches a set of addresses; the peer of the flow is a set too (an
// endpoint's subnets, a prefix list) or, for a registry on the internet whose
// address the message does not give, "some public address". The verdict says
// whether every address (and port) of the peer passes, none does, some do
// (`partial`), or whether it depends on which public address the registry
// has (`indeterminate`).

import ipaddr from "ipaddr.js";
import type { ManagedPrefixList, NetworkAcl, NetworkAclEntry, SecurityGroup } from "../model/aws.js";

export type Family = "ipv4" | "ipv6";
export type Verdict = "allow" | "deny" | "partial" | "indeterminate";
export type Direction = "egress" | "ingress";

// ---------- address sets ----------

interface Span {
  lo: bigint;
  hi: bigint;
}

const WIDTH: Record<Family, number> = { ipv4: 32, ipv6: 128 };

/** A set of addresses of one family, as sorted disjoint inclusive spans. */
export class AddressSet {
  private constructor(
    readonly family: Family,
    readonly spans: readonly Span[],
  ) {}

  static empty(family: Family): AddressSet {
    return new AddressSet(family, []);
  }

  static all(family: Family): AddressSet {
    return new AddressSet(family, [{ lo: 0n, hi: (1n << BigInt(WIDTH[family])) - 1n }]);
  }

  /** The CIDRs of `family` among `cidrs` (malformed or other-family ones are ignored). */
  static of(family: Family, cidrs: readonly string[]): AddressSet {
    const spans: Span[] = [];
    for (const c of cidrs) {
      const s = spanOf(c);
      if (s && s.family === family) spans.push(s.span);
    }
    return new AddressSet(family, normalise(spans));
  }

  isEmpty(): boolean {
    return this.spans.length === 0;
  }

  union(o: AddressSet): AddressSet {
    return new AddressSet(this.family, normalise([...this.spans, ...o.spans]));
  }

  intersect(o: AddressSet): AddressSet {
    const out: Span[] = [];
    let i = 0;
    let j = 0;
    while (i < this.spans.length && j < o.spans.length) {
      const a = this.spans[i];
      const b = o.spans[j];
      // biome-ignore lint/complexity/useMathMinMax: bigint, which Math.max does not take
      const lo = a.lo > b.lo ? a.lo : b.lo;
      // biome-ignore lint/complexity/useMathMinMax: bigint, which Math.min does not take
      const hi = a.hi < b.hi ? a.hi : b.hi;
      if (lo <= hi) out.push({ lo, hi });
      if (a.hi < b.hi) i++;
      else j++;
    }
    return new AddressSet(this.family, out);
  }

  subtract(o: AddressSet): AddressSet {
    let out: Span[] = [...this.spans];
    for (const b of o.spans) {
      const next: Span[] = [];
      for (const a of out) {
        if (b.hi < a.lo || b.lo > a.hi) {
          next.push(a);
          continue;
        }
        if (b.lo > a.lo) next.push({ lo: a.lo, hi: b.lo - 1n });
        if (b.hi < a.hi) next.push({ lo: b.hi + 1n, hi: a.hi });
      }
      out = next;
    }
    return new AddressSet(this.family, out);
  }

  equals(o: AddressSet): boolean {
    return this.spans.length === o.spans.length && this.spans.every((s, i) => s.lo === o.spans[i].lo && s.hi === o.spans[i].hi);
  }

  /** Whether this set holds every address of `o`. */
  covers(o: AddressSet): boolean {
    return o.subtract(this).isEmpty();
  }
}

function normalise(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.lo <= last.hi + 1n) {
      if (s.hi > last.hi) last.hi = s.hi;
    } else out.push({ ...s });
  }
  return out;
}

function spanOf(cidr: string): { family: Family; span: Span } | undefined {
  try {
    const text = cidr.includes("/") ? cidr : `${cidr}/${cidr.includes(":") ? 128 : 32}`;
    const [addr, bits] = ipaddr.parseCIDR(text);
    const family: Family = addr.kind() === "ipv6" ? "ipv6" : "ipv4";
    let value = 0n;
    for (const byte of addr.toByteArray()) value = (value << 8n) | BigInt(byte);
    const host = BigInt(WIDTH[family] - bits);
    const lo = (value >> host) << host;
    return { family, span: { lo, hi: lo + (1n << host) - 1n } };
  } catch {
    return undefined;
  }
}

/** The family of a CIDR or address, undefined when malformed. */
export function familyOf(cidr: string): Family | undefined {
  return spanOf(cidr)?.family;
}

/**
 * Addresses a registry on the internet can have: IPv4 outside the private,
 * shared, loopback, link-local and multicast ranges; IPv6 global unicast.
 */
export const PUBLIC: Record<Family, AddressSet> = {
  ipv4: AddressSet.all("ipv4").subtract(
    AddressSet.of("ipv4", ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"]),
  ),
  ipv6: AddressSet.of("ipv6", ["2000::/3"]),
};

// ---------- the peer of a flow ----------

export interface Peer {
  family: Family;
  /** The peer's addresses; absent: a public address that is not known (a registry on the internet). */
  cidrs?: string[];
  /** Prefix lists that hold the peer's addresses (the S3 prefix list for S3). */
  prefixListIds?: string[];
  /** Security groups on the peer's network interfaces (an interface endpoint's, the task's). */
  groupIds?: string[];
  /** How the peer reads in a sentence: "the internet", "52.1.2.3", "vpce-0ecrapi's subnets". */
  label: string;
}

function peerSet(peer: Peer): AddressSet {
  return peer.cidrs ? AddressSet.of(peer.family, peer.cidrs) : PUBLIC[peer.family];
}

/** allow / deny / partial (a known set, split) / indeterminate (some public addresses pass, which ones the registry uses is not known). */
function judge(peer: Peer, target: AddressSet, passed: AddressSet): Verdict {
  const got = passed.intersect(target);
  if (got.equals(target)) return "allow";
  if (got.isEmpty()) return "deny";
  return peer.cidrs ? "partial" : "indeterminate";
}

// ---------- security groups ----------

export interface SecurityGroupVerdict {
  verdict: Verdict;
  /** The groups evaluated. */
  groupIds: string[];
  /** The rules that let the flow through, as text ("sg-0task outbound tcp 443 to 0.0.0.0/0"). */
  allowedBy: string[];
  /** Rules for the protocol and port that name other peers: what the group allows instead. */
  otherRules: string[];
}

function tcpPortMatches(protocol: string | undefined, from: number | undefined, to: number | undefined, port: number): boolean {
  const p = (protocol ?? "").toLowerCase();
  if (p === "-1" || p === "all") return true;
  if (p !== "tcp" && p !== "6") return false;
  if (from === undefined || to === undefined || from === -1) return true;
  return from <= port && port <= to;
}

function portsText(protocol: string | undefined, from?: number, to?: number): string {
  const p = (protocol ?? "").toLowerCase();
  if (p === "-1" || p === "all") return "all traffic";
  const name = p === "6" ? "tcp" : p === "17" ? "udp" : p;
  if (from === undefined || to === undefined || from === -1) return `${name} all ports`;
  return from === to ? `${name} ${from}` : `${name} ${from}-${to}`;
}

/**
 * Whether the groups let TCP `port` out to (egress) or in from (ingress) the peer.
 * Rules of every group are unioned; a prefix-list rule covers the peer when the
 * peer is in the list, or by the list's entries; a group rule covers a peer
 * whose interfaces carry that group.
 */
export function securityGroupsAllow(
  groups: readonly SecurityGroup[],
  direction: Direction,
  port: number,
  peer: Peer,
  prefixLists: readonly ManagedPrefixList[] = [],
): SecurityGroupVerdict {
  const target = peerSet(peer);
  let passed = AddressSet.empty(peer.family);
  let whole = false;
  const allowedBy: string[] = [];
  const otherRules: string[] = [];
  const to = direction === "egress" ? "to" : "from";
  const way = direction === "egress" ? "outbound" : "inbound";
  for (const g of groups) {
    const rules = (direction === "egress" ? g.IpPermissionsEgress : g.IpPermissions) ?? [];
    for (const r of rules) {
      if (!tcpPortMatches(r.IpProtocol, r.FromPort, r.ToPort, port)) continue;
      const head = `${g.GroupId} ${way} ${portsText(r.IpProtocol, r.FromPort, r.ToPort)} ${to}`;
      for (const pair of r.UserIdGroupPairs ?? []) {
        if (pair.GroupId && (peer.groupIds ?? []).includes(pair.GroupId)) {
          whole = true;
          allowedBy.push(`${head} ${pair.GroupId} (a group the peer carries)`);
        } else if (pair.GroupId) otherRules.push(`${head} ${pair.GroupId}`);
      }
      for (const pl of r.PrefixListIds ?? []) {
        const id = pl.PrefixListId;
        if (!id) continue;
        if ((peer.prefixListIds ?? []).includes(id)) {
          whole = true;
          allowedBy.push(`${head} ${id} (the prefix list that holds the peer)`);
          continue;
        }
        const entries = (prefixLists.find((l) => l.PrefixListId === id)?.Entries ?? []).map((e) => e.Cidr ?? "");
        const set = AddressSet.of(peer.family, entries);
        if (!set.intersect(target).isEmpty()) {
          passed = passed.union(set);
          allowedBy.push(`${head} ${id}`);
        } else otherRules.push(`${head} ${id}`);
      }
      const cidrs = peer.family === "ipv4" ? (r.IpRanges ?? []).map((x) => x.CidrIp ?? "") : (r.Ipv6Ranges ?? []).map((x) => x.CidrIpv6 ?? "");
      for (const c of cidrs.filter(Boolean)) {
        const set = AddressSet.of(peer.family, [c]);
        if (!set.intersect(target).isEmpty()) {
          passed = passed.union(set);
          allowedBy.push(`${head} ${c}`);
        } else otherRules.push(`${head} ${c}`);
      }
      const otherFamily = peer.family === "ipv4" ? (r.Ipv6Ranges ?? []).map((x) => x.CidrIpv6) : (r.IpRanges ?? []).map((x) => x.CidrIp);
      for (const c of otherFamily) if (c) otherRules.push(`${head} ${c}`);
    }
  }
  const verdict = whole ? "allow" : judge(peer, target, passed);
  return { verdict, groupIds: groups.map((g) => g.GroupId ?? "").filter(Boolean), allowedBy, otherRules };
}

/** Outbound TCP `port` to `destination`, as the groups of the interface the pull leaves from allow it. */
export function egressAllows(groups: readonly SecurityGroup[], port: number, destination: Peer, prefixLists: readonly ManagedPrefixList[] = []): SecurityGroupVerdict {
  return securityGroupsAllow(groups, "egress", port, destination, prefixLists);
}

/** Inbound TCP `port` from `source`, as the groups of the receiving interface (an interface endpoint's) allow it. */
export function ingressAllows(groups: readonly SecurityGroup[], port: number, source: Peer, prefixLists: readonly ManagedPrefixList[] = []): SecurityGroupVerdict {
  return securityGroupsAllow(groups, "ingress", port, source, prefixLists);
}

// ---------- network ACLs ----------

export interface AclRuleHit {
  ruleNumber: number;
  action: "allow" | "deny";
  /** "rule 90 deny tcp 443 0.0.0.0/0". */
  text: string;
}

export interface AclVerdict {
  verdict: Verdict;
  aclId: string;
  /** The rules that decided some of the traffic, in evaluation order (32767 is the default rule `*`). */
  decidedBy: AclRuleHit[];
  /** The first rule that denies some of the traffic. */
  denyingRule?: AclRuleHit;
  /** Port ranges on which nothing passes (for a partial verdict by port). */
  blockedPorts: [number, number][];
}

const DEFAULT_RULE = 32767;

function aclProtocolMatches(e: NetworkAclEntry): boolean {
  const p = (e.Protocol ?? "").toLowerCase();
  return p === "-1" || p === "6" || p === "tcp" || p === "all";
}

function aclPorts(e: NetworkAclEntry): [number, number] | undefined {
  const p = (e.Protocol ?? "").toLowerCase();
  if (p === "-1" || p === "all") return undefined;
  const from = e.PortRange?.From;
  const to = e.PortRange?.To;
  return from === undefined || to === undefined ? undefined : [from, to];
}

function aclRuleText(e: NetworkAclEntry): string {
  const n = e.RuleNumber === DEFAULT_RULE || e.RuleNumber === DEFAULT_RULE + 1 ? "*" : String(e.RuleNumber);
  const ports = aclPorts(e);
  const proto = aclProtocolMatches(e) && !ports ? "all traffic" : ports ? (ports[0] === ports[1] ? `tcp ${ports[0]}` : `tcp ${ports[0]}-${ports[1]}`) : `protocol ${e.Protocol}`;
  return `rule ${n} ${(e.RuleAction ?? "deny").toLowerCase()} ${proto} ${e.CidrBlock ?? e.Ipv6CidrBlock ?? "?"}`;
}

/**
 * Whether the ACL lets TCP traffic through in one direction: `egress` to the
 * peer on `ports` (the destination port), `ingress` from the peer on `ports`
 * (the destination port of the returning packets: the client's ephemeral range).
 * Rules are read in number order and the first match decides, per address and port.
 */
export function networkAclAllows(acl: NetworkAcl, direction: Direction, ports: number | [number, number], peer: Peer): AclVerdict {
  const [from, to] = typeof ports === "number" ? [ports, ports] : ports;
  const entries = (acl.Entries ?? [])
    .filter((e) => (e.Egress === true) === (direction === "egress"))
    .filter((e) => (peer.family === "ipv4" ? e.CidrBlock : e.Ipv6CidrBlock) !== undefined)
    .sort((a, b) => (a.RuleNumber ?? DEFAULT_RULE) - (b.RuleNumber ?? DEFAULT_RULE));
  const cuts = new Set<number>([from, to + 1]);
  for (const e of entries) {
    const r = aclPorts(e);
    if (!r) continue;
    if (r[0] > from && r[0] <= to) cuts.add(r[0]);
    if (r[1] + 1 > from && r[1] + 1 <= to) cuts.add(r[1] + 1);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const target = peerSet(peer);
  const decided = new Map<number, AclRuleHit>();
  let denyingRule: AclRuleHit | undefined;
  const blockedPorts: [number, number][] = [];
  const statuses: Verdict[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [a, b] = [bounds[i], bounds[i + 1] - 1];
    let remaining = target;
    let passed = AddressSet.empty(peer.family);
    for (const e of entries) {
      if (!aclProtocolMatches(e)) continue;
      const r = aclPorts(e);
      if (r && !(r[0] <= a && b <= r[1])) continue;
      const hit = remaining.intersect(AddressSet.of(peer.family, [(peer.family === "ipv4" ? e.CidrBlock : e.Ipv6CidrBlock) ?? ""]));
      if (hit.isEmpty()) continue;
      const action = (e.RuleAction ?? "").toLowerCase() === "allow" ? "allow" : "deny";
      const h: AclRuleHit = { ruleNumber: e.RuleNumber ?? DEFAULT_RULE, action, text: aclRuleText(e) };
      decided.set(h.ruleNumber, h);
      if (action === "allow") passed = passed.union(hit);
      else denyingRule ??= h;
      remaining = remaining.subtract(hit);
      if (remaining.isEmpty()) break;
    }
    if (!remaining.isEmpty() && !decided.has(DEFAULT_RULE)) {
      const h: AclRuleHit = { ruleNumber: DEFAULT_RULE, action: "deny", text: "rule * deny all traffic (no rule matched)" };
      decided.set(DEFAULT_RULE, h);
      denyingRule ??= h;
    }
    const v = judge(peer, target, passed);
    if (v === "deny") blockedPorts.push([a, b]);
    statuses.push(v);
  }
  let verdict: Verdict;
  if (statuses.every((s) => s === "allow")) verdict = "allow";
  else if (statuses.every((s) => s === "deny")) verdict = "deny";
  else if (statuses.some((s) => s === "deny" || s === "partial")) verdict = "partial";
  else verdict = "indeterminate";
  return { verdict, aclId: acl.NetworkAclId ?? "acl", decidedBy: [...decided.values()], denyingRule: verdict === "allow" ? undefined : denyingRule, blockedPorts: mergePorts(blockedPorts) };
}

function mergePorts(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/**
 * A free rule number in the ACL's `direction` for a new allow: below `below` (the rule that
 * denies, so the allow is read first), after the rules already there when only the default
 * rule denies. Round numbers first, as people number rules by tens. Undefined when none is free.
 */
export function freeRuleNumber(acl: NetworkAcl, direction: Direction, below = DEFAULT_RULE): number | undefined {
  const numbers = (acl.Entries ?? []).filter((e) => (e.Egress === true) === (direction === "egress")).map((e) => e.RuleNumber ?? DEFAULT_RULE);
  const used = new Set(numbers);
  if (below >= DEFAULT_RULE) {
    const highest = Math.max(0, ...numbers.filter((n) => n < DEFAULT_RULE));
    for (let n = highest - (highest % 10) + 10; n < DEFAULT_RULE; n += 10) if (!used.has(n)) return n;
  }
  const start = Math.min(below - 1, DEFAULT_RULE - 1);
  for (let n = start - (start % 10); n >= 10; n -= 10) if (!used.has(n)) return n;
  for (let n = start; n >= 1; n--) if (!used.has(n)) return n;
  return undefined;
}

// ---------- ports ----------

/** The ephemeral ports the client's operating system picks for the pull's connections. */
export function ephemeralPorts(os: "linux" | "windows"): [number, number] {
  // Linux: net.ipv4.ip_local_port_range defaults to 32768-60999; Windows: 49152-65535.
  return os === "windows" ? [49152, 65535] : [32768, 60999];
}

/** The range AWS recommends opening for return traffic, which covers every client. */
export const EPHEMERAL_RECOMMENDED: [number, number] = [1024, 65535];

/** NAT gateways translate to source ports 1024-65535, so replies from the internet come back to those. */
export const NAT_GATEWAY_PORTS: [number, number] = [1024, 65535];

export function portRangeText(r: [number, number]): string {
  return r[0] === r[1] ? String(r[0]) : `${r[0]}-${r[1]}`;
}
