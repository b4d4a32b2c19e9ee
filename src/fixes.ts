// AWS CLI commands with the ids filled in, shared by the diagnostics' fixes.

import type { Evidence } from "./model/evidence.js";
import { valueOf } from "./model/fact.js";
import { clusterName, originOf, serviceName, vpcIdOf } from "./model/queries.js";

const region = (e: Evidence) => `--region ${e.region}`;

export function createInterfaceEndpointCommand(e: Evidence, serviceSuffix: string): string {
  const o = originOf(e);
  const groups = valueOf(o?.securityGroupIds ?? { state: "known", value: [] }) ?? [];
  return [
    `aws ec2 create-vpc-endpoint ${region(e)} --vpc-id ${vpcIdOf(e) ?? "VPC_ID"} --vpc-endpoint-type Interface`,
    `--service-name com.amazonaws.${e.region}.${serviceSuffix} --subnet-ids ${o?.subnetId ?? "SUBNET_ID"}`,
    `--security-group-ids ${groups[0] ?? "SG_ALLOWING_443_FROM_TASKS"} --private-dns-enabled`,
  ].join(" ");
}

export function createS3GatewayEndpointCommand(e: Evidence, routeTableId: string): string {
  return `aws ec2 create-vpc-endpoint ${region(e)} --vpc-id ${vpcIdOf(e) ?? "VPC_ID"} --vpc-endpoint-type Gateway --service-name com.amazonaws.${e.region}.s3 --route-table-ids ${routeTableId}`;
}

export function createDefaultRouteCommand(e: Evidence, routeTableId: string, target: string): string {
  const flag = target.startsWith("nat-") ? "--nat-gateway-id" : "--gateway-id";
  return `aws ec2 create-route ${region(e)} --route-table-id ${routeTableId} --destination-cidr-block 0.0.0.0/0 ${flag} ${target}`;
}

/** `aws ecs update-service` that keeps the network configuration and changes what is given. */
export function updateServiceNetworkCommand(e: Evidence, change: { assignPublicIp?: "ENABLED" | "DISABLED"; subnets?: string[] }): string | undefined {
  const svc = serviceName(e);
  const cfg = valueOf(e.service)?.networkConfiguration?.awsvpcConfiguration;
  if (!svc) return undefined;
  const subnets = change.subnets ?? cfg?.subnets ?? [originOf(e)?.subnetId ?? "SUBNET_ID"];
  const groups = cfg?.securityGroups ?? valueOf(originOf(e)?.securityGroupIds ?? { state: "known", value: [] }) ?? [];
  const assign = change.assignPublicIp ?? cfg?.assignPublicIp ?? "DISABLED";
  return `aws ecs update-service ${region(e)} --cluster ${clusterName(e)} --service ${svc} --network-configuration "awsvpcConfiguration={subnets=[${subnets.join(",")}],securityGroups=[${groups.join(",")}],assignPublicIp=${assign}}"`;
}

export function registerTaskDefinitionHint(e: Evidence, what: string): string {
  const def = valueOf(e.taskDefinition);
  const family = def?.family ?? "FAMILY";
  return `aws ecs describe-task-definition ${region(e)} --task-definition ${family}:${def?.revision ?? "REVISION"} --query taskDefinition > td.json  # then ${what}, remove the read-only fields, and: aws ecs register-task-definition ${region(e)} --cli-input-json file://td.json`;
}
