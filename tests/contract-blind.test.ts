// Acceptance: snapshots written from the contract alone, by testers who had
// not read this code (tests/contract-blind*/), each with the finding that
// must rank first and the ids that must not be errors.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSnapshot } from "../src/source/snapshot.js";
import { diagnoseSnapshot } from "./fixtures/world.js";

// Older suites list the ids that must not be errors; later ones the only ids that may be.
interface Case { file: string; expectTop?: string; expectFirst?: string; mustNotBeErrors?: string[]; noErrorsExcept?: string[]; why: string }

const here = new URL("./", import.meta.url);
const suites = readdirSync(here).filter((d) => d.startsWith("contract-blind") && existsSync(new URL(`${d}/manifest.json`, here)));

describe.each(suites)("snapshots written from the contract alone: %s", (suite) => {
  const dir = new URL(`${suite}/`, here);
  const cases: Case[] = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8"));

  it.each(cases.map((c) => [c.file, c] as const))("%s", async (file, c) => {
    const snapshot = parseSnapshot(JSON.parse(readFileSync(new URL(file, dir), "utf8")), file);
    const { report } = await diagnoseSnapshot(snapshot);
    const ids = report.findings.map((f) => `${f.id}:${f.severity}`);
    expect(ids[0]?.split(":")[0], `${c.why}\nranked: ${ids.join(", ")}`).toBe(c.expectTop ?? c.expectFirst);
    const errors = report.findings.filter((f) => f.severity === "error").map((f) => f.id);
    for (const id of c.mustNotBeErrors ?? []) expect(errors, `${id} must not be an error`).not.toContain(id);
    if (c.noErrorsExcept) {
      const allowed = new Set([...c.noErrorsExcept, c.expectTop ?? c.expectFirst]);
      expect(errors.filter((id) => !allowed.has(id)), `errors beyond ${[...allowed].join(", ")}; ranked: ${ids.join(", ")}`).toEqual([]);
    }
  });
});
