// Bundles the CLI with esbuild: one start-up file, with the AWS SDK split into
// chunks that load only when a live call is made (a snapshot or --version never
// pays for them).
import { build } from "esbuild";
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli.ts", index: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  mainFields: ["module", "main"],
  sourcemap: false,
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __ecsDoctorCreateRequire } from 'node:module'; const require = __ecsDoctorCreateRequire(import.meta.url);",
  },
});
