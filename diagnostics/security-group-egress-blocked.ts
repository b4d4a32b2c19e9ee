import { defineDiagnostic, type DraftFinding, fail, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { authorizeEgressCommand, type RulePeer } from "../src/fixes.js";
import type { DestinationPath, FilterCheck } from "../src/model/evidence.js";
import { blockStrength, filtersOf, hostsText, isCheckResult, networkPaths, originEvidence, originNote } from "../src/model/network-queries.js";
import { DOCS, originLabel } from "../src/model/queries.js";

/** What to open: the endpoint's group, the S3 prefix list, or the internet on 443. */
function rulePeer(p: DestinationPath, check: FilterCheck): RulePeer {
  if (p.via === "interface-endpoint" && check.peerGroupId) return { groupId: check.peerGroupId };
  if (check.peerPrefixListId && p.via === "gateway-endpoint") return { prefixListId: check.peerPrefixListId };
  return p.family === "ipv6" ? { ipv6Cidr: "::/0" } : { cidr: "0.0.0.0/0" };
}

function peerText(r: RulePeer): string {
  return r.groupId ? `security group ${r.groupId}` : r.prefixListId ? `prefix list ${r.prefixListId}` : (r.cidr ?? r.ipv6Cidr ?? "");
}

/** The security groups of the interface the pull leaves from must let TCP 443 out toward each destination. */
export default defineDiagnostic({
  id: "security-group-egress-blocked",
  title: "The security groups of the pull's interface allow outbound TCP 443 to every destination",
  docs: [DOCS.securityGroups, DOCS.securityGroupRules, DOCS.cannotPull],
  messageKinds: ["timeout", "canceled"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    const checks = filtersOf(paths, "security-group-egress");
    // Group by what to open, so one finding names every destination the same rule would let through.
    const blocked = new Map<string, { check: FilterCheck; peer: RulePeer; paths: DestinationPath[]; peers: string[] }>();
    for (const { path, check } of checks) {
      if (!blockStrength(check.verdict)) continue;
      const peer = rulePeer(path, check);
      const key = `${check.verdict} ${peerText(peer)}`;
      const entry = blocked.get(key) ?? { check, peer, paths: [], peers: [] };
      entry.paths.push(path);
      if (!entry.peers.includes(check.peer)) entry.peers.push(check.peer);
      blocked.set(key, entry);
    }
    if (blocked.size === 0) {
      const unread = checks.find((c) => c.check.verdict === "unknown");
      return unread ? skip("cannot read the security groups of the pull's interface", unread.check.unknown) : pass();
    }
    const findings: DraftFinding[] = [];
    for (const { check, peer, paths: carried, peers } of blocked.values()) {
      const strength = blockStrength(check.verdict)!;
      const groups = check.groupIds ?? [];
      const target = peerText(peer);
      const who = origin.kind === "task-eni" ? "task" : `container instance ${origin.instanceId}`;
      findings.push({
        ...strength,
        title:
          check.verdict === "indeterminate"
            ? `The ${who}'s security groups ${groups.join(", ")} may not allow outbound TCP 443 to ${hostsText(carried)}`
            : `The ${who}'s security groups ${groups.join(", ")} block outbound TCP 443 to ${hostsText(carried)}`,
        explanation:
          `The pull leaves from ${originLabel(origin)}, whose security groups (${groups.join(", ")}) decide what may go out; their outbound rules are added together, and a connection no rule allows is dropped. ` +
          (check.verdict === "deny"
            ? `No outbound rule allows TCP 443 to ${peers.join(" or ")}, where ${hostsText(carried)} ${carried.length > 1 ? "are" : "is"} reached, so the connection times out.`
            : check.verdict === "partial"
              ? `Outbound rules allow TCP 443 to only part of ${peers.join(" and ")}, so some of the connections time out.`
              : `Outbound rules allow TCP 443 only to some public addresses; whether ${hostsText(carried)}'s addresses are among them cannot be seen, and they change.`) +
          originNote(e, origin),
        evidence: [
          ...carried
            .map((p) => p.filters.find((c) => c.kind === "security-group-egress")?.fact ?? check.fact)
            .filter((f, i, all) => all.indexOf(f) === i)
            .map((fact) => ({ resource: groups[0] ?? "security group", fact })),
          originEvidence(origin),
        ],
        fixes: [
          {
            summary: `Allow outbound TCP 443 from ${groups[0] ?? "the task's security group"} to ${target}.`,
            steps: [`VPC console > Security groups > ${groups[0] ?? "the group"} > Outbound rules > Edit: add HTTPS (TCP 443) to ${target}.`],
            commands: [authorizeEgressCommand(e, groups[0] ?? "SG_ID", peer)],
            docs: [DOCS.securityGroupRules],
          },
        ],
      });
    }
    return fail(...findings);
  },
});
