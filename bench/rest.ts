/**
 * REST throughput and latency beside the floor any REST layer pays: the same SQL statement the
 * REST service builds, run directly through a `pg` pool in the same run. Three requests (a filtered
 * page of 20 rows with one embed, one row by key, an insert returning its row) at 1, 16 and 64
 * concurrent clients on loopback, after a warm-up at the same concurrency (pools filled,
 * statements planned, JIT warm). REST and direct take turns for several rounds of fixed length and
 * each reports its median round, so that a slow spell of a shared machine falls on both sides
 * rather than on one.
 *
 * Both clients are lean, so the figures compare the servers: pg's client for SQL, and for HTTP
 * undici's Pool (the HTTP/1.1 client under Node's fetch, and so under supabase-js), one kept-alive
 * connection per client and no pipelining, as fetch uses it. Client, stack and PostgreSQL share
 * the machine's cores, so what the client spends per request is charged to REST: fetch's own
 * layers (WHATWG streams, Request and Response objects) cost several times what pg's client does,
 * and node:http some twice what the Pool does (on a quiet 2-core machine, some 60 µs against 35 µs
 * a request). Every reply is still read whole and its status checked.
 */
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { Pool, type Dispatcher } from "undici";
import { urlAs } from "../supabase/stack/database/connection.ts";
import { parseQueryParams } from "../supabase/stack/rest/parse/query-params.ts";
import type { QueryParams } from "../supabase/stack/rest/parse/types.ts";
import { planInsert } from "../supabase/stack/rest/plan/mutate.ts";
import { neededColumns, planRead, type ReadOptions } from "../supabase/stack/rest/plan/read.ts";
import type { CallArguments } from "../supabase/stack/rest/plan/types.ts";
import { loadSchemaCache } from "../supabase/stack/rest/schema-cache/load.ts";
import { qiKey, type SchemaCache } from "../supabase/stack/rest/schema-cache/types.ts";
import {
  callStatement,
  mutationStatement,
  readStatement,
  type Statement,
} from "../supabase/stack/rest/query/statements.ts";
import { spawnStack } from "../supabase/stack/spawn-stack.ts";
import { median, row, type BenchRow } from "./rows.ts";

const fixtures = path.join(import.meta.dirname, "../tests/rest/fixtures");
const concurrencies = [1, 16, 64];
const rounds = 3;
const roundMs = 2_000;
const warmUpMs = 1_000;
/** Inputs built for a round: more than the fastest side sends in one. */
const inputsPerRound = 30_000;
/** The REST service's pool size; the baseline pool gets the same. */
const poolSize = 20;

export interface HttpRequest {
  path: string;
  method?: string;
  headers: Record<string, string>;
  body?: string;
}

interface Scenario {
  name: string;
  /** The i-th request over HTTP. */
  http(i: number): HttpRequest;
  /** The same statement for the direct baseline. */
  direct(i: number): Statement;
}

/**
 * Sends one request on a kept-alive socket (node:http, whose per-chunk cost is far below fetch's)
 * and resolves its body as bytes; rejects unless the status is below 300.
 */
export function exchange(
  agent: http.Agent,
  base: URL,
  request: Omit<HttpRequest, "body"> & { body?: string | Buffer },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: request.method ?? "GET",
        path: `${base.pathname}${request.path}`,
        headers: request.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks);
          if (status >= 300) reject(new Error(`${request.path}: ${status} ${body.toString()}`));
          else resolve(body);
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}

/** `exchange`, its body as text. */
export async function send(agent: http.Agent, base: URL, request: HttpRequest): Promise<string> {
  return (await exchange(agent, base, request)).toString();
}

/** `send` through undici (a Pool, or one member's Client): the request's path is below `base`'s. */
export async function sendVia(
  dispatcher: Dispatcher,
  base: URL,
  request: HttpRequest,
): Promise<string> {
  const { statusCode, body } = await dispatcher.request({
    path: `${base.pathname}${request.path}`,
    method: request.method ?? "GET",
    headers: request.headers,
    body: request.body,
  });
  const text = await body.text();
  if (statusCode >= 300) throw new Error(`${request.path}: ${statusCode} ${text}`);
  return text;
}

