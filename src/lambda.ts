// Automatic diagnosis: a Lambda handler for the EventBridge events "ECS Task
// State Change" and "ECS Service Action". A task that stopped with an image
// pull, a resource initialisation or an assume-role failure is diagnosed at
// once (while ECS still lists it); its JSON report is logged as one line, the
// snapshot it was diagnosed from and the report are archived in S3
// (ARCHIVE_BUCKET, keys in src/archive/keys.ts), and its Markdown report goes
// to the SNS topic (TOPIC_ARN) and/or a webhook (WEBHOOK_URL). A service that
// cannot start tasks (SERVICE_TASK_START_IMPAIRED) gets one grouped report of
// its recent stopped tasks: the scan's. Every other event is ignored before
// any AWS call.
//
// The task event's detail is the Task itself (DescribeTasks' shape): when it
// names what the collector needs, it is used directly, saving a round trip.

import { parseMessage } from "./analysis/message.js";
import { clusterName, folderForReport } from "./archive/keys.js";
import { collectEvidence, readTask } from "./collect/index.js";
import type { Task } from "./model/aws.js";
import type { Report } from "./model/report.js";
import { render } from "./render/index.js";
import { buildReport } from "./report.js";
import { recordingSource } from "./source/record.js";
import type { Source } from "./source/source.js";

/** EventBridge's envelope, common to every event. */
interface Envelope {
  source?: string;
  account?: string;
  region?: string;
  time?: string;
  id?: string;
  resources?: string[];
}

/** The EventBridge envelope of an ECS task state change; `detail` is the Task. */
export interface EcsTaskStateChangeEvent extends Envelope {
  "detail-type"?: string;
  detail?: Task;
}

/** An "ECS Service Action" event: `resources` names the service, `detail` what happened to it. */
export interface EcsServiceActionEvent extends Envelope {
  "detail-type": "ECS Service Action";
  detail?: { eventType?: string; eventName?: string; clusterArn?: string; createdAt?: string; reason?: string };
}

export type EcsEvent = EcsTaskStateChangeEvent | EcsServiceActionEvent;

type Delivered = ("sns" | "webhook")[];

export type HandlerResult =
  | { status: "ignored"; reason: string }
  | {
    status: "diagnosed"; taskArn: string; top: string | null; errors: number; notified: Delivered; failedNotifications: string[];
    /** `s3://bucket/folder/` of the archived report.json and snapshot.json, when ARCHIVE_BUCKET is set and the writes succeeded. */
    archived?: string;
  }
  | { status: "scanned"; service: string; cluster: string; failedTasks: number; groups: { id: string; count: number }[]; notified: Delivered; failedNotifications: string[] };

export interface HandlerOptions {
  /** Opens the source for the event's region (default: the live account, with the function's role). */
  sourceFor?: (region: string) => Promise<Source>;
  /** Default: process.env (TOPIC_ARN, WEBHOOK_URL, ARCHIVE_BUCKET, ARCHIVE_PREFIX, AWS_REGION). */
  env?: Record<string, string | undefined>;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Where the one-line JSON report goes (default: console.log, into CloudWatch Logs). */
  log?: (line: string) => void;
  /** Where notification failures go (default: console.error). */
  logError?: (line: string) => void;
  /** "Now", for a service event's window of recent stopped tasks (default: the event's time). */
  now?: () => number;
}

/** A service event looks this far back for stopped tasks: about as long as ECS keeps them. */
const SERVICE_WINDOW_MS = 60 * 60 * 1000;

/** SNS takes a subject of at most 100 ASCII characters, and a message of at most 256 KB. */
const SUBJECT_MAX = 100;
const MESSAGE_MAX_BYTES = 250_000;

function isServiceAction(event: EcsEvent): event is EcsServiceActionEvent {
  return event?.["detail-type"] === "ECS Service Action";
}

/** Why an event is not diagnosed, or null when it is: a stopped task with an in-scope message, or a service that cannot start tasks. */
export function ignoreReason(event: EcsEvent): string | null {
  if (isServiceAction(event)) {
    const name = event.detail?.eventName;
    if (name !== "SERVICE_TASK_START_IMPAIRED") return `a service action other than SERVICE_TASK_START_IMPAIRED (${name ?? "no eventName"})`;
    if (!serviceArnOf(event)) return "the event names no service";
    return null;
  }
  if (event?.["detail-type"] !== "ECS Task State Change") return `not an ECS Task State Change (${event?.["detail-type"] ?? "no detail-type"})`;
  const task = event.detail;
  if (!task?.taskArn) return "the event names no task";
  if (task.lastStatus !== "STOPPED") return `the task is ${task.lastStatus ?? "in no state"}, not STOPPED`;
  const messages = [task.stoppedReason, ...(task.containers ?? []).map((c) => c.reason)].filter((m): m is string => Boolean(m));
  if (!messages.some((m) => parseMessage(m).scope !== "none")) return "the task did not stop for an image pull, initialisation or assume-role failure";
  return null;
}

