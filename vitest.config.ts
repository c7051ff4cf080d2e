import { configDefaults, defineConfig } from "vitest/config";

const unitTests = "tests/**/*.unit.test.ts";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites share one stack; files run in parallel. Vitest's default on 2 cores is one file at a
    // time (cores − 1), but a file mostly waits for the stack and PostgreSQL, other processes: a
    // single worker left a core idle. Two keep both busy; three made the load tests (200
    // registrations at once) hit the database's statement timeout (README § Testing).
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
