// `ecs-doctor explain`: an error message judged alone, with no AWS call. The
// message proves some causes (a rate limit, a platform mismatch) and only
// suggests others (a timeout suggests the network), so suggestions stay below
// the confidence configuration evidence gives.

import { DIAGNOSTICS } from "../diagnostics/index.js";
import { whyStopped } from "../diagnostics/not-a-pull-failure.js";
import { addressRange } from "./analysis/destinations.js";
import { type FailureKind, type MessageSignals, parseMessage } from "./analysis/message.js";
import type { FindingId, Fix, Severity } from "./diagnostic.js";
import {
  contextOf,
  createLogGroupFix,
  ephemeralStorageFix,
  instanceDiskFix,
  ecrPermissionsFix,
  efsAccessFix,
  efsFileSystemFix,
  efsMountTargetFix,
  efsSecurityGroupFix,
  egressChecksFix,
  endpointFix,
  imageChecksFix,
  logPermissionsFix,
  type MessageContext,
  platformFix,
  publicIpFix,
  repositoryChecksFix,
  routeChecksFix,
  secretChecksFix,
  secretPermissionsFix,
  subnetAddressesFix,
} from "./message-fixes.js";
import type { Report } from "./model/report.js";
import { rankFindings } from "./report.js";

interface Suggestion {
  id: FindingId;
  confidence: number;
  severity: Severity;
  why: string;
  /** The fix the message allows, names filled in where it gives them. */
  fix?: Fix;
  /** A title the message allows, finer than the cause's line. */
  title?: string;
}

/** Each cause in a line, as findings.md puts it: the title of a suggestion. */
const CAUSE: Record<FindingId, string> = {
  "no-route-to-registry": "The subnet has no route to the registry",
  "public-ip-missing": "The task has no public IP behind an internet gateway",
  "route-blackhole": "The route points at a gateway that is gone",
  "nat-gateway-no-internet": "The NAT gateway cannot reach the internet",
  "vpc-endpoint-missing": "A VPC endpoint the pull needs is missing",
  "vpc-endpoint-private-dns-disabled": "The ECR endpoints have private DNS off",
  "vpc-dns-disabled": "The VPC has DNS support or DNS hostnames off",
  "custom-dns-resolution": "Custom DNS servers do not resolve the registry",
  "vpc-endpoint-security-group-blocks": "The endpoints' security groups do not admit the task",
  "vpc-endpoint-policy-denies": "An endpoint policy does not allow the pull",
  "security-group-egress-blocked": "The task's security groups allow no outbound HTTPS",
  "network-acl-blocks": "The subnet's network ACL blocks HTTPS or its return traffic",
  "execution-role-missing": "The execution role is missing",
  "execution-role-not-assumable": "ECS cannot assume the execution role",
  "pull-role-lacks-ecr-permissions": "The role that pulls lacks ECR permissions",
  "ecr-repository-policy-denies": "The repository policy does not let this account pull",
  "repository-not-found": "The repository does not exist",
  "image-not-found": "The tag or digest does not exist",
  "image-platform-mismatch": "The image has no variant for the task's platform",
  "registry-rate-limited": "The registry refused for rate",
  "registry-credentials-missing": "The private registry needs credentials the task does not give",
  "registry-credentials-unreadable": "The registry credentials' secret cannot be read",
  "secrets-unreadable": "A secret the task names cannot be read",
  "container-instance-disk-full": "The container instance's disk is full",
  "ephemeral-storage-full": "The task's ephemeral storage is full",
  "log-group-missing": "The awslogs log group does not exist",
  "log-permissions-missing": "The role that writes the logs may not write to the log group",
  "efs-file-system-missing": "The EFS file system or access point does not exist",
  "efs-mount-target-missing": "The file system has no mount target in the task's Availability Zone",
  "efs-security-group-blocks": "NFS (TCP 2049) from the task to the mount target is blocked",
  "efs-access-denied": "The file system policy does not let the task mount",
  "subnet-addresses-exhausted": "The subnet has no free IP address for the task",
  "unexplained-pull-failure": "The message alone does not settle the cause",
  "not-a-pull-failure": "The task did not stop for an image pull",
};

