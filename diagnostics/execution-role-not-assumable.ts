import { defineDiagnostic, fail, notApplicable, pass, skip } from "../src/diagnostic.js";
import { IAM_DOCS, roleNameFromArn } from "../src/iam-fixes.js";
import { DOCS, quote } from "../src/model/queries.js";

const ECS_TASKS = "ecs-tasks.amazonaws.com";

function trustDocument(accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: ECS_TASKS },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}

/** The execution role exists, but its trust policy does not let ECS tasks assume it. */
export default defineDiagnostic({
  id: "execution-role-not-assumable",
  title: "The execution role's trust policy lets ecs-tasks.amazonaws.com assume it",
  docs: [DOCS.executionRole, IAM_DOCS.roleTrust],
  messageKinds: ["assume-role", "access-denied", "unauthorized"],
  // ECS assumes the role for the token and the secrets: a manifest or layer message shows it got them.
  stages: ["execution-role", "registry-auth", "secrets", "logs"],
  check(e) {
    if (!e.executionRoleArn || e.executionRoleTrust === null) return notApplicable;
    const trust = e.executionRoleTrust;
    if (trust.state !== "known") return skip("cannot read the execution role's trust policy", trust);
    const t = trust.value;
    if (t.decision === "allowed") return pass();
    const roleName = roleNameFromArn(e.executionRoleArn);
    const assumeFailure = e.failures.find((f) => f.signals.kind === "assume-role");
    const role = e.executionRole.state === "known" ? e.executionRole.value : null;
    const principals = JSON.stringify(
      [role?.AssumeRolePolicyDocument?.Statement ?? []].flat().map((s) => s.Principal ?? s.NotPrincipal ?? "(none)"),
    );
    const fixes = [
      {
        summary: `Let ${ECS_TASKS} assume ${roleName}: replace its trust policy with one that trusts the ECS tasks service principal.`,
        steps: [`IAM console > Roles > ${roleName} > Trust relationships > Edit trust policy: allow sts:AssumeRole for the service principal ${ECS_TASKS}.`],
        commands: [`aws iam update-assume-role-policy --role-name ${roleName} --policy-document '${trustDocument(e.accountId)}'`],
        docs: [DOCS.executionRole, IAM_DOCS.roleTrust],
      },
    ];
    const why =
      t.decision === "explicit-deny"
        ? `its trust policy denies sts:AssumeRole to ${ECS_TASKS} explicitly`
        : t.decision === "implicit-deny"
          ? `its trust policy does not name ${ECS_TASKS} (it trusts ${principals})`
          : `its trust policy allows ${ECS_TASKS} only under conditions that cannot be checked offline`;
    return fail({
      severity: t.decision === "unknown" ? "warning" : "error",
      certainty: t.decision === "unknown" ? "possible" : "proven",
      title: `Execution role ${roleName} cannot be assumed by ECS tasks`,
      explanation:
        `ECS assumes the execution role ${e.executionRoleArn} as ${ECS_TASKS} to get the credentials that pull the image and read secrets, but ${why}. ` +
        (t.notes.length > 0 ? `${t.notes.join(" ")} ` : "") +
        (assumeFailure ? `The task's message agrees: ${quote(assumeFailure.message, 160)}.` : "Without those credentials the task fails before any pull."),
      evidence: [
        { resource: e.executionRoleArn, fact: `AssumeRolePolicyDocument principals: ${principals}; sts:AssumeRole by ${ECS_TASKS}: ${t.decision}` },
        { resource: e.task.taskDefinitionArn ?? "task definition", fact: `executionRoleArn: ${e.executionRoleArn}` },
      ],
      fixes,
    });
  },
});
