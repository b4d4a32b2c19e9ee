import { defineDiagnostic, fail, notApplicable, pass } from "../src/diagnostic.js";
import { registerTaskDefinitionHint } from "../src/fixes.js";
import { DOCS, quote, taskDefinitionLabel } from "../src/model/queries.js";

const MAX_GIB = 200;

/** Fargate: the task's ephemeral storage had no room for the image. */
export default defineDiagnostic({
  id: "ephemeral-storage-full",
  title: "The Fargate task's ephemeral storage has room for the image",
  docs: [DOCS.ephemeralStorage, DOCS.cannotPull],
  messageKinds: ["disk"],
  stages: ["layer", "container-create"],
  check(e) {
    if (e.launchType !== "FARGATE") return notApplicable;
    // Only a message shows a full disk: a preflight has none to judge.
    if (e.mode === "preflight") return notApplicable;
    const full = e.failures.find((f) => f.signals.kind === "disk");
    if (!full) return pass();
    const size = e.ephemeralStorageGiB;
    const next = Math.min(MAX_GIB, Math.max(size + 20, size * 2));
    const from = e.task.ephemeralStorage?.sizeInGiB !== undefined ? "the task's ephemeralStorage" : e.taskDefinition.state === "known" && e.taskDefinition.value?.ephemeralStorage?.sizeInGiB !== undefined ? "the task definition's ephemeralStorage" : "the Fargate default (no ephemeralStorage set)";
    const atMax = size >= MAX_GIB;
    return fail({
      severity: "error",
      certainty: "proven",
      container: full.container,
      title: `The task's ${size} GiB of ephemeral storage ran out while unpacking the image`,
      explanation:
        `The message says ${quote(full.message, 200)}. On Fargate the image is unpacked into the task's ephemeral storage, ${size} GiB here (${from}), shared by every container's image and writable layer. ` +
        (atMax ? `That is already the most Fargate gives (${MAX_GIB} GiB): the images must shrink.` : `Fargate allows up to ${MAX_GIB} GiB (ephemeralStorage.sizeInGiB, platform version 1.4.0 or later).`),
      evidence: [
        { resource: `container ${full.container}`, fact: `reason: ${full.signals.summary}` },
        { resource: e.task.taskDefinitionArn ?? taskDefinitionLabel(e), fact: `ephemeralStorage: ${size} GiB (${from})` },
      ],
      fixes: [
        atMax
          ? {
              summary: "Make the images smaller (multi-stage builds, a slim base image, fewer layers), or split the containers across tasks.",
              docs: [DOCS.ephemeralStorage],
            }
          : {
              summary: `Raise the task's ephemeral storage to ${next} GiB (up to ${MAX_GIB}) in a new task definition revision, or make the images smaller.`,
              steps: [`ECS console > Task definitions > ${taskDefinitionLabel(e)} > Create new revision > Storage > Amount (GiB): ${next}.`],
              commands: [registerTaskDefinitionHint(e, `set "ephemeralStorage": {"sizeInGiB": ${next}}`)],
              docs: [DOCS.ephemeralStorage],
            },
      ],
    });
  },
});
