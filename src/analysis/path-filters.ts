// The filters on one destination's path, judged once for the evidence model:
// the security groups of the interface the pull leaves from, the network ACLs
// of every subnet boundary the packets cross (the task's subnet, the NAT
// gateway's, the interface endpoint's), the interface endpoint's security
// groups, and the endpoint policies. Pure: the collector hands in what it read.

import type { ManagedPrefixList, NetworkAcl, SecurityGroup, Subnet } from "../model/aws.js";
import type { DestinationPath, FilterCheck, PullOrigin } from "../model/evidence.js";
import { type Fact, unknown, type Unknown } from "../model/fact.js";
import {
  type AclVerdict, type Direction, egressAllows, ephemeralPorts, freeRuleNumber, ingressAllows, NAT_GATEWAY_PORTS,
  networkAclAllows, type Peer, portRangeText, type SecurityGroupVerdict,
} from "./filters.js";
import { evaluateResourcePolicy, type Evaluation } from "./iam-policy.js";

export interface FilterInputs {
  origin: PullOrigin;
  /** The subnet the pull leaves from (its CIDR stands in for the task's address when that is not known). */
  subnet: Subnet | null;
  /** The security groups read: the origin's and the interface endpoints'. */
  securityGroups: Fact<SecurityGroup[]>;
  /** The origin subnet's network ACL. */
  networkAcl: Fact<NetworkAcl | null>;
  /** The network ACLs of the NAT gateways' and endpoints' subnets. */
  otherNetworkAcls: Fact<NetworkAcl[]>;
  endpointSubnets: Fact<Subnet[]>;
  prefixLists: ManagedPrefixList[];
  /** Prefix lists that hold S3's addresses in the region. */
  s3PrefixListIds: string[];
}

const HTTPS = 443;

function notRead(u: Unknown, base: Omit<FilterCheck, "verdict" | "fact" | "unknown">, what: string): FilterCheck {
  return { ...base, verdict: "unknown", fact: `${what} could not be read`, unknown: u };
}

/** The task's own address as a peer: its private IP, else its subnet. */
function taskPeer(i: FilterInputs): Peer {
  const cidrs = i.origin.privateIp ? [`${i.origin.privateIp}/32`] : i.subnet?.CidrBlock ? [i.subnet.CidrBlock] : undefined;
  const groupIds = i.origin.securityGroupIds.state === "known" ? i.origin.securityGroupIds.value : [];
  const who = i.origin.kind === "task-eni" ? "the task" : `instance ${i.origin.instanceId ?? ""}`.trim();
  return { family: "ipv4", cidrs, groupIds, label: cidrs ? `${who} (${cidrs.join(", ")})` : who };
}

/** The far end of the destination's path, as the task's packets address it. */
function destinationPeer(p: DestinationPath, i: FilterInputs, endpointSubnets: Subnet[]): Peer {
  const d = p.destination;
  if (p.via === "interface-endpoint" && p.endpoint) {
    const subnets = endpointSubnets.filter((s) => (p.endpoint?.SubnetIds ?? []).includes(s.SubnetId ?? ""));
    const cidrs = subnets.map((s) => s.CidrBlock ?? "").filter(Boolean);
    const groupIds = (p.endpoint.Groups ?? []).map((g) => g.GroupId ?? "").filter(Boolean);
    return { family: "ipv4", cidrs: cidrs.length > 0 ? cidrs : undefined, groupIds, label: `${p.endpoint.VpcEndpointId} (${cidrs.join(", ") || "its subnets"})` };
  }
  const s3Lists = d.service === "s3" ? i.s3PrefixListIds : [];
  if (d.ip) return { family: p.family, cidrs: [`${d.ip}/${d.ip.includes(":") ? 128 : 32}`], prefixListIds: [], label: d.ip };
  if (p.via === "gateway-endpoint" || s3Lists.length > 0) {
    const entries = i.prefixLists.filter((l) => s3Lists.includes(l.PrefixListId ?? "")).flatMap((l) => (l.Entries ?? []).map((e) => e.Cidr ?? "")).filter(Boolean);
    return { family: p.family, cidrs: entries.length > 0 ? entries : undefined, prefixListIds: s3Lists, label: `the S3 prefix list${s3Lists.length ? ` ${s3Lists.join(", ")}` : ""}` };
  }
  return { family: p.family, label: p.family === "ipv6" ? "the internet (::/0)" : "the internet (0.0.0.0/0)" };
}

