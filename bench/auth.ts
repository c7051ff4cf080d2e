import { rm, writeFile } from "node:fs/promises";
import bcrypt from "bcryptjs";
import { exportJWK, generateKeyPair } from "jose";
import { Pool } from "undici";
import { openAuthDb, type AuthDb } from "../supabase/stack/auth/db.ts";
import { refreshSession } from "../supabase/stack/auth/sessions.ts";
import type { TokenSigner } from "../supabase/stack/auth/tokens.ts";
import { urlAs } from "../supabase/stack/database/connection.ts";
import { newDataDir, spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
import { treeCpuSeconds } from "../tests/helpers/processes.ts";
import { sendVia } from "./rest.ts";
import { median, row, type BenchRow } from "./rows.ts";

const signIns = 30;
const refreshes = 100;

async function perSecond(count: number, work: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  return count / ((performance.now() - started) / 1000);
}

async function token(
  stack: SpawnedStack,
  grant: string,
  body: unknown,
): Promise<{ refresh_token: string }> {
  const response = await fetch(`${stack.apiUrl}/auth/v1/token?grant_type=${grant}`, {
    method: "POST",
    headers: { apikey: stack.anonKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${grant} grant failed: ${await response.text()}`);
  return response.json() as Promise<{ refresh_token: string }>;
}

const email = "bench@example.test";
const password = "bench-password-1";

async function createUser(
  stack: SpawnedStack,
  user: { email: string; password: string },
): Promise<void> {
  const created = await fetch(`${stack.apiUrl}/auth/v1/admin/users`, {
    method: "POST",
    headers: {
      apikey: stack.serviceRoleKey,
      authorization: `Bearer ${stack.serviceRoleKey}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ ...user, email_confirm: true }),
  });
  if (!created.ok) throw new Error(`creating ${user.email} failed: ${await created.text()}`);
}

const createBenchUser = (stack: SpawnedStack) => createUser(stack, { email, password });

/** Refreshes per second, each swapping the last refresh token, as a client's refresh loop does. */
async function refreshRate(stack: SpawnedStack): Promise<number> {
  let refreshToken = (await token(stack, "password", { email, password })).refresh_token;
  return perSecond(refreshes, async () => {
    refreshToken = (await token(stack, "refresh_token", { refresh_token: refreshToken }))
      .refresh_token;
  });
}

/** A stack on a bare config.toml, with or without an ES256 key in `[auth] signing_keys_path`. */
async function bareStack(
  signingKey: boolean,
): Promise<{ stack: SpawnedStack; remove(): Promise<void> }> {
  const dataDir = await newDataDir();
  const keysFile = `${dataDir}-signing-keys.json`;
  const configFile = `${dataDir}-config.toml`;
  if (signingKey) {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: "bench", alg: "ES256" };
    await writeFile(keysFile, JSON.stringify([jwk]));
  }
  const auth = signingKey ? `signing_keys_path = ${JSON.stringify(keysFile)}\n` : "";
  await writeFile(configFile, `project_id = "bench"\n[auth]\n${auth}`);
  const stack = await spawnStack({ dataDir, args: ["--config", configFile] });
  return {
    stack,
    async remove() {
      await stack.stop();
      await Promise.all(
        [dataDir, keysFile, configFile].map((path) => rm(path, { recursive: true, force: true })),
      );
    },
  };
}

/**
 * Refreshes on two stacks that differ only in how they sign tokens (HS256 secret, ES256 key),
 * measured in alternating rounds so that a busy moment of the machine weighs on both alike.
 */
async function hs256AndEs256Refreshes(): Promise<{ hs256: number; es256: number }> {
  const [hs256, es256] = await Promise.all([bareStack(false), bareStack(true)]);
  try {
    await Promise.all([createBenchUser(hs256.stack), createBenchUser(es256.stack)]);
    const rates = { hs256: [] as number[], es256: [] as number[] };
    for (let round = 0; round < 4; round++) {
      rates.hs256.push(await refreshRate(hs256.stack));
      rates.es256.push(await refreshRate(es256.stack));
    }
    return { hs256: median(rates.hs256), es256: median(rates.es256) };
  } finally {
    await Promise.all([hs256.remove(), es256.remove()]);
  }
}

const refreshConcurrencies = [1, 16];
const refreshRounds = 3;
const refreshRoundMs = 2_000;
const refreshWarmUpMs = 1_000;

