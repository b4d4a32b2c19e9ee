// `explain` judges a message alone: what it proves is an error, what it only
// suggests stays below configuration evidence, in all three formats.
import { describe, expect, it } from "vitest";
import { exitCodeFor } from "../src/diagnose.js";
import { FINDING_IDS } from "../src/diagnostic.js";
import { explainMessage } from "../src/explain.js";
import { render } from "../src/render/index.js";
import { corpus } from "./analysis/message-corpus.js";
import { MESSAGES } from "./fixtures/world.js";

/** The cause a message of each kind must put first, when it settles one. */
const TOP_BY_KIND: Record<string, string[]> = {
  "rate-limit": ["registry-rate-limited"],
  platform: ["image-platform-mismatch"],
  disk: ["container-instance-disk-full", "ephemeral-storage-full"],
  "not-found": ["image-not-found", "repository-not-found"],
  "assume-role": ["execution-role-not-assumable"],
  "secret-not-found": ["secrets-unreadable", "registry-credentials-unreadable"],
  "invalid-parameter": ["secrets-unreadable", "registry-credentials-unreadable"],
  timeout: ["no-route-to-registry", "vpc-endpoint-missing", "unexplained-pull-failure"],
  canceled: ["no-route-to-registry", "unexplained-pull-failure"],
};

/** Where the step is not the pull's, the step's own causes come first (findings.md "The stage decides the family"). */
const TOP_BY_STAGE: Record<string, Record<string, string[]>> = {
  logs: {
    "not-found": ["log-group-missing"],
    "access-denied": ["log-permissions-missing", "secrets-unreadable"],
    timeout: ["no-route-to-registry"],
    "invalid-parameter": ["unexplained-pull-failure"],
  },
  efs: {
    dns: ["efs-mount-target-missing"],
    timeout: ["efs-security-group-blocks"],
    reset: ["efs-security-group-blocks"],
    "access-denied": ["efs-access-denied"],
    unknown: ["efs-file-system-missing"],
  },
  "network-interface": { "insufficient-addresses": ["subnet-addresses-exhausted"] },
  "container-create": { disk: ["container-instance-disk-full", "ephemeral-storage-full"] },
  "container-start": { platform: ["image-platform-mismatch"] },
};

