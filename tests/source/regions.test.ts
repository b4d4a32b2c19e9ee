// Images and secrets in another region than the task: ECR, Secrets Manager
// and SSM are asked in the resource's region (the image's registry host, the
// secret's ARN), by the live source, the snapshot reader and the recorder.
import type { ECRClient } from "@aws-sdk/client-ecr";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { diagnoseTask } from "../../src/diagnose.js";
import type { Snapshot } from "../../src/source/snapshot.js";
import { createLiveSource, type LiveClients } from "../../src/source/live.js";
import { recordingSource } from "../../src/source/record.js";
import { parseSnapshot, SnapshotSource } from "../../src/source/snapshot.js";
import { known, unknown } from "../../src/model/fact.js";
import type { Source } from "../../src/source/source.js";
import { mockedClients, SnapshotAccount } from "../fixtures/mock-aws.js";
import { ACCOUNT, diagnoseSnapshot, MESSAGES, world } from "../fixtures/world.js";

const HOME = "eu-west-1";
const AWAY = "us-east-1";
const REPO_ARN = `arn:aws:ecr:${AWAY}:${ACCOUNT}:repository/web`;
const SECRET_ARN = `arn:aws:secretsmanager:${AWAY}:${ACCOUNT}:secret:prod/db-AbCdEf`;

/**
 * The world moved to eu-west-1, except its image (123456789012.dkr.ecr.us-east-1…/web:1.4.2)
 * and its secret's ARN, which stay in us-east-1: `home` is the eu-west-1 account (no
 * repository, image or secret there), `away` the us-east-1 one (the world as built).
 */
function crossRegion(message: string = MESSAGES.timeout): { home: Snapshot; away: Snapshot } {
  const away = world().withSecret().failingWith(message).build();
  const home = JSON.parse(
    JSON.stringify(away)
      .replaceAll(AWAY, HOME)
      .replaceAll(`.dkr.ecr.${HOME}.`, `.dkr.ecr.${AWAY}.`)
      .replaceAll(`:secretsmanager:${HOME}:`, `:secretsmanager:${AWAY}:`),
  ) as Snapshot;
  home.ecr = { repositories: [], imageDetails: [], images: [], repositoryPolicies: [], pullThroughCacheRules: [] };
  home.secretsmanager = { secrets: [] };
  return { home, away };
}

async function liveCrossRegion(message?: string) {
  const { home, away } = crossRegion(message);
  const homeAccount = new SnapshotAccount(home);
  const awayAccount = new SnapshotAccount(away);
  const awayClients = mockedClients(awayAccount);
  const clientsFor = vi.fn((region: string) => (region === AWAY ? { ecr: awayClients.ecr, secretsManager: awayClients.secretsManager, ssm: awayClients.ssm } : {}));
  const source = await createLiveSource({ region: HOME, clients: mockedClients(homeAccount), clientsFor });
  return { source, homeAccount, awayAccount, clientsFor, home };
}

describe("live: another region's image and secret", () => {
  it("finds a us-east-1 repository for a eu-west-1 task: no repository-not-found, no image-not-found", async () => {
    const { source, homeAccount, awayAccount } = await liveCrossRegion();
    const { report, evidence } = await diagnoseTask(source, { task: "0123456789abcdef0123456789abcdef", cluster: "prod" });
    const ids = report.findings.map((f) => f.id);
    expect(ids).not.toContain("repository-not-found");
    expect(ids).not.toContain("image-not-found");
    expect(evidence.images[0].repository).toMatchObject({ state: "known", value: { repositoryArn: REPO_ARN } });
    expect(evidence.images[0].image).toMatchObject({ state: "known", value: { repositoryName: "web" } });
    // Every ECR call went to us-east-1's client, none to eu-west-1's.
    const ecrCalls = (a: SnapshotAccount) => a.calls.filter((c) => c.service === "ecr").map((c) => c.command);
    expect(ecrCalls(awayAccount)).toEqual(expect.arrayContaining(["DescribeRepositories", "DescribeImages", "BatchGetImage"]));
    expect(ecrCalls(homeAccount)).toEqual([]);
  });

  it("reads a secret whose ARN names us-east-1 in us-east-1: it exists", async () => {
    const { source, homeAccount, awayAccount } = await liveCrossRegion(MESSAGES.authTimeout);
    const { evidence } = await diagnoseTask(source, { task: "0123456789abcdef0123456789abcdef", cluster: "prod" });
    expect(evidence.secrets[0].secret).toMatchObject({ state: "known", value: { ARN: SECRET_ARN } });
    expect(awayAccount.calls.filter((c) => c.command === "DescribeSecret")).toHaveLength(1);
    expect(homeAccount.calls.filter((c) => c.command === "DescribeSecret")).toEqual([]);
  });

  it("records the run: the replay, under the one top-level region, finds the us-east-1 repository too", async () => {
    const { source } = await liveCrossRegion();
    const recording = recordingSource(source);
    await diagnoseTask(recording, { task: "0123456789abcdef0123456789abcdef", cluster: "prod" });
    const snapshot = parseSnapshot(JSON.parse(JSON.stringify(await recording.recorded())));
    expect(snapshot.region).toBe(HOME);
    expect(snapshot.ecr?.repositories).toEqual([expect.objectContaining({ repositoryArn: REPO_ARN })]);
    const ids = (await diagnoseSnapshot(snapshot)).report.findings.map((f) => f.id);
    expect(ids).not.toContain("repository-not-found");
    expect(ids).not.toContain("image-not-found");
  });
});