/** Whether the event's task names everything the collector reads from a task, so DescribeTasks can be skipped. */
export function isComplete(task: Task): boolean {
  if (!task.taskArn || !task.clusterArn || !task.taskDefinitionArn || (!task.launchType && !task.capacityProviderName)) return false;
  if (!task.containers?.length || task.containers.some((c) => !c.name || !c.image)) return false;
  const eni = (task.attachments ?? []).some((a) => (a.type === "eni" || a.type === "ElasticNetworkInterface") && (a.details ?? []).some((d) => d.name === "subnetId" && d.value));
  if ((task.launchType ?? "").toUpperCase() === "EC2") return Boolean(task.containerInstanceArn);
  return eni;
}

function serviceArnOf(event: EcsServiceActionEvent): string | undefined {
  return event.resources?.find((r) => /^arn:[^:]+:ecs:[^:]*:\d*:service\//.test(r));
}

function subject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length > SUBJECT_MAX ? `${ascii.slice(0, SUBJECT_MAX - 3)}...` : ascii;
}

function subjectFor(report: Report, task: Task): string {
  const top = report.findings[0];
  const id = (task.taskArn ?? "").split("/").pop() ?? "task";
  return subject(`ecs-doctor: ${top ? top.id : "no finding"} - task ${id}`);
}

function cut(markdown: string): string {
  if (Buffer.byteLength(markdown) <= MESSAGE_MAX_BYTES) return markdown;
  return `${Buffer.from(markdown).subarray(0, MESSAGE_MAX_BYTES).toString("utf8").replace(/\uFFFD$/, "")}\n\n… (cut; the full JSON report is in the function's log)\n`;
}

async function liveSource(region: string): Promise<Source> {
  const { createLiveSource } = await import("./source/live.js");
  // Well inside the function's timeout (deploy/ecs-doctor.yaml gives it 60 s).
  return createLiveSource({ region, timeoutMs: 45_000 });
}

