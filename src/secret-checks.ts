// One judgement of a secret the task reads at start (container `secrets`, log
// `secretOptions`, `repositoryCredentials`), shared by secrets-unreadable and
// registry-credentials-unreadable: does it exist, is it scheduled for deletion,
// may the execution role read it and decrypt its key. Reads the evidence only.

import type { PermissionAnswer } from "./analysis/permissions.js";
import type { EvidenceItem, Fix } from "./diagnostic.js";
import { answerFact, IAM_DOCS, isDenied, putRolePolicyCommand, roleNameFromArn } from "./iam-fixes.js";
import type { ContainerFailure, Evidence, SecretReference } from "./model/evidence.js";
import type { ParameterMetadata, SecretMetadata } from "./model/aws.js";
import { type Unknown, unknownReason } from "./model/fact.js";
import { DOCS } from "./model/queries.js";

export type SecretVerdict =
  | { kind: "ok" }
  | { kind: "n/a" }
  | { kind: "skip"; reason: string; unknown?: Unknown }
  | { kind: "broken"; severity: "error" | "warning"; certainty: "proven" | "possible" | "message"; why: string; evidence: EvidenceItem[]; fixes: Fix[] };

const SECRET_KINDS = ["access-denied", "secret-not-found", "invalid-parameter", "not-found", "unauthorized"];

function label(ref: SecretReference): string {
  return ref.field === "repositoryCredentials"
    ? `the repositoryCredentials of container ${ref.container}`
    : `${ref.field === "secrets" ? "secret" : "log secretOption"} ${ref.name ?? "?"} of container ${ref.container}`;
}

