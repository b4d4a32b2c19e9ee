import { defineDiagnostic, fail, OUTBOUND_STAGES, pass, skip } from "../src/diagnostic.js";
import { registerTaskDefinitionHint } from "../src/fixes.js";
import { DOCS, ecrImages, taskDefinitionLabel } from "../src/model/queries.js";

const TRUST = `'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'`;

/** Private ECR on Fargate, registry credentials and secrets all need an execution role. */
export default defineDiagnostic({
  id: "execution-role-missing",
  title: "The task definition names an execution role that exists, where the task needs one",
  docs: [DOCS.executionRole],
  messageKinds: ["unauthorized", "access-denied", "forbidden", "assume-role", "unknown"],
  stages: [...OUTBOUND_STAGES, "execution-role"],
  // No `stages`: with no role there are no credentials, and the registry refuses wherever it first asks
  // for them (the token, the manifest, or for some registries the layers); the secrets go unread too.
  check(e) {
    const needs: string[] = [];
    if (e.launchType === "FARGATE" && ecrImages(e).length > 0) needs.push(`pulling ${ecrImages(e).map((i) => i.ref.repository).join(", ")} from private ECR on Fargate`);
    if (e.secrets.some((s) => s.field === "repositoryCredentials")) needs.push("reading repositoryCredentials");
    if (e.secrets.some((s) => s.field !== "repositoryCredentials")) needs.push("reading secrets at start");
    if (e.launchType === "FARGATE" && e.images.some((i) => i.definitions.some((d) => d.logConfiguration?.logDriver === "awslogs"))) needs.push("the awslogs log driver on Fargate");
    // What the task needs is read off its definition: unread, "no role is needed" would be a guess too.
    if (needs.length === 0 && e.taskDefinition.state !== "known") return skip("cannot read the task definition", e.taskDefinition);
    if (needs.length === 0) return pass("No execution role is needed");
    const label = taskDefinitionLabel(e);
    const fixCreate = {
      summary: "Create the execution role (trusting ecs-tasks.amazonaws.com, with AmazonECSTaskExecutionRolePolicy) and name it in a new task definition revision.",
      steps: ["IAM console > Roles > Create role > AWS service: Elastic Container Service Task > attach AmazonECSTaskExecutionRolePolicy.", `ECS console > Task definitions > ${label} > Create new revision > Task execution role.`],
      commands: [
        `aws iam create-role --role-name ecsTaskExecutionRole --assume-role-policy-document ${TRUST}`,
        "aws iam attach-role-policy --role-name ecsTaskExecutionRole --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        registerTaskDefinitionHint(e, `set "executionRoleArn": "arn:aws:iam::${e.accountId}:role/ecsTaskExecutionRole"`),
      ],
      docs: [DOCS.executionRole],
    };
    // Without the task definition, "no execution role" would be a guess.
    const definition = e.taskDefinition;
    if (!e.executionRoleArn && definition.state !== "known") return skip("cannot read the task definition", definition);
    if (!e.executionRoleArn && definition.state === "known" && definition.value === null) return skip("the task definition was not found");
    if (!e.executionRoleArn) {
      return fail({
        severity: "error",
        certainty: "proven",
        title: `Task definition ${label} names no execution role`,
        explanation: `The task needs an execution role for ${needs.join("; ")}, but ${label} has no executionRoleArn. Without one, ECS has no credentials to ask ECR for a token or to read secrets.`,
        evidence: [{ resource: e.task.taskDefinitionArn ?? label, fact: "executionRoleArn: (none)" }],
        fixes: [fixCreate],
      });
    }
    if (e.executionRole.state !== "known") {
      // A role we cannot read is not a role that is missing.
      return skip("cannot read the execution role", e.executionRole);
    }
    if (e.executionRole.value) return pass();
    // The task definition names the role: recreating it under that name needs no new revision.
    const name = e.executionRoleArn.split("/").pop() ?? "ecsTaskExecutionRole";
    const sameAccount = e.executionRoleArn.split(":")[4] === e.accountId;
    const fixRecreate = {
      summary: sameAccount
        ? `Create the role ${name} again (trusting ecs-tasks.amazonaws.com, with AmazonECSTaskExecutionRolePolicy), or name an existing role in a new task definition revision.`
        : `The ARN names account ${e.executionRoleArn.split(":")[4]}: name a role of account ${e.accountId} in a new task definition revision.`,
      steps: [`IAM console > Roles > Create role > AWS service: Elastic Container Service Task > attach AmazonECSTaskExecutionRolePolicy > Role name: ${name}.`],
      commands: [
        ...(sameAccount
          ? [
              `aws iam create-role --role-name ${name} --assume-role-policy-document ${TRUST}`,
              `aws iam attach-role-policy --role-name ${name} --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
            ]
          : []),
        registerTaskDefinitionHint(e, `set "executionRoleArn" to a role that exists`),
      ],
      docs: [DOCS.executionRole],
    };
    return fail({
      severity: "error",
      certainty: "proven",
      title: `Execution role ${e.executionRoleArn} does not exist`,
      explanation: `Task definition ${label} names the execution role ${e.executionRoleArn}, which is needed for ${needs.join("; ")}, but no role of that name exists in account ${e.accountId}. It may have been deleted, or the ARN names another account or a misspelt role.`,
      evidence: [
        { resource: e.executionRoleArn, fact: "iam:GetRole: NoSuchEntity" },
        { resource: e.task.taskDefinitionArn ?? label, fact: `executionRoleArn: ${e.executionRoleArn}` },
      ],
      fixes: [fixRecreate],
    });
  },
});