/** Posts the Markdown to the topic and the webhook configured; says which got it and which failed. */
async function notify(
  env: Record<string, string | undefined>, region: string, subjectLine: string, markdown: string, post: typeof fetch,
): Promise<{ notified: Delivered; failed: string[] }> {
  const notified: Delivered = [];
  const failed: string[] = [];
  if (env.TOPIC_ARN) {
    try {
      const { SNSClient, PublishCommand } = await import("@aws-sdk/client-sns");
      // Allowed write, for notification only: PublishCommand to the one topic the deployment configures (TOPIC_ARN).
      // Everything else ecs-doctor sends is read-only (tests/source/read-only.test.ts names this exception).
      await new SNSClient({ region: env.TOPIC_ARN.split(":")[3] || region }).send(
        new PublishCommand({ TopicArn: env.TOPIC_ARN, Subject: subjectLine, Message: markdown }),
      );
      notified.push("sns");
    } catch (err) {
      failed.push(`sns: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  if (env.WEBHOOK_URL) {
    try {
      const res = await post(env.WEBHOOK_URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: markdown }),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      notified.push("webhook");
    } catch (err) {
      failed.push(`webhook: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  return { notified, failed };
}

/**
 * Writes report.json and snapshot.json under the failure's folder; answers the
 * folder's s3:// URL. Allowed write, for the archive only: PutObjectCommand into
 * the one bucket the deployment creates (ARCHIVE_BUCKET); tests/source/read-only.test.ts
 * names this exception. Both objects carry the top finding as metadata too.
 */
async function archive(bucket: string, folder: string, report: Report, snapshot: unknown, region: string): Promise<string> {
  const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const s3 = new S3Client({ region });
  const metadata = { "top-finding": report.findings[0]?.id ?? "none", "task-arn": report.task?.taskArn ?? "" };
  const put = (name: string, body: unknown) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}${name}`, Body: `${JSON.stringify(body, null, 2)}\n`, ContentType: "application/json", Metadata: metadata }));
  await Promise.all([put("report.json", report), put("snapshot.json", snapshot)]);
  return `s3://${bucket}/${folder}`;
}

function stoppedAtOf(task: Task, event: EcsEvent, now: number): Date {
  for (const t of [task.stoppedAt, event.time]) {
    const d = t === undefined ? undefined : new Date(t);
    if (d && !Number.isNaN(d.getTime())) return d;
  }
  return new Date(now);
}

export function createHandler(options: HandlerOptions = {}): (event: EcsEvent) => Promise<HandlerResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((line: string) => console.error(line));
  const post = options.fetch ?? fetch;
  const clock = options.now;

  /** Fails the invocation when nothing got through, so its error metric shows it (a retry cannot duplicate a message). */
  const settle = (failed: string[], delivered: number) => {
    for (const f of failed) logError(`ecs-doctor: ${f.startsWith("s3:") ? "archive" : "notification"} failed: ${f}`);
    if (failed.length > 0 && delivered === 0) throw new Error(`every notification failed (${failed.join("; ")})`);
  };

  const onServiceAction = async (event: EcsServiceActionEvent): Promise<HandlerResult> => {
    const serviceArn = serviceArnOf(event)!;
    const service = serviceArn.split("/").pop()!;
    // service/<cluster>/<name>, or the old service/<name> with the cluster in the detail.
    const cluster = clusterName(event.detail?.clusterArn ?? (serviceArn.split("/").length > 2 ? serviceArn.split("/")[1] : "default"));
    const region = event.region ?? serviceArn.split(":")[3] ?? env.AWS_REGION ?? "us-east-1";
    const now = clock?.() ?? (event.time ? Date.parse(event.time) : Date.now());
    const { scanCluster, renderScanMarkdown } = await import("./scan.js");
    const source = await (options.sourceFor ?? liveSource)(region);
    const scan = await scanCluster(source, { cluster, service, sinceMs: SERVICE_WINDOW_MS, now: Number.isNaN(now) ? Date.now() : now });
    log(JSON.stringify(scan));
    const groups = scan.groups.map((g) => ({ id: g.id, count: g.count }));
    const head = groups.length ? groups.map((g) => `${g.count} x ${g.id}`).join(", ") : "no failed start found";
    const markdown = cut(`> ECS reports that service \`${service}\` cannot start tasks (SERVICE_TASK_START_IMPAIRED); its stopped tasks of the last hour:\n\n${renderScanMarkdown(scan)}`);
    const { notified, failed } = await notify(env, region, subject(`ecs-doctor: service ${service} cannot start tasks: ${head}`), markdown, post);
    settle(failed, notified.length);
    return { status: "scanned", service, cluster, failedTasks: scan.reports.length, groups, notified, failedNotifications: failed };
  };

  return async (event) => {
    const ignored = ignoreReason(event);
    if (ignored) return { status: "ignored", reason: ignored };
    if (isServiceAction(event)) return onServiceAction(event);
    const detail = (event as EcsTaskStateChangeEvent).detail!;
    const region = event.region ?? detail.taskArn!.split(":")[3] ?? env.AWS_REGION ?? "us-east-1";
    const opened = await (options.sourceFor ?? liveSource)(region);
    // Archiving records what the diagnosis read, in `record`'s format (no secret value, no environment value).
    const recording = env.ARCHIVE_BUCKET ? recordingSource(opened) : undefined;
    const source = recording ?? opened;
    // ECS still lists the task for about an hour; the event already holds it when complete.
    const fromEvent = isComplete(detail);
    const task = fromEvent ? detail : await readTask(source, { task: detail.taskArn!, cluster: detail.clusterArn });
    if (fromEvent) recording?.remember("describeTasks", [detail]);
    const report = buildReport(await collectEvidence(source, task));
    log(JSON.stringify(report));

    const failed: string[] = [];
    let archived: string | undefined;
    let markdown = render(report, "markdown");
    if (recording && env.ARCHIVE_BUCKET) {
      const now = clock?.() ?? Date.now();
      const top = report.findings[0]?.id ?? "no finding";
      try {
        const snapshot = await recording.recorded({ description: `archived by the ecs-doctor Lambda function: ${top}`, capturedAt: new Date(now) });
        const folder = folderForReport(report, stoppedAtOf(task, event, now), env.ARCHIVE_PREFIX || undefined);
        archived = await archive(env.ARCHIVE_BUCKET, folder, report, snapshot, env.AWS_REGION ?? region);
        markdown += `\nArchived in \`${archived}\`: diagnose it again, after ECS has forgotten the task, with\n\`ecs-doctor --snapshot ${archived}snapshot.json\`\n`;
      } catch (err) {
        failed.push(`s3: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    const sent = await notify(env, region, subjectFor(report, task), cut(markdown), post);
    failed.push(...sent.failed);
    settle(failed, sent.notified.length + (archived ? 1 : 0));
    return {
      status: "diagnosed",
      taskArn: detail.taskArn!,
      top: report.findings[0]?.id ?? null,
      errors: report.findings.filter((f) => f.severity === "error").length,
      notified: sent.notified,
      failedNotifications: failed,
      ...(archived ? { archived } : {}),
    };
  };
}

/** The Lambda entry point (handler `index.handler` in the zip `npm run package:lambda` builds). */
export const handler = createHandler();
