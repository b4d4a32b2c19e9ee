import type { Stage } from "../src/analysis/message.js";
import type { PermissionAnswer } from "../src/analysis/permissions.js";
import { defineDiagnostic, type DraftFinding, fail, failuresAt, type Fix, notApplicable, pass, skip } from "../src/diagnostic.js";
import { answerFact, type Grant, IAM_DOCS, isDenied, messageConfirmsDenial, putRolePolicyCommand, roleNameFromArn } from "../src/iam-fixes.js";
import type { Evidence } from "../src/model/evidence.js";
import { type Unknown, unknownReason } from "../src/model/fact.js";
import { DOCS, ecrImages, quote } from "../src/model/queries.js";

const STAGES: Stage[] = ["registry-auth", "manifest", "layer"];
const EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
const INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role";

/** The message of a failure that says an ECR call was refused (for the finding's explanation). */
function refusal(e: Evidence) {
  return failuresAt(e, STAGES).find((f) => ["access-denied", "forbidden", "unauthorized"].includes(f.signals.kind) && (!f.signals.deniedAction || f.signals.deniedAction.toLowerCase().startsWith("ecr:")));
}

/**
 * The role's policies could not be read, but the message names the ECR action
 * AWS refused: the message proves the cause and nothing readable contradicts
 * it (findings.md, Severity), so it stands as an error.
 */
function provenByMessage(e: Evidence, roleArn: string, purpose: string, unread: Unknown): DraftFinding | undefined {
  const f = refusal(e);
  const action = f?.signals.kind === "access-denied" ? f.signals.deniedAction : undefined;
  if (!f || !action?.toLowerCase().startsWith("ecr:")) return undefined;
  const roleName = roleNameFromArn(roleArn);
  return {
    severity: "error",
    certainty: "message",
    container: f.container,
    title: `Role ${roleName} is not allowed ${action}, says AWS`,
    explanation:
      `The message says ${quote(f.message, 220)}: AWS refused ${action}${f.signals.deniedResource ? ` on ${f.signals.deniedResource}` : ""} to the role that pulls, ${roleArn}. ` +
      `ecs-doctor could not read the role's policies to say which statement is missing (${unknownReason(unread)}); nothing it could read says otherwise.`,
    evidence: [
      { resource: `container ${f.container}`, fact: `reason: ${f.message}` },
      { resource: roleArn, fact: `not read: ${unknownReason(unread)}` },
    ],
    fixes: [grantFix(roleArn, purpose, [{ action, resource: f.signals.deniedResource ?? "*" }])],
  };
}

/** EC2 without an execution role: the instance must carry a profile that holds a role. */
function instanceRoleProblem(e: Evidence): DraftFinding | "skip" | undefined {
  if (e.instance.state !== "known") return "skip";
  const i = e.instance.value;
  if (!i) return undefined;
  const fixes: Fix[] = [
    {
      summary: "Give the container instances an instance profile whose role has AmazonEC2ContainerServiceforEC2Role (or name an execution role in the task definition).",
      commands: [
        `aws iam attach-role-policy --role-name ecsInstanceRole --policy-arn ${INSTANCE_POLICY}`,
        `aws ec2 associate-iam-instance-profile --region ${e.region} --instance-id ${i.InstanceId} --iam-instance-profile Name=ecsInstanceProfile`,
      ],
      docs: [IAM_DOCS.instanceRole, IAM_DOCS.ecrOnEcs],
    },
  ];
  const base = { severity: "error" as const, certainty: "proven" as const, fixes };
  if (!i.IamInstanceProfile?.Arn) {
    return {
      ...base,
      title: `Container instance ${i.InstanceId} has no instance profile, and the task names no execution role`,
      explanation: `On EC2 without an execution role, the ECS agent pulls from ECR with the container instance's role. Instance ${i.InstanceId} has no instance profile, so nothing can ask ECR for a token.`,
      evidence: [{ resource: i.InstanceId ?? "instance", fact: "IamInstanceProfile: (none)" }, { resource: e.task.taskDefinitionArn ?? "task definition", fact: "executionRoleArn: (none)" }],
    };
  }
  if (e.instanceProfile.state !== "known") return "skip";
  const profile = e.instanceProfile.value;
  if (!profile || !(profile.Roles ?? []).some((r) => r.Arn)) {
    return {
      ...base,
      title: profile ? `Instance profile ${profile.InstanceProfileName} holds no role` : `Instance profile ${i.IamInstanceProfile.Arn} does not exist`,
      explanation:
        `On EC2 without an execution role, the ECS agent pulls from ECR with the container instance's role, but instance ${i.InstanceId}'s profile ${i.IamInstanceProfile.Arn} ` +
        `${profile ? "holds no role" : "does not exist"}, so the agent has no credentials for ECR.`,
      evidence: [{ resource: i.IamInstanceProfile.Arn, fact: profile ? "Roles: []" : "iam:GetInstanceProfile: NoSuchEntity" }],
    };
  }
  return undefined;
}

