// The payments suites' world: an extra stack whose functions get every secret they declare (the
// fake Stripe's and Faspay's, and a signing key made for the run, in functions/.env of the stack's
// --functions folder), people signed in through supabase-js, and an organization with an admin, a
// member and paid events.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SupabaseClient } from "@supabase/supabase-js";
import { signedInClient } from "../helpers/auth.ts";
import { Db, pauseExpiryJob, testPassword } from "../helpers/db.ts";
import { spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { zoom } from "../outreach/fake-zoom.ts";
import { supabaseClient } from "../helpers/supabase.ts";
import {
  FakeFaspay,
  FakeStripe,
  faspay,
  stripeSecretKey,
  stripeSignature,
  stripeWebhookSecret,
} from "./fakes.ts";

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
  /** An edge function called as `person` through supabase-js: its data, status and error body. */
  invoke<T = any>(
    person: Person,
    name: string,
    body: object,
  ): Promise<{ data: T; status: number; error: any }>;
  /** An event POSTed to stripe-webhook, signed as Stripe signs it unless `signature` is given. */
  stripeWebhook(
    event: object,
    options?: { signature?: string },
  ): Promise<{ status: number; body: any }>;
  /** `person` pays an open invoice with Stripe Checkout (payments function, fake Stripe, webhook). */
  payWithStripe(
    person: Person,
    invoiceId: string,
  ): Promise<{ paymentIntent: string; answer: { status: number; body: any } }>;
  stop(): Promise<void>;
}

export interface EventFields {
  capacity: number;
  price_amount: number;
  currency: string;
  refund_cutoff_hours: number | null;
  starts_in_hours: number;
}

/**
 * `config`: a config.toml for the stack instead of the repository's (see repositoryConfig in
 * helpers/auth.ts), for suites that also need, say, Google sign-in.
 */
export async function paymentsWorld(options: { config?: string } = {}): Promise<PaymentsWorld> {
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
      // Zoom's webhook secret, for the edge-function fuzz; no Zoom API: nothing here creates meetings.
      `ZOOM_WEBHOOK_SECRET_TOKEN=${zoom.webhookSecret}`,
      `CERTIFICATES_SIGNING_KEY='${JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }))}'`,
      "",
    ].join("\n"),
  );
  const configFile = path.join(functionsDir, "config.toml");
  if (options.config) await writeFile(configFile, options.config);
  const stack = await spawnStack({
    args: ["--functions", functionsDir, ...(options.config ? ["--config", configFile] : [])],
  });
  const db = new Db(stack.dbUrl);
  await pauseExpiryJob(db);
  const service = supabaseClient(stack.serviceRoleKey, { apiUrl: stack.apiUrl });
  const anon = supabaseClient(stack.anonKey, { apiUrl: stack.apiUrl });

  const invoke: PaymentsWorld["invoke"] = async (person, name, body) => {
    const { data, error, response } = await person.client.functions.invoke(name, { body });
    let detail: unknown = null;
    if (error) detail = await (error.context as Response).json().catch(() => null);
    return { data, status: response?.status ?? 0, error: detail };
  };
  const stripeWebhook: PaymentsWorld["stripeWebhook"] = async (event, options = {}) => {
    const body = JSON.stringify(event);
    return post(`${stack.apiUrl}/functions/v1/stripe-webhook`, body, {
      "stripe-signature": options.signature ?? stripeSignature(body),
    });
  };

  return {
    stack,
    db,
    stripe,
    faspay: fakeFaspay,
    service,
    anon,
    async person(name = "Payer") {
      const email = `pay-${randomUUID().slice(0, 8)}@example.test`;
      const { data, error } = await service.auth.admin.createUser({
        email,
        password: testPassword,
        email_confirm: true,
        user_metadata: { full_name: name },
      });
      if (error) throw error;
      return {
        id: data.user.id,
        email,
        client: await signedInClient({ email, password: testPassword }, stack),
      };
    },
    async organization(admin, member) {
      const id = randomUUID();
      await db.sql(
        `insert into public.organizations (id, slug, display_name, city, created_by) values ($1, $2, 'Pay Org', 'Jakarta', $3)`,
        [id, `pay-org-${id.slice(0, 8)}`, admin.id],
      );
      // The trigger on organizations makes its creator the owner (an admin and more).
      if (member)
        await db.sql(
          `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'member')`,
          [id, member.id],
        );
      return id;
    },
    async event(organizationId, fields = {}) {
      const id = randomUUID();
      const f: EventFields = {
        capacity: 10,
        price_amount: 5000,
        currency: "USD",
        refund_cutoff_hours: 24,
        starts_in_hours: 240,
        ...fields,
      };
      await db.sql(
        `insert into public.events (id, organization_id, slug, title, venue_name, starts_at, ends_at, capacity, price_amount, currency, refund_cutoff_hours, status)
         values ($1, $2, $3, 'Paid track day', 'Circuit', now() + make_interval(hours => $4), now() + make_interval(hours => $4 + 4), $5, $6, $7, $8, 'published')`,
        [
          id,
          organizationId,
          `pay-event-${id.slice(0, 8)}`,
          f.starts_in_hours,
          f.capacity,
          f.price_amount,
          f.currency,
          f.refund_cutoff_hours,
        ],
      );
      return id;
    },
    invoke,
    stripeWebhook,
    async payWithStripe(person, invoiceId) {
      const checkout = await invoke(person, "payments/checkout", {
        invoice_id: invoiceId,
        provider: "stripe",
      });
      if (checkout.error)
        throw new Error(`checkout of ${invoiceId}: ${JSON.stringify(checkout.error)}`);
      const session = [...stripe.sessions.values()].find(
        (s) => s.client_reference_id === invoiceId,
      )!;
      const { paymentIntent, completed } = stripe.pay(session.id);
      return { paymentIntent, answer: await stripeWebhook(completed) };
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
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}
