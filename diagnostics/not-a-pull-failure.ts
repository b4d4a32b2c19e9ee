import { type Fix, defineDiagnostic, fail, pass } from "../src/diagnostic.js";
import { DOCS, quote } from "../src/model/queries.js";

/** What is known of a stop: from a stopped task, or (in `explain`) from its message alone. */
export interface StopFacts {
  stopCode?: string;
  stoppedReason?: string;
  containers: { name: string; exitCode?: number; reason?: string }[];
  /** Unknown in `explain`: the advice then covers both. */
  launchType?: "FARGATE" | "EC2" | "EXTERNAL";
  capacityProviderName?: string;
  region?: string;
  cluster?: string;
  taskArn?: string;
}

export interface StopVerdict {
  /** One line: why the task stopped. */
  title: string;
  /** Why, in a sentence or two, with what the stop code, the message and the exit codes say. */
  why: string;
  /** What to look at next. */
  next: Fix;
  /** True when a container could not start at all (CannotStartContainerError): a start failure, not a stop. */
  startFailure: boolean;
}

const STOP_DOCS = {
  stopped: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html",
  oom: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html",
  healthChecks: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html",
  containerHealth: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html",
  spotDraining: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html",
  managedDraining: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instance-draining.html",
  fargateSpot: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
  deployments: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html",
  cloudTrail: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/logging-using-cloudtrail.html",
};

/** What an exit code usually means, for the codes people meet. */
function exitMeaning(code: number): string {
  switch (code) {
    case 0:
      return "it ended normally: a process that finishes (a job, a command that does not stay in the foreground) stops an essential container";
    case 1:
      return "the application failed (read its log)";
    case 126:
      return "the command is not executable";
    case 127:
      return "the command was not found in the image";
    case 137:
      return "it was killed (SIGKILL): out of memory, or it did not stop within stopTimeout after SIGTERM";
    case 139:
      return "it crashed (segmentation fault)";
    case 143:
      return "it stopped on SIGTERM, as when ECS stops the task";
    default:
      return "the application's own exit status (read its log)";
  }
}

const START_ERROR = /^\s*(CannotStartContainerError|CannotCreateContainerError|ContainerRuntimeError|ContainerRuntimeTimeoutError)\b:?\s*(.*)$/s;

