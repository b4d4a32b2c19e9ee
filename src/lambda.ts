// Automatic diagnosis: a Lambda handler for the EventBridge event "ECS Task
// State Change". A task that stopped with an image pull, a resource
// initialisation or an assume-role failure is diagnosed at once (while ECS
// still lists it); its JSON report is logged as one line, and its Markdown
// report goes to the SNS topic (TOPIC_ARN) and/or a webhook (WEBHOOK_URL).
// Every other event is ignored before any AWS call.
//
// The event's detail is the Task itself (DescribeTasks' shape): when it names
// what the collector needs, it is used directly, saving a round trip.

import { parseMessage } from "./analysis/message.js";
import { collectEvidence, readTask } from "./collect/index.js";
import type { Task } from "./model/aws.js";
import type { Report } from "./model/report.js";
import { render } from "./render/index.js";
import { buildReport } from "./report.js";
import type { Source } from "./source/source.js";

/** The EventBridge envelope of an ECS task state change; `detail` is the Task. */
export interface EcsTaskStateChangeEvent {
  "detail-type"?: string;
  source?: string;
  account?: string;
  region?: string;
  time?: string;
  id?: string;
  resources?: string[];
  detail?: Task;
}

export type HandlerResult =
  | { status: "ignored"; reason: string }
  | { status: "diagnosed"; taskArn: string; top: string | null; errors: number; notified: ("sns" | "webhook")[]; failedNotifications: string[] };

export interface HandlerOptions {
  /** Opens the source for the event's region (default: the live account, with the function's role). */
  sourceFor?: (region: string) => Promise<Source>;
  /** Default: process.env (TOPIC_ARN, WEBHOOK_URL, AWS_REGION). */
  env?: Record<string, string | undefined>;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Where the one-line JSON report goes (default: console.log, into CloudWatch Logs). */
  log?: (line: string) => void;
  /** Where notification failures go (default: console.error). */
  logError?: (line: string) => void;
}

/** SNS takes a subject of at most 100 ASCII characters, and a message of at most 256 KB. */
const SUBJECT_MAX = 100;
const MESSAGE_MAX_BYTES = 250_000;

/** Why an event is not diagnosed, or null when it is: a stopped task with an in-scope message. */
export function ignoreReason(event: EcsTaskStateChangeEvent): string | null {
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

function subjectFor(report: Report, task: Task): string {
  const top = report.findings[0];
  const id = (task.taskArn ?? "").split("/").pop() ?? "task";
  const text = `ecs-doctor: ${top ? top.id : "no finding"} - task ${id}`.replace(/[^\x20-\x7e]/g, "?");
  return text.length > SUBJECT_MAX ? `${text.slice(0, SUBJECT_MAX - 3)}...` : text;
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

export function createHandler(options: HandlerOptions = {}): (event: EcsTaskStateChangeEvent) => Promise<HandlerResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const logError = options.logError ?? ((line: string) => console.error(line));
  return async (event) => {
    const ignored = ignoreReason(event);
    if (ignored) return { status: "ignored", reason: ignored };
    const detail = event.detail!;
    const region = event.region ?? detail.taskArn!.split(":")[3] ?? env.AWS_REGION ?? "us-east-1";
    const source = await (options.sourceFor ?? liveSource)(region);
    // ECS still lists the task for about an hour; the event already holds it when complete.
    const task = isComplete(detail) ? detail : await readTask(source, { task: detail.taskArn!, cluster: detail.clusterArn });
    const report = buildReport(await collectEvidence(source, task));
    log(JSON.stringify(report));

    const markdown = cut(render(report, "markdown"));
    const notified: ("sns" | "webhook")[] = [];
    const failed: string[] = [];
    if (env.TOPIC_ARN) {
      try {
        const { SNSClient, PublishCommand } = await import("@aws-sdk/client-sns");
        // Allowed write, for notification only: PublishCommand to the one topic the deployment configures (TOPIC_ARN).
        // Everything else ecs-doctor sends is read-only (tests/source/read-only.test.ts names this exception).
        await new SNSClient({ region: env.TOPIC_ARN.split(":")[3] || region }).send(
          new PublishCommand({ TopicArn: env.TOPIC_ARN, Subject: subjectFor(report, task), Message: markdown }),
        );
        notified.push("sns");
      } catch (err) {
        failed.push(`sns: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    if (env.WEBHOOK_URL) {
      try {
        const res = await (options.fetch ?? fetch)(env.WEBHOOK_URL, {
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
    for (const f of failed) logError(`ecs-doctor: notification failed: ${f}`);
    // Nothing delivered: fail the invocation, so its error metric shows it (a retry cannot duplicate a message).
    if (failed.length > 0 && notified.length === 0) throw new Error(`every notification failed (${failed.join("; ")})`);
    return {
      status: "diagnosed",
      taskArn: detail.taskArn!,
      top: report.findings[0]?.id ?? null,
      errors: report.findings.filter((f) => f.severity === "error").length,
      notified,
      failedNotifications: failed,
    };
  };
}

/** The Lambda entry point (handler `index.handler` in the zip `npm run package:lambda` builds). */
export const handler = createHandler();
