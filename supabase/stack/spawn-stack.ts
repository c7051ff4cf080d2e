import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export const projectRoot = path.resolve(import.meta.dirname, "../..");

export interface StackInfo {
  apiUrl: string;
  dbUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
  jwtSecret: string;
  dataDir: string;
  apiPort: number;
  dbPort: number;
  inboxPort: number;
  smtpPort: number;
  studioUrl: string;
  studioPort: number;
}

/** The plain facts of a stack, which vitest can hand from the global setup to every test file. */
export function stackInfo(stack: StackInfo): StackInfo {
  const {
    apiUrl,
    dbUrl,
    anonKey,
    serviceRoleKey,
    publishableKey,
    secretKey,
    jwtSecret,
    dataDir,
    apiPort,
    dbPort,
    inboxPort,
    smtpPort,
    studioUrl,
    studioPort,
  } = stack;
  return {
    apiUrl,
    dbUrl,
    anonKey,
    serviceRoleKey,
    publishableKey,
    secretKey,
    jwtSecret,
    dataDir,
    apiPort,
    dbPort,
    inboxPort,
    smtpPort,
    studioUrl,
    studioPort,
  };
}

export interface SpawnedStack extends StackInfo {
  child: ChildProcess;
  /** Everything the stack printed so far. */
  output(): string;
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
  /** Ctrl-C in a terminal: SIGINT to the stack's whole process group, PostgreSQL included. */
  interrupt(): Promise<number | null>;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function newDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "pitlane-test-"));
}

/**
 * Stacks run detached (their own process group), so a test process that ends without stopping
 * them — a failed hook, a timeout — would leave them running: stop whatever is left when it exits.
 */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGTERM");
});

function field(output: string, label: string): string {
  const match = new RegExp(`^\\s*${label}: (\\S+)`, "m").exec(output);
  if (!match) throw new Error(`the stack printed no "${label}"`);
  return match[1]!;
}

interface SpawnOptions {
  dataDir?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  apiPort?: number;
  dbPort?: number;
  inboxPort?: number;
  smtpPort?: number;
  studioPort?: number;
  /** Run as this OS user (through runuser; the test must be root). */
  user?: string;
}

/**
 * Names a data folder built by `buildTemplate` (template.ts; tests/global-setup.ts makes one per
 * run and sets this). A stack that would otherwise run initdb, the platform bootstrap, every migration and the
 * seed — some 15 s of CPU each, most of a test stack's start — starts on a copy of its cluster.
 */
export const templateEnv = "PITLANE_TEMPLATE_DATA";

const run = promisify(execFile);

/** The stack would build the template's database: its own PostgreSQL, default migrations and seed. */
function buildsTemplateDatabase(options: SpawnOptions): boolean {
  const env = { ...process.env, ...options.env };
  const own = (flag: string) =>
    (options.args ?? []).some((arg) => arg === flag || arg.startsWith(`${flag}=`));
  return (
    !env.DATABASE_URL &&
    options.user === undefined &&
    !own("--migrations") &&
    !own("--seed") &&
    !own("--data")
  );
}

/**
 * Copies the template's cluster into a data folder that has none yet. `cp -a` keeps the files'
 * owner (as root, PostgreSQL's files belong to the `postgres` OS user) and modes (PostgreSQL
 * refuses a data directory others can read).
 */
async function startFromTemplate(dataDir: string, options: SpawnOptions): Promise<void> {
  const template = process.env[templateEnv];
  const pgdata = path.join(dataDir, "postgres");
  if (!template || !buildsTemplateDatabase(options) || existsSync(path.join(pgdata, "PG_VERSION")))
    return;
  await rm(pgdata, { recursive: true, force: true });
  await run("cp", ["-a", path.join(template, "postgres"), pgdata]);
}

/**
 * Whether a start failed on a port spawnStack picked itself (not one the caller chose): the
 * stack's own check names it ("port N is in use"), and so does a later bind's EADDRINUSE
 * ("address already in use 127.0.0.1:N"). Such a start is tried again on the same data folder as a
 * restart would be: a caller's folder is what a crashed stack left, which the stack recovers. An
 * EADDRINUSE that names no port is retried only on a data folder of spawnStack's own.
 */
