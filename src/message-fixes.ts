// The fixes `explain` can give from a message alone: where the message names
// the role, the action, the resource, the log group, the secret, the file
// system or the subnet, the command or policy statement with those names
// filled in; where it does not, the checks to make, in order, with the names
// left as placeholders in capitals (ROLE_NAME) that the reader fills in.

import type { MessageSignals } from "./analysis/message.js";
import type { Fix } from "./diagnostic.js";
import { type Grant, IAM_DOCS, putRolePolicyCommand, roleNameFromArn } from "./iam-fixes.js";
import { DOCS } from "./model/queries.js";

export const MESSAGE_DOCS = {
  awslogs: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",
  efsVolumes: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html",
  efsMountTargets: "https://docs.aws.amazon.com/efs/latest/ug/manage-fs-access.html",
  efsIam: "https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html",
  efsSecurityGroups: "https://docs.aws.amazon.com/efs/latest/ug/network-access.html",
  subnetSizing: "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html",
  taskFailedToStart: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html",
};

/** What the message tells about where it happened: region, account, role. */
export interface MessageContext {
  region?: string;
  account?: string;
  role?: string;
}

const REGION = /\b([a-z]{2}(?:-gov)?-[a-z]+-\d)\b/;

export function contextOf(s: MessageSignals, message: string): MessageContext {
  // The first ARN that names a region (an STS or IAM ARN names none).
  const arns = [...message.matchAll(/\barn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):(\d{12})?:/g)];
  const region = arns.find((m) => m[1])?.[1] ?? REGION.exec(s.host ?? "")?.[1] ?? /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com/.exec(message)?.[1];
  const account = arns.find((m) => m[2])?.[2] ?? /\b(\d{12})\.dkr\.ecr\./.exec(message)?.[1];
  const role = s.principal ? roleOfPrincipal(s.principal) : s.roleArn ? roleNameFromArn(s.roleArn) : undefined;
  return { region, account, role };
}

function roleOfPrincipal(principal: string): string | undefined {
  const assumed = /:assumed-role\/([^/\s]+)/.exec(principal);
  if (assumed?.[1]) return assumed[1];
  const role = /:role\/(?:[^\s]*\/)?([^/\s]+)$/.exec(principal);
  return role?.[1];
}

const or = (value: string | undefined, placeholder: string) => value ?? placeholder;
const regionArg = (c: MessageContext) => (c.region ? ` --region ${c.region}` : "");

// ---------------------------------------------------------------------------
// CloudWatch Logs

export function createLogGroupFix(s: MessageSignals, c: MessageContext): Fix {
  if (s.logGroup) {
    return {
      summary: `Create the log group ${s.logGroup} in the container's awslogs-region, or let the log driver create it (awslogs-create-group "true" and logs:CreateLogGroup for the role).`,
      commands: [`aws logs create-log-group --log-group-name ${s.logGroup} --region ${or(c.region, "AWSLOGS_REGION")}`],
      docs: [MESSAGE_DOCS.awslogs],
    };
  }
  return {
    summary: "Find the log group the container names, and create it in that region.",
    steps: [
      "Read the container's awslogs options: aws ecs describe-task-definition --task-definition FAMILY:REVISION --query 'taskDefinition.containerDefinitions[].[name,logConfiguration.options]'",
      `Check the group exists in its awslogs-region (on EC2 the default is the instance's region): aws logs describe-log-groups --log-group-name-prefix LOG_GROUP --region ${or(c.region, "AWSLOGS_REGION")}`,
      "Create it (aws logs create-log-group --log-group-name LOG_GROUP --region AWSLOGS_REGION), or set awslogs-create-group to \"true\" and allow the role logs:CreateLogGroup.",
    ],
    docs: [MESSAGE_DOCS.awslogs],
  };
}