/** What a request that never got an answer suggests, cause by cause. */
const NETWORK_TIMEOUT: [FindingId, number, string][] = [
  ["no-route-to-registry", 0.45, "a private subnet whose route table has no NAT gateway, internet gateway or VPC endpoints sends the request nowhere"],
  ["vpc-endpoint-missing", 0.4, "a VPC without a way out needs ecr.api, ecr.dkr and the S3 gateway endpoint (layers live in S3)"],
  ["public-ip-missing", 0.35, "a task in a public subnet needs a public IP for the internet gateway to carry its traffic"],
  ["security-group-egress-blocked", 0.3, "the task's security groups may allow no outbound TCP 443"],
  ["nat-gateway-no-internet", 0.3, "the NAT gateway may itself have no route to an internet gateway, or be a private NAT gateway"],
  ["route-blackhole", 0.28, "the default route may point at a NAT gateway that was deleted"],
  ["network-acl-blocks", 0.25, "the subnet's network ACL may deny TCP 443 out or the ephemeral ports back"],
  ["vpc-endpoint-security-group-blocks", 0.25, "the endpoints' security groups may not admit the task on TCP 443"],
];

const NETWORK_KINDS: readonly FailureKind[] = ["timeout", "canceled", "refused", "reset", "dns"];

/** The service a step reaches over the network, as people say it. */
function serviceWords(s: MessageSignals): string {
  if (s.stage === "logs") return "CloudWatch Logs";
  if (s.stage === "secrets") return s.service === "ssm" ? "SSM Parameter Store" : "Secrets Manager";
  return "the registry";
}

export function suggestionsFor(s: MessageSignals, message = ""): Suggestion[] {
  const out: Suggestion[] = [];
  const c = contextOf(s, message);
  const add: Add = (id, confidence, why, severity = "warning", fix, title) => out.push({ id, confidence, severity, why, ...(fix && { fix }), ...(title && { title }) });
  if (s.scope === "none") {
    const v = whyStopped({ stoppedReason: message, containers: [{ name: "", exitCode: s.exitCode, reason: message }] });
    out.push({ id: "not-a-pull-failure", confidence: 0.9, severity: "info", why: v.why, fix: v.next, title: v.title });
    return out;
  }
  // The stage decides the family (findings.md): each step's causes first, never another step's.
  switch (s.stage) {
    case "logs":
      logSuggestions(s, c, add);
      break;
    case "efs":
      efsSuggestions(s, c, add);
      break;
    case "network-interface":
      if (s.kind === "insufficient-addresses")
        add("subnet-addresses-exhausted", s.subnetId ? 0.9 : 0.8, `ECS could not create the task's network interface in ${s.subnetId ?? "its subnet"}: no free IP address`, "error", subnetAddressesFix(s, c));
      break;
    case "container-create":
      if (s.kind === "disk") diskSuggestions(s, message, add);
      break;
    case "container-start":
      if (s.kind === "platform")
        add("image-platform-mismatch", 0.9, "exec format error: the image's entrypoint is built for another CPU architecture than the task runs on (an amd64-only image on an ARM64 task, or the reverse)", "error", platformFix(s));
      break;
    default:
      pullSuggestions(s, message, c, add);
  }
  // The pull's steps keep their summing-up line; another step's own causes are the whole short list.
  const ownCauses = ["logs", "efs", "network-interface", "container-create", "container-start"].includes(s.stage) && out.length > 0;
  if (!out.some((x) => x.severity === "error") && !ownCauses) {
    // Exit 1 only when the message proves a cause: the summing-up finding stays a warning here, below the step's own causes.
    add("unexplained-pull-failure", 0.2, leftToCheck(s), s.kind === "invalid-parameter" ? "error" : "warning");
  }
  return out;
}