describe("explain", () => {
  it.each(corpus.map((c) => [c.name, c] as const))("classifies: %s", (_name, c) => {
    const r = explainMessage(c.message);
    expect(r.task).toBeNull();
    expect(r.findings.length).toBeGreaterThan(0);
    r.findings.forEach((f, i) => {
      expect(FINDING_IDS).toContain(f.id);
      expect(f.rank).toBe(i + 1);
      if (i > 0) expect(f.confidence).toBeLessThanOrEqual(r.findings[i - 1].confidence);
    });
    const signals = (r as unknown as { signals: { scope: string; kind: string; stage: string } }).signals;
    const byStage = TOP_BY_STAGE[signals.stage];
    if (signals.scope === "none") expect(r.findings[0].id).toBe("not-a-pull-failure");
    else if (byStage) expect(byStage[signals.kind] ?? [], `${signals.stage}/${signals.kind}`).toContain(r.findings[0].id);
    else if (TOP_BY_KIND[signals.kind]) expect(TOP_BY_KIND[signals.kind]).toContain(r.findings[0].id);
    // Never the summing-up finding first where the step has causes of its own.
    if (byStage && signals.kind !== "invalid-parameter") expect(r.findings[0].id).not.toBe("unexplained-pull-failure");
  });

  it("keeps what a bare timeout suggests below what configuration evidence gives", () => {
    const r = explainMessage(MESSAGES.timeout);
    expect(r.findings[0].id).toBe("no-route-to-registry");
    expect(r.findings[0].severity).toBe("warning");
    expect(Math.max(...r.findings.map((f) => f.confidence))).toBeLessThan(0.8);
    // A timeout proves no cause: nothing is an error, so explain exits 0.
    expect(r.findings.some((f) => f.id === "unexplained-pull-failure" && f.severity === "warning")).toBe(true);
    expect(exitCodeFor(r)).toBe(0);
    // Short: the plausible causes with their checks, not every network id.
    expect(r.findings.length).toBeLessThanOrEqual(5);
    expect(r.findings.map((f) => f.id)).not.toContain("route-blackhole");
  });

  it("puts the S3 gateway endpoint first for a timeout on a layer, and names the host in the evidence", () => {
    const layer = corpus.find((c) => c.expect.stage === "layer" && c.expect.kind === "timeout" && c.expect.service === "s3")!;
    const r = explainMessage(layer.message);
    expect(r.findings[0].id).toBe("vpc-endpoint-missing");
    expect(r.message).toBe(layer.message);
  });

  it("names the denied action's cause first for an AccessDeniedException", () => {
    expect(explainMessage(MESSAGES.authDenied).findings[0]).toMatchObject({ id: "pull-role-lacks-ecr-permissions", severity: "error" });
  });

  it("puts an S3 gateway endpoint policy first for a 403 on a layer", () => {
    const layer403 = corpus.find((c) => c.expect.stage === "layer" && c.expect.kind === "forbidden")!;
    expect(explainMessage(layer403.message).findings[0].id).toBe("vpc-endpoint-policy-denies");
  });

  it("says a task stopped for another reason is not a pull failure, as info (exit 0)", () => {
    const r = explainMessage("Essential container in task exited");
    expect(r.findings.map((f) => [f.id, f.severity])).toEqual([["not-a-pull-failure", "info"]]);
  });

  it("renders the same findings in the same order in text, Markdown and JSON", () => {
    const r = explainMessage(MESSAGES.rateLimit);
    const text = render(r, "text");
    const md = render(r, "markdown");
    const json = JSON.parse(render(r, "json"));
    expect(json.findings.map((f: { id: string }) => f.id)).toEqual(r.findings.map((f) => f.id));
    const inText = r.findings.map((f) => text.indexOf(`[${f.id},`));
    expect(inText.every((x, i) => x >= 0 && (i === 0 || x > inText[i - 1]))).toBe(true);
    const inMd = r.findings.map((f) => md.indexOf(`\`${f.id}\``));
    expect(inMd.every((x, i) => x >= 0 && (i === 0 || x > inMd[i - 1]))).toBe(true);
  });
});

