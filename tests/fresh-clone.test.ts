// CI checks what a new user does: README's two commands, then the same two in a
// fresh clone with nothing beside it (scripts/fresh-clone.sh, run by .ci/run),
// guarded so that the clone's own .ci/run does not clone again.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const ci = readFileSync(".ci/run", "utf8");
const readmeCommands = (() => {
  const develop = readFileSync("README.md", "utf8").split("## Develop")[1] ?? "";
  const block = /```sh\n([\s\S]*?)```/.exec(develop)?.[1] ?? "";
  return block.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
})();

describe(".ci/run", () => {
  it("runs README's test commands, in order, before anything else", () => {
    expect(readmeCommands.slice(0, 2)).toEqual(["npm ci", "npm test"]);
    const lines = ci.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    const commands = lines.filter((l) => l.startsWith("npm ") || l.startsWith("bash "));
    expect(commands.slice(0, readmeCommands.length)).toEqual(readmeCommands);
  });

  it("runs the wire-level suite, and the fresh-clone check outside a fresh clone only", () => {
    expect(ci).toContain("npm run test:wire");
    expect(ci).toMatch(/if \[ -z "\$\{ECS_DOCTOR_FRESH_CLONE:-\}" \]; then[\s\S]*bash scripts\/fresh-clone\.sh[\s\S]*fi/);
  });
});

describe("scripts/fresh-clone.sh", () => {
  it("clones into an empty temporary folder, checks nothing is beside it, and runs .ci/run there as the clone", () => {
    const script = readFileSync("scripts/fresh-clone.sh", "utf8");
    expect(script).toMatch(/mktemp -d/);
    expect(script).toMatch(/git clone .*"\$repo" "\$work\/ecs-doctor"/);
    expect(script).toMatch(/\$work\/shared/);
    expect(script).toMatch(/ECS_DOCTOR_FRESH_CLONE=1 bash \.ci\/run/);
  });

  it("inside a fresh clone, does not clone again (no recursion)", () => {
    const r = spawnSync("bash", ["scripts/fresh-clone.sh"], { env: { ...process.env, ECS_DOCTOR_FRESH_CLONE: "1" }, encoding: "utf8", timeout: 10_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/already inside a fresh clone/);
  });

  it("the committed tree holds everything the tests read (no file outside the repository)", () => {
    const tracked = execFileSync("git", ["ls-files"], { encoding: "utf8" }).split("\n");
    for (const f of ["docs/findings.md", "docs/report-format.md", "docs/snapshot-format.md", "docs/examples/private-subnet-no-route.json", "package-lock.json"]) expect(tracked).toContain(f);
    for (const f of tracked.filter((x) => x.startsWith("schemas/"))) expect(f).toMatch(/\.schema\.json$/);
  });
});
