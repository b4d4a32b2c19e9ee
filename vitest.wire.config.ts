import { defineConfig } from "vitest/config";

// `npm run test:wire`: the live path against moto's server (tests/wire/). One
// server holds one world at a time, so files run one after another.
export default defineConfig({
  test: {
    include: ["tests/wire/**/*.test.ts"],
    globalSetup: ["tests/wire/global-setup.ts"],
    setupFiles: ["tests/wire/env.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
