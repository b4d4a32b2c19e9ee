// deploy/ecs-doctor.yaml: the Lambda function's role reads exactly what
// README's permission policy lists (which covers every call the live source
// makes), and may write nothing but its own log, the report topic and the
// archive bucket it creates.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ARCHIVE_PREFIX } from "../src/archive/keys.js";

const TEMPLATE = readFileSync("deploy/ecs-doctor.yaml", "utf8");
const README = readFileSync("README.md", "utf8");

/** The Action list of README's permission policy (the JSON block of its "Permissions" section). */
function readmeActions(): string[] {
  const section = README.slice(README.indexOf("### Permissions"));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error("README has no permission policy");
  const policy = JSON.parse(json) as { Statement: { Action: string[] }[] };
  return policy.Statement.flatMap((s) => s.Action);
}

/** The actions between the template's `# actions:begin` and `# actions:end` markers. */
function templateReadActions(): string[] {
  const block = TEMPLATE.slice(TEMPLATE.indexOf("# actions:begin"), TEMPLATE.indexOf("# actions:end"));
  return [...block.matchAll(/^\s*-\s*([a-z0-9-]+:[A-Za-z]+)\s*$/gm)].map((m) => m[1]);
}

/** Every `service:Action` the template names anywhere. */
function allTemplateActions(): string[] {
  return [...new Set([...TEMPLATE.matchAll(/\b((?:ecs|ec2|ecr|iam|secretsmanager|ssm|logs|sns|sts|lambda|kms|s3|elasticfilesystem):[A-Z][A-Za-z]+)\b/g)].map((m) => m[1]))];
}

