// The endpoints a task reaches at start, and how each one is reached from the
// pull's subnet: an interface endpoint with private DNS, the S3 gateway
// endpoint on the subnet's route table, or the route toward the internet.

import ipaddr from "ipaddr.js";
import type { ManagedPrefixList, NatGateway, RouteTable, TaskDefinition, VpcEndpoint } from "../model/aws.js";
import type { ContainerFailure, Destination, DestinationPath, NatGatewayPath, RouteMatch, ServiceName } from "../model/evidence.js";
import type { Unknown } from "../model/fact.js";
import type { ImageRef } from "./image-ref.js";
import { shortRef } from "./image-ref.js";
import { cidrCovers, OPAQUE_TARGETS, routeFor, routeTableFor, type TargetInventory, withTargetState } from "./routes.js";

/** The VPC endpoint service suffix of each AWS service the task reaches (com.amazonaws.REGION.SUFFIX). */
export const SERVICE_SUFFIX: Partial<Record<ServiceName, string>> = {
  "ecr-api": "ecr.api",
  "ecr-dkr": "ecr.dkr",
  s3: "s3",
  logs: "logs",
  secretsmanager: "secretsmanager",
  ssm: "ssm",
  kms: "kms",
};

export function endpointServiceName(service: ServiceName, region: string): string | undefined {
  const suffix = SERVICE_SUFFIX[service];
  return suffix ? `com.amazonaws.${region}.${suffix}` : undefined;
}

/** Whether an endpoint's service name is `com.amazonaws.REGION.SUFFIX` (or the China form). */
export function endpointServes(endpoint: VpcEndpoint, service: ServiceName, region: string): boolean {
  const suffix = SERVICE_SUFFIX[service];
  const name = endpoint.ServiceName ?? "";
  return suffix !== undefined && (name === `com.amazonaws.${region}.${suffix}` || name === `cn.com.amazonaws.${region}.${suffix}`);
}

export function isAvailable(endpoint: VpcEndpoint): boolean {
  return (endpoint.State ?? "available").toLowerCase() === "available";
}

export function isGateway(endpoint: VpcEndpoint): boolean {
  return (endpoint.VpcEndpointType ?? "").toLowerCase() === "gateway";
}

export function isInterface(endpoint: VpcEndpoint): boolean {
  return !isGateway(endpoint) && (endpoint.VpcEndpointType ?? "Interface").toLowerCase() !== "gatewayloadbalancer";
}

/**
 * An interface endpoint whose private DNS answers only queries that come in through a Route 53
 * Resolver inbound endpoint (S3, DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint): requests
 * from inside the VPC resolve the service to its public addresses and go to the gateway endpoint.
 */
export function privateDnsOnlyForInbound(endpoint: VpcEndpoint): boolean {
  return isInterface(endpoint) && endpoint.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint === true;
}

/**
 * A public address outside the VPC: no interface endpoint answers there (their addresses are the
 * VPC's own), so a request to it took the subnet's route table.
 */
export function isPublicAddress(ip: string, vpcCidrs: string[] = []): boolean {
  return addressRange(ip) === "public" && !vpcCidrs.some((c) => cidrCovers(c, ip));
}

/** Where an address lies: on the host itself, in a private network, on the internet, or elsewhere (multicast, reserved). */
export function addressRange(ip: string | undefined): "loopback" | "private" | "public" | "other" | undefined {
  if (!ip || !ipaddr.isValid(ip)) return undefined;
  const range = ipaddr.process(ip).range();
  if (range === "unicast") return "public";
  if (range === "loopback") return "loopback";
  return ["private", "uniqueLocal", "carrierGradeNat", "linkLocal"].includes(range) ? "private" : "other";
}

/**
 * The destinations a task needs at start, from its images, log driver and secrets.
 * On Fargate platform version 1.3.0 and older (`legacyPlatform`), the platform's
 * own network interface, outside the task's VPC, fetches the ECR token and the
 * secrets; the task's interface carries only the registry, S3 and logs traffic.
 * (KMS and STS are not called from the task's network at start: Secrets Manager
 * and SSM decrypt on their side, and ECS hands the agent the role's credentials.)
 */
