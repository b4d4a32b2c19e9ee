// findings.md: "A healthy configuration yields no error findings beyond what
// the message itself proves." Every real message of the corpus, on a healthy
// world, may give only the errors a message alone can prove.
import { describe, expect, it } from "vitest";
import { corpus } from "./analysis/message-corpus.js";
import { diagnoseSnapshot, world } from "./fixtures/world.js";

const PROVEN_BY_MESSAGE = new Set([
  "unexplained-pull-failure", "registry-rate-limited", "image-platform-mismatch", "ephemeral-storage-full", "container-instance-disk-full",
]);

describe("a healthy configuration", () => {
  it.each(corpus.map((c) => [c.name, c.message] as const))("%s", async (_name, message) => {
    const { report } = await diagnoseSnapshot(world().failingWith(message).build());
    const errors = report.findings.filter((f) => f.severity === "error").map((f) => f.id);
    for (const id of errors) expect(PROVEN_BY_MESSAGE, `unexpected error ${id}`).toContain(id);
  });
});
