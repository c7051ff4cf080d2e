// Payments end to end, through supabase-js and the edge functions, against a fake Stripe and a
// fake Faspay: checkout, webhooks (signed as the providers sign), refunds, expiry, receipts and
// reconciliation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faspaySignature, stripeEvent, stripeSignature } from "./fakes.ts";
import { paymentsWorld, post, type PaymentsWorld, type Person } from "./helpers.ts";

let w: PaymentsWorld;
let orgAdmin: Person;
let orgId: string;

beforeAll(async () => {
  w = await paymentsWorld();
  orgAdmin = await w.person("Org Admin");
  orgId = await w.organization(orgAdmin);
});

afterAll(async () => {
  await w?.stop();
});

const fnUrl = (name: string) => `${w.stack.apiUrl}/functions/v1/${name}`;

const stripeWebhook = (event: object, options?: { signature?: string }) =>
  w.stripeWebhook(event, options);
const invoke = <T = any>(person: Person, name: string, body: object) =>
  w.invoke<T>(person, name, body);

async function registration(id: string) {
  const [row] = await w.db.sql(`select * from public.event_registrations where id = $1`, [id]);
  return row!;
}

async function invoice(id: string) {
  const [row] = await w.db.sql(`select * from public.invoices where id = $1`, [id]);
  return row!;
}

/** register → checkout RPC → Stripe Checkout through the payments function. */
async function registerAndCheckout(person: Person, eventId: string) {
  const { data: reg, error } = await person.client.rpc("register_for_event", {
    p_event_id: eventId,
  });
  expect(error).toBeNull();
  expect(reg.status).toBe("pending_payment");
  const { data: inv, error: invError } = await person.client.rpc("checkout_event_registration", {
    p_registration_id: reg.id,
  });
  expect(invError).toBeNull();
  const checkout = await invoke(person, "payments/checkout", {
    invoice_id: inv.id,
    provider: "stripe",
  });
  expect(checkout.error).toBeNull();
  const session = [...w.stripe.sessions.values()].find((s) => s.client_reference_id === inv.id)!;
  return {
    registrationId: reg.id as string,
    invoiceId: inv.id as string,
    session,
    checkout: checkout.data,
  };
}

