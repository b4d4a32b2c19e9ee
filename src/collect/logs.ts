// The log groups the task's awslogs log configurations name, read where the
// log driver would look for them: the `awslogs-region` of each container.

import type { LogGroup, Task, TaskDefinition } from "../model/aws.js";
import type { Evidence, LogGroupReference } from "../model/evidence.js";
import { type Fact, mapFact } from "../model/fact.js";
import type { Source } from "../source/source.js";

type Reference = Omit<LogGroupReference, "logGroup" | "writer" | "access">;

/** `arn:aws:...` or `arn:aws-cn:...`: the partition of the task's own ARN. */
function partitionOf(task: Task): string {
  return task.taskArn?.startsWith("arn:") ? task.taskArn.split(":")[1] || "aws" : "aws";
}

/**
 * Every container's awslogs configuration. The stream the driver writes is
 * `PREFIX/CONTAINER/TASK_ID` with `awslogs-stream-prefix` (Fargate requires it);
 * without one, on EC2, the container's id, which is not known: any stream of the group.
 */
export function logGroupReferences(def: TaskDefinition | undefined, task: Task, region: string, accountId: string): Reference[] {
  const taskId = task.taskArn?.split("/").pop() ?? "TASK_ID";
  const partition = partitionOf(task);
  const out: Reference[] = [];
  for (const c of def?.containerDefinitions ?? []) {
    const log = c.logConfiguration;
    const group = log?.options?.["awslogs-group"];
    if (log?.logDriver !== "awslogs" || !group || !c.name) continue;
    const where = log.options?.["awslogs-region"];
    const logRegion = where || region;
    const prefix = log.options?.["awslogs-stream-prefix"];
    const groupArn = `arn:${partition}:logs:${logRegion}:${accountId}:log-group:${group}`;
    out.push({
      container: c.name,
      logGroupName: group,
      region: logRegion,
      regionSet: Boolean(where),
      createGroup: (log.options?.["awslogs-create-group"] ?? "").toLowerCase() === "true",
      groupArn: `${groupArn}:*`,
      streamArn: `${groupArn}:log-stream:${prefix ? `${prefix}/${c.name}/${taskId}` : "*"}`,
    });
  }
  return out;
}

/**
 * Reads each named log group once per region. Only where the task could have
 * failed at start (a message of another kind says nothing about its logs), or
 * in a preflight. The writer and its permissions are joined in by the caller.
 */
export async function collectLogGroups(source: Source, refs: Reference[], scope: Evidence["scope"]): Promise<Omit<LogGroupReference, "writer" | "access">[]> {
  if (scope === "none" || scope === "assume-role") return [];
  const reads = new Map<string, Promise<Fact<LogGroup | null>>>();
  for (const r of refs) {
    const key = `${r.region}\u0000${r.logGroupName}`;
    if (!reads.has(key)) {
      reads.set(key, source.describeLogGroups(r.logGroupName, r.region).then((f) => mapFact(f, (groups) => groups.find((g) => g.logGroupName === r.logGroupName) ?? null)));
    }
  }
  return Promise.all(refs.map(async (r) => ({ ...r, logGroup: await reads.get(`${r.region}\u0000${r.logGroupName}`)! })));
}
