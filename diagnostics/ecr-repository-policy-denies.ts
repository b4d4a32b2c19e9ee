import { shortRef } from "../src/analysis/image-ref.js";
import type { Stage } from "../src/analysis/message.js";
import type { PermissionAnswer } from "../src/analysis/permissions.js";
import { type CheckResult, defineDiagnostic, type DraftFinding, fail, failuresAt, notApplicable, pass, skip } from "../src/diagnostic.js";
import { answerFact, IAM_DOCS, isDenied, messageConfirmsDenial, roleNameFromArn } from "../src/iam-fixes.js";
import type { Evidence, ImageEvidence } from "../src/model/evidence.js";
import { unknownReason } from "../src/model/fact.js";
import { DOCS, ecrImages, quote } from "../src/model/queries.js";

const REFUSED = ["forbidden", "access-denied", "unauthorized"];
const STAGES: Stage[] = ["manifest", "layer"];

function pullingPrincipal(e: Evidence): string {
  const arn = e.pullRole?.arn;
  return arn && arn !== "unknown" ? arn : `arn:aws:iam::${e.accountId}:root`;
}

function policyFix(e: Evidence, i: ImageEvidence) {
  const principal = pullingPrincipal(e);
  const statement = {
    Sid: `AllowPullFrom${e.accountId}`,
    Effect: "Allow",
    Principal: { AWS: principal },
    Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
  };
  const doc = JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
  return {
    summary: `In account ${i.ref.registryId}, let ${principal} pull from repository ${i.ref.repository} (merge this statement into the repository policy; set-repository-policy replaces the whole policy).`,
    steps: [`ECR console (account ${i.ref.registryId}) > Repositories > ${i.ref.repository} > Permissions > Edit policy JSON: allow ${principal} ecr:BatchGetImage and ecr:GetDownloadUrlForLayer.`],
    commands: [
      `aws ecr get-repository-policy --region ${i.ref.region} --registry-id ${i.ref.registryId} --repository-name ${i.ref.repository}`,
      `aws ecr set-repository-policy --region ${i.ref.region} --registry-id ${i.ref.registryId} --repository-name ${i.ref.repository} --policy-text '${doc}'`,
    ],
    docs: [DOCS.ecrRepositoryPolicies, IAM_DOCS.repositoryPolicyExamples],
  };
}

/** How to take a Deny out of a repository policy of the task's own account. */
function denyFix(i: ImageEvidence, denied: PermissionAnswer[]) {
  const statements = [...new Set(denied.flatMap((a) => a.deniedBy))];
  const where = `--region ${i.ref.region} --registry-id ${i.ref.registryId} --repository-name ${i.ref.repository}`;
  return {
    summary: `Remove or narrow the Deny in the policy of repository ${i.ref.repository} (${statements.join(", ") || "an explicit Deny"}) so that it does not cover the pulling role: an explicit Deny wins over every Allow.`,
    steps: [`ECR console > Repositories > ${i.ref.repository} > Permissions > Edit policy JSON: remove the Deny, or exclude the pulling role from it.`],
    commands: [
      `aws ecr get-repository-policy ${where} --query policyText --output text > policy.json`,
      `aws ecr set-repository-policy ${where} --policy-text file://policy.json  # after editing out the Deny`,
    ],
    docs: [DOCS.ecrRepositoryPolicies, IAM_DOCS.evaluationLogic],
  };
}

/**
 * The task's own account: the repository policy stops the pull only by denying it. findings.md gives this id
 * to "The repository is in another account and its policy does not let ... pull, or it denies explicitly":
 * an explicit Deny in a repository policy is this cause whichever account the repository is in (within one
 * account, IAM allows what either the role's or the repository's policy allows, and any explicit Deny wins).
 */
function sameAccountFinding(e: Evidence, i: ImageEvidence, access: PermissionAnswer[]): DraftFinding | undefined {
  const denied = access.filter((a) => a.decision === "explicit-deny");
  const unknowns = access.filter((a) => a.decision === "unknown");
  if (denied.length === 0 && unknowns.length === 0) return undefined;
  const refused = failuresAt(e, STAGES).find((f) => i.containers.includes(f.container) && REFUSED.includes(f.signals.kind));
  const shown = denied.length > 0 ? denied : unknowns;
  const confirmed = denied.length === 0 && messageConfirmsDenial(e, unknowns.map((a) => a.action), i.containers);
  return {
    severity: denied.length > 0 || confirmed ? "error" : "warning",
    certainty: denied.length > 0 ? "proven" : confirmed ? "likely" : "possible",
    container: i.containers[0],
    title:
      denied.length > 0
        ? `Repository policy of ${i.ref.repository} denies ${e.pullRole && e.pullRole.arn !== "unknown" ? `role ${roleNameFromArn(e.pullRole.arn)}` : "the pulling role"} the pull`
        : `Repository policy of ${i.ref.repository} may deny the pull: conditions decide`,
    explanation:
      `Container ${i.containers.join(", ")} pulls ${shortRef(i.ref)} from repository ${i.ref.repository} of this account (${e.accountId}). ` +
      "Within one account, the pull is allowed when the role's policies or the repository policy allow it, but an explicit Deny in either wins over every Allow. " +
      `${[...new Set(shown.flatMap((a) => a.notes))].join(" ")}` +
      (refused ? ` The message agrees: ${quote(refused.message, 160)}.` : ""),
    evidence: shown.map((a) => ({ resource: i.ref.repositoryArn!, fact: `repository policy: ${answerFact(a)}` })),
    fixes: [denyFix(i, shown)],
  };
}

