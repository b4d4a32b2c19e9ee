// Route evaluation as VPC does it: the subnet's explicit route table, else the
// main one; the most specific route that covers the destination wins, with
// prefix-list routes counting as covering the addresses in their list.

import ipaddr from "ipaddr.js";
import type { EgressOnlyInternetGateway, InternetGateway, ManagedPrefixList, NatGateway, Route, RouteTable } from "../model/aws.js";
import type { RouteMatch, RouteTarget } from "../model/evidence.js";

/** The route table that applies to a subnet: its explicit association, else the VPC's main table. */
export function routeTableFor(subnetId: string, tables: RouteTable[]): { table: RouteTable; main: boolean } | null {
  const explicit = tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnetId));
  if (explicit) return { table: explicit, main: false };
  const main = tables.find((t) => (t.Associations ?? []).some((a) => a.Main === true));
  return main ? { table: main, main: true } : null;
}

export function targetOf(route: Route): RouteTarget {
  if (route.NatGatewayId) return { kind: "nat-gateway", id: route.NatGatewayId };
  if (route.TransitGatewayId) return { kind: "transit-gateway", id: route.TransitGatewayId };
  if (route.VpcPeeringConnectionId) return { kind: "vpc-peering-connection", id: route.VpcPeeringConnectionId };
  if (route.EgressOnlyInternetGatewayId) return { kind: "egress-only-internet-gateway", id: route.EgressOnlyInternetGatewayId };
  if (route.CarrierGatewayId) return { kind: "carrier-gateway", id: route.CarrierGatewayId };
  if (route.LocalGatewayId) return { kind: "local-gateway", id: route.LocalGatewayId };
  if (route.CoreNetworkArn) return { kind: "core-network", id: route.CoreNetworkArn };
  if (route.VpcEndpointId) return { kind: "gateway-load-balancer-endpoint", id: route.VpcEndpointId };
  const gw = route.GatewayId;
  if (gw === "local") return { kind: "local", id: "local" };
  if (gw?.startsWith("igw-")) return { kind: "internet-gateway", id: gw };
  if (gw?.startsWith("vgw-")) return { kind: "virtual-private-gateway", id: gw };
  if (gw?.startsWith("eigw-")) return { kind: "egress-only-internet-gateway", id: gw };
  // A gateway endpoint's routes carry its id as GatewayId and a prefix list as destination.
  if (gw?.startsWith("vpce-")) return { kind: route.DestinationPrefixListId ? "gateway-endpoint" : "gateway-load-balancer-endpoint", id: gw };
  if (route.NetworkInterfaceId) return { kind: "network-interface", id: route.NetworkInterfaceId };
  if (route.InstanceId) return { kind: "network-interface", id: route.InstanceId };
  return { kind: "unknown", id: gw ?? "unknown" };
}

/** What the pull's request is addressed to. */
export interface RouteQuery {
  /** A concrete address (from the error message), else a representative internet address. */
  ip?: string;
  ipv6?: boolean;
  /** Prefix lists that hold the destination (the S3 prefix list for S3 layers). */
  prefixListIds?: string[];
}

/** A representative public address: covered by 0.0.0.0/0 and by no private range. */
const INTERNET_V4 = "198.51.100.1";
const INTERNET_V6 = "2001:db8::1";

function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    const a = ipaddr.parse(ip);
    return a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return undefined;
  }
}