/** Why a task stopped, from its stop code, its message and its containers' exit codes. Pure. */
export function whyStopped(f: StopFacts): StopVerdict {
  const reasons = [f.stoppedReason ?? "", ...f.containers.map((c) => c.reason ?? "")].filter(Boolean);
  const all = reasons.join(" \n ");
  const code = f.stopCode ?? "";
  const region = f.region ? ` --region ${f.region}` : "";
  const cluster = f.cluster ?? "CLUSTER";
  const task = f.taskArn ?? "TASK_ARN";
  const describeContainers = `aws ecs describe-tasks${region} --cluster ${cluster} --tasks ${task} --query 'tasks[0].containers[].[name,exitCode,reason]'`;

  // A container that could not start is a start failure, whatever else: say so (issue 9 point 6).
  const startFailed = f.containers.find((c) => START_ERROR.test(c.reason ?? "")) ?? (START_ERROR.test(f.stoppedReason ?? "") ? { name: "", reason: f.stoppedReason } : undefined);
  if (startFailed) {
    const m = START_ERROR.exec(startFailed.reason ?? "")!;
    const who = startFailed.name ? `Container ${startFailed.name}` : "A container";
    return {
      title: `${who} could not start (${m[1]}), after its image was pulled`,
      why: `${who} failed to start: ${m[1]} (${quote(m[2] || "no detail", 200)}). This is a start failure, but not of the pull or of a step ecs-doctor checks: the image was pulled, and the runtime could not create or start the container's process.`,
      next: {
        summary: "Check what the runtime tried to run: the entrypoint and command exist in the image and are executable for its architecture, the user exists, and the mounts' source paths exist.",
        steps: [
          "docker run --rm --entrypoint sh IMAGE -c 'ls -l ENTRYPOINT_PATH' (or docker image inspect IMAGE --format '{{.Config.Entrypoint}} {{.Config.Cmd}} {{.Config.User}}')",
          "Compare with the container definition's entryPoint, command, user and mountPoints.",
        ],
        commands: [describeContainers],
        docs: [STOP_DOCS.stopped],
      },
      startFailure: true,
    };
  }

  const oom = f.containers.find((c) => /OutOfMemory/i.test(c.reason ?? "")) ?? (/OutOfMemory/i.test(all) ? { name: "", exitCode: undefined } : undefined);
  if (oom || code === "OutOfMemory") {
    const who = oom?.name ? `container ${oom.name}` : "a container";
    return {
      title: `${who[0].toUpperCase()}${who.slice(1)} ran out of memory`,
      why: `${who} was killed for using more memory than its limit (OutOfMemoryError${oom?.exitCode !== undefined ? `, exit code ${oom.exitCode}` : ""}): the task started, then stopped.`,
      next: {
        summary: "Compare the container's memory use with its limit, then raise the limit (container memory, or the task's) or find what grows.",
        steps: ["CloudWatch Container Insights: MemoryUtilized against MemoryReserved for the service, before the stop."],
        commands: [describeContainers],
        docs: [STOP_DOCS.oom],
      },
      startFailure: false,
    };
  }

  const elb = /failed ELB health checks in \(?(?:target-group )?(arn:aws[a-z-]*:elasticloadbalancing:[^\s)]+)?/i.exec(all);
  if (elb) {
    const tg = elb[1] ?? "TARGET_GROUP_ARN";
    return {
      title: "The load balancer's health checks failed",
      why: `The service replaced the task because it failed the health checks of ${elb[1] ?? "its target group"}: the task started, but did not answer healthy in time.`,
      next: {
        summary: "Check the target group's health check (path, port, success codes) against what the container serves, the grace period, and that the load balancer's security group reaches the task's port.",
        commands: [
          `aws elbv2 describe-target-health${region} --target-group-arn ${tg}`,
          `aws elbv2 describe-target-groups${region} --target-group-arns ${tg} --query 'TargetGroups[0].[HealthCheckPath,HealthCheckPort,Matcher,HealthCheckIntervalSeconds,UnhealthyThresholdCount]'`,
          `aws ecs describe-services${region} --cluster ${cluster} --services SERVICE --query 'services[0].healthCheckGracePeriodSeconds'`,
        ],
        docs: [STOP_DOCS.healthChecks],
      },
      startFailure: false,
    };
  }
  if (/failed container health checks/i.test(all)) {
    return {
      title: "A container's own health check failed",
      why: "An essential container's healthCheck command reported it unhealthy, so ECS stopped the task: it started, then failed its check.",
      next: {
        summary: "Run the container's healthCheck command by hand, and give a slow start a startPeriod.",
        commands: [`aws ecs describe-task-definition${region} --task-definition FAMILY:REVISION --query 'taskDefinition.containerDefinitions[].[name,healthCheck]'`],
        docs: [STOP_DOCS.containerHealth],
      },
      startFailure: false,
    };
  }

  const spot = code === "SpotInterruption" || code === "TerminationNotice" || /spot interruption|Spot instance|interruption notice/i.test(all) || /^Host EC2 \(instance [^)]+\) (?:terminated|stopped)/i.test(f.stoppedReason ?? "");
  if (spot) {
    const fargate = f.launchType === "FARGATE" || /^FARGATE/i.test(f.capacityProviderName ?? "");
    const instance = /\binstance (i-[0-9a-f]+)/i.exec(all)?.[1];
    if (fargate) {
      return {
        title: "Fargate Spot reclaimed the capacity",
        why: "Fargate Spot took the capacity back with a two-minute warning (SIGTERM to the containers): the task started and ran; it was interrupted.",
        next: {
          summary: "Keep a base of tasks on FARGATE in the capacity provider strategy, and let the containers stop cleanly on SIGTERM (stopTimeout up to 120 seconds).",
          commands: [`aws ecs describe-services${region} --cluster ${cluster} --services SERVICE --query 'services[0].capacityProviderStrategy'`],
          docs: [STOP_DOCS.fargateSpot],
        },
        startFailure: false,
      };
    }
    return {
      title: `The ${f.launchType === "EC2" ? "" : "EC2 "}container instance${instance ? ` ${instance}` : ""} was interrupted or terminated`,
      why:
        `The task's container instance${instance ? ` ${instance}` : ""} went away (${code || "Spot interruption or termination"}): the task ran; its host stopped. ` +
        "Spot draining could have moved the tasks in time: with ECS_ENABLE_SPOT_INSTANCE_DRAINING=true the agent sets the instance DRAINING on the two-minute Spot notice, " +
        "and a capacity provider with managed draining does the same for scale-in and Spot, so the service starts replacements elsewhere before the instance stops.",
      next: {
        summary: "Check whether draining was on, in this order: the agent's Spot draining setting, the capacity provider's managed draining, then the instance's last status.",
        steps: ["On the instances (user data or /etc/ecs/ecs.config): ECS_ENABLE_SPOT_INSTANCE_DRAINING=true."],
        commands: [
          `aws ecs describe-capacity-providers${region} --query 'capacityProviders[].[name,autoScalingGroupProvider.managedDraining,autoScalingGroupProvider.managedTerminationProtection]'`,
          ...(instance ? [`aws ec2 describe-instances${region} --instance-ids ${instance} --query 'Reservations[].Instances[].[InstanceLifecycle,StateReason.Message]'`] : []),
        ],
        docs: [STOP_DOCS.spotDraining, STOP_DOCS.managedDraining],
      },
      startFailure: false,
    };
  }

  const deployment = /Scaling activity initiated by \(?deployment ([^\s)]+)/i.exec(all);
  if (deployment || code === "ServiceSchedulerInitiated" || /Scaling activity initiated by/i.test(all)) {
    return {
      title: deployment ? `A deployment replaced the task (${deployment[1]})` : "The service scheduler stopped the task (a deployment or a scale-in)",
      why: `The service scheduler stopped the task${deployment ? ` for the deployment ${deployment[1]}` : ""}: a new deployment replacing old tasks, or the service scaling in. Nothing failed.`,
      next: {
        summary: "Read the service's deployments and events around the stop time: a new task definition, a desired count that dropped, an auto scaling policy.",
        commands: [`aws ecs describe-services${region} --cluster ${cluster} --services SERVICE --query 'services[0].[deployments,events[:10]]'`],
        docs: [STOP_DOCS.deployments],
      },
      startFailure: false,
    };
  }

  if (code === "UserInitiated" || /stopped by user/i.test(all)) {
    return {
      title: "Someone stopped the task (StopTask)",
      why: "A user, a script or a pipeline called StopTask: nothing failed.",
      next: {
        summary: "Find who called StopTask in CloudTrail.",
        commands: [`aws cloudtrail lookup-events${region} --lookup-attributes AttributeKey=EventName,AttributeValue=StopTask --max-results 20`],
        docs: [STOP_DOCS.cloudTrail],
      },
      startFailure: false,
    };
  }

  const exited = f.containers.filter((c) => c.exitCode !== undefined);
  if (code === "EssentialContainerExited" || /Essential container in task exited/i.test(all) || exited.length > 0) {
    const first = exited.find((c) => c.exitCode !== 0) ?? exited[0];
    const codeText = first?.exitCode !== undefined ? ` with exit code ${first.exitCode}: ${exitMeaning(first.exitCode)}` : "";
    return {
      title: first ? `Essential container ${first.name || ""}${first.name ? " " : ""}exited${first.exitCode !== undefined ? ` with code ${first.exitCode}` : ""}`.replace("  ", " ") : "An essential container exited",
      why: `The task started and ran; ${first?.name ? `its essential container ${first.name}` : "an essential container"} exited${codeText || " (the message gives no exit code: read it from the containers)"}.`,
      next: {
        summary: "Read the container's log around the stop, and its exit code and reason.",
        commands: [describeContainers, "aws logs tail LOG_GROUP --log-stream-names PREFIX/CONTAINER/TASK_ID --since 1h"],
        docs: [STOP_DOCS.stopped],
      },
      startFailure: false,
    };
  }

  return {
    title: `Stopped: ${code || "no stop code"}`,
    why: `The task stopped (${quote(f.stoppedReason ?? "no reason given", 200)}), and no message shows an image pull, an initialisation or another start-up step failing.`,
    next: { summary: "Read the containers' exit codes and reasons, and the service's events.", commands: [describeContainers], docs: [STOP_DOCS.stopped] },
    startFailure: false,
  };
}

