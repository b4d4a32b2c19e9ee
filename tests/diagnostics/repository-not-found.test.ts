import { describe, expect, it } from "vitest";
import check from "../../diagnostics/repository-not-found.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { ACCOUNT, diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, REGION, world } from "../fixtures/world.js";

const ID = "repository-not-found";

describe(ID, () => {
  it("fires when the repository does not exist, first and alone on the registry's message", async () => {
    const w = world().withoutRepository().failingWith(MESSAGES.repoNotFound);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence[0].resource).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/web`);
    expect(commandsOf(f)).toContain("aws ecr create-repository --region us-east-1 --repository-name web");
    const ids = await rankedIds(w);
    expect(ids[0]).toBe(ID);
    expect(ids).not.toContain("image-not-found");
  });

  it("passes when the repository exists", async () => {
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.repoNotFound))).status).toBe("pass");
  });

  it("does not fire under a pull through cache rule: ECR creates the repository on the first pull", async () => {
    const w = world()
      .withImage(`${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/docker-hub/library/nginx:1.27`)
      .mutate((s) => s.ecr!.pullThroughCacheRules!.push({ ecrRepositoryPrefix: "docker-hub", upstreamRegistryUrl: "registry-1.docker.io", registryId: ACCOUNT }));
    const r = check.check(await evidenceOf(w));
    expect(r.status).toBe("pass");
    expect(r.status === "pass" && r.title).toContain("docker-hub");
  });

  it("is skipped when repositories cannot be described", async () => {
    const { report } = await diagnoseSnapshot(world().denied("ecr:DescribeRepositories", ["ecr", "repositories"]).build());
    expect(report.skipped.find((s) => s.check === ID)?.reason).toContain("ecr:DescribeRepositories");
  });

  it("fires as an error on the registry's 'repository does not exist' when repositories cannot be described", async () => {
    const { report } = await diagnoseSnapshot(world().denied("ecr:DescribeRepositories", ["ecr", "repositories"]).failingWith(MESSAGES.repoNotFound).build());
    expect(report.findings[0]).toMatchObject({ id: ID, severity: "error" });
    expect(report.findings[0].evidence.map((x) => x.fact).join("\n")).toContain("ecr:DescribeRepositories was denied");
  });

  it("does not take a missing tag's message as a missing repository when repositories cannot be described", async () => {
    const { report } = await diagnoseSnapshot(world().denied("ecr:DescribeRepositories", ["ecr", "repositories"]).failingWith(MESSAGES.manifestUnknown).build());
    expect(report.findings.map((f) => f.id)).not.toContain(ID);
  });

  it("does not apply to an image outside ECR", async () => {
    expect(check.check(await evidenceOf(world().withImage("nginx:1.27"))).status).toBe("n/a");
  });
});