describe("paid registration, end to end", () => {
  it("register → invoice → Stripe checkout → webhook → confirmed → refund → seat to the next on the waiting list", async () => {
    const buyer = await w.person("Buyer");
    const waiting = await w.person("Waiting");
    const eventId = await w.event(orgId, { capacity: 1, price_amount: 12500, currency: "USD" });

    const { registrationId, invoiceId, session, checkout } = await registerAndCheckout(
      buyer,
      eventId,
    );
    const { data: waitReg } = await waiting.client.rpc("register_for_event", {
      p_event_id: eventId,
    });
    expect(waitReg.status).toBe("waitlisted");

    // The invoice: human number, amount from the event's price, visible to its owner.
    const { data: own } = await buyer.client
      .from("invoices")
      .select("*, invoice_items(*)")
      .eq("id", invoiceId)
      .single();
    expect(own.number).toMatch(/^I[0-9A-Z]{6,}$/);
    expect(own).toMatchObject({
      status: "open",
      total_amount: 12500,
      currency: "USD",
      provider: "stripe",
      organization_id: orgId,
    });
    expect(own.invoice_items).toEqual([
      expect.objectContaining({
        kind: "event_registration",
        event_registration_id: registrationId,
        unit_amount: 12500,
        quantity: 1,
      }),
    ]);
    expect(checkout).toMatchObject({
      invoice_id: invoiceId,
      provider: "stripe",
      checkout_url: session.url,
    });
    expect(session.line_items_params[0].price_data).toMatchObject({
      currency: "usd",
      unit_amount: "12500",
    });
    expect(session.metadata).toEqual({ invoice_id: invoiceId, invoice_number: own.number });

    // Asking again returns the same checkout, without a second session.
    const sessionsBefore = w.stripe.sessions.size;
    const again = await invoke(buyer, "payments/checkout", {
      invoice_id: invoiceId,
      provider: "stripe",
    });
    expect(again.data.checkout_url).toBe(session.url);
    expect(w.stripe.sessions.size).toBe(sessionsBefore);

    // Stripe: the customer pays; both events arrive, the second changes nothing.
    const paid = w.stripe.pay(session.id);
    const first = await stripeWebhook(paid.completed);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      received: true,
      status: "processed",
      invoice_status: "paid",
    });
    expect((await stripeWebhook(paid.succeeded)).body).toMatchObject({
      status: "processed",
      already_paid: true,
    });
    expect(await registration(registrationId)).toMatchObject({
      status: "confirmed",
      invoice_id: invoiceId,
      payment_reference: paid.paymentIntent,
    });
    expect(await invoice(invoiceId)).toMatchObject({
      status: "paid",
      amount_paid: 12500,
      provider_payment_id: paid.paymentIntent,
    });
    const { data: payments } = await buyer.client
      .from("payments")
      .select("*")
      .eq("invoice_id", invoiceId);
    expect(payments).toHaveLength(1);

    // A receipt for the owner, as a signed URL to a PDF; nobody else gets it.
    const receipt = await invoke(buyer, "receipts", { invoice_id: invoiceId });
    expect(receipt.error).toBeNull();
    const pdf = await fetch(receipt.data.signed_url);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    expect((await invoke(waiting, "receipts", { invoice_id: invoiceId })).status).toBe(404);
    const { data: stolen } = await waiting.client.storage
      .from("receipts")
      .createSignedUrl(receipt.data.path, 60);
    expect(stolen).toBeNull();

    // The organization's admin refunds it: sent to Stripe, recorded when Stripe confirms.
    const refund = await invoke(orgAdmin, "payments/refund", {
      invoice_id: invoiceId,
      reason: "event moved",
    });
    expect(refund.error).toBeNull();
    expect(refund.data).toMatchObject({ status: "pending", amount: 12500 });
    const sent = w.stripe.refunds.get(refund.data.provider_refund_id)!;
    expect(sent).toMatchObject({
      payment_intent: paid.paymentIntent,
      amount: 12500,
      metadata: { refund_id: refund.data.id, invoice_id: invoiceId },
    });
    expect((await registration(registrationId)).status).toBe("confirmed");

    const refunded = await stripeWebhook(w.stripe.chargeRefunded(paid.paymentIntent, [sent]));
    expect(refunded.body).toMatchObject({ status: "processed", invoice_status: "refunded" });
    expect(await invoice(invoiceId)).toMatchObject({ status: "refunded", amount_refunded: 12500 });
    expect((await registration(registrationId)).status).toBe("refunded");
    const { data: offered } = await waiting.client
      .from("event_registrations")
      .select("status")
      .eq("id", waitReg.id)
      .single();
    expect(offered!.status).toBe("offered");
    const { data: log } = await buyer.client
      .from("invoice_events")
      .select("kind")
      .eq("invoice_id", invoiceId)
      .order("id");
    expect(log!.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        "created",
        "checkout_started",
        "status_changed",
        "refund_requested",
        "refund_event",
      ]),
    );
  });
});

