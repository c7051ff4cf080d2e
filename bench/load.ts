/**
 * The club at scale (issue 24): 1,000 signed-in members at once, each a real auth user with their
 * own access token and their own keep-alive connection, browsing as people do, on a seed of
 * 100,000 events and 1,000,000 registrations (bench/load-seed.sql), all under RLS.
 *
 * Each member waits an exponentially distributed think time (mean 1 s), then sends one request of
 * a member app's mix, in the SDK's query shapes (clients/src/domains): the events list with its
 * filters and the organizer embedded, one event with its sessions, their own registrations with
 * their events, their own invoices with their items, and registering through the RPC. The same
 * statements, built by the REST service's own planner, run beside it through a `pg` pool as the
 * `authenticated` role with the member's `request.jwt.claims` (RLS applies the same). Then the
 * saturation point: the same clients with no think time. Figures are taken after a warm-up.
 *
 * Loading the seed takes minutes, so its data folder is built once and kept under
 * node_modules/.cache, keyed by the seed; each run starts on a copy, to which the stack applies
 * any newer migrations.
 *
 * `node --import tsx bench/load.ts --plans` prints EXPLAIN (ANALYZE, BUFFERS) of each request's
 * statement as a member instead, and `--costs` the CPU one request of each kind costs.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { SignJWT } from "jose";
import pg from "pg";
import { Client } from "undici";
import { urlAs } from "../supabase/stack/database/connection.ts";
import { loadSchemaCache } from "../supabase/stack/rest/schema-cache/load.ts";
import type { SchemaCache } from "../supabase/stack/rest/schema-cache/types.ts";
import type { Statement } from "../supabase/stack/rest/query/statements.ts";
import { projectRoot, spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
import { callSql, readSql, sendVia } from "./rest.ts";
import { treeCpuSeconds } from "../tests/helpers/processes.ts";
import { row, type BenchRow } from "./rows.ts";

const members = 1_000;
/** Members 1–600 own or staff the organizations; the load is plain members'. */
const firstMember = 601;
const thinkMeanMs = 1_000;
const warmUpMs = 10_000;
const measureMs = 30_000;
const saturationWarmUpMs = 3_000;
const saturationMs = 15_000;
/** The REST service's pool size (supabase/stack/rest/service.ts); the direct pool gets the same. */
const poolSize = 20;
const searchWords = ["kaizen", "safety", "welding", "logistics", "lean"];

const run = promisify(execFile);
const seedFile = path.join(import.meta.dirname, "load-seed.sql");
const cacheRoot = path.join(projectRoot, "node_modules/.cache/pitlane-load");

type Kind =
  "events list" | "events search" | "one event" | "my registrations" | "my invoices" | "register";
/** How often a member app sends each request, out of 100. */
const mix: [Kind, number][] = [
  ["events list", 30],
  ["events search", 10],
  ["one event", 25],
  ["my registrations", 13],
  ["my invoices", 13],
  ["register", 9],
];

interface Member {
  id: string;
  token: string;
  claims: string;
  /** The member's own kept-alive connection (undici's, as under fetch and supabase-js). */
  connection: Client;
  /** Events this member may register for and has not: each register call takes the next. */
  openEvents: string[];
}

/**
 * One request, as the REST call and as the statement the direct side runs. The statement is
 * planned only for the direct side: planning it with the REST service's planner was some half of
 * the load generator's CPU for each REST request, taken from the stack and PostgreSQL on the
 * shared cores for a statement the REST side never sends.
 */
interface Request {
  kind: Kind;
  http: { method: "GET" | "POST"; path: string; accept?: string; body?: string };
  direct: () => Statement;
}

/** A request with its statement, for the direct side: planned when built, before its time is taken. */
interface PlannedRequest extends Request {
  statement: Statement;
}

function planned(build: (member: Member, kind: Kind) => Request) {
  return (member: Member, kind: Kind): PlannedRequest => {
    const request = build(member, kind);
    return { ...request, statement: request.direct() };
  };
}

