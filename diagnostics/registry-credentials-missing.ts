import { shortRef } from "../src/analysis/image-ref.js";
import { defineDiagnostic, type DraftFinding, fail, notApplicable, pass } from "../src/diagnostic.js";
import { registerTaskDefinitionHint } from "../src/fixes.js";
import { IAM_DOCS } from "../src/iam-fixes.js";
import { DOCS, quote } from "../src/model/queries.js";

const REFUSED = ["unauthorized", "forbidden"];

/** A private registry outside ECR refused an anonymous pull: the container has no repositoryCredentials. */
export default defineDiagnostic({
  id: "registry-credentials-missing",
  title: "Images from private registries outside ECR have repositoryCredentials",
  docs: [DOCS.privateAuth, DOCS.cannotPull],
  messageKinds: ["unauthorized", "forbidden"],
  stages: ["registry-auth", "manifest", "layer"],
  check(e) {
    const outside = e.images.filter((i) => i.ref.kind === "docker-hub" || i.ref.kind === "other");
    if (outside.length === 0) return notApplicable;
    const findings: DraftFinding[] = [];
    for (const i of outside) {
      if (i.definitions.some((d) => d.repositoryCredentials?.credentialsParameter)) continue;
      const refused = e.failures.find((f) => i.containers.includes(f.container) && REFUSED.includes(f.signals.kind));
      if (!refused) continue;
      const official = i.ref.kind === "docker-hub" && i.ref.repository.startsWith("library/");
      const registry = i.ref.kind === "docker-hub" ? "Docker Hub" : i.ref.host;
      const secretName = `registry/${i.ref.host.split(".")[0]}`;
      findings.push({
        severity: "error",
        // An official Docker Hub image is public: a refusal there more likely means a misspelt name.
        certainty: official ? "possible" : "likely",
        container: i.containers[0],
        title: `${registry} refused an anonymous pull of ${shortRef(i.ref)}: container ${i.containers[0]} has no repositoryCredentials`,
        explanation:
          `Container ${i.containers.join(", ")} pulls ${i.ref.raw} from ${registry} without credentials (no repositoryCredentials), and the registry refused: ${quote(refused.message, 200)}. ` +
          "A private repository needs credentials stored in Secrets Manager and named in repositoryCredentials. " +
          `A repository that does not exist gives the same message, so check the name too${official ? `: ${i.ref.repository.slice("library/".length)} would be an official image, and official images are public, so a misspelt name is the likelier cause` : ""}.`,
        evidence: [
          { resource: `container ${refused.container}`, fact: `reason: ${refused.signals.summary}` },
          { resource: e.task.taskDefinitionArn ?? "task definition", fact: `container ${i.containers[0]}: image ${i.ref.raw}, repositoryCredentials: (none)` },
        ],
        fixes: [
          ...(official
            ? [{ summary: `Check the image name: https://hub.docker.com/_/${i.ref.repository.slice("library/".length)} must exist, with tag ${i.ref.tag ?? i.ref.digest}.`, docs: [DOCS.cannotPull] }]
            : []),
          {
            summary: `Store the ${registry} credentials in Secrets Manager and name the secret in the container's repositoryCredentials; allow the execution role secretsmanager:GetSecretValue on it.`,
            steps: [
              `Secrets Manager console > Store a new secret > Other type: keys "username" and "password" (a ${registry} access token).`,
              `ECS console > Task definitions > new revision > container ${i.containers[0]} > Private registry authentication: the secret's ARN.`,
            ],
            commands: [
              `aws secretsmanager create-secret --region ${e.region} --name ${secretName} --secret-string '{"username":"USER","password":"ACCESS_TOKEN"}'`,
              registerTaskDefinitionHint(e, `set "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:${e.region}:${e.accountId}:secret:${secretName}-SUFFIX"} on container ${i.containers[0]}`),
              ...(e.executionRoleArn
                ? [`aws iam put-role-policy --role-name ${e.executionRoleArn.split("/").pop()} --policy-name registry-credentials --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:${e.region}:${e.accountId}:secret:${secretName}-*"}]}'`]
                : []),
            ],
            docs: [DOCS.privateAuth, IAM_DOCS.secretsManagerEnv],
          },
        ],
      });
    }
    return findings.length > 0 ? fail(...findings) : pass();
  },
});