describe("stripe-webhook", () => {
  it("refuses a bad signature with 400 and changes nothing", async () => {
    const buyer = await w.person();
    const { invoiceId, session } = await registerAndCheckout(buyer, await w.event(orgId));
    const { completed } = w.stripe.pay(session.id);
    const body = JSON.stringify(completed);
    const wrongSecret = await post(fnUrl("stripe-webhook"), body, {
      "stripe-signature": stripeSignature(body, "whsec_wrong"),
    });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.error.code).toBe("invalid_signature");
    const tampered = await post(fnUrl("stripe-webhook"), body.replace('"paid"', '"PAID"'), {
      "stripe-signature": stripeSignature(body),
    });
    expect(tampered.status).toBe(400);
    const stale = await post(fnUrl("stripe-webhook"), body, {
      "stripe-signature": stripeSignature(body, undefined, Math.floor(Date.now() / 1000) - 3600),
    });
    expect(stale.status).toBe(400);
    expect((await post(fnUrl("stripe-webhook"), body, {})).status).toBe(400);
    expect((await invoice(invoiceId)).status).toBe("open");
    expect(
      await w.db.sql(`select 1 from public.provider_events where event_id = $1`, [completed.id]),
    ).toHaveLength(0);
  });

  it("applies an event delivered many times at once exactly once", async () => {
    const buyer = await w.person();
    const { invoiceId, registrationId, session } = await registerAndCheckout(
      buyer,
      await w.event(orgId),
    );
    const { completed } = w.stripe.pay(session.id);
    const results = await Promise.all(Array.from({ length: 6 }, () => stripeWebhook(completed)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(results.filter((r) => r.body.status === "processed")).toHaveLength(1);
    expect(results.filter((r) => r.body.status === "duplicate")).toHaveLength(5);
    expect(
      await w.db.sql(`select 1 from public.payments where invoice_id = $1`, [invoiceId]),
    ).toHaveLength(1);
    expect(
      await w.db.sql(`select 1 from public.provider_events where event_id = $1`, [completed.id]),
    ).toHaveLength(1);
    expect((await registration(registrationId)).status).toBe("confirmed");
  });

  it("ends consistent when the refund arrives before the payment", async () => {
    const buyer = await w.person();
    const { invoiceId, registrationId, session } = await registerAndCheckout(
      buyer,
      await w.event(orgId, { price_amount: 3000 }),
    );
    const { paymentIntent, completed } = w.stripe.pay(session.id);
    // Refunded in Stripe's dashboard; the charge carries no metadata: the event waits unmatched.
    const refund = {
      id: "re_dashboard_" + paymentIntent,
      amount: 3000,
      payment_intent: paymentIntent,
      metadata: {},
    };
    const early = await stripeWebhook(w.stripe.chargeRefunded(paymentIntent, [refund]));
    expect(early.body).toMatchObject({ status: "unmatched" });
    expect((await invoice(invoiceId)).status).toBe("open");

    const late = await stripeWebhook(completed);
    expect(late.body).toMatchObject({ status: "processed", invoice_status: "refunded" });
    expect(await invoice(invoiceId)).toMatchObject({
      status: "refunded",
      amount_paid: 3000,
      amount_refunded: 3000,
    });
    expect((await registration(registrationId)).status).toBe("refunded");
    const events = await w.db.sql(
      `select status, invoice_id from public.provider_events where provider_payment_id = $1 order by received_at`,
      [paymentIntent],
    );
    expect(events.every((e) => e.status === "processed" && e.invoice_id === invoiceId)).toBe(true);

    // Delivered again, in any order, nothing changes.
    await stripeWebhook(completed);
    expect(
      await w.db.sql(`select 1 from public.refunds where invoice_id = $1`, [invoiceId]),
    ).toHaveLength(1);
    expect((await invoice(invoiceId)).status).toBe("refunded");
  });

  it("acknowledges and records event types it does not handle", async () => {
    const event = stripeEvent("customer.created", { id: "cus_123", object: "customer" });
    const answer = await stripeWebhook(event);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ received: true, status: "ignored" });
    const [row] = await w.db.sql(
      `select status, event_type from public.provider_events where event_id = $1`,
      [event.id],
    );
    expect(row).toEqual({ status: "ignored", event_type: "customer.created" });
  });

  it("refunds automatically a payment that arrives after the seat went to someone else", async () => {
    const buyer = await w.person();
    const other = await w.person();
    const eventId = await w.event(orgId, { capacity: 1 });
    const { invoiceId, registrationId, session } = await registerAndCheckout(buyer, eventId);
    // The hold runs out and the seat is taken meanwhile.
    await w.db.sql(
      `update public.event_registrations set hold_expires_at = now() - interval '1 minute' where id = $1`,
      [registrationId],
    );
    const { data: taken } = await other.client.rpc("register_for_event", { p_event_id: eventId });
    expect(taken.status).toBe("pending_payment");
    expect((await invoice(invoiceId)).status).toBe("expired");

    const { completed, paymentIntent } = w.stripe.pay(session.id);
    const answer = await stripeWebhook(completed);
    expect(answer.body).toMatchObject({ status: "processed", needs_refund: true });
    expect((await registration(registrationId)).status).toBe("expired");
    const sent = [...w.stripe.refunds.values()].find((r) => r.payment_intent === paymentIntent);
    expect(sent).toMatchObject({ amount: 5000 });
    const [refundRow] = await w.db.sql(`select status from public.refunds where invoice_id = $1`, [
      invoiceId,
    ]);
    expect(refundRow!.status).toBe("pending");
  });
});

