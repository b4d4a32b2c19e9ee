#!/usr/bin/env node
// The project's own docs/ and schemas/ are its public interface; the acceptance
// contract (../shared/contract, beside the repository in CI, never needed by the
// tests) is the specification they follow. Where that checkout is present, this
// says whether they are in step: the finding ids, the snapshot collections, and
// every demo's JSON report through the contract's own check-report.mjs.
// Exits 1 on a difference; 0 with a note when there is no contract beside it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const contract = join(root, "..", "shared", "contract");
if (!existsSync(join(contract, "findings.md"))) {
  console.log("contract-sync: no contract checkout at ../shared/contract; nothing to compare");
  process.exit(0);
}
const read = (p) => readFileSync(p, "utf8");
const problems = [];
const same = (what, ours, theirs) => {
  const missing = theirs.filter((x) => !ours.includes(x));
  const extra = ours.filter((x) => !theirs.includes(x));
  if (missing.length) problems.push(`${what}: the contract has ${missing.join(", ")}, the project does not`);
  if (extra.length) problems.push(`${what}: the project has ${extra.join(", ")}, the contract does not`);
};

const ids = (text) => [...text.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
same("finding ids (docs/findings.md)", ids(read(join(root, "docs/findings.md"))), ids(read(join(contract, "findings.md"))));
same("finding ids (schemas/ecs-doctor-report.schema.json)", JSON.parse(read(join(root, "schemas/ecs-doctor-report.schema.json"))).$defs.findingId.enum, ids(read(join(contract, "findings.md"))));

const collections = (text) => [...text.matchAll(/^\| `([a-z0-9]+\.[A-Za-z]+)` \|/gm)].map((m) => m[1]);
const theirs = collections(read(join(contract, "snapshot-format.md")));
same("snapshot collections (docs/snapshot-format.md)", collections(read(join(root, "docs/snapshot-format.md"))), theirs);
const schema = JSON.parse(read(join(root, "schemas/ecs-doctor-snapshot.schema.json")));
const inSchema = Object.entries(schema.properties).flatMap(([service, s]) => Object.keys(s.anyOf?.[0]?.properties ?? {}).map((c) => `${service}.${c}`));
same("snapshot collections (schemas/ecs-doctor-snapshot.schema.json)", inSchema, theirs);

const checker = join(contract, "check-report.mjs");
if (existsSync(checker)) {
  const bin = join(root, "bin/ecs-doctor.js");
  for (const f of readdirSync(join(root, "demos")).filter((x) => x.endsWith(".json"))) {
    const r = spawnSync(process.execPath, [bin, "--snapshot", join(root, "demos", f), "-o", "json"], { encoding: "utf8" });
    const verdict = spawnSync(process.execPath, [checker], { input: r.stdout, encoding: "utf8" });
    if (verdict.status !== 0) problems.push(`demos/${f}: the contract's check-report.mjs says: ${verdict.stdout.trim().split("\n").join("; ")}`);
  }
  const explained = spawnSync(process.execPath, [bin, "explain", "CannotPullContainerError: dial tcp 52.1.2.3:443: i/o timeout", "-o", "json"], { encoding: "utf8" });
  const verdict = spawnSync(process.execPath, [checker], { input: explained.stdout, encoding: "utf8" });
  if (verdict.status !== 0) problems.push(`explain: the contract's check-report.mjs says: ${verdict.stdout.trim()}`);
}

for (const p of problems) console.log(`contract-sync: ${p}`);
console.log(problems.length ? `contract-sync: ${problems.length} difference(s) from ../shared/contract` : "contract-sync: docs/ and schemas/ are in step with ../shared/contract");
process.exitCode = problems.length ? 1 : 0;
