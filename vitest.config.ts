import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // tests/wire/ needs moto's server: `npm run test:wire` (vitest.wire.config.ts).
    exclude: [...configDefaults.exclude, "tests/wire/**"],
    // The CLI tests run the built bundle as a user would; build it once first.
    globalSetup: ["tests/setup/build.ts"],
    testTimeout: 20_000,
  },
});
