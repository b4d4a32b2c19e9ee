// Words and commands shared by the IAM, registry and secrets diagnostics:
// how an answer of the permission evaluation reads as evidence, and the
// AWS CLI commands that grant what is missing (ids filled in).

import type { PermissionAnswer } from "./analysis/permissions.js";
import type { Evidence } from "./model/evidence.js";

export const IAM_DOCS = {
  ecrOnEcs: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_ECS.html",
  instanceRole: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/instance_IAM_role.html",
  boundaries: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
  evaluationLogic: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
  repositoryPolicyExamples: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html",
  secretsManagerEnv: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
  ssmEnv: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html",
  sharedParameters: "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-shared-parameters.html",
  secretEncryption: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
  restoreSecret: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_restore-secret.html",
  multiArch: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-multi-architecture-image.html",
  pullThroughCacheRule: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html",
  agentConfig: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html",
  ebsModify: "https://docs.aws.amazon.com/ebs/latest/userguide/requesting-ebs-volume-modifications.html",
  roleTrust: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html",
};

export function roleNameFromArn(arn: string): string {
  return arn.split("/").pop() ?? arn;
}

/** `ecr:BatchGetImage on arn:...: implicit deny (no policy allows it)`: one answer as evidence reads it. */
export function answerFact(a: PermissionAnswer): string {
  const on = a.resource === "*" ? "on *" : `on ${a.resource}`;
  let what: string;
  switch (a.decision) {
    case "allowed":
      what = "allowed";
      break;
    case "explicit-deny":
      what = `explicitly denied${a.deniedBy.length > 0 ? ` by ${a.deniedBy.join(", ")}` : ""}`;
      break;
    case "implicit-deny":
      what = a.cutByBoundary ? "allowed by the identity policies but not by the permissions boundary" : "not allowed by any policy (implicit deny)";
      break;
    default:
      what = a.unreadable
        ? `unknown: ${a.unreadable.message}`
        : `unknown: depends on ${a.unknownConditions.length > 0 ? `condition keys ${a.unknownConditions.join(", ")}` : "conditions"} that cannot be checked offline`;
  }
  return `${a.action} ${on}: ${what}${a.basis === "simulation" ? " (iam:SimulatePrincipalPolicy)" : ""}`;
}

export const isDenied = (a: PermissionAnswer): boolean => a.decision === "explicit-deny" || a.decision === "implicit-deny";

/** A statement allowing these actions, grouped by resource. */
/** What a grant needs to know of an answer: the action, the resource, and whether the resource stands in for another. */
export type Grant = Pick<PermissionAnswer, "action" | "resource" | "placeholder">;

export function allowStatements(answers: Grant[]): { Effect: "Allow"; Action: string[]; Resource: string }[] {
  const byResource = new Map<string, Set<string>>();
  for (const a of answers) {
    // A stand-in resource (the key behind an alias) cannot be granted by name.
    const resource = a.placeholder ? a.resource.replace(/key\/\(.*\)$/, "key/KEY_ID") : a.resource;
    const set = byResource.get(resource) ?? new Set<string>();
    set.add(a.action);
    byResource.set(resource, set);
  }
  return [...byResource].map(([Resource, actions]) => ({ Effect: "Allow" as const, Action: [...actions], Resource }));
}

/** `aws iam put-role-policy` granting what the answers lack, as an inline policy. */
export function putRolePolicyCommand(roleName: string, policyName: string, answers: Grant[]): string {
  const doc = JSON.stringify({ Version: "2012-10-17", Statement: allowStatements(answers) });
  return `aws iam put-role-policy --role-name ${roleName} --policy-name ${policyName} --policy-document '${doc}'`;
}

/** The region flag of the evidence. */
export function regionFlag(e: Evidence): string {
  return `--region ${e.region}`;
}

/**
 * The message names one of these actions as denied (for these containers, or
 * any): a statement whose conditions could not be checked offline is then the
 * likely reason, and stands as an error rather than a caution.
 */
export function messageConfirmsDenial(e: Evidence, actions: string[], containers?: string[]): boolean {
  const wanted = new Set(actions.map((a) => a.toLowerCase()));
  return e.failures.some(
    (f) => (!containers || containers.includes(f.container)) && f.signals.kind === "access-denied" && wanted.has((f.signals.deniedAction ?? "").toLowerCase()),
  );
}
