// AWS CLI commands with the ids filled in, shared by the diagnostics' fixes.

import type { Evidence } from "./model/evidence.js";
import { factValue } from "./model/fact.js";
import { clusterName, originOf, serviceName, vpcIdOf } from "./model/queries.js";

const region = (e: Evidence) => `--region ${e.region}`;

/** A security group the VPC's interface endpoints already use (it admits the tasks, or should). */
function existingEndpointGroup(e: Evidence): string | undefined {
  const endpoints = factValue(e.network.vpcEndpoints) ?? [];
  return endpoints.find((x) => (x.VpcEndpointType ?? "Interface") === "Interface" && x.Groups?.length)?.Groups?.[0]?.GroupId;
}

/**
 * Commands that create a security group for new interface endpoints, admitting
 * HTTPS from the task's groups; none when the VPC's endpoints already have one.
 * (The task's own group is the wrong one: it rarely admits anything inbound.)
 */
export function endpointSecurityGroupCommands(e: Evidence): string[] {
  if (existingEndpointGroup(e)) return [];
  const taskGroups = factValue(originOf(e)?.securityGroupIds ?? { state: "known", value: [] }) ?? [];
  const source = taskGroups.length > 0 ? taskGroups.map((g) => `--source-group ${g}`) : ["--cidr VPC_CIDR"];
  return [
    `aws ec2 create-security-group ${region(e)} --vpc-id ${vpcIdOf(e) ?? "VPC_ID"} --group-name vpc-endpoints --description "VPC endpoints: HTTPS from ECS tasks" --query GroupId --output text`,
    ...source.map((s) => `aws ec2 authorize-security-group-ingress ${region(e)} --group-id ENDPOINT_SG_ID --protocol tcp --port 443 ${s}`),
  ];
}

export function createInterfaceEndpointCommand(e: Evidence, serviceSuffix: string): string {
  const o = originOf(e);
  return [
    `aws ec2 create-vpc-endpoint ${region(e)} --vpc-id ${vpcIdOf(e) ?? "VPC_ID"} --vpc-endpoint-type Interface`,
    `--service-name com.amazonaws.${e.region}.${serviceSuffix} --subnet-ids ${o?.subnetId ?? "SUBNET_ID"}`,
    `--security-group-ids ${existingEndpointGroup(e) ?? "ENDPOINT_SG_ID"} --private-dns-enabled`,
  ].join(" ");
}

export function createS3GatewayEndpointCommand(e: Evidence, routeTableId: string): string {
  return `aws ec2 create-vpc-endpoint ${region(e)} --vpc-id ${vpcIdOf(e) ?? "VPC_ID"} --vpc-endpoint-type Gateway --service-name com.amazonaws.${e.region}.s3 --route-table-ids ${routeTableId}`;
}

export function createDefaultRouteCommand(e: Evidence, routeTableId: string, target: string): string {
  const flag = /^nat-|^NAT_/.test(target) ? "--nat-gateway-id" : "--gateway-id";
  return `aws ec2 create-route ${region(e)} --route-table-id ${routeTableId} --destination-cidr-block 0.0.0.0/0 ${flag} ${target}`;
}

/** `aws ecs update-service` that keeps the network configuration and changes what is given. */
export function updateServiceNetworkCommand(e: Evidence, change: { assignPublicIp?: "ENABLED" | "DISABLED"; subnets?: string[] }): string | undefined {
  const svc = serviceName(e);
  const cfg = factValue(e.service)?.networkConfiguration?.awsvpcConfiguration;
  if (!svc) return undefined;
  const subnets = change.subnets ?? cfg?.subnets ?? [originOf(e)?.subnetId ?? "SUBNET_ID"];
  const groups = cfg?.securityGroups ?? factValue(originOf(e)?.securityGroupIds ?? { state: "known", value: [] }) ?? [];
  const assign = change.assignPublicIp ?? cfg?.assignPublicIp ?? "DISABLED";
  return `aws ecs update-service ${region(e)} --cluster ${clusterName(e)} --service ${svc} --network-configuration "awsvpcConfiguration={subnets=[${subnets.join(",")}],securityGroups=[${groups.join(",")}],assignPublicIp=${assign}}"`;
}