export function logPermissionsFix(s: MessageSignals, c: MessageContext): Fix {
  const group = s.logGroup;
  const resource = group ? `arn:aws:logs:${or(c.region, "REGION")}:${or(c.account, "ACCOUNT_ID")}:log-group:${group}:*` : (s.deniedResource ?? "*");
  const actions = ["logs:CreateLogStream", "logs:PutLogEvents"];
  if (s.deniedAction && /^logs:/i.test(s.deniedAction) && !actions.includes(s.deniedAction)) actions.push(s.deniedAction);
  const grants: Grant[] = actions.map((action) => ({ action, resource, placeholder: false }));
  const role = or(c.role, "EXECUTION_ROLE_NAME");
  return {
    summary: `Allow ${role} ${actions.join(", ")} on ${group ? `the log group ${group}` : resource} (on Fargate the execution role writes the logs; on EC2 the execution role, else the container instance's role).`,
    commands: [putRolePolicyCommand(role, "ecs-task-logs", grants)],
    docs: [MESSAGE_DOCS.awslogs, DOCS.executionRole],
  };
}

// ---------------------------------------------------------------------------
// The network, for the service the failing step talks to

/** The interface endpoints a step needs where the subnet has no NAT gateway or internet path. */
function endpointsFor(s: MessageSignals): string[] {
  switch (s.stage) {
    case "logs":
      return ["logs"];
    case "secrets":
      return s.service === "ssm" ? ["ssm"] : ["secretsmanager"];
    case "registry-auth":
      return s.service === "secretsmanager" ? ["secretsmanager"] : ["ecr.api"];
    default:
      return ["ecr.api", "ecr.dkr", "s3 (gateway)"];
  }
}

export function routeChecksFix(s: MessageSignals, c: MessageContext): Fix {
  return {
    summary: "Check the route the task's traffic leaves by, in this order.",
    steps: [
      "Find the task's subnet (attachments of the stopped task, or the service's awsvpcConfiguration), then its route table: aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=SUBNET_ID",
      "A private subnet needs 0.0.0.0/0 to a NAT gateway that is available; a public one an internet gateway and assignPublicIp ENABLED.",
      `Without either, the VPC needs interface endpoints for ${endpointsFor(s).join(", ")} in ${or(c.region, "the task's region")}.`,
    ],
    docs: [DOCS.routeTables, DOCS.fargateNetworking],
  };
}

export function endpointFix(s: MessageSignals, c: MessageContext): Fix {
  const region = or(c.region, "REGION");
  const interfaces = endpointsFor(s).filter((e) => !e.startsWith("s3"));
  return {
    summary: `Where the subnet has no NAT gateway, add the endpoints ${endpointsFor(s).join(", ")} (private DNS on, security group admitting the tasks on TCP 443).`,
    commands: interfaces.map(
      (svc) => `aws ec2 create-vpc-endpoint --region ${region} --vpc-id VPC_ID --vpc-endpoint-type Interface --service-name com.amazonaws.${region}.${svc} --subnet-ids SUBNET_ID --security-group-ids SG_ID --private-dns-enabled`,
    ),
    docs: [s.stage === "logs" || s.stage === "secrets" ? DOCS.interfaceEndpoints : DOCS.ecrEndpoints],
  };
}

export function publicIpFix(c: MessageContext): Fix {
  return {
    summary: "In a public subnet (a route to an internet gateway, no NAT gateway), give the task a public IP.",
    commands: [`aws ecs update-service${regionArg(c)} --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[SUBNET_ID],securityGroups=[SG_ID],assignPublicIp=ENABLED}'`],
    docs: [DOCS.fargateNetworking],
  };
}

export function egressChecksFix(): Fix {
  return {
    summary: "Check that the task's security groups let it out on TCP 443.",
    steps: ["aws ec2 describe-security-groups --group-ids TASK_SG_ID --query 'SecurityGroups[].IpPermissionsEgress'"],
    docs: [DOCS.securityGroupRules],
  };
}

// ---------------------------------------------------------------------------
// Secrets Manager and SSM

