import bcrypt from "bcryptjs";
import { SignJWT } from "jose";
import { spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
import { row, type BenchRow } from "./rows.ts";

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

/**
 * Password sign-ins per second next to the bcrypt comparison each one must do, and refreshes per
 * second next to signing a bare JWT, so the ratios show what Pitlane's own work costs.
 */
export async function benchAuth(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  try {
    const email = "bench@example.test";
    const password = "bench-password-1";
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

    const signInRate = await perSecond(signIns, () =>
      token(stack, "password", { email, password }),
    );
    const hash = await bcrypt.hash(password, 10);
    const bcryptRate = await perSecond(signIns, () => bcrypt.compare(password, hash));

    let refreshToken = (await token(stack, "password", { email, password })).refresh_token;
    const refreshRate = await perSecond(refreshes, async () => {
      refreshToken = (await token(stack, "refresh_token", { refresh_token: refreshToken }))
        .refresh_token;
    });
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
    return [
      row("auth password sign-ins", signInRate, "bcrypt compare, cost 10", bcryptRate, "/s"),
      row("auth token refreshes", refreshRate, "bare HS256 JWT signature", signRate, "/s"),
    ];
  } finally {
    await stack.stop();
  }
}