type Add = (id: FindingId, confidence: number, why: string, severity?: Severity, fix?: Fix, title?: string) => void;

function networkSuggestions(s: MessageSignals, c: MessageContext, add: Add, all: boolean): void {
  const out = (id: FindingId, confidence: number, why: string, fix?: Fix, title?: string) => add(id, confidence, why, "warning", fix, title);
  const where = addressRange(s.ip);
  // A collector on the host itself (syslog, fluentd on 127.0.0.1): no VPC hop is involved.
  if (where === "loopback") return;
  // An AWS service name that resolved to a private address is an interface endpoint's: the route exists; its security groups decide.
  if (where === "private" && /\.amazonaws\.com$/i.test(s.host ?? "")) {
    out("vpc-endpoint-security-group-blocks", 0.45, `${s.host} resolved to ${s.ip}, an interface endpoint in the VPC: its security groups must admit the task on TCP 443`, undefined, `Possible: the endpoint for ${serviceWords(s)} does not admit the task on TCP 443`);
    out("security-group-egress-blocked", 0.35, "the task's security groups may allow no outbound TCP 443 to the endpoint", egressChecksFix());
    out("network-acl-blocks", 0.25, "the subnet's network ACL may deny TCP 443 out or the ephemeral ports back");
    return;
  }
  // Short: the causes that most often cut a task off, with the checks in order; the rarer hops are for a diagnosis of the task.
  const common = all ? ["no-route-to-registry", "vpc-endpoint-missing", "public-ip-missing", "security-group-egress-blocked"] : ["no-route-to-registry", "vpc-endpoint-missing", "security-group-egress-blocked"];
  const ids = NETWORK_TIMEOUT.filter(([id]) => common.includes(id));
  for (const [id, conf, why] of ids) {
    const fix =
      id === "no-route-to-registry" ? routeChecksFix(s, c) : id === "vpc-endpoint-missing" ? endpointFix(s, c) : id === "security-group-egress-blocked" ? egressChecksFix() : publicIpFix(c);
    const words = all ? why : why.replace("ecr.api, ecr.dkr and the S3 gateway endpoint (layers live in S3)", `an interface endpoint for ${serviceWords(s)}`);
    const title = all ? undefined : `Possible: ${CAUSE[id].replace("the registry", serviceWords(s)).replace("the pull", "the task")}`;
    out(id, s.service === "s3" && id === "vpc-endpoint-missing" ? 0.5 : conf, words, fix, title);
  }
}

function logSuggestions(s: MessageSignals, c: MessageContext, add: Add): void {
  const logsDenied = s.kind === "access-denied" && (!s.deniedAction || /^logs:/i.test(s.deniedAction));
  if (s.kind === "not-found") {
    add("log-group-missing", 0.9, `the log driver says the log group${s.logGroup ? ` ${s.logGroup}` : ""} does not exist in its awslogs-region`, "error", createLogGroupFix(s, c));
    add("log-permissions-missing", 0.3, "or awslogs-create-group is \"true\" and the role may not create it", "warning", logPermissionsFix(s, c));
  } else if (logsDenied) {
    add("log-permissions-missing", 0.9, `${c.role ?? "the role"} is not allowed ${s.deniedAction ?? "to write the logs"}${s.logGroup ? ` on ${s.logGroup}` : ""}`, "error", logPermissionsFix(s, c));
  } else if (s.kind === "access-denied" || s.kind === "secret-not-found") {
    // secretOptions of the log configuration are secrets like any other.
    add("secrets-unreadable", 0.8, "the log configuration's secretOptions name a secret the execution role cannot read", "error", secretPermissionsFix(s, c) ?? secretChecksFix(s, c));
  } else if (NETWORK_KINDS.includes(s.kind)) {
    // Fargate's "cannot find the log group ... connection issue" is the network, not a missing group (findings.md).
    networkSuggestions(s, c, add, false);
  }
}