function sgFact(v: SecurityGroupVerdict, direction: Direction, peer: Peer, host: string): string {
  const way = direction === "egress" ? "outbound" : "inbound";
  const to = direction === "egress" ? "to" : "from";
  const groups = v.groupIds.join(", ");
  const others = v.otherRules.length > 0 ? `; their ${way} rules for tcp 443 name only: ${v.otherRules.slice(0, 4).map((r) => r.replace(/^sg-\S+ \S+ /, "")).join("; ")}` : `; they have no ${way} rule for tcp 443 at all`;
  switch (v.verdict) {
    case "allow":
      return `${v.allowedBy[0]}`;
    case "deny":
      return `no ${way} rule of ${groups} allows tcp 443 ${to} ${peer.label}${others}`;
    case "partial":
      return `${way} rules of ${groups} allow tcp 443 ${to} only part of ${peer.label}: ${v.allowedBy.join("; ")}`;
    default:
      return `${way} rules of ${groups} allow tcp 443 only ${to} ${v.allowedBy.map((r) => r.split(` ${to} `).pop()).join(", ")}; whether ${host}'s public addresses are among them cannot be seen`;
  }
}

function aclFact(v: AclVerdict, subnetId: string | undefined, direction: Direction, ports: [number, number], peer: Peer): string {
  const way = direction === "egress" ? "outbound" : "inbound";
  const to = direction === "egress" ? "to" : "from";
  const what = `${way} tcp ${portRangeText(ports)} ${to} ${peer.label}`;
  const rules = v.decidedBy.map((r) => r.text).join(", then ");
  const where = `${v.aclId}${subnetId ? ` (subnet ${subnetId})` : ""}`;
  switch (v.verdict) {
    case "allow":
      return `${where} allows ${what}: ${rules}`;
    case "deny":
      return `${where} denies ${what}: ${rules}${v.denyingRule?.ruleNumber === 32767 ? "" : " (first match wins)"}`;
    case "partial":
      return `${where} denies part of ${what}${v.blockedPorts.length > 0 ? ` (ports ${v.blockedPorts.map(portRangeText).join(", ")})` : ""}: ${rules}`;
    default:
      return `${where} lets ${what} through only for some addresses: ${rules}; whether the registry's addresses pass cannot be seen`;
  }
}

export function aclCheck(
  acl: NetworkAcl,
  hop: NonNullable<FilterCheck["hop"]>,
  subnetId: string | undefined,
  direction: Direction,
  ports: [number, number],
  peer: Peer,
  fixPeer: { cidrs?: string[]; label: string },
): FilterCheck {
  const v = networkAclAllows(acl, direction, ports, peer);
  const denying = v.denyingRule?.ruleNumber;
  return {
    kind: "network-acl",
    verdict: v.verdict,
    resource: v.aclId,
    subnetId,
    direction,
    hop,
    ports,
    peerCidrs: fixPeer.cidrs ?? (peer.family === "ipv6" ? ["::/0"] : ["0.0.0.0/0"]),
    peer: fixPeer.label,
    fact: aclFact(v, subnetId, direction, ports, peer),
    denyingRule: denying,
    freeRuleNumber: v.verdict === "allow" ? undefined : freeRuleNumber(acl, direction, denying ?? 32767),
  };
}

function aclOf(acls: NetworkAcl[], subnetId: string): NetworkAcl | undefined {
  return acls.find((a) => (a.Associations ?? []).some((x) => x.SubnetId === subnetId));
}