export function neededDestinations(
  images: ImageRef[],
  taskDefinition: TaskDefinition | null | undefined,
  region: string,
  failures: ContainerFailure[],
  options: { legacyPlatform?: boolean } = {},
): Destination[] {
  const out: Destination[] = [];
  const add = (d: Destination) => {
    if (options.legacyPlatform && (d.service === "ecr-api" || d.service === "secretsmanager" || d.service === "ssm")) return;
    const existing = out.find((o) => o.service === d.service && o.host === d.host);
    if (!existing) out.push(d);
    else if (d.resources) existing.resources = [...new Set([...(existing.resources ?? []), ...d.resources])];
  };
  for (const ref of images) {
    const why = `image ${shortRef(ref)}`;
    if (ref.kind === "ecr" && ref.region) {
      const r = ref.region;
      add({ service: "ecr-api", host: `api.ecr.${r}.amazonaws.com`, region: r, why, endpointServiceName: endpointServiceName("ecr-api", r) });
      add({ service: "ecr-dkr", host: ref.host, region: r, why, endpointServiceName: endpointServiceName("ecr-dkr", r), resources: ref.repositoryArn ? [ref.repositoryArn] : undefined });
      add({ service: "s3", host: `prod-${r}-starport-layer-bucket.s3.${r}.amazonaws.com`, region: r, why: `layers of ${why}`, endpointServiceName: endpointServiceName("s3", r) });
    } else {
      // Docker Hub hands out the token from auth.docker.io and serves layers from its CDN.
      if (ref.kind === "docker-hub") add({ service: "registry", host: "auth.docker.io", region, why: `token for ${why}` });
      add({ service: "registry", host: ref.host, region, why });
      if (ref.kind === "docker-hub") add({ service: "registry", host: "production.cloudflare.docker.com", region, why: `layers of ${why}` });
    }
  }
  for (const def of taskDefinition?.containerDefinitions ?? []) {
    const log = def.logConfiguration;
    if (log?.logDriver === "awslogs") {
      const r = log.options?.["awslogs-region"] ?? region;
      add({ service: "logs", host: `logs.${r}.amazonaws.com`, region: r, why: `awslogs log driver of ${def.name}`, endpointServiceName: endpointServiceName("logs", r) });
    }
    const refs = [...(def.secrets ?? []), ...(log?.secretOptions ?? [])].map((s) => s.valueFrom ?? "");
    if (def.repositoryCredentials?.credentialsParameter) refs.push(def.repositoryCredentials.credentialsParameter);
    for (const v of refs) {
      const store = v.startsWith("arn:") && v.split(":")[2] === "secretsmanager" ? "secretsmanager" : "ssm";
      const r = v.startsWith("arn:") ? (v.split(":")[3] || region) : region;
      add({ service: store, host: `${store}.${r}.amazonaws.com`, region: r, why: `secrets of ${def.name}`, endpointServiceName: endpointServiceName(store, r) });
    }
  }
  // The host the message names is the one that failed; its IP steers route matching.
  for (const f of failures) {
    const d = out.find((o) => o.host === f.signals.host) ?? (f.signals.service !== "unknown" ? out.find((o) => o.service === mapService(f.signals.service)) : undefined);
    if (d) {
      d.failed = true;
      // "lookup HOST on 10.0.0.2:53" names the resolver, not where the request was going.
      if (f.signals.ip && f.signals.port !== 53 && f.signals.kind !== "dns") d.ip = f.signals.ip;
    }
  }
  return out;
}

function mapService(s: string): ServiceName | undefined {
  if (s === "docker-hub" || s === "ecr-public" || s === "other-registry") return "registry";
  if (["ecr-api", "ecr-dkr", "s3", "logs", "secretsmanager", "ssm", "kms"].includes(s)) return s as ServiceName;
  return undefined;
}

