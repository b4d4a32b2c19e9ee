// `ecs-doctor explain`: an error message judged alone, with no AWS call. The
// message proves some causes (a rate limit, a platform mismatch) and only
// suggests others (a timeout suggests the network), so suggestions stay below
// the confidence configuration evidence gives.

import { DIAGNOSTICS } from "../diagnostics/index.js";
import { type MessageSignals, parseMessage } from "./analysis/message.js";
import type { FindingId, Severity } from "./diagnostic.js";
import type { Report } from "./model/report.js";
import { quote } from "./model/queries.js";
import { rankFindings } from "./report.js";

interface Suggestion {
  id: FindingId;
  confidence: number;
  severity: Severity;
  why: string;
}

const NETWORK_TIMEOUT: [FindingId, number][] = [
  ["no-route-to-registry", 0.45], ["vpc-endpoint-missing", 0.4], ["public-ip-missing", 0.35], ["security-group-egress-blocked", 0.3],
  ["nat-gateway-no-internet", 0.3], ["route-blackhole", 0.28], ["network-acl-blocks", 0.25], ["vpc-endpoint-security-group-blocks", 0.25],
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
      for (const [id, c] of NETWORK_TIMEOUT) add(id, c, "requests that time out usually have no path out");
      break;
    default:
      break;
  }
  if (!out.some((x) => x.severity === "error")) add("unexplained-pull-failure", 0.2, "the message alone proves no cause: diagnose the task to check its configuration", "error");
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
      title: d ? `${x.severity === "error" ? "Likely" : "Possible"}: ${idTitle(x.id)}` : idTitle(x.id),
      explanation: `From the message alone (${signals.summary}): ${x.why}. ${x.severity === "error" ? "" : "The message does not prove it; `ecs-doctor <taskArn>` checks the configuration."}`.trim(),
      evidence: [{ resource: "message", fact: quote(message) }],
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
    signals,
  } as Report;
}

function idTitle(id: FindingId): string {
  return id.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
}