function efsSuggestions(s: MessageSignals, c: MessageContext, add: Add): void {
  const fs = s.fileSystemId ?? "the file system";
  switch (s.kind) {
    case "dns":
      add("efs-mount-target-missing", 0.6, `${fs}'s DNS name resolves only in Availability Zones where it has an available mount target`, "warning", efsMountTargetFix(s, c));
      add("vpc-dns-disabled", 0.45, "EFS names need the VPC's enableDnsSupport and enableDnsHostnames on");
      add("efs-file-system-missing", 0.35, `or ${fs} does not exist in the task's region`, "warning", efsFileSystemFix(s, c));
      break;
    case "timeout":
    case "reset":
    case "refused":
    case "canceled":
      add("efs-security-group-blocks", 0.6, "the NFS connection (TCP 2049) to the mount target was cut or never answered: a security group or network ACL that does not admit it", "warning", efsSecurityGroupFix(s, c));
      add("efs-mount-target-missing", 0.3, "or the mount target in this Availability Zone is not available", "warning", efsMountTargetFix(s, c));
      break;
    case "access-denied":
    case "unauthorized":
    case "forbidden":
      add("efs-access-denied", 0.85, `${fs} refused the mount (access denied by server): its file system policy does not let the task mount as configured`, "error", efsAccessFix(s, c));
      break;
    case "not-found":
      add("efs-file-system-missing", 0.85, `${s.accessPointId ?? fs} does not exist`, "error", efsFileSystemFix(s, c));
      break;
    default:
      add("efs-file-system-missing", 0.3, `${fs}, its access point, or the volume's rootDirectory may not exist`, "warning", efsFileSystemFix(s, c));
  }
}

/** Fargate runs containerd; Docker's daemon and its devicemapper thin pool are an EC2 instance's. */
function diskSuggestions(s: MessageSignals, message: string, add: Add): void {
  const thinPool = /Thin Pool/i.test(message);
  const ec2 = thinPool || /Error response from daemon|API error \(500\)|\/var\/lib\/docker|devmapper/i.test(message);
  const fargate = !ec2 && /containerd|ephemeral|fargate|\/var\/lib\/containerd/i.test(message);
  if (ec2) add("container-instance-disk-full", 0.85, `the container instance's Docker storage is full${thinPool ? " (its devicemapper thin pool)" : ""}`, "error", instanceDiskFix(thinPool));
  else if (fargate) add("ephemeral-storage-full", 0.8, "the task's ephemeral storage has no room for the image", "error", ephemeralStorageFix());
  else {
    // The message cannot tell the launch type: both, the instance's first (the commoner).
    add("container-instance-disk-full", 0.6, `the host ran out of disk ${s.stage === "layer" ? "while unpacking the image" : "while creating the container"} (EC2 launch type)`, "warning", instanceDiskFix(false));
    add("ephemeral-storage-full", 0.55, "the task's ephemeral storage ran out (Fargate)", "warning", ephemeralStorageFix());
  }
}