describe("live: which client serves which region", () => {
  beforeEach(() => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "fake-secret");
    vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  });
  afterEach(() => vi.unstubAllEnvs());

  it("asks the injected factory once per region, and the source's own clients for its own region", async () => {
    const { source, clientsFor, homeAccount, awayAccount } = await liveCrossRegion();
    expect((await source.describeRepositories(ACCOUNT, ["web"], AWAY))).toMatchObject({ state: "known", value: [{ repositoryArn: REPO_ARN }] });
    await source.describePullThroughCacheRules(ACCOUNT, AWAY);
    await source.getRepositoryPolicy(ACCOUNT, "web", AWAY);
    expect(clientsFor).toHaveBeenCalledTimes(1);
    expect(clientsFor).toHaveBeenCalledWith(AWAY);
    expect(await source.describeRepositories(ACCOUNT, ["web"], HOME)).toEqual(known([]));
    expect(await source.describeRepositories(ACCOUNT, ["web"])).toEqual(known([]));
    expect(clientsFor).toHaveBeenCalledTimes(1);
    expect(awayAccount.calls.map((c) => c.command)).toEqual(["DescribeRepositories", "DescribePullThroughCacheRules", "GetRepositoryPolicy"]);
    expect(homeAccount.calls.map((c) => c.command)).toEqual(["DescribeRepositories", "DescribeRepositories"]);
  });

  it("without a factory, an injected client serves every region", async () => {
    const account = new SnapshotAccount(world().build());
    const source = await createLiveSource({ region: HOME, clients: mockedClients(account) });
    expect(await source.describeRepositories(ACCOUNT, ["web"], AWAY)).toMatchObject({ state: "known", value: [{ repositoryName: "web" }] });
    expect(account.calls.map((c) => c.command)).toEqual(["DescribeRepositories"]);
  });

  it("creates another region's client lazily, once, from the same config as the others", async () => {
    const source = await createLiveSource({ region: HOME });
    const internals = source as unknown as { c: LiveClients; client(service: "ecr", region?: string): ECRClient };
    expect(internals.client("ecr", undefined)).toBe(internals.c.ecr);
    expect(internals.client("ecr", HOME)).toBe(internals.c.ecr);
    const away = internals.client("ecr", AWAY);
    expect(away).not.toBe(internals.c.ecr);
    expect(internals.client("ecr", AWAY)).toBe(away);
    const config = away.config as unknown as { region: () => Promise<string>; maxAttempts: () => Promise<number>; customUserAgent?: unknown };
    expect(await config.region()).toBe(AWAY);
    expect(await config.maxAttempts()).toBe(4);
    expect(JSON.stringify(config.customUserAgent)).toContain("ecs-doctor");
    expect(await (internals.client("ecr", HOME).config.region as () => Promise<string>)()).toBe(HOME);
  });
});

