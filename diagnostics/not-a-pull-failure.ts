import { defineDiagnostic, fail, pass } from "../src/diagnostic.js";
import { quote } from "../src/model/queries.js";

/** A task that stopped for another reason: say why, so nobody chases the network. */
export default defineDiagnostic({
  id: "not-a-pull-failure",
  title: "The task stopped for an image pull or start-up failure",
  docs: ["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html"],
  messageKinds: [],
  check(e) {
    // A preflight judges a task that has not stopped: there is no stop to explain.
    if (e.mode === "preflight") return { status: "n/a" };
    if (e.scope !== "none") return pass("The task stopped for an image pull or start-up failure");
    const reasons = (e.task.containers ?? []).filter((c) => c.reason).map((c) => ({ resource: `container ${c.name}`, fact: `reason: ${c.reason}` }));
    const exits = (e.task.containers ?? []).filter((c) => c.exitCode !== undefined).map((c) => ({ resource: `container ${c.name}`, fact: `exitCode: ${c.exitCode}` }));
    return fail({
      severity: "info",
      certainty: "proven",
      // The only finding such a report has: the verdict is certain, its severity just says no pull broke.
      confidence: 0.95,
      title: `Task stopped, but not for an image pull: ${e.task.stopCode ?? e.task.lastStatus ?? "stopped"}`,
      explanation:
        `The task's stoppedReason is ${quote(e.task.stoppedReason ?? "(none)")}. No container reason shows an image pull failure, a ResourceInitializationError or an execution role ECS could not assume, ` +
        "so the pull path is not what to look at. Look at the containers' exit codes and logs, the service events, and the health checks.",
      evidence: [{ resource: e.task.taskArn ?? "task", fact: `stopCode: ${e.task.stopCode ?? "(none)"}; stoppedReason: ${e.task.stoppedReason ?? "(none)"}` }, ...reasons, ...exits],
      fixes: [
        {
          summary: "Read why the containers stopped: their exit codes, their logs, and the service's events.",
          commands: [
            `aws ecs describe-tasks --region ${e.region} --cluster ${e.clusterArn} --tasks ${e.task.taskArn} --query 'tasks[0].containers[].[name,exitCode,reason]'`,
          ],
          docs: ["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html"],
        },
      ],
    });
  },
});
