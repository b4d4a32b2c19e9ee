#!/usr/bin/env node
// The package as a user gets it: packs the repository, installs the tarball in
// an empty folder, and measures what the install adds (size, packages, time,
// warnings), then runs every entry point from there: each command, the library
// import, the Lambda handler, the MCP server, every bundle chunk, the schemas.
// `npm run bench` prints the figures; tests/package.test.ts asserts them.
//
// Usage: node scripts/package-check.mjs [--json] [--no-build]
//   --no-build  pack the dist/ that is there (npm pack --ignore-scripts)
// Needs nothing but Node and npm.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const args = new Set(process.argv.slice(2));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Bytes of every file under `dir`. */
function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(p);
    else if (entry.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Package folders under node_modules (scoped ones counted one by one). */
function packagesIn(modules) {
  if (!existsSync(modules)) return [];
  return readdirSync(modules)
    .filter((n) => !n.startsWith("."))
    .flatMap((n) => (n.startsWith("@") ? readdirSync(join(modules, n)).map((s) => `${n}/${s}`) : [n]));
}

const work = mkdtempSync(join(tmpdir(), "ecs-doctor-package-"));
const figures = { tarball: {}, install: {}, entryPoints: [] };
try {
  // 1. Pack, as `npm publish` would.
  const packArgs = ["pack", "--json", "--pack-destination", work, ...(args.has("--no-build") ? ["--ignore-scripts"] : [])];
  const packed = JSON.parse(execFileSync(npm, packArgs, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }))[0];
  const tarball = join(work, packed.filename);
  figures.tarball = { file: packed.filename, bytes: packed.size, unpackedBytes: packed.unpackedSize, files: packed.entryCount };

  // 2. Install it in an empty folder, as a user would.
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "app", version: "1.0.0", private: true, type: "module" })}\n`);
  const started = performance.now();
  const install = spawnSync(npm, ["install", tarball], { cwd: app, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  const modules = join(app, "node_modules");
  const output = `${install.stdout}\n${install.stderr}`;
  figures.install = {
    exitCode: install.status,
    seconds: Number(seconds.toFixed(2)),
    addedBytes: existsSync(modules) ? bytesUnder(modules) : 0,
    packages: packagesIn(modules),
    warnings: output.split("\n").filter((l) => /\bwarn(ing)?\b/i.test(l)).map((l) => l.trim()),
  };

  // 3. Every entry point, from the installed package only.
  const pkg = join(modules, "ecs-doctor");
  const bin = join(modules, ".bin", "ecs-doctor");
  const demo = join(pkg, "demos", "private-subnet-no-route.json");
  // No AWS configuration from this machine; a live call goes to a closed port.
  const env = { PATH: process.env.PATH ?? "", HOME: work, AWS_CONFIG_FILE: join(work, "none"), AWS_SHARED_CREDENTIALS_FILE: join(work, "none"), AWS_EC2_METADATA_DISABLED: "true" };
  const missingModule = /ERR_MODULE_NOT_FOUND|Cannot find (package|module)/;

  const check = (name, run, judge) => {
    const t = performance.now();
    let ok = false;
    let detail = "";
    try {
      const r = run();
      detail = judge(r);
      ok = detail === "";
    } catch (e) {
      detail = String(e?.message ?? e).split("\n")[0];
    }
    figures.entryPoints.push({ name, ok, ms: Math.round(performance.now() - t), ...(ok ? {} : { detail }) });
  };
  const cli = (cliArgs, extraEnv = {}) => spawnSync(bin, cliArgs, { cwd: app, env: { ...env, ...extraEnv }, encoding: "utf8", timeout: 60_000 });
  const want = (cond, what) => (cond ? "" : what);
  const node = (code) => spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: app, env, encoding: "utf8", timeout: 60_000 });

  check("ecs-doctor --version", () => cli(["--version"]), (r) => want(r.status === 0 && r.stdout.trim() === JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version, `exit ${r.status}: ${r.stdout}${r.stderr}`));
  check("ecs-doctor help", () => cli(["help"]), (r) => want(r.status === 0 && /Usage: ecs-doctor/.test(r.stdout), `exit ${r.status}: ${r.stderr}`));
  check("ecs-doctor demo", () => cli(["demo"]), (r) => want(r.status === 0 && r.stdout.includes("no-route-to-registry"), `exit ${r.status}: ${r.stderr}`));
  check("ecs-doctor --snapshot FILE -o json", () => cli(["--snapshot", demo, "-o", "json"]), (r) => want(r.status === 1 && JSON.parse(r.stdout).findings[0].id === "no-route-to-registry", `exit ${r.status}: ${r.stderr}`));
  check("ecs-doctor explain", () => cli(["explain", "CannotPullContainerError: ... dial tcp 52.1.2.3:443: i/o timeout", "-o", "json"]), (r) => want(r.status !== 2 && JSON.parse(r.stdout).format === "ecs-doctor-report/1", `exit ${r.status}: ${r.stderr}`));
  check("ecs-doctor scan", () => cli(["scan", "--snapshot", demo, "-o", "json"]), (r) => want(r.status === 1 && JSON.parse(r.stdout).format === "ecs-doctor-scan/1", `exit ${r.status}: ${r.stderr}`));
  check("ecs-doctor preflight", () => cli(["preflight", "--snapshot", demo, "--cluster", "prod", "--service", "web", "-o", "json"]), (r) => want(r.status === 1 && JSON.parse(r.stdout).preflight !== undefined, `exit ${r.status}: ${r.stderr}`));
  check("ecs-doctor record", () => cli(["record", "--snapshot", demo, "--redact"]), (r) => want(r.status === 0 && JSON.parse(r.stdout).format === "ecs-doctor-snapshot/1", `exit ${r.status}: ${r.stderr}`));
  check(
    "ecs-doctor TASK (live: loads the AWS SDK chunks)",
    () =>
      cli(["arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef", "--timeout", "5"], {
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "example", AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1",
      }),
    (r) => want(r.status === 2 && !missingModule.test(r.stderr) && r.stderr.startsWith("ecs-doctor:"), `exit ${r.status}: ${r.stderr}`),
  );
  check(
    'import { diagnose } from "ecs-doctor"',
    () => node(`const { diagnose } = await import("ecs-doctor"); const r = await diagnose({ snapshot: ${JSON.stringify(demo)} }); console.log(r.findings[0].id);`),
    (r) => want(r.stdout.trim() === "no-route-to-registry", `exit ${r.status}: ${r.stderr}`),
  );
  check(
    'import { handler } from "ecs-doctor/lambda"',
    () => node(`const { handler } = await import("ecs-doctor/lambda"); console.log(JSON.stringify(await handler({ "detail-type": "ECS Task State Change", detail: { taskArn: "arn:aws:ecs:us-east-1:1:task/c/t", lastStatus: "RUNNING" } })));`),
    (r) => want(r.status === 0 && JSON.parse(r.stdout).status === "ignored", `exit ${r.status}: ${r.stderr}`),
  );
  check(
    "every chunk of the bundle loads with no dependency installed",
    () => node(`for (const f of ${JSON.stringify(readdirSync(join(pkg, "dist")).filter((f) => f.endsWith(".js")).map((f) => join(pkg, "dist", f)))}) await import(f); console.log("ok");`),
    (r) => want(r.stdout.trim() === "ok", `exit ${r.status}: ${r.stderr.split("\n").find((l) => missingModule.test(l)) ?? r.stderr}`),
  );
  check(
    "the JSON Schemas resolve by package path",
    () => node(`import { createRequire } from "node:module"; const require = createRequire(import.meta.url); for (const f of ["report", "scan", "snapshot"]) require("ecs-doctor/schemas/ecs-doctor-" + f + ".schema.json"); console.log("ok");`),
    (r) => want(r.stdout.trim() === "ok", `exit ${r.status}: ${r.stderr}`),
  );
  check(
    "README's relative links open files of the package",
    () => [...readFileSync(join(pkg, "README.md"), "utf8").matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t)),
    (links) => want(links.length > 0 && links.every((l) => existsSync(join(pkg, l))), `missing: ${links.filter((l) => !existsSync(join(pkg, l))).join(", ")}`),
  );
  await new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(bin, ["mcp"], { cwd: app, env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    const finish = (ok, detail) => {
      figures.entryPoints.push({ name: "ecs-doctor mcp", ok, ms: Math.round(performance.now() - t), ...(ok ? {} : { detail }) });
      child.kill();
      resolve();
    };
    const timer = setTimeout(() => finish(false, `no answer to initialize: ${err}`), 30_000);
    child.stdout.on("data", () => {
      const line = out.split("\n").find((l) => l.includes('"id":1'));
      if (!line) return;
      clearTimeout(timer);
      finish(JSON.parse(line).result?.serverInfo?.name === "ecs-doctor", line);
    });
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "package-check", version: "1" } } })}\n`);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (args.has("--json")) {
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
} else {
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  const i = figures.install;
  const lines = [
    "The packed package, installed in an empty folder:",
    "",
    "| what | measured | target |",
    "| --- | --- | --- |",
    `| tarball | ${mb(figures.tarball.bytes)} (${figures.tarball.files} files, ${mb(figures.tarball.unpackedBytes)} unpacked) | |`,
    `| \`npm install\` adds | ${mb(i.addedBytes)}, ${i.packages.length} package${i.packages.length === 1 ? "" : "s"} (${i.packages.join(", ")}) | ≤ 10 MB |`,
    `| \`npm install\` takes | ${i.seconds.toFixed(1)} s | < 5 s |`,
    `| warnings | ${i.warnings.length ? i.warnings.join("; ") : "none"} | none |`,
    ...figures.entryPoints.map((e) => `| ${e.name} | ${e.ok ? "works" : `FAILS: ${e.detail}`} (${(e.ms / 1000).toFixed(2)} s) | works |`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
const failed = figures.install.exitCode !== 0 || figures.entryPoints.some((e) => !e.ok);
process.exitCode = failed ? 1 : 0;
