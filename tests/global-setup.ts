import { rm } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { spawnStack, stackInfo, type StackInfo } from "./helpers/spawn-stack.ts";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** One stack for the whole run, on free ports with a new data folder. */
export default async function setup(project: TestProject) {
  const stack = await spawnStack();
  project.provide("stack", stackInfo(stack));
  return async () => {
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  };
}