/** Whether a message names this secret (the secret or parameter it failed on, or the resource it was denied). */
export function messageNames(f: ContainerFailure, ref: SecretReference): boolean {
  const meta = ref.secret.state === "known" ? ref.secret.value : null;
  const ids = [ref.lookupId, ref.resourceArn, ref.valueFrom, meta?.ARN, meta?.Name].filter((x): x is string => Boolean(x));
  const bare = (s: string) => s.replace(/^\//, "");
  return [f.signals.secretRef, f.signals.deniedResource].some(
    (said) => said !== undefined && said !== "*" && ids.some((id) => said === id || said.startsWith(id) || id.startsWith(said) || bare(said) === bare(id)),
  );
}

const KMS_DENIAL = /\bKMS\b|kms:Decrypt|customer master key|ciphertext/i;

/**
 * Whether a resource policy we do not read could grant the role this action directly: a KMS key policy
 * (kms:Decrypt) or a Secrets Manager resource policy (GetSecretValue). Within one account either the
 * identity policies or the resource policy suffice, so an implicit deny from the identity policies alone
 * is not a proof; across accounts both must allow, and it is.
 */
function resourcePolicyMayGrant(a: PermissionAnswer, accountId: string): boolean {
  if (a.action !== "kms:Decrypt" && a.action !== "secretsmanager:GetSecretValue") return false;
  // A key policy that was read is already part of the decision.
  if (a.resourcePolicyRead) return false;
  const p = a.resource.split(":");
  return p[0] !== "arn" || !p[4] || p[4] === accountId;
}

/** Whether a message names this denial: the action (on this secret or key), or, for kms:Decrypt, KMS refusing this secret. */
function messageNamesDenial(e: Evidence, ref: SecretReference, a: PermissionAnswer): boolean {
  const store = ref.store === "ssm" ? "ssm" : "secretsmanager";
  return e.failures.some((f) => {
    const s = f.signals;
    if (s.scope !== "init" || s.kind !== "access-denied") return false;
    const names = messageNames(f, ref) || (s.deniedResource !== undefined && s.deniedResource === a.resource);
    if (s.deniedAction?.toLowerCase() === a.action.toLowerCase() && names) return true;
    // "Access to KMS is not allowed", "The ciphertext refers to a customer master key ... you are not allowed to access".
    return a.action === "kms:Decrypt" && KMS_DENIAL.test(f.message) && (names || (!s.secretRef && !s.deniedResource && s.service === store));
  });
}

/** The failure that shows this secret could not be read, when one does. */
export function failureFor(e: Evidence, ref: SecretReference): ContainerFailure | undefined {
  return e.failures.find((f) => f.signals.scope === "init" && SECRET_KINDS.includes(f.signals.kind) && messageNames(f, ref));
}

function accessFixes(e: Evidence, ref: SecretReference, denied: PermissionAnswer[]): Fix[] {
  const roleName = roleNameFromArn(e.executionRoleArn ?? "EXECUTION_ROLE");
  const fixes: Fix[] = [];
  const explicit = denied.filter((a) => a.decision === "explicit-deny");
  const grant = denied.filter((a) => a.decision !== "explicit-deny");
  if (grant.length > 0) {
    fixes.push({
      summary: `Allow the execution role ${roleName} ${[...new Set(grant.map((a) => a.action))].join(" and ")} on ${label(ref)}.`,
      commands: [putRolePolicyCommand(roleName, ref.field === "repositoryCredentials" ? "registry-credentials" : "task-secrets", grant)],
      docs: [ref.store === "ssm" ? IAM_DOCS.ssmEnv : IAM_DOCS.secretsManagerEnv, DOCS.secrets],
    });
  }
  if (explicit.length > 0) {
    fixes.push({
      summary: `Remove or narrow the Deny (${[...new Set(explicit.flatMap((a) => a.deniedBy))].join(", ") || "an explicit Deny"}) that covers ${label(ref)}.`,
      docs: [IAM_DOCS.evaluationLogic],
    });
  }
  const kms = denied.find((a) => a.action === "kms:Decrypt");
  if (kms?.resourcePolicyRead && ref.key) {
    fixes.push(keyPolicyFix(e, kms.resource, ref.key.named));
  } else if (kms) {
    const key = kms.placeholder ? kms.why.split(" ").pop() : kms.resource;
    fixes.push({
      summary: `The key's own policy must also let ${roleName} decrypt (or delegate to IAM): check it.`,
      commands: [`aws kms get-key-policy --region ${e.region} --key-id ${key} --policy-name default`],
      docs: [IAM_DOCS.secretEncryption],
    });
  }
  return fixes;
}

/** Let the execution role decrypt with the key, in the key's own policy (or a grant, which needs no policy edit). */
function keyPolicyFix(e: Evidence, keyArn: string, named: string): Fix {
  const role = e.executionRoleArn ?? "EXECUTION_ROLE_ARN";
  const statement = JSON.stringify({ Sid: "AllowEcsExecutionRoleDecrypt", Effect: "Allow", Principal: { AWS: role }, Action: "kms:Decrypt", Resource: "*" });
  const region = keyArn.split(":")[3] || e.region;
  return {
    summary: `Let ${roleNameFromArn(role)} use key ${keyArn}${named !== keyArn ? ` (${named})` : ""}: add this statement to the key policy, or give the role a grant.`,
    steps: [
      `Open the AWS KMS console, Customer managed keys, key ${keyArn.split("/").pop()}, Key policy, Edit.`,
      `Add the statement ${statement}, or, where the policy already lets the account's IAM policies decide (Principal arn:aws:iam::${e.accountId}:root), allow kms:Decrypt on the key in the role's own policy.`,
    ],
    commands: [
      `aws kms get-key-policy --region ${region} --key-id ${keyArn} --policy-name default --query Policy --output text > key-policy.json`,
      `# add ${statement} to the Statement list of key-policy.json, then:`,
      `aws kms put-key-policy --region ${region} --key-id ${keyArn} --policy-name default --policy file://key-policy.json`,
      `aws kms create-grant --region ${region} --key-id ${keyArn} --grantee-principal ${role} --operations Decrypt`,
    ],
    docs: ["https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html", IAM_DOCS.secretEncryption],
  };
}

/** Judges one secret reference. */
export function judgeSecret(e: Evidence, ref: SecretReference): SecretVerdict {
  const said = failureFor(e, ref);
  const where = ref.store === "secretsmanager" ? "Secrets Manager secret" : "SSM parameter";
  if (ref.secret.state !== "known") {
    if (said) {
      return {
        kind: "broken", severity: "error", certainty: "message",
        why: `the task's message says ${label(ref)} (${ref.valueFrom}) could not be read, and its metadata could not be read to say why (${unknownReason(ref.secret)})`,
        evidence: [{ resource: ref.valueFrom, fact: `reason: ${said.signals.summary}` }],
        fixes: [{ summary: `Check that ${ref.valueFrom} exists in ${ref.store === "ssm" ? "SSM Parameter Store" : "Secrets Manager"} and that the execution role may read it.`, docs: [DOCS.secrets] }],
      };
    }
    return { kind: "skip", reason: `cannot read ${where} ${ref.lookupId}`, unknown: ref.secret };
  }
  const meta = ref.secret.value;
  // Another account's parameter is listed only if it was shared through RAM (or a promoted resource
  // policy): not listed, it may still exist and be shared otherwise. Only the message can prove it missing.
  const owner = ref.lookupId.startsWith("arn:") ? ref.lookupId.split(":")[4] : undefined;
  if (!meta && ref.store === "ssm" && owner && owner !== e.accountId && !said) {
    return {
      kind: "broken", severity: "warning", certainty: "possible",
      why:
        `${label(ref)} names SSM parameter ${ref.lookupId} of account ${owner}, and ecs-doctor could not confirm that it exists: ` +
        `ssm:DescribeParameters (with Shared) does not list it among the parameters shared with account ${e.accountId}. ` +
        "A parameter shared through a resource policy that RAM has not promoted is not listed either, so this may not stop the task",
      evidence: [{ resource: ref.valueFrom, fact: `ssm:DescribeParameters Shared=true: not listed (${label(ref)})` }],
      fixes: [
        {
          summary: `In account ${owner}, check that ${ref.lookupId} exists and is shared with account ${e.accountId} (an advanced-tier parameter, shared through AWS RAM), or correct ${label(ref)}.`,
          commands: [
            `aws ssm describe-parameters --region ${ref.lookupId.split(":")[3] || e.region} --shared --query 'Parameters[].ARN'`,
            `aws ram get-resource-shares --region ${ref.lookupId.split(":")[3] || e.region} --resource-owner OTHER-ACCOUNTS`,
          ],
          docs: [DOCS.secrets, IAM_DOCS.sharedParameters],
        },
      ],
    };
  }
  if (!meta) {
    return {
      kind: "broken", severity: "error", certainty: "proven",
      why: `${label(ref)} names ${where} ${ref.lookupId}, which does not exist in ${ref.resourceArn.split(":")[3] || e.region}`,
      evidence: [{ resource: ref.valueFrom, fact: `${ref.store === "secretsmanager" ? "secretsmanager:DescribeSecret: ResourceNotFoundException" : "ssm:DescribeParameters: no such parameter"} (${label(ref)})` }],
      fixes: [
        {
          summary: `Create ${where} ${ref.lookupId}, or correct ${label(ref)} to name one that exists (region and account included).`,
          commands: [
            ref.store === "secretsmanager"
              ? `aws secretsmanager create-secret --region ${e.region} --name ${ref.lookupId.split(":secret:").pop()?.replace(/-[A-Za-z0-9]{6}$/, "")} --secret-string 'VALUE'`
              : `aws ssm put-parameter --region ${e.region} --name ${ref.lookupId.startsWith("arn:") ? ref.lookupId.split(":parameter").pop() : ref.lookupId} --type SecureString --value 'VALUE'`,
            ref.store === "secretsmanager"
              ? `aws secretsmanager list-secrets --region ${e.region} --query 'SecretList[].ARN'`
              : `aws ssm describe-parameters --region ${e.region} --query 'Parameters[].Name'`,
          ],
          docs: [DOCS.secrets],
        },
      ],
    };
  }
  const deleted = (meta as SecretMetadata).DeletedDate;
  if (ref.store === "secretsmanager" && deleted) {
    const arn = meta.ARN ?? ref.lookupId;
    return {
      kind: "broken", severity: "error", certainty: "proven",
      why: `${label(ref)} names secret ${arn}, which is scheduled for deletion (DeletedDate ${new Date(deleted).toISOString()}): a secret pending deletion cannot be read`,
      evidence: [{ resource: arn, fact: `DeletedDate: ${new Date(deleted).toISOString()}` }],
      fixes: [{ summary: `Restore the secret (possible until its deletion date), or point ${label(ref)} at another secret.`, commands: [`aws secretsmanager restore-secret --region ${e.region} --secret-id ${arn}`], docs: [IAM_DOCS.restoreSecret] }],
    };
  }
  if (!ref.access) return { kind: "n/a" };
  if (ref.access.state !== "known") {
    return said
      ? {
          kind: "broken", severity: "error", certainty: "message",
          why: `the task's message says ${label(ref)} could not be read, and the execution role's policies could not be read to say why (${unknownReason(ref.access)})`,
          evidence: [{ resource: ref.valueFrom, fact: `reason: ${said.signals.summary}` }],
          fixes: [{ summary: `Allow the execution role to read ${ref.lookupId} (and decrypt its key).`, docs: [DOCS.secrets] }],
        }
      : { kind: "skip", reason: `cannot read the execution role's policies for ${ref.lookupId}`, unknown: ref.access };
  }
  const answers = ref.access.value;
  const resource = meta.ARN ?? ref.resourceArn;
  const denied = answers.filter(isDenied);
  const key = ref.store === "secretsmanager" ? (meta as SecretMetadata).KmsKeyId : (meta as ParameterMetadata).KeyId;
  const what = (list: PermissionAnswer[]) =>
    list
      .map((a) => {
        const keyNote = a.action === "kms:Decrypt" && a.resourcePolicyRead ? a.notes[a.notes.length - 1]?.replace(/\.$/, "") : undefined;
        const how = keyNote ? keyNote : a.decision === "explicit-deny" ? "an explicit Deny" : a.decision === "implicit-deny" ? (a.cutByBoundary ? "its permissions boundary" : "no policy allowing it") : "conditions that cannot be checked offline";
        return a.action === "kms:Decrypt" ? `decrypt it with its customer managed key ${key} (kms:Decrypt: ${how})` : `read ${resource} (${a.action}: ${how})`;
      })
      .join(" and ");
  // An implicit deny that a key policy or the secret's resource policy could lift is only possible, unless the message names it.
  const liftable = denied.filter((a) => a.decision !== "explicit-deny" && resourcePolicyMayGrant(a, e.accountId) && !messageNamesDenial(e, ref, a));
  if (denied.length > 0 && liftable.length === denied.length) {
    const kms = liftable.find((a) => a.action === "kms:Decrypt");
    const secret = liftable.find((a) => a.action === "secretsmanager:GetSecretValue");
    const unread = [kms ? `the key policy of ${key}` : "", secret ? `the resource policy of ${resource}` : ""].filter(Boolean).join(" or ");
    return {
      kind: "broken", severity: "warning", certainty: "possible",
      why:
        `the execution role ${roleNameFromArn(e.executionRoleArn ?? "")}'s own policies do not let it ${what(liftable)}; ${unread} can grant the role directly ` +
        "(within one account either suffices) and is not read, so this may not stop the task",
      evidence: liftable.map((a) => ({ resource: e.executionRoleArn ?? "execution role", fact: `${answerFact(a)} (for ${a.why})` })),
      fixes: [
        ...accessFixes(e, ref, liftable),
        ...(secret ? [{ summary: `Check whether the resource policy of ${resource} grants ${roleNameFromArn(e.executionRoleArn ?? "")} secretsmanager:GetSecretValue.`, commands: [`aws secretsmanager get-resource-policy --region ${e.region} --secret-id ${resource}`], docs: [IAM_DOCS.secretsManagerEnv] }] : []),
      ],
    };
  }
  if (denied.length > 0) {
    return {
      kind: "broken", severity: "error", certainty: "proven",
      why: `the execution role ${roleNameFromArn(e.executionRoleArn ?? "")} may not ${what(denied)}`,
      evidence: denied.map((a) => ({ resource: e.executionRoleArn ?? "execution role", fact: `${answerFact(a)} (for ${a.why})` })),
      fixes: accessFixes(e, ref, denied),
    };
  }
  const unknowns = answers.filter((a) => a.decision === "unknown");
  if (unknowns.length > 0) {
    const unreadable = unknowns.find((a) => a.unreadable)?.unreadable;
    if (unreadable && !said) return { kind: "skip", reason: `cannot evaluate the execution role's policies for ${ref.lookupId}`, unknown: unreadable };
    return {
      kind: "broken", severity: said ? "error" : "warning", certainty: said ? "message" : "possible",
      why: `whether the execution role ${roleNameFromArn(e.executionRoleArn ?? "")} may ${what(unknowns)} cannot be told offline`,
      evidence: unknowns.map((a) => ({ resource: e.executionRoleArn ?? "execution role", fact: answerFact(a) })),
      fixes: accessFixes(e, ref, unknowns),
    };
  }
  if (said) {
    // The role's policies allow it and AWS still refused: a key policy, an SCP or an endpoint policy.
    const kms = answers.find((a) => a.action === "kms:Decrypt");
    return {
      kind: "broken", severity: "error", certainty: "message",
      why:
        `the task's message says it could not be read, although the execution role's policies allow ${answers.map((a) => a.action).join(" and ")}; ` +
        `something the role's policies do not show refused it: ${kms && !kms.resourcePolicyRead ? `the key policy of ${kms.resource}, ` : ""}a service control policy, or a VPC endpoint policy`,
      evidence: [{ resource: ref.valueFrom, fact: `reason: ${said.signals.summary}` }, ...answers.map((a) => ({ resource: e.executionRoleArn ?? "execution role", fact: answerFact(a) }))],
      fixes: kms
        ? [{ summary: `Let ${roleNameFromArn(e.executionRoleArn ?? "")} use the key in the key's own policy.`, commands: [`aws kms get-key-policy --region ${e.region} --key-id ${kms.placeholder ? kms.why.split(" ").pop() : kms.resource} --policy-name default`], docs: [IAM_DOCS.secretEncryption] }]
        : [{ summary: "Look for the Deny outside the role: service control policies and the secretsmanager / ssm VPC endpoint policies.", docs: [IAM_DOCS.evaluationLogic] }],
    };
  }
  return { kind: "ok" };
}
