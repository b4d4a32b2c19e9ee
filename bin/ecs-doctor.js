#!/usr/bin/env node
// Thin entry: runs the bundle in dist/. The package ships dist/ (built by
// `npm pack` through prepack); a git checkout builds it on first use, so
// `npm ci && npx ecs-doctor demo` works without an install script, which
// would run (and warn) on every install of the package.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  const build = new URL("../scripts/build.mjs", import.meta.url);
  if (!existsSync(build)) {
    process.stderr.write("ecs-doctor: dist/cli.js is missing from this installation: reinstall the package\n");
    process.exit(2);
  }
  const { spawnSync } = await import("node:child_process");
  process.stderr.write("ecs-doctor: building dist/ (first run in this checkout)...\n");
  const r = spawnSync(process.execPath, [build.pathname], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) process.exit(2);
}
const { main } = await import(cli.href);
await main(process.argv);
