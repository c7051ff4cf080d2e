/**
 * What keeping acknowledged writes through a crash of PostgreSQL costs: REST inserts per second
 * with the stack's setting (`synchronous_commit=on`: a commit is answered once its WAL is written
 * to the operating system, still without fsync) beside the earlier `synchronous_commit=off`, which
 * answered before that and lost the last acknowledged writes on kill -9. Both on one stack:
 * `alter system` and a reload switch the setting for the REST pool's open sessions, and the two
 * take turns for several rounds of fixed length so that a slow spell falls on both.
 */
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { spawnStack } from "../supabase/stack/spawn-stack.ts";
import { median, row, type BenchRow } from "./rows.ts";

const fixtures = path.join(import.meta.dirname, "../tests/fixtures");
const concurrencies = [1, 16];
const rounds = 5;
const roundMs = 2_000;

function insert(agent: http.Agent, apiUrl: URL, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: apiUrl.hostname,
        port: apiUrl.port,
        method: "POST",
        path: "/rest/v1/notes",
        headers: {
          apikey: key,
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          prefer: "return=minimal",
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          response.statusCode === 201
            ? resolve()
            : reject(new Error(`insert answered ${response.statusCode}`)),
        );
      },
    );
    request.on("error", reject);
    request.end('{"body":"bench"}');
  });
}

/** Inserts per second from `clients` loops for `ms`. */
async function round(clients: number, ms: number, once: () => Promise<void>): Promise<number> {
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() - started < ms) {
        await once();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

export async function benchDurability(): Promise<BenchRow[]> {
  const stack = await spawnStack({
    args: [
      "--migrations",
      path.join(fixtures, "migrations"),
      "--seed",
      path.join(fixtures, "no-seed"),
    ],
  });
  const admin = new pg.Client({ connectionString: stack.dbUrl });
  await admin.connect();
  const setSynchronousCommit = async (value: "on" | "off") => {
    await admin.query(`alter system set synchronous_commit = ${value}`);
    await admin.query("select pg_reload_conf()");
    // A reload reaches the other sessions when they next read a command; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
  };
  try {
    const apiUrl = new URL(stack.apiUrl);
    const rows: BenchRow[] = [];
    for (const clients of concurrencies) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
      const once = () => insert(agent, apiUrl, stack.serviceRoleKey);
      await round(clients, 1_000, once); // warm-up: sockets, pool, plans
      const on: number[] = [];
      const off: number[] = [];
      for (let i = 0; i < rounds; i++) {
        await setSynchronousCommit("off");
        off.push(await round(clients, roundMs, once));
        await setSynchronousCommit("on");
        on.push(await round(clients, roundMs, once));
      }
      agent.destroy();
      rows.push(
        row(
          `REST insert, ${clients} client(s), synchronous_commit=on`,
          median(on),
          "synchronous_commit=off (before)",
          median(off),
          "req/s",
        ),
      );
    }
    return rows;
  } finally {
    await admin.query("alter system reset synchronous_commit").catch(() => undefined);
    await admin.end();
    await stack.stop();
  }
}
