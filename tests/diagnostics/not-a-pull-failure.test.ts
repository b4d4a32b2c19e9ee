import { describe, expect, it } from "vitest";
import check, { whyStopped } from "../../diagnostics/not-a-pull-failure.js";
import { findingsOf } from "../fixtures/findings.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, TASK_ARN, world } from "../fixtures/world.js";

const ID = "not-a-pull-failure";

describe(ID, () => {
  it("is the only finding when the task stopped for another reason, with the exit codes", async () => {
    const w = world().failingWith(MESSAGES.essentialExited).mutate((s) => {
      s.ecs!.tasks![0].stopCode = "EssentialContainerExited";
      s.ecs!.tasks![0].containers![0].exitCode = 137;
    });
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.map((f) => f.id)).toEqual([ID]);
    expect(report.findings[0].severity).toBe("info");
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence[0].resource).toBe(TASK_ARN);
    expect(f.evidence.map((x) => x.fact)).toContain("exitCode: 137");
  });

  it("passes, and stays out of the findings, when the task failed to pull", async () => {
    const w = world().withoutNatGateway();
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
  });

  it("counts a resource initialization error and an assume-role failure as in scope", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.authTimeout))).status).toBe("pass");
    expect(check.check(await evidenceOf(world().failingWith("ECS was unable to assume the role 'arn:aws:iam::123456789012:role/x' that was provided for this task.")))).toMatchObject({ status: "pass" });
  });
});

describe(`${ID}: why the task stopped, and what to look at next`, () => {
  const stopped = (stopCode: string, stoppedReason: string, container: { exitCode?: number; reason?: string } = {}) =>
    world().mutate((s) => {
      const t = s.ecs!.tasks![0];
      t.stopCode = stopCode;
      t.stoppedReason = stoppedReason;
      const c = t.containers![0];
      delete c.reason;
      if (container.exitCode !== undefined) c.exitCode = container.exitCode;
      if (container.reason !== undefined) c.reason = container.reason;
    });
  const verdict = async (w: ReturnType<typeof world>) => {
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings.map((f) => f.id)).toEqual([ID]);
    const f = report.findings[0];
    return { title: f.title, text: `${f.title}\n${f.explanation}`, fix: JSON.stringify(f.fixes) };
  };

  it("an essential container that exited: its name and exit code, and what the code means", async () => {
    const v = await verdict(stopped("EssentialContainerExited", "Essential container in task exited", { exitCode: 1 }));
    expect(v.title).toBe("Essential container web exited with code 1");
    expect(v.text).toContain("the application failed");
    expect(v.fix).toContain("aws logs tail");
  });

  it("out of memory: the container killed for its memory, with the exit code", async () => {
    const v = await verdict(stopped("EssentialContainerExited", "Essential container in task exited", { exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" }));
    expect(v.title).toBe("Container web ran out of memory");
    expect(v.text).toContain("exit code 137");
    expect(v.fix).toContain("MemoryUtilized");
  });

  it("ELB health checks: names the target group, and the command to read its health", async () => {
    const tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/4fe72fe75cdf9149";
    const v = await verdict(stopped("ServiceSchedulerInitiated", `Task failed ELB health checks in (target-group ${tg})`));
    expect(v.title).toBe("The load balancer's health checks failed");
    expect(v.fix).toContain(`aws elbv2 describe-target-health --region us-east-1 --target-group-arn ${tg}`);
  });

  it("a Spot interruption on EC2: whether Spot draining could have moved the tasks, and what to check", async () => {
    const v = await verdict(stopped("SpotInterruption", "Host EC2 (instance i-0abc123def4567890) terminated.").onEc2());
    expect(v.text).toContain("i-0abc123def4567890");
    expect(v.text).toContain("ECS_ENABLE_SPOT_INSTANCE_DRAINING");
    expect(v.text).toContain("managed draining");
    expect(v.fix).toContain("autoScalingGroupProvider.managedDraining");
  });

  it("a Fargate Spot interruption: a base on FARGATE, not instance draining", async () => {
    const v = await verdict(stopped("SpotInterruption", "Your Spot Task was interrupted."));
    expect(v.title).toBe("Fargate Spot reclaimed the capacity");
    expect(v.text).not.toContain("ECS_ENABLE_SPOT_INSTANCE_DRAINING");
  });

  it("a deployment: names the deployment, and points at the service's deployments", async () => {
    const v = await verdict(stopped("ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/8709920613704280865)"));
    expect(v.title).toBe("A deployment replaced the task (ecs-svc/8709920613704280865)");
    expect(v.fix).toContain("deployments,events[:10]");
  });

  it("a user's StopTask: CloudTrail", async () => {
    const v = await verdict(stopped("UserInitiated", "Task stopped by user"));
    expect(v.title).toBe("Someone stopped the task (StopTask)");
    expect(v.fix).toContain("AttributeValue=StopTask");
  });

  it("never says 'did not fail to start' of a CannotStartContainerError", async () => {
    const reason =
      'CannotStartContainerError: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/usr/local/bin/settlement-worker": stat /usr/local/bin/settlement-worker: no such file or directory: unknown';
    const v = await verdict(stopped("TaskFailedToStart", "Essential container in task exited", { reason }));
    expect(v.title).toBe("Container web could not start (CannotStartContainerError), after its image was pulled");
    expect(v.text).toContain("This is a start failure");
    expect(v.text).not.toMatch(/did not fail to start|no start-up failure/i);
  });

  it("the stop reasons themselves, from the message alone (explain)", () => {
    expect(whyStopped({ stoppedReason: "Essential container in task exited", containers: [] }).title).toBe("An essential container exited");
    const ec2Unknown = whyStopped({ stopCode: "SpotInterruption", stoppedReason: "Spot interruption", containers: [] });
    expect(ec2Unknown.why).toContain("ECS_ENABLE_SPOT_INSTANCE_DRAINING");
  });
});
