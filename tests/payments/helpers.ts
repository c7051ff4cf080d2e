// The payments suites' world: an extra stack whose functions get the fake Stripe's and Faspay's
// secrets (functions/.env of the stack's --functions folder), people signed in through supabase-js,
// and an organization with an admin, a member and paid events.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SupabaseClient } from "@supabase/supabase-js";
import { signedInClient } from "../helpers/auth.ts";
import { Db, pauseExpiryJob, testPassword } from "../helpers/db.ts";
import { spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { supabaseClient } from "../helpers/supabase.ts";
import { FakeFaspay, FakeStripe, faspay, stripeSecretKey, stripeWebhookSecret } from "./fakes.ts";

export interface Person {
  id: string;
  email: string;
  client: SupabaseClient;
}

export interface PaymentsWorld {
  stack: SpawnedStack;
  db: Db;
  stripe: FakeStripe;
  faspay: FakeFaspay;
  service: SupabaseClient;
  anon: SupabaseClient;
  person(name?: string): Promise<Person>;
  /** An organization with `admin` as its admin and `member` as a member. */
  organization(admin: Person, member?: Person): Promise<string>;
  event(organizationId: string, fields?: Partial<EventFields>): Promise<string>;
  stop(): Promise<void>;
}

export interface EventFields {
  capacity: number;
  price_amount: number;
  currency: string;
  refund_cutoff_hours: number | null;
  starts_in_hours: number;
}

export async function paymentsWorld(): Promise<PaymentsWorld> {
  const stripe = await new FakeStripe().start();
  const fakeFaspay = await new FakeFaspay().start();
  const functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-payments-fn-"));
  // config.toml's [functions.*] entrypoints point at the repository's functions; this folder only
  // gives them their secrets, as functions/.env does.
  await writeFile(
    path.join(functionsDir, ".env"),
    [
      `STRIPE_SECRET_KEY=${stripeSecretKey}`,
      `STRIPE_WEBHOOK_SECRET=${stripeWebhookSecret}`,
      `STRIPE_API_BASE=${stripe.url}`,
      `FASPAY_MERCHANT_ID=${faspay.merchantId}`,
      `FASPAY_MERCHANT_NAME="${faspay.merchantName}"`,
      `FASPAY_USER_ID=${faspay.userId}`,
      `FASPAY_PASSWORD=${faspay.password}`,
      `FASPAY_API_BASE=${fakeFaspay.url}`,
      "",
    ].join("\n"),
  );
  const stack = await spawnStack({ args: ["--functions", functionsDir] });
  const db = new Db(stack.dbUrl);
  await pauseExpiryJob(db);
  const service = supabaseClient(stack.serviceRoleKey, { apiUrl: stack.apiUrl });
  const anon = supabaseClient(stack.anonKey, { apiUrl: stack.apiUrl });

  return {
    stack,
    db,
    stripe,
    faspay: fakeFaspay,
    service,
    anon,
    async person(name = "Payer") {
      const email = `pay-${randomUUID().slice(0, 8)}@example.test`;
      const { data, error } = await service.auth.admin.createUser({ email, password: testPassword, email_confirm: true, user_metadata: { full_name: name } });
      if (error) throw error;
      return { id: data.user.id, email, client: await signedInClient({ email, password: testPassword }, stack) };
    },
    async organization(admin, member) {
      const id = randomUUID();
      await db.sql(
        `insert into public.organizations (id, slug, display_name, city, created_by) values ($1, $2, 'Pay Org', 'Jakarta', $3)`,
        [id, `pay-org-${id.slice(0, 8)}`, admin.id],
      );
      // The trigger on organizations makes its creator the owner (an admin and more).
      if (member) await db.sql(`insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'member')`, [id, member.id]);
      return id;
    },
    async event(organizationId, fields = {}) {
      const id = randomUUID();
      const f: EventFields = { capacity: 10, price_amount: 5000, currency: "USD", refund_cutoff_hours: 24, starts_in_hours: 240, ...fields };
      await db.sql(
        `insert into public.events (id, organization_id, slug, title, venue_name, starts_at, ends_at, capacity, price_amount, currency, refund_cutoff_hours, status)
         values ($1, $2, $3, 'Paid track day', 'Circuit', now() + make_interval(hours => $4), now() + make_interval(hours => $4 + 4), $5, $6, $7, $8, 'published')`,
        [id, organizationId, `pay-event-${id.slice(0, 8)}`, f.starts_in_hours, f.capacity, f.price_amount, f.currency, f.refund_cutoff_hours],
      );
      return id;
    },
    async stop() {
      await db.end();
      await stack.stop();
      await Promise.all([stripe.stop(), fakeFaspay.stop()]);
      await rm(stack.dataDir, { recursive: true, force: true });
      await rm(functionsDir, { recursive: true, force: true });
    },
  };
}

/** A webhook POSTed as the provider would: raw body and headers, answered with status and JSON. */
export async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}
