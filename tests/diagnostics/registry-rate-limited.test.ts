import { describe, expect, it } from "vitest";
import check from "../../diagnostics/registry-rate-limited.js";
import { commandsOf, findingsOf } from "../fixtures/findings.js";
import { MSG } from "../fixtures/registry-messages.js";
import { diagnoseSnapshot, evidenceOf, MESSAGES, rankedIds, world } from "../fixtures/world.js";

const ID = "registry-rate-limited";

describe(ID, () => {
  it("fires on Docker Hub's toomanyrequests and outranks a healthy configuration", async () => {
    const w = world().withImage("nginx:1.27").failingWith(MSG.rateLimitHub());
    const { report } = await diagnoseSnapshot(w.build());
    expect(report.findings[0].id).toBe(ID);
    expect(report.findings.filter((f) => f.severity === "error").map((f) => f.id)).toEqual([ID]);
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    // The NAT gateway's one public IP is what Docker Hub counts anonymous pulls against.
    expect(f.evidence.map((x) => x.resource)).toContain("nat-0aaa");
    expect(commandsOf(f)).toContain("aws ecr create-pull-through-cache-rule --region us-east-1 --ecr-repository-prefix docker-hub --upstream-registry-url registry-1.docker.io");
    expect(commandsOf(f)).toContain("123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx:1.27");
    // An official image is mirrored in the ECR Public Gallery.
    expect(commandsOf(f)).toContain("public.ecr.aws/docker/library/nginx:1.27");
  });

  it("offers no ECR Public mirror for a non-official Docker Hub image", async () => {
    const w = world().withImage("acme/app:2").failingWith(MSG.rateLimitHub("acme/app"));
    const [f] = findingsOf(check.check(await evidenceOf(w)));
    expect(commandsOf(f)).toContain("docker-hub/acme/app:2");
    expect(commandsOf(f)).not.toContain("public.ecr.aws");
  });

  it("passes when the message is not a rate limit", async () => {
    expect(check.check(await evidenceOf(world().withImage("nginx:1.27").failingWith(MESSAGES.timeout))).status).toBe("pass");
    expect(await rankedIds(world().withImage("nginx:1.27"))).not.toContain(ID);
  });
});
