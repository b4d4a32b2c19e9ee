import { type DraftFinding, defineDiagnostic, fail, notApplicable, pass } from "../src/diagnostic.js";
import type { DestinationPath, FilterCheck } from "../src/model/evidence.js";
import { endpointPaths, filtersOf, isCheckResult, originEvidence, originNote } from "../src/model/network-queries.js";
import { DOCS, originLabel } from "../src/model/queries.js";

/** The statement the endpoint's policy needs for this pull, as JSON. */
function neededStatement(p: DestinationPath, check: FilterCheck, principal: string | undefined): string {
  if (p.destination.service === "s3") {
    return JSON.stringify({ Sid: "AllowEcrLayers", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::prod-${p.destination.region}-starport-layer-bucket/*` });
  }
  const resource = p.destination.service === "ecr-api" ? "*" : (p.destination.resources ?? ["*"]).length === 1 ? (p.destination.resources ?? ["*"])[0] : p.destination.resources;
  return JSON.stringify({ Sid: "AllowImagePull", Effect: "Allow", Principal: principal ? { AWS: principal } : "*", Action: check.actions ?? [], Resource: resource });
}

/** An endpoint policy must allow the pull: the ECR actions on this repository, s3:GetObject on the ECR layer bucket. */
export default defineDiagnostic({
  id: "vpc-endpoint-policy-denies",
  title: "The endpoint policies on the pull's path allow the pull",
  docs: [DOCS.endpointPolicies, DOCS.ecrEndpoints, DOCS.s3GatewayEndpoint],
  messageKinds: ["forbidden", "access-denied", "unauthorized"],
  stages: ["registry-auth", "manifest", "layer"],
  check(e) {
    const n = endpointPaths(e);
    if (isCheckResult(n)) return n;
    const { origin, paths } = n;
    const checks = filtersOf(paths, "endpoint-policy");
    if (checks.length === 0) return notApplicable;
    const blocking = checks.filter((c) => c.check.verdict === "deny" || c.check.verdict === "indeterminate");
    if (blocking.length === 0) return pass();
    const principal = e.pullRole?.arn && e.pullRole.arn !== "unknown" ? e.pullRole.arn : undefined;
    const findings: DraftFinding[] = blocking.map(({ path, check }) => {
      const endpointId = check.resource;
      const s3 = path.destination.service === "s3";
      const deny = check.verdict === "deny";
      const statement = neededStatement(path, check, principal);
      return {
        severity: deny ? "error" : "warning",
        // ECR's layer URLs are signed by ECR, not by the pulling role: a judgement on the principal, hence likely.
        certainty: deny ? (s3 ? "likely" : "proven") : "possible",
        title: deny
          ? `The policy of endpoint ${endpointId} (${path.endpoint?.ServiceName}) does not allow ${check.actions?.join(", ")}`
          : `The policy of endpoint ${endpointId} (${path.endpoint?.ServiceName}) may not allow ${check.actions?.join(", ")}`,
        explanation:
          `The pull leaves from ${originLabel(origin)} and reaches ${path.destination.host} through ${path.via === "gateway-endpoint" ? "gateway" : "interface"} endpoint ${endpointId}. ` +
          "An endpoint policy is a second gate after IAM: every request through the endpoint must be allowed by it too. " +
          (s3
            ? `The layers are downloaded from ECR's S3 bucket prod-${path.destination.region}-starport-layer-bucket with pre-signed URLs that ECR issues, so the policy must allow s3:GetObject on arn:aws:s3:::prod-${path.destination.region}-starport-layer-bucket/* for any principal (a policy limited to this account's principals, or to your own buckets, blocks them). `
            : `The pull calls ${check.actions?.join(" and ")} through it as ${principal ?? "the role that pulls"}. `) +
          `${check.fact}.` +
          (deny ? "" : " Whether it applies depends on a value ecs-doctor cannot know offline.") +
          originNote(e, origin),
        evidence: [
          { resource: endpointId, fact: check.fact },
          ...(principal && !s3 ? [{ resource: principal, fact: `the role that pulls (${e.pullRole?.purpose})` }] : []),
          originEvidence(origin),
        ],
        fixes: [
          {
            summary: `Add a statement to the policy of ${endpointId} that allows ${check.actions?.join(", ")}${s3 ? " on the ECR layer bucket" : ""}, or reset it to full access.`,
            steps: [
              "Save the endpoint's policy (first command), add this statement to its Statement list, and apply it (second command):",
              statement,
              "Or give the endpoint back its default full-access policy (third command).",
            ],
            commands: [
              `aws ec2 describe-vpc-endpoints --region ${e.region} --vpc-endpoint-ids ${endpointId} --query 'VpcEndpoints[0].PolicyDocument' --output text > endpoint-policy.json`,
              `aws ec2 modify-vpc-endpoint --region ${e.region} --vpc-endpoint-id ${endpointId} --policy-document file://endpoint-policy.json`,
              `aws ec2 modify-vpc-endpoint --region ${e.region} --vpc-endpoint-id ${endpointId} --reset-policy  # or: full access`,
            ],
            docs: [DOCS.endpointPolicies, s3 ? DOCS.s3GatewayEndpoint : DOCS.ecrEndpoints],
          },
        ],
      };
    });
    return fail(...findings);
  },
});
