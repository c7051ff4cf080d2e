import chromium from "@sparticuz/chromium";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { Db, pauseExpiryJob } from "./helpers/db.ts";
import {
  spawnStack,
  stackInfo,
  templateEnv,
  type StackInfo,
} from "../supabase/stack/spawn-stack.ts";
import { buildTemplate } from "../supabase/stack/template.ts";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
    /** The stack's functions folder: a test may add a function to it while the stack runs. */
    functionsDir: string;
  }
}

/**
 * The database every stack of the run starts from: built once (initdb, bootstrap, migrations,
 * seed), then copied by this file's stack and by every test file's own stack on the default
 * migrations and seed. Set in the environment before vitest starts its workers, which inherit it.
 *
 * One stack for the whole run, on free ports with a new data folder. Its functions get their
 * secrets from a throwaway functions folder's .env (config.toml's entrypoints still point at the
 * repository's functions): an Open Badges signing key made for this run, never committed.
 */
export default async function setup(project: TestProject) {
  const functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-test-fn-"));
  const signingKey = JSON.stringify(
    generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }),
  );
  await writeFile(path.join(functionsDir, ".env"), `CERTIFICATES_SIGNING_KEY='${signingKey}'\n`);
  // The browser tests' Chromium is inflated (into the temporary folder, once per machine) here,
  // before any worker asks for it: @sparticuz/chromium takes a half-written binary for a finished
  // one, so two files launching it at the same moment on a new machine failed with ETXTBSY.
  const [template] = await Promise.all([buildTemplate(), chromium.executablePath()]);
  process.env[templateEnv] = template;
  const stack = await spawnStack({ args: ["--functions", functionsDir] });
  const db = new Db(stack.dbUrl);
  await pauseExpiryJob(db);
  await db.end();
  project.provide("stack", stackInfo(stack));
  project.provide("functionsDir", functionsDir);
  return async () => {
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
    await rm(functionsDir, { recursive: true, force: true });
    await rm(template, { recursive: true, force: true });
  };
}