/** The role that pulls is not allowed the ECR actions of the pull on this repository. */
export default defineDiagnostic({
  id: "pull-role-lacks-ecr-permissions",
  title: "The role that pulls may get an ECR token and the image",
  docs: [IAM_DOCS.ecrOnEcs, DOCS.executionRole, IAM_DOCS.instanceRole],
  messageKinds: ["access-denied", "forbidden", "unauthorized"],
  // ecr:GetAuthorizationToken, then ecr:BatchGetImage (manifest) and ecr:GetDownloadUrlForLayer (layers); not the secrets.
  stages: STAGES,
  check(e) {
    if (ecrImages(e).length === 0) return notApplicable;
    if (!e.executionRoleArn) {
      // Fargate needs an execution role (execution-role-missing); EC2 falls back to the instance role.
      if (e.launchType !== "EC2") return notApplicable;
      const problem = instanceRoleProblem(e);
      if (problem === "skip") return skip("cannot read the container instance's role", e.instance.state !== "known" ? e.instance : e.instanceProfile.state !== "known" ? e.instanceProfile : undefined);
      if (problem) return fail(problem);
    }
    const pp = e.pullPermissions;
    if (!pp) return notApplicable; // the execution role does not exist: execution-role-missing
    const roleName = roleNameFromArn(pp.roleArn);
    const findings: DraftFinding[] = [];

    if (pp.purpose === "instance-role" && pp.trust.state === "known" && pp.trust.value.decision !== "allowed" && pp.trust.value.decision !== "unknown") {
      findings.push({
        severity: "error",
        certainty: "proven",
        title: `Instance role ${roleName} does not trust ec2.amazonaws.com`,
        explanation: `The container instance pulls with ${pp.roleArn}, but its trust policy does not let ec2.amazonaws.com assume it, so the instance has no credentials to call ECR.`,
        evidence: [{ resource: pp.roleArn, fact: `sts:AssumeRole by ec2.amazonaws.com: ${pp.trust.value.decision}` }],
        fixes: [
          {
            summary: `Let ec2.amazonaws.com assume ${roleName}.`,
            commands: [`aws iam update-assume-role-policy --role-name ${roleName} --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`],
            docs: [IAM_DOCS.instanceRole],
          },
        ],
      });
    }

    if (pp.answers.state !== "known") {
      const proven = provenByMessage(e, pp.roleArn, pp.purpose, pp.answers);
      if (proven) findings.push(proven);
      if (findings.length > 0) return fail(...findings);
      return skip(`cannot read the policies of ${pp.roleArn}`, pp.answers);
    }
    const answers = pp.answers.value;
    const denied = answers.filter(isDenied);
    const unknowns = answers.filter((a) => a.decision === "unknown");
    const message = refusal(e);
    if (denied.length > 0) {
      findings.push(deniedFinding(e, pp.roleArn, pp.purpose, denied, answers));
    } else if (unknowns.length > 0) {
      const unreadable = unknowns.find((a) => a.unreadable)?.unreadable;
      // Unread documents: the check could not be made.
      if (unreadable && !unknowns.some((a) => !a.unreadable)) {
        const proven = provenByMessage(e, pp.roleArn, pp.purpose, unreadable);
        if (proven) findings.push(proven);
        if (findings.length > 0) return fail(...findings);
        return skip(`cannot evaluate the policies of ${pp.roleArn}`, unreadable);
      }
      // Conditions we cannot check, and a message that says AWS refused that very action: the likely reason.
      const confirmed = messageConfirmsDenial(e, unknowns.map((a) => a.action));
      findings.push({
        severity: confirmed ? "error" : "warning",
        certainty: confirmed ? "likely" : "possible",
        title: confirmed ? `Role ${roleName} is refused ${unknowns.map((a) => a.action).join(", ")}: a conditional statement decides, and AWS confirms` : `Role ${roleName} may not be allowed to pull: conditions decide`,
        explanation:
          `The role that pulls (${pp.roleArn}) is allowed ${unknowns.map((a) => a.action).join(", ")} only under conditions that cannot be checked offline ` +
          `(${[...new Set(unknowns.flatMap((a) => a.unknownConditions))].join(", ") || "conditions"}). If they do not hold when ECS pulls, the pull is refused.` +
          (confirmed ? " The message says AWS did refuse it, so they did not hold." : ""),
        evidence: unknowns.map((a) => ({ resource: pp.roleArn, fact: answerFact(a) })),
        fixes: [grantFix(pp.roleArn, pp.purpose, unknowns)],
      });
    } else if (message?.signals.deniedAction?.toLowerCase().startsWith("ecr:")) {
      // Every policy allows it, yet AWS denied it: something this account's role documents do not show.
      findings.push({
        severity: "warning",
        certainty: "message",
        title: `ECR denied ${message.signals.deniedAction} although ${roleName}'s policies allow it`,
        explanation:
          `The message says ${quote(message.message, 200)}, but the role's identity policies${answers[0]?.basis === "simulation" ? " (and IAM's simulation)" : ""} allow every ECR action of the pull. ` +
          "Something outside the role denied it: a service control policy of the organization, a session policy, a VPC endpoint policy, or a registry policy.",
        evidence: [{ resource: pp.roleArn, fact: answers.map(answerFact).join("; ") }],
        fixes: [
          {
            summary: "Look for the Deny outside the role: the organization's service control policies, and the ECR VPC endpoints' policies.",
            commands: [
              "aws organizations list-policies-for-target --target-id ACCOUNT_ID --filter SERVICE_CONTROL_POLICY",
              `aws ec2 describe-vpc-endpoints --region ${e.region} --filters Name=service-name,Values=com.amazonaws.${e.region}.ecr.api,com.amazonaws.${e.region}.ecr.dkr --query 'VpcEndpoints[].PolicyDocument'`,
            ],
            docs: [IAM_DOCS.evaluationLogic],
          },
        ],
      });
    }
    return findings.length > 0 ? fail(...findings) : pass();
  },
});

