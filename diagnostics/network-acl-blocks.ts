import { EPHEMERAL_RECOMMENDED, NAT_GATEWAY_PORTS, portRangeText } from "../src/analysis/filters.js";
import { defineDiagnostic, type DraftFinding, fail, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { networkAclEntryCommand } from "../src/fixes.js";
import type { DestinationPath, FilterCheck } from "../src/model/evidence.js";
import { blockStrength, filtersOf, hostsText, isCheckResult, networkPaths, originEvidence, originNote } from "../src/model/network-queries.js";
import { DOCS, originLabel } from "../src/model/queries.js";

const HOP: Record<NonNullable<FilterCheck["hop"]>, string> = {
  "task-subnet": "the subnet the pull leaves from",
  "nat-subnet": "the NAT gateway's subnet",
  "endpoint-subnet": "the interface endpoint's subnet",
  "mount-target-subnet": "the EFS mount target's subnet",
};

/** What the packets judged are, in the words of the flow. */
function flow(check: FilterCheck): string {
  const ports = portRangeText(check.ports ?? [443, 443]);
  if (check.direction === "egress") return check.ports?.[0] === 443 ? `outbound TCP 443 to ${check.peer}` : `outbound return traffic to ${check.peer} on ports ${ports}`;
  if (check.ports?.[0] === 443) return `inbound TCP 443 from ${check.peer}`;
  return check.hop === "nat-subnet" ? `inbound return traffic from ${check.peer} to the NAT gateway's ports ${ports}` : `inbound return traffic from ${check.peer} on ephemeral ports ${ports}`;
}

/** What the ACL must let through at this hop, in one sentence. */
function needs(check: FilterCheck): string {
  if (check.hop === "nat-subnet") {
    return "At the NAT gateway's subnet four flows cross the ACL: the task's request in on TCP 443, the request out to the registry on TCP 443, the reply in from the registry to the ports the NAT gateway translated to (1024-65535), and the reply out to the task's ephemeral port. ";
  }
  if (check.hop === "endpoint-subnet") return "At the endpoint's subnet the task's request comes in on TCP 443 and the reply goes back out to the task's ephemeral port. ";
  return "The request out on TCP 443 and the reply coming back to the client's ephemeral port (32768-60999 on Linux, 49152-65535 on Windows) each need an allow rule. ";
}

/** The ports an allow rule should open: 443 for requests; the full ephemeral range AWS recommends for replies. */
function fixPorts(check: FilterCheck): [number, number] {
  if (check.ports?.[0] === 443 && check.ports[1] === 443) return [443, 443];
  return check.hop === "nat-subnet" && check.direction === "ingress" ? NAT_GATEWAY_PORTS : EPHEMERAL_RECOMMENDED;
}

/** Network ACLs are stateless and read in rule-number order: requests out on 443 and replies in on ephemeral ports must both be allowed. */
export default defineDiagnostic({
  id: "network-acl-blocks",
  title: "The network ACLs on the pull's path allow TCP 443 out and the replies back",
  docs: [DOCS.networkAcls, DOCS.cannotPull],
  messageKinds: ["timeout", "canceled"],
  stages: OUTBOUND_STAGES,
  check(e) {
    const n = networkPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    const checks = filtersOf(paths, "network-acl");
    const blocked = new Map<string, { check: FilterCheck; paths: DestinationPath[] }>();
    for (const { path, check } of checks) {
      if (!blockStrength(check.verdict)) continue;
      const key = `${check.resource} ${check.subnetId} ${check.direction} ${portRangeText(check.ports ?? [0, 0])} ${check.verdict}`;
      const entry = blocked.get(key) ?? { check, paths: [] };
      entry.paths.push(path);
      blocked.set(key, entry);
    }
    if (blocked.size === 0) {
      const unread = checks.find((c) => c.check.verdict === "unknown");
      return unread ? skip("cannot read the network ACLs on the pull's path", unread.check.unknown) : pass();
    }
    const findings: DraftFinding[] = [];
    for (const { check, paths: carried } of blocked.values()) {
      const strength = blockStrength(check.verdict)!;
      const acl = check.resource;
      const egress = check.direction === "egress";
      const ports = fixPorts(check);
      const denying = check.denyingRule;
      const explicit = denying !== undefined && denying !== 32767;
      // A few private CIDRs (an endpoint's subnets, the task's address) get a rule each; a public set (a prefix list) one broad rule.
      const peerCidrs = check.peerCidrs ?? ["0.0.0.0/0"];
      const cidrs = peerCidrs.length <= 2 ? peerCidrs : [peerCidrs[0].includes(":") ? "::/0" : "0.0.0.0/0"];
      const ruleNumber = check.freeRuleNumber;
      const commands = cidrs.map((cidr, i) =>
        ruleNumber !== undefined
          ? networkAclEntryCommand(e, { aclId: acl, ruleNumber: Math.max(1, ruleNumber - i), egress, ports, cidr })
          : networkAclEntryCommand(e, { aclId: acl, ruleNumber: denying ?? 100, egress, ports, cidr, replace: true }),
      );
      findings.push({
        ...strength,
        title:
          check.verdict === "indeterminate"
            ? `Network ACL ${acl} (subnet ${check.subnetId}) may block ${flow(check)}`
            : `Network ACL ${acl} (subnet ${check.subnetId}) blocks ${flow(check)}`,
        explanation:
          `The pull to ${hostsText(carried)} leaves from ${originLabel(origin)}, and its packets cross network ACL ${acl} of ${HOP[check.hop ?? "task-subnet"]} (${check.subnetId}). ` +
          "A network ACL is stateless: it reads its rules in rule-number order, the first rule that matches a packet decides, and the final rule * denies whatever nothing matched. " +
          needs(check) +
          (check.verdict === "indeterminate"
            ? `${check.fact}.`
            : `Here ${check.fact}, so ${egress ? "the packets never leave" : "the packets are dropped on the way back"} and the connection times out.`) +
          (explicit ? ` Rule ${denying} denies before any allow is read: an allow must have a lower number to win.` : "") +
          originNote(e, origin),
        evidence: [{ resource: acl, fact: check.fact }, originEvidence(origin)],
        fixes: [
          {
            summary:
              ruleNumber !== undefined
                ? `Add rule ${ruleNumber} to ${acl} allowing ${egress ? "outbound" : "inbound"} TCP ${portRangeText(ports)} ${egress ? "to" : "from"} ${cidrs.join(", ")}${explicit ? ` (below rule ${denying}, so it is read first)` : ""}.`
                : `Replace rule ${denying} of ${acl} with an allow for ${egress ? "outbound" : "inbound"} TCP ${portRangeText(ports)}.`,
            steps: [`VPC console > Network ACLs > ${acl} > ${egress ? "Outbound" : "Inbound"} rules > Edit: add the rule above.`],
            commands,
            docs: [DOCS.networkAcls],
          },
        ],
      });
    }
    return fail(...findings);
  },
});
