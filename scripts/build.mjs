// Bundles the CLI with esbuild: one start-up file, with the AWS SDK split into
// chunks that load only when a live call is made (a snapshot or --version never
// pays for them). Builds aside and swaps in, so a run of the CLI never sees a
// half-written dist/.
import { build } from "esbuild";
import { readFileSync, renameSync, rmSync } from "node:fs";

const root = new URL("../", import.meta.url);
const dist = new URL("dist", root).pathname;
const fresh = `${dist}.tmp-${process.pid}`;
const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

await build({
  entryPoints: { cli: "src/cli.ts", index: "src/index.ts" },
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
const old = `${dist}.old-${process.pid}`;
try {
  renameSync(dist, old);
} catch {
  // no previous build
}
renameSync(fresh, dist);
rmSync(old, { recursive: true, force: true });