/** A task that stopped for another reason: say why, so nobody chases the network. */
export default defineDiagnostic({
  id: "not-a-pull-failure",
  title: "The task stopped for an image pull or start-up failure",
  docs: [DOCS.stoppedErrors],
  messageKinds: [],
  stages: "any",
  check(e) {
    // A preflight judges a task that has not stopped: there is no stop to explain.
    if (e.mode === "preflight") return { status: "n/a" };
    if (e.scope !== "none") return pass("The task stopped for an image pull or start-up failure");
    const containers = (e.task.containers ?? []).map((c) => ({ name: c.name ?? "?", exitCode: c.exitCode, reason: c.reason }));
    const v = whyStopped({
      stopCode: e.task.stopCode,
      stoppedReason: e.task.stoppedReason,
      containers,
      launchType: e.launchType,
      capacityProviderName: e.task.capacityProviderName,
      region: e.region,
      cluster: e.clusterArn,
      taskArn: e.task.taskArn,
    });
    const reasons = containers.filter((c) => c.reason).map((c) => ({ resource: `container ${c.name}`, fact: `reason: ${c.reason}` }));
    const exits = containers.filter((c) => c.exitCode !== undefined).map((c) => ({ resource: `container ${c.name}`, fact: `exitCode: ${c.exitCode}` }));
    return fail({
      severity: "info",
      certainty: "proven",
      // The only finding such a report has: the verdict is certain, its severity just says no pull broke.
      confidence: 0.95,
      title: v.title,
      explanation: `${v.why} The task's stoppedReason is ${quote(e.task.stoppedReason ?? "(none)")}. ${
        v.startFailure ? "The pull path is not what to look at." : "It did not fail to start, so the pull path is not what to look at."
      }`,
      evidence: [{ resource: e.task.taskArn ?? "task", fact: `stopCode: ${e.task.stopCode ?? "(none)"}; stoppedReason: ${e.task.stoppedReason ?? "(none)"}` }, ...reasons, ...exits],
      fixes: [v.next],
    });
  },
});
