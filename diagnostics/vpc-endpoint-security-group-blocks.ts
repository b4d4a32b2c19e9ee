import { defineDiagnostic, type DraftFinding, fail, notApplicable, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { authorizeIngressCommand } from "../src/fixes.js";
import type { DestinationPath, FilterCheck } from "../src/model/evidence.js";
import { factValue } from "../src/model/fact.js";
import { blockStrength, endpointPaths, filtersOf, hostsText, isCheckResult, originEvidence, originNote } from "../src/model/network-queries.js";
import { DOCS, originLabel } from "../src/model/queries.js";

/** An interface endpoint's security groups must admit the task on TCP 443. */
export default defineDiagnostic({
  id: "vpc-endpoint-security-group-blocks",
  title: "The interface endpoints' security groups admit the task on TCP 443",
  docs: [DOCS.ecrEndpoints, DOCS.interfaceEndpoints, DOCS.securityGroupRules],
  messageKinds: ["timeout", "canceled"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = endpointPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    const checks = filtersOf(paths, "endpoint-security-group");
    if (checks.length === 0) return notApplicable;
    // One finding per set of groups: endpoints that share their groups share the break and the fix.
    const byEndpoint = new Map<string, { check: FilterCheck; paths: DestinationPath[] }>();
    for (const { path, check } of checks) {
      if (!blockStrength(check.verdict)) continue;
      const key = `${(check.groupIds ?? []).join(",")} ${check.verdict}`;
      const entry = byEndpoint.get(key) ?? { check, paths: [] };
      entry.paths.push(path);
      byEndpoint.set(key, entry);
    }
    if (byEndpoint.size === 0) {
      const unread = checks.find((c) => c.check.verdict === "unknown");
      return unread ? skip(`cannot read the security groups of ${unread.check.resource}`, unread.check.unknown) : pass();
    }
    const taskGroups = factValue(origin.securityGroupIds) ?? [];
    const subnetCidr = factValue(e.network.subnet)?.CidrBlock;
    const findings: DraftFinding[] = [];
    for (const { check, paths: carried } of byEndpoint.values()) {
      const strength = blockStrength(check.verdict)!;
      const group = check.groupIds?.[0] ?? "ENDPOINT_SG_ID";
      const ids = [...new Set(carried.map((p) => p.endpoint?.VpcEndpointId ?? check.resource))];
      const endpointId = ids.join(", ");
      const service = [...new Set(carried.map((p) => (p.endpoint?.ServiceName ?? "").split(".").slice(3).join(".")))].join(", ");
      findings.push({
        ...strength,
        title:
          check.verdict === "indeterminate"
            ? `Security group ${(check.groupIds ?? []).join(", ")} of ${endpointId} (${service}) may not admit the task on TCP 443`
            : `Security group ${(check.groupIds ?? []).join(", ")} of interface endpoint${ids.length > 1 ? "s" : ""} ${endpointId} (${service}) does not admit the task on TCP 443`,
        explanation:
          `The pull leaves from ${originLabel(origin)} and reaches ${hostsText(carried)} through interface endpoint${ids.length > 1 ? "s" : ""} ${endpointId}. ` +
          `An interface endpoint's network interfaces filter what comes in by their security groups (${(check.groupIds ?? []).join(", ")}), and ` +
          (check.verdict === "partial" ? "they admit only part of the task's addresses on TCP 443" : "none of their inbound rules admits TCP 443 from the task's address or security groups") +
          ", so the connection is dropped and times out. (The reply needs no rule: security groups are stateful.)" +
          originNote(e, origin),
        evidence: [
          ...carried.filter((p, i) => carried.findIndex((q) => q.endpoint?.VpcEndpointId === p.endpoint?.VpcEndpointId) === i).map((p) => ({ resource: p.endpoint?.VpcEndpointId ?? check.resource, fact: p.filters.find((c) => c.kind === "endpoint-security-group")?.fact ?? check.fact })),
          { resource: check.groupIds?.[0] ?? endpointId, fact: `inbound tcp 443 from ${check.peer}: ${check.verdict}` },
          originEvidence(origin),
        ],
        fixes: [
          {
            summary: `Let ${group} admit TCP 443 from the task's security group${taskGroups[0] ? ` ${taskGroups[0]}` : ""}${subnetCidr ? ` (or from its subnet ${subnetCidr})` : ""}.`,
            steps: [`VPC console > Security groups > ${group} > Inbound rules > Edit: add HTTPS (TCP 443) from ${taskGroups[0] ?? "the tasks' security group"}.`],
            commands: [
              taskGroups[0]
                ? authorizeIngressCommand(e, group, { groupId: taskGroups[0] })
                : authorizeIngressCommand(e, group, { cidr: subnetCidr ?? "TASK_SUBNET_CIDR" }),
            ],
            docs: [DOCS.ecrEndpoints, DOCS.securityGroupRules],
          },
        ],
      });
    }
    return fail(...findings);
  },
});