function grantFix(roleArn: string, purpose: string, missing: Grant[]): Fix {
  const roleName = roleNameFromArn(roleArn);
  const managed = purpose === "execution-role" ? EXECUTION_POLICY : INSTANCE_POLICY;
  const standard = missing.every((a) => ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"].includes(a.action));
  return {
    summary: `Allow ${roleName} ${[...new Set(missing.map((a) => a.action))].join(", ")} on ${[...new Set(missing.map((a) => a.resource))].join(", ")}.`,
    steps: [`IAM console > Roles > ${roleName} > Add permissions > Create inline policy, or attach ${managed.split("/").pop()}.`],
    commands: [
      putRolePolicyCommand(roleName, "ecr-pull", missing),
      ...(standard ? [`aws iam attach-role-policy --role-name ${roleName} --policy-arn ${managed}`] : []),
    ],
    docs: [IAM_DOCS.ecrOnEcs, purpose === "execution-role" ? DOCS.executionRole : IAM_DOCS.instanceRole],
  };
}

function deniedFinding(e: Evidence, roleArn: string, purpose: "execution-role" | "instance-role", denied: PermissionAnswer[], all: PermissionAnswer[]): DraftFinding {
  const roleName = roleNameFromArn(roleArn);
  const role = e.pullRole?.role.state === "known" ? e.pullRole.role.value : null;
  const explicit = denied.filter((a) => a.decision === "explicit-deny");
  const cut = denied.filter((a) => a.cutByBoundary);
  const boundaryArn = role?.PermissionsBoundary?.PermissionsBoundaryArn;
  const message = refusal(e);
  const fixes: Fix[] = [];
  if (explicit.length > 0) {
    const policies = [...new Set(explicit.flatMap((a) => a.deniedBy))];
    const inline = (role?.InlinePolicies ?? []).map((p) => p.PolicyName ?? "");
    const commands = [...new Set(explicit.flatMap((a) => a.deniedBy))]
      .map((label) => /policy "([^"]+)"/.exec(label)?.[1])
      .filter((n): n is string => Boolean(n))
      .flatMap((name) => {
        if (inline.includes(name)) return [`aws iam get-role-policy --role-name ${roleName} --policy-name ${name}`];
        const arn = (role?.AttachedPolicies ?? []).find((p) => p.PolicyName === name)?.PolicyArn;
        return arn ? [`aws iam get-policy --policy-arn ${arn} --query Policy.DefaultVersionId`, `aws iam get-policy-version --policy-arn ${arn} --version-id VERSION_ID`] : [];
      });
    fixes.push({
      summary: `Remove or narrow the Deny that blocks the pull (${policies.join(", ") || "an explicit Deny"}): an explicit Deny wins over every Allow.`,
      steps: [`IAM console > Roles > ${roleName} > Permissions: edit the policy with the Deny so that it does not cover ${[...new Set(explicit.map((a) => a.action))].join(", ")} on this repository.`],
      commands,
      docs: [IAM_DOCS.evaluationLogic],
    });
  }
  if (cut.length > 0 && boundaryArn) {
    fixes.push({
      summary: `Add ${[...new Set(cut.map((a) => a.action))].join(", ")} to the permissions boundary ${boundaryArn}, or remove the boundary from ${roleName}.`,
      commands: [
        `aws iam get-policy-version --policy-arn ${boundaryArn} --version-id $(aws iam get-policy --policy-arn ${boundaryArn} --query Policy.DefaultVersionId --output text) --query PolicyVersion.Document > boundary.json  # add the ECR actions, then:`,
        `aws iam create-policy-version --policy-arn ${boundaryArn} --policy-document file://boundary.json --set-as-default`,
        `aws iam delete-role-permissions-boundary --role-name ${roleName}`,
      ],
      docs: [IAM_DOCS.boundaries],
    });
  }
  const missing = denied.filter((a) => a.decision === "implicit-deny" && !a.cutByBoundary);
  if (missing.length > 0) fixes.push(grantFix(roleArn, purpose, missing));
  const roleWord = purpose === "execution-role" ? "execution role" : "container instance role";
  const reasons = [
    explicit.length > 0 ? `explicitly denied ${[...new Set(explicit.map((a) => a.action))].join(", ")}` : "",
    cut.length > 0 ? `cut off ${[...new Set(cut.map((a) => a.action))].join(", ")} by its permissions boundary` : "",
    missing.length > 0 ? `not allowed ${[...new Set(missing.map((a) => `${a.action}${a.resource === "*" ? "" : ` on ${a.resource.split(":").pop()}`}`))].join(", ")}` : "",
  ].filter(Boolean);
  return {
    severity: "error",
    certainty: "proven",
    title: `${purpose === "execution-role" ? "Execution role" : "Instance role"} ${roleName} may not pull from ECR`,
    explanation:
      `ECS pulls with the ${roleWord} ${roleArn}, which is ${reasons.join("; ")}. A pull needs ecr:GetAuthorizationToken on * and ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository. ` +
      `${all[0]?.basis === "simulation" ? "IAM's own simulation of the role's policies says so." : "This comes from evaluating the role's policies and boundary."}` +
      (message ? ` The message agrees: ${quote(message.message, 160)}.` : ""),
    evidence: [
      ...denied.map((a) => ({ resource: roleArn, fact: `${answerFact(a)} (needed for ${a.why})` })),
      ...(boundaryArn ? [{ resource: boundaryArn, fact: `permissions boundary of ${roleName}` }] : []),
    ],
    fixes,
  };
}