describe("refunds", () => {
  it("lets a platform admin refund part of an invoice; the registration stays", async () => {
    const buyer = await w.person();
    const platformAdmin = await w.person("Platform Admin");
    await w.db.sql(`insert into public.platform_admins (user_id) values ($1)`, [platformAdmin.id]);
    const { invoiceId, registrationId, session } = await registerAndCheckout(
      buyer,
      await w.event(orgId),
    );
    const { completed, paymentIntent } = w.stripe.pay(session.id);
    await stripeWebhook(completed);

    // Not for the buyer or a stranger.
    const denied = await invoke(buyer, "payments/refund", { invoice_id: invoiceId, amount: 1000 });
    expect(denied.status).toBe(403);
    const stranger = await w.person();
    expect(
      (await invoke(stranger, "payments/refund", { invoice_id: invoiceId, amount: 1000 })).status,
    ).toBe(404);
    expect(
      (await invoke(platformAdmin, "payments/refund", { invoice_id: invoiceId, amount: 999999 }))
        .status,
    ).toBe(409);

    const partial = await invoke(platformAdmin, "payments/refund", {
      invoice_id: invoiceId,
      amount: 1000,
      reason: "goodwill",
    });
    expect(partial.error).toBeNull();
    const sent = w.stripe.refunds.get(partial.data.provider_refund_id)!;
    await stripeWebhook(w.stripe.chargeRefunded(paymentIntent, [sent]));
    expect(await invoice(invoiceId)).toMatchObject({
      status: "partially_refunded",
      amount_refunded: 1000,
    });
    expect((await registration(registrationId)).status).toBe("confirmed");
  });

  it("lets a member cancel a paid registration before the cut-off, and not after", async () => {
    const buyer = await w.person();
    const { invoiceId, registrationId, session } = await registerAndCheckout(
      buyer,
      await w.event(orgId, { refund_cutoff_hours: 48 }),
    );
    const { completed, paymentIntent } = w.stripe.pay(session.id);
    await stripeWebhook(completed);
    const cancel = await invoke(buyer, "payments/cancel-registration", {
      registration_id: registrationId,
    });
    expect(cancel.error).toBeNull();
    expect(cancel.data).toMatchObject({ status: "pending", amount: 5000 });
    // Twice is refused.
    expect(
      (await invoke(buyer, "payments/cancel-registration", { registration_id: registrationId }))
        .status,
    ).toBe(409);
    await stripeWebhook(
      w.stripe.chargeRefunded(paymentIntent, [
        w.stripe.refunds.get(cancel.data.provider_refund_id)!,
      ]),
    );
    expect((await registration(registrationId)).status).toBe("refunded");
    expect((await invoice(invoiceId)).status).toBe("refunded");

    const late = await w.person();
    const soon = await registerAndCheckout(
      late,
      await w.event(orgId, { refund_cutoff_hours: 48, starts_in_hours: 24 }),
    );
    await stripeWebhook(w.stripe.pay(soon.session.id).completed);
    const refused = await invoke(late, "payments/cancel-registration", {
      registration_id: soon.registrationId,
    });
    expect(refused.status).toBe(409);
    expect(refused.error.error.message).toMatch(/cut-off/);
    expect((await registration(soon.registrationId)).status).toBe("confirmed");
  });
});

describe("expiry", () => {
  it("reads back the invoices a run expired through an index, not a scan of every invoice", async () => {
    // expire_due_invoices' last statement, planned as it runs every minute. The test database
    // holds few invoices, and on a small table a sequential scan is cheapest whatever the indexes:
    // with it disabled the plan shows which index can serve it (0074_expired_invoices_index).
    const plan = await w.db.asRole({ role: "service_role" }, async (client) => {
      await client.query("set local enable_seqscan = off");
      const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: object }] }>(
        `explain (format json) select * from public.invoices where status = 'expired' and expired_at = now()`,
      );
      return JSON.stringify(rows[0]!["QUERY PLAN"][0].Plan);
    });
    expect(plan).toContain('"Index Name":"invoices_expired_at_idx"');
    expect(plan).not.toContain("Seq Scan");
  });

  it("expires an unpaid invoice with its held seat, and closes its Stripe session", async () => {
    const buyer = await w.person();
    const { invoiceId, registrationId, session } = await registerAndCheckout(
      buyer,
      await w.event(orgId),
    );
    await w.db.sql(
      `update public.event_registrations set hold_expires_at = now() - interval '1 second' where id = $1`,
      [registrationId],
    );
    await w.db.sql(
      `update public.invoices set expires_at = now() - interval '1 second' where id = $1`,
      [invoiceId],
    );
    // Only the service role (a scheduler) may run it.
    expect((await invoke(buyer, "payments/expire", {})).status).toBe(403);
    const { data, error } = await w.service.functions.invoke("payments/expire", { body: {} });
    expect(error).toBeNull();
    expect(data.expired).toContain(invoiceId);
    expect((await invoice(invoiceId)).status).toBe("expired");
    expect((await registration(registrationId)).status).toBe("expired");
    expect(w.stripe.sessions.get(session.id)!.status).toBe("expired");
    expect(
      (await invoke(buyer, "payments/checkout", { invoice_id: invoiceId, provider: "stripe" }))
        .status,
    ).toBe(400);
  });
});

