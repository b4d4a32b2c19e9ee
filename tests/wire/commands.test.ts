// The commands as a user runs them, as processes against moto: diagnose,
// record then --snapshot, scan of a cluster, preflight of a service, bad input;
// and the pages moto answers in (DescribeParameters pages by 10).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DeleteRouteCommand } from "@aws-sdk/client-ec2";
import { BatchDeleteImageCommand } from "@aws-sdk/client-ecr";
import { CreateServiceCommand } from "@aws-sdk/client-ecs";
import { PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/model/report.js";
import type { ScanReport } from "../../src/scan.js";
import { TMP } from "../fixtures/run-cli.js";
import { cli, diagnoseLive, evidenceOf, ids } from "./run.js";
import { ACCOUNT, MESSAGES, MSG, REGION, World } from "./world.js";

/** What a report says, without where it was read from (live or snapshot). */
const verdict = (r: Report) => ({ findings: r.findings, passed: r.passed, skipped: r.skipped, path: r.path, task: r.task });

describe("diagnose, record and replay, as processes", () => {
  it("record then --snapshot gives the live run's report, and the snapshot holds no secret value", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteRouteCommand({ RouteTableId: w.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    await w.c.ssm.send(new PutParameterCommand({ Name: "/prod/api-key", Type: "SecureString", Value: "s3cr3t-value-never-read" }));
    const td = await w.taskDefinition((d) => {
      d.containerDefinitions[0].secrets = [{ name: "API_KEY", valueFrom: "/prod/api-key" }];
      d.containerDefinitions[0].environment = [{ name: "MODE", value: "env-value-not-recorded" }];
    });
    const task = await w.failTask({ reason: MESSAGES.timeout, taskDefinition: td });

    const live = await cli([task, "--output", "json"]);
    expect(live.code).toBe(1);
    const liveReport = JSON.parse(live.stdout) as Report;
    expect(ids(liveReport)[0]).toBe("no-route-to-registry");
    expect(liveReport.source).toMatchObject({ kind: "live", region: REGION });

    const file = join(TMP, "wire-record.json");
    const recorded = await cli(["record", task, "--out", file]);
    expect(recorded.code, recorded.stderr).toBe(0);
    const text = readFileSync(file, "utf8");
    // moto gaps: ecr:DescribePullThroughCacheRules and iam:SimulatePrincipalPolicy answer 500
    // (AWS: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribePullThroughCacheRules.html,
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html). The
    // snapshot records them as failed calls, and the replay judges without them, as the live run did.
    const errors = (JSON.parse(text) as { errors: { call: string }[] }).errors.map((e) => e.call).sort();
    expect(errors).toEqual(["ecr:DescribePullThroughCacheRules", "iam:SimulatePrincipalPolicy"]);
    expect(text).not.toContain("s3cr3t-value-never-read");
    expect(text).not.toContain("env-value-not-recorded");

    const replay = await cli(["--snapshot", file, "--output", "json"]);
    expect(replay.code).toBe(1);
    const replayReport = JSON.parse(replay.stdout) as Report;
    expect(replayReport.source?.kind).toBe("snapshot");
    expect(verdict(replayReport)).toEqual(verdict(liveReport));
  });

  it("the text report names the cause and the route table, exit 1", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteRouteCommand({ RouteTableId: w.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    const task = await w.failTask({ reason: MESSAGES.timeout });
    const r = await cli([task.split("/").pop()!, "--cluster", "prod"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("no-route-to-registry");
    expect(r.stdout).toContain(w.privateRouteTable);
  });
});

describe("bad input, as processes: exit 2 and one line on stderr", () => {
  const oneLine = (stderr: string) => stderr.trim().split("\n").filter((l) => !/NodeVersionSupportWarning|node >=22|^\s*$|a\.co\/|upgrade to node|--trace-warnings|versions published|To continue receiving|security updates/.test(l));

  it("a task id ECS does not know", async () => {
    await World.healthy();
    const r = await cli(["0123456789abcdef0123456789abcdef", "--cluster", "prod"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/not found in cluster prod/);
  });

  it("a cluster that does not exist", async () => {
    await World.healthy();
    const r = await cli(["0123456789abcdef0123456789abcdef", "--cluster", "nope"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
  });

  it("something that is not a task", async () => {
    const r = await cli(["arn:aws:ecs:us-east-1:123456789012:service/prod/web"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/not an ECS task ARN/);
  });
});

describe("scan of a cluster, as a process", () => {
  it("groups 50 stopped tasks of several kinds by cause", async () => {
    const w = await World.healthy();
    // Image 2.0.0 was never pushed; the "edge" service runs in the public subnet without a public IP; "jobs" names a missing secret.
    const missingTag = await w.taskDefinition((d) => { d.containerDefinitions[0].image = d.containerDefinitions[0].image!.replace("1.4.2", "2.0.0"); });
    const secretArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/jobs-AbCdEf`;
    const withSecret = await w.taskDefinition((d) => { d.family = "jobs"; d.containerDefinitions[0].secrets = [{ name: "TOKEN", valueFrom: secretArn }]; });
    for (const [name, subnet] of [["edge", w.publicSubnet], ["jobs", w.privateSubnet]] as const) {
      await w.c.ecs.send(new CreateServiceCommand({
        cluster: w.cluster, serviceName: name, taskDefinition: w.taskDefinitionArn, desiredCount: 0, launchType: "FARGATE",
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [w.securityGroup], assignPublicIp: "DISABLED" } },
      }));
    }
    const manifestUnknown = MESSAGES.manifestUnknown.replaceAll("1.4.2", "2.0.0");
    const kinds = [
      { n: 20, opts: { reason: manifestUnknown, taskDefinition: missingTag } },
      { n: 15, opts: { reason: MESSAGES.timeout, subnet: w.publicSubnet, service: "edge" } },
      { n: 10, opts: { reason: MSG.secretNotFound(secretArn), taskDefinition: withSecret, service: "jobs" } },
      { n: 5, opts: { reason: MESSAGES.essentialExited } },
    ];
    for (const { n, opts } of kinds) for (let i = 0; i < n; i++) await w.failTask(opts);

    const r = await cli(["scan", "--cluster", "prod", "--output", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const scan = JSON.parse(r.stdout) as ScanReport;
    expect(scan.stoppedTasks).toBe(50);
    const groups = Object.fromEntries(scan.groups.map((g) => [g.id, g]));
    expect(groups["image-not-found"]).toMatchObject({ count: 20, services: ["web"] });
    expect(groups["public-ip-missing"]).toMatchObject({ count: 15, services: ["edge"] });
    expect(groups["secrets-unreadable"]).toMatchObject({ count: 10, services: ["jobs"] });
    // Tasks that stopped for another reason are counted, not diagnosed.
    expect(scan.reports).toHaveLength(45);
    expect(scan.groups.map((g) => g.id)).not.toContain("not-a-pull-failure");
  });
});

describe("preflight of a service, as a process", () => {
  it("exits 1 and names the route table when the service's subnet has no route out", async () => {
    const w = await World.healthy();
    await w.c.ec2.send(new DeleteRouteCommand({ RouteTableId: w.privateRouteTable, DestinationCidrBlock: "0.0.0.0/0" }));
    const r = await cli(["preflight", "--cluster", "prod", "--service", "web", "--output", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.task).toBeNull();
    expect(report.preflight).toMatchObject({ from: "service", service: "web", subnets: [w.privateSubnet], taskDefinitionArn: w.taskDefinitionArn });
    expect(ids(report)[0]).toBe("no-route-to-registry");
    expect(evidenceOf(report, "no-route-to-registry")).toContain(w.privateRouteTable);
  });

  it("exits 0 for the healthy service, and 1 for a revision whose tag was never pushed", async () => {
    const w = await World.healthy();
    const ok = await cli(["preflight", "--cluster", "prod", "--service", "web", "--output", "json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ids(JSON.parse(ok.stdout) as Report).filter((id) => id !== "unexplained-pull-failure")).toEqual([]);

    await w.c.ecr.send(new BatchDeleteImageCommand({ repositoryName: "web", imageIds: [{ imageTag: "1.4.2" }] }));
    const bad = await cli(["preflight", "--cluster", "prod", "--service", "web", "--output", "json"]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(ids(JSON.parse(bad.stdout) as Report)[0]).toBe("image-not-found");
  });
});

describe("pages", () => {
  it("follows DescribeParameters' pages: 14 parameters that exist over two pages, one that does not", async () => {
    const w = await World.healthy();
    // moto answers DescribeParameters 10 at a time whatever MaxResults asks (AWS: up to 50,
    // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeParameters.html);
    // a tool reading only the first page would call the last four missing.
    const names = Array.from({ length: 14 }, (_, i) => `/prod/p${String(i).padStart(2, "0")}`);
    for (const Name of names) await w.c.ssm.send(new PutParameterCommand({ Name, Type: "String", Value: "x" }));
    await w.c.iam.send(new PutRolePolicyCommand({
      RoleName: "ecsTaskExecutionRole", PolicyName: "params",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameters", Resource: "*" }] }),
    }));
    const td = await w.taskDefinition((d) => {
      d.containerDefinitions[0].secrets = [...names, "/prod/missing"].map((valueFrom, i) => ({ name: `P${i}`, valueFrom }));
    });
    const r = await diagnoseLive(await w.failTask({ reason: MSG.ssmInvalid("/prod/missing"), taskDefinition: td }));
    expect(ids(r)[0]).toBe("secrets-unreadable");
    const evidence = evidenceOf(r, "secrets-unreadable");
    expect(evidence).toContain("/prod/missing");
    for (const name of names) expect(evidence).not.toContain(`${name}"`);
  });
});
