import { execFileSync } from "node:child_process";

export default function setup(): void {
  try {
    execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "pipe" });
  } catch (e) {
    // The CLI tests fail on their own without a bundle; the rest still runs.
    process.stderr.write(`warning: the bundle did not build, CLI tests will fail:\n${(e as { stderr?: Buffer }).stderr?.toString() ?? e}\n`);
  }
}
