import { describe, expect, it } from "vitest";
import type { Hop } from "../../src/model/report.js";
import { hopLine } from "../../src/render/text.js";

const hop = (id: string, status: Hop["status"] = "pass"): Hop => ({ kind: "subnet", id, label: "subnet", status });

describe("the path in text", () => {
  it("joins hops with arrows, marking each", () => {
    expect(hopLine([hop("subnet-0a"), hop("rtb-0b", "fail")])).toBe("  ✓ subnet subnet-0a → ✗ subnet rtb-0b");
  });

  it("folds between hops, never inside one, at the given width", () => {
    const lines = hopLine(Array.from({ length: 8 }, (_, i) => hop(`subnet-0${i}`)), undefined, 60).split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    expect(lines[0].endsWith(" →")).toBe(true);
    expect(lines.join(" ").match(/subnet-0\d/g)).toHaveLength(8);
  });
});