describe("deploy/ecs-doctor.yaml", () => {
  it("grants the function exactly the read actions of README's permission policy", () => {
    expect(templateReadActions().length).toBeGreaterThan(20);
    expect(templateReadActions().sort()).toEqual(readmeActions().sort());
  });

  it("README's policy covers every call the live source makes (GetCallerIdentity needs no permission)", () => {
    // The live source and the reads it loads on first use.
    const live = ["src/source/live.ts", "src/source/live-efs.ts"].map((f) => readFileSync(f, "utf8")).join("\n");
    const services: Record<string, string> = {
      "client-ec2": "ec2", "client-ecr": "ecr", "client-ecs": "ecs", "client-iam": "iam", "client-secrets-manager": "secretsmanager", "client-ssm": "ssm", "client-sts": "sts",
      "client-efs": "elasticfilesystem", "client-cloudwatch-logs": "logs", "client-kms": "kms",
    };
    const needed: string[] = [];
    for (const [, names, pkg] of live.matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/([^"]+)"/g)) {
      for (const n of names.split(",").map((x) => x.trim()).filter((x) => x.endsWith("Command"))) needed.push(`${services[pkg]}:${n.replace(/Command$/, "")}`);
    }
    const granted = new Set(readmeActions());
    expect(needed.length).toBeGreaterThan(20);
    expect(needed.filter((a) => a !== "sts:GetCallerIdentity" && !granted.has(a))).toEqual([]);
    // DescribeMountTargetSecurityGroups also needs ec2:DescribeNetworkInterfaceAttribute on the mount target's interface.
    expect(granted.has("ec2:DescribeNetworkInterfaceAttribute")).toBe(true);
  });

  it("writes nothing but its own log, the report topic and the archive", () => {
    const reads = new Set(readmeActions());
    const others = allTemplateActions().filter((a) => !reads.has(a)).sort();
    // sts:AssumeRole is the trust policy's (Lambda assumes the role); lambda:InvokeFunction the permission EventBridge gets.
    expect(others).toEqual(["lambda:InvokeFunction", "logs:CreateLogStream", "logs:PutLogEvents", "s3:PutObject", "sns:Publish", "sts:AssumeRole"]);
    expect(TEMPLATE).toMatch(/Action: sns:Publish\n\s*Resource: !Ref ReportTopic/);
    expect(TEMPLATE).toMatch(/- logs:PutLogEvents\n\s*Resource: !GetAtt FunctionLogGroup\.Arn/);
    for (const a of reads) expect(a).toMatch(/^[a-z0-9]+:(Describe|Get|List|BatchGet|Simulate)[A-Za-z]+$/);
  });

  it("runs the packaged handler on a Lambda runtime AWS still supports (nodejs22.x or later), from the S3 bucket and key given", () => {
    // AWS deprecated nodejs20.x: new functions cannot be created on it.
    const runtime = /Runtime: nodejs(\d+)\.x/.exec(TEMPLATE);
    expect(Number(runtime?.[1])).toBeGreaterThanOrEqual(22);
    expect(TEMPLATE).toMatch(/Handler: index\.handler/);
    expect(TEMPLATE).toMatch(/S3Bucket: !Ref CodeBucket\n\s*S3Key: !Ref CodeKey/);
    expect(TEMPLATE).toMatch(/TOPIC_ARN: !Ref ReportTopic/);
    expect(TEMPLATE).toMatch(/WEBHOOK_URL: !Ref WebhookUrl/);
  });

  it("sends every stopped task's state change to the function, and lets EventBridge invoke it", () => {
    expect(TEMPLATE).toMatch(/EventPattern:\n\s*source: \[aws\.ecs\]\n\s*detail-type: \[ECS Task State Change\]\n\s*detail:\n\s*lastStatus: \[STOPPED\]/);
    expect(TEMPLATE).toMatch(/Type: AWS::Lambda::Permission[\s\S]*Principal: events\.amazonaws\.com\n\s*SourceArn: !GetAtt TaskStoppedRule\.Arn/);
  });
});

/** The template as data: CloudFormation's short tags (!Ref x) read as their long form ({ Ref: x }). */
// biome-ignore lint/suspicious/noExplicitAny: the template is YAML read as data, walked by the assertions below
type Properties = Record<string, any>;
function template(): { Parameters: Record<string, Record<string, unknown>>; Resources: Record<string, { Type: string; Properties: Properties; DeletionPolicy?: string }> } {
  const names = ["Ref", "GetAtt", "Sub", "Not", "Equals", "If", "Join", "Select", "Split"];
  const long = (n: string) => (n === "Ref" ? "Ref" : `Fn::${n}`);
  const customTags = names.flatMap((n) => [
    { tag: `!${n}`, resolve: (v: string) => ({ [long(n)]: n === "GetAtt" ? v.split(".") : v }) },
    { tag: `!${n}`, collection: "seq" as const, resolve: (v: { toJSON(): unknown }) => ({ [long(n)]: v.toJSON() }) },
  ]);
  return parseYaml(TEMPLATE, { customTags }) as ReturnType<typeof template>;
}

describe("deploy/ecs-doctor.yaml: the archive", () => {
  const t = template();
  const bucket = t.Resources.ArchiveBucket;
  const statements = t.Resources.FunctionRole.Properties.Policies[0].PolicyDocument.Statement as { Sid: string; Action: string | string[]; Resource: unknown }[];

  it("creates the bucket encrypted, with every public access blocked, kept when the stack goes", () => {
    expect(bucket.Type).toBe("AWS::S3::Bucket");
    expect(bucket.DeletionPolicy).toBe("Retain");
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toMatch(/^(AES256|aws:kms)$/);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  });

  it("expires archived failures after the days of a template parameter, under the prefix the keys use", () => {
    expect(t.Parameters.ArchiveRetentionDays).toMatchObject({ Type: "Number", MinValue: 1 });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: "ExpireArchivedFailures", Status: "Enabled", Prefix: ARCHIVE_PREFIX, ExpirationInDays: { Ref: "ArchiveRetentionDays" } },
    ]);
  });

  it("gives the function s3:PutObject on the archive's keys only, and the bucket's name", () => {
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
    expect(s3).toEqual([{ Sid: "WriteTheArchiveOnly", Effect: "Allow", Action: "s3:PutObject", Resource: { "Fn::Sub": `\${ArchiveBucket.Arn}/${ARCHIVE_PREFIX}*` } }]);
    expect(t.Resources.Function.Properties.Environment.Variables.ARCHIVE_BUCKET).toEqual({ Ref: "ArchiveBucket" });
  });

  it("refuses requests to the archive that are not over TLS", () => {
    const policy = t.Resources.ArchiveBucketPolicy.Properties;
    expect(policy.Bucket).toEqual({ Ref: "ArchiveBucket" });
    expect(policy.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
  });

  it("sends ECS Service Action SERVICE_TASK_START_IMPAIRED to the function too, and lets EventBridge invoke it for that rule", () => {
    const rule = t.Resources.ServiceImpairedRule.Properties;
    expect(rule.EventPattern).toEqual({ source: ["aws.ecs"], "detail-type": ["ECS Service Action"], detail: { eventName: ["SERVICE_TASK_START_IMPAIRED"] } });
    expect(rule.Targets).toEqual([{ Id: "ecs-doctor", Arn: { "Fn::GetAtt": ["Function", "Arn"] } }]);
    const permissions = Object.values(t.Resources).filter((r) => r.Type === "AWS::Lambda::Permission").map((r) => r.Properties.SourceArn);
    expect(permissions).toContainEqual({ "Fn::GetAtt": ["ServiceImpairedRule", "Arn"] });
  });
});
