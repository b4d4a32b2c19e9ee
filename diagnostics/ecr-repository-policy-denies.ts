import { shortRef } from "../src/analysis/image-ref.js";
import { defineDiagnostic, type DraftFinding, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { answerFact, IAM_DOCS, isDenied } from "../src/iam-fixes.js";
import type { Evidence, ImageEvidence } from "../src/model/evidence.js";
import { unknownReason } from "../src/model/fact.js";
import { DOCS, ecrImages, quote } from "../src/model/queries.js";

const REFUSED = ["forbidden", "access-denied", "unauthorized"];

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

/** A repository in another account whose policy does not let this account's pulling role pull. */
export default defineDiagnostic({
  id: "ecr-repository-policy-denies",
  title: "Repositories in other accounts let the pulling role pull",
  docs: [DOCS.ecrRepositoryPolicies, IAM_DOCS.repositoryPolicyExamples],
  messageKinds: ["forbidden", "access-denied", "unauthorized"],
  check(e) {
    const images = ecrImages(e).filter((i) => i.repositoryAccess !== null);
    if (images.length === 0) return notApplicable;
    const findings: DraftFinding[] = [];
    for (const i of images) {
      // A repository that does not exist is repository-not-found.
      if (i.repository.state === "known" && i.repository.value === null) continue;
      const access = i.repositoryAccess!;
      const refused = e.failures.find((f) => i.containers.includes(f.container) && REFUSED.includes(f.signals.kind));
      if (access.state !== "known") {
        // The message shows the refusal and nothing readable contradicts it.
        if (!refused) return skip(`cannot read the repository policy of ${i.ref.repository} in account ${i.ref.registryId}`, access);
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
      const severity = denied.length > 0 ? "error" : "warning";
      findings.push({
        severity,
        certainty: denied.length > 0 ? "proven" : "possible",
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
    return findings.length > 0 ? fail(...findings) : pass();
  },
});
