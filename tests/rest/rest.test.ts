/**
 * The REST suite: one stack with the suite's own schema for every REST test, run one suite after
 * another because some change the stack's in-database configuration.
 */
import { rm } from "node:fs/promises";
import { afterAll, beforeAll } from "vitest";
import { rest, startRestStack } from "./context.ts";
import "./suites/read.ts";
import "./suites/embedding.ts";
import "./suites/write.ts";
import "./suites/rpc.ts";
import "./suites/http.ts";
import "./suites/config.ts";
import "./suites/transactions.ts";
import "./suites/fuzz.ts";

beforeAll(async () => {
  await startRestStack();
}, 120_000);

afterAll(async () => {
  if (!rest.stack) return;
  await rest.stack.stop();
  await rm(rest.stack.dataDir, { recursive: true, force: true });
});
