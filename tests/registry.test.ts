// The registry, the files, the tests and the contract agree: one cause, one
// file, one test, one id documented in docs/findings.md (the report schema's enum
// agrees with it: tests/schemas.test.ts).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DIAGNOSTICS } from "../diagnostics/index.js";
import { FINDING_IDS } from "../src/diagnostic.js";

const root = new URL("../", import.meta.url);
const contractIds = [...readFileSync(new URL("docs/findings.md", root), "utf8").matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
const files = readdirSync(new URL("diagnostics/", root)).filter((f) => f.endsWith(".ts") && f !== "index.ts").map((f) => f.replace(/\.ts$/, ""));

describe("diagnostic registry", () => {
  it("knows exactly the documented ids", () => {
    expect([...FINDING_IDS].sort()).toEqual([...contractIds].sort());
  });

  it("lists every file under diagnostics/, alphabetically, each under its own id", () => {
    const ids = DIAGNOSTICS.map((d) => d.id);
    expect(ids).toEqual([...ids].sort());
    expect([...ids].sort()).toEqual([...files].sort());
    for (const id of ids) expect(contractIds).toContain(id);
  });

  it.each(files)("%s has a test file and documentation links", (id) => {
    expect(existsSync(new URL(`tests/diagnostics/${id}.test.ts`, root))).toBe(true);
    const d = DIAGNOSTICS.find((x) => x.id === id)!;
    expect(d.docs.length).toBeGreaterThan(0);
    for (const url of d.docs) expect(url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it("keeps AWS out of diagnostics/", () => {
    for (const f of files) expect(readFileSync(new URL(`diagnostics/${f}.ts`, root), "utf8")).not.toMatch(/@aws-sdk|source\/live|source\/snapshot/);
  });
});