describe("course enrollments and products", () => {
  it("activates a paid course enrollment when its payment arrives", async () => {
    const learner = await w.person();
    const [course] = await w.db.sql<{ id: string }>(
      `insert into public.courses (organization_id, slug, title, status, price_amount, currency, published_at)
       values ($1, $2, 'Paid course', 'published', 9900, 'USD', now()) returning id`,
      [orgId, `pay-course-${Date.now()}`],
    );
    const { data: enrollment } = await learner.client.rpc("enroll_in_course", {
      p_course_id: course!.id,
    });
    expect(enrollment.status).toBe("pending_payment");
    const { data: inv } = await learner.client.rpc("checkout_course_enrollment", {
      p_enrollment_id: enrollment.id,
    });
    expect(inv.total_amount).toBe(9900);
    await invoke(learner, "payments/checkout", { invoice_id: inv.id, provider: "stripe" });
    const session = [...w.stripe.sessions.values()].find((s) => s.client_reference_id === inv.id)!;
    await stripeWebhook(w.stripe.pay(session.id).succeeded);
    const [row] = await w.db.sql(
      `select status, invoice_id from public.course_enrollments where id = $1`,
      [enrollment.id],
    );
    expect(row).toEqual({ status: "active", invoice_id: inv.id });
  });

  it("pays a cart of products through Faspay (virtual account), with Faspay's signatures and answers", async () => {
    const buyer = await w.person();
    const [p1] = await w.db.sql<{ id: string }>(
      `insert into public.products (sku, name, price_amount, currency, is_active, stock) values ($1, 'Oil filter', 15000000, 'IDR', true, 5) returning id`,
      [`OF-${Date.now()}`],
    );
    const [p2] = await w.db.sql<{ id: string }>(
      `insert into public.products (sku, name, price_amount, currency, is_active) values ($1, 'Sticker', 2500000, 'IDR', true) returning id`,
      [`ST-${Date.now()}`],
    );
    const { data: inv, error } = await buyer.client.rpc("checkout_products", {
      p_items: [
        { product_id: p1!.id, quantity: 2 },
        { product_id: p2!.id },
        { product_id: p1!.id, quantity: 1 },
      ],
    });
    expect(error).toBeNull();
    expect(inv.total_amount).toBe(3 * 15000000 + 2500000);

    const checkout = await invoke(buyer, "payments/checkout", {
      invoice_id: inv.id,
      provider: "faspay",
      payment_channel: "402",
    });
    expect(checkout.error).toBeNull();
    const request = w.faspay.requests.at(-1)!;
    expect(request).toMatchObject({
      bill_no: inv.number,
      bill_total: String(inv.total_amount),
      merchant_id: "31337",
      payment_channel: ["402"],
    });
    expect(checkout.data.va_number).toMatch(/^[0-9]{16}$/);
    const trxId = checkout.data.va_number as string;

    const notify = (fields: Parameters<typeof w.faspay.notification>[0]) =>
      post(fnUrl("faspay-webhook"), JSON.stringify(w.faspay.notification(fields)), {});
    const forged = await notify({
      trx_id: trxId,
      bill_no: inv.number,
      status: "2",
      total: inv.total_amount,
      signature: faspaySignature("bot31337", "wrong", inv.number, "2"),
    });
    expect(forged.status).toBe(400);
    expect((await invoice(inv.id)).status).toBe("open");
    // Signed, but paid in year 0 (which PostgreSQL lacks) or before Faspay existed.
    for (const paymentDate of ["0000-01-01 00:00:00", "1999-12-31 23:59:59"]) {
      const absurd = {
        ...w.faspay.notification({
          trx_id: trxId,
          bill_no: inv.number,
          status: "2",
          total: inv.total_amount,
        }),
        payment_date: paymentDate,
      };
      const answer = await post(fnUrl("faspay-webhook"), JSON.stringify(absurd), {});
      expect(answer.status, paymentDate).toBe(400);
      expect((await invoice(inv.id)).status).toBe("open");
    }

    const ok = await notify({
      trx_id: trxId,
      bill_no: inv.number,
      status: "2",
      total: inv.total_amount,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      response: "Payment Notification",
      trx_id: trxId,
      merchant_id: "31337",
      bill_no: inv.number,
      response_code: "00",
      response_desc: "Success",
    });
    expect(ok.body.response_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await invoice(inv.id)).toMatchObject({
      status: "paid",
      provider: "faspay",
      channel: "402",
      va_number: trxId,
      amount_paid: inv.total_amount,
    });
    const [stock] = await w.db.sql(`select stock from public.products where id = $1`, [p1!.id]);
    expect(stock!.stock).toBe(2);
    // Faspay repeats a notification until answered: nothing changes twice.
    expect(
      (await notify({ trx_id: trxId, bill_no: inv.number, status: "2", total: inv.total_amount }))
        .body.response_code,
    ).toBe("00");
    expect(
      await w.db.sql(`select 1 from public.payments where invoice_id = $1`, [inv.id]),
    ).toHaveLength(1);
    expect(
      (await w.db.sql(`select stock from public.products where id = $1`, [p1!.id]))[0]!.stock,
    ).toBe(2);
  });

  it("maps Faspay's expired status onto the invoice", async () => {
    const buyer = await w.person();
    const [p] = await w.db.sql<{ id: string }>(
      `insert into public.products (sku, name, price_amount, currency, is_active) values ($1, 'Cap', 9000000, 'IDR', true) returning id`,
      [`CAP-${Date.now()}`],
    );
    const { data: inv } = await buyer.client.rpc("checkout_products", {
      p_items: [{ product_id: p!.id }],
    });
    const checkout = await invoke(buyer, "payments/checkout", {
      invoice_id: inv.id,
      provider: "faspay",
    });
    const [row] = await w.db.sql(`select provider_reference from public.invoices where id = $1`, [
      inv.id,
    ]);
    expect(checkout.data.checkout_url).toMatch(/^https:\/\/xpress-sandbox/);
    const answer = await post(
      fnUrl("faspay-webhook"),
      JSON.stringify(
        w.faspay.notification({
          trx_id: row!.provider_reference,
          bill_no: inv.number,
          status: "7",
          total: 9000000,
        }),
      ),
      {},
    );
    expect(answer.body.response_code).toBe("00");
    expect((await invoice(inv.id)).status).toBe("expired");
  });
});

