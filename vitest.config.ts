import { configDefaults, defineConfig } from "vitest/config";

const unitTests = "tests/**/*.unit.test.ts";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two files at a time share the run's stack (README § Testing). The database load tests that
    // once failed with two (200 registrations at once, 100 concurrent reviews) failed on product
    // bugs, fixed in sql/0069 and 0070.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ["default", "./tests/times-reporter.ts"],
    projects: [
      // Pure code on its own (`npx vitest run --project unit`): no stack is started for these.
      { extends: true, test: { name: "unit", include: [unitTests] } },
      {
        extends: true,
        test: {
          name: "stack",
          include: ["tests/**/*.test.ts"],
          exclude: [...configDefaults.exclude, unitTests],
          globalSetup: ["tests/global-setup.ts"],
        },
      },
    ],
  },
});