export interface Run {
  perSecond: number;
  latencies: number[];
}

/** The median round's throughput; latencies of every round. */
export function summarise(runs: Run[]): Run {
  return {
    perSecond: median(runs.map((r) => r.perSecond)),
    latencies: runs.flatMap((r) => r.latencies).sort((a, b) => a - b),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs `once` on each prepared input from `clients` loops until the inputs or the time run out;
 * latencies in ms. Inputs are built beforehand so that neither side pays for building them.
 */
export async function load<I>(
  clients: number,
  inputs: I[],
  timeMs: number,
  once: (input: I) => Promise<unknown>,
): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < inputs.length && performance.now() - started < timeMs) {
        const input = inputs[next++]!;
        const t = performance.now();
        await once(input);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: latencies.length / elapsed, latencies: latencies.sort((a, b) => a - b) };
}

const readPlanOptions = (params: QueryParams): ReadOptions => ({
  rootFilters: true,
  ranges: true,
  topLevelRange: params.ranges.find((r) => r.path.length === 0)?.range ?? { offset: 0 },
  maxRows: 1000,
  aggregatesEnabled: false,
});

export function readSql(cache: SchemaCache, table: string, query: string): Statement {
  const t = cache.tables.get(qiKey("public", table))!;
  const params = parseQueryParams(query, false);
  const root = planRead(
    cache,
    "public",
    { relation: { schema: "public", name: table }, columns: t.columns, fromSource: false },
    params,
    readPlanOptions(params),
  );
  return readStatement(root, { kind: "array", stripNulls: false }, false);
}

/** The statement REST runs for `GET /rpc/<fn>?<query>`, a function returning rows of a table. */
export function callSql(cache: SchemaCache, fn: string, query: string): Statement {
  const params = parseQueryParams(query, true);
  const routine = cache.routines.get(qiKey("public", fn))![0]!;
  const table = routine.returnsComposite!;
  const root = planRead(
    cache,
    "public",
    {
      relation: table,
      columns: cache.tables.get(qiKey(table.schema, table.name))!.columns,
      fromSource: true,
    },
    params,
    readPlanOptions(params),
  );
  const byName = new Map(routine.params.map((p) => [p.name, p]));
  const args: CallArguments = {
    kind: "text",
    values: params.rpcArguments.map(([name, value]) => [byName.get(name)!, value]),
  };
  return callStatement({ routine, args }, root, { kind: "array", stripNulls: false }, false);
}

function insertSql(cache: SchemaCache, id: number): Statement {
  const t = cache.tables.get(qiKey("public", "items"))!;
  const params = parseQueryParams("", false);
  const body = { id, name: `direct-${id}` };
  const planned = planInsert(
    t,
    params,
    {
      kind: "rows",
      rows: [body],
      keys: Object.keys(body),
      isArray: false,
      raw: JSON.stringify(body),
    },
    { invalid: [] },
  );
  const root = planRead(
    cache,
    "public",
    { relation: { schema: "public", name: "items" }, columns: t.columns, fromSource: true },
    params,
    {
      rootFilters: false,
      ranges: false,
      topLevelRange: { offset: 0 },
      maxRows: undefined,
      aggregatesEnabled: false,
    },
  );
  return mutationStatement(
    { ...planned, returning: neededColumns(root) },
    root,
    { kind: "array", stripNulls: false },
    [],
  );
}

