// Preflight: the same collectors and diagnostics, before any task has failed.
// A preflight of a service that would fail names the cause a diagnosis of its
// failed task names; a healthy one passes (exit 0); bad input exits 2.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { preflightReport } from "../src/preflight.js";
import { parseSnapshot, type Snapshot, SnapshotSource } from "../src/source/snapshot.js";
import { DEMOS } from "./fixtures/demos.js";
import { createLiveSource } from "../src/source/live.js";
import { mockedClients, SnapshotAccount } from "./fixtures/mock-aws.js";
import { expectValid } from "./fixtures/check-report.js";
import { runCli, snapshotFile } from "./fixtures/run-cli.js";
import { CLUSTER_ARN, diagnoseSnapshot, TASK_DEF_ARN, world } from "./fixtures/world.js";

/** The account as a deploy would meet it: no task yet, the service naming its task definition (as DescribeServices does). */
function beforeDeploy(snapshot: Snapshot): Snapshot {
  const s = structuredClone(snapshot);
  const task = s.ecs?.tasks?.[0];
  for (const svc of s.ecs?.services ?? []) svc.taskDefinition ??= task?.taskDefinitionArn ?? TASK_DEF_ARN;
  s.ecs!.tasks = [];
  return s;
}

function demo(name: string): Snapshot {
  return parseSnapshot(JSON.parse(readFileSync(`demos/${name}.json`, "utf8")));
}

/** Causes only an error message can show: a preflight has no message. */
const MESSAGE_ONLY = new Set([
  "not-a-pull-failure", "unexplained-pull-failure", "registry-rate-limited", "custom-dns-resolution",
  "container-instance-disk-full", "ephemeral-storage-full", "registry-credentials-missing",
]);

/** Causes a new deployment does not meet: it pins the tag's current digest, not the deleted one. */
const NOT_BEFORE_DEPLOY = new Set(["pinned-digest-deleted"]);

const preflightable = DEMOS.filter((d) => !MESSAGE_ONLY.has(d.expect[0]) && !NOT_BEFORE_DEPLOY.has(d.name));

/**
 * Causes the configuration shows only as possible without a message: an implicit deny of
 * secretsmanager:GetSecretValue that the secret's resource policy (not read) could lift.
 */
const POSSIBLE_WITHOUT_MESSAGE = new Set(["secret-not-readable"]);

