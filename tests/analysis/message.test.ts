import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FAILURE_KINDS,
  type MessageSignals,
  parseMessage,
  SCOPES,
  SERVICES,
  STAGES,
  serviceForHost,
} from "../../src/analysis/message.js";
import { corpus } from "./message-corpus.js";

function expectWellFormed(s: MessageSignals): void {
  expect(SCOPES).toContain(s.scope);
  expect(STAGES).toContain(s.stage);
  expect(FAILURE_KINDS).toContain(s.kind);
  expect(SERVICES).toContain(s.service);
  expect(typeof s.summary).toBe("string");
  expect(s.summary.trim().length).toBeGreaterThan(0);
  if (s.port !== undefined) expect(Number.isInteger(s.port)).toBe(true);
  if (s.httpStatus !== undefined) expect(s.httpStatus).toBeGreaterThanOrEqual(100);
}

describe("parseMessage over the corpus of real messages", () => {
  it("has enough entries with distinct names", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(45);
    expect(new Set(corpus.map((e) => e.name)).size).toBe(corpus.length);
  });

  it.each(corpus)("$name", ({ message, expect: want }) => {
    const got = parseMessage(message);
    expect(got).toMatchObject(want);
    expectWellFormed(got);
  });
});

describe("parseMessage, focused", () => {
  it("writes the summary a reader needs for a timeout", () => {
    const s = parseMessage(
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v42": failed to do request: Head "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/api/manifests/v42": dial tcp 52.1.2.3:443: i/o timeout',
    );
    expect(s.summary).toBe("timed out connecting to 52.1.2.3:443 (ECR registry) while fetching the manifest");
  });

  it("names the role and action in an access-denied summary", () => {
    const s = parseMessage(corpus.find((e) => e.name.startsWith("Secrets Manager: execution role lacks"))!.message);
    expect(s.summary).toContain("ecsTaskExecutionRole is not allowed secretsmanager:GetSecretValue");
  });

  it("reads kms:Decrypt denials through SSM as the SSM call that failed", () => {
    // Synthetic: the SSM error shape with a KMS denial inside, as SSM relays it.
    const s = parseMessage(
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/abc is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action",
    );
    expect(s).toMatchObject({
      scope: "init",
      stage: "secrets",
      kind: "access-denied",
      service: "ssm",
      deniedAction: "kms:Decrypt",
      deniedResource: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    });
  });

  it("tells a missing secret from a missing log group", () => {
    const secret = parseMessage(
      "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    );
    const logs = parseMessage(
      "ResourceInitializationError: failed to validate logger args: failed to create CloudWatch log stream: ResourceNotFoundException: The specified log group does not exist.",
    );
    expect(secret.kind).toBe("secret-not-found");
    expect(logs.kind).toBe("not-found");
  });

  it("matches case-insensitively", () => {
    const s = parseMessage("cannotpullcontainererror: error response from daemon: get https://registry-1.docker.io/v2/: x509: certificate signed by unknown authority");
    expect(s).toMatchObject({ scope: "pull", kind: "tls", service: "docker-hub" });
  });

  it("does not assume closing quotes", () => {
    const s = parseMessage('CannotPullContainerError: failed to resolve ref "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1');
    expect(s).toMatchObject({ imageRef: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1", service: "ecr-dkr" });
  });

  it("completes a phrase cut mid-word only when one phrase fits", () => {
    expect(parseMessage("CannotPullContainerError: failed to do request: dial tcp 1.2.3.4:443: i/o ti").kind).toBe("timeout");
    // "connection re" could be refused or reset: say nothing.
    expect(parseMessage("CannotPullContainerError: failed to do request: dial tcp 1.2.3.4:443: connection re...").kind).toBe("unknown");
    // A whole word is not a cut: "pull image manifest" is not "manifest unknown".
    expect(parseMessage("CannotPullContainerError: pull image manifest").kind).toBe("unknown");
  });

  it("does not take a help link for the failing host", () => {
    const s = parseMessage(
      "Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
    );
    expect(s.host).toBeUndefined();
  });

  it("maps hosts to services", () => {
    expect(serviceForHost("123456789012.dkr.ecr.us-east-1.amazonaws.com")).toBe("ecr-dkr");
    expect(serviceForHost("api.ecr.us-east-1.amazonaws.com")).toBe("ecr-api");
    expect(serviceForHost("prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com")).toBe("s3");
    expect(serviceForHost("auth.docker.io")).toBe("docker-hub");
    expect(serviceForHost("public.ecr.aws")).toBe("ecr-public");
    expect(serviceForHost("secretsmanager.eu-west-1.amazonaws.com")).toBe("secretsmanager");
    expect(serviceForHost("ssm.eu-west-1.amazonaws.com")).toBe("ssm");
    expect(serviceForHost("logs.eu-west-1.amazonaws.com")).toBe("logs");
    expect(serviceForHost("kms.eu-west-1.amazonaws.com")).toBe("kms");
    expect(serviceForHost("sts.amazonaws.com")).toBe("sts");
    expect(serviceForHost("ghcr.io")).toBe("other-registry");
  });

  it("never throws on values that are not strings", () => {
    for (const v of [undefined, null, 42, {}, [], Symbol("x")]) {
      expectWellFormed(parseMessage(v as unknown as string));
    }
    const hostile = {
      toString() {
        throw new Error("boom");
      },
    };
    expectWellFormed(parseMessage(hostile as unknown as string));
  });

  it("summarises an empty reason", () => {
    expect(parseMessage("").summary).toBe("empty stop reason");
  });
});

describe("parseMessage, properties", () => {
  const realMessage = fc.constantFrom(...corpus.map((e) => e.message));

  it("never throws and stays well-formed on arbitrary text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })), (text) => {
        expectWellFormed(parseMessage(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("stays well-formed on real messages cut at any point", () => {
    fc.assert(
      fc.property(realMessage, fc.nat(), fc.boolean(), (message, at, dots) => {
        const cut = message.slice(0, at % (message.length + 1)) + (dots ? "..." : "");
        expectWellFormed(parseMessage(cut));
      }),
      { numRuns: 2000 },
    );
  });

  it("stays well-formed with random text inserted into real messages", () => {
    fc.assert(
      fc.property(realMessage, fc.nat(), fc.string({ unit: "binary", maxLength: 40 }), (message, at, noise) => {
        const i = at % (message.length + 1);
        expectWellFormed(parseMessage(message.slice(0, i) + noise + message.slice(i)));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps a pull a pull however far ECS cuts it, once CannotPullContainerError is in", () => {
    const pulls = corpus.filter((e) => e.message.startsWith("CannotPullContainerError:") && e.expect.scope === "pull");
    fc.assert(
      fc.property(fc.constantFrom(...pulls.map((e) => e.message)), fc.nat(), (message, at) => {
        const cut = message.slice(0, "CannotPullContainerError:".length + (at % message.length));
        expect(parseMessage(cut).scope).toBe("pull");
      }),
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(fc.oneof(realMessage, fc.string()), (text) => {
        expect(parseMessage(text)).toEqual(parseMessage(text));
      }),
    );
  });
});

describe("parseMessage, linear time", () => {
  const N = 100_000;
  const hostile: Record<string, string> = {
    letters: "a".repeat(N),
    dots: `CannotPullContainerError: failed to fetch secret arn:${".".repeat(N)}x`,
    colons: `failed to resolve ref ${":".repeat(N)}x`,
    spaces: `CannotPullContainerError:${" ".repeat(N)}x`,
    dottedHost: `CannotPullContainerError: failed to copy: Get ${"a.".repeat(N / 2)}x`,
    urls: "Get https://".repeat(N / 12),
    arns: "User: arn:".repeat(N / 10),
    dials: "dial tcp 1.1.1.1:".repeat(N / 17),
    statuses: `unexpected status code ${"x:".repeat(N / 2)}`,
    repeatedCorpus: corpus
      .map((e) => e.message)
      .join(" ")
      .repeat(20)
      .slice(0, N),
  };

  it.each(Object.entries(hostile))("parses a 100 000-character %s input quickly", (_name, text) => {
    const started = performance.now();
    const s = parseMessage(text);
    const elapsed = performance.now() - started;
    expectWellFormed(s);
    expect(elapsed).toBeLessThan(250);
  });
});

describe("what a 'not found' says is missing", () => {
  it.each([
    ["CannotPullContainerError: Error response from daemon: repository 123456789012.dkr.ecr.us-east-1.amazonaws.com/wbe not found: name unknown: The repository with name 'wbe' does not exist in the registry with id '123456789012'", "repository"],
    ["CannotPullContainerError: Error response from daemon: manifest for 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:9.9 not found: manifest unknown: Requested image not found", "image"],
    ["CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2: not found", "image"],
  ])("%s -> %s", (message, missing) => {
    expect(parseMessage(message)).toMatchObject({ kind: "not-found", missing });
  });

  it("says nothing is missing for other kinds", () => {
    expect(parseMessage("CannotPullContainerError: toomanyrequests: You have reached your pull rate limit.").missing).toBeUndefined();
  });
});

describe("errors of the steps after the pull", () => {
  it.each([
    "CannotStartContainerError: ResourceInitializationError: unable to create new container: mount callback failed on /tmp/containerd-mount123: no users found",
    "CannotCreateContainerError: Error response from daemon: Conflict. The container name is already in use",
    "OutOfMemoryError: Container killed due to memory usage",
  ])("leave the scope of a pull diagnosis: %s", (message) => {
    expect(parseMessage(message).scope).toBe("none");
  });

  it("keeps a ResourceInitializationError that leads the message in scope", () => {
    expect(parseMessage("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed").scope).toBe("init");
  });
});

describe("start-up steps other than the pull", () => {
  it("names the EFS access point and file system a message gives", () => {
    const s = parseMessage(
      "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting 127.0.0.1:/' accesspoint=fsap-0c180bb904c5be851 fs-00703eb8b7961a9af",
    );
    expect(s).toMatchObject({ scope: "init", stage: "efs", kind: "access-denied", accessPointId: "fsap-0c180bb904c5be851", fileSystemId: "fs-00703eb8b7961a9af" });
  });

  it("reads a container's exit code, and not an EFS utils exit status", () => {
    expect(parseMessage("Essential container in task exited. Exit Code: 137").exitCode).toBe(137);
    expect(parseMessage("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection reset by peer : unsuccessful EFS utils command execution; code: 32").exitCode).toBeUndefined();
  });

  it("keeps a network interface that failed for another EC2 error out of 'insufficient-addresses'", () => {
    const s = parseMessage("Unexpected EC2 error while attempting to Create Network Interface in subnet 'subnet-0aaa1111bbbb2222c': AuthFailure");
    expect(s).toMatchObject({ scope: "start", stage: "network-interface", subnetId: "subnet-0aaa1111bbbb2222c" });
    expect(s.kind).not.toBe("insufficient-addresses");
  });

  it("leaves a CannotCreateContainerError that is not the disk out of scope", () => {
    expect(parseMessage("CannotCreateContainerError: Error response from daemon: Conflict. The container name is already in use").scope).toBe("none");
    expect(parseMessage("CannotCreateContainerError: Error response from daemon: no space left on device").scope).toBe("start");
  });

  it.each([
    ["Timeout waiting for network interface provisioning to complete.", { scope: "start", stage: "network-interface", kind: "timeout" }],
    [
      "CannotCreateContainerError: Error response from daemon: failed to mount local volume: mount :/:/var/lib/docker/volumes/ecs-web-1-data/_data, data: addr=10.0.1.5,nfsvers=4.1: connection timed out",
      { scope: "start", stage: "efs", kind: "timeout" },
    ],
    ["ResourceInitializationError: failed to validate logger args: Validation error: The specified log group name is invalid", { scope: "init", stage: "logs", kind: "invalid-parameter" }],
    [
      'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: RequestError: send request failed caused by: Post "https://logs.us-east-1.amazonaws.com/": dial tcp 10.0.0.5:443: i/o timeout',
      { scope: "init", stage: "logs", kind: "timeout", service: "logs" },
    ],
  ] as const)("reads the step of %s", (message, want) => {
    expect(parseMessage(message)).toMatchObject(want);
  });

  it("does not read the pull's 'failed to resolve ref' as an EFS name", () => {
    const s = parseMessage("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:latest: failed to do request: Head \"https://registry-1.docker.io/v2/library/nginx/manifests/latest\": dial tcp 54.83.42.45:443: i/o timeout");
    expect(s).toMatchObject({ scope: "pull", kind: "timeout", service: "docker-hub" });
  });
});