/** Prefix lists that hold S3's addresses in a region: the managed list and those the S3 gateway endpoints route. */
export function s3PrefixListIds(region: string, endpoints: VpcEndpoint[], tables: RouteTable[], lists: ManagedPrefixList[]): string[] {
  const ids = new Set<string>();
  for (const l of lists) if (l.PrefixListName === `com.amazonaws.${region}.s3` && l.PrefixListId) ids.add(l.PrefixListId);
  const gatewayIds = new Set(endpoints.filter((e) => isGateway(e) && endpointServes(e, "s3", region)).map((e) => e.VpcEndpointId));
  for (const t of tables) for (const r of t.Routes ?? []) if (r.DestinationPrefixListId && gatewayIds.has(r.GatewayId)) ids.add(r.DestinationPrefixListId);
  return [...ids];
}

export interface PathOptions {
  /** The subnet is IPv6-only: requests go out over IPv6. */
  ipv6?: boolean;
  /** enableDnsSupport and enableDnsHostnames, when known: private DNS of interface endpoints needs both. */
  dns?: { support: boolean; hostnames: boolean };
  /** The VPC's gateways, to judge whether a route's target still carries traffic. */
  inventory?: TargetInventory;
  /**
   * Why the VPC's endpoints are not known (`endpoints` is then empty): each path an endpoint could
   * serve carries it, unless the message's public address proves the request took the route.
   */
  endpointsUnknown?: Unknown;
  /** The VPC's CIDR blocks: an address inside them is not a public one. */
  vpcCidrs?: string[];
}

/**
 * How each destination is reached from a subnet whose route table is `table`:
 * an interface endpoint whose private DNS name takes effect answers for the
 * service's name; else an S3 gateway endpoint on the table; else the route
 * toward the address (the message's, or any internet address), and, for a NAT
 * gateway, that gateway's own subnet's route out.
 */
