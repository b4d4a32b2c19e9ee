import { type DraftFinding, defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import type { Evidence, LogGroupReference } from "../src/model/evidence.js";
import { unknownReason } from "../src/model/fact.js";
import { DOCS, quote } from "../src/model/queries.js";

export const LOG_DOCS = {
  awslogs: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html",
  logGroups: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",
};

/** The failure whose message says this log group does not exist (a log driver "not found", naming it or naming none). */
function failureSaysMissing(e: Evidence, ref: LogGroupReference) {
  return e.failures.find(
    (f) => f.signals.stage === "logs" && f.signals.kind === "not-found" && (!f.signals.logGroup || f.signals.logGroup === ref.logGroupName) && (f.container === ref.container || f.from === "task"),
  );
}

function where(ref: LogGroupReference, e: Evidence): string {
  if (ref.regionSet) return `awslogs-region ${ref.region}`;
  return e.launchType === "EC2" ? `no awslogs-region: the container instance's region, ${ref.region}` : `no awslogs-region: ${ref.region}`;
}

function missing(e: Evidence, refs: LogGroupReference[], certainty: "proven" | "message"): DraftFinding {
  const ref = refs[0];
  const containers = refs.map((r) => r.container);
  const said = failureSaysMissing(e, ref);
  const name = ref.logGroupName;
  return {
    severity: "error",
    certainty,
    container: containers[0],
    title: `Log group ${name} does not exist in ${ref.region}`,
    explanation:
      `The awslogs log driver of container ${containers.join(", ")} writes to log group ${name} in ${ref.region} (${where(ref, e)}), ` +
      `${certainty === "proven" ? "and no log group of that name exists there" : `and the message says it does not exist; the log groups could not be listed to confirm it (${ref.logGroup.state === "unknown" ? unknownReason(ref.logGroup) : ""})`}. ` +
      'With awslogs-create-group not "true", the driver does not create it, so the container cannot start.' +
      (said ? ` The message: ${quote(said.message, 200)}.` : ""),
    evidence: [
      ...refs.map((r) => ({ resource: `container ${r.container}`, fact: `logConfiguration awslogs-group=${r.logGroupName}, ${where(r, e)}${r.createGroup ? "" : ", awslogs-create-group not set"}` })),
      certainty === "proven"
        ? { resource: name, fact: `logs:DescribeLogGroups in ${ref.region} (logGroupNamePrefix ${name}): no log group of that name` }
        : { resource: name, fact: `reason: ${said?.signals.summary ?? "log group not found"}` },
    ],
    fixes: [
      {
        summary: `Create log group ${name} in ${ref.region}, or correct awslogs-group / awslogs-region to name one that exists.`,
        steps: [`Open the CloudWatch console in ${ref.region}, Logs, Log groups, Create log group, name it ${name}.`],
        commands: [
          `aws logs create-log-group --region ${ref.region} --log-group-name ${name}`,
          `aws logs describe-log-groups --region ${ref.region} --log-group-name-prefix ${name.split("/").slice(0, -1).join("/") || name} --query 'logGroups[].logGroupName'`,
        ],
        docs: [LOG_DOCS.logGroups, LOG_DOCS.awslogs],
      },
      {
        summary: `Or let the driver create it: set "awslogs-create-group": "true" in the logConfiguration options of ${containers.join(", ")}, and allow the role that writes the logs logs:CreateLogGroup on ${ref.groupArn}.`,
        docs: [LOG_DOCS.awslogs],
      },
    ],
  };
}

/** Each awslogs log group exists in its awslogs-region, or the driver may create it. */
export default defineDiagnostic({
  id: "log-group-missing",
  title: "Every awslogs log group exists in its awslogs-region, or the log driver creates it",
  docs: [LOG_DOCS.awslogs, LOG_DOCS.logGroups, DOCS.resourceInit],
  messageKinds: ["not-found"],
  // The log driver is set up after the pull: a message of another step does not show this cause.
  stages: ["logs"],
  check(e) {
    const refs = e.logs;
    if (refs.length === 0) return notApplicable;
    // One finding per log group (containers may share one).
    const byGroup = new Map<string, LogGroupReference[]>();
    for (const r of refs) {
      const key = `${r.region}\u0000${r.logGroupName}`;
      byGroup.set(key, [...(byGroup.get(key) ?? []), r]);
    }
    const findings: DraftFinding[] = [];
    let skipped: LogGroupReference | undefined;
    for (const group of byGroup.values()) {
      // With awslogs-create-group "true" the driver creates a missing group: whether it may is log-permissions-missing's.
      const fixed = group.filter((r) => !r.createGroup);
      if (fixed.length === 0) continue;
      const ref = fixed[0];
      if (ref.logGroup.state !== "known") {
        if (failureSaysMissing(e, ref)) findings.push(missing(e, fixed, "message"));
        else skipped ??= ref;
        continue;
      }
      if (ref.logGroup.value === null) findings.push(missing(e, fixed, "proven"));
    }
    if (findings.length > 0) return fail(...findings);
    if (skipped && skipped.logGroup.state === "unknown") return skip(`cannot list the log groups of ${skipped.region}`, skipped.logGroup);
    return pass();
  },
});
