// The path the pull took, as hops with a mark each, for the text picture, the
// Mermaid flowchart and the JSON `path` key. Each hop is judged from the same
// derived facts the diagnostics read (routes, targets, filters), so the hop
// that breaks is the one the findings name:
//   ENI -> security groups -> subnet -> network ACL -> route table -> NAT gateway
//       -> (NAT subnet's network ACL) -> internet gateway -> registry
//   ENI -> security groups -> subnet -> endpoint security groups -> interface endpoint -> service
// A hop we cannot see past (transit gateway, peering, VGW, appliance) is `caution`.

import { describeTarget, OPAQUE_TARGETS } from "./analysis/routes.js";
import type { DestinationPath, Evidence, FilterCheck, PullOrigin, RouteMatch } from "./model/evidence.js";
import { factValue } from "./model/fact.js";
import type { Finding, Hop, HopStatus } from "./model/report.js";

const NETWORK_IDS = new Set([
  "no-route-to-registry", "public-ip-missing", "route-blackhole", "nat-gateway-no-internet", "vpc-endpoint-missing",
  "vpc-endpoint-private-dns-disabled", "vpc-dns-disabled", "custom-dns-resolution", "vpc-endpoint-security-group-blocks",
  "vpc-endpoint-policy-denies", "security-group-egress-blocked", "network-acl-blocks", "unexplained-pull-failure", "not-a-pull-failure",
]);

const RANK: Record<HopStatus, number> = { pass: 0, unknown: 1, caution: 2, fail: 3 };

function worst(statuses: HopStatus[]): HopStatus {
  return statuses.reduce<HopStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), "pass");
}

function verdictStatus(v: FilterCheck["verdict"]): HopStatus {
  if (v === "allow") return "pass";
  if (v === "deny" || v === "partial") return "fail";
  if (v === "indeterminate") return "caution";
  return "unknown";
}

/** A hop for a set of filter checks, or none when the path crosses no such filter. */
function filterHop(kind: string, label: string, checks: FilterCheck[], id?: string): Hop | undefined {
  if (checks.length === 0) return undefined;
  const status = worst(checks.map((c) => verdictStatus(c.verdict)));
  const bad = checks.find((c) => verdictStatus(c.verdict) === status && status !== "pass");
  return { kind, id: id ?? checks[0].resource, label, status, note: bad ? shortNote(bad) : undefined };
}

/** A few words for the picture; the finding carries the full fact. */
function shortNote(c: FilterCheck): string {
  if (c.verdict === "unknown") return "could not be read";
  const may = c.verdict === "indeterminate" ? "may block" : c.verdict === "partial" ? "blocks part of" : "blocks";
  switch (c.kind) {
    case "security-group-egress":
      return `${may} outbound tcp 443 to ${c.peer}`;
    case "endpoint-security-group":
      return `${may} inbound tcp 443 from ${c.peer}`;
    case "endpoint-policy":
      return c.verdict === "indeterminate" ? `policy may deny ${c.actions?.join(", ")}` : `policy denies ${c.actions?.join(", ")}`;
    default: {
      const rule = c.denyingRule === undefined ? "" : c.denyingRule === 32767 ? ": rule * (nothing matched)" : `: rule ${c.denyingRule}`;
      const ports = c.ports ? (c.ports[0] === c.ports[1] ? `tcp ${c.ports[0]}` : `tcp ${c.ports[0]}-${c.ports[1]}`) : "tcp";
      return `${may} ${c.direction === "egress" ? "outbound" : "inbound"} ${ports}${rule}`;
    }
  }
}

function targetLabel(m: RouteMatch): string {
  return describeTarget(m.target).replace(` ${m.target.id}`, "");
}

function routeTargetHop(m: RouteMatch, note?: string): Hop {
  const opaque = OPAQUE_TARGETS.has(m.target.kind);
  return {
    kind: m.target.kind,
    id: m.target.id,
    label: targetLabel(m),
    status: m.blackhole ? "fail" : opaque ? "caution" : "pass",
    note: m.blackhole ? m.targetProblem ?? "blackhole" : opaque ? "beyond what this account's APIs show" : note,
  };
}

