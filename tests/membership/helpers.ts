// Helpers for the membership suites (plans, memberships, offers): people signed in through
// supabase-js, plans made by the superuser, and payments delivered as the webhook functions
// deliver them (apply_provider_event with the service role).
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { adminClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";

/** A signed-in person; a platform admin when `platformAdmin` is set. */
export async function person(name: string, platformAdmin = false): Promise<SignedInPerson> {
  const someone = await signedInPerson(`Membership ${name}`);
  if (platformAdmin)
    await sql(`insert into public.platform_admins (user_id) values ($1)`, [someone.user.id]);
  return someone;
}

export interface Plan {
  id: string;
  code: string;
  price_amount: number;
  currency: string;
  period_months: number;
}

/** A new active plan with a unique code starting with `tier`. */
export async function plan(
  tier: string,
  fields: Partial<Omit<Plan, "id" | "code">> = {},
): Promise<Plan> {
  const [row] = await sql<Plan>(
    `insert into public.membership_plans (code, name, price_amount, currency, period_months)
     values ($1, $2, $3, $4, $5) returning id, code, price_amount, currency, period_months`,
    [
      `${tier}_${randomUUID().slice(0, 8)}`,
      `${tier[0]!.toUpperCase()}${tier.slice(1)}`,
      fields.price_amount ?? 9900,
      fields.currency ?? "USD",
      fields.period_months ?? 12,
    ],
  );
  return row!;
}

export interface Invoice {
  id: string;
  number: string;
  status: string;
  total_amount: number;
  currency: string;
}

/** `client`'s user checks out a term of the plan. */
export async function checkout(client: SupabaseClient, planId: string): Promise<Invoice> {
  return ok(await client.rpc("checkout_membership", { p_plan_id: planId }).single<Invoice>());
}

/**
 * A Stripe payment event for the invoice, applied as the stripe-webhook function applies one
 * (same event id: a repeated delivery).
 */
export async function deliverPayment(
  invoice: Invoice,
  eventId = `evt_${randomUUID()}`,
  paymentId = `pi_${invoice.id}`,
): Promise<Record<string, unknown>> {
  return ok(
    await adminClient().rpc("apply_provider_event", {
      p_provider: "stripe",
      p_event_id: eventId,
      p_event_type: "checkout.session.completed",
      p_payload: { id: eventId },
      p_action: {
        kind: "payment",
        invoice_id: invoice.id,
        provider_payment_id: paymentId,
        amount: invoice.total_amount,
        currency: invoice.currency,
      },
    }),
  ) as Record<string, unknown>;
}

export interface MyMembership {
  membership_id: string | null;
  tier: string | null;
  status: string | null;
  starts_at?: string;
  ends_at?: string;
  paid_through?: string;
  rewards_balance: number;
}

export async function myMembership(client: SupabaseClient): Promise<MyMembership> {
  return ok(await client.rpc("my_membership")) as MyMembership;
}

/** The notifications of `userId` of one type, as the superuser sees them. */
export async function notificationsOf(userId: string, type: string) {
  return sql<{ title: string; subject_id: string }>(
    `select title, subject_id from public.notifications where user_id = $1 and type = $2 order by created_at`,
    [userId, type],
  );
}

/** A Stripe refund of the whole payment, confirmed by its webhook event. */
export async function deliverRefund(invoice: Invoice): Promise<Record<string, unknown>> {
  return ok(
    await adminClient().rpc("apply_provider_event", {
      p_provider: "stripe",
      p_event_id: `evt_refund_${invoice.id}`,
      p_event_type: "charge.refunded",
      p_payload: { id: `evt_refund_${invoice.id}` },
      p_action: {
        kind: "refund",
        invoice_id: invoice.id,
        provider_payment_id: `pi_${invoice.id}`,
        refunds: [
          {
            provider_refund_id: `re_${invoice.id}`,
            amount: invoice.total_amount,
            status: "succeeded",
          },
        ],
      },
    }),
  ) as Record<string, unknown>;
}