export function registerTaskDefinitionHint(e: Evidence, what: string): string {
  const def = factValue(e.taskDefinition);
  const family = def?.family ?? "FAMILY";
  return `aws ecs describe-task-definition ${region(e)} --task-definition ${family}:${def?.revision ?? "REVISION"} --query taskDefinition > td.json  # then ${what}, remove the read-only fields, and: aws ecs register-task-definition ${region(e)} --cli-input-json file://td.json`;
}

// ---------- the pull's network path ----------

/** Who a security group rule names: a CIDR, an IPv6 CIDR, a prefix list or a security group. */
export interface RulePeer {
  cidr?: string;
  ipv6Cidr?: string;
  prefixListId?: string;
  groupId?: string;
}

function ipPermission(port: number, peer: RulePeer, description: string): string {
  const who = peer.groupId
    ? `UserIdGroupPairs=[{GroupId=${peer.groupId},Description="${description}"}]`
    : peer.prefixListId
      ? `PrefixListIds=[{PrefixListId=${peer.prefixListId},Description="${description}"}]`
      : peer.ipv6Cidr
        ? `Ipv6Ranges=[{CidrIpv6=${peer.ipv6Cidr},Description="${description}"}]`
        : `IpRanges=[{CidrIp=${peer.cidr ?? "0.0.0.0/0"},Description="${description}"}]`;
  return `IpProtocol=tcp,FromPort=${port},ToPort=${port},${who}`;
}

export function authorizeEgressCommand(e: Evidence, groupId: string, peer: RulePeer, description = "image pull (HTTPS)", port = 443): string {
  return `aws ec2 authorize-security-group-egress ${region(e)} --group-id ${groupId} --ip-permissions '${ipPermission(port, peer, description)}'`;
}

export function authorizeIngressCommand(e: Evidence, groupId: string, peer: RulePeer, description = "tasks pulling images (HTTPS)", port = 443): string {
  return `aws ec2 authorize-security-group-ingress ${region(e)} --group-id ${groupId} --ip-permissions '${ipPermission(port, peer, description)}'`;
}

/** create-network-acl-entry (or replace-network-acl-entry on an existing rule number) allowing TCP ports. */
export function networkAclEntryCommand(
  e: Evidence,
  entry: { aclId: string; ruleNumber: number; egress: boolean; ports: [number, number]; cidr: string; replace?: boolean },
): string {
  const verb = entry.replace ? "replace-network-acl-entry" : "create-network-acl-entry";
  const cidr = entry.cidr.includes(":") ? `--ipv6-cidr-block ${entry.cidr}` : `--cidr-block ${entry.cidr}`;
  return `aws ec2 ${verb} ${region(e)} --network-acl-id ${entry.aclId} --rule-number ${entry.ruleNumber} ${entry.egress ? "--egress" : "--ingress"} --protocol tcp --port-range From=${entry.ports[0]},To=${entry.ports[1]} ${cidr} --rule-action allow`;
}

/** modify-vpc-attribute takes one attribute per call. */
export function enableVpcDnsCommands(e: Evidence, vpcId: string, which: { support?: boolean; hostnames?: boolean }): string[] {
  const out: string[] = [];
  if (which.support) out.push(`aws ec2 modify-vpc-attribute ${region(e)} --vpc-id ${vpcId} --enable-dns-support '{"Value":true}'`);
  if (which.hostnames) out.push(`aws ec2 modify-vpc-attribute ${region(e)} --vpc-id ${vpcId} --enable-dns-hostnames '{"Value":true}'`);
  return out;
}

export function createIpv6DefaultRouteCommand(e: Evidence, routeTableId: string, egressOnlyGatewayId: string): string {
  return `aws ec2 create-route ${region(e)} --route-table-id ${routeTableId} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id ${egressOnlyGatewayId}`;
}

export function replaceDefaultRouteCommand(e: Evidence, routeTableId: string, destination: string, target: string): string {
  const dest = destination.startsWith("pl-") ? `--destination-prefix-list-id ${destination}` : destination.includes(":") ? `--destination-ipv6-cidr-block ${destination}` : `--destination-cidr-block ${destination}`;
  const flag = target.startsWith("nat-") ? "--nat-gateway-id" : target.startsWith("eigw-") ? "--egress-only-internet-gateway-id" : "--gateway-id";
  return `aws ec2 replace-route ${region(e)} --route-table-id ${routeTableId} ${dest} ${flag} ${target}`;
}
