/**
 * Marketplace car search through REST over 100,000 listings: three filters (make, a minimum year,
 * a maximum price) and a sort (price, then id for stable keyset pages), a page of 20, at 64
 * concurrent clients with the anon key — beside the same query as plain SQL through a `pg` pool of
 * 64 connections as `anon` (RLS applies alike) in the same run. REST and SQL take turns for three
 * rounds of fixed length, each side reporting its median round. The query plan is printed: it
 * must use an index of sql/0035, not a sequential scan.
 */
import http from "node:http";
import { rm } from "node:fs/promises";
import pg from "pg";
import { urlAs } from "../supabase/stack/database/connection.ts";
import { spawnStack } from "../supabase/stack/spawn-stack.ts";
import { median, row, type BenchRow } from "./rows.ts";

const listings = 100_000;
const clients = 64;
const roundMs = 5_000;
const rounds = 3;
const makes = [
  "Toyota",
  "Honda",
  "Suzuki",
  "Daihatsu",
  "Mitsubishi",
  "Nissan",
  "Mazda",
  "Hyundai",
  "Kia",
  "Wuling",
];

interface Search {
  make: string;
  yearMin: number;
  priceMax: number;
}

interface Run {
  perSecond: number;
  latencies: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function load(once: (search: Search) => Promise<void>, searches: Search[]): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() - started < roundMs) {
        const search = searches[next++ % searches.length]!;
        const t = performance.now();
        await once(search);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return {
    perSecond: latencies.length / ((performance.now() - started) / 1000),
    latencies: latencies.sort((a, b) => a - b),
  };
}

export async function benchMarket(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  const admin = new pg.Pool({ connectionString: stack.dbUrl, max: 2 });
  const direct = new pg.Pool({
    connectionString: urlAs(stack.dbUrl, "authenticator"),
    max: clients,
    options: "-c role=anon",
  });
  direct.on("error", () => undefined);
  admin.on("error", () => undefined);
  // A new agent for each REST round: the server closes keep-alive sockets left idle while the SQL
  // round runs, and reusing one of those would fail the request.
  let agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  try {
    const [{ id: seller } = { id: "" }] = (
      await admin.query<{ id: string }>("select id from public.profiles order by id limit 1")
    ).rows;
    // 100,000 listings: 90% active, ten makes, years 2005-2024, prices up to IDR 500 million.
    await admin.query(
      `insert into public.car_listings (seller_id, title, make, model, year, mileage_km, transmission, fuel_type, price_amount, currency, city, status, created_at)
       select $1, 'Bench car ' || n, ($2::text[])[1 + n % 10], 'Model ' || (n % 7), 2005 + (n * 7919) % 20, ((n::bigint * 104729) % 300000)::integer,
         'automatic', 'gasoline', 5000000000 + ((n::bigint * 2654435761) % 49500000000), 'IDR', 'City ' || (n % 40),
         case when n % 10 = 0 then 'archived' else 'active' end::public.listing_status, now() - make_interval(mins => n)
       from generate_series(1, $3::integer) n`,
      [seller, makes, listings],
    );
    await admin.query("analyze public.car_listings");

    const searches: Search[] = Array.from({ length: 500 }, (_, i) => ({
      make: makes[i % makes.length]!,
      yearMin: 2008 + (i % 12),
      priceMax: 10_000_000_000 + (i % 20) * 1_000_000_000,
    }));
    const columns = "id,title,make,model,year,price_amount,city";
    const sql = `select ${columns} from public.car_listings
      where status = 'active' and make = $1 and year >= $2 and price_amount <= $3
      order by price_amount, id limit 20`;
    const plan = (
      await admin.query<{ "QUERY PLAN": string }>(
        `explain ${sql.replace("$1", "'Toyota'").replace("$2", "2015").replace("$3", "15000000000")}`,
      )
    ).rows.map((r) => r["QUERY PLAN"]);
    process.stderr.write(`car search plan:\n  ${plan.join("\n  ")}\n`);
    if (!plan.some((line) => /Index/.test(line)) || plan.some((line) => /Seq Scan/.test(line)))
      throw new Error("the car search does not use an index");

    const viaRest = (search: Search) =>
      new Promise<void>((resolve, reject) => {
        const url = new URL(
          `${stack.apiUrl}/rest/v1/car_listings?select=${columns}&status=eq.active&make=eq.${search.make}&year=gte.${search.yearMin}&price_amount=lte.${search.priceMax}&order=price_amount.asc,id.asc&limit=20`,
        );
        const request = http.get(url, { agent, headers: { apikey: stack.anonKey } }, (response) => {
          response.resume();
          response.on("end", () =>
            response.statusCode === 200
              ? resolve()
              : reject(new Error(`REST answered ${response.statusCode}`)),
          );
        });
        request.on("error", reject);
      });
    const viaSql = async (search: Search) => {
      await direct.query(sql, [search.make, search.yearMin, search.priceMax]);
    };

    const restRound = async () => {
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: clients });
      await Promise.all(searches.slice(0, clients).map(viaRest));
      return load(viaRest, searches);
    };
    // Warm-up at full concurrency: pools filled, statements planned.
    await restRound();
    await load(viaSql, searches);
    const restRuns: Run[] = [];
    const sqlRuns: Run[] = [];
    for (let i = 0; i < rounds; i++) {
      restRuns.push(await restRound());
      sqlRuns.push(await load(viaSql, searches));
    }
    const middle = (runs: Run[]) =>
      runs.find((r) => r.perSecond === median(runs.map((x) => x.perSecond)))!;
    const rest = middle(restRuns);
    const direct64 = middle(sqlRuns);
    const label = `car search, 3 filters + sort, ${listings / 1000}k listings, ${clients} clients`;
    return [
      row(
        `${label}: throughput`,
        rest.perSecond,
        "the same query through a pg pool",
        direct64.perSecond,
        "req/s",
      ),
      row(
        `${label}: p50`,
        percentile(rest.latencies, 50),
        "pg pool p50",
        percentile(direct64.latencies, 50),
        "ms",
      ),
      row(
        `${label}: p95`,
        percentile(rest.latencies, 95),
        "pg pool p95",
        percentile(direct64.latencies, 95),
        "ms",
      ),
    ];
  } finally {
    agent.destroy();
    await direct.end();
    await admin.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}
