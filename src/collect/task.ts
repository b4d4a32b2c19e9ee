// Reading the task itself: resolving what the user typed, the failures its
// messages show, and the images its containers pull.

import { parseMessage } from "../analysis/message.js";
import { type ImageRef, parseImageRef } from "../analysis/image-ref.js";
import type { Task, TaskDefinition } from "../model/aws.js";
import type { ContainerFailure, Evidence } from "../model/evidence.js";
import { UsageError } from "../errors.js";

export interface TaskLocator {
  /** A task ARN, or a task id with `cluster`. */
  task: string;
  cluster?: string;
}

const TASK_ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):task\/([A-Za-z0-9_-]+)\/([a-f0-9]{32}|[A-Za-z0-9-]+)$/;
// Tasks started before ECS's long ARN format (2018) have ARNs that name no cluster.
const OLD_TASK_ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):task\/([a-f0-9]{32}|[A-Za-z0-9-]+)$/;
const TASK_ID = /^[a-f0-9]{32}$|^[A-Za-z0-9-]{8,64}$/;

export interface ParsedTaskArn { region?: string; accountId?: string; cluster?: string; taskId: string; arn?: string }

/** Parses what the user typed: a full task ARN, or a task id (which needs a cluster). */
export function parseTaskLocator(locator: TaskLocator): ParsedTaskArn {
  const t = locator.task.trim();
  const m = TASK_ARN.exec(t);
  if (m) return { region: m[1], accountId: m[2], cluster: m[3], taskId: m[4], arn: t };
  const old = OLD_TASK_ARN.exec(t);
  if (old) return { region: old[1], accountId: old[2], cluster: locator.cluster, taskId: old[3], arn: t };
  if (t.startsWith("arn:")) {
    throw new UsageError(
      `"${t}" is not an ECS task ARN: expected arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/TASK_ID, or the old arn:aws:ecs:REGION:ACCOUNT:task/TASK_ID with --cluster (copy it from the console's task page or \`aws ecs list-tasks\`)`,
    );
  }
  if (!TASK_ID.test(t)) throw new UsageError(`"${t}" is neither a task ARN nor a task id: give arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/TASK_ID, or a task id with --cluster`);
  return { taskId: t, cluster: locator.cluster };
}

/**
 * A task to read from AWS: parsed, with a cluster to look in, and a --region
 * that does not contradict the region its ARN names.
 */
export function liveTaskLocator(task: string, opts: { cluster?: string; region?: string }): ParsedTaskArn {
  const parsed = parseTaskLocator({ task, cluster: opts.cluster });
  if (!parsed.cluster) throw new UsageError(needsCluster(parsed));
  if (opts.region && parsed.region && opts.region !== parsed.region) {
    throw new UsageError(`--region ${opts.region} contradicts the task ARN, which is in ${parsed.region}: drop --region, or give the ARN of a task in ${opts.region}`);
  }
  return parsed;
}

/** What to say when a live diagnosis has a task but no cluster to look in. */
export function needsCluster(parsed: ParsedTaskArn): string {
  return parsed.arn
    ? `"${parsed.arn}" is a task ARN of the old format, which names no cluster: add --cluster CLUSTER`
    : `task id ${parsed.taskId} needs --cluster (or give the full task ARN)`;
}

/** Scope, ranked: an in-scope message beats "none". */
const SCOPE_ORDER = { pull: 4, "assume-role": 3, init: 2, start: 1, none: 0 } as const;

export function failuresOf(task: Task, imageOf: (container: string) => ImageRef | undefined): { scope: Evidence["scope"]; failures: ContainerFailure[] } {
  const failures: ContainerFailure[] = [];
  for (const c of task.containers ?? []) {
    if (!c.reason) continue;
    const signals = parseMessage(c.reason);
    if (signals.scope === "none") continue;
    failures.push({ container: c.name ?? "?", image: imageOf(c.name ?? ""), message: c.reason, from: "container", signals });
  }
  const taskSignals = task.stoppedReason ? parseMessage(task.stoppedReason) : undefined;
  if (failures.length === 0 && taskSignals && taskSignals.scope !== "none") {
    // The task's message stands in for its containers: ECS names the image in it when it can.
    const named = (task.containers ?? []).find((c) => c.image && taskSignals.imageRef?.includes(c.image));
    const container = named ?? (task.containers ?? [])[0];
    failures.push({
      container: container?.name ?? "?",
      image: container?.name ? imageOf(container.name) : undefined,
      message: task.stoppedReason!,
      from: "task",
      signals: taskSignals,
    });
  }
  let scope: Evidence["scope"] = "none";
  for (const f of failures) if (SCOPE_ORDER[f.signals.scope] > SCOPE_ORDER[scope]) scope = f.signals.scope;
  return { scope, failures };
}

/** The image a container pulled: the task's record of it, else its definition. */
export function imageRefFor(task: Task, taskDefinition: TaskDefinition | null | undefined, container: string): ImageRef | undefined {
  const image = (task.containers ?? []).find((c) => c.name === container)?.image
    ?? (taskDefinition?.containerDefinitions ?? []).find((d) => d.name === container)?.image;
  return image ? parseImageRef(image) : undefined;
}

export function launchTypeOf(task: Task): Evidence["launchType"] {
  const lt = (task.launchType ?? "").toUpperCase();
  if (lt === "FARGATE" || lt === "EC2" || lt === "EXTERNAL") return lt;
  if ((task.capacityProviderName ?? "").toUpperCase().startsWith("FARGATE")) return "FARGATE";
  return task.containerInstanceArn ? "EC2" : "FARGATE";
}

export function eniAttachment(task: Task): { subnetId?: string; networkInterfaceId?: string; privateIp?: string; status?: string } | undefined {
  const att = (task.attachments ?? []).find((a) => a.type === "ElasticNetworkInterface" || a.type === "eni");
  if (!att) return undefined;
  const detail = (name: string) => (att.details ?? []).find((d) => d.name === name)?.value;
  return { subnetId: detail("subnetId"), networkInterfaceId: detail("networkInterfaceId"), privateIp: detail("privateIPv4Address"), status: att.status };
}

export function serviceNameOf(task: Task): string | undefined {
  return task.group?.startsWith("service:") ? task.group.slice("service:".length) : undefined;
}
