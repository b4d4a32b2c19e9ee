// Acceptance: real start-failure messages people posted (tests/explain-blind/messages.json,
// each with its source), collected by a tester who had not read this code, with
// the cause `explain` must put first (or the others that tester found acceptable).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { explainMessage } from "../src/explain.js";

interface Case { message: string; source: string; expectFamily: string; acceptable?: string[]; why: string }

const cases: Case[] = JSON.parse(readFileSync(new URL("./explain-blind/messages.json", import.meta.url), "utf8"));

describe("explain puts real messages nobody here had seen in the right family", () => {
  it.each(cases.map((c, i) => [`${i + 1} ${c.expectFamily}: ${c.message.slice(0, 70)}`, c] as const))("%s", (_name, c) => {
    const report = explainMessage(c.message);
    const ranked = report.findings.map((f) => `${f.id}:${f.severity}`).join(", ");
    expect([c.expectFamily, ...(c.acceptable ?? [])], `${c.why}\nsource: ${c.source}\nranked: ${ranked}`).toContain(report.findings[0]?.id);
  });
});
