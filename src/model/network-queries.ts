// Questions the network diagnostics share about the pull's path, answered
// from the evidence model's derived facts (never re-derived from raw routes).

import { isEgressTarget, routesText } from "../analysis/routes.js";
import { type CheckResult, notApplicable, skip } from "../diagnostic.js";
import type { DestinationPath, Evidence, FilterCheck, PullOrigin, RouteMatch } from "./evidence.js";
import { factValue, unknownReason } from "./fact.js";
import { originLabel } from "./queries.js";

/** The pull's origin and the paths of its destinations, or why a network check cannot run. */
export function networkPaths(e: Evidence): { origin: PullOrigin; paths: DestinationPath[] } | CheckResult {
  if (e.network.origin.state !== "known") return skip("cannot tell where the pull left from", e.network.origin);
  const origin = e.network.origin.value;
  if (!origin) return notApplicable;
  if (e.network.destinations.state !== "known") return skip("cannot read the subnet's routes or endpoints", e.network.destinations);
  return { origin, paths: e.network.destinations.value };
}

/** As networkPaths, for the checks that judge the VPC's endpoints: skipped while the endpoints are unread. */
export function endpointPaths(e: Evidence): { origin: PullOrigin; paths: DestinationPath[] } | CheckResult {
  const n = networkPaths(e);
  if (isCheckResult(n)) return n;
  if (e.network.vpcEndpoints.state !== "known") return skip("cannot read the VPC's endpoints", e.network.vpcEndpoints);
  return n;
}

/**
 * The skip for a check that would fire only on paths an unread endpoint could serve (the route
 * table decides them only if no endpoint does); undefined when none of `paths` is such a path.
 */
export function undecided(paths: DestinationPath[], what: string): CheckResult | undefined {
  const open = paths.filter((p) => p.endpointsUnknown);
  const u = open[0]?.endpointsUnknown;
  return u ? skip(`${what} for ${hostsText(open)}, unless a VPC endpoint serves it: the VPC's endpoints could not be read`, u) : undefined;
}

/** For an explanation made while the VPC's endpoints are unread: what could not be read, and why the route table still decides. */
export function endpointsNote(e: Evidence, paths: DestinationPath[]): string {
  const u = e.network.vpcEndpoints;
  if (u.state === "known") return "";
  // An AWS service's address that carries no marker is a public one (src/analysis/destinations.ts).
  const ip = paths.find((p) => p.destination.ip && p.destination.endpointServiceName && !p.endpointsUnknown)?.destination.ip;
  return ` The VPC's endpoints could not be read (${unknownReason(u)})` +
    (ip ? `; the message names ${ip}, a public address, so no interface endpoint answered for the name and the request took the route table.` : ".");
}

export function isCheckResult(x: unknown): x is CheckResult {
  return typeof x === "object" && x !== null && "status" in x;
}

/** The route (and, behind a NAT gateway, the NAT's own route) carries the request out of the VPC. */
export function internetPathWorks(p: DestinationPath): boolean {
  const r = p.route;
  if (!r || r.blackhole || !isEgressTarget(r.target.kind)) return false;
  if (r.target.kind === "nat-gateway") {
    const n = p.nat;
    if (!n?.natGateway || !n.route || n.route.blackhole || !isEgressTarget(n.route.target.kind)) return false;
    if (n.route.target.kind === "internet-gateway" && n.natGateway.ConnectivityType === "private") return false;
  }
  return true;
}

/** "rtb-0priv (main route table)" / "rtb-0priv (associated with subnet-0priv)". */
export function routeTableLabel(e: Evidence, origin: PullOrigin): string {
  const rt = factValue(e.network.routeTable);
  if (!rt) return "no route table";
  return `${rt.table.RouteTableId} (${rt.main ? `the VPC's main route table: ${origin.subnetId} has no explicit association` : `associated with ${origin.subnetId}`})`;
}

/** Which route table applies and why: "route table associated with subnet-0priv" / "the VPC's main route table (...)". */
export function routeTableRole(e: Evidence, origin: PullOrigin): string {
  const rt = factValue(e.network.routeTable);
  if (!rt) return "no route table";
  return rt.main ? `the VPC's main route table (${origin.subnetId} has no explicit association)` : `route table associated with ${origin.subnetId}`;
}

/** The route table's routes, for evidence. */
export function routeTableFact(e: Evidence): string {
  const rt = factValue(e.network.routeTable);
  return rt ? `routes: ${routesText(rt.table) || "none"}` : "the VPC has no route table for this subnet";
}

/** The address a route lookup was made for, as text. */
export function lookedUp(p: DestinationPath): string {
  return p.destination.ip ?? (p.family === "ipv6" ? "::/0" : "0.0.0.0/0");
}

export function routeText(m: RouteMatch): string {
  return `route ${m.destination} -> ${m.target.id}${m.route.State ? ` (state ${m.route.State})` : ""}`;
}

/**
 * Where the pull leaves from, with what differs by launch type and platform version:
 * an EC2 task pulls through its container instance whatever its network mode, and
 * Fargate 1.3.0 and older fetch the ECR token and secrets outside the task's VPC.
 */
export function originNote(e: Evidence, origin: PullOrigin): string {
  if (origin.kind === "container-instance") {
    const mode = factValue(e.taskDefinition)?.networkMode ?? "bridge";
    return ` On the EC2 launch type the container agent and Docker on the instance pull the image, so the pull leaves from container instance ${origin.instanceId}'s primary network interface, its subnet and its security groups, whatever the task's network mode (${mode}).`;
  }
  if (origin.legacyPlatform) {
    return ` On Fargate platform version ${origin.legacyPlatform}, Fargate's own network interface, outside this VPC, fetches the ECR token and the secrets; the task's interface carries the registry, layer and log traffic (platform version 1.4.0 and later carry everything through the task's interface).`;
  }
  return "";
}

/** One line naming where the pull leaves from. */
export function originEvidence(origin: PullOrigin): { resource: string; fact: string } {
  // A task whose ENI attachment is not recorded: say where its subnet was read from.
  const from = origin.kind === "task-eni" && !origin.networkInterfaceId ? ` (${origin.readFrom})` : "";
  return { resource: origin.kind === "task-eni" ? origin.networkInterfaceId ?? origin.subnetId : origin.instanceId ?? origin.subnetId, fact: `the pull leaves from ${originLabel(origin)}${from}` };
}

/** The filters of one kind on the paths, with the paths they sit on. */
export function filtersOf(paths: DestinationPath[], kind: FilterCheck["kind"]): { path: DestinationPath; check: FilterCheck }[] {
  return paths.flatMap((path) => path.filters.filter((c) => c.kind === kind).map((check) => ({ path, check })));
}

/** Severity and certainty of a filter verdict that blocks (or may block) the pull. */
export function blockStrength(v: FilterCheck["verdict"]): { severity: "error" | "warning"; certainty: "proven" | "likely" | "possible" } | undefined {
  if (v === "deny") return { severity: "error", certainty: "proven" };
  if (v === "partial") return { severity: "error", certainty: "likely" };
  if (v === "indeterminate") return { severity: "warning", certainty: "possible" };
  return undefined;
}

export function hostsText(paths: DestinationPath[]): string {
  return [...new Set(paths.map((p) => p.destination.host))].join(", ");
}