/**
 * The seed's data folder, built again when the seed changes. Not when the schema does: the stack
 * applies new migrations and platform files at start, as on a deployed database, and refuses a
 * changed one (then delete node_modules/.cache/pitlane-load).
 */
async function seededDataDir(emptySeed: string): Promise<string> {
  const hash = createHash("sha256");
  hash.update(await readFile(seedFile));
  // Unpaid holds in the seed end a week after it was made: a newer copy every few days.
  hash.update(String(Math.floor(Date.now() / (5 * 24 * 3600 * 1000))));
  const cached = path.join(cacheRoot, hash.digest("hex").slice(0, 16));
  if (existsSync(cached)) return cached;

  process.stderr.write(`load: building the seed (once; minutes) in ${cached}…\n`);
  await rm(cacheRoot, { recursive: true, force: true });
  await mkdir(cacheRoot, { recursive: true });
  const building = await mkdtemp(path.join(cacheRoot, "building-"));
  const stack = await spawnStack({ dataDir: building, args: ["--seed", emptySeed] });
  const admin = new pg.Client({ connectionString: stack.dbUrl });
  try {
    await admin.connect();
    const started = performance.now();
    await admin.query(await readFile(seedFile, "utf8"));
    await admin.query(`vacuum (analyze) auth.users, public.profiles, public.organizations,
      public.organization_members, public.events, public.event_sessions,
      public.event_registrations, public.invoices, public.invoice_items, public.invoice_events`);
    // The copy each run starts from must hold everything: no WAL left to replay at start-up.
    await admin.query("checkpoint");
    process.stderr.write(
      `load: seed loaded in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  } finally {
    await admin.end();
    await stack.stop();
  }
  await rename(building, cached);
  return cached;
}

/** Up to `count` distinct items drawn at random among those that `keep`. */
function sample<T>(items: T[], count: number, keep: (item: T) => boolean): T[] {
  const drawn = new Set<T>();
  for (let tries = 0; drawn.size < count && tries < count * 4; tries++) {
    const item = items[Math.floor(Math.random() * items.length)]!;
    if (keep(item)) drawn.add(item);
  }
  return [...drawn];
}

const memberId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

/** The bench's members with their tokens, signed as Auth signs them, and what they may register for. */
async function loadMembers(admin: pg.Pool, stack: SpawnedStack): Promise<Member[]> {
  const ids = Array.from({ length: members }, (_, i) => memberId(firstMember + i));
  const { rows: users } = await admin.query<{ id: string; email: string }>(
    "select id, email from auth.users where id = any($1::uuid[]) order by id",
    [ids],
  );
  if (users.length !== members)
    throw new Error(`the seed has ${users.length} of ${members} members`);
  const { rows: open } = await admin.query<{ id: string }>(
    `select id from public.events
     where status = 'published' and not registration_closed and starts_at > now() + interval '1 day'
       and not members_only`,
  );
  const { rows: live } = await admin.query<{ user_id: string; event_id: string }>(
    `select user_id, event_id from public.event_registrations
     where user_id = any($1::uuid[]) and status in ('pending_payment', 'confirmed', 'waitlisted', 'offered')`,
    [ids],
  );
  const registered = new Set(live.map((r) => `${r.user_id}/${r.event_id}`));
  const secret = new TextEncoder().encode(stack.jwtSecret);
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    users.map(async (user) => {
      const claims = {
        sub: user.id,
        email: user.email,
        role: "authenticated",
        aud: "authenticated",
        aal: "aal1",
        app_metadata: { provider: "email", providers: ["email"] },
        user_metadata: {},
        is_anonymous: false,
        iat: now,
        exp: now + 4 * 3600,
      };
      return {
        id: user.id,
        token: await new SignJWT(claims)
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .sign(secret),
        claims: JSON.stringify(claims),
        connection: new Client(stack.apiUrl, { pipelining: 1 }),
        openEvents: sample(
          open.map((e) => e.id),
          400,
          (id) => !registered.has(`${user.id}/${id}`),
        ),
      };
    }),
  );
}

/** Builds a member's requests: the SDK's query shapes and the REST service's statements for them. */
function requests(cache: SchemaCache, eventIds: string[]) {
  const read = (kind: Kind, table: string, query: string, accept?: string): Request => ({
    kind,
    http: { method: "GET", path: `/${table}?${query}`, ...(accept && { accept }) },
    direct: () => readSql(cache, table, query),
  });
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
  return (member: Member, kind: Kind): Request => {
    const today = new Date().toISOString();
    switch (kind) {
      // events.list(): published, from a date, soonest first, 50 a page; plus the organizer.
      case "events list":
        return read(
          kind,
          "events",
          `select=*,organization:organizations(id,display_name,slug)&status=eq.published&starts_at=gte.${today}&order=starts_at.asc&limit=50`,
        );
      // events.list({ search, from }): search_events (sql/0073), with the organizer embedded.
      case "events search": {
        const query = `select=*,organization:organizations(id,display_name,slug)&search=${pick(searchWords)}&starts_from=${today}&max_rows=50`;
        return {
          kind,
          http: { method: "GET", path: `/rpc/search_events?${query}` },
          direct: () => callSql(cache, "search_events", query),
        };
      }
      // events.get(id)
      case "one event":
        return read(
          kind,
          "events",
          `select=*,event_sessions(*)&id=eq.${pick(eventIds)}`,
          "application/vnd.pgrst.object+json",
        );
      // events.myRegistrations()
      case "my registrations":
        return read(
          kind,
          "event_registrations",
          `select=*,event:events(id,title,starts_at,ends_at,status)&user_id=eq.${member.id}&order=created_at.desc`,
        );
      // payments.invoices()
      case "my invoices":
        return read(
          kind,
          "invoices",
          `select=*,invoice_items(*)&user_id=eq.${member.id}&order=created_at.desc`,
        );
      // events.register(id)
      case "register": {
        const eventId = member.openEvents.pop();
        if (!eventId) throw new Error("a member ran out of events to register for");
        return {
          kind,
          http: {
            method: "POST",
            path: "/rpc/register_for_event",
            body: JSON.stringify({ p_event_id: eventId }),
          },
          direct: () => ({
            text: "select to_jsonb(r) as body from public.register_for_event($1) r",
            values: [eventId],
          }),
        };
      }
    }
  };
}

function pickKind(): Kind {
  let draw = Math.random() * 100;
  for (const [kind, weight] of mix) {
    draw -= weight;
    if (draw < 0) return kind;
  }
  return mix[0]![0];
}

/** One request on the member's own kept-alive socket; rejects unless the status is below 300. */
function viaRest(stack: SpawnedStack) {
  const base = new URL(`${stack.apiUrl}/rest/v1`);
  return async (member: Member, request: Request) => {
    await sendVia(member.connection, base, {
      method: request.http.method,
      path: request.http.path,
      headers: {
        apikey: stack.anonKey,
        Authorization: `Bearer ${member.token}`,
        Accept: request.http.accept ?? "application/json",
        ...(request.http.body && { "Content-Type": "application/json" }),
      },
      body: request.http.body,
    });
  };
}

/** The same statement in a transaction as the member: role and claims set locally, as REST does. */
function viaSql(pool: pg.Pool) {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) names.set(text, (name = `load_${names.size}`));
    return name;
  };
  return async (member: Member, request: PlannedRequest) => {
    const client = await pool.connect();
    let failed: unknown;
    try {
      await client.query("begin");
      await client.query(
        "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)",
        [member.claims],
      );
      await client.query({
        name: nameOf(request.statement.text),
        text: request.statement.text,
        values: request.statement.values,
      });
      await client.query("commit");
    } catch (error) {
      failed = error;
      await client.query("rollback").catch(() => undefined);
      throw new Error(`${request.kind}: ${(error as Error).message}`, { cause: error });
    } finally {
      client.release(failed instanceof Error && !("code" in failed) ? failed : undefined);
    }
  };
}

interface PhaseResult {
  perSecond: number;
  latencies: Map<Kind | "all", number[]>;
  errors: number;
  firstErrors: string[];
  /** Cores used, on average, over the measured time. */
  cores: { generator: number; stack: number; postgres: number };
}

/**
 * Every member loops until the phase ends: think (exponential, mean `thinkMs`; none when 0),
 * then one request of the mix. Requests finishing during the warm-up are not counted.
 */
async function phase<R extends Request>(
  all: Member[],
  build: (member: Member, kind: Kind) => R,
  send: (member: Member, request: R) => Promise<void>,
  thinkMs: number,
  warmMs: number,
  measuredMs: number,
  stackPid: number,
): Promise<PhaseResult> {
  const latencies = new Map<Kind | "all", number[]>([
    ["all", []],
    ...mix.map(([k]) => [k, []] as [Kind, number[]]),
  ]);
  let errors = 0;
  const firstErrors: string[] = [];
  const started = performance.now();
  const measureFrom = started + warmMs;
  const end = measureFrom + measuredMs;
  let cpuAtStart:
    { generator: NodeJS.CpuUsage; stack: { node: number; postgres: number } } | undefined;
  const startCpu = setTimeout(() => {
    const generator = process.cpuUsage();
    void treeCpuSeconds(stackPid).then((stack) => (cpuAtStart = { generator, stack }));
  }, warmMs);
  await Promise.all(
    all.map(async (member) => {
      for (;;) {
        if (thinkMs > 0) {
          const think = -Math.log(1 - Math.random()) * thinkMs;
          await new Promise((resolve) => setTimeout(resolve, think));
        }
        if (performance.now() >= end) return;
        const request = build(member, pickKind());
        const t = performance.now();
        try {
          await send(member, request);
        } catch (error) {
          if (t >= measureFrom) errors++;
          if (firstErrors.length < 5) firstErrors.push((error as Error).message.slice(0, 300));
          continue;
        }
        const done = performance.now();
        if (t >= measureFrom && done <= end) {
          latencies.get("all")!.push(done - t);
          latencies.get(request.kind)!.push(done - t);
        }
      }
    }),
  );
  clearTimeout(startCpu);
  const elapsed = (performance.now() - measureFrom) / 1000;
  const generatorCpu = cpuAtStart ? process.cpuUsage(cpuAtStart.generator) : { user: 0, system: 0 };
  const stackCpu = await treeCpuSeconds(stackPid);
  for (const list of latencies.values()) list.sort((a, b) => a - b);
  return {
    perSecond: latencies.get("all")!.length / (measuredMs / 1000),
    latencies,
    errors,
    firstErrors,
    cores: {
      generator: (generatorCpu.user + generatorCpu.system) / 1e6 / elapsed,
      stack: (stackCpu.node - (cpuAtStart?.stack.node ?? 0)) / elapsed,
      postgres: (stackCpu.postgres - (cpuAtStart?.stack.postgres ?? 0)) / elapsed,
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function describe(name: string, result: PhaseResult): string {
  const kinds = [...result.latencies]
    .map(
      ([kind, list]) =>
        `${kind} ${list.length} p50 ${percentile(list, 50).toFixed(0)} p95 ${percentile(list, 95).toFixed(0)} ms`,
    )
    .join("; ");
  const { generator, stack, postgres } = result.cores;
  return (
    `${name}: ${result.perSecond.toFixed(0)} req/s, ${result.errors} errors` +
    `${result.firstErrors.length > 0 ? ` (${result.firstErrors.join(" | ")})` : ""}; ${kinds}; ` +
    `cores: load generator ${generator.toFixed(2)}, stack ${stack.toFixed(2)}, postgres ${postgres.toFixed(2)}\n`
  );
}

/** A stack on a fresh copy of the seeded data folder, with what the bench needs from it. */
async function withSeededStack<T>(
  work: (
    stack: SpawnedStack,
    admin: pg.Pool,
    cache: SchemaCache,
    all: Member[],
    eventIds: string[],
  ) => Promise<T>,
): Promise<T> {
  const emptySeed = await mkdtemp(path.join(tmpdir(), "pitlane-load-seed-"));
  const dataDir = await mkdtemp(path.join(tmpdir(), "pitlane-load-"));
  let stack: SpawnedStack | undefined;
  let admin: pg.Pool | undefined;
  let all: Member[] = [];
  try {
    const seeded = await seededDataDir(emptySeed);
    // `cp -a` keeps the files' owner and modes, as the test template's copy (spawn-stack.ts).
    await run("cp", ["-a", `${seeded}/.`, dataDir]);
    stack = await spawnStack({ dataDir, args: ["--seed", emptySeed] });
    admin = new pg.Pool({ connectionString: stack.dbUrl, max: 2 });
    admin.on("error", () => undefined);
    const client = await admin.connect();
    await client.query("set search_path = ''");
    const cache = await loadSchemaCache(client, ["public"]);
    client.release();
    all = await loadMembers(admin, stack);
    const { rows } = await admin.query<{ id: string }>(
      "select id from public.events where status in ('published', 'completed') order by random() limit 5000",
    );
    return await work(
      stack,
      admin,
      cache,
      all,
      rows.map((r) => r.id),
    );
  } finally {
    await Promise.all(all.map((member) => member.connection.destroy()));
    await admin?.end();
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(emptySeed, { recursive: true, force: true });
  }
}

export async function benchLoad(): Promise<BenchRow[]> {
  return withSeededStack(async (stack, _admin, cache, all, eventIds) => {
    const build = requests(cache, eventIds);
    const direct = new pg.Pool({
      connectionString: urlAs(stack.dbUrl, "authenticator"),
      max: poolSize,
    });
    direct.on("error", () => undefined);
    const stackPid = stack.child.pid!;
    try {
      const rows: BenchRow[] = [];
      const sides = {
        rest: viaRest(stack),
        sql: viaSql(direct),
      };
      const runs: [string, number, number, number][] = [
        [`${members} members, think time ${thinkMeanMs} ms`, thinkMeanMs, warmUpMs, measureMs],
        [`${members} members, no think time (saturation)`, 0, saturationWarmUpMs, saturationMs],
      ];
      for (const [label, think, warm, measured] of runs) {
        const rest = await phase(all, build, sides.rest, think, warm, measured, stackPid);
        process.stderr.write(describe(`rest, ${label}`, rest));
        const sql = await phase(all, planned(build), sides.sql, think, warm, measured, stackPid);
        process.stderr.write(describe(`direct SQL, ${label}`, sql));
        const baseline = "same SQL via pg pool under RLS";
        rows.push(
          row(`load ${label}: throughput`, rest.perSecond, baseline, sql.perSecond, "req/s"),
        );
        for (const p of [50, 95, 99])
          rows.push(
            row(
              `load ${label}: p${p} latency`,
              percentile(rest.latencies.get("all")!, p),
              baseline,
              percentile(sql.latencies.get("all")!, p),
              "ms",
            ),
          );
        for (const [kind] of mix)
          rows.push(
            row(
              `load ${label}: ${kind} p95`,
              percentile(rest.latencies.get(kind)!, 95),
              baseline,
              percentile(sql.latencies.get(kind)!, 95),
              "ms",
            ),
          );
        for (const [side, result] of [
          ["rest", rest],
          ["direct SQL", sql],
        ] as const) {
          const sent = result.latencies.get("all")!.length + result.errors;
          rows.push(
            row(`load ${label}: ${side} errors`, result.errors, "requests sent", sent, "requests"),
          );
          const { generator, stack, postgres } = result.cores;
          rows.push(
            row(
              `load ${label}: ${side} load generator CPU`,
              generator,
              "stack and PostgreSQL CPU",
              stack + postgres,
              "cores",
            ),
          );
        }
      }
      return rows;
    } finally {
      await direct.end();
    }
  });
}

/**
 * What one request of each kind costs in CPU, sent one at a time through REST by members in turn:
 * the load generator's, the stack's Node and PostgreSQL's (every backend, and the WAL sender that
 * streams the changes to Realtime). With the mix's weights this bounds the throughput the machine
 * can give: its cores divided by a mix request's CPU.
 */
async function printCosts(): Promise<void> {
  await withSeededStack(async (stack, _admin, cache, all, eventIds) => {
    const build = requests(cache, eventIds);
    const send = viaRest(stack);
    const stackPid = stack.child.pid!;
    const perRequest = { generator: 0, stack: 0, postgres: 0 };
    console.log("request            generator   stack   PostgreSQL   (CPU ms a request)");
    for (const [kind, weight] of mix) {
      const count = 300;
      const run = async (n: number) => {
        for (let i = 0; i < n; i++)
          await send(all[i % all.length]!, build(all[i % all.length]!, kind));
      };
      await run(30);
      const stackStart = await treeCpuSeconds(stackPid);
      // After the scan of /proc: it is the bench's own work, not the generator's, and on a machine
      // running a few hundred processes it cost some 0.1 to 0.3 ms of each request's column.
      const generatorStart = process.cpuUsage();
      await run(count);
      const generator = process.cpuUsage(generatorStart);
      const stackEnd = await treeCpuSeconds(stackPid);
      const ms = {
        generator: (generator.user + generator.system) / 1e3 / count,
        stack: ((stackEnd.node - stackStart.node) * 1e3) / count,
        postgres: ((stackEnd.postgres - stackStart.postgres) * 1e3) / count,
      };
      for (const side of ["generator", "stack", "postgres"] as const)
        perRequest[side] += (ms[side] * weight) / 100;
      console.log(
        `${kind.padEnd(18)} ${ms.generator.toFixed(2).padStart(9)} ${ms.stack.toFixed(2).padStart(7)} ${ms.postgres.toFixed(2).padStart(12)}`,
      );
    }
    const total = perRequest.generator + perRequest.stack + perRequest.postgres;
    console.log(
      `${"the mix".padEnd(18)} ${perRequest.generator.toFixed(2).padStart(9)} ${perRequest.stack.toFixed(2).padStart(7)} ${perRequest.postgres.toFixed(2).padStart(12)}` +
        `\n${total.toFixed(2)} ms of CPU a request: at most ${((os.availableParallelism() * 1000) / total).toFixed(0)} requests a second on ${os.availableParallelism()} cores`,
    );
  });
}

/** EXPLAIN (ANALYZE, BUFFERS) of each request's statement as one of the members, under RLS. */
async function printPlans(): Promise<void> {
  await withSeededStack(async (_stack, admin, cache, all, eventIds) => {
    const build = requests(cache, eventIds);
    const member = all[0]!;
    const client = await admin.connect();
    // Plans of the statements that functions run (search_events' own query, register_for_event's
    // triggers), from auto_explain as notices: those taking 0.1 ms or more.
    await client.query(`load 'auto_explain';
      set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on;
      set auto_explain.log_buffers = on; set auto_explain.log_nested_statements = on;
      set auto_explain.log_level = notice`);
    const nested: string[] = [];
    client.on("notice", (notice) => {
      const text = notice.message ?? "";
      const ms = Number(/^duration: ([\d.]+) ms/.exec(text)?.[1] ?? 0);
      if (ms >= 0.1 && !/explain \(analyze|set_config\('role'/.test(text)) nested.push(text);
    });
    try {
      for (const [kind] of mix) {
        const request = planned(build)(member, kind);
        const explain = `explain (analyze, buffers) ${request.statement.text}`;
        // Twice, each rolled back: the first warms the cache, the second is what a member meets.
        let plan: string[] = [];
        for (let run = 0; run < 2; run++) {
          await client.query("begin");
          await client.query(
            "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)",
            [member.claims],
          );
          nested.length = 0;
          const { rows } = await client.query<{ "QUERY PLAN": string }>(
            explain,
            request.statement.values,
          );
          await client.query("rollback");
          plan = rows.map((r) => r["QUERY PLAN"]);
        }
        console.log(`\n## ${kind}: ${request.http.method} /rest/v1${request.http.path}\n`);
        console.log(plan.join("\n"));
        for (const inside of nested) console.log(`\n### inside it\n\n${inside}`);
      }
    } finally {
      client.release();
    }
  });
}

// `node --import tsx bench/load.ts [--plans | --costs]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--plans")) await printPlans();
  else if (process.argv.includes("--costs")) await printCosts();
  else {
    const { formatTable } = await import("./rows.ts");
    console.log(formatTable(await benchLoad()));
  }
}
