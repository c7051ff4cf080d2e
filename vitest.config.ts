import { configDefaults, defineConfig } from "vitest/config";

const unitTests = "tests/**/*.unit.test.ts";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites share one stack; files run in parallel on the two cores.
    fileParallelism: true,
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