/** A repository policy that stops the pull: another account's that does not let this account's pulling role pull, or one that denies it. */
export default defineDiagnostic({
  id: "ecr-repository-policy-denies",
  title: "Repository policies let the pulling role pull",
  docs: [DOCS.ecrRepositoryPolicies, IAM_DOCS.repositoryPolicyExamples],
  messageKinds: ["forbidden", "access-denied", "unauthorized"],
  // A repository policy governs the manifest and layer calls, never the token or the secrets.
  stages: STAGES,
  check(e) {
    const images = ecrImages(e).filter((i) => i.repositoryAccess !== null);
    if (images.length === 0) return notApplicable;
    const findings: DraftFinding[] = [];
    let skipped: CheckResult | undefined;
    for (const i of images) {
      // A repository that does not exist is repository-not-found.
      if (i.repository.state === "known" && i.repository.value === null) continue;
      const access = i.repositoryAccess!;
      if (i.ref.registryId === e.accountId) {
        // The task's own account: an unread policy leaves the check unmade (a 403 here is more often the role's).
        if (access.state !== "known") {
          skipped ??= skip(`cannot read the repository policy of ${i.ref.repository}`, access);
          continue;
        }
        const f = sameAccountFinding(e, i, access.value);
        if (f) findings.push(f);
        continue;
      }
      const refused = failuresAt(e, STAGES).find((f) => i.containers.includes(f.container) && REFUSED.includes(f.signals.kind));
      if (access.state !== "known") {
        // The message shows the refusal and nothing readable contradicts it.
        if (!refused) {
          skipped ??= skip(`cannot read the repository policy of ${i.ref.repository} in account ${i.ref.registryId}`, access);
          continue;
        }
        findings.push({
          severity: "error",
          certainty: "message",
          container: i.containers[0],
          title: `Repository ${i.ref.repository} in account ${i.ref.registryId} refused the pull`,
          explanation:
            `Container ${i.containers.join(", ")} pulls ${i.ref.raw} from account ${i.ref.registryId}, and the registry refused it (${quote(refused.message, 160)}). ` +
            `A repository in another account must allow this account (or the pulling role ${pullingPrincipal(e)}) in its repository policy. ` +
            `The repository policy could not be read (${unknownReason(access)}), so this rests on the message: read the policy in account ${i.ref.registryId} to confirm.`,
          evidence: [
            { resource: i.ref.repositoryArn!, fact: `repository policy not readable: ${unknownReason(access)}` },
            { resource: `container ${refused.container}`, fact: `reason: ${refused.signals.summary}` },
          ],
          fixes: [policyFix(e, i)],
        });
        continue;
      }
      const denied = access.value.filter(isDenied);
      const unknowns = access.value.filter((a) => a.decision === "unknown");
      if (denied.length === 0 && unknowns.length === 0) continue;
      const explicit = denied.some((a) => a.decision === "explicit-deny");
      const noPolicy = i.repositoryPolicy.state === "known" && i.repositoryPolicy.value === null;
      // Conditions we cannot check, and a message that says AWS refused the pull: the likely reason.
      const confirmed = denied.length === 0 && messageConfirmsDenial(e, unknowns.map((a) => a.action), i.containers);
      const severity = denied.length > 0 || confirmed ? "error" : "warning";
      findings.push({
        severity,
        certainty: denied.length > 0 ? "proven" : confirmed ? "likely" : "possible",
        container: i.containers[0],
        title: noPolicy
          ? `Repository ${i.ref.repository} in account ${i.ref.registryId} has no policy that lets account ${e.accountId} pull`
          : explicit
            ? `Repository policy of ${i.ref.repository} (account ${i.ref.registryId}) denies the pull`
            : denied.length > 0
              ? `Repository policy of ${i.ref.repository} (account ${i.ref.registryId}) does not let ${e.accountId} pull`
              : `Repository policy of ${i.ref.repository} (account ${i.ref.registryId}) allows the pull only under conditions`,
        explanation:
          `Container ${i.containers.join(", ")} pulls ${shortRef(i.ref)} from a repository in account ${i.ref.registryId}. Across accounts, ECR serves the image only when the repository policy allows the pulling role ` +
          `(${pullingPrincipal(e)}) or its account ${e.accountId} ecr:BatchGetImage and ecr:GetDownloadUrlForLayer, and the role's own policies allow them too. ` +
          (noPolicy
            ? "This repository has no repository policy, so no other account may pull from it."
            : `Its policy: ${[...new Set([...denied, ...unknowns].flatMap((a) => a.notes))].join(" ") || [...denied, ...unknowns].map(answerFact).join("; ")}`) +
          (refused ? ` The message agrees: ${quote(refused.message, 160)}.` : ""),
        evidence: [...denied, ...unknowns].map((a) => ({ resource: i.ref.repositoryArn!, fact: `repository policy: ${answerFact(a)}` })),
        fixes: [policyFix(e, i)],
      });
    }
    return findings.length > 0 ? fail(...findings) : (skipped ?? pass());
  },
});
