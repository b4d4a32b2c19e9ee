// The Lambda handler on an ECS Service Action event SERVICE_TASK_START_IMPAIRED:
// one grouped report (the scan's Markdown) of that service's recent stopped
// tasks, instead of one message per task; other service actions are ignored.
import { readFileSync } from "node:fs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createHandler, type EcsServiceActionEvent } from "../../src/lambda.js";
import { renderScanMarkdown, scanCluster } from "../../src/scan.js";
import { SnapshotSource } from "../../src/source/snapshot.js";
import type { Source } from "../../src/source/source.js";
import { manyTasks } from "../fixtures/many-tasks.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:ecs-doctor-reports";
const sns = mockClient(SNSClient);
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "1" });
});
afterAll(() => sns.restore());

function event(): EcsServiceActionEvent {
  return JSON.parse(readFileSync("tests/fixtures/events/service-task-start-impaired.json", "utf8"));
}

function run(e: EcsServiceActionEvent, webhook: string[] = [], opened: string[] = []) {
  return createHandler({
    env: { TOPIC_ARN: TOPIC, WEBHOOK_URL: "https://hooks.example.invalid/x" },
    log: () => {},
    fetch: (async (_url: string, init: RequestInit) => {
      webhook.push(String(init.body));
      return new Response("ok");
    }) as typeof fetch,
    sourceFor: async (region): Promise<Source> => {
      opened.push(region);
      return new SnapshotSource(manyTasks(90));
    },
  })(e);
}

describe("Lambda handler: ECS Service Action SERVICE_TASK_START_IMPAIRED", () => {
  it("scans the service's stopped tasks of the last hour and posts one grouped report", async () => {
    const webhook: string[] = [];
    const result = await run(event(), webhook);
    // 90 tasks over three services: api's 30 cannot reach the registry.
    expect(result).toEqual({
      status: "scanned", service: "api", cluster: "prod", failedTasks: 30,
      groups: [{ id: "no-route-to-registry", count: 30 }], notified: ["sns", "webhook"], failedNotifications: [],
    });
    const published = sns.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    const { Subject, Message } = published[0].args[0].input;
    expect(Subject).toBe("ecs-doctor: service api cannot start tasks: 30 x no-route-to-registry");
    const scan = await scanCluster(new SnapshotSource(manyTasks(90)), { cluster: "prod", service: "api", sinceMs: 3_600_000, now: Date.parse("2026-11-24T10:05:00Z") });
    expect(Message).toContain(renderScanMarkdown(scan).slice(0, 2000));
    expect(Message).toMatch(/^> ECS reports that service `api` cannot start tasks/);
    expect(Message).toContain("| `no-route-to-registry` | 30 | api |");
    expect(webhook).toHaveLength(1);
    expect(JSON.parse(webhook[0]).text).toBe(Message);
  });

  it("looks back one hour from the event: older stopped tasks are left out", async () => {
    const e = { ...event(), time: "2026-11-24T10:59:30Z" };
    // manyTasks stops one task a second back from 10:00:00; the hour before 10:59:30 keeps 31 of them, api's every third.
    expect(await run(e)).toMatchObject({ status: "scanned", failedTasks: 10 });
  });

  it.each(["SERVICE_STEADY_STATE", "SERVICE_TASK_PLACEMENT_FAILURE", undefined])("%s: ignored before any AWS call", async (name) => {
    const opened: string[] = [];
    const e = event();
    e.detail = { ...e.detail, eventName: name };
    expect(await run(e, [], opened)).toMatchObject({ status: "ignored" });
    expect(opened).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("an event that names no service is ignored", async () => {
    expect(await run({ ...event(), resources: [] })).toMatchObject({ status: "ignored", reason: "the event names no service" });
  });
});
