import { describe, expect, it } from "vitest";
import check from "../../diagnostics/image-not-found.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { ACCOUNT, diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, REGION, world } from "../fixtures/world.js";

const ID = "image-not-found";

describe(ID, () => {
  it("fires when the tag was never pushed, naming the nearest tags and when they were pushed", async () => {
    const w = world().withoutImage().failingWith(MESSAGES.manifestUnknown);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence.map((x) => x.fact).join("\n")).toContain("1.4.1 (pushed 2026-11-01)");
    expect(commandsOf(f)).toContain(`docker push ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.4.2`);
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("fires for a digest that does not exist, and says it was a digest", async () => {
    const digest = `sha256:${"f".repeat(64)}`;
    const [f] = findingsOf(check.check(await evidenceOf(world().withImage(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web@${digest}`))));
    expect(f.evidence[0].fact).toContain(`imageDigest=${digest}`);
  });

  it("passes when the tag exists", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.manifestUnknown))).status).toBe("pass");
  });

  it("does not fire when the repository itself is missing (that is repository-not-found)", async () => {
    expect(check.check(await evidenceOf(world().withoutRepository())).status).toBe("pass");
  });

  it("does not fire for an image not yet cached under a pull through cache rule", async () => {
    const w = world()
      .withImage(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/docker-hub/library/nginx:1.27`)
      .mutate((s) => {
        s.ecr!.repositories!.push({ repositoryName: "docker-hub/library/nginx", registryId: ACCOUNT });
        s.ecr!.pullThroughCacheRules!.push({ ecrRepositoryPrefix: "docker-hub", upstreamRegistryUrl: "registry-1.docker.io", registryId: ACCOUNT });
      });
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("is skipped when the images cannot be described", async () => {
    const { report } = await diagnoseSnapshot(world().denied("ecr:DescribeImages", ["ecr", "imageDetails"]).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("ecr:DescribeImages");
  });

  it("fires as an error on the registry's 'not found' when the images cannot be described, saying what could not be read", async () => {
    const { report } = await diagnoseSnapshot(world().denied("ecr:DescribeImages", ["ecr", "imageDetails"]).failingWith(MESSAGES.manifestUnknown).build());
    expect(report.findings[0]).toMatchObject({ id: ID, severity: "error" });
    expect(report.findings[0].evidence.map((x) => x.fact).join("\n")).toContain("ecr:DescribeImages was denied");
  });

  it("does not take a missing repository's message as a missing tag when the images cannot be described", async () => {
    const { report } = await diagnoseSnapshot(world().denied("ecr:DescribeImages", ["ecr", "imageDetails"]).failingWith(MESSAGES.repoNotFound).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
  });

  it("stands on the registry's own 'not found' for an image outside ECR, which ecs-doctor does not call", async () => {
    const message = 'CannotPullContainerError: failed to resolve ref docker.io/bitnami/redis:7.9.9: docker.io/bitnami/redis:7.9.9: not found';
    const { report } = await diagnoseSnapshot(world().withImage("bitnami/redis:7.9.9").failingWith(message).build());
    expect(report.findings[0]).toMatchObject({ id: ID, severity: "error" });
    expect(report.findings[0].fixes[0].commands).toEqual(["docker manifest inspect bitnami/redis:7.9.9"]);
  });

  it("does not fire for an image outside ECR whose message is no 'not found'", async () => {
    const { report } = await diagnoseSnapshot(world().withImage("bitnami/redis:7.2").failingWith(MESSAGES.rateLimit).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
  });
});

// findings.md "Pinned digests": ECS pinned the tag's digest at deployment; the tag moved and the digest is gone.
describe(`${ID}: a pinned digest`, () => {
  const GONE = `sha256:${"3".repeat(64)}`;
  const pinnedMessage = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.4.2@${GONE}: ${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/web:1.4.2@${GONE}: not found`;

  it("fires when the tag exists but the pinned digest was deleted, and the fix is a new deployment, not a push", async () => {
    const w = world().withPinnedDigest(GONE).failingWith(pinnedMessage);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence.map((x) => `${x.resource}: ${x.fact}`).join("\n")).toContain(`container web: imageDigest: ${GONE} (pinned at deployment)`);
    expect(f.explanation).toContain(`now points to sha256:${"1".repeat(64)}`);
    expect(commandsOf(f)).toContain("aws ecs update-service --region us-east-1 --cluster prod --service web --force-new-deployment");
    expect(commandsOf(f)).not.toContain("docker push");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("does not fire when the pinned digest still exists", async () => {
    const w = world().withPinnedDigest(`sha256:${"1".repeat(64)}`).failingWith(MESSAGES.timeout);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("does not take the digest for pinned with versionConsistency disabled", async () => {
    const w = world().withPinnedDigest(GONE, "disabled").failingWith(MESSAGES.timeout);
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });
});