function cidrPrefix(cidr: string, addr: ipaddr.IPv4 | ipaddr.IPv6): number | undefined {
  try {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    if (range.kind() !== addr.kind()) return undefined;
    return addr.match(range, bits) ? bits : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a CIDR covers an address (false on malformed input). */
export function cidrCovers(cidr: string, ip: string): boolean {
  const addr = parse(ip);
  return addr !== undefined && cidrPrefix(cidr, addr) !== undefined;
}

/** Whether CIDR `outer` contains the whole of CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  try {
    const [range, bits] = ipaddr.parseCIDR(inner);
    const [orange, obits] = ipaddr.parseCIDR(outer);
    return range.kind() === orange.kind() && obits <= bits && range.match(orange, obits);
  } catch {
    return false;
  }
}

/**
 * The route that carries traffic to the query, by longest prefix match.
 * A prefix-list route counts as /32 (/128) for a destination in that list:
 * AWS prefers it over a default route, as it does for gateway endpoints.
 */
export function routeFor(table: RouteTable, query: RouteQuery, prefixLists: ManagedPrefixList[] = []): RouteMatch | null {
  const addr = parse(query.ip ?? (query.ipv6 ? INTERNET_V6 : INTERNET_V4));
  if (!addr) return null;
  const inList = (plId: string): boolean => {
    if ((query.prefixListIds ?? []).includes(plId)) return true;
    const list = prefixLists.find((p) => p.PrefixListId === plId);
    return query.ip !== undefined && (list?.Entries ?? []).some((e) => e.Cidr !== undefined && cidrCovers(e.Cidr, query.ip!));
  };
  let best: { route: Route; bits: number; destination: string } | null = null;
  for (const route of table.Routes ?? []) {
    let bits: number | undefined;
    let destination = "";
    if (route.DestinationPrefixListId) {
      destination = route.DestinationPrefixListId;
      bits = inList(route.DestinationPrefixListId) ? (addr.kind() === "ipv4" ? 32 : 128) : undefined;
    } else {
      destination = (addr.kind() === "ipv4" ? route.DestinationCidrBlock : route.DestinationIpv6CidrBlock) ?? "";
      bits = destination ? cidrPrefix(destination, addr) : undefined;
    }
    if (bits !== undefined && (best === null || bits > best.bits)) best = { route, bits, destination };
  }
  if (!best) return null;
  return {
    routeTableId: table.RouteTableId ?? "unknown",
    route: best.route,
    destination: best.destination,
    target: targetOf(best.route),
    blackhole: best.route.State === "blackhole",
  };
}

/** Targets whose traffic goes beyond what this account's APIs show. */
export const OPAQUE_TARGETS = new Set<RouteTarget["kind"]>([
  "transit-gateway", "vpc-peering-connection", "virtual-private-gateway", "network-interface",
  "gateway-load-balancer-endpoint", "core-network", "local-gateway", "carrier-gateway", "unknown",
]);

/** Targets that can carry traffic out of the VPC at all. */
export function isEgressTarget(kind: RouteTarget["kind"]): boolean {
  return kind !== "local" && kind !== "gateway-endpoint";
}

/** AWS's own names for route targets. */
const TARGET_NAME: Partial<Record<RouteTarget["kind"], string>> = {
  "nat-gateway": "NAT gateway",
  "vpc-peering-connection": "VPC peering connection",
  "gateway-load-balancer-endpoint": "Gateway Load Balancer endpoint",
  "core-network": "Cloud WAN core network",
};

export function describeTarget(t: RouteTarget): string {
  return `${TARGET_NAME[t.kind] ?? t.kind.replace(/-/g, " ")} ${t.id}`;
}

/** The gateways of the VPC, to judge whether a route's target still carries traffic (each list absent when unread). */
export interface TargetInventory {
  vpcId?: string;
  natGateways?: NatGateway[];
  internetGateways?: InternetGateway[];
  egressOnlyInternetGateways?: EgressOnlyInternetGateway[];
}

/**
 * The match with its target's state: a route in state `blackhole`, a NAT
 * gateway that is deleted, failed or not yet available, or a gateway no longer
 * attached to the VPC cannot carry the pull (AWS marks such routes blackhole,
 * a hand-written snapshot may not).
 */
export function withTargetState(m: RouteMatch, inv: TargetInventory): RouteMatch {
  const t = m.target;
  let problem: string | undefined;
  if (m.route.State === "blackhole") problem = `the route's state is blackhole (its target ${t.id} is gone)`;
  if (t.kind === "nat-gateway" && inv.natGateways) {
    const nat = inv.natGateways.find((n) => n.NatGatewayId === t.id);
    const state = (nat?.State ?? "").toLowerCase();
    if (!nat) problem = `NAT gateway ${t.id} no longer exists`;
    else if (state !== "available") {
      const failure = nat.FailureCode ? ` (${nat.FailureCode}${nat.FailureMessage ? `: ${nat.FailureMessage}` : ""})` : "";
      problem = `NAT gateway ${t.id} is ${state || "in no state"}${failure}`;
    }
  }
  const attached = (g: { Attachments?: { VpcId?: string; State?: string }[] } | undefined) =>
    g !== undefined && (g.Attachments === undefined || g.Attachments.some((a) => (inv.vpcId === undefined || a.VpcId === undefined || a.VpcId === inv.vpcId) && ["available", "attached", undefined].includes(a.State?.toLowerCase())));
  if (t.kind === "internet-gateway" && inv.internetGateways && !attached(inv.internetGateways.find((g) => g.InternetGatewayId === t.id))) {
    problem = `internet gateway ${t.id} is not attached to the VPC`;
  }
  if (t.kind === "egress-only-internet-gateway" && inv.egressOnlyInternetGateways && !attached(inv.egressOnlyInternetGateways.find((g) => g.EgressOnlyInternetGatewayId === t.id))) {
    problem = `egress-only internet gateway ${t.id} is not attached to the VPC`;
  }
  return problem ? { ...m, blackhole: true, targetProblem: problem } : { ...m, blackhole: m.route.State === "blackhole" };
}

/** Route-table text for evidence: "10.0.0.0/16 -> local, 0.0.0.0/0 -> nat-0aaa (blackhole)". */
export function routesText(table: RouteTable): string {
  return (table.Routes ?? [])
    .map((r) => `${r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? "?"} -> ${targetOf(r).id}${r.State === "blackhole" ? " (blackhole)" : ""}`)
    .join(", ");
}
