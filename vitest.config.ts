import { configDefaults, defineConfig } from "vitest/config";

const unitTests = "tests/**/*.unit.test.ts";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites share one stack. One file at a time (vitest's default on 2 cores): with two or three
    // at once the tests that load the database on purpose (200 registrations, 100 concurrent
    // review edits) failed now and then on statement timeouts and a 409 (README § Testing).
    fileParallelism: true,
    maxWorkers: 1,
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