export async function benchRest(): Promise<BenchRow[]> {
  const stack = await spawnStack({
    args: [
      "--migrations",
      path.join(fixtures, "migrations"),
      "--seed",
      path.join(fixtures, "seed"),
      "--config",
      path.join(fixtures, "config.toml"),
    ],
  });
  const admin = new pg.Pool({ connectionString: stack.dbUrl, max: 2 });
  // The statement runs with the privileges a REST request has: the role is set once per connection.
  const direct = new pg.Pool({
    connectionString: urlAs(stack.dbUrl, "authenticator"),
    max: poolSize,
    options: "-c role=anon",
  });
  direct.on("error", () => undefined);
  admin.on("error", () => undefined);
  try {
    await admin.query(`insert into public.books (title, author_id, genre, published)
      select 'bench ' || n, 1 + n % 3, 'bench', 2000 + n % 20 from generate_series(1, 500) n`);
    const client = await admin.connect();
    await client.query("set search_path = ''");
    const cache = await loadSchemaCache(client, ["public", "extra"]);
    client.release();

    const listQuery =
      "select=id,title,published,author:authors!author_id(name)&genre=eq.bench&published=gte.2005&order=id&limit=20";
    const headers = { apikey: stack.anonKey, Authorization: `Bearer ${stack.anonKey}` };
    const listSql = readSql(cache, "books", listQuery);
    const byKeySql = Array.from({ length: 6 }, (_, i) => readSql(cache, "books", `id=eq.${1 + i}`));
    const scenarios: Scenario[] = [
      {
        name: "list 20 rows + embed",
        http: () => ({ path: `/books?${listQuery}`, headers }),
        direct: () => listSql,
      },
      {
        name: "row by key",
        http: (i) => ({ path: `/books?id=eq.${1 + (i % 6)}`, headers }),
        direct: (i) => byKeySql[i % 6]!,
      },
      {
        name: "insert, return=representation",
        http: (i) => ({
          path: "/items",
          method: "POST",
          headers: {
            ...headers,
            "Content-Type": "application/json",
            Prefer: "return=representation",
          },
          body: JSON.stringify({ id: 1_000_000 + i, name: `rest-${i}` }),
        }),
        direct: (i) => insertSql(cache, 5_000_000 + i),
      },
    ];

    const restUrl = new URL(`${stack.apiUrl}/rest/v1`);
    const rows: BenchRow[] = [];
    let offset = 0;
    // Insert ids never repeat across rounds and warm-ups.
    const inputs = <T>(make: (i: number) => T): T[] => {
      const base = offset;
      offset += inputsPerRound;
      return Array.from({ length: inputsPerRound }, (_, i) => make(base + i));
    };
    for (const scenario of scenarios) {
      for (const clients of concurrencies) {
        const pool = new Pool(restUrl.origin, { connections: clients, pipelining: 1 });
        const viaHttp = (request: HttpRequest) => sendVia(pool, restUrl, request);
        const viaSql = (statement: Statement) =>
          direct.query(statement.text, statement.values).then(() => undefined);
        const restRound = (ms: number) =>
          load(
            clients,
            inputs((i) => scenario.http(i)),
            ms,
            viaHttp,
          );
        const directRound = (ms: number) =>
          load(
            clients,
            inputs((i) => scenario.direct(i)),
            ms,
            viaSql,
          );
        await restRound(warmUpMs);
        await directRound(warmUpMs);
        const restRuns: Run[] = [];
        const directRuns: Run[] = [];
        for (let round = 0; round < rounds; round++) {
          restRuns.push(await restRound(roundMs));
          directRuns.push(await directRound(roundMs));
        }
        await pool.close();
        const rest = summarise(restRuns);
        const sql = summarise(directRuns);
        process.stderr.write(
          `${scenario.name} ×${clients}: rest ${restRuns.map((r) => r.perSecond.toFixed(0)).join("/")} req/s, direct ${directRuns.map((r) => r.perSecond.toFixed(0)).join("/")} req/s\n`,
        );
        const label = `rest ${scenario.name}, ${clients} client${clients > 1 ? "s" : ""}`;
        rows.push(
          row(
            `${label}: throughput`,
            rest.perSecond,
            "same SQL via pg pool",
            sql.perSecond,
            "req/s",
          ),
        );
        for (const p of [50, 95, 99]) {
          rows.push(
            row(
              `${label}: p${p} latency`,
              percentile(rest.latencies, p),
              "same SQL via pg pool",
              percentile(sql.latencies, p),
              "ms",
            ),
          );
        }
      }
    }
    return rows;
  } finally {
    await direct.end();
    await admin.end();
    await stack.stop();
  }
}

// `node --import tsx bench/rest.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import("./rows.ts");
  console.log(formatTable(await benchRest()));
}