/** Every filter on the destination's path, judged. */
export function pathFilters(p: DestinationPath, i: FilterInputs): FilterCheck[] {
  const out: FilterCheck[] = [];
  const endpointSubnets = i.endpointSubnets.state === "known" ? i.endpointSubnets.value : [];
  const peer = destinationPeer(p, i, endpointSubnets);
  const task = taskPeer(i);
  const os = i.origin.os ?? "linux";
  const ephemeral = ephemeralPorts(os);
  const host = p.destination.host;
  const groupsRead = i.securityGroups.state === "known" ? i.securityGroups.value : [];

  // 1. The security groups of the interface the pull leaves from.
  const sgBase = { kind: "security-group-egress" as const, resource: "", peer: peer.label, ports: [HTTPS, HTTPS] as [number, number] };
  if (i.origin.securityGroupIds.state !== "known") out.push(notRead(i.origin.securityGroupIds, sgBase, "the security groups of the pull's interface"));
  else if (i.securityGroups.state !== "known") out.push(notRead(i.securityGroups, { ...sgBase, resource: i.origin.securityGroupIds.value[0] ?? "" }, "the security groups"));
  else {
    const ids = i.origin.securityGroupIds.value;
    const groups = groupsRead.filter((g) => ids.includes(g.GroupId ?? ""));
    const missing = ids.filter((id) => !groups.some((g) => g.GroupId === id));
    const base = { ...sgBase, resource: ids[0] ?? "", groupIds: ids, peerCidrs: peer.cidrs, peerPrefixListId: peer.prefixListIds?.[0], peerGroupId: peer.groupIds?.[0] };
    if (ids.length === 0) out.push(notRead(unknown("not-recorded", "ec2:DescribeNetworkInterfaces", "the interface's security groups were not recorded"), base, "the security groups of the pull's interface"));
    else {
      const v = egressAllows(groups, HTTPS, peer, i.prefixLists);
      if (v.verdict !== "allow" && missing.length > 0) {
        out.push(notRead(unknown("not-recorded", "ec2:DescribeSecurityGroups", `security group ${missing.join(", ")} was not found`), base, `security group ${missing.join(", ")}`));
      } else out.push({ ...base, verdict: v.verdict, fact: sgFact(v, "egress", peer, host) });
    }
  }

  // 2. The interface endpoint's security groups, which must admit the task on 443.
  if (p.via === "interface-endpoint" && p.endpoint) {
    const ids = (p.endpoint.Groups ?? []).map((g) => g.GroupId ?? "").filter(Boolean);
    const base = { kind: "endpoint-security-group" as const, resource: p.endpoint.VpcEndpointId ?? "", groupIds: ids, peer: task.label, peerCidrs: task.cidrs, peerGroupId: task.groupIds?.[0], ports: [HTTPS, HTTPS] as [number, number] };
    const groups = groupsRead.filter((g) => ids.includes(g.GroupId ?? ""));
    if (i.securityGroups.state !== "known") out.push(notRead(i.securityGroups, base, `the security groups of ${p.endpoint.VpcEndpointId}`));
    else if (ids.length === 0 || groups.length < ids.length) {
      out.push(notRead(unknown("not-recorded", "ec2:DescribeSecurityGroups", `the security groups of ${p.endpoint.VpcEndpointId} were not found`), base, `the security groups of ${p.endpoint.VpcEndpointId}`));
    } else {
      const v = ingressAllows(groups, HTTPS, task, i.prefixLists);
      out.push({ ...base, verdict: v.verdict, fact: `${p.endpoint.VpcEndpointId} ${ids.join(", ")}: ${sgFact(v, "ingress", task, host)}` });
    }
  }

  // 3. Network ACLs at every subnet boundary the packets cross.
  const originAclBase = { kind: "network-acl" as const, resource: "", subnetId: i.origin.subnetId, hop: "task-subnet" as const, peer: peer.label };
  const otherAcls = i.otherNetworkAcls.state === "known" ? i.otherNetworkAcls.value : undefined;
  const originAcl = i.networkAcl.state === "known" ? i.networkAcl.value : undefined;
  const crossing = (() => {
    // An interface endpoint in the task's own subnet is reached without crossing an ACL.
    if (p.via !== "interface-endpoint") return { peer, sameSubnet: false };
    const others = endpointSubnets.filter((s) => (p.endpoint?.SubnetIds ?? []).includes(s.SubnetId ?? "") && s.SubnetId !== i.origin.subnetId);
    const same = (p.endpoint?.SubnetIds ?? []).includes(i.origin.subnetId);
    if (others.length === 0) return { peer: undefined, sameSubnet: same };
    const cidrs = others.map((s) => s.CidrBlock ?? "").filter(Boolean);
    return { peer: { ...peer, cidrs, label: `${p.endpoint?.VpcEndpointId}'s interfaces in ${others.map((s) => s.SubnetId).join(", ")} (${cidrs.join(", ")})` }, sameSubnet: same };
  })();
  if (crossing.peer) {
    const xpeer = crossing.peer;
    const soften = (c: FilterCheck): FilterCheck => (crossing.sameSubnet && c.verdict === "deny" ? { ...c, verdict: "partial", fact: `${c.fact}; the endpoint's interface in the task's own subnet is still reached` } : c);
    if (i.networkAcl.state !== "known") out.push(notRead(i.networkAcl, originAclBase, "the subnet's network ACL"));
    else if (originAcl) {
      out.push(soften(aclCheck(originAcl, "task-subnet", i.origin.subnetId, "egress", [HTTPS, HTTPS], xpeer, { cidrs: xpeer.cidrs, label: xpeer.label })));
      out.push(soften(aclCheck(originAcl, "task-subnet", i.origin.subnetId, "ingress", ephemeral, xpeer, { cidrs: xpeer.cidrs, label: xpeer.label })));
    }
    // The far side: the endpoint's subnets, other than the task's own.
    if (p.via === "interface-endpoint") {
      const others = endpointSubnets.filter((s) => (p.endpoint?.SubnetIds ?? []).includes(s.SubnetId ?? "") && s.SubnetId !== i.origin.subnetId);
      if (i.otherNetworkAcls.state !== "known") out.push(notRead(i.otherNetworkAcls, { ...originAclBase, hop: "endpoint-subnet" }, "the endpoint subnets' network ACLs"));
      else {
        const seen = new Set<string>();
        for (const s of others) {
          const acl = aclOf(otherAcls ?? [], s.SubnetId ?? "");
          if (!acl || seen.has(acl.NetworkAclId ?? "")) continue;
          seen.add(acl.NetworkAclId ?? "");
          out.push(soften(aclCheck(acl, "endpoint-subnet", s.SubnetId, "ingress", [HTTPS, HTTPS], task, { cidrs: task.cidrs, label: task.label })));
          out.push(soften(aclCheck(acl, "endpoint-subnet", s.SubnetId, "egress", ephemeral, task, { cidrs: task.cidrs, label: task.label })));
        }
      }
    }
  }

  // 4. A NAT gateway in another subnet: its subnet's ACL sees the task's packets, the internet's, and the replies both ways.
  const nat = p.nat?.natGateway;
  if (nat?.SubnetId && nat.SubnetId !== i.origin.subnetId) {
    if (i.otherNetworkAcls.state !== "known") out.push(notRead(i.otherNetworkAcls, { ...originAclBase, hop: "nat-subnet", subnetId: nat.SubnetId }, "the NAT gateway subnet's network ACL"));
    else {
      const acl = aclOf(otherAcls ?? [], nat.SubnetId);
      if (acl) {
        out.push(aclCheck(acl, "nat-subnet", nat.SubnetId, "ingress", [HTTPS, HTTPS], task, { cidrs: task.cidrs, label: task.label }));
        out.push(aclCheck(acl, "nat-subnet", nat.SubnetId, "egress", [HTTPS, HTTPS], peer, { cidrs: peer.cidrs, label: peer.label }));
        out.push(aclCheck(acl, "nat-subnet", nat.SubnetId, "ingress", NAT_GATEWAY_PORTS, peer, { cidrs: peer.cidrs, label: peer.label }));
        out.push(aclCheck(acl, "nat-subnet", nat.SubnetId, "egress", ephemeral, task, { cidrs: task.cidrs, label: task.label }));
      }
    }
  }
  return out;
}