export function lostPickedPort(error: unknown, options: SpawnOptions): boolean {
  if (!(error instanceof Error)) return false;
  const named =
    /port (\d+) is in use/.exec(error.message) ??
    /EADDRINUSE: address already in use \S*:(\d+)/.exec(error.message);
  if (named) {
    const { apiPort, dbPort, inboxPort, smtpPort, studioPort } = options;
    return ![apiPort, dbPort, inboxPort, smtpPort, studioPort].includes(Number(named[1]));
  }
  return /EADDRINUSE/.test(error.message) && options.dataDir === undefined;
}

/** How many times a start that lost a free port to another process is tried on new ports. */
export const portAttempts = 3;

/**
 * Runs `npm start`'s entry point as a child process, as a user would, and resolves once it prints
 * its status; rejects with its output if it exits first. With a template (see `templateEnv`), a
 * new data folder starts as a copy of the template's cluster.
 *
 * A free port is found, released, then bound by the stack: another stack starting at the same
 * moment (test files run in parallel) can take it in between. A start that loses a port it picked
 * is therefore tried again on new ports; ports and folders the caller chose are never changed.
 */
export async function spawnStack(options: SpawnOptions = {}): Promise<SpawnedStack> {
  for (let attempt = 1; ; attempt++) {
    const dataDir = options.dataDir ?? (await newDataDir());
    await startFromTemplate(dataDir, options);
    try {
      return await spawnStackOnce({ ...options, dataDir });
    } catch (error) {
      if (!lostPickedPort(error, options) || attempt >= portAttempts) throw error;
      // A folder the caller chose is kept: the stack refuses a taken port before it writes there.
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    }
  }
}

async function spawnStackOnce(options: SpawnOptions & { dataDir: string }): Promise<SpawnedStack> {
  const dataDir = options.dataDir;
  const apiPort = options.apiPort ?? (await freePort());
  const dbPort = options.dbPort ?? (await freePort());
  const inboxPort = options.inboxPort ?? (await freePort());
  const smtpPort = options.smtpPort ?? (await freePort());
  const studioPort = options.studioPort ?? (await freePort());
  const command = [
    process.execPath,
    "supabase/stack/start.js",
    "--data",
    dataDir,
    "--api-port",
    String(apiPort),
    "--db-port",
    String(dbPort),
    "--inbox-port",
    String(inboxPort),
    "--smtp-port",
    String(smtpPort),
    "--studio-port",
    String(studioPort),
    ...(options.args ?? []),
  ];
  if (options.user) command.unshift("runuser", "-u", options.user, "--");
  const child = spawn(command[0]!, command.slice(1), {
    cwd: projectRoot,
    // Functions boot on their first call unless a test asks: a test stack seldom calls them all.
    env: { PITLANE_FUNCTIONS_PREWARM: "off", ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, as a terminal gives it, so interrupt() can reach every process in it.
    detached: true,
  });
  running.add(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (/Started in:/.test(output)) {
        child.stdout.off("data", onData);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    void exited.then((code) =>
      reject(new Error(`the stack exited with code ${code} before it was ready:\n${output}`)),
    );
  });
  return {
    child,
    dataDir,
    apiPort,
    dbPort,
    inboxPort,
    smtpPort,
    studioPort,
    studioUrl: field(output, "Studio URL"),
    apiUrl: field(output, "API URL"),
    dbUrl: field(output, "DB URL"),
    anonKey: field(output, "anon key"),
    serviceRoleKey: field(output, "service_role key"),
    publishableKey: field(output, "Publishable key"),
    secretKey: field(output, "Secret key"),
    jwtSecret: field(output, "JWT secret"),
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
    async interrupt() {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGINT");
      return exited;
    },
  };
}

/** Free ports for every port option `args` does not set, so a test never touches the defaults. */
async function withFreePorts(args: string[]): Promise<string[]> {
  const result = [...args];
  for (const option of [
    "--api-port",
    "--db-port",
    "--inbox-port",
    "--smtp-port",
    "--studio-port",
  ]) {
    if (!result.includes(option)) result.push(option, String(await freePort()));
  }
  return result;
}

/**
 * Runs a stack script expecting it to exit; resolves with its exit code and output. By default the
 * stack's entry point, as `npm start` runs it; a TypeScript script (db-reset.ts) runs under tsx, as
 * its npm script runs it.
 */
export async function runStackToExit(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  script = "supabase/stack/start.js",
): Promise<{ code: number | null; output: string }> {
  const loader = script.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, script, ...(await withFreePorts(args))], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}