describe("explain: the fix the message allows, names filled in", () => {
  const fixText = (r: ReturnType<typeof explainMessage>, id: string) => {
    const f = r.findings.find((x) => x.id === id);
    expect(f, id).toBeDefined();
    return JSON.stringify(f!.fixes);
  };

  it("a log group that does not exist: log-group-missing, with the group and region filled in (exit 1)", () => {
    const r = explainMessage(
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. (arn:aws:logs:us-east-1:123456789012:log-group:/ecs/orders-api:log-stream:)",
    );
    expect(r.findings[0]).toMatchObject({ id: "log-group-missing", severity: "error" });
    expect(r.findings.map((f) => f.id)).not.toContain("image-not-found");
    expect(fixText(r, "log-group-missing")).toContain("aws logs create-log-group --log-group-name /ecs/orders-api --region us-east-1");
    expect(exitCodeFor(r)).toBe(1);
  });

  it("a log group the message does not name: the checks in order, no image cause", () => {
    const r = explainMessage("ResourceInitializationError: failed to validate logger args: failed to create CloudWatch log stream: ResourceNotFoundException: The specified log group does not exist.");
    expect(r.findings[0].id).toBe("log-group-missing");
    expect(r.findings.map((f) => f.id)).not.toContain("image-not-found");
    expect(r.findings[0].fixes[0].steps?.[0]).toContain("awslogs");
  });

  it("the role may not create the log group: log-permissions-missing with the role, action and log group in the policy", () => {
    const r = explainMessage(
      "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log group: AccessDeniedException: User: arn:aws:sts::997763366404:assumed-role/ecsTaskExecutionRole/d7795e52a4434edf80f4923f3b836d9f is not authorized to perform: logs:CreateLogGroup on resource: arn:aws:logs:us-east-2:997763366404:log-group:/ecs/kh-td-poc-ccure-alert-notifier:log-stream: because no identity-based policy allows the logs:CreateLogGroup action",
    );
    expect(r.findings[0]).toMatchObject({ id: "log-permissions-missing", severity: "error" });
    const fix = fixText(r, "log-permissions-missing");
    expect(fix).toContain("aws iam put-role-policy --role-name ecsTaskExecutionRole");
    expect(fix).toContain("logs:CreateLogGroup");
    expect(fix).toContain("arn:aws:logs:us-east-2:997763366404:log-group:/ecs/kh-td-poc-ccure-alert-notifier:*");
  });

  it("Fargate's 'cannot find the log group ... connection issue' is the network, short, with the logs endpoint", () => {
    const r = explainMessage(
      "ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. : signal: killed",
    );
    expect(r.findings[0].id).toBe("no-route-to-registry");
    expect(r.findings.map((f) => f.id)).not.toContain("log-group-missing");
    expect(r.findings.length).toBeLessThanOrEqual(4);
    expect(fixText(r, "vpc-endpoint-missing")).toContain(".logs --subnet-ids");
    expect(exitCodeFor(r)).toBe(0);
  });

  it("an EFS name that does not resolve: the mount target first, the file system filled in, exit 0", () => {
    const r = explainMessage('ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve "fs-0867a83d8ed398433.efs.us-east-1.amazonaws.com" - check that your file system ID is correct.');
    expect(r.findings.map((f) => f.id).slice(0, 3)).toEqual(["efs-mount-target-missing", "vpc-dns-disabled", "efs-file-system-missing"]);
    expect(fixText(r, "efs-mount-target-missing")).toContain("aws efs describe-mount-targets --region us-east-1 --file-system-id fs-0867a83d8ed398433");
    expect(r.findings.map((f) => f.id)).not.toContain("no-route-to-registry");
    expect(exitCodeFor(r)).toBe(0);
  });

  it("NFS reset by the mount target: its security groups first", () => {
    const r = explainMessage("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection reset by peer : unsuccessful EFS utils command execution; code: 32");
    expect(r.findings[0].id).toBe("efs-security-group-blocks");
    expect(fixText(r, "efs-security-group-blocks")).toContain("FromPort=2049");
  });

  it("access denied by the EFS server: efs-access-denied, with the file system in the policy statement (exit 1)", () => {
    const r = explainMessage(
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting fs-065b374f6a1a6b4c8.efs.us-east-1.amazonaws.com:/' : unsuccessful EFS utils command execution; code: 32",
    );
    expect(r.findings[0]).toMatchObject({ id: "efs-access-denied", severity: "error" });
    const fix = fixText(r, "efs-access-denied");
    expect(fix).toContain("aws efs describe-file-system-policy --region us-east-1 --file-system-id fs-065b374f6a1a6b4c8");
    expect(fix).toContain("arn:aws:elasticfilesystem:us-east-1:ACCOUNT_ID:file-system/fs-065b374f6a1a6b4c8");
    expect(fix).toContain("elasticfilesystem:ClientMount");
    expect(exitCodeFor(r)).toBe(1);
  });

  it("no free address for the network interface: subnet-addresses-exhausted with the subnet filled in", () => {
    const r = explainMessage("Unexpected EC2 error while attempting to Create Network Interface in subnet 'subnet-05d93362e947058bc': InsufficientFreeAddressesInSubnet");
    expect(r.findings[0]).toMatchObject({ id: "subnet-addresses-exhausted", severity: "error" });
    expect(fixText(r, "subnet-addresses-exhausted")).toContain("aws ec2 describe-subnets --subnet-ids subnet-05d93362e947058bc");
    expect(r.findings.map((f) => f.id)).not.toContain("no-route-to-registry");
  });

  it("exec format error from a container's log: image-platform-mismatch", () => {
    const r = explainMessage("exec /usr/local/bin/docker-entrypoint.sh: exec format error");
    expect(r.findings[0]).toMatchObject({ id: "image-platform-mismatch", severity: "error" });
    expect(fixText(r, "image-platform-mismatch")).toContain("--platform linux/amd64,linux/arm64");
    expect(exitCodeFor(r)).toBe(1);
  });

  it("a devicemapper thin pool out of space is the container instance's disk, not Fargate's", () => {
    const r = explainMessage("CannotCreateContainerError: API error (500): devmapper: Thin Pool has 0 free data blocks which is less than minimum required 20253 free data blocks. Create more free space in thin pool or use dm.min_free_space option to change behavior");
    expect(r.findings[0]).toMatchObject({ id: "container-instance-disk-full", severity: "error" });
    expect(r.findings.map((f) => f.id)).not.toContain("ephemeral-storage-full");
    expect(r.findings.map((f) => f.id)).not.toContain("not-a-pull-failure");
  });

  it("'no space left on device' that cannot tell the launch type ranks both disks", () => {
    const r = explainMessage("CannotPullContainerError: failed to register layer: no space left on device");
    expect(r.findings.map((f) => f.id).slice(0, 2)).toEqual(["container-instance-disk-full", "ephemeral-storage-full"]);
  });

  it("'no space left' from containerd is Fargate's ephemeral storage", () => {
    const r = explainMessage("CannotPullContainerError: failed to extract layer sha256:abc: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs/x: no space left on device");
    expect(r.findings[0]).toMatchObject({ id: "ephemeral-storage-full", severity: "error" });
  });

  it("a truncated secrets message suggests the secret first, with its ARN filled in, never unexplained-pull-failure first", () => {
    const r = explainMessage(
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders/db-Hb71Lm from secrets ma...",
    );
    const ids = r.findings.map((f) => f.id);
    expect(ids[0]).toBe("secrets-unreadable");
    expect(ids.indexOf("unexplained-pull-failure")).toBe(ids.length - 1);
    expect(ids).toContain("vpc-endpoint-missing");
    expect(ids.length).toBeLessThanOrEqual(5);
    const fix = fixText(r, "secrets-unreadable");
    expect(fix).toContain("aws secretsmanager describe-secret --region eu-west-1 --secret-id arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders/db-Hb71Lm");
    expect(fixText(r, "vpc-endpoint-missing")).toContain("com.amazonaws.eu-west-1.secretsmanager");
    expect(exitCodeFor(r)).toBe(0);
  });

  it("a role denied a secret: the policy statement names the role, the action and the secret", () => {
    const r = explainMessage(
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:ap-south-1:221192224682:secret:awsExampleSecret-7qFlRJ from secrets manager: AccessDeniedException: User: arn:aws:sts::221192224682:assumed-role/ecsTaskExecutionRole/26e17af95b5e431893308026b892584f is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:ap-south-1:221192224682:secret:awsExampleSecret-7qFlRJ because no identity-based policy allows the secretsmanager:GetSecretValue action",
    );
    expect(r.findings[0].id).toBe("secrets-unreadable");
    const fix = fixText(r, "secrets-unreadable");
    expect(fix).toContain("--role-name ecsTaskExecutionRole");
    expect(fix).toContain("secretsmanager:GetSecretValue");
    expect(fix).toContain("arn:aws:secretsmanager:ap-south-1:221192224682:secret:awsExampleSecret-7qFlRJ");
  });

  it("ECR denied to the role: the pull permissions with the role filled in", () => {
    const r = explainMessage(MESSAGES.authDenied);
    expect(fixText(r, "pull-role-lacks-ecr-permissions")).toContain("aws iam put-role-policy --role-name ecsTaskExecutionRole");
  });

  it("a pinned digest that is gone: a new deployment, not a push", () => {
    const r = explainMessage(
      "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2@sha256:0f4c0d6b3e8a1c2f9e7d5b4a3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2@sha256:0f4c0d6b3e8a1c2f9e7d5b4a3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d: not found",
    );
    expect(r.findings[0].id).toBe("image-not-found");
    const fix = fixText(r, "image-not-found");
    expect(fix).toContain("--force-new-deployment");
    expect(fix).toContain("aws ecr describe-images --region us-east-1 --repository-name web --image-ids imageDigest=sha256:0f4c0d6b");
  });
});
