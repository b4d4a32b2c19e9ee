// The path the pull took, as hops with a mark each, for the text picture, the
// Mermaid flowchart and the JSON `path` key.

import { describeTarget, OPAQUE_TARGETS } from "./analysis/routes.js";
import type { DestinationPath, Evidence } from "./model/evidence.js";
import { valueOf } from "./model/fact.js";
import type { Finding, Hop, HopStatus } from "./model/report.js";

/** Finding ids that mark a hop as failed, by the resource id they name. */
function failedResources(findings: Finding[]): Set<string> {
  const out = new Set<string>();
  for (const f of findings) if (f.severity === "error") for (const ev of f.evidence) out.add(ev.resource);
  return out;
}

function mark(id: string, failed: Set<string>, otherwise: HopStatus = "pass"): HopStatus {
  return failed.has(id) ? "fail" : otherwise;
}

export function pathHops(e: Evidence, findings: Finding[]): { destination: string; hops: Hop[] }[] | undefined {
  const origin = valueOf(e.network.origin);
  if (!origin) return undefined;
  const failed = failedResources(findings);
  const paths = valueOf(e.network.destinations) ?? [];
  const rt = valueOf(e.network.routeTable);
  const start: Hop[] = [
    origin.kind === "task-eni"
      ? { kind: "network-interface", id: origin.networkInterfaceId ?? "task ENI", label: "task ENI", status: mark(origin.networkInterfaceId ?? "", failed) }
      : { kind: "instance", id: origin.instanceId ?? "instance", label: "container instance", status: mark(origin.instanceId ?? "", failed) },
    { kind: "subnet", id: origin.subnetId, label: "subnet", status: mark(origin.subnetId, failed) },
  ];
  const groups = new Map<string, DestinationPath[]>();
  for (const p of paths) {
    const key = p.via === "internet" ? `internet:${p.route?.target.id ?? "none"}` : `${p.via}:${p.endpoint?.VpcEndpointId}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const out: { destination: string; hops: Hop[] }[] = [];
  for (const group of groups.values()) {
    const destination = group.map((p) => p.destination.host).join(", ");
    const hops: Hop[] = [...start];
    const first = group[0];
    const end: Hop = {
      kind: "registry",
      id: destination,
      label: group.map((p) => p.destination.service).join(", "),
      status: group.some((p) => p.destination.failed) && findings.some((f) => f.severity === "error") ? "unknown" : "pass",
    };
    if (first.via === "interface-endpoint" && first.endpoint) {
      const id = first.endpoint.VpcEndpointId ?? "vpce";
      hops.push({ kind: "interface-endpoint", id, label: "interface endpoint", status: mark(id, failed) });
    } else {
      const tableId = rt?.table.RouteTableId ?? "no route table";
      hops.push({ kind: "route-table", id: tableId, label: rt?.main ? "main route table" : "route table", status: mark(tableId, failed) });
      if (first.via === "gateway-endpoint" && first.endpoint) {
        const id = first.endpoint.VpcEndpointId ?? "vpce";
        hops.push({ kind: "gateway-endpoint", id, label: "gateway endpoint", status: mark(id, failed) });
      } else if (first.route) {
        const t = first.route.target;
        hops.push({
          kind: t.kind,
          id: t.id,
          label: describeTarget(t).replace(` ${t.id}`, ""),
          status: first.route.blackhole ? "fail" : OPAQUE_TARGETS.has(t.kind) ? "caution" : mark(t.id, failed),
          note: OPAQUE_TARGETS.has(t.kind) ? "beyond what this account's APIs show" : undefined,
        });
        if (t.kind === "nat-gateway") {
          const nat = valueOf(e.network.natPath);
          const next = nat?.route?.target;
          if (next) hops.push({ kind: next.kind, id: next.id, label: describeTarget(next).replace(` ${next.id}`, ""), status: mark(next.id, failed) });
        }
      } else {
        hops.push({ kind: "no-route", id: "none", label: "no route", status: "fail" });
      }
    }
    hops.push(end);
    out.push({ destination, hops });
  }
  return out;
}