describe("reconciliation", () => {
  it("shows platform admins paid invoices without a provider event, and provider events without an invoice", async () => {
    const admin = await w.person("Reconciler");
    await w.db.sql(`insert into public.platform_admins (user_id) values ($1)`, [admin.id]);
    const buyer = await w.person();
    const { invoiceId } = await registerAndCheckout(buyer, await w.event(orgId));
    const { error } = await admin.client.rpc("record_manual_payment", {
      p_invoice_id: invoiceId,
      p_reference: "BANK-123",
    });
    expect(error).toBeNull();
    const orphan = stripeEvent("payment_intent.succeeded", {
      id: "pi_orphan_" + Date.now(),
      object: "payment_intent",
      amount_received: 100,
      currency: "usd",
      metadata: {},
    });
    expect((await stripeWebhook(orphan)).body.status).toBe("unmatched");

    const { data: paidWithout } = await admin.client
      .from("reconciliation_payments_without_provider_event")
      .select("invoice_id, provider");
    expect(paidWithout).toContainEqual({ invoice_id: invoiceId, provider: "manual" });
    const { data: orphans } = await admin.client
      .from("reconciliation_provider_events_without_invoice")
      .select("event_id");
    expect(orphans).toContainEqual({ event_id: orphan.id });
    // Others see nothing there.
    expect(
      (
        await buyer.client
          .from("reconciliation_payments_without_provider_event")
          .select("invoice_id")
      ).data,
    ).toEqual([]);
    expect(
      (
        await orgAdmin.client
          .from("reconciliation_provider_events_without_invoice")
          .select("event_id")
      ).data,
    ).toEqual([]);
    expect(
      (
        await buyer.client.rpc("record_manual_payment", {
          p_invoice_id: invoiceId,
          p_reference: "x",
        })
      ).error?.code,
    ).toBe("42501");
  });
});
