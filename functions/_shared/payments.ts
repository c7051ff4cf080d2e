// Shared by the payments, stripe-webhook, faspay-webhook and receipts functions: the Stripe client
// (fetch + SubtleCrypto, as Deno needs), Faspay's signatures, and sending a refund to Stripe.
import { createHash, timingSafeEqual } from "node:crypto";
import Stripe from "stripe";
import { z } from "zod";
import { HttpError, requireEnv, requireSecrets } from "./http.ts";
import { dateTime, MAX_INTEGER, text, uuid } from "./input.ts";
import { type Client, fromPostgrest, type Row } from "./supabase.ts";

/**
 * The Stripe SDK on fetch. STRIPE_API_BASE (e.g. http://127.0.0.1:4242) points it at another
 * server than api.stripe.com: the tests' fake Stripe.
 */
export function stripeClient(): Stripe {
  const config: Stripe.StripeConfig = {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 1,
  };
  const base = Deno.env.get("STRIPE_API_BASE");
  if (base) {
    const url = new URL(base);
    config.host = url.hostname;
    config.protocol = url.protocol === "http:" ? "http" : "https";
    config.port = Number(url.port || (url.protocol === "http:" ? 80 : 443));
  }
  return new Stripe(requireEnv("STRIPE_SECRET_KEY"), config);
}

/** Webhook signatures are checked with Web Crypto: Deno has no Node crypto streams for Stripe. */
export const stripeCrypto = Stripe.createSubtleCryptoProvider();

/**
 * What a webhook understood from a provider's event, as apply_provider_event takes it (see its
 * comment in sql/): checked before it is written, so a value the database cannot take is a 400.
 */
export const ProviderAction = z.object({
  kind: z.enum(["payment", "refund", "expired", "cancelled", "failed", "pending", "ignore"]),
  invoice_id: uuid.nullish(),
  invoice_number: text(64).nullish(),
  provider_reference: text(255).nullish(),
  provider_payment_id: text(255).nullish(),
  amount: z.number().int().nonnegative().max(MAX_INTEGER).nullish(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { message: "must be a three-letter currency code" })
    .nullish(),
  channel: text(100).nullish(),
  channel_desc: text(200).nullish(),
  va_number: text(32).nullish(),
  paid_at: dateTime.nullish(),
  status_desc: text(500).nullish(),
  refunds: z
    .array(
      z.object({
        provider_refund_id: text(255, 1),
        amount: z.number().int().positive().max(MAX_INTEGER),
        status: text(32).nullish(),
        refund_id: uuid.nullish(),
      }),
    )
    .max(100)
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// Faspay
// ---------------------------------------------------------------------------------------------

export interface FaspayConfig {
  merchantId: string;
  merchantName: string;
  userId: string;
  password: string;
  apiBase: string;
}

export function faspayConfig(): FaspayConfig {
  const secrets = requireSecrets(["FASPAY_MERCHANT_ID", "FASPAY_USER_ID", "FASPAY_PASSWORD"]);
  return {
    merchantId: secrets.FASPAY_MERCHANT_ID,
    merchantName: Deno.env.get("FASPAY_MERCHANT_NAME") || "Pitlane",
    userId: secrets.FASPAY_USER_ID,
    password: secrets.FASPAY_PASSWORD,
    apiBase: Deno.env.get("FASPAY_API_BASE") || "https://xpress-sandbox.faspay.co.id",
  };
}

/** Faspay's signature: sha1(md5(concatenated parts)), both as lower-case hex. */
export function faspaySignature(...parts: Array<string | number>): string {
  const md5 = createHash("md5").update(parts.join("")).digest("hex");
  return createHash("sha1").update(md5).digest("hex");
}

export function sameSignature(expected: string, given: string): boolean {
  const a = new TextEncoder().encode(expected.toLowerCase());
  const b = new TextEncoder().encode(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Faspay's datetimes: "YYYY-MM-DD HH:MM:SS" in Jakarta time (UTC+7, no daylight saving). */
export function faspayDate(date: Date): string {
  return new Date(date.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

export function fromFaspayDate(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  return `${value.replace(" ", "T")}+07:00`;
}

// ---------------------------------------------------------------------------------------------
// Refunds
// ---------------------------------------------------------------------------------------------

export type RefundRow = Row<"refunds">;

/**
 * Before a refund is requested: a Stripe invoice's refund goes to Stripe, so without its secret key
 * the request stops here (503 naming it) instead of leaving a refund requested that nothing sends.
 * `client` reads the invoice as the caller; one they cannot see is the RPC's to refuse.
 */
export async function assertRefundSendable(
  client: Client,
  invoiceId: string | null | undefined,
): Promise<void> {
  if (!invoiceId) return;
  const { data } = await client
    .from("invoices")
    .select("provider")
    .eq("id", invoiceId)
    .maybeSingle();
  if (data?.provider === "stripe") requireEnv("STRIPE_SECRET_KEY");
}

/**
 * Sends a requested Stripe refund (idempotently: the refund's id is the idempotency key) and
 * records it as pending; the webhook records it as succeeded when Stripe confirms. A refund
 * Stripe refuses is recorded as failed and reported as a 502.
 */
export async function submitStripeRefund(admin: Client, refund: RefundRow): Promise<RefundRow> {
  if (refund.provider !== "stripe" || refund.status !== "requested") return refund;
  const { data: invoice, error } = await admin
    .from("invoices")
    .select("id, number, provider_payment_id")
    .eq("id", refund.invoice_id)
    .single();
  if (error) throw fromPostgrest(error);
  let providerRefundId: string | null = null;
  let failure: string | null = null;
  try {
    const created = await stripeClient().refunds.create(
      {
        payment_intent: invoice.provider_payment_id ?? undefined,
        amount: refund.amount,
        metadata: { refund_id: refund.id, invoice_id: invoice.id, invoice_number: invoice.number },
      },
      { idempotencyKey: `refund-${refund.id}` },
    );
    providerRefundId = created.id;
  } catch (cause) {
    failure = cause instanceof Error ? cause.message : String(cause);
  }
  const { data, error: markError } = await admin.rpc("mark_refund_submitted", {
    p_refund_id: refund.id,
    // null when Stripe refused: the generated types cannot say that an argument takes null.
    p_provider_refund_id: providerRefundId as string,
    p_failure: failure ?? undefined,
  });
  if (markError) throw fromPostgrest(markError);
  if (failure) throw new HttpError(502, "provider_error", `Stripe refused the refund: ${failure}`);
  return data;
}
