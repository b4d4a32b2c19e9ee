// `ecs-doctor explain`: an error message judged alone, with no AWS call. The
// message proves some causes (a rate limit, a platform mismatch) and only
// suggests others (a timeout suggests the network), so suggestions stay below
// the confidence configuration evidence gives.

import { DIAGNOSTICS } from "../diagnostics/index.js";
import { type MessageSignals, parseMessage } from "./analysis/message.js";
import type { FindingId, Severity } from "./diagnostic.js";
import type { Report } from "./model/report.js";
import { rankFindings } from "./report.js";

interface Suggestion {
  id: FindingId;
  confidence: number;
  severity: Severity;
  why: string;
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

export function suggestionsFor(s: MessageSignals, message = ""): Suggestion[] {
  const out: Suggestion[] = [];
  const add = (id: FindingId, confidence: number, why: string, severity: Severity = "warning") => out.push({ id, confidence, severity, why });
  if (s.scope === "none") {
    add("not-a-pull-failure", 0.9, "the message shows no image pull, start-up or assume-role failure", "info");
    return out;
  }
  // repositoryCredentials are fetched from Secrets Manager as "registry auth".
  const registryAuth = s.stage === "registry-auth" && s.service !== "ecr-api" ? true : /registry auth from asm/i.test(message);
  switch (s.kind) {
    case "rate-limit":
      add("registry-rate-limited", 0.95, "the registry answered toomanyrequests (HTTP 429)", "error");
      break;
    case "platform":
      add("image-platform-mismatch", 0.95, `the image has no manifest for ${s.platform ?? "the task's platform"}`, "error");
      break;
    case "disk":
      add("container-instance-disk-full", 0.6, "the host ran out of disk while unpacking the image (EC2 launch type)");
      add("ephemeral-storage-full", 0.55, "the task's ephemeral storage ran out while unpacking the image (Fargate)");
      break;
    case "not-found":
      if (s.missing === "repository") {
        add("repository-not-found", 0.8, "the registry says the repository does not exist", "error");
        add("image-not-found", 0.4, "or the tag is missing");
      } else {
        add("image-not-found", 0.85, "the registry has no manifest for this tag or digest", "error");
        add("repository-not-found", 0.45, "or the repository itself is missing");
      }
      break;
    case "unauthorized":
      if (s.service === "docker-hub" || s.service === "other-registry") {
        add("registry-credentials-missing", 0.7, "the registry refused an anonymous pull; a misspelt repository gives the same message", "error");
        add("registry-credentials-unreadable", 0.35, "or the credentials could not be read");
      } else {
        add("pull-role-lacks-ecr-permissions", 0.55, "the registry refused the credentials");
        add("execution-role-missing", 0.4, "or no execution role supplied any");
      }
      break;
    case "access-denied": {
      const a = (s.deniedAction ?? "").toLowerCase();
      const target = a ? a.split(":")[0] : s.service;
      if (target === "ecr" || target === "ecr-api" || target === "ecr-dkr") add("pull-role-lacks-ecr-permissions", 0.9, `the role is not allowed ${s.deniedAction ?? "to pull from ECR"}`, "error");
      else if (target === "secretsmanager" || target === "ssm" || target === "kms") {
        const what = s.deniedAction ? `is not allowed ${s.deniedAction}` : `cannot read from ${target === "kms" ? "KMS" : target}`;
        if (registryAuth) add("registry-credentials-unreadable", 0.85, `the execution role ${what}`, "error");
        else add("secrets-unreadable", 0.85, `the execution role ${what}`, "error");
      } else if (target === "logs") {
        // No cause id covers the log stream: the summing-up finding names it (below).
      } else if (target === "s3") add("vpc-endpoint-policy-denies", 0.5, "S3 refused a layer download, which an S3 gateway endpoint policy does when it leaves out the ECR layer bucket");
      else add("pull-role-lacks-ecr-permissions", 0.5, "a call of the pull was denied");
      break;
    }
    case "forbidden":
      if (s.stage === "layer" || s.service === "s3") {
        // Layers come from S3: a 403 there is an S3 gateway endpoint policy far more often than IAM.
        add("vpc-endpoint-policy-denies", 0.55, "S3 refused a layer download, which an S3 gateway endpoint policy does when it leaves out the ECR layer bucket");
        add("pull-role-lacks-ecr-permissions", 0.4, "or the role lacks ecr:GetDownloadUrlForLayer");
      } else {
        add("pull-role-lacks-ecr-permissions", 0.5, "the registry answered 403 Forbidden");
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
      if (registryAuth) add("registry-credentials-unreadable", 0.8, "the registry credentials' secret was not found", "error");
      else add("secrets-unreadable", 0.85, "a secret or parameter the task names was not found", "error");
      break;
    case "dns":
      add("vpc-dns-disabled", 0.45, "the name did not resolve");
      add("custom-dns-resolution", 0.4, "custom DNS servers may not resolve AWS names");
      add("vpc-endpoint-private-dns-disabled", 0.35, "an endpoint without private DNS leaves the public name");
      add("no-route-to-registry", 0.3, "a resolver the subnet cannot reach");
      break;
    case "timeout":
    case "canceled":
    case "refused":
    case "reset":
      // Layers come from S3: a timeout there, with the registry reached, points at the S3 gateway endpoint.
      for (const [id, c, why] of NETWORK_TIMEOUT) add(id, s.service === "s3" && id === "vpc-endpoint-missing" ? 0.5 : c, why);
      break;
    default:
      break;
  }
  if (!out.some((x) => x.severity === "error")) {
    const logs = s.stage === "logs" || (s.deniedAction ?? "").toLowerCase().startsWith("logs:");
    add(
      "unexplained-pull-failure",
      logs ? 0.6 : 0.2,
      logs
        ? `the task failed setting up its logs (${s.summary}): give the execution role logs:CreateLogStream and logs:PutLogEvents (AmazonECSTaskExecutionRolePolicy has them) and check the awslogs options`
        : "the message alone proves no cause: diagnose the task to check its configuration",
      "error",
    );
  }
  return out;
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
      title: x.severity === "warning" ? `Possible: ${CAUSE[x.id]}` : CAUSE[x.id],
      explanation: `From the message alone (${signals.summary}): ${x.why}. ${x.severity === "error" ? "" : "The message does not prove it; `ecs-doctor <taskArn>` checks the configuration."}`.trim(),
      evidence: [{ resource: signals.host ?? (signals.deniedResource || signals.secretRef || "message"), fact: signals.summary }],
      fixes: d ? [{ summary: `Diagnose the task itself to confirm: ecs-doctor <taskArn>`, docs: d.docs }] : [],
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