describe("snapshot: a repository names its region", () => {
  const snapshot = (): Snapshot => {
    const { home, away } = crossRegion();
    home.ecr = away.ecr;
    home.secretsmanager = away.secretsmanager;
    home.ssm = { Parameters: [{ Name: "/prod/token", ARN: `arn:aws:ssm:${AWAY}:${ACCOUNT}:parameter/prod/token`, Type: "SecureString" }] };
    return home;
  };

  it("finds another region's repository in that region only (its repositoryArn, else its repositoryUri, says which)", async () => {
    const s = snapshot();
    const src = new SnapshotSource(s);
    expect(await src.describeRepositories(ACCOUNT, ["web"], AWAY)).toMatchObject({ state: "known", value: [{ repositoryArn: REPO_ARN }] });
    expect(await src.describeRepositories(ACCOUNT, ["web"], HOME)).toEqual(known([]));
    expect(await src.describeRepositories(ACCOUNT, ["web"])).toEqual(known([]));
    const byUri = new SnapshotSource({ ...s, ecr: { repositories: [{ repositoryName: "web", registryId: ACCOUNT, repositoryUri: `${ACCOUNT}.dkr.ecr.${AWAY}.amazonaws.com/web` }] } });
    expect(await byUri.describeRepositories(ACCOUNT, ["web"], AWAY)).toMatchObject({ state: "known", value: [{ repositoryName: "web" }] });
    expect(await byUri.describeRepositories(ACCOUNT, ["web"], HOME)).toEqual(known([]));
    // A repository that names no region is anywhere.
    const bare = new SnapshotSource({ ...s, ecr: { repositories: [{ repositoryName: "web", registryId: ACCOUNT }] } });
    expect(await bare.describeRepositories(ACCOUNT, ["web"], AWAY)).toMatchObject({ state: "known", value: [{ repositoryName: "web" }] });
  });

  it("matches image details and images by registry and repository, whatever the region", async () => {
    const src = new SnapshotSource(snapshot());
    expect(await src.describeImages(ACCOUNT, "web", [{ imageTag: "1.4.2" }], AWAY)).toMatchObject({ state: "known", value: [{ repositoryName: "web" }] });
    expect((await src.batchGetImage(ACCOUNT, "web", [{ imageTag: "1.4.2" }], AWAY)).state).toBe("known");
  });

  it("finds a secret or parameter by name only in the region asked", async () => {
    const src = new SnapshotSource(snapshot());
    expect(await src.describeSecret(SECRET_ARN, AWAY)).toMatchObject({ state: "known", value: { ARN: SECRET_ARN } });
    expect(await src.describeSecret("prod/db", AWAY)).toMatchObject({ state: "known", value: { ARN: SECRET_ARN } });
    expect(await src.describeSecret("prod/db")).toEqual(known(null));
    expect(await src.describeParameters(["/prod/token"], AWAY)).toMatchObject({ state: "known", value: [{ Name: "/prod/token" }] });
    expect(await src.describeParameters(["/prod/token"])).toEqual(known([]));
  });

  it("diagnoses a eu-west-1 task pulling from us-east-1 without repository-not-found", async () => {
    const ids = (await diagnoseSnapshot(snapshot())).report.findings.map((f) => f.id);
    expect(ids).not.toContain("repository-not-found");
    expect(ids).not.toContain("image-not-found");
  });

  it("reads a recorded error for another region's repository under that region's ARN", async () => {
    const s = snapshot();
    s.errors = [{ call: "ecr:DescribeRepositories", code: "AccessDeniedException", message: "no", resource: REPO_ARN }];
    const src = new SnapshotSource(s);
    expect(await src.describeRepositories(ACCOUNT, ["web"], AWAY)).toMatchObject({ state: "unknown", why: "denied" });
  });
});

describe("record: another region's resources", () => {
  const inner = (): Source => {
    const src = new SnapshotSource(world().build());
    src.describeRepositories = async () => unknown("denied", "ecr:DescribeRepositories", "AccessDeniedException: no");
    src.getRepositoryPolicy = async () => unknown("denied", "ecr:GetRepositoryPolicy", "AccessDeniedException: no");
    return src;
  };

  it("names a failed call's repository by the region it was asked in", async () => {
    const rec = recordingSource(inner());
    await rec.describeRepositories(ACCOUNT, ["web"], HOME);
    await rec.getRepositoryPolicy(ACCOUNT, "web", HOME);
    const errors = (await rec.recorded()).errors ?? [];
    expect(errors.map((e) => e.resource)).toEqual([`arn:aws:ecr:${HOME}:${ACCOUNT}:repository/web`, `arn:aws:ecr:${HOME}:${ACCOUNT}:repository/web`]);
  });

  it("keeps two regions' repositories of one name apart", async () => {
    const src = new SnapshotSource(world().build());
    src.describeRepositories = async (_r, _n, region) =>
      known([{ repositoryName: "web", registryId: ACCOUNT, repositoryArn: `arn:aws:ecr:${region}:${ACCOUNT}:repository/web` }]);
    const rec = recordingSource(src);
    await rec.describeRepositories(ACCOUNT, ["web"], AWAY);
    await rec.describeRepositories(ACCOUNT, ["web"], HOME);
    expect((await rec.recorded()).ecr?.repositories?.map((r) => r.repositoryArn)).toEqual([REPO_ARN, `arn:aws:ecr:${HOME}:${ACCOUNT}:repository/web`]);
  });
});
