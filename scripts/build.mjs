// Bundles the CLI with esbuild: one start-up file, with the AWS SDK split into
// chunks that load only when a live call is made (a snapshot or --version never
// pays for them). Builds aside and swaps in, so a run of the CLI never sees a
// half-written dist/.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const root = new URL("../", import.meta.url);
const dist = new URL("dist", root).pathname;
const fresh = `${dist}.tmp-${process.pid}`;
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

await build({
  // index: the library (`import ... from "ecs-doctor"`); lambda: the EventBridge handler (`ecs-doctor/lambda`).
  entryPoints: { cli: "src/cli.ts", index: "src/index.ts", lambda: "src/lambda.ts" },
  outdir: fresh,
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  mainFields: ["module", "main"],
  sourcemap: false,
  logLevel: "warning",
  define: { __VERSION__: JSON.stringify(version) },
  banner: {
    js: "import { createRequire as __ecsDoctorCreateRequire } from 'node:module'; const require = __ecsDoctorCreateRequire(import.meta.url);",
  },
});
// Type declarations for the library's users (package.json "types"), from tsconfig.build.json.
// A type error does not stop the bundle (`npm run typecheck` is the gate); a missing compiler is said.
try {
  const tsc = new URL("bin/tsc", `file://${createRequire(import.meta.url).resolve("typescript/package.json")}`).pathname;
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", `${fresh}/types`], { cwd: new URL(".", root).pathname, encoding: "utf8" });
  if (!existsSync(`${fresh}/types/src/index.d.ts`)) process.stderr.write(`warning: no type declarations were emitted:\n${r.stdout}${r.stderr}`);
  else if (r.status !== 0) process.stderr.write(`warning: type declarations emitted with type errors (run npm run typecheck):\n${r.stdout.split("\n").slice(0, 5).join("\n")}\n`);
} catch {
  process.stderr.write("warning: typescript is not installed: no type declarations in dist/types\n");
}
const old = `${dist}.old-${process.pid}`;
try {
  renameSync(dist, old);
} catch {
  // no previous build
}
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