/** Signs nothing, so that the baseline pays for the SQL of a refresh and nothing else. */
const noSigner: TokenSigner = {
  sign: () => Promise.resolve({ token: "", expiresAt: 0 }),
  verify: () => Promise.resolve({}),
};

/**
 * Each client swaps its own session's refresh token for the next, as a client's refresh loop does,
 * until `ms` have passed; refreshes per second over all clients.
 */
async function refreshLoops(tokens: string[], ms: number, refresh: Refresher): Promise<number> {
  let done = 0;
  const started = performance.now();
  await Promise.all(
    tokens.map(async (_, i) => {
      while (performance.now() - started < ms) {
        tokens[i] = await refresh(tokens[i]!);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

type Refresher = (refreshToken: string) => Promise<string>;

/** The two sides' ways to refresh: the stack's /token over `httpPool`, and refreshSession on `authDb`. */
function refreshers(
  stack: SpawnedStack,
  httpPool: Pool,
  authDb: AuthDb,
): { viaHttp: Refresher; viaPool: Refresher } {
  const authUrl = new URL(`${stack.apiUrl}/auth/v1`);
  // The CLI's defaults, which the bench's stack runs with.
  const options = { rotation: true, reuseIntervalSeconds: 10 };
  return {
    async viaHttp(refreshToken) {
      const body = await sendVia(httpPool, authUrl, {
        path: "/token?grant_type=refresh_token",
        method: "POST",
        headers: { apikey: stack.anonKey, "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
      return (JSON.parse(body) as { refresh_token: string }).refresh_token;
    },
    async viaPool(refreshToken) {
      const client = { ip: "127.0.0.1", userAgent: null };
      return (await refreshSession(authDb, noSigner, refreshToken, options, client)).refresh_token;
    },
  };
}

/** A pool opened as the auth service opens its own (openAuthDb: same role, same size). */
const openBaselineDb = (stack: SpawnedStack) =>
  openAuthDb(urlAs(stack.dbUrl, "supabase_auth_admin"), {
    info: () => undefined,
    error: (line) => process.stderr.write(`${line}\n`),
  });

/**
 * Refreshes per second over HTTP beside the same SQL statements run through a `pg` pool: the
 * stack's own refreshSession with a signer that does nothing, on a pool opened as the auth service
 * opens its own (openAuthDb: same role, same size). Each client has its own user (as many users refreshing
 * at once would), and each side its own sessions. Both clients are lean, as in the REST bench: pg's
 * client for SQL, and for HTTP undici's Pool (the HTTP/1.1 client under Node's fetch, and so under
 * supabase-js), one kept-alive connection per client and no pipelining. Client, stack and
 * PostgreSQL share the machine's cores, so what the client spends per refresh is charged to the
 * stack; node:http's client cost more per request than the Pool does. Every reply is still read
 * whole and its status checked. The sides take turns in rounds of fixed length and each reports its
 * median round.
 */
async function refreshesBesidePool(stack: SpawnedStack): Promise<BenchRow[]> {
  const most = Math.max(...refreshConcurrencies);
  const users = Array.from({ length: most }, (_, i) => ({
    email: `refresh-${i}@example.test`,
    password,
  }));
  for (const user of users) await createUser(stack, user);
  const signIn = async () =>
    Promise.all(users.map(async (user) => (await token(stack, "password", user)).refresh_token));
  const httpTokens = await signIn();
  const poolTokens = await signIn();

  const authDb = openBaselineDb(stack);
  const origin = new URL(stack.apiUrl).origin;
  try {
    const rows: BenchRow[] = [];
    for (const clients of refreshConcurrencies) {
      const httpPool = new Pool(origin, { connections: clients, pipelining: 1 });
      const { viaHttp, viaPool } = refreshers(stack, httpPool, authDb);
      const httpChains = httpTokens.slice(0, clients);
      const poolChains = poolTokens.slice(0, clients);
      await refreshLoops(httpChains, refreshWarmUpMs, viaHttp);
      await refreshLoops(poolChains, refreshWarmUpMs, viaPool);
      const httpRates: number[] = [];
      const poolRates: number[] = [];
      for (let round = 0; round < refreshRounds; round++) {
        httpRates.push(await refreshLoops(httpChains, refreshRoundMs, viaHttp));
        poolRates.push(await refreshLoops(poolChains, refreshRoundMs, viaPool));
      }
      httpTokens.splice(0, clients, ...httpChains);
      poolTokens.splice(0, clients, ...poolChains);
      await httpPool.close();
      process.stderr.write(
        `refreshes ×${clients}: http ${httpRates.map((r) => r.toFixed(0)).join("/")}/s, pool ${poolRates.map((r) => r.toFixed(0)).join("/")}/s\n`,
      );
      rows.push(
        row(
          `auth token refreshes, ${clients} client${clients > 1 ? "s" : ""}`,
          median(httpRates),
          "same statements via pg pool",
          median(poolRates),
          "/s",
        ),
      );
    }
    return rows;
  } finally {
    await authDb.close();
  }
}

/**
 * Password sign-ins per second next to the bcrypt comparison each one must do, refreshes per
 * second next to the same SQL through a `pg` pool, and refreshes signed with an ES256 key next to
 * HS256 ones, so the ratios show what Pitlane's own work and asymmetric signing cost.
 */
export async function benchAuth(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  let rows: BenchRow[];
  try {
    await createBenchUser(stack);
    const signInRate = await perSecond(signIns, () =>
      token(stack, "password", { email, password }),
    );
    const hash = await bcrypt.hash(password, 10);
    const bcryptRate = await perSecond(signIns, () => bcrypt.compare(password, hash));
    rows = [
      row("auth password sign-ins", signInRate, "bcrypt compare, cost 10", bcryptRate, "/s"),
      ...(await refreshesBesidePool(stack)),
    ];
  } finally {
    await stack.stop();
  }
  const { hs256, es256 } = await hs256AndEs256Refreshes();
  return [
    ...rows,
    row("auth token refreshes, ES256 signing key", es256, "the same, HS256 secret", hs256, "/s"),
  ];
}

const costRefreshes = 2_000;
const costWarmUp = 300;

/**
 * What one refresh costs in CPU at one client, on each side: the bench's own process (the HTTP
 * client, or the pg client running refreshSession), the stack's Node and PostgreSQL's (every
 * backend, and the WAL sender that streams commits to Realtime). Unlike the rates, these hold when
 * other work shares the cores, so they show where the HTTP side's extra time goes.
 */
async function printCosts(): Promise<void> {
  const stack = await spawnStack();
  const authDb = openBaselineDb(stack);
  const httpPool = new Pool(new URL(stack.apiUrl).origin, { connections: 1, pipelining: 1 });
  try {
    await createBenchUser(stack);
    const { viaHttp, viaPool } = refreshers(stack, httpPool, authDb);
    console.log(
      `${"refresh, 1 client".padEnd(22)} ${"bench".padStart(8)} ${"stack".padStart(7)} ${"PostgreSQL".padStart(12)}   (CPU µs a refresh)`,
    );
    for (const [side, refresh] of [
      ["HTTP (undici Pool)", viaHttp],
      ["pg pool, same SQL", viaPool],
    ] as const) {
      let refreshToken = (await token(stack, "password", { email, password })).refresh_token;
      for (let i = 0; i < costWarmUp; i++) refreshToken = await refresh(refreshToken);
      const benchStart = process.cpuUsage();
      const stackStart = await treeCpuSeconds(stack.child.pid!);
      for (let i = 0; i < costRefreshes; i++) refreshToken = await refresh(refreshToken);
      const bench = process.cpuUsage(benchStart);
      const stackEnd = await treeCpuSeconds(stack.child.pid!);
      const perRefresh = {
        bench: (bench.user + bench.system) / costRefreshes,
        stack: ((stackEnd.node - stackStart.node) * 1e6) / costRefreshes,
        postgres: ((stackEnd.postgres - stackStart.postgres) * 1e6) / costRefreshes,
      };
      console.log(
        `${side.padEnd(22)} ${perRefresh.bench.toFixed(0).padStart(8)} ${perRefresh.stack.toFixed(0).padStart(7)} ${perRefresh.postgres.toFixed(0).padStart(12)}`,
      );
    }
  } finally {
    await httpPool.close();
    await authDb.close();
    await stack.stop();
  }
}

// `node --import tsx bench/auth.ts [--costs]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--costs")) await printCosts();
  else {
    const { formatTable } = await import("./rows.ts");
    console.log(formatTable(await benchAuth()));
  }
}