// ---------- endpoint policies ----------

/** The actions of the pull each endpoint sees, and the resource each applies to. */
export function endpointPolicyRequests(p: DestinationPath): { actions: string[]; resource: string }[] {
  const d = p.destination;
  switch (d.service) {
    case "ecr-api":
      return [{ actions: ["ecr:GetAuthorizationToken"], resource: "*" }];
    case "ecr-dkr":
      return (d.resources ?? []).map((r) => ({ actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resource: r }));
    case "s3":
      return [{ actions: ["s3:GetObject"], resource: `arn:aws:s3:::prod-${d.region}-starport-layer-bucket/*` }];
    default:
      return [];
  }
}

/**
 * The endpoint policy of the endpoint the destination goes through, for the
 * role that pulls. An absent policy allows everything. ECR's layer downloads
 * are pre-signed S3 URLs signed by ECR, not by the pulling role, so the S3
 * gateway endpoint's policy is judged for a principal outside the account.
 */
export function endpointPolicyCheck(p: DestinationPath, principalArn: string | undefined, vpcId: string | undefined): FilterCheck | undefined {
  const e = p.endpoint;
  if (!e || p.via === "internet") return undefined;
  const requests = endpointPolicyRequests(p);
  if (requests.length === 0) return undefined;
  const base = { kind: "endpoint-policy" as const, resource: e.VpcEndpointId ?? "", peer: p.destination.host, actions: requests.flatMap((r) => r.actions) };
  if (!e.PolicyDocument) return { ...base, verdict: "allow", fact: `${e.VpcEndpointId} has no policy: full access` };
  let doc: unknown;
  try {
    doc = JSON.parse(e.PolicyDocument);
  } catch {
    return { ...base, verdict: "indeterminate", fact: `${e.VpcEndpointId}'s PolicyDocument is not JSON` };
  }
  const s3 = p.destination.service === "s3";
  const context: Record<string, string> = { "aws:sourcevpce": e.VpcEndpointId ?? "" };
  if (vpcId) context["aws:sourcevpc"] = vpcId;
  const denied: string[] = [];
  const unsure: string[] = [];
  for (const r of requests) {
    for (const action of r.actions) {
      const request = s3
        ? { action, resource: r.resource, principalAccount: "ECR (an AWS account)", context }
        : { action, resource: r.resource, principalArn, context };
      if (!s3 && !principalArn) {
        unsure.push(`${action} (the pulling role is not known)`);
        continue;
      }
      const ev: Evaluation = evaluateResourcePolicy({ name: `${e.VpcEndpointId} endpoint policy`, document: doc }, request);
      const on = r.resource === "*" ? "" : ` on ${r.resource}`;
      if (ev.decision === "explicit-deny") denied.push(`${action}${on} is explicitly denied${ev.matched.find((m) => m.effect === "Deny")?.sid ? ` (Sid ${ev.matched.find((m) => m.effect === "Deny")?.sid})` : ""}`);
      else if (ev.decision === "implicit-deny") denied.push(`no statement allows ${action}${on}${s3 ? " for the pre-signed layer URLs ECR issues" : ` for ${principalArn}`}`);
      else if (ev.decision === "unknown") unsure.push(`${action}${on} depends on ${ev.unknownConditions.join(", ") || "a value not known offline"}`);
    }
  }
  if (denied.length > 0) return { ...base, verdict: "deny", fact: `${e.VpcEndpointId} PolicyDocument: ${denied.join("; ")}` };
  if (unsure.length > 0) return { ...base, verdict: "indeterminate", fact: `${e.VpcEndpointId} PolicyDocument: ${unsure.join("; ")}` };
  return { ...base, verdict: "allow", fact: `${e.VpcEndpointId} PolicyDocument allows ${base.actions.join(", ")}` };
}
