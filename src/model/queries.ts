// Questions diagnostics ask of the evidence, answered in one place so that no
// diagnostic re-derives them.

import { shortRef } from "../analysis/image-ref.js";
import type { DestinationPath, Evidence, ImageEvidence, PullOrigin } from "./evidence.js";
import { factValue } from "./fact.js";

export const DOCS = {
  cannotPull: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html",
  stoppedErrors: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html",
  resourceInit: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/resource-initialization-error.html",
  ecrEndpoints: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
  routeTables: "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
  natGateway: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
  internetGateway: "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html",
  fargateNetworking: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
  executionRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html",
  ecrRepositories: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/Repositories.html",
  ecrPush: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html",
  ecrRepositoryPolicies: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
  privateAuth: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html",
  secrets: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
  securityGroups: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
  networkAcls: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
  vpcDns: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html",
  endpointPolicies: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
  pullThroughCache: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html",
  platform: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-arm64.html",
  ephemeralStorage: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-storage.html",
  imageCleanup: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/automated_image_cleanup.html",
  // The pull's network path:
  natTroubleshooting: "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html",
  egressOnlyGateway: "https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html",
  s3GatewayEndpoint: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
  interfaceEndpoints: "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
  securityGroupRules: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
  dhcpOptions: "https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html",
  resolverForwarding: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-forwarding-inbound-queries.html",
  reachabilityAnalyzer: "https://docs.aws.amazon.com/vpc/latest/reachability/what-is-reachability-analyzer.html",
  transitGatewayRoutes: "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html",
  fargatePlatform: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-version-migration.html",
};

/** The pull origin, when known. */
export function originOf(e: Evidence): PullOrigin | undefined {
  return factValue(e.network.origin) ?? undefined;
}

/** "task ENI eni-0aaa in subnet-0aaa" or "container instance i-0abc in subnet-0aaa". */
export function originLabel(o: PullOrigin): string {
  return o.kind === "task-eni"
    ? `the task's network interface${o.networkInterfaceId ? ` ${o.networkInterfaceId}` : ""} in ${o.subnetId}`
    : `container instance ${o.instanceId ?? "?"} in ${o.subnetId}`;
}

export function ecrImages(e: Evidence): ImageEvidence[] {
  return e.images.filter((i) => i.ref.kind === "ecr");
}

export function imageLabel(i: ImageEvidence): string {
  return shortRef(i.ref);
}

/** The failure kinds the messages show (for one container, or all). */
export function failureKinds(e: Evidence, container?: string): string[] {
  return e.failures.filter((f) => !container || f.container === container).map((f) => f.signals.kind);
}

export function destinationsVia(e: Evidence, via: DestinationPath["via"]): DestinationPath[] {
  return (factValue(e.network.destinations) ?? []).filter((d) => d.via === via);
}

/** The service that started the task, by name, for `aws ecs update-service`. */
export function serviceName(e: Evidence): string | undefined {
  return factValue(e.service)?.serviceName ?? (e.task.group?.startsWith("service:") ? e.task.group.slice(8) : undefined);
}

export function clusterName(e: Evidence): string {
  return e.clusterArn.split("/").pop() ?? e.clusterArn;
}

export function taskDefinitionLabel(e: Evidence): string {
  const d = factValue(e.taskDefinition);
  if (d?.family) return `${d.family}:${d.revision ?? "?"}`;
  return e.task.taskDefinitionArn?.split("/").pop() ?? "the task definition";
}

export function vpcIdOf(e: Evidence): string | undefined {
  return factValue(e.network.subnet)?.VpcId ?? factValue(e.network.vpc)?.VpcId;
}

/** "1 stopped task", "2 stopped tasks". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Quotes a message for an explanation, cut at a readable length. */
export function quote(message: string, max = 240): string {
  const m = message.replace(/\s+/g, " ").trim();
  return `"${m.length > max ? `${m.slice(0, max - 1)}…` : m}"`;
}

/** What the failure messages of an image's containers say is missing at the registry, if anything. */
export function messageSaysMissing(e: Evidence, image: ImageEvidence): "repository" | "image" | undefined {
  const failure = e.failures.find((f) => image.containers.includes(f.container) && f.signals.kind === "not-found" && f.signals.stage !== "logs");
  return failure?.signals.missing;
}