export function destinationPaths(
  destinations: Destination[],
  vpcRegion: string,
  table: RouteTable | null,
  endpoints: VpcEndpoint[],
  allTables: RouteTable[],
  prefixLists: ManagedPrefixList[],
  options: PathOptions = {},
): DestinationPath[] {
  const inv = options.inventory ?? {};
  const dnsOk = !options.dns || (options.dns.support && options.dns.hostnames);
  const defaultFamily = options.ipv6 ? "ipv6" as const : "ipv4" as const;
  return destinations.map((destination): DestinationPath => {
    // The address the message names decides the family (an IPv6-only subnet may still reach IPv4 through NAT64).
    const family = destination.ip ? (destination.ip.includes(":") ? "ipv6" as const : "ipv4" as const) : defaultFamily;
    const sameRegion = destination.region === vpcRegion;
    const serving = sameRegion ? endpoints.filter((e) => endpointServes(e, destination.service, vpcRegion)) : [];
    const interfaces = serving.filter(isInterface);
    const iface = interfaces.find((e) => isAvailable(e) && e.PrivateDnsEnabled !== false && !privateDnsOnlyForInbound(e));
    if (iface && dnsOk) return { destination, via: "interface-endpoint", endpoint: iface, family, filters: [] };
    const gateways = serving.filter(isGateway);
    if (destination.service === "s3" && table) {
      const gw = gateways.find((e) => isAvailable(e) && (e.RouteTableIds ?? []).includes(table.RouteTableId ?? ""));
      if (gw) return { destination, via: "gateway-endpoint", endpoint: gw, family, filters: [] };
    }
    const prefixListIds = destination.service === "s3" ? s3PrefixListIds(vpcRegion, endpoints, allTables, prefixLists) : [];
    const match = table ? routeFor(table, { ip: destination.ip, ipv6: family === "ipv6", prefixListIds }, prefixLists) : null;
    const route = match ? withTargetState(match, inv) : undefined;
    if (route && route.target.kind === "gateway-endpoint") {
      const gw = endpoints.find((e) => e.VpcEndpointId === route.target.id);
      if (gw) return { destination, via: "gateway-endpoint", endpoint: gw, route, family, filters: [] };
    }
    // An endpoint that exists but is not used (private DNS off, not on this route table) is kept for the evidence;
    // an S3 interface endpoint whose private DNS serves only inbound resolvers leaves the gateway endpoint in charge.
    const unused = interfaces.find((e) => !privateDnsOnlyForInbound(e)) ?? gateways[0] ?? interfaces[0];
    let endpointProblem: DestinationPath["endpointProblem"];
    if (iface && !dnsOk) endpointProblem = "vpc-dns-disabled";
    else if (interfaces.some((e) => isAvailable(e) && e.PrivateDnsEnabled === false)) endpointProblem = "private-dns-disabled";
    else if (serving.some((e) => !isAvailable(e))) endpointProblem = "not-available";
    else if (gateways.length > 0) endpointProblem = "not-on-route-table";
    else if (!sameRegion && destination.endpointServiceName && endpoints.some((e) => endpointServes(e, destination.service, vpcRegion))) endpointProblem = "other-region";
    const nat = route?.target.kind === "nat-gateway" && !route.blackhole ? natPathFor(route, destination.ip, allTables, prefixLists, inv) : undefined;
    const opaque = [route, nat?.route].find((m): m is RouteMatch => m !== undefined && !m.blackhole && OPAQUE_TARGETS.has(m.target.kind));
    // Endpoints unread: an endpoint could answer for the service's name, unless the message's public
    // address shows the request took the route table (a gateway endpoint's route is itself an endpoint).
    const tookRoute = destination.ip !== undefined && isPublicAddress(destination.ip, options.vpcCidrs) && route?.target.kind !== "gateway-endpoint";
    const endpointsUnknown = options.endpointsUnknown && sameRegion && destination.endpointServiceName && !tookRoute ? options.endpointsUnknown : undefined;
    return { destination, via: "internet", endpoint: iface ?? unused, route, family, endpointProblem, nat, opaque, ...(endpointsUnknown ? { endpointsUnknown } : {}), filters: [] };
  });
}

/** A NAT gateway's own way out: the route its subnet's table gives the destination's address. */
export function natPathFor(route: RouteMatch, ip: string | undefined, allTables: RouteTable[], prefixLists: ManagedPrefixList[], inv: TargetInventory): NatGatewayPath {
  const natGateway = (inv.natGateways ?? []).find((n) => n.NatGatewayId === route.target.id) ?? null;
  return natGatewayPath(natGateway, ip, allTables, prefixLists, inv);
}

function natGatewayPath(natGateway: NatGateway | null, ip: string | undefined, allTables: RouteTable[], prefixLists: ManagedPrefixList[], inv: TargetInventory): NatGatewayPath {
  const natTable = natGateway?.SubnetId ? routeTableFor(natGateway.SubnetId, allTables) : null;
  const out = natTable ? routeFor(natTable.table, { ip }, prefixLists) : null;
  return { natGateway, routeTableId: natTable?.table.RouteTableId, routeTable: natTable?.table, route: out ? withTargetState(out, inv) : undefined };
}

/**
 * The NAT gateways that can carry a pull to the internet: available, public, and whose own
 * subnet's route table sends 0.0.0.0/0 to an internet gateway attached to the VPC.
 */
export function workingNatGateways(allTables: RouteTable[], prefixLists: ManagedPrefixList[], inv: TargetInventory): NatGateway[] {
  return (inv.natGateways ?? []).filter((n) => {
    if ((n.State ?? "").toLowerCase() !== "available" || n.ConnectivityType === "private") return false;
    const out = natGatewayPath(n, undefined, allTables, prefixLists, inv).route;
    return out !== undefined && !out.blackhole && out.target.kind === "internet-gateway";
  });
}
