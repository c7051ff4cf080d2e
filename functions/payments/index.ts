// Payments: starts a checkout for an open invoice (Stripe Checkout Session, or a Faspay Xpress
// payment with a virtual account), sends refunds to Stripe, and expires unpaid invoices.
//
//   POST /payments/checkout             {invoice_id, provider: "stripe"|"faspay", success_url?, cancel_url?, payment_channel?}
//   POST /payments/refund               {invoice_id, amount?, reason?, invoice_item_id?}   organization or platform admins
//   POST /payments/cancel-registration  {registration_id, reason?}                         the registrant, under the event's refund policy
//   POST /payments/cancel-enrollment    {enrollment_id, reason?}                           the learner, within the course's refund window
//   POST /payments/expire               service role (a scheduler): expires due invoices and their checkouts
//
// Invoices and amounts come from the database (checkout_* RPCs); nothing the caller sends sets a price.
import type { PostgrestError } from "@supabase/supabase-js";
// The bodies' schemas are shared with the SDK.
import {
  CancelEnrollmentBody as CancelEnrollment,
  CancelRegistrationBody as CancelRegistration,
  CheckoutBody as Checkout,
  RefundBody as Refund,
} from "../../clients/src/schemas/payments.ts";
import { HttpError, json, serve } from "../_shared/http.ts";
import { pathSegments, readJson } from "../_shared/input.ts";
import { callersInvoice } from "../_shared/invoices.ts";
import {
  assertRefundSendable,
  faspayConfig,
  faspayDate,
  faspaySignature,
  type RefundRow,
  stripeClient,
  submitStripeRefund,
} from "../_shared/payments.ts";
import {
  adminClient,
  callerClient,
  type Database,
  fromPostgrest,
  type Row,
} from "../_shared/supabase.ts";

/** The invoice as checkout reads it: the schema's columns, with its items embedded. */
type Invoice = Pick<
  Row<"invoices">,
  | "id"
  | "number"
  | "user_id"
  | "status"
  | "currency"
  | "total_amount"
  | "description"
  | "provider"
  | "provider_reference"
  | "checkout_url"
  | "va_number"
  | "expires_at"
> & {
  invoice_items: Array<
    Pick<Row<"invoice_items">, "description" | "quantity" | "unit_amount" | "amount">
  >;
};

/** What a checkout records on the invoice (attach_invoice_checkout's arguments but the invoice's id). */
type CheckoutAttachment = Omit<
  Database["public"]["Functions"]["attach_invoice_checkout"]["Args"],
  "p_invoice_id"
>;

const returnUrl = () => Deno.env.get("PAYMENTS_RETURN_URL") || "http://localhost:3000/invoices";

function checkoutView(
  invoice: Pick<
    Invoice,
    | "id"
    | "number"
    | "provider"
    | "checkout_url"
    | "va_number"
    | "expires_at"
    | "total_amount"
    | "currency"
  >,
) {
  const { id, number, provider, checkout_url, va_number, expires_at, total_amount, currency } =
    invoice;
  return {
    invoice_id: id,
    number,
    provider,
    checkout_url,
    va_number,
    expires_at,
    total_amount,
    currency,
  };
}

