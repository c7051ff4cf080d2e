/**
 * The forum's busiest read: a page of a busy category's thread list (10,000 threads, 200,000
 * responses) with response counts, last activity and the author's name, pinned threads first,
 * newest activity next, read by a signed-in member (anon reads no profiles, so no author names),
 * through REST at 64 concurrent clients, beside the same SQL statement the
 * REST service builds run through a `pg` pool of the same size in the same run. Rounds alternate
 * between the two sides as in bench/rest.ts, each side reporting its median round.
 */
import http from "node:http";
import { rm } from "node:fs/promises";
import { SignJWT } from "jose";
import pg from "pg";
import { urlAs } from "../supabase/stack/database/connection.ts";
import { loadSchemaCache } from "../supabase/stack/rest/schema-cache/load.ts";
import { spawnStack } from "../supabase/stack/spawn-stack.ts";
import { load, readSql, send, summarise, type HttpRequest, type Run } from "./rest.ts";
import { row, type BenchRow } from "./rows.ts";

const threads = 10_000;
const responsesPerThread = 20;
const clients = 64;
const rounds = 3;
const roundMs = 2_000;
const warmUpMs = 1_000;
const inputsPerRound = 30_000;
/** The REST service's pool size; the baseline pool gets the same. */
const poolSize = 20;
const pages = 10;

/**
 * Bulk-loads the category. Triggers are skipped for the load (no follows or notifications for
 * 200,000 made-up responses), and the counters are then set as the triggers would have kept them.
 */
async function seedBusyCategory(admin: pg.Pool): Promise<string> {
  const client = await admin.connect();
  try {
    await client.query("begin");
    const [category] = (
      await client.query<{ id: string }>(
        `insert into public.forum_categories (name, slug) values ('Busy', 'busy-bench') returning id`,
      )
    ).rows;
    await client.query(`
      insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
        'bench-author-' || n || '@example.test', now(), '{"provider":"email"}', jsonb_build_object('full_name', 'Bench Author ' || n), now(), now()
      from generate_series(1, 200) n`);
    await client.query("set local session_replication_role = replica");
    await client.query(
      `insert into public.forum_threads (category_id, author_id, title, body, car_make, created_at, last_activity_at)
       select $1, a.id, 'Bench thread ' || n, 'What does code P0' || (n % 999) || ' mean on my car?', 'Toyota',
         now() - make_interval(mins => n), now() - make_interval(mins => n)
       from generate_series(1, $2::int) n
       join (select id, row_number() over () - 1 as i from public.profiles where display_name like 'Bench Author %') a on a.i = n % 200`,
      [category!.id, threads],
    );
    await client.query(
      `insert into public.forum_responses (thread_id, author_id, body, created_at)
       select t.id, t.author_id, 'Answer ' || r, t.created_at + make_interval(secs => r)
       from public.forum_threads t cross join generate_series(1, $2::int) r
       where t.category_id = $1`,
      [category!.id, responsesPerThread],
    );
    await client.query("set local session_replication_role = origin");
    await client.query(
      `update public.forum_threads t set response_count = c.n, last_activity_at = c.last
       from (select thread_id, count(*)::int as n, max(created_at) as last from public.forum_responses group by thread_id) c
       where c.thread_id = t.id and t.category_id = $1`,
      [category!.id],
    );
    await client.query(
      `update public.forum_threads set is_pinned = true where title = 'Bench thread 5000'`,
    );
    await client.query("commit");
    await client.query(
      "analyze public.forum_threads; analyze public.forum_responses; analyze public.profiles",
    );
    return category!.id;
  } finally {
    client.release();
  }
}

export async function benchForum(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  const admin = new pg.Pool({ connectionString: stack.dbUrl, max: 2 });
  admin.on("error", () => undefined);
  let direct: pg.Pool | undefined;
  try {
    const categoryId = await seedBusyCategory(admin);
    const [reader] = (
      await admin.query<{ id: string }>(
        "select id from public.profiles where display_name = 'Bench Author 1'",
      )
    ).rows;
    const claims = { sub: reader!.id, role: "authenticated", aud: "authenticated" };
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ ...claims, iat: now, exp: now + 3600 })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode(stack.jwtSecret));
    // The statement runs with the privileges and claims the member's REST request has.
    const pool = new pg.Pool({
      connectionString: urlAs(stack.dbUrl, "authenticator"),
      max: poolSize,
      options: `-c role=authenticated -c request.jwt.claims=${JSON.stringify(claims)}`,
    });
    pool.on("error", () => undefined);
    direct = pool;
    const client = await admin.connect();
    await client.query("set search_path = ''");
    const cache = await loadSchemaCache(client, ["public", "graphql_public"]);
    client.release();

    const query = (page: number) =>
      `select=id,title,status,is_pinned,response_count,last_activity_at,author:profiles!author_id(display_name)&category_id=eq.${categoryId}&order=is_pinned.desc,last_activity_at.desc&limit=20&offset=${page * 20}`;
    const headers = { apikey: stack.anonKey, Authorization: `Bearer ${token}` };
    const statements = Array.from({ length: pages }, (_, page) =>
      readSql(cache, "forum_threads", query(page)),
    );
    // Where the time goes: the REST statement's plan as the member runs it (RLS applied), for the
    // first and the last page.
    for (const page of [0, pages - 1]) {
      const statement = statements[page]!;
      const plan = (
        await pool.query<{ "QUERY PLAN": string }>(
          `explain (analyze, buffers) ${statement.text}`,
          statement.values,
        )
      ).rows.map((r) => r["QUERY PLAN"]);
      process.stderr.write(`thread list plan, page ${page + 1}:\n  ${plan.join("\n  ")}\n`);
    }
    const restUrl = new URL(`${stack.apiUrl}/rest/v1`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
    const requests = Array.from({ length: inputsPerRound }, (_, i): HttpRequest => ({
      path: `/forum_threads?${query(i % pages)}`,
      headers,
    }));
    const sqls = Array.from({ length: inputsPerRound }, (_, i) => statements[i % pages]!);
    const restRound = (ms: number) =>
      load(clients, requests, ms, (request) => send(agent, restUrl, request));
    const directRound = (ms: number) =>
      load(clients, sqls, ms, (statement) =>
        pool.query(statement.text, statement.values).then(() => undefined),
      );
    await restRound(warmUpMs);
    await directRound(warmUpMs);
    const restRuns: Run[] = [];
    const directRuns: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      restRuns.push(await restRound(roundMs));
      directRuns.push(await directRound(roundMs));
    }
    agent.destroy();
    const rest = summarise(restRuns);
    const sql = summarise(directRuns);
    process.stderr.write(
      `forum thread list ×${clients}: rest ${restRuns.map((r) => r.perSecond.toFixed(0)).join("/")} req/s, direct ${directRuns.map((r) => r.perSecond.toFixed(0)).join("/")} req/s\n`,
    );
    return [
      row(
        `forum thread list of a busy category (${threads} threads, ${threads * responsesPerThread} responses), ${clients} clients: throughput`,
        rest.perSecond,
        "same SQL via pg pool",
        sql.perSecond,
        "req/s",
      ),
    ];
  } finally {
    await direct?.end();
    await admin.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/forum.ts` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import("./rows.ts");
  console.log(formatTable(await benchForum()));
}
