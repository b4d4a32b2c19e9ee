// The endpoints a task reaches at start, and how each one is reached from the
// pull's subnet: an interface endpoint with private DNS, the S3 gateway
// endpoint on the subnet's route table, or the route toward the internet.

import type { ManagedPrefixList, RouteTable, TaskDefinition, VpcEndpoint } from "../model/aws.js";
import type { ContainerFailure, Destination, DestinationPath, ServiceName } from "../model/evidence.js";
import type { ImageRef } from "./image-ref.js";
import { shortRef } from "./image-ref.js";
import { routeFor } from "./routes.js";

const SERVICE_SUFFIX: Partial<Record<ServiceName, string>> = {
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

/** The destinations a task needs at start, from its images, log driver and secrets. */
export function neededDestinations(
  images: ImageRef[],
  taskDefinition: TaskDefinition | null | undefined,
  region: string,
  failures: ContainerFailure[],
): Destination[] {
  const out: Destination[] = [];
  const add = (d: Destination) => {
    if (!out.some((o) => o.service === d.service && o.host === d.host)) out.push(d);
  };
  for (const ref of images) {
    const why = `image ${shortRef(ref)}`;
    if (ref.kind === "ecr" && ref.region) {
      const r = ref.region;
      add({ service: "ecr-api", host: `api.ecr.${r}.amazonaws.com`, region: r, why, endpointServiceName: endpointServiceName("ecr-api", r) });
      add({ service: "ecr-dkr", host: ref.host, region: r, why, endpointServiceName: endpointServiceName("ecr-dkr", r) });
      add({ service: "s3", host: `prod-${r}-starport-layer-bucket.s3.${r}.amazonaws.com`, region: r, why: `layers of ${why}`, endpointServiceName: endpointServiceName("s3", r) });
    } else {
      add({ service: "registry", host: ref.host, region, why });
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
      if (f.signals.ip) d.ip = f.signals.ip;
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

/** How each destination is reached from a subnet whose route table is `table`. */
export function destinationPaths(
  destinations: Destination[],
  vpcRegion: string,
  table: RouteTable | null,
  endpoints: VpcEndpoint[],
  allTables: RouteTable[],
  prefixLists: ManagedPrefixList[],
): DestinationPath[] {
  return destinations.map((destination) => {
    const sameRegion = destination.region === vpcRegion;
    const serving = sameRegion ? endpoints.filter((e) => endpointServes(e, destination.service, vpcRegion)) : [];
    const iface = serving.find((e) => isInterface(e) && isAvailable(e) && e.PrivateDnsEnabled !== false);
    if (iface) return { destination, via: "interface-endpoint", endpoint: iface };
    if (destination.service === "s3" && table) {
      const gw = serving.find((e) => isGateway(e) && isAvailable(e) && (e.RouteTableIds ?? []).includes(table.RouteTableId ?? ""));
      if (gw) return { destination, via: "gateway-endpoint", endpoint: gw };
    }
    const prefixListIds = destination.service === "s3" ? s3PrefixListIds(vpcRegion, endpoints, allTables, prefixLists) : [];
    const route = table ? routeFor(table, { ip: destination.ip, prefixListIds }, prefixLists) ?? undefined : undefined;
    // An endpoint that exists but is not used (private DNS off, not on this route table) is kept for the evidence.
    const unused = serving.find((e) => isInterface(e)) ?? serving.find((e) => isGateway(e));
    if (route && route.target.kind === "gateway-endpoint") {
      const gw = endpoints.find((e) => e.VpcEndpointId === route.target.id);
      if (gw) return { destination, via: "gateway-endpoint", endpoint: gw, route };
    }
    return { destination, via: "internet", endpoint: unused, route };
  });
}
