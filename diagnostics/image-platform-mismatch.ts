import { shortRef } from "../src/analysis/image-ref.js";
import { platformLabel, platformServes, type TaskPlatform, taskPlatformLabel } from "../src/analysis/platform.js";
import { defineDiagnostic, type DraftFinding, fail, type Fix, notApplicable, pass, skip } from "../src/diagnostic.js";
import { registerTaskDefinitionHint } from "../src/fixes.js";
import { IAM_DOCS } from "../src/iam-fixes.js";
import type { Evidence, ImageEvidence } from "../src/model/evidence.js";
import { clusterName, DOCS, quote, serviceName } from "../src/model/queries.js";

function fixes(e: Evidence, i: ImageEvidence, task: TaskPlatform | undefined, offered: string[]): Fix[] {
  const want = task ? taskPlatformLabel(task) : "linux/arm64";
  const out: Fix[] = [
    {
      summary: `Build and push ${shortRef(i.ref)} for ${want} as well (a multi-platform image index).`,
      commands: [
        `aws ecr get-login-password --region ${i.ref.region ?? e.region} | docker login --username AWS --password-stdin ${i.ref.host}`,
        `docker buildx build --platform linux/amd64,linux/arm64 -t ${i.ref.host}/${i.ref.repository}:${i.ref.tag ?? "TAG"} --push .`,
      ],
      docs: [IAM_DOCS.multiArch, DOCS.platform],
    },
  ];
  const other = offered.find((p) => p.startsWith("linux/arm64")) ? "ARM64" : offered.find((p) => p.startsWith("linux/amd64")) ? "X86_64" : undefined;
  if (e.launchType === "FARGATE" && other) {
    out.push({
      summary: `Or run the task on a platform the image has: set runtimePlatform.cpuArchitecture to ${other}.`,
      commands: [registerTaskDefinitionHint(e, `set "runtimePlatform": {"cpuArchitecture": "${other}", "operatingSystemFamily": "LINUX"}`)],
      docs: [DOCS.platform],
    });
  } else if (e.launchType === "EC2" && other) {
    out.push({
      summary: `Or place the task on container instances of the image's architecture (${other === "ARM64" ? "arm64, Graviton" : "x86_64"}), with a placement constraint on attribute:ecs.cpu-architecture.`,
      commands: [
        `aws ecs update-service --region ${e.region} --cluster ${clusterName(e)} --service ${serviceName(e) ?? "SERVICE"} --placement-constraints 'type=memberOf,expression=attribute:ecs.cpu-architecture == ${other === "ARM64" ? "arm64" : "x86_64"}'`,
      ],
      docs: [DOCS.platform],
    });
  }
  return out;
}

/** The image has no manifest for the platform the task runs on. */
export default defineDiagnostic({
  id: "image-platform-mismatch",
  title: "Each image offers the task's platform",
  docs: [DOCS.platform, IAM_DOCS.multiArch],
  messageKinds: ["platform"],
  stages: ["manifest", "container-start"],
  check(e) {
    const findings: DraftFinding[] = [];
    // Read only where an image's platforms or the message need it: a single-platform manifest needs no task platform.
    const taskPlatform = () => (e.taskPlatform.state === "known" ? e.taskPlatform.value : undefined);
    let skipped: ReturnType<typeof skip> | undefined;
    let judged = 0;
    for (const i of e.images) {
      const said = e.failures.find((f) => i.containers.includes(f.container) && f.signals.kind === "platform");
      // An image that does not exist has no platform to offer: image-not-found's case.
      if (!said && i.ref.kind === "ecr" && i.image.state === "known" && i.image.value === null) continue;
      judged++;
      const platforms = i.platforms.state === "known" ? i.platforms.value : null;
      if (platforms && platforms.length > 0) {
        const task = taskPlatform();
        if (!task) {
          skipped ??= skip("cannot tell which platform the task runs on", e.taskPlatform.state === "unknown" ? e.taskPlatform : undefined);
          continue;
        }
        if (platformServes(platforms, task)) continue;
        const offered = platforms.map(platformLabel);
        findings.push({
          severity: "error",
          certainty: "proven",
          container: i.containers[0],
          title: `Image ${shortRef(i.ref)} has no ${taskPlatformLabel(task)} variant`,
          explanation:
            `The task runs on ${taskPlatformLabel(task)} (${task.source}), but the image index of ${i.ref.raw} offers only ${offered.join(", ")}. ` +
            "The runtime finds no manifest for its platform and the pull fails." +
            (said ? ` The message agrees: ${quote(said.message, 160)}.` : ""),
          evidence: [
            { resource: i.ref.repositoryArn ?? i.ref.raw, fact: `image index ${i.ref.tag ?? i.ref.digest} platforms: ${offered.join(", ")}` },
            { resource: task.resource, fact: task.source },
          ],
          fixes: fixes(e, i, task, offered),
        });
        continue;
      }
      if (said) {
        // A single-platform manifest (or one not read) has no platform list: the message decides.
        const task = taskPlatform();
        const wanted = said.signals.platform ?? (task ? taskPlatformLabel(task) : "the task's platform");
        findings.push({
          severity: "error",
          certainty: "proven",
          container: said.container,
          title: `Image ${shortRef(i.ref)} has no ${wanted} variant`,
          explanation:
            `The runtime says ${quote(said.message, 200)}: the image offers no manifest for ${wanted}` +
            (task ? `, the platform the task runs on (${task.source})` : "") +
            ". " +
            (i.ref.kind === "ecr" && i.manifest.state === "known" && i.manifest.value && !platforms
              ? "Its manifest is a single-platform image, built for another architecture."
              : "Its platforms could not be read from ECR, so this rests on the message."),
          evidence: [
            { resource: `container ${said.container}`, fact: `reason: ${said.signals.summary}` },
            ...(task ? [{ resource: task.resource, fact: task.source }] : []),
          ],
          fixes: fixes(e, i, task, []),
        });
        continue;
      }
      // The manifest unread (whether or not the image could be described): nothing says which platforms it offers.
      if (i.ref.kind === "ecr" && i.platforms.state !== "known") skipped ??= skip(`cannot read the manifest of ${shortRef(i.ref)}`, i.platforms);
    }
    if (findings.length > 0) return fail(...findings);
    if (skipped) return skipped;
    return judged === 0 ? notApplicable : pass();
  },
});
