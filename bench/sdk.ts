/**
 * The SDK's overhead per call beside the raw supabase-js call it wraps, in the same run (issue 21's
 * target: under 5% on a key lookup). Two figures each for a key lookup (`events.get`, a table read
 * with an embed) and an RPC (`events.registration`… a row by id; `vehicles.vinProblem`, an RPC):
 *
 * - against the stack: the median latency of the call, SDK and raw interleaved in small blocks so
 *   that both see the same machine;
 * - client side only: the same calls answered by an in-process fetch with a canned response, so
 *   the figure is the SDK's own work (argument checks, error mapping) without network noise.
 */
import { rm } from "node:fs/promises";
import { createPitlaneClient, type PitlaneClient } from "@pitlane/sdk";
import { createClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import type { Database } from "../clients/database.types.ts";
import { Db } from "../tests/helpers/db.ts";
import { spawnStack } from "../supabase/stack/spawn-stack.ts";
import { median, row, type BenchRow } from "./rows.ts";

const rounds = 40;
const block = 25;
const warmUpBlocks = 8;

type Raw = ReturnType<typeof createClient<Database>>;
interface Pair {
  name: string;
  sdk: (client: PitlaneClient) => Promise<unknown>;
  raw: (client: Raw) => PromiseLike<unknown>;
}

/** Median time per call (ms) of each side, measured in alternating blocks. */
async function compare(
  pair: Pair,
  sdkClient: PitlaneClient,
  rawClient: Raw,
): Promise<{ sdk: number; raw: number }> {
  const times = { sdk: [] as number[], raw: [] as number[] };
  const run = async (side: "sdk" | "raw") => {
    const started = performance.now();
    for (let i = 0; i < block; i++) {
      if (side === "sdk") await pair.sdk(sdkClient);
      else {
        const { error } = (await pair.raw(rawClient)) as { error: unknown };
        if (error) throw new Error(`raw ${pair.name}: ${JSON.stringify(error)}`);
      }
    }
    times[side].push((performance.now() - started) / block);
  };
  // Warm-up (JIT, connections), not counted.
  for (let i = 0; i < warmUpBlocks; i++) {
    await run("sdk");
    await run("raw");
  }
  times.sdk.length = 0;
  times.raw.length = 0;
  for (let i = 0; i < rounds; i++) {
    // Which side goes first alternates, so neither always meets a warm or cold moment.
    for (const side of i % 2 === 0 ? (["sdk", "raw"] as const) : (["raw", "sdk"] as const))
      await run(side);
  }
  return { sdk: median(times.sdk), raw: median(times.raw) };
}

const options = (fetch?: typeof globalThis.fetch) => ({
  auth: { persistSession: false, autoRefreshToken: false },
  // Node 20 has no WebSocket; supabase-js needs a transport even when realtime is unused.
  realtime: { transport: WebSocket as never },
  ...(fetch ? { global: { fetch } } : {}),
});

export async function benchSdk(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  const db = new Db(stack.dbUrl);
  try {
    const [event] = await db.sql<{ id: string }>(
      `select id from public.events where status = 'published' order by starts_at limit 1`,
    );
    const eventId = event!.id;
    const vin = "1HGCM82633A004352";
    const pairs: Pair[] = [
      {
        name: "key lookup (events.get)",
        sdk: (client) => client.events.get(eventId),
        raw: (client) =>
          client.from("events").select("*, event_sessions(*)").eq("id", eventId).single(),
      },
      {
        name: "RPC (vehicles.vinProblem)",
        sdk: (client) => client.vehicles.vinProblem(vin),
        raw: (client) => client.rpc("vin_problem", { p_vin: vin }),
      },
    ];

    const rows: BenchRow[] = [];
    const sdkClient = createPitlaneClient(stack.apiUrl, stack.anonKey, options());
    const rawClient = createClient<Database>(stack.apiUrl, stack.anonKey, options());
    for (const pair of pairs) {
      const { sdk, raw } = await compare(pair, sdkClient, rawClient);
      rows.push(row(`SDK ${pair.name}, against the stack`, sdk, "raw supabase-js", raw, "ms"));
    }

    // Each call's real answer, replayed in process: only the clients' own work is timed.
    for (const pair of pairs) {
      const response = await fetch(
        pair.name.startsWith("key")
          ? `${stack.apiUrl}/rest/v1/events?select=*,event_sessions(*)&id=eq.${eventId}`
          : `${stack.apiUrl}/rest/v1/rpc/vin_problem`,
        {
          method: pair.name.startsWith("key") ? "GET" : "POST",
          headers: {
            apikey: stack.anonKey,
            "content-type": "application/json",
            ...(pair.name.startsWith("key") ? { accept: "application/vnd.pgrst.object+json" } : {}),
          },
          body: pair.name.startsWith("key") ? undefined : JSON.stringify({ p_vin: vin }),
        },
      );
      const body = await response.text();
      const canned: typeof fetch = () =>
        Promise.resolve(
          new Response(body, { status: 200, headers: { "content-type": "application/json" } }),
        );
      const { sdk, raw } = await compare(
        pair,
        createPitlaneClient(stack.apiUrl, stack.anonKey, options(canned)),
        createClient<Database>(stack.apiUrl, stack.anonKey, options(canned)),
      );
      rows.push(
        row(`SDK ${pair.name}, client side only`, sdk * 1000, "raw supabase-js", raw * 1000, "µs"),
      );
    }
    return rows;
  } finally {
    await db.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}
