// Wraps a source so that every call it answers is timed and recorded: the
// --trace listing, the --trace-file JSON lines, and the benchmark's counts.

import type { Fact } from "../model/fact.js";
import type { Source } from "./source.js";

export type TraceOutcome = "ok" | "denied" | "throttled" | "not-found" | "error";

export interface TraceEvent {
  service: string;
  operation: string;
  startMs: number;
  durationMs: number;
  outcome: TraceOutcome;
  /** The parameters that matter (ids, names), for people reading the trace. */
  params?: string;
}

/** Calls that name the resources they ask for: an empty answer means those do not exist. */
const NAMES_ITS_RESOURCES = new Set([
  "describeTasks", "describeTaskDefinition", "describeServices", "describeContainerInstances", "describeSubnets", "describeVpcs",
  "describeNetworkInterfaces", "describeInstances", "describeSecurityGroups", "describeRepositories", "batchGetImage",
  "getRepositoryPolicy", "getRole", "getInstanceProfile", "describeSecret", "describeParameters",
  "describeFileSystems", "describeMountTargetSecurityGroups", "describeAccessPoints", "describeFileSystemPolicy",
]);

function outcomeOf(method: string, args: unknown[], f: Fact<unknown>): TraceOutcome {
  if (f.state === "known") {
    const v = f.value;
    const empty = v === null || (Array.isArray(v) && v.length === 0);
    // describeImages without image ids lists a repository: empty is an answer, not a miss.
    const named = NAMES_ITS_RESOURCES.has(method) || (method === "describeImages" && args[2] !== undefined);
    return empty && named ? "not-found" : "ok";
  }
  if (f.why === "denied") return "denied";
  if (f.why === "throttled") return "throttled";
  return "error";
}

/** Source methods whose AWS operation has another name. */
const OPERATION_OF: Record<string, string> = {
  listStoppedTasks: "ListTasks",
  describeVpcAttributes: "DescribeVpcAttribute",
  describeVpcSecurityGroups: "DescribeSecurityGroups",
};

function operationOf(method: string): string {
  return OPERATION_OF[method] ?? method.charAt(0).toUpperCase() + method.slice(1);
}

/** What the spinner says while calls to a service run. */
export const STAGE_OF_SERVICE: Record<string, string> = {
  ecs: "Reading the task",
  ec2: "Following the network path",
  ecr: "Checking the registry",
  iam: "Checking IAM",
  secretsmanager: "Checking secrets",
  ssm: "Checking secrets",
  elasticfilesystem: "Checking EFS volumes",
};

export function tracedSource(source: Source, events: TraceEvent[], t0 = performance.now(), onCall?: (service: string, method: string) => void): Source {
  return new Proxy(source, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || prop === "accountId" || typeof prop !== "string") return value;
      return async (...args: unknown[]) => {
        onCall?.(serviceOf(prop), prop);
        const start = performance.now();
        const result = (await value.apply(target, args)) as Fact<unknown>;
        const call = result.state === "unknown" ? result.call : "";
        const [service, operation] = call ? call.split(":") : ["", ""];
        events.push({
          service: service || serviceOf(prop),
          operation: operation || operationOf(prop),
          startMs: Math.round((start - t0) * 10) / 10,
          durationMs: Math.round((performance.now() - start) * 10) / 10,
          outcome: outcomeOf(prop, args, result),
          params: args.map((a) => (typeof a === "string" ? a : Array.isArray(a) ? a.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(",") : a === undefined ? "" : JSON.stringify(a))).filter(Boolean).join(" "),
        });
        return result;
      };
    },
  });
}

const SERVICE_OF: Record<string, string> = {
  describeTasks: "ecs", listStoppedTasks: "ecs", describeTaskDefinition: "ecs", describeServices: "ecs", describeContainerInstances: "ecs",
  describeRepositories: "ecr", describeImages: "ecr", batchGetImage: "ecr", getRepositoryPolicy: "ecr", describePullThroughCacheRules: "ecr",
  getRole: "iam", getInstanceProfile: "iam", simulatePrincipalPolicy: "iam", describeSecret: "secretsmanager", describeParameters: "ssm",
  describeFileSystems: "elasticfilesystem", describeMountTargets: "elasticfilesystem", describeMountTargetSecurityGroups: "elasticfilesystem",
  describeAccessPoints: "elasticfilesystem", describeFileSystemPolicy: "elasticfilesystem",
};

function serviceOf(method: string): string {
  return SERVICE_OF[method] ?? "ec2";
}

export function formatTrace(events: TraceEvent[]): string {
  const rows = [...events].sort((a, b) => a.startMs - b.startMs);
  return rows
    .map((e) => `${e.startMs.toFixed(1).padStart(8)} ms ${e.durationMs.toFixed(1).padStart(7)} ms  ${`${e.service}:${e.operation}`.padEnd(44)} ${e.outcome.padEnd(9)} ${e.params ?? ""}`)
    .join("\n");
}

/**
 * The longest chain of calls each of which started after the one before it
 * ended: how many round trips the diagnosis waited for, one after another.
 */
export function dependentRounds(events: TraceEvent[]): number {
  const sorted = [...events].sort((a, b) => a.startMs - b.startMs);
  const chain: number[] = [];
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    let longest = 0;
    for (let j = 0; j < i; j++) {
      // A small tolerance: timers fire a fraction of a millisecond early or late.
      if (sorted[j].startMs + sorted[j].durationMs <= sorted[i].startMs + 0.5) longest = Math.max(longest, chain[j]);
    }
    chain[i] = longest + 1;
    best = Math.max(best, chain[i]);
  }
  return best;
}
