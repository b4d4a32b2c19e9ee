// The gallery doubles as the end-to-end suite: every bundled scenario gives
// its expected ranked ids, and the files match the fixtures they came from.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { listDemos } from "../src/demos.js";
import { parseSnapshot } from "../src/source/snapshot.js";
import { DEMOS } from "./fixtures/demos.js";
import { diagnoseSnapshot } from "./fixtures/world.js";

describe("demo gallery", () => {
  it("bundles every scenario the fixtures define, and nothing else", async () => {
    expect((await listDemos()).map((d) => d.name).sort()).toEqual(DEMOS.map((d) => d.name).sort());
  });

  it.each(DEMOS.map((d) => [d.name, d] as const))("%s ranks its cause first", async (name, d) => {
    const file = parseSnapshot(JSON.parse(readFileSync(`demos/${name}.json`, "utf8")));
    expect(file).toEqual({ ...d.world.build(), description: d.description });
    const { report } = await diagnoseSnapshot(file);
    const ids = report.findings.map((f) => f.id);
    expect(ids.slice(0, d.expect.length)).toEqual(d.expect);
    const errors = report.findings.filter((f) => f.severity === "error").map((f) => f.id);
    for (const id of d.notErrors ?? []) expect(errors).not.toContain(id);
  });
});