describe("preflight names the cause a diagnosis of the failed task names (demo gallery)", () => {
  it("covers the gallery's configuration causes", () => {
    expect(preflightable.map((d) => d.expect[0])).toEqual(expect.arrayContaining([
      "no-route-to-registry", "public-ip-missing", "vpc-endpoint-missing", "repository-not-found", "image-not-found", "execution-role-missing",
      "log-group-missing", "log-permissions-missing", "subnet-addresses-exhausted", "secrets-unreadable",
    ]));
  });

  it.each(preflightable.map((d) => [d.name, d] as const))("%s", async (name, d) => {
    const diagnosis = (await diagnoseSnapshot(demo(name))).report;
    const report = await preflightReport(new SnapshotSource(beforeDeploy(demo(name))), { cluster: "prod", service: "web" });
    expect(report.task).toBeNull();
    expect(report.findings[0]?.id).toBe(diagnosis.findings[0].id);
    expect(report.findings[0]?.id).toBe(d.expect[0]);
    expect(report.findings[0]?.severity).toBe(POSSIBLE_WITHOUT_MESSAGE.has(name) ? "warning" : "error");
    // Nothing that only sums up a failure: there is none.
    expect(report.findings.map((f) => f.id)).not.toContain("unexplained-pull-failure");
    expect(report.findings.map((f) => f.id)).not.toContain("not-a-pull-failure");
    for (const id of d.notErrors ?? []) expect(report.findings.filter((f) => f.severity === "error").map((f) => f.id)).not.toContain(id);
  });

  it.each(["essential-container-exited", "transit-gateway-egress"])("%s: the configuration alone shows nothing that breaks the pull", async (name) => {
    const report = await preflightReport(new SnapshotSource(beforeDeploy(demo(name))), { cluster: "prod", service: "web" });
    expect(report.findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("ranks as if the message were silent: below the same finding in a diagnosis the message agrees with", async () => {
    const diagnosis = (await diagnoseSnapshot(demo("tag-never-pushed"))).report;
    const report = await preflightReport(new SnapshotSource(beforeDeploy(demo("tag-never-pushed"))), { cluster: "prod", service: "web" });
    expect(report.findings[0].confidence).toBeLessThan(diagnosis.findings[0].confidence);
  });
});

describe("preflight input", () => {
  it("describes what it judged in a `preflight` key, read from the service", async () => {
    const report = await preflightReport(new SnapshotSource(beforeDeploy(world().build())), { cluster: "prod", service: "web" });
    expect(report.preflight).toMatchObject({
      from: "service", service: "web", cluster: CLUSTER_ARN, taskDefinitionArn: TASK_DEF_ARN, launchType: "FARGATE",
      subnets: ["subnet-0priv"], securityGroups: ["sg-0task"], assignPublicIp: "DISABLED", judged: ["subnet-0priv"],
      containers: [{ name: "web", image: expect.stringContaining("/web:1.4.2") }],
    });
    expect(report.findings).toEqual([]);
    expect(report.passed.map((p) => p.check)).toContain("no-route-to-registry");
    expect(report.passed.map((p) => p.check)).not.toContain("not-a-pull-failure");
    // Causes only a message can show are not judged before there is one.
    for (const id of ["registry-rate-limited", "container-instance-disk-full", "ephemeral-storage-full"]) expect(report.passed.map((p) => p.check)).not.toContain(id);
  });

  it("judges a new task definition revision against the service's network", async () => {
    const s = beforeDeploy(world().build());
    s.ecs!.taskDefinitions!.push({ ...structuredClone(s.ecs!.taskDefinitions![0]), taskDefinitionArn: TASK_DEF_ARN.replace(":7", ":8"), revision: 8, containerDefinitions: [{ name: "web", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:9.9.9", essential: true }] });
    const report = await preflightReport(new SnapshotSource(s), { cluster: "prod", service: "web", taskDefinition: "web:8" });
    expect(report.preflight?.taskDefinitionArn).toBe(TASK_DEF_ARN.replace(":7", ":8"));
    expect(report.findings[0].id).toBe("image-not-found");
  });

  it("with several subnets, gives one report whose findings name the subnet they concern, and a common cause once", async () => {
    const s = beforeDeploy(world().withoutImage().build());
    const report = await preflightReport(new SnapshotSource(s), { taskDefinition: "web:7", subnets: ["subnet-0priv", "subnet-0pub"], securityGroups: ["sg-0task"] });
    const ids = report.findings.map((f) => f.id);
    expect(ids.filter((id) => id === "image-not-found")).toHaveLength(1);
    const publicIp = report.findings.find((f) => f.id === "public-ip-missing");
    expect(publicIp?.evidence[0]).toEqual({ resource: "subnet-0pub", fact: expect.stringContaining("1 of 2 subnets") });
    expect(report.findings.find((f) => f.id === "image-not-found")?.evidence.some((e) => e.resource.startsWith("subnet-"))).toBe(false);
    expect(report.preflight?.judged).toEqual(["subnet-0priv", "subnet-0pub"]);
    expect(report.findings.map((f) => f.rank)).toEqual(report.findings.map((_, i) => i + 1));
  });

  it("EC2 launch type: the pull leaves from the instance given, not the subnets", async () => {
    const s = beforeDeploy(world().withoutNatGateway().mutate((x) => {
      x.ecs!.taskDefinitions![0].requiresCompatibilities = ["EC2"];
      x.ec2!.Instances = [{
        InstanceId: "i-0abc", SubnetId: "subnet-0priv", PrivateIpAddress: "10.0.1.20", SecurityGroups: [{ GroupId: "sg-0task" }],
        NetworkInterfaces: [{ NetworkInterfaceId: "eni-0host", SubnetId: "subnet-0priv", Attachment: { DeviceIndex: 0 }, Groups: [{ GroupId: "sg-0task" }] }],
      }];
      x.ecs!.containerInstances = [{ containerInstanceArn: `${CLUSTER_ARN.replace(":cluster/", ":container-instance/")}/ci1`, ec2InstanceId: "i-0abc" }];
    }).build());
    const byInstance = await preflightReport(new SnapshotSource(s), { taskDefinition: "web:7", launchType: "EC2", instance: "i-0abc" });
    expect(byInstance.preflight).toMatchObject({ launchType: "EC2", instance: "i-0abc", judged: ["i-0abc"] });
    expect(byInstance.findings[0].id).toBe("no-route-to-registry");
    const byContainerInstance = await preflightReport(new SnapshotSource(s), { cluster: "prod", taskDefinition: "web:7", launchType: "EC2", containerInstance: "ci1" });
    expect(byContainerInstance.findings[0].id).toBe("no-route-to-registry");
    await expect(preflightReport(new SnapshotSource(s), { taskDefinition: "web:7", launchType: "EC2" })).rejects.toThrow(/--instance/);
  });
});

describe("preflight on a live account (the SDK mocked from a snapshot)", () => {
  it.each(["private-subnet-no-route", "tag-never-pushed"])("%s: the same findings as from the snapshot, read with DescribeServices and DescribeTaskDefinition", async (name) => {
    const before = beforeDeploy(demo(name));
    const account = new SnapshotAccount(before);
    const live = await createLiveSource({ region: before.region, clients: mockedClients(account) });
    const fromLive = await preflightReport(live, { cluster: "prod", service: "web" });
    const fromSnapshot = await preflightReport(new SnapshotSource(before), { cluster: "prod", service: "web" });
    expect(fromLive.findings.map((f) => [f.id, f.severity])).toEqual(fromSnapshot.findings.map((f) => [f.id, f.severity]));
    expect(fromLive.preflight).toEqual(fromSnapshot.preflight);
    const commands = account.calls.map((c) => c.command);
    expect(commands).toContain("DescribeServices");
    expect(commands).toContain("DescribeTaskDefinition");
    expect(commands).not.toContain("DescribeTasks");
    // The cached source reads each resource once across the input and the collection.
    expect(commands.filter((c) => c === "DescribeTaskDefinition")).toHaveLength(1);
  });
});

describe("ecs-doctor preflight (CLI)", () => {
  const failing = snapshotFile(beforeDeploy(demo("private-subnet-no-route")));
  const healthy = snapshotFile(beforeDeploy(world().build()));

  it("exits 1 when a pull would fail, with one ecs-doctor-report/1 on stdout (task null)", async () => {
    const r = await runCli(["preflight", "--snapshot", failing, "--cluster", "prod", "--service", "web", "--output", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.task).toBeNull();
    expect(report.preflight.service).toBe("web");
    expect(report.findings[0].id).toBe("no-route-to-registry");
    expectValid(JSON.parse(r.stdout));
  });

  it("exits 0 when every image would pull", async () => {
    const r = await runCli(["preflight", "--snapshot", healthy, "--cluster", "prod", "--service", "web"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Preflight of service web/);
    expect(r.stdout).toContain("No problem found.");
  });

  it("takes a task definition and network configuration instead of a service", async () => {
    const args = ["preflight", "--snapshot", healthy, "--task-definition", "web:7", "--subnets", "subnet-0pub", "--security-groups", "sg-0task"];
    const off = await runCli([...args, "--output", "json"]);
    expect(off.code).toBe(1);
    expect(JSON.parse(off.stdout).findings[0].id).toBe("public-ip-missing");
    const on = await runCli([...args, "--assign-public-ip", "enabled"]);
    expect(on.code).toBe(0);
  });

  it("prints Markdown with the preflight's input", async () => {
    const r = await runCli(["preflight", "--snapshot", failing, "--cluster", "prod", "--service", "web", "--output", "markdown"]);
    expect(r.stdout).toMatch(/^# ecs-doctor report\n\n\*\*Preflight\*\* of service `web`/);
    expect(r.stdout).toContain("no-route-to-registry");
  });

  it.each([
    [[], /needs --cluster C --service S/],
    [["--task-definition", "web:7", "--subnets", "subnet-0priv"], /--security-groups/],
    [["--task-definition", "web:7", "--subnets", "nope", "--security-groups", "sg-0task"], /not a subnet id/],
    [["--cluster", "prod", "--service", "web", "--subnets", "subnet-0priv"], /network configuration is the service's/],
    [["--cluster", "prod", "--service", "api"], /service api was not found/],
    [["--task-definition", "nope:1", "--subnets", "subnet-0priv", "--security-groups", "sg-0task"], /task definition nope:1 was not found/],
    [["--task-definition", "web:7", "--launch-type", "EC2"], /--instance/],
    [["--task-definition", "web:7", "--subnets", "subnet-0priv,subnet-0nope", "--security-groups", "sg-0task"], /subnet subnet-0nope does not exist in the snapshot/],
    [["--task-definition", "web:7", "--subnets", "subnet-0priv", "--security-groups", "sg-0nope"], /security group sg-0nope does not exist in the snapshot/],
    [["--task-definition", "web:7", "--assign-public-ip", "maybe"], /ENABLED or DISABLED/],
  ] as [string[], RegExp][])("bad input %j: exit 2, one line on stderr", async (args, message) => {
    const r = await runCli(["preflight", "--snapshot", healthy, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n").filter((l) => !l.startsWith("(run ecs-doctor --help"))).toHaveLength(1);
  });

  it("a snapshot that cannot be read: exit 2", async () => {
    const r = await runCli(["preflight", "--snapshot", snapshotFile("{not json"), "--cluster", "prod", "--service", "web"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
