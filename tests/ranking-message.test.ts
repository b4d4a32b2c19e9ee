// The ranking agrees with the error message (findings.md): a 403 puts IAM and
// policy causes above network ones, a timeout the network first, "not found"
// the image and repository first, and a rate limit outranks a healthy
// configuration. Where message and configuration disagree, the lower cause's
// explanation says so. Every report here passes the contract's checker.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../src/model/aws.js";
import type { Report } from "../src/model/report.js";
import { MSG } from "./fixtures/registry-messages.js";
import { diagnoseSnapshot, MESSAGES, type World, world } from "./fixtures/world.js";

const denyPull: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "ecr:BatchGetImage", Resource: "*" }] };
const checker = fileURLToPath(new URL("../../shared/contract/check-report.mjs", import.meta.url));

async function report(w: World): Promise<Report> {
  const { report } = await diagnoseSnapshot(w.build());
  expect(execFileSync("node", [checker], { input: JSON.stringify(report) }).toString().trim()).toMatch(/^report ok/);
  return report;
}

const ids = (r: Report) => r.findings.map((f) => f.id);
const rankOf = (r: Report, id: string) => ids(r).indexOf(id as Report["findings"][number]["id"]);

describe("ranking that agrees with the message", () => {
  // One broken configuration with two causes: no route out, and a role that may not pull.
  const twoCauses = () => world().withoutNatGateway().withInlinePolicy(denyPull, "deny-pull");

  it("a 403 puts the IAM cause above the network one", async () => {
    const r = await report(twoCauses().failingWith(MESSAGES.accessDenied));
    expect(ids(r)[0]).toBe("pull-role-lacks-ecr-permissions");
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("a 403 from another account's repository puts its policy above the network", async () => {
    const r = await report(world().withoutNatGateway().crossAccountImage().failingWith(MSG.crossAccount403));
    expect(ids(r)[0]).toBe("ecr-repository-policy-denies");
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("a timeout puts the network cause first", async () => {
    const r = await report(twoCauses().failingWith(MESSAGES.timeout));
    expect(ids(r)[0]).toBe("no-route-to-registry");
    expect(rankOf(r, "pull-role-lacks-ecr-permissions")).toBeGreaterThan(0);
  });

  it("'not found' puts the image first, above IAM and network causes", async () => {
    const r = await report(twoCauses().withoutImage().failingWith(MESSAGES.manifestUnknown));
    expect(ids(r)[0]).toBe("image-not-found");
    expect(rankOf(r, "pull-role-lacks-ecr-permissions")).toBeGreaterThan(0);
    expect(rankOf(r, "no-route-to-registry")).toBeGreaterThan(0);
  });

  it("'not found' puts a missing repository first", async () => {
    const r = await report(twoCauses().withoutRepository().failingWith(MESSAGES.repoNotFound));
    expect(ids(r)[0]).toBe("repository-not-found");
  });

  it("a rate limit outranks a healthy configuration", async () => {
    const r = await report(world().withImage("nginx:1.27").failingWith(MSG.rateLimitHub()));
    expect(ids(r)[0]).toBe("registry-rate-limited");
    expect(r.findings.filter((f) => f.severity === "error")).toHaveLength(1);
  });

  it("the cause the message contradicts says so in its explanation", async () => {
    const w = twoCauses().failingWith(MESSAGES.timeout);
    const { report: r, evidence } = await diagnoseSnapshot(w.build());
    const iam = r.findings.find((f) => f.id === "pull-role-lacks-ecr-permissions")!;
    expect(iam.explanation).toContain(evidence.failures[0].signals.summary);
    const network = r.findings.find((f) => f.id === "no-route-to-registry")!;
    expect(network.explanation).not.toContain(evidence.failures[0].signals.summary);
  });

  it("a secrets message puts secrets-unreadable above the network", async () => {
    const r = await report(world().withoutNatGateway().withSecret().failingWith(MSG.secretDenied()));
    expect(ids(r)[0]).toBe("secrets-unreadable");
  });
});
