// `explain` judges a message alone: what it proves is an error, what it only
// suggests stays below configuration evidence, in all three formats.
import { describe, expect, it } from "vitest";
import { FINDING_IDS } from "../src/diagnostic.js";
import { explainMessage } from "../src/explain.js";
import { render } from "../src/render/index.js";
import { corpus } from "./analysis/message-corpus.js";
import { MESSAGES } from "./fixtures/world.js";

/** The cause a message of each kind must put first, when it settles one. */
const TOP_BY_KIND: Record<string, string[]> = {
  "rate-limit": ["registry-rate-limited"],
  platform: ["image-platform-mismatch"],
  disk: ["container-instance-disk-full"],
  "not-found": ["image-not-found", "repository-not-found"],
  "assume-role": ["execution-role-not-assumable"],
  "secret-not-found": ["secrets-unreadable", "registry-credentials-unreadable"],
  "invalid-parameter": ["secrets-unreadable", "registry-credentials-unreadable"],
  timeout: ["no-route-to-registry", "vpc-endpoint-missing", "unexplained-pull-failure"],
  canceled: ["no-route-to-registry", "unexplained-pull-failure"],
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
    const signals = (r as unknown as { signals: { scope: string; kind: string } }).signals;
    if (signals.scope === "none") expect(r.findings[0].id).toBe("not-a-pull-failure");
    else if (TOP_BY_KIND[signals.kind]) expect(TOP_BY_KIND[signals.kind]).toContain(r.findings[0].id);
  });

  it("keeps what a bare timeout suggests below what configuration evidence gives", () => {
    const r = explainMessage(MESSAGES.timeout);
    expect(r.findings[0].id).toBe("no-route-to-registry");
    expect(r.findings[0].severity).toBe("warning");
    expect(Math.max(...r.findings.map((f) => f.confidence))).toBeLessThan(0.8);
    expect(r.findings.some((f) => f.id === "unexplained-pull-failure" && f.severity === "error")).toBe(true);
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
