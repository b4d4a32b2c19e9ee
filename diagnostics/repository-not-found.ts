import { defineDiagnostic, fail, pass, skip, notApplicable } from "../src/diagnostic.js";
import { unknownReason } from "../src/model/fact.js";
import { DOCS, ecrImages, messageSaysMissing } from "../src/model/queries.js";

/** The image names an ECR repository that does not exist in that registry and region. */
export default defineDiagnostic({
  id: "repository-not-found",
  title: "The ECR repository of each image exists",
  docs: [DOCS.ecrRepositories, DOCS.cannotPull],
  messageKinds: ["not-found", "unauthorized", "forbidden"],
  stages: ["manifest"],
  check(e) {
    const images = ecrImages(e);
    if (images.length === 0) return notApplicable;
    const findings = [];
    const cached: string[] = [];
    for (const i of images) {
      if (i.repository.state !== "known") {
        // The registry's own answer stands when nothing readable contradicts it.
        if (messageSaysMissing(e, i) !== "repository") return skip(`cannot read repository ${i.ref.repository}`, i.repository);
        findings.push({
          severity: "error" as const,
          certainty: "message" as const,
          container: i.containers[0],
          title: `Repository ${i.ref.repository} does not exist in registry ${i.ref.registryId} (${i.ref.region}), says the registry`,
          explanation:
            `Container ${i.containers.join(", ")} pulls ${i.ref.raw}, and the registry answered that repository ${i.ref.repository} does not exist. ` +
            `ecs-doctor could not confirm it (${unknownReason(i.repository)}); nothing it could read says otherwise. Check the image URI for a misspelt name, the wrong account or the wrong region.`,
          evidence: [
            { resource: `container ${i.containers[0]}`, fact: `reason: ${e.failures.find((f) => i.containers.includes(f.container))?.message ?? ""}` },
            { resource: i.ref.repositoryArn ?? i.ref.raw, fact: `not read: ${unknownReason(i.repository)}` },
          ],
          fixes: [
            {
              summary: "Correct the image URI in the task definition, or create the repository and push the image.",
              commands: [`aws ecr describe-repositories --region ${i.ref.region} --registry-id ${i.ref.registryId} --query 'repositories[].repositoryName'`],
              docs: [DOCS.ecrRepositories, DOCS.ecrPush],
            },
          ],
        });
        continue;
      }
      if (i.repository.value) continue;
      // Under a pull through cache rule, ECR creates the repository on the first pull.
      const rule = i.pullThroughCache.state === "known" ? i.pullThroughCache.value : null;
      if (rule) {
        cached.push(`${i.ref.repository} (pull through cache rule ${rule.ecrRepositoryPrefix} -> ${rule.upstreamRegistryUrl ?? "upstream"}: created on first pull)`);
        continue;
      }
      const crossAccount = i.ref.registryId !== e.accountId;
      findings.push({
        severity: "error" as const,
        certainty: "proven" as const,
        container: i.containers[0],
        title: `Repository ${i.ref.repository} does not exist in registry ${i.ref.registryId} (${i.ref.region})`,
        explanation:
          `Container ${i.containers.join(", ")} pulls ${i.ref.raw}, but registry ${i.ref.registryId} has no repository named ${i.ref.repository} in ${i.ref.region}. ` +
          "Check the image URI for a misspelt name, the wrong account or the wrong region" +
          (i.ref.region !== e.region ? ` (the task runs in ${e.region}, the image names ${i.ref.region})` : "") + ".",
        evidence: [{ resource: i.ref.repositoryArn ?? i.ref.raw, fact: "ecr:DescribeRepositories: RepositoryNotFoundException" }],
        fixes: [
          {
            summary: crossAccount
              ? `Correct the image URI in the task definition, or create the repository in account ${i.ref.registryId} and push the image.`
              : "Create the repository and push the image, or correct the image URI in the task definition.",
            commands: [
              `aws ecr create-repository --region ${i.ref.region} --repository-name ${i.ref.repository}`,
              `aws ecr describe-repositories --region ${i.ref.region} --registry-id ${i.ref.registryId} --query 'repositories[].repositoryName'`,
            ],
            docs: [DOCS.ecrRepositories, DOCS.ecrPush],
          },
        ],
      });
    }
    return findings.length > 0 ? fail(...findings) : pass(cached.length > 0 ? `Each ECR repository exists or is created by a pull through cache rule: ${cached.join("; ")}` : undefined);
  },
});