function pullSuggestions(s: MessageSignals, message: string, c: MessageContext, add: Add): void {
  // repositoryCredentials are fetched from Secrets Manager as "registry auth".
  const registryAuth = s.stage === "registry-auth" && s.service !== "ecr-api" ? true : /registry auth from asm/i.test(message);
  switch (s.kind) {
    case "rate-limit":
      add("registry-rate-limited", 0.95, "the registry answered toomanyrequests (HTTP 429)", "error");
      break;
    case "platform":
      add("image-platform-mismatch", 0.95, `the image has no manifest for ${s.platform ?? "the task's platform"}`, "error", platformFix(s));
      break;
    case "disk":
      diskSuggestions(s, message, add);
      break;
    case "not-found":
      if (s.missing === "repository") {
        add("repository-not-found", 0.8, "the registry says the repository does not exist", "error", repositoryChecksFix(s));
        add("image-not-found", 0.4, "or the tag is missing", "warning", imageChecksFix(s));
      } else {
        const pinned = s.imageRef?.includes("@sha256:");
        add(
          "image-not-found",
          0.85,
          pinned
            ? "the registry has no manifest for the digest ECS pinned at deployment; the tag may still exist and point elsewhere"
            : "the registry has no manifest for this tag or digest",
          "error",
          imageChecksFix(s),
        );
        add("repository-not-found", 0.45, "or the repository itself is missing", "warning", repositoryChecksFix(s));
      }
      break;
    case "unauthorized":
      if (s.service === "docker-hub" || s.service === "other-registry") {
        add("registry-credentials-missing", 0.7, "the registry refused an anonymous pull; a misspelt repository gives the same message", "error");
        add("registry-credentials-unreadable", 0.35, "or the credentials could not be read");
      } else {
        add("pull-role-lacks-ecr-permissions", 0.55, "the registry refused the credentials", "warning", ecrPermissionsFix(s, c));
        add("execution-role-missing", 0.4, "or no execution role supplied any");
      }
      break;
    case "access-denied": {
      const a = (s.deniedAction ?? "").toLowerCase();
      const target = a ? a.split(":")[0] : s.service;
      if (target === "ecr" || target === "ecr-api" || target === "ecr-dkr")
        add("pull-role-lacks-ecr-permissions", 0.9, `the role is not allowed ${s.deniedAction ?? "to pull from ECR"}`, "error", ecrPermissionsFix(s, c));
      else if (target === "secretsmanager" || target === "ssm" || target === "kms") {
        const what = s.deniedAction ? `is not allowed ${s.deniedAction}` : `cannot read from ${target === "kms" ? "KMS" : target}`;
        const fix = secretPermissionsFix(s, c) ?? secretChecksFix(s, c);
        if (registryAuth) add("registry-credentials-unreadable", 0.85, `the execution role ${what}`, "error", fix);
        else add("secrets-unreadable", 0.85, `the execution role ${what}`, "error", fix);
      } else if (target === "s3") add("vpc-endpoint-policy-denies", 0.5, "S3 refused a layer download, which an S3 gateway endpoint policy does when it leaves out the ECR layer bucket");
      else add("pull-role-lacks-ecr-permissions", 0.5, "a call of the pull was denied", "warning", ecrPermissionsFix(s, c));
      break;
    }
    case "forbidden":
      if (s.stage === "layer" || s.service === "s3") {
        // Layers come from S3: a 403 there is an S3 gateway endpoint policy far more often than IAM.
        add("vpc-endpoint-policy-denies", 0.55, "S3 refused a layer download, which an S3 gateway endpoint policy does when it leaves out the ECR layer bucket");
        add("pull-role-lacks-ecr-permissions", 0.4, "or the role lacks ecr:GetDownloadUrlForLayer", "warning", ecrPermissionsFix(s, c));
      } else {
        add("pull-role-lacks-ecr-permissions", 0.5, "the registry answered 403 Forbidden", "warning", ecrPermissionsFix(s, c));
        add("ecr-repository-policy-denies", 0.45, "a repository policy can refuse the pull");
        add("vpc-endpoint-policy-denies", 0.4, "an endpoint policy can refuse the pull");
      }
      break;
    case "assume-role":
      add("execution-role-not-assumable", 0.8, "ECS could not assume the execution role", "error");
      add("execution-role-missing", 0.45, "or the role does not exist");
      break;
    case "secret-not-found":
    case "invalid-parameter":
      if (registryAuth) add("registry-credentials-unreadable", 0.8, "the registry credentials' secret was not found", "error", secretChecksFix(s, c));
      else add("secrets-unreadable", 0.85, "a secret or parameter the task names was not found", "error", secretChecksFix(s, c));
      break;
    case "dns":
      add("vpc-dns-disabled", 0.45, "the name did not resolve");
      add("custom-dns-resolution", 0.4, "custom DNS servers may not resolve AWS names");
      add("vpc-endpoint-private-dns-disabled", 0.35, "an endpoint without private DNS leaves the public name");
      add("no-route-to-registry", 0.3, "a resolver the subnet cannot reach", "warning", routeChecksFix(s, c));
      break;
    case "timeout":
    case "canceled":
    case "refused":
    case "reset":
      // A secret or a token is one AWS endpoint: the three commonest causes, not every network id.
      networkSuggestions(s, c, add, s.stage !== "secrets" && s.stage !== "registry-auth");
      break;
    default:
      // A cut message that names its step still says where to look (a truncated "failed to fetch secret arn:...").
      if (s.stage === "secrets") {
        add("secrets-unreadable", 0.5, `${s.secretRef ?? "a secret the task names"} could not be read: it may not exist, its JSON key or version may not, or the role may not read or decrypt it`, "warning", secretChecksFix(s, c));
        networkSuggestions(s, c, add, false);
      } else if (s.stage === "registry-auth") {
        if (registryAuth) add("registry-credentials-unreadable", 0.5, "the repositoryCredentials secret could not be read", "warning", secretChecksFix(s, c));
        else add("pull-role-lacks-ecr-permissions", 0.45, "the registry token could not be fetched: the role may lack ecr:GetAuthorizationToken", "warning", ecrPermissionsFix(s, c));
        networkSuggestions(s, c, add, false);
      } else if (s.stage === "manifest" && s.truncated) {
        add("image-not-found", 0.35, "a cut manifest error is most often a tag that does not exist", "warning", imageChecksFix(s));
      }
  }
}

