import { CREATE_LOG_GROUP } from "../src/analysis/log-permissions.js";
import type { PermissionAnswer } from "../src/analysis/permissions.js";
import { type DraftFinding, defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { answerFact, IAM_DOCS, isDenied, messageConfirmsDenial, putRolePolicyCommand, roleNameFromArn } from "../src/iam-fixes.js";
import type { LogGroupReference } from "../src/model/evidence.js";
import { type Unknown, unknownReason } from "../src/model/fact.js";
import { DOCS } from "../src/model/queries.js";
import { LOG_DOCS } from "./log-group-missing.js";

const WRITER = { "execution-role": "execution role", "instance-role": "container instance role" } as const;

/** The role that writes each container's logs may create its stream and put events (and create the group with awslogs-create-group). */
export default defineDiagnostic({
  id: "log-permissions-missing",
  title: "The role that writes each container's logs may write to its log group",
  docs: [LOG_DOCS.awslogs, DOCS.executionRole, IAM_DOCS.instanceRole],
  messageKinds: ["access-denied", "forbidden", "unauthorized"],
  stages: ["logs"],
  check(e) {
    const refs = e.logs.filter((r) => r.writer);
    if (refs.length === 0) return notApplicable;
    const findings: DraftFinding[] = [];
    let skipped: Unknown | undefined;
    const seen = new Set<string>();
    for (const ref of refs) {
      const key = `${ref.writer!.arn}\u0000${ref.region}\u0000${ref.logGroupName}\u0000${ref.createGroup}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!ref.access) continue;
      if (ref.access.state !== "known") {
        skipped ??= ref.access;
        continue;
      }
      // The driver creates its stream first, and the group only when the stream's group is not found:
      // logs:CreateLogGroup matters for a group that does not exist (or that could not be listed).
      const groupMissing = ref.logGroup.state === "known" ? ref.logGroup.value === null : undefined;
      const answers = ref.access.value.filter((a) => a.action !== CREATE_LOG_GROUP || groupMissing !== false);
      const denied = answers.filter(isDenied);
      const certain = denied.filter((a) => a.action !== CREATE_LOG_GROUP || groupMissing === true || messageConfirmsDenial(e, [a.action], [ref.container]));
      const unclear = answers.filter((a) => a.decision === "unknown");
      const unreadable = unclear.find((a) => a.unreadable)?.unreadable;
      if (certain.length > 0) findings.push(finding(ref, denied, "error"));
      else if (denied.length > 0) findings.push(finding(ref, denied, "warning", `the action ${CREATE_LOG_GROUP} is needed only if log group ${ref.logGroupName} does not exist, and the log groups could not be listed (${ref.logGroup.state === "unknown" ? unknownReason(ref.logGroup) : ""})`));
      else if (unclear.length > 0) {
        const confirmed = messageConfirmsDenial(e, unclear.map((a) => a.action), [ref.container]);
        if (unreadable && !confirmed) skipped ??= unreadable;
        else findings.push(finding(ref, unclear, confirmed ? "error" : "warning"));
      }
    }
    if (findings.length > 0) return fail(...findings);
    return skipped ? skip(`cannot tell what the role that writes the logs may do (${skipped.call})`, skipped) : pass();
  },
});

function finding(ref: LogGroupReference, answers: PermissionAnswer[], severity: "error" | "warning", doubt?: string): DraftFinding {
  const writer = ref.writer!;
  const roleName = roleNameFromArn(writer.arn);
  const actions = [...new Set(answers.map((a) => a.action))];
  const explicit = answers.filter((a) => a.decision === "explicit-deny");
  // The grant names the group (`log-group:NAME:*` covers its streams), not the one stream this task would have written.
  const grants = actions.map((action) => ({ action, resource: ref.groupArn }));
  return {
    severity,
    certainty: severity === "error" ? "proven" : "possible",
    container: ref.container,
    title: `The ${WRITER[writer.purpose]} ${roleName} ${severity === "error" ? "may not" : "may not be allowed to"} write container ${ref.container}'s logs to ${ref.logGroupName}`,
    explanation:
      `The awslogs log driver of container ${ref.container} writes to log group ${ref.logGroupName} in ${ref.region} with the ${WRITER[writer.purpose]} ${writer.arn}` +
      `${ref.createGroup ? ', creating the group when it does not exist (awslogs-create-group "true")' : ""}. ` +
      `It needs ${actions.join(", ")}, which ${severity === "error" || doubt ? "its policies do not allow" : "depends on conditions that cannot be checked offline"}; without them the log driver cannot start and the container does not run.` +
      (doubt ? ` ${doubt[0].toUpperCase()}${doubt.slice(1)}.` : ""),
    evidence: answers.map((a) => ({ resource: writer.arn, fact: `${answerFact(a)} (for ${a.why})` })),
    fixes: [
      ...(explicit.length < answers.length
        ? [{
            summary: `Allow the ${WRITER[writer.purpose]} ${roleName} ${actions.join(", ")} on log group ${ref.logGroupName}.`,
            steps: [`Open the IAM console, Roles, ${roleName}, Add permissions, Create inline policy, and allow ${actions.join(", ")} on ${ref.groupArn}.`],
            commands: [putRolePolicyCommand(roleName, "ecs-task-logs", grants)],
            docs: [LOG_DOCS.awslogs, writer.purpose === "execution-role" ? DOCS.executionRole : IAM_DOCS.instanceRole],
          }]
        : []),
      ...(explicit.length > 0
        ? [{ summary: `Remove or narrow the Deny (${[...new Set(explicit.flatMap((a) => a.deniedBy))].join(", ") || "an explicit Deny"}) that covers ${actions.join(", ")} for ${roleName}.`, docs: [IAM_DOCS.evaluationLogic] }]
        : []),
    ],
  };
}
