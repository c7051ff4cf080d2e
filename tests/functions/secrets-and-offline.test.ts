// The project's edge functions on a stack started as a newcomer starts it without functions/.env,
// and with the network off: remote fetches are impossible (the proxy variables, which Deno obeys,
// point at a closed port). Functions start from the Deno cache `npm install` filled; what needs a
// missing secret answers 503 naming it and writes nothing; the start says which secrets are missing.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db, pauseExpiryJob } from "../helpers/db.ts";
import {
  freePort,
  projectRoot,
  spawnStack,
  type SpawnedStack,
} from "../../supabase/stack/spawn-stack.ts";
import { accessTokenForEmail } from "../helpers/auth.ts";
import { edgeRuntimes } from "../helpers/processes.ts";

let stack: SpawnedStack;
let db: Db;
let functionsDir: string;

beforeAll(async () => {
  functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-no-secrets-"));
  const closed = `http://127.0.0.1:${await freePort()}`;
  stack = await spawnStack({
    // An empty functions folder: config.toml's entrypoints still serve the project's functions.
    args: ["--functions", functionsDir],
    env: {
      HTTP_PROXY: closed,
      HTTPS_PROXY: closed,
      http_proxy: closed,
      https_proxy: closed,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      // As `npm start` does: every function boots right after start.
      PITLANE_FUNCTIONS_PREWARM: "on",
    },
  });
  db = new Db(stack.dbUrl);
  await pauseExpiryJob(db);
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  if (stack) await rm(stack.dataDir, { recursive: true, force: true });
  await rm(functionsDir, { recursive: true, force: true });
});

const tokenFor = (email: string) => accessTokenForEmail(db, email, stack);

