import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The CLI tests run the built bundle as a user would; build it once first.
    globalSetup: ["tests/setup/build.ts"],
    testTimeout: 20_000,
  },
});
