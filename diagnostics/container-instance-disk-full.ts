import { defineDiagnostic, fail, notApplicable, pass } from "../src/diagnostic.js";
import { IAM_DOCS } from "../src/iam-fixes.js";
import { unknownReason } from "../src/model/fact.js";
import { DOCS, quote } from "../src/model/queries.js";

const AGENT_SETTINGS = ["ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=1h", "ECS_IMAGE_CLEANUP_INTERVAL=10m", "ECS_IMAGE_MINIMUM_CLEANUP_AGE=30m"];

/** EC2: the container instance ran out of disk while it pulled and unpacked the image. */
export default defineDiagnostic({
  id: "container-instance-disk-full",
  title: "The container instance has room for the image",
  docs: [DOCS.imageCleanup, IAM_DOCS.agentConfig, IAM_DOCS.ebsModify],
  messageKinds: ["disk"],
  stages: ["layer", "container-create"],
  check(e) {
    if (e.launchType !== "EC2") return notApplicable;
    // Only a message shows a full disk: a preflight has none to judge.
    if (e.mode === "preflight") return notApplicable;
    const full = e.failures.find((f) => f.signals.kind === "disk");
    if (!full) return pass();
    const ci = e.containerInstance.state === "known" ? e.containerInstance.value : null;
    const instance = e.instance.state === "known" ? e.instance.value : null;
    const instanceId = instance?.InstanceId ?? ci?.ec2InstanceId;
    const volumes = (instance?.BlockDeviceMappings ?? []).map((b) => `${b.DeviceName ?? "?"} ${b.Ebs?.VolumeId ?? "(instance store)"}${b.DeviceName && b.DeviceName === instance?.RootDeviceName ? " (root)" : ""}`);
    const firstVolume = (instance?.BlockDeviceMappings ?? []).find((b) => b.Ebs?.VolumeId)?.Ebs?.VolumeId;
    const unread = e.instance.state !== "known" ? ` The instance could not be read (${unknownReason(e.instance)}), so its volumes are not listed.` : "";
    return fail({
      severity: "error",
      certainty: "proven",
      container: full.container,
      title: `Container instance ${instanceId ?? "?"} ran out of disk while pulling the image`,
      explanation:
        `The message says ${quote(full.message, 200)}: the Docker (or containerd) data volume of container instance ${instanceId ?? e.task.containerInstanceArn ?? "?"} had no room to unpack the image's layers. ` +
        "Images and stopped containers of earlier tasks fill it when the agent's cleanup runs too rarely or the volume is small for the images in use." +
        (volumes.length > 0 ? ` Its volumes: ${volumes.join(", ")}.` : "") +
        unread,
      evidence: [
        { resource: `container ${full.container}`, fact: `reason: ${full.signals.summary}` },
        ...(instanceId ? [{ resource: instanceId, fact: `${instance?.InstanceType ? `${instance.InstanceType}, ` : ""}volumes: ${volumes.join(", ") || "(not read)"}` }] : []),
        ...(e.task.containerInstanceArn ? [{ resource: e.task.containerInstanceArn, fact: `the task's container instance (EC2 ${instanceId ?? "?"})` }] : []),
      ],
      fixes: [
        {
          summary: `Give the instance a larger data volume${firstVolume ? ` (${firstVolume})` : ""}, then grow its file system; for new instances, raise the volume size in the launch template.`,
          commands: [
            `aws ec2 modify-volume --region ${e.region} --volume-id ${firstVolume ?? "VOLUME_ID"} --size NEW_SIZE_GIB`,
            `aws ec2 describe-volumes --region ${e.region} --volume-ids ${firstVolume ?? "VOLUME_ID"} --query 'Volumes[0].[Size,VolumeType]'`,
          ],
          docs: [IAM_DOCS.ebsModify],
        },
        {
          summary: "Let the ECS agent clean up sooner: add these settings to /etc/ecs/ecs.config (in the launch template's user data) and restart the agent.",
          steps: AGENT_SETTINGS.map((s) => `echo ${s} >> /etc/ecs/ecs.config`),
          commands: instanceId
            ? [
                `aws ssm send-command --region ${e.region} --instance-ids ${instanceId} --document-name AWS-RunShellScript --parameters 'commands=["${AGENT_SETTINGS.map((s) => `echo ${s} >> /etc/ecs/ecs.config`).join(" && ")} && systemctl restart ecs"]'`,
              ]
            : [],
          docs: [DOCS.imageCleanup, IAM_DOCS.agentConfig],
        },
        {
          summary: "Free space on the instance now: remove images no container uses.",
          commands: [`aws ssm send-command --region ${e.region} --instance-ids ${instanceId ?? "INSTANCE_ID"} --document-name AWS-RunShellScript --parameters 'commands=["df -h","docker image prune -af"]'`],
          docs: [DOCS.imageCleanup],
        },
      ],
    });
  },
});