async function call(
  name: string,
  options: { method?: string; token?: string; body?: unknown } = {},
) {
  const response = await fetch(`${stack.apiUrl}/functions/v1/${name}`, {
    method: options.method ?? "POST",
    headers: {
      apikey: stack.anonKey,
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.method === "GET" ? undefined : JSON.stringify(options.body ?? {}),
  });
  return { status: response.status, body: await response.json() };
}

/** An invoice of the demo seed, by its payer. */
async function seededInvoice(email: string) {
  const [row] = await db.sql(
    `select i.* from public.invoices i join auth.users u on u.id = i.user_id where u.email = $1`,
    [email],
  );
  return row!;
}

const declaredSecrets = async (name: string): Promise<string[]> =>
  Object.keys(
    JSON.parse(await readFile(path.join(projectRoot, "functions", name, "secrets.json"), "utf8")),
  );

describe("without functions/.env", () => {
  it("says at start which functions lack which of the secrets they declare", async () => {
    const output = stack.output();
    for (const name of ["payments", "stripe-webhook", "faspay-webhook", "certificates"]) {
      const line = output.split("\n").find((text) => text.startsWith(`functions/${name} lacks `));
      expect(line, `no line for ${name} in:\n${output}`).toBeDefined();
      for (const secret of await declaredSecrets(name)) expect(line).toContain(secret);
    }
    expect(output).toMatch(/functions\/payments lacks STRIPE_SECRET_KEY, FASPAY_MERCHANT_ID/);
    // receipts needs no secret of its own.
    expect(output).not.toContain("functions/receipts lacks");
  });

  it("answers 503 naming the missing secrets from the webhooks", async () => {
    const events = await db.sql(`select id from public.provider_events order by id`);
    expect(await call("stripe-webhook", { body: { id: "evt_1" } })).toEqual({
      status: 503,
      body: {
        error: {
          code: "not_configured",
          message: expect.stringMatching(/^STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET are not set/),
        },
      },
    });
    expect(await call("faspay-webhook", { body: { bill_no: "I1" } })).toEqual({
      status: 503,
      body: {
        error: {
          code: "not_configured",
          message: expect.stringMatching(
            /^FASPAY_MERCHANT_ID, FASPAY_USER_ID, FASPAY_PASSWORD are not set/,
          ),
        },
      },
    });
    expect(await db.sql(`select id from public.provider_events order by id`)).toEqual(events);
  });

  it("answers 503 naming the missing secret for a Stripe checkout and refund, and writes nothing", async () => {
    const open = await seededInvoice("member12@example.test");
    const stripeCheckout = await call("payments/checkout", {
      token: await tokenFor("member12@example.test"),
      body: { invoice_id: open.id, provider: "stripe" },
    });
    expect(stripeCheckout).toMatchObject({
      status: 503,
      body: {
        error: { code: "not_configured", message: expect.stringContaining("STRIPE_SECRET_KEY") },
      },
    });

    // A refund of a Stripe payment stops before it is requested: no refund that nothing would send.
    const paid = await seededInvoice("eko@nusantara-club.test");
    expect(paid.provider).toBe("stripe");
    const refunds = await db.sql(`select count(*)::int as n from public.refunds`);
    const refund = await call("payments/refund", {
      token: await tokenFor("admin@pitlane.test"),
      body: { invoice_id: paid.id, amount: 100 },
    });
    expect(refund).toMatchObject({
      status: 503,
      body: { error: { message: expect.stringContaining("STRIPE_SECRET_KEY") } },
    });
    expect(await db.sql(`select count(*)::int as n from public.refunds`)).toEqual(refunds);

    const after = await db.sql(
      `select id, status, provider, provider_reference, checkout_url from public.invoices where id = any($1) order by id`,
      [[open.id, paid.id]],
    );
    expect(after).toEqual(
      [open, paid]
        .map(({ id, status, provider, provider_reference, checkout_url }) => ({
          id,
          status,
          provider,
          provider_reference,
          checkout_url,
        }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    );
  });
});

describe("with the network off", () => {
  it("starts every function from the Deno cache npm install filled, downloading nothing", async () => {
    const member = await tokenFor("member01@example.test");
    // Each answer is the function's own, so it booted: its npm imports (supabase-js, zod, stripe,
    // pdf-lib, jose) resolved without the registry.
    expect(await call("payments/checkout", { token: member })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_request" } },
    });
    expect(await call("receipts", { token: member })).toMatchObject({
      status: 400,
      body: { error: { code: "invalid_request" } },
    });
    expect(await call("certificates/verify/AAAA-BBBB-CCCC", { method: "GET" })).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    expect(await call("stripe-webhook")).toMatchObject({
      status: 503,
      body: { error: { code: "not_configured" } },
    });
    expect(await call("faspay-webhook")).toMatchObject({
      status: 503,
      body: { error: { code: "not_configured" } },
    });
    expect(stack.output()).not.toMatch(/Download|BOOT_ERROR|error sending request/i);
  });
});

describe("at start", () => {
  it("boots every function before its first call, which then finds its worker running", async () => {
    await expect
      .poll(() => /functions: (.*) started ahead of their first call/.exec(stack.output())?.[1], {
        timeout: 60_000,
        interval: 200,
      })
      .toBeTruthy();
    const names = /functions: (.*) started ahead of their first call/
      .exec(stack.output())![1]!
      .split(", ");
    expect(names).toEqual(expect.arrayContaining(["certificates", "payments", "receipts"]));
    /** How many times each function's worker booted, from the runtime's "booted" lines. */
    const boots = (name: string) =>
      stack
        .output()
        .split("\n")
        .filter((line) => line.includes(`[functions/${name}] booted (`)).length;
    for (const name of names) expect(boots(name), name).toBe(1);
    // The project's functions share one Deno configuration, so one Deno process runs them all.
    const runtimes = await edgeRuntimes(stack.child.pid!);
    expect(runtimes).toHaveLength(1);
    expect(await call("certificates/verify/AAAA-BBBB-CCCC", { method: "GET" })).toMatchObject({
      status: 404,
    });
    expect(boots("certificates")).toBe(1);
    expect(await edgeRuntimes(stack.child.pid!)).toEqual(runtimes);
  });
});