async function checkout(req: Request): Promise<Response> {
  const input = await readJson(req, Checkout);
  const { user, invoice } = await callersInvoice<Invoice>(
    req,
    input.invoice_id,
    "id, number, user_id, status, currency, total_amount, description, provider, provider_reference, checkout_url, va_number, expires_at, invoice_items(description, quantity, unit_amount, amount)",
  );
  if (invoice.status !== "open")
    throw new HttpError(400, "rejected", `this invoice is ${invoice.status}`);
  if (new Date(invoice.expires_at).getTime() <= Date.now())
    throw new HttpError(400, "rejected", "this invoice has expired");
  // Asking again returns the checkout already started with the same provider.
  if (invoice.provider === input.provider && invoice.provider_reference && invoice.checkout_url)
    return json(checkoutView(invoice));

  const admin = adminClient();
  const expiresAt = new Date(invoice.expires_at);
  let attach: CheckoutAttachment;
  if (input.provider === "stripe") {
    // Stripe takes 30 minutes to 24 hours: a shorter seat hold still ends the invoice on time, and
    // a payment after that is applied if the seat is still free, refunded otherwise.
    const sessionExpiry = Math.max(
      Math.floor(expiresAt.getTime() / 1000),
      Math.floor(Date.now() / 1000) + 31 * 60,
    );
    const metadata = { invoice_id: invoice.id, invoice_number: invoice.number };
    const session = await stripeClient().checkout.sessions.create({
      mode: "payment",
      client_reference_id: invoice.id,
      customer_email: user.email,
      line_items: invoice.invoice_items.map((item) => ({
        quantity: item.quantity,
        price_data: {
          currency: invoice.currency.toLowerCase(),
          unit_amount: item.unit_amount,
          product_data: { name: item.description },
        },
      })),
      metadata,
      payment_intent_data: { metadata, description: `Invoice ${invoice.number}` },
      expires_at: Math.min(sessionExpiry, Math.floor(Date.now() / 1000) + 24 * 3600 - 60),
      success_url: input.success_url ?? `${returnUrl()}/${invoice.id}?paid=1`,
      cancel_url: input.cancel_url ?? `${returnUrl()}/${invoice.id}`,
    });
    attach = {
      p_provider: "stripe",
      p_provider_reference: session.id,
      p_checkout_url: session.url ?? undefined,
      p_channel: "card",
      p_channel_desc: "Stripe Checkout",
    };
  } else {
    if (invoice.currency !== "IDR")
      throw new HttpError(400, "rejected", "Faspay takes IDR invoices only");
    const faspay = faspayConfig();
    const { data: profile } = await admin
      .from("profiles")
      .select("display_name")
      .eq("id", user.id)
      .maybeSingle();
    const { data: contact } = await admin
      .from("profile_contacts")
      .select("phone")
      .eq("profile_id", user.id)
      .maybeSingle();
    const body = {
      merchant_id: faspay.merchantId,
      bill_no: invoice.number,
      bill_date: faspayDate(new Date()),
      bill_expired: faspayDate(expiresAt),
      bill_desc: (invoice.description ?? `Invoice ${invoice.number}`).slice(0, 128),
      bill_total: String(invoice.total_amount),
      cust_no: user.id.replace(/-/g, "").slice(0, 32),
      cust_name: (profile?.display_name ?? "Member").slice(0, 32),
      return_url: input.success_url ?? `${returnUrl()}/${invoice.id}`,
      msisdn: (contact?.phone ?? "").replace(/[^0-9]/g, "") || "0",
      email: user.email ?? "",
      ...(input.payment_channel ? { payment_channel: [input.payment_channel] } : {}),
      item: invoice.invoice_items.map((item) => ({
        product: item.description.slice(0, 50),
        qty: String(item.quantity),
        amount: String(item.amount),
      })),
      signature: faspaySignature(
        faspay.userId,
        faspay.password,
        invoice.number,
        invoice.total_amount,
      ),
    };
    const response = await fetch(`${faspay.apiBase}/v4/post`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, string | undefined>;
    if (!response.ok || answer.response_code !== "00" || !answer.trx_id) {
      throw new HttpError(
        502,
        "provider_error",
        `Faspay refused the payment: ${answer.response_desc ?? response.status}`,
      );
    }
    // With a virtual-account channel chosen up front, Faspay's transaction id is the account
    // number the payer transfers to.
    const va = answer.va_number ?? (input.payment_channel ? answer.trx_id : undefined);
    attach = {
      p_provider: "faspay",
      p_provider_reference: answer.trx_id,
      p_checkout_url: answer.redirect_url,
      p_channel: input.payment_channel,
      p_channel_desc: input.payment_channel ? "Virtual account" : "Faspay Xpress",
      p_va_number: va && /^[0-9]{4,32}$/.test(va) ? va : undefined,
    };
  }
  const { data: attached, error: attachError } = await admin.rpc("attach_invoice_checkout", {
    p_invoice_id: invoice.id,
    ...attach,
  });
  if (attachError) throw fromPostgrest(attachError);
  return json(checkoutView(attached));
}

async function refund(req: Request): Promise<Response> {
  const input = await readJson(req, Refund);
  const caller = callerClient(req);
  await assertRefundSendable(caller, input.invoice_id);
  const { data, error } = await caller.rpc("request_refund", {
    p_invoice_id: input.invoice_id,
    p_amount: input.amount,
    p_reason: input.reason,
    p_invoice_item_id: input.invoice_item_id,
  });
  if (error) throw fromPostgrest(error);
  return json(await submitStripeRefund(adminClient(), data));
}

/**
 * A paid thing cancelled by its buyer through its RPC, which requests the refund this sends.
 * `invoiceId` is the invoice the caller can see for it, checked for a configured provider first.
 */
async function cancelForRefund(
  caller: ReturnType<typeof callerClient>,
  invoiceId: string | null | undefined,
  cancel: () => PromiseLike<{ data: RefundRow | null; error: PostgrestError | null }>,
): Promise<Response> {
  await assertRefundSendable(caller, invoiceId);
  const { data, error } = await cancel();
  if (error) throw fromPostgrest(error);
  return json(await submitStripeRefund(adminClient(), data!));
}

async function cancelRegistration(req: Request): Promise<Response> {
  const input = await readJson(req, CancelRegistration);
  const caller = callerClient(req);
  const { data: registration } = await caller
    .from("event_registrations")
    .select("invoice_id")
    .eq("id", input.registration_id)
    .maybeSingle();
  return cancelForRefund(caller, registration?.invoice_id, () =>
    caller.rpc("cancel_paid_registration", {
      p_registration_id: input.registration_id,
      p_reason: input.reason,
    }),
  );
}

async function cancelEnrollment(req: Request): Promise<Response> {
  const input = await readJson(req, CancelEnrollment);
  const caller = callerClient(req);
  const { data: enrollment } = await caller
    .from("course_enrollments")
    .select("invoice_id")
    .eq("id", input.enrollment_id)
    .maybeSingle();
  return cancelForRefund(caller, enrollment?.invoice_id, () =>
    caller.rpc("cancel_paid_course_enrollment", {
      p_enrollment_id: input.enrollment_id,
      p_reason: input.reason,
    }),
  );
}

/** The role in the caller's JWT (the gateway verified its signature). */
function jwtRole(req: Request): string | undefined {
  const token = req.headers.get("Authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  try {
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.role === "string" ? payload.role : undefined;
  } catch {
    return undefined;
  }
}

async function expire(req: Request): Promise<Response> {
  if (jwtRole(req) !== "service_role")
    throw new HttpError(403, "forbidden", "only the service role expires invoices");
  const { data, error } = await adminClient().rpc("expire_due_invoices");
  if (error) throw fromPostgrest(error);
  const expired = data ?? [];
  const stripeSessions = expired.filter(
    (invoice) => invoice.provider === "stripe" && invoice.provider_reference,
  );
  let closed = 0;
  if (stripeSessions.length > 0 && !Deno.env.get("STRIPE_SECRET_KEY")) {
    console.warn(
      `STRIPE_SECRET_KEY is not set: ${stripeSessions.length} Stripe checkout sessions of expired invoices stay open`,
    );
  } else if (stripeSessions.length > 0) {
    const stripe = stripeClient();
    for (const invoice of stripeSessions) {
      // A session already completed or expired refuses; the invoice is expired either way, and a
      // payment that still arrives is applied or refunded by the webhook.
      try {
        await stripe.checkout.sessions.expire(invoice.provider_reference!);
        closed++;
      } catch (cause) {
        console.warn(
          `could not expire Stripe session ${invoice.provider_reference}: ${cause instanceof Error ? cause.message : cause}`,
        );
      }
    }
  }
  return json({ expired: expired.map((invoice) => invoice.id), stripe_sessions_expired: closed });
}

serve(async (req) => {
  if (req.method !== "POST") throw new HttpError(405, "method_not_allowed", "use POST");
  const route = pathSegments(req).join("/");
  switch (route) {
    case "checkout":
      return checkout(req);
    case "refund":
      return refund(req);
    case "cancel-registration":
      return cancelRegistration(req);
    case "cancel-enrollment":
      return cancelEnrollment(req);
    case "expire":
      return expire(req);
    default:
      throw new HttpError(
        404,
        "not_found",
        "POST /payments/checkout, /refund, /cancel-registration, /cancel-enrollment or /expire",
      );
  }
});
