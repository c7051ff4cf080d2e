import { rm, writeFile } from "node:fs/promises";
import bcrypt from "bcryptjs";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { newDataDir, spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
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

async function createBenchUser(stack: SpawnedStack): Promise<void> {
  const created = await fetch(`${stack.apiUrl}/auth/v1/admin/users`, {
    method: "POST",
    headers: {
      apikey: stack.serviceRoleKey,
      authorization: `Bearer ${stack.serviceRoleKey}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ email, password, email_confirm: true }),
  });
  if (!created.ok) throw new Error(`creating the bench user failed: ${await created.text()}`);
}

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

/**
 * Password sign-ins per second next to the bcrypt comparison each one must do, refreshes per
 * second next to signing a bare JWT, and refreshes signed with an ES256 key next to HS256 ones, so
 * the ratios show what Pitlane's own work and asymmetric signing cost.
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

    const hs256Refreshes = await refreshRate(stack);
    const key = new TextEncoder().encode(stack.jwtSecret);
    const signRate = await perSecond(refreshes, () =>
      new SignJWT({
        sub: "00000000-0000-0000-0000-000000000001",
        role: "authenticated",
        aud: "authenticated",
      })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setExpirationTime("1h")
        .sign(key),
    );
    rows = [
      row("auth password sign-ins", signInRate, "bcrypt compare, cost 10", bcryptRate, "/s"),
      row("auth token refreshes", hs256Refreshes, "bare HS256 JWT signature", signRate, "/s"),
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
