// The project owns its interfaces: the JSON Schemas in schemas/ compile (Ajv),
// say what the docs say, and accept what the project ships; the docs agree with
// each other; and no test depends on anything outside the repository.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { snapshotJsonSchema } from "../scripts/snapshot-json-schema.js";
import { FINDING_IDS } from "../src/diagnostic.js";
import { schemaFormats, schemaProblems } from "./fixtures/schemas.js";

const read = (path: string) => readFileSync(path, "utf8");
const documentedIds = [...read("docs/findings.md").matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
const schemaFiles = readdirSync("schemas").filter((f) => f.endsWith(".schema.json"));
const reportSchema = JSON.parse(read("schemas/ecs-doctor-report.schema.json"));

describe("the published schemas", () => {
  it("compile, one per format, each titled with its format and named after it", () => {
    expect(schemaFormats()).toEqual(expect.arrayContaining(["ecs-doctor-report/1", "ecs-doctor-scan/1", "ecs-doctor-snapshot/1"]));
    expect(schemaFormats()).toHaveLength(schemaFiles.length);
    for (const f of schemaFiles) {
      const s = JSON.parse(read(`schemas/${f}`));
      expect(s.$id).toBe(f);
      expect(f).toBe(`${s.title.replace(/\/\d+$/, "")}.schema.json`);
    }
  });

  it("each format is documented in docs/, which links its schema", () => {
    const docs = readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => read(`docs/${f}`)).join("\n");
    for (const f of schemaFiles) {
      expect(docs).toContain(`(../schemas/${f})`);
      expect(docs).toContain(`\`${JSON.parse(read(`schemas/${f}`)).title}\``);
    }
  });

  it("the report schema's finding ids are exactly the documented ones, and cover every diagnostic", () => {
    expect(reportSchema.$defs.findingId.enum).toEqual(documentedIds);
    for (const id of FINDING_IDS) expect(documentedIds).toContain(id);
  });

  it("the snapshot schema is what `npm run schemas` writes from the CLI's own validation table", () => {
    const file = JSON.parse(read("schemas/ecs-doctor-snapshot.schema.json"));
    expect(file, "schemas/ecs-doctor-snapshot.schema.json is stale: run npm run schemas").toEqual(snapshotJsonSchema());
  });

  it("rejects what breaks the format: a misspelt collection, an unknown finding id, a report without findings", () => {
    const snapshot = JSON.parse(read("docs/examples/private-subnet-no-route.json"));
    expect(schemaProblems("ecs-doctor-snapshot/1", snapshot)).toEqual([]);
    snapshot.ec2.RouteTabels = snapshot.ec2.RouteTables;
    expect(schemaProblems("ecs-doctor-snapshot/1", snapshot).join("\n")).toContain("RouteTabels");
    const report = { format: "ecs-doctor-report/1", task: null, findings: [], passed: [], skipped: [] };
    expect(schemaProblems("ecs-doctor-report/1", report)).toEqual([]);
    expect(schemaProblems("ecs-doctor-report/1", { ...report, findings: undefined })).not.toEqual([]);
    expect(schemaProblems("ecs-doctor-report/1", { ...report, passed: [{ check: "no-such-id", title: "x" }] })).not.toEqual([]);
  });
});

describe("every snapshot the project ships or tests with follows ecs-doctor-snapshot/1", () => {
  const dirs = ["demos", "docs/examples", ...readdirSync("tests").filter((d) => d.startsWith("contract-blind") && !d.endsWith(".ts")).map((d) => `tests/${d}`)];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".json") && f !== "manifest.json").map((f) => join(d, f)));

  it("has snapshots to check", () => {
    expect(files.filter((f) => f.startsWith("demos/")).length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)("%s", (file) => {
    expect(schemaProblems("ecs-doctor-snapshot/1", JSON.parse(read(file)))).toEqual([]);
  });
});

describe("the docs", () => {
  it("give every finding id a section with its meaning and fix", () => {
    const doc = read("docs/findings.md");
    for (const id of documentedIds) {
      const section = doc.split(`#### \`${id}\``)[1]?.split("\n#")[0];
      expect(section, `docs/findings.md has no section for ${id}`).toBeDefined();
      expect(section, id).toContain("**Fix:**");
    }
  });

  it("the snapshot format's example is docs/examples/private-subnet-no-route.json", () => {
    const blocks = [...read("docs/snapshot-format.md").matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(JSON.parse(blocks.at(-1)!)).toEqual(JSON.parse(read("docs/examples/private-subnet-no-route.json")));
  });

  it("every relative link in README and docs/ opens a file of the repository", () => {
    for (const doc of ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)]) {
      const base = doc.includes("/") ? doc.slice(0, doc.lastIndexOf("/") + 1) : "";
      for (const [, target] of read(doc).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        expect(existsSync(join(base, target)), `${doc} links ${target}`).toBe(true);
      }
    }
  });
});

describe("tests stand alone", () => {
  it("no test reads anything beside the repository (../shared)", () => {
    const files = (readdirSync("tests", { recursive: true }) as string[]).filter((f) => /\.(ts|mjs|js)$/.test(f));
    for (const f of files) expect(read(join("tests", f)), f).not.toMatch(/\.\.\/(\.\.\/)?shared\//);
  });
});