export function secretChecksFix(s: MessageSignals, c: MessageContext): Fix {
  const ref = s.secretRef ?? s.deniedResource;
  const ssm = s.service === "ssm" || (ref !== undefined && /:ssm:|^\//.test(ref));
  const id = ref ? baseSecretId(ref) : ssm ? "PARAMETER_NAME" : "SECRET_ARN";
  const region = c.region ? ` --region ${c.region}` : "";
  const role = or(c.role, "EXECUTION_ROLE_NAME");
  const actions = ssm ? "ssm:GetParameters" : "secretsmanager:GetSecretValue kms:Decrypt";
  return {
    summary: `Check, in this order, that ${ref ? id : "the secret"} exists, that the reference's JSON key and version exist, and that ${role} may read it.`,
    commands: [
      ssm
        ? `aws ssm describe-parameters${region} --parameter-filters Key=Name,Values=${id}`
        : `aws secretsmanager describe-secret${region} --secret-id ${id} --query '{Name:Name,KmsKeyId:KmsKeyId,DeletedDate:DeletedDate}'`,
      `aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::${or(c.account, "ACCOUNT_ID")}:role/${role} --action-names ${actions} --resource-arns ${ref?.startsWith("arn:") ? id : ssm ? "PARAMETER_ARN" : "SECRET_ARN"}`,
    ],
    steps: [
      ssm
        ? "The valueFrom names the parameter by name (same region) or by its full ARN."
        : "A valueFrom of the form SECRET_ARN:JSON_KEY:VERSION_STAGE:VERSION_ID needs the JSON key to exist in the secret (the console lists the keys); leave the last fields empty (…:JSON_KEY::) for the current version.",
      "A customer managed key on the secret needs kms:Decrypt for the role in the key policy as well.",
    ],
    docs: [ssm ? IAM_DOCS.ssmEnv : IAM_DOCS.secretsManagerEnv, DOCS.secrets],
  };
}

/** The secret's own ARN, without the JSON key and version fields ECS's valueFrom may append. */
function baseSecretId(ref: string): string {
  const m = /^(arn:aws[a-z-]*:secretsmanager:[^:]*:\d*:secret:[^:]+)/.exec(ref);
  return m?.[1] ?? ref;
}

export function secretPermissionsFix(s: MessageSignals, c: MessageContext): Fix | undefined {
  if (!s.deniedAction) return undefined;
  const role = or(c.role, "EXECUTION_ROLE_NAME");
  const resource = s.deniedResource ? baseSecretId(s.deniedResource) : (s.secretRef ? baseSecretId(s.secretRef) : "*");
  return {
    summary: `Allow ${role} ${s.deniedAction} on ${resource}.`,
    commands: [putRolePolicyCommand(role, "ecs-task-secrets", [{ action: s.deniedAction, resource, placeholder: false }])],
    docs: [DOCS.secrets],
  };
}

// ---------------------------------------------------------------------------
// ECR and the image

interface EcrRef {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  region?: string;
}

function ecrRef(imageRef: string | undefined): EcrRef | undefined {
  if (!imageRef) return undefined;
  const m = /^(\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?)\/([^:@\s]+)(?::([^@\s]+))?(?:@(sha256:[0-9a-f]+))?/.exec(imageRef);
  if (!m) return undefined;
  return { registry: m[1], region: m[2], repository: m[3], tag: m[4], digest: m[5] };
}

export function imageChecksFix(s: MessageSignals): Fix {
  const ref = ecrRef(s.imageRef);
  if (!ref) {
    return {
      summary: `Check that the image ${s.imageRef ?? "IMAGE"} exists as written: registry, repository, tag.`,
      steps: ["Compare the container's image with what the registry lists; a misspelt repository or tag gives the same message."],
      docs: [DOCS.cannotPull],
    };
  }
  const ids = ref.digest ? `imageDigest=${ref.digest}` : `imageTag=${ref.tag ?? "latest"}`;
  const commands = [`aws ecr describe-images --region ${ref.region} --repository-name ${ref.repository} --image-ids ${ids}`];
  if (ref.digest) {
    // findings.md "Pinned digests": the deployment pinned a digest that has since gone; the tag may still exist.
    return {
      summary: `The task pulled the digest ${ref.digest}, which ECS pinned when the deployment started. If it is gone (an overwritten tag, a lifecycle policy), start a new deployment so ECS resolves the tag again; pushing the tag again does not help.`,
      commands: [...commands, "aws ecs update-service --cluster CLUSTER --service SERVICE --force-new-deployment"],
      docs: [DOCS.ecrPush],
    };
  }
  return { summary: `Check that ${ref.repository}:${ref.tag ?? "latest"} exists in ${ref.registry}, and push it if not.`, commands, docs: [DOCS.ecrPush] };
}

export function repositoryChecksFix(s: MessageSignals): Fix {
  const ref = ecrRef(s.imageRef);
  return {
    summary: `Check that the repository ${ref?.repository ?? "REPOSITORY"} exists in that registry and region.`,
    commands: [`aws ecr describe-repositories --region ${ref?.region ?? "REGION"} --repository-names ${ref?.repository ?? "REPOSITORY"}`],
    docs: [DOCS.ecrRepositories],
  };
}

export function ecrPermissionsFix(s: MessageSignals, c: MessageContext): Fix {
  const role = or(c.role, "EXECUTION_ROLE_NAME");
  const ref = ecrRef(s.imageRef);
  const repoArn = ref ? `arn:aws:ecr:${ref.region}:${ref.registry.slice(0, 12)}:repository/${ref.repository}` : (s.deniedResource ?? "REPOSITORY_ARN");
  const grants: Grant[] = [
    { action: "ecr:GetAuthorizationToken", resource: "*", placeholder: false },
    { action: "ecr:BatchGetImage", resource: repoArn, placeholder: false },
    { action: "ecr:GetDownloadUrlForLayer", resource: repoArn, placeholder: false },
  ];
  return {
    summary: `Allow ${role} to pull: ecr:GetAuthorizationToken on *, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on ${repoArn} (AmazonECSTaskExecutionRolePolicy has them).`,
    commands: [putRolePolicyCommand(role, "ecs-task-pull", grants)],
    docs: [IAM_DOCS.ecrOnEcs, DOCS.executionRole],
  };
}

export function platformFix(s: MessageSignals): Fix {
  const image = s.imageRef ?? "IMAGE";
  return {
    summary: "Build the image for the task's CPU architecture (or both), or run the task on the image's architecture (runtimePlatform.cpuArchitecture).",
    commands: [`docker buildx imagetools inspect ${image}`, `docker buildx build --platform linux/amd64,linux/arm64 -t ${image} --push .`],
    docs: [IAM_DOCS.multiArch, DOCS.platform],
  };
}

// ---------------------------------------------------------------------------
// The host's disk

export function instanceDiskFix(thinPool: boolean): Fix {
  return {
    summary: thinPool
      ? "The container instance's devicemapper thin pool is below its minimum free space: remove unused images and containers, or grow the Docker volume."
      : "The container instance's Docker volume is full: remove unused images and containers, let the agent clean up sooner, or grow the volume.",
    steps: [
      "On the instance: docker system df, then docker image prune -a (images no task uses).",
      "Shorten ECS_IMAGE_CLEANUP_INTERVAL / ECS_IMAGE_MINIMUM_CLEANUP_AGE in /etc/ecs/ecs.config, or launch instances with a larger volume.",
    ],
    docs: [DOCS.imageCleanup, IAM_DOCS.ebsModify],
  };
}

export function ephemeralStorageFix(): Fix {
  return {
    summary: "Raise the task's ephemeral storage (20 GiB by default, up to 200 GiB), or make the image smaller.",
    steps: ['In the task definition: "ephemeralStorage": {"sizeInGiB": 50}, then register a new revision and deploy it.'],
    docs: [DOCS.ephemeralStorage],
  };
}

// ---------------------------------------------------------------------------
// EFS

function fsArn(s: MessageSignals, c: MessageContext): string {
  return `arn:aws:elasticfilesystem:${or(c.region, "REGION")}:${or(c.account, "ACCOUNT_ID")}:file-system/${or(s.fileSystemId, "FILE_SYSTEM_ID")}`;
}


export function efsMountTargetFix(s: MessageSignals, c: MessageContext): Fix {
  const fs = or(s.fileSystemId, "FILE_SYSTEM_ID");
  return {
    summary: `Give ${fs} an available mount target in the Availability Zone of every subnet the task may run in.`,
    commands: [
      `aws efs describe-mount-targets${regionArg(c)} --file-system-id ${fs} --query 'MountTargets[].[MountTargetId,AvailabilityZoneName,SubnetId,LifeCycleState]'`,
      `aws efs create-mount-target${regionArg(c)} --file-system-id ${fs} --subnet-id SUBNET_ID --security-groups EFS_SG_ID`,
    ],
    docs: [MESSAGE_DOCS.efsMountTargets, MESSAGE_DOCS.efsVolumes],
  };
}

export function efsFileSystemFix(s: MessageSignals, c: MessageContext): Fix {
  const fs = or(s.fileSystemId, "FILE_SYSTEM_ID");
  return {
    summary: `Check that ${fs}${s.accessPointId ? ` and the access point ${s.accessPointId}` : ""} exist in the task's region, as the volume names them.`,
    commands: [
      `aws efs describe-file-systems${regionArg(c)} --file-system-id ${fs} --query 'FileSystems[].[FileSystemId,LifeCycleState]'`,
      ...(s.accessPointId ? [`aws efs describe-access-points${regionArg(c)} --access-point-id ${s.accessPointId}`] : []),
    ],
    docs: [MESSAGE_DOCS.efsVolumes],
  };
}

export function efsSecurityGroupFix(s: MessageSignals, c: MessageContext): Fix {
  const fs = or(s.fileSystemId, "FILE_SYSTEM_ID");
  return {
    summary: `Let NFS (TCP 2049) from the task's security group into ${fs}'s mount targets, and out of the task's.`,
    commands: [
      `aws efs describe-mount-targets${regionArg(c)} --file-system-id ${fs} --query 'MountTargets[].MountTargetId'`,
      `aws efs describe-mount-target-security-groups${regionArg(c)} --mount-target-id MOUNT_TARGET_ID`,
      `aws ec2 authorize-security-group-ingress${regionArg(c)} --group-id EFS_SG_ID --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=TASK_SG_ID}]'`,
    ],
    docs: [MESSAGE_DOCS.efsSecurityGroups],
  };
}

export function efsAccessFix(s: MessageSignals, c: MessageContext): Fix {
  const fs = or(s.fileSystemId, "FILE_SYSTEM_ID");
  const statement = {
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${or(c.account, "ACCOUNT_ID")}:role/TASK_ROLE_NAME` },
    Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
    Resource: fsArn(s, c),
  };
  return {
    summary: `Read ${fs}'s file system policy, then let the task mount: with IAM authorization the task role (not the execution role) needs elasticfilesystem:ClientMount (and ClientWrite unless the mount is read-only).`,
    commands: [`aws efs describe-file-system-policy${regionArg(c)} --file-system-id ${fs}`],
    steps: [
      `A statement that lets the task role mount: ${JSON.stringify(statement)}`,
      "In the task definition's efsVolumeConfiguration: transitEncryption ENABLED where the policy requires secure transport, and authorizationConfig.iam ENABLED where it grants only IAM principals.",
    ],
    docs: [MESSAGE_DOCS.efsIam, MESSAGE_DOCS.efsVolumes],
  };
}

// ---------------------------------------------------------------------------
// The task's network interface

export function subnetAddressesFix(s: MessageSignals, c: MessageContext): Fix {
  const subnet = or(s.subnetId, "SUBNET_ID");
  return {
    summary: `${subnet} had no free IP address for the task's network interface: spread the service over more subnets, or use larger ones (addresses free up as tasks stop, so a few free now does not refute it).`,
    commands: [
      `aws ec2 describe-subnets${regionArg(c)} --subnet-ids ${subnet} --query 'Subnets[].[SubnetId,AvailabilityZone,CidrBlock,AvailableIpAddressCount]'`,
      "aws ecs update-service --cluster CLUSTER --service SERVICE --network-configuration 'awsvpcConfiguration={subnets=[SUBNET_ID_1,SUBNET_ID_2],securityGroups=[SG_ID]}'",
    ],
    docs: [MESSAGE_DOCS.subnetSizing, DOCS.fargateNetworking],
  };
}