function hopsFor(e: Evidence, origin: PullOrigin, p: DestinationPath): Hop[] {
  const hops: Hop[] = [
    origin.kind === "task-eni"
      ? { kind: "network-interface", id: origin.networkInterfaceId ?? "task ENI", label: "task ENI", status: "pass" }
      : { kind: "instance", id: origin.instanceId ?? "instance", label: "container instance", status: "pass" },
  ];
  const of = (kind: FilterCheck["kind"], hop?: FilterCheck["hop"]) => p.filters.filter((c) => c.kind === kind && (hop === undefined || c.hop === hop));
  const sg = of("security-group-egress");
  const sgHop = filterHop("security-groups", "security groups", sg, sg[0]?.groupIds?.join(", ") || sg[0]?.resource);
  if (sgHop) hops.push(sgHop);
  hops.push({ kind: "subnet", id: origin.subnetId, label: "subnet", status: "pass" });
  const acl = filterHop("network-acl", "network ACL", of("network-acl", "task-subnet"));
  if (acl) hops.push(acl);

  if (p.via === "interface-endpoint" && p.endpoint) {
    const epSg = of("endpoint-security-group");
    const epSgHop = filterHop("endpoint-security-groups", "endpoint security groups", epSg, epSg[0]?.groupIds?.join(", ") || undefined);
    if (epSgHop) hops.push(epSgHop);
    const epAcl = filterHop("network-acl", "endpoint subnet's network ACL", of("network-acl", "endpoint-subnet"));
    if (epAcl) hops.push(epAcl);
    const policy = of("endpoint-policy");
    const service = (p.endpoint.ServiceName ?? "").split(".").slice(3).join(".");
    const ph = filterHop("interface-endpoint", `interface endpoint ${service}`, policy, p.endpoint.VpcEndpointId);
    hops.push(ph ?? { kind: "interface-endpoint", id: p.endpoint.VpcEndpointId ?? "vpce", label: `interface endpoint ${service}`, status: "pass" });
    return hops;
  }

  const rt = factValue(e.network.routeTable);
  const tableId = p.route?.routeTableId ?? rt?.table.RouteTableId ?? "no route table";
  const label = rt?.main ? "main route table" : "route table";
  const noRoute = p.via === "internet" && (!p.route || p.route.target.kind === "local");
  const lookedUp = p.destination.ip ?? (p.family === "ipv6" ? "::/0" : "0.0.0.0/0");
  hops.push({
    kind: "route-table",
    id: tableId,
    label,
    status: noRoute ? "fail" : "pass",
    note: noRoute ? (p.route ? `only the local route covers ${lookedUp}` : `no route covers ${lookedUp}`) : p.route ? `${p.route.destination} -> ${p.route.target.id}` : undefined,
  });
  if (p.via === "gateway-endpoint" && p.endpoint) {
    const policy = filterHop("gateway-endpoint", "S3 gateway endpoint", of("endpoint-policy"), p.endpoint.VpcEndpointId);
    hops.push(policy ?? { kind: "gateway-endpoint", id: p.endpoint.VpcEndpointId ?? "vpce", label: "S3 gateway endpoint", status: "pass" });
    return hops;
  }
  if (!p.route || noRoute) return hops;

  const target = routeTargetHop(p.route);
  if (p.route.target.kind === "internet-gateway" && !p.route.blackhole && p.family === "ipv4") {
    const ip = origin.publicIp;
    if (ip.state !== "known") target.status = "unknown";
    else if (!ip.value) {
      target.status = "fail";
      target.note = `${origin.kind === "task-eni" ? "the task" : `instance ${origin.instanceId}`} has no public IP`;
    }
  }
  hops.push(target);
  if (p.route.target.kind !== "nat-gateway" || p.route.blackhole || !p.nat) return hops;

  const nat = p.nat;
  const isPrivate = nat.natGateway?.ConnectivityType === "private";
  const natAcl = filterHop("network-acl", "NAT subnet's network ACL", of("network-acl", "nat-subnet"));
  if (natAcl) hops.push(natAcl);
  if (!nat.route || nat.route.target.kind === "local") {
    target.status = "fail";
    target.note = `its subnet ${nat.natGateway?.SubnetId ?? ""} has no route to an internet gateway`.replace("  ", " ");
    return hops;
  }
  const out = routeTargetHop(nat.route);
  if (isPrivate && !nat.route.blackhole && nat.route.target.kind === "internet-gateway") {
    target.status = "fail";
    target.note = "a private NAT gateway cannot use an internet gateway";
    out.status = "unknown";
  } else if (!nat.route.blackhole && !OPAQUE_TARGETS.has(nat.route.target.kind) && nat.route.target.kind !== "internet-gateway") {
    target.status = "fail";
    target.note = `its subnet routes ${nat.route.destination} to ${nat.route.target.id}, not to an internet gateway`;
  }
  hops.push(out);
  return hops;
}

/** What people call each place the pull goes. */
const SERVICE_LABEL: Record<string, string> = {
  "ecr-api": "ECR API", "ecr-dkr": "ECR registry", s3: "S3 (layers)", logs: "CloudWatch Logs",
  secretsmanager: "Secrets Manager", ssm: "SSM", kms: "KMS", registry: "registry",
};

function registryHop(group: DestinationPath[], before: Hop[], findings: Finding[]): Hop {
  const id = group.map((p) => p.destination.host).join(", ");
  const label = group.map((p) => SERVICE_LABEL[p.destination.service] ?? p.destination.service).join(" + ");
  let status: HopStatus = "pass";
  if (before.some((h) => h.status === "fail" || h.status === "caution" || h.status === "unknown")) status = "unknown";
  else if (group.some((p) => p.destination.failed)) {
    // The path is clear and the message names this host: the registry's own answer (a missing tag, a denied pull) is the break.
    status = findings.some((f) => f.severity === "error" && !NETWORK_IDS.has(f.id)) ? "fail" : "unknown";
  }
  return { kind: "registry", id, label, status };
}

export function pathHops(e: Evidence, findings: Finding[]): { destination: string; hops: Hop[] }[] | undefined {
  const origin = factValue(e.network.origin);
  if (!origin) return undefined;
  const paths = factValue(e.network.destinations) ?? [];
  // Destinations whose hops are the same share one line.
  const groups = new Map<string, { hops: Hop[]; paths: DestinationPath[] }>();
  for (const p of paths) {
    const hops = hopsFor(e, origin, p);
    const key = hops.map((h) => `${h.kind}:${h.id}:${h.status}`).join(">");
    const g = groups.get(key) ?? { hops, paths: [] };
    g.paths.push(p);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ hops, paths: group }) => {
    const end = registryHop(group, hops, findings);
    return { destination: end.id, hops: [...hops, end] };
  });
}
