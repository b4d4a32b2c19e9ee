import { describe, expect, it } from "vitest";
import check from "../../diagnostics/image-platform-mismatch.js";
import { commandsOf, evidenceOfFinding, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { evidenceOf, MESSAGES, rankedIds, TASK_DEF_ARN, world } from "../fixtures/world.js";

const ID = "image-platform-mismatch";

describe(ID, () => {
  it("passes for an ARM64 task when the multi-arch index has linux/arm64", async () => {
    const w = world().withImageIndex("linux/amd64", "linux/arm64/v8", "unknown/unknown").withRuntimePlatform("ARM64");
    expect(check.check(await evidenceOf(w)).status).toBe("pass");
  });

  it("fires for an ARM64 task when the index has no arm64, and ranks first on the runtime's message", async () => {
    const w = world().withImageIndex("linux/amd64").withRuntimePlatform("ARM64").failingWith(MSG.noArm64);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.severity).toBe("error");
    expect(evidenceOfFinding(f)).toContain("platforms: linux/amd64");
    expect(f.evidence.map((x) => x.resource)).toContain(TASK_DEF_ARN);
    expect(commandsOf(f)).toContain("docker buildx build --platform linux/amd64,linux/arm64");
    expect((await rankedIds(w))[0]).toBe(ID);
  });

  it("is skipped, never passed, when ecr:DescribeImages and ecr:BatchGetImage are both denied", async () => {
    const w = world().withImageIndex("linux/amd64").withRuntimePlatform("ARM64")
      .denied("ecr:DescribeImages", ["ecr", "imageDetails"]).denied("ecr:BatchGetImage", ["ecr", "images"]);
    const r = check.check(await evidenceOf(w));
    expect(r.status).toBe("skip");
    expect(r.status === "skip" && r.unknown?.call).toBe("ecr:BatchGetImage");
  });

  it("does not judge an image that does not exist (image-not-found's case)", async () => {
    expect(check.check(await evidenceOf(world().withoutImage())).status).toBe("n/a");
  });

  it("takes X86_64 for a Fargate task without runtimePlatform", async () => {
    const [f] = findingsOf(check.check(await evidenceOf(world().withImageIndex("linux/arm64/v8").failingWith(MSG.noAmd64))));
    expect(evidenceOfFinding(f)).toContain("defaults to X86_64");
    expect(commandsOf(f)).toContain('"cpuArchitecture": "ARM64"');
    expect(check.check(await evidenceOf(world().withImageIndex("linux/amd64"))).status).toBe("pass");
  });

  it("reads the EC2 container instance's architecture", async () => {
    const w = world().onEc2({ architecture: "arm64" }).withImageIndex("linux/amd64");
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.evidence.map((x) => x.resource)).toContain("i-0ec2");
    expect(check.check(await evidenceOf(world().onEc2({ architecture: "arm64" }).withImageIndex("linux/amd64", "linux/arm64")))).toEqual({ status: "pass", title: undefined });
  });

  it("treats a single-platform manifest as unknown: no finding, unless the message names the platform", async () => {
    expect(check.check(await evidenceOf(world().withSingleArchManifest().withRuntimePlatform("ARM64"))).status).toBe("pass");
    const w = world().withSingleArchManifest().withRuntimePlatform("ARM64").failingWith(MSG.noArm64);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(f.title).toContain("linux/arm64/v8");
  });

  it("believes the message when the manifest was not captured", async () => {
    const w = world().withRuntimePlatform("ARM64").failingWith(MSG.noArm64).mutate((s) => {
      delete s.ecr!.images;
    });
    expect(findingsOf(check.check(await evidenceOf(w)))[0].severity).toBe("error");
    expect(check.check(await evidenceOf(world().failingWith(MESSAGES.timeout).mutate((s) => { delete s.ecr!.images; }))).status).toBe("skip");
  });

  it("ranks below a network cause when the message is a timeout", async () => {
    const ids = await rankedIds(world().withImageIndex("linux/amd64").withRuntimePlatform("ARM64").withoutNatGateway());
    expect(ids[0]).toBe("no-route-to-registry");
    expect(ids).toContain(ID);
  });
});
