// What the role that writes a container's logs must be allowed: the awslogs
// driver creates its stream and puts events; with awslogs-create-group "true"
// it creates the group when the stream's group is not found (so
// logs:CreateLogGroup matters only for a group that does not exist). Answered
// like every IAM question: IAM's simulation where it answered, else the
// role's documents. Pure.

import type { Role } from "../model/aws.js";
import type { LogGroupReference } from "../model/evidence.js";
import type { Fact } from "../model/fact.js";
import type { SimulationResult } from "../source/source.js";
import { answerQuestions, type PermissionAnswer, type PermissionQuestion } from "./permissions.js";

export const LOG_STREAM_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;
export const CREATE_LOG_GROUP = "logs:CreateLogGroup";

type LogTarget = Pick<LogGroupReference, "container" | "logGroupName" | "createGroup" | "groupArn" | "streamArn">;

export function logQuestions(ref: LogTarget): PermissionQuestion[] {
  const why = `the awslogs log driver of container ${ref.container} (log group ${ref.logGroupName})`;
  return [
    ...(ref.createGroup ? [{ action: CREATE_LOG_GROUP, resource: ref.groupArn, why }] : []),
    ...LOG_STREAM_ACTIONS.map((action) => ({ action, resource: ref.streamArn, why })),
  ];
}

/** The (action, resource) pairs worth a simulation for these log configurations. */
export function logsSimulationRequest(refs: LogTarget[]): { actions: string[]; resources: string[] } {
  const qs = refs.flatMap(logQuestions);
  return { actions: [...new Set(qs.map((q) => q.action))], resources: [...new Set(qs.map((q) => q.resource))] };
}

/** Each log configuration's answers for the role that writes it; undefined without a writer. */
export function logAccess(
  refs: LogGroupReference[],
  role: Fact<Role | null>,
  simulation: Fact<SimulationResult[]>,
  accountId: string,
  source: "live" | "snapshot",
): LogGroupReference[] {
  return refs.map((ref) => {
    if (!ref.writer || (role.state === "known" && role.value === null)) return ref;
    const access: Fact<PermissionAnswer[]> = answerQuestions(logQuestions(ref), role, simulation, { arn: ref.writer.arn, account: accountId }, source);
    return { ...ref, access };
  });
}