/** The checks left when the message settles nothing, for the summing-up finding. */
function leftToCheck(s: MessageSignals): string {
  if (s.stage === "logs" && s.kind === "invalid-parameter") return `the awslogs options are invalid or incomplete (${s.summary}): correct the option the message names in the container's logConfiguration`;
  if (s.stage === "network-interface") return `ECS could not create the task's network interface (${s.summary}): read the EC2 error code in the message; diagnose the task for its subnet and security groups`;
  if (s.stage === "efs") return `the EFS mount failed (${s.summary}): check the volume's rootDirectory or access point path exists, then diagnose the task`;
  return "the message alone proves no cause: diagnose the task to check its configuration";
}

/** The resource the message names, for the evidence line. */
function namedResource(s: MessageSignals): string {
  return s.host ?? (s.deniedResource || s.secretRef || s.logGroup || s.accessPointId || s.fileSystemId || s.subnetId || "message");
}

export function explainMessage(message: string): Report {
  const signals = parseMessage(message);
  const byId = new Map(DIAGNOSTICS.map((d) => [d.id, d]));
  const drafts = suggestionsFor(signals, message).map((x) => {
    const d = byId.get(x.id);
    return {
      id: x.id,
      severity: x.severity,
      certainty: "message" as const,
      confidence: x.confidence,
      title: x.title ?? (x.severity === "warning" ? `Possible: ${CAUSE[x.id]}` : CAUSE[x.id]),
      explanation: `From the message alone (${signals.summary}): ${x.why.replace(/\.$/, "")}. ${x.severity === "warning" && x.id !== "unexplained-pull-failure" ? "The message does not prove it; `ecs-doctor <taskArn>` checks the configuration." : ""}`.trim(),
      evidence: [{ resource: namedResource(signals), fact: signals.summary }],
      // The message's own fix where it allows one; else the way to settle it.
      fixes: x.fix ? [x.fix] : [{ summary: "Diagnose the task itself to confirm: ecs-doctor <taskArn>", docs: d?.docs ?? [] }],
    };
  });
  return {
    format: "ecs-doctor-report/1",
    task: null,
    findings: rankFindings(drafts),
    passed: [],
    skipped: [],
    source: { kind: "message" },
    message,
    signals,
  };
}


