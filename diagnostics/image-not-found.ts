import { shortRef } from "../src/analysis/image-ref.js";
import { type DraftFinding, defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import type { Evidence, ImageEvidence } from "../src/model/evidence.js";
import type { ImageDetail } from "../src/model/aws.js";
import { factValue, unknownReason } from "../src/model/fact.js";
import { DOCS, ecrImages, messageSaysMissing } from "../src/model/queries.js";

/** Tags people meant: the closest by name, then the newest. */
function nearestTags(wanted: string, images: ImageDetail[]): { tag: string; pushedAt?: string }[] {
  const tags = images.flatMap((d) => (d.imageTags ?? []).map((tag) => ({ tag, pushedAt: d.imagePushedAt ? new Date(d.imagePushedAt).toISOString() : undefined })));
  const score = (t: string) => {
    let i = 0;
    while (i < t.length && i < wanted.length && t[i] === wanted[i]) i++;
    return i;
  };
  return tags
    .sort((a, b) => score(b.tag) - score(a.tag) || (b.pushedAt ?? "").localeCompare(a.pushedAt ?? ""))
    .slice(0, 3);
}

/** A registry outside ECR said the tag or digest does not exist. */
function outsideEcr(e: Evidence, i: ImageEvidence): DraftFinding {
  const wanted = i.ref.digest ?? i.ref.tag ?? "latest";
  const failure = e.failures.find((f) => i.containers.includes(f.container));
  const hub = i.ref.kind === "docker-hub";
  return {
    severity: "error",
    certainty: "message",
    container: i.containers[0],
    title: `Image ${shortRef(i.ref)} was not found on ${hub ? "Docker Hub" : i.ref.host}, says the registry`,
    explanation:
      `Container ${i.containers.join(", ")} pulls ${i.ref.raw}, and ${hub ? "Docker Hub" : `the registry ${i.ref.host}`} answered that it has no image ${i.ref.digest ? `with digest ${wanted}` : `tagged ${wanted}`} in ${i.ref.repository}. ` +
      "ecs-doctor does not call registries outside ECR, so this rests on the registry's own answer. The tag may never have been published, or have been removed or renamed.",
    evidence: [{ resource: `container ${i.containers[0]}`, fact: `reason: ${failure?.message ?? ""}` }],
    fixes: [
      {
        summary: `Point the task definition at a tag of ${i.ref.repository} that exists, or publish ${wanted}.`,
        commands: [`docker manifest inspect ${i.ref.raw}`],
        docs: [DOCS.cannotPull],
      },
    ],
  };
}

const IMAGE_RESOLUTION_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html#deployment-container-image-stability";

/**
 * The tag exists, but the digest ECS pinned for it when the deployment started does not (findings.md
 * "Pinned digests"): the tag moved and the old digest was deleted. Pushing the tag does not help; a new
 * deployment pins the tag's current digest.
 */
function pinnedDigestGone(e: Evidence, i: ImageEvidence): DraftFinding | undefined {
  if (!i.pinnedDigest || i.pinnedImage?.state !== "known" || i.pinnedImage.value) return undefined;
  const current = i.image.state === "known" ? i.image.value : null;
  const service = factValue(e.service)?.serviceName ?? (e.task.group?.startsWith("service:") ? e.task.group.slice(8) : undefined);
  const cluster = e.clusterArn.split("/").pop() ?? e.clusterArn;
  const tag = i.ref.tag ?? "latest";
  return {
    severity: "error",
    certainty: "proven",
    container: i.containers[0],
    title: `Digest ${i.pinnedDigest.slice(0, 19)}… that ECS pinned for ${i.ref.repository}:${tag} no longer exists`,
    explanation:
      `ECS resolved ${i.ref.repository}:${tag} to ${i.pinnedDigest} when the deployment started, and every task of that deployment pulls that digest. ` +
      `The tag still exists${current?.imageDigest ? ` but now points to ${current.imageDigest}` : ""}, and the pinned digest was deleted (the tag was overwritten and a lifecycle policy or a cleanup removed the old image). ` +
      "Pushing the tag again does not help: start a new deployment, which pins the tag's current digest, or restore the old image.",
    evidence: [
      { resource: `container ${i.containers[0]}`, fact: `imageDigest: ${i.pinnedDigest} (pinned at deployment)` },
      { resource: i.ref.repositoryArn ?? i.ref.repository, fact: `ecr:DescribeImages imageDigest=${i.pinnedDigest}: ImageNotFoundException` },
      ...(current?.imageDigest ? [{ resource: i.ref.repositoryArn ?? i.ref.repository, fact: `imageTag=${tag}: ${current.imageDigest}` }] : []),
    ],
    fixes: [
      {
        summary: service
          ? `Start a new deployment of service ${service}: ECS resolves ${tag} again and pins its current digest.`
          : `Run the task again: a new run resolves ${tag} to its current digest.`,
        steps: service ? [`In the ECS console open cluster ${cluster}, service ${service}, Update service, check Force new deployment, Update.`] : undefined,
        commands: service ? [`aws ecs update-service --region ${e.region} --cluster ${cluster} --service ${service} --force-new-deployment`] : [],
        docs: [IMAGE_RESOLUTION_DOC],
      },
      {
        summary: `Keep images that running deployments pin: make ${i.ref.repository}'s tags immutable, and let its lifecycle policy expire only images older than your deployments.`,
        commands: [
          `aws ecr put-image-tag-mutability --region ${i.ref.region} --registry-id ${i.ref.registryId} --repository-name ${i.ref.repository} --image-tag-mutability IMMUTABLE`,
          `aws ecr get-lifecycle-policy --region ${i.ref.region} --registry-id ${i.ref.registryId} --repository-name ${i.ref.repository}`,
        ],
        docs: [IMAGE_RESOLUTION_DOC, DOCS.ecrPush],
      },
    ],
  };
}

/** The repository exists but the tag or digest does not. */
export default defineDiagnostic({
  id: "image-not-found",
  title: "The tag or digest of each image exists",
  docs: [DOCS.cannotPull, DOCS.ecrPush, IMAGE_RESOLUTION_DOC],
  messageKinds: ["not-found"],
  stages: ["manifest"],
  check(e) {
    // Outside ECR, ecs-doctor does not call the registry: only its own answer, in the message, can tell.
    const findings: DraftFinding[] = e.images.filter((i) => i.ref.kind !== "ecr" && messageSaysMissing(e, i) === "image").map((i) => outsideEcr(e, i));
    const images = ecrImages(e);
    if (images.length === 0) return findings.length > 0 ? fail(...findings) : notApplicable;
    for (const i of images) {
      // An image ECR described exists, whatever else could not be read (only its pinned digest may be gone).
      if (i.image.state === "known" && i.image.value) {
        const pinned = pinnedDigestGone(e, i);
        if (pinned) findings.push(pinned);
        continue;
      }
      if (i.repository.state === "known" && i.repository.value === null) continue;
      if (i.image.state !== "known") {
        // The registry's own answer stands when nothing readable contradicts it.
        if (messageSaysMissing(e, i) !== "image") return skip(`cannot read the images of ${i.ref.repository}`, i.image);
        const wanted = i.ref.digest ?? i.ref.tag ?? "latest";
        findings.push({
          severity: "error" as const,
          certainty: "message" as const,
          container: i.containers[0],
          title: `Image ${shortRef(i.ref)} was not found in repository ${i.ref.repository}, says the registry`,
          explanation:
            `Container ${i.containers.join(", ")} pulls ${i.ref.raw}, and the registry answered that it has no image ${i.ref.digest ? `with digest ${wanted}` : `tagged ${wanted}`}. ` +
            `ecs-doctor could not list the repository's images to confirm it (${unknownReason(i.image)}); nothing it could read says otherwise. ` +
            "The tag was never pushed, was pushed to another repository or region, or was removed by a lifecycle policy.",
          evidence: [
            { resource: `container ${i.containers[0]}`, fact: `reason: ${e.failures.find((f) => i.containers.includes(f.container))?.message ?? ""}` },
            { resource: i.ref.repositoryArn ?? i.ref.repository, fact: `not read: ${unknownReason(i.image)}` },
          ],
          fixes: [
            {
              summary: `Push ${shortRef(i.ref)} to ${i.ref.host}/${i.ref.repository}, or point the task definition at a tag that exists.`,
              commands: [
                `aws ecr describe-images --region ${i.ref.region} --registry-id ${i.ref.registryId} --repository-name ${i.ref.repository} --query 'sort_by(imageDetails,&imagePushedAt)[-5:].[imageTags,imagePushedAt]'`,
              ],
              docs: [DOCS.ecrPush],
            },
          ],
        });
        continue;
      }
      // Under a pull through cache rule, an image not yet cached is fetched from upstream on the pull.
      if (i.pullThroughCache.state === "known" && i.pullThroughCache.value) continue;
      const wanted = i.ref.digest ?? i.ref.tag ?? "latest";
      const near = nearestTags(wanted, i.otherImages.state === "known" ? i.otherImages.value : []);
      const nearText = near.map((n) => `${n.tag}${n.pushedAt ? ` (pushed ${n.pushedAt.slice(0, 10)})` : ""}`).join(", ");
      findings.push({
        severity: "error" as const,
        certainty: "proven" as const,
        container: i.containers[0],
        title: `Image ${shortRef(i.ref)} does not exist in repository ${i.ref.repository}`,
        explanation:
          `Container ${i.containers.join(", ")} pulls ${i.ref.raw}. The repository exists, but it holds no image ${i.ref.digest ? `with digest ${i.ref.digest}` : `tagged ${wanted}`}` +
          ": the tag was never pushed, was pushed to another repository or region, or was removed by a lifecycle policy." +
          (nearText ? ` Tags that do exist: ${nearText}.` : ""),
        evidence: [
          { resource: i.ref.repositoryArn ?? i.ref.repository, fact: `ecr:DescribeImages ${i.ref.digest ? "imageDigest" : "imageTag"}=${wanted}: ImageNotFoundException` },
          ...(nearText ? [{ resource: i.ref.repository, fact: `nearest tags: ${nearText}` }] : []),
        ],
        fixes: [
          {
            summary: `Push ${shortRef(i.ref)} to ${i.ref.host}/${i.ref.repository}, or point the task definition at a tag that exists${near[0] ? ` (${near[0].tag})` : ""}.`,
            commands: [
              `aws ecr describe-images --region ${i.ref.region} --registry-id ${i.ref.registryId} --repository-name ${i.ref.repository} --query 'sort_by(imageDetails,&imagePushedAt)[-5:].[imageTags,imagePushedAt]'`,
              `aws ecr get-login-password --region ${i.ref.region} | docker login --username AWS --password-stdin ${i.ref.host}`,
              `docker push ${i.ref.host}/${i.ref.repository}:${i.ref.tag ?? "TAG"}`,
            ],
            docs: [DOCS.ecrPush],
          },
        ],
      });
    }
    return findings.length > 0 ? fail(...findings) : pass();
  },
});
