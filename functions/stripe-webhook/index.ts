// Stripe webhook (verify_jwt = false: Stripe signs with STRIPE_WEBHOOK_SECRET instead).
//
// The signature is checked with constructEventAsync and Web Crypto; a bad one is a 400 and
// changes nothing. Each event is recorded and applied once, in one database transaction, by
// apply_provider_event (keyed by Stripe's event id): a delivery repeated, concurrent or out of
// order changes nothing twice. Unknown types are recorded, logged and acknowledged.
import type Stripe from "stripe";
import { z } from "zod";
import { errorResponse, HttpError, json, requireSecrets, serve } from "../_shared/http.ts";
import { parseInput, readText, text } from "../_shared/input.ts";
import {
  ProviderAction,
  stripeClient,
  stripeCrypto,
  submitStripeRefund,
} from "../_shared/payments.ts";
import { adminClient, fromPostgrest } from "../_shared/supabase.ts";

type Action = Record<string, unknown> & { kind: string };

/** What the function reads of every event; data.object's fields are checked as the action they make. */
const StripeEvent = z.object({
  id: text(255, 1),
  type: text(255, 1),
  created: z.number().int().nonnegative(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

/** Our invoice and refund ids are UUIDs: another reference (an integration sharing the Stripe account) matches none. */
const ourId = (value: string | null | undefined) =>
  value && z.uuid().safeParse(value).success ? value : undefined;

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === "string" ? value : (value?.id ?? null);
const at = (seconds: number | null | undefined) =>
  seconds ? new Date(seconds * 1000).toISOString() : undefined;

function refundEntry(refund: Stripe.Refund) {
  return {
    provider_refund_id: refund.id,
    amount: refund.amount,
    status: refund.status,
    refund_id: ourId(refund.metadata?.refund_id) ?? null,
  };
}

/** What an event means for an invoice; anything else is "ignore". */
async function actionFor(event: Stripe.Event, stripe: Stripe): Promise<Action> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      const target = {
        invoice_id: ourId(session.client_reference_id ?? session.metadata?.invoice_id),
        provider_reference: session.id,
      };
      if (session.payment_status !== "paid")
        return { kind: "pending", ...target, status_desc: `checkout ${session.payment_status}` };
      return {
        kind: "payment",
        ...target,
        provider_payment_id: idOf(session.payment_intent),
        amount: session.amount_total,
        currency: session.currency,
        channel: session.payment_method_types?.[0] ?? "card",
        channel_desc: "Stripe Checkout",
        paid_at: at(event.created),
      };
    }
    case "checkout.session.async_payment_failed": {
      const session = event.data.object;
      return {
        kind: "failed",
        invoice_id: ourId(session.client_reference_id ?? session.metadata?.invoice_id),
        provider_reference: session.id,
        status_desc: "payment failed",
      };
    }
    case "checkout.session.expired": {
      const session = event.data.object;
      return {
        kind: "expired",
        invoice_id: ourId(session.client_reference_id ?? session.metadata?.invoice_id),
        provider_reference: session.id,
        status_desc: "checkout expired",
      };
    }
    case "payment_intent.succeeded": {
      const intent = event.data.object;
      return {
        kind: "payment",
        invoice_id: ourId(intent.metadata?.invoice_id),
        provider_payment_id: intent.id,
        amount: intent.amount_received,
        currency: intent.currency,
        channel: intent.payment_method_types?.[0] ?? "card",
        paid_at: at(event.created),
      };
    }
    case "payment_intent.payment_failed": {
      const intent = event.data.object;
      return {
        kind: "failed",
        invoice_id: ourId(intent.metadata?.invoice_id),
        provider_payment_id: intent.id,
        status_desc: intent.last_payment_error?.message ?? "payment failed",
      };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      // Since API version 2022-11-15 a charge no longer embeds its refunds: list them.
      const refunds =
        charge.refunds?.data ?? (await stripe.refunds.list({ charge: charge.id, limit: 100 })).data;
      return {
        kind: "refund",
        invoice_id: ourId(charge.metadata?.invoice_id),
        provider_payment_id: idOf(charge.payment_intent),
        refunds: refunds.map(refundEntry),
      };
    }
    case "refund.updated":
    case "refund.failed":
    case "charge.refund.updated": {
      const refund = event.data.object as Stripe.Refund;
      return {
        kind: "refund",
        invoice_id: ourId(refund.metadata?.invoice_id),
        provider_payment_id: idOf(refund.payment_intent),
        refunds: [refundEntry(refund)],
      };
    }
    default:
      return { kind: "ignore" };
  }
}

serve(async (req) => {
  if (req.method !== "POST") throw new HttpError(405, "method_not_allowed", "Stripe POSTs events");
  // Both secrets first: without them no event can be checked or applied (503 naming the missing).
  const { STRIPE_WEBHOOK_SECRET: webhookSecret } = requireSecrets([
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
  ]);
  const stripe = stripeClient();
  const signature = req.headers.get("stripe-signature");
  const body = await readText(req);
  if (!signature)
    return errorResponse(400, "invalid_signature", "the Stripe-Signature header is missing");
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(
      body,
      signature,
      webhookSecret,
      undefined,
      stripeCrypto,
    );
  } catch (cause) {
    return errorResponse(
      400,
      "invalid_signature",
      cause instanceof Error ? cause.message : "the signature does not match",
    );
  }
  // Signed, so Stripe's; its shape is still checked before anything is written.
  parseInput(StripeEvent, event);

  const action = parseInput(ProviderAction, await actionFor(event, stripe));
  const admin = adminClient();
  const { data, error } = await admin.rpc("apply_provider_event", {
    p_provider: "stripe",
    p_event_id: event.id,
    p_event_type: event.type,
    p_payload: JSON.parse(body),
    p_action: action,
  });
  // A failure is a 500: nothing was recorded, and Stripe delivers the event again later.
  if (error) throw fromPostgrest(error);
  const result = data as {
    status: string;
    invoice_id?: string;
    needs_refund?: boolean;
    refund_id?: string;
  };
  if (action.kind === "ignore")
    console.log(`stripe-webhook: acknowledged ${event.type} (${event.id}) without handling it`);
  if (result.status === "unmatched")
    console.warn(`stripe-webhook: ${event.type} (${event.id}) matches no invoice yet`);

  // The money could not be kept (the seat went while the payer was paying): send it back.
  if (result.needs_refund && result.refund_id) {
    const { data: refund } = await admin
      .from("refunds")
      .select("*")
      .eq("id", result.refund_id)
      .single();
    if (refund)
      await submitStripeRefund(admin, refund).catch((cause) =>
        console.error("stripe-webhook: automatic refund failed", cause),
      );
  }
  return json({ received: true, ...result });
});
