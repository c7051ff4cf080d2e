// Product stock reserved at checkout (issue 12, item 1): the last unit goes to one buyer, the
// others get a 409; reservations end with their invoice (expired, void); a payment for units that
// are gone is refunded automatically through the refunds ledger and Stripe, and the invoice says
// so. supabase-js and the edge functions against a fake Stripe, as an app and Stripe would call.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentsWorld, type PaymentsWorld, type Person } from "./helpers.ts";

let w: PaymentsWorld;

beforeAll(async () => {
  w = await paymentsWorld();
});

afterAll(async () => {
  await w?.stop();
});

async function product(stock: number | null, price = 2500): Promise<string> {
  const [row] = await w.db.sql<{ id: string }>(
    `insert into public.products (sku, name, price_amount, currency, is_active, stock) values ($1, 'Numbered print', $2, 'USD', true, $3) returning id`,
    [`PRINT-${randomUUID().slice(0, 8)}`, price, stock],
  );
  return row!.id;
}

async function shelf(productId: string) {
  const [row] = await w.db.sql(
    `select stock, reserved, stock_available from public.products where id = $1`,
    [productId],
  );
  return row!;
}

async function invoice(id: string) {
  const [row] = await w.db.sql(`select * from public.invoices where id = $1`, [id]);
  return row!;
}

const checkout = (person: Person, productId: string, quantity = 1) =>
  person.client.rpc("checkout_products", { p_items: [{ product_id: productId, quantity }] });

/** The invoice past its time, then what the pg_cron job runs every minute (Stripe's session stays open). */
async function expireByCron(invoiceId: string) {
  await w.db.sql(
    `update public.invoices set expires_at = now() - interval '1 second' where id = $1`,
    [invoiceId],
  );
  await w.db.sql(`select public.expire_due_invoices()`);
  expect(await invoice(invoiceId)).toMatchObject({ status: "expired" });
}

/** The invoice past its time, then the scheduler's call (service role) that expires it. */
async function expire(invoiceId: string) {
  await w.db.sql(
    `update public.invoices set expires_at = now() - interval '1 second' where id = $1`,
    [invoiceId],
  );
  const { data, error } = await w.service.functions.invoke("payments/expire", { body: {} });
  expect(error).toBeNull();
  expect(data.expired).toContain(invoiceId);
}

describe("stock reserved at checkout", () => {
  it("two buyers check out the last unit at once: one invoice, the other a clear 409 and nothing written", async () => {
    const productId = await product(1);
    const [a, b] = [await w.person("A"), await w.person("B")];
    const answers = await Promise.all([checkout(a, productId), checkout(b, productId)]);
    const won = answers.filter((answer) => answer.error === null);
    const lost = answers.filter((answer) => answer.error !== null);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.status).toBe(409);
    expect(lost[0]!.error).toMatchObject({ code: "PT409", message: "Numbered print is sold out" });
    expect(await shelf(productId)).toEqual({ stock: 1, reserved: 1, stock_available: 0 });
    const loser = answers[0].error ? a : b;
    const winner = loser === a ? b : a;
    expect(await w.db.sql(`select 1 from public.invoices where user_id = $1`, [loser.id])).toEqual(
      [],
    );

    // The winner pays: a sale, not a clamp.
    const { answer } = await w.payWithStripe(winner, won[0]!.data.id);
    expect(answer.body).toMatchObject({ status: "processed", invoice_status: "paid" });
    expect(answer.body.needs_refund).toBeUndefined();
    expect(await shelf(productId)).toEqual({ stock: 0, reserved: 0, stock_available: 0 });
    expect((await checkout(loser, productId)).error).toMatchObject({ code: "PT409" });
    // More than is left says how many are left.
    const more = await product(3);
    expect((await checkout(loser, more, 4)).error).toMatchObject({
      code: "PT409",
      message: "only 3 of Numbered print left",
    });
  });

  // Fifty accounts and ten Stripe checkouts take a while on a loaded machine.
  it(
    "50 buyers for 10 units at once: exactly 10 invoices, all 10 paid, nothing oversold",
    { timeout: 240_000 },
    async () => {
      const productId = await product(10);
      const buyers: Person[] = [];
      for (let i = 0; i < 50; i += 10)
        buyers.push(...(await Promise.all(Array.from({ length: 10 }, () => w.person("Crowd")))));

      const answers = await Promise.all(buyers.map((buyer) => checkout(buyer, productId)));
      const invoices = answers.flatMap((answer, i) =>
        answer.error ? [] : [{ buyer: buyers[i]!, id: answer.data.id as string }],
      );
      expect(invoices).toHaveLength(10);
      expect(
        answers.filter((answer) => answer.error?.code === "PT409" && answer.status === 409),
      ).toHaveLength(40);
      expect(await shelf(productId)).toEqual({ stock: 10, reserved: 10, stock_available: 0 });

      const paid = await Promise.all(invoices.map(({ buyer, id }) => w.payWithStripe(buyer, id)));
      expect(
        paid.every(
          ({ answer }) => answer.body.invoice_status === "paid" && !answer.body.needs_refund,
        ),
      ).toBe(true);
      const [counts] = await w.db.sql(
        `select count(*) filter (where i.status = 'paid')::int as paid, count(*)::int as invoices, coalesce(sum(ii.quantity), 0)::int as units
       from public.invoice_items ii join public.invoices i on i.id = ii.invoice_id where ii.product_id = $1`,
        [productId],
      );
      expect(counts).toEqual({ paid: 10, invoices: 10, units: 10 });
      expect(await shelf(productId)).toEqual({ stock: 0, reserved: 0, stock_available: 0 });
      expect(
        await w.db.sql(
          `select 1 from public.refunds r join public.invoice_items ii on ii.invoice_id = r.invoice_id where ii.product_id = $1`,
          [productId],
        ),
      ).toEqual([]);
    },
  );

  it("a reservation ends with its invoice: expired by the scheduler or at the next checkout, or voided", async () => {
    const productId = await product(1);
    const [a, b, c, d] = [await w.person(), await w.person(), await w.person(), await w.person()];
    const { data: first } = await checkout(a, productId);
    expect((await checkout(b, productId)).status).toBe(409);

    await expire(first.id);
    expect(await invoice(first.id)).toMatchObject({ status: "expired" });
    expect(await shelf(productId)).toEqual({ stock: 1, reserved: 0, stock_available: 1 });

    const { data: second, error } = await checkout(b, productId);
    expect(error).toBeNull();
    expect(await shelf(productId)).toMatchObject({ reserved: 1 });
    expect((await b.client.rpc("void_invoice", { p_invoice_id: second.id })).error).toBeNull();
    expect(await shelf(productId)).toMatchObject({ reserved: 0, stock_available: 1 });

    // An invoice past its time that the schedule has not reached yet: the next checkout ends it.
    const { data: third } = await checkout(c, productId);
    await w.db.sql(
      `update public.invoices set expires_at = now() - interval '1 second' where id = $1`,
      [third.id],
    );
    const { data: fourth, error: fourthError } = await checkout(d, productId);
    expect(fourthError).toBeNull();
    expect(await invoice(third.id)).toMatchObject({ status: "expired" });
    expect(await invoice(fourth.id)).toMatchObject({ status: "open" });
    expect(await shelf(productId)).toEqual({ stock: 1, reserved: 1, stock_available: 0 });
  });

  it("a payment for a unit sold after its reservation ended is refunded automatically, and the invoice says so", async () => {
    const productId = await product(1, 4200);
    const [late, other] = [await w.person("Late"), await w.person("Other")];
    const { data: lateInvoice } = await checkout(late, productId);
    // The late buyer opens Stripe Checkout, then the invoice expires and the unit sells.
    const checkoutStarted = await w.invoke(late, "payments/checkout", {
      invoice_id: lateInvoice.id,
      provider: "stripe",
    });
    expect(checkoutStarted.error).toBeNull();
    const session = [...w.stripe.sessions.values()].find(
      (s) => s.client_reference_id === lateInvoice.id,
    )!;
    await expireByCron(lateInvoice.id);
    const { data: otherInvoice } = await checkout(other, productId);
    await w.payWithStripe(other, otherInvoice.id);
    expect(await shelf(productId)).toEqual({ stock: 0, reserved: 0, stock_available: 0 });

    // The late payment lands: kept on the ledger, refunded at once through Stripe.
    const { paymentIntent, completed } = w.stripe.pay(session.id);
    const answer = await w.stripeWebhook(completed);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: "processed",
      invoice_status: "paid",
      needs_refund: true,
    });
    const sent = [...w.stripe.refunds.values()].find(
      (refund) => refund.payment_intent === paymentIntent,
    );
    expect(sent).toMatchObject({ amount: 4200, metadata: { invoice_id: lateInvoice.id } });
    const refunds = await w.db.sql(
      `select amount, status, provider_refund_id, reason from public.refunds where invoice_id = $1`,
      [lateInvoice.id],
    );
    expect(refunds).toEqual([
      {
        amount: 4200,
        status: "pending",
        provider_refund_id: sent!.id,
        reason: "could not deliver: Numbered print sold out before this payment arrived",
      },
    ]);
    expect(await shelf(productId)).toEqual({ stock: 0, reserved: 0, stock_available: 0 });

    // What the buyer's app shows, before and after Stripe confirms the refund.
    const own = async () =>
      (
        await late.client
          .from("invoices")
          .select("status, status_desc, amount_refunded")
          .eq("id", lateInvoice.id)
          .single()
      ).data;
    expect(await own()).toEqual({
      status: "paid",
      status_desc:
        "Numbered print sold out before this payment arrived: the payment is being refunded automatically",
      amount_refunded: 0,
    });
    const confirmed = await w.stripeWebhook(w.stripe.chargeRefunded(paymentIntent, [sent!]));
    expect(confirmed.body).toMatchObject({ status: "processed", invoice_status: "refunded" });
    expect(await own()).toMatchObject({
      status: "refunded",
      amount_refunded: 4200,
      status_desc: expect.stringContaining("refunded automatically"),
    });
    // Never delivered, so nothing goes back on the shelf.
    expect(await shelf(productId)).toEqual({ stock: 0, reserved: 0, stock_available: 0 });
  });

  it("a late payment is kept when the units are still there", async () => {
    const productId = await product(2);
    const buyer = await w.person();
    const { data: inv } = await checkout(buyer, productId);
    expect(
      (await w.invoke(buyer, "payments/checkout", { invoice_id: inv.id, provider: "stripe" }))
        .error,
    ).toBeNull();
    const session = [...w.stripe.sessions.values()].find((s) => s.client_reference_id === inv.id)!;
    await expireByCron(inv.id);
    expect(await shelf(productId)).toEqual({ stock: 2, reserved: 0, stock_available: 2 });

    const answer = await w.stripeWebhook(w.stripe.pay(session.id).completed);
    expect(answer.body).toMatchObject({ status: "processed", invoice_status: "paid" });
    expect(answer.body.needs_refund).toBeUndefined();
    expect(await invoice(inv.id)).toMatchObject({ status: "paid", status_desc: "paid" });
    expect(await shelf(productId)).toEqual({ stock: 1, reserved: 0, stock_available: 1 });
  });
});

describe("the reservation counter", () => {
  it("is the database's: platform admins cannot write it, nor take stock below it", async () => {
    const admin = await w.person("Shop Admin");
    await w.db.sql(`insert into public.platform_admins (user_id) values ($1)`, [admin.id]);
    const buyer = await w.person();
    const productId = await product(3);
    expect((await checkout(buyer, productId, 2)).error).toBeNull();

    const forged = await admin.client.from("products").update({ reserved: 0 }).eq("id", productId);
    expect(forged.error).toMatchObject({
      code: "42501",
      message: "reserved is kept by the database",
    });
    const belowReserved = await admin.client
      .from("products")
      .update({ stock: 1 })
      .eq("id", productId);
    expect(belowReserved.error).toMatchObject({
      code: "23514",
      message: expect.stringContaining("products_reserved"),
    });
    expect(await shelf(productId)).toEqual({ stock: 3, reserved: 2, stock_available: 1 });
    // Restocking is theirs; a new product starts with nothing reserved whatever it says.
    expect(
      (await admin.client.from("products").update({ stock: 5 }).eq("id", productId)).error,
    ).toBeNull();
    expect(await shelf(productId)).toEqual({ stock: 5, reserved: 2, stock_available: 3 });
    const { data: created } = await admin.client
      .from("products")
      .insert({
        sku: `NEW-${randomUUID().slice(0, 8)}`,
        name: "New",
        price_amount: 100,
        currency: "USD",
        stock: 4,
        reserved: 4,
      })
      .select("reserved, stock_available")
      .single();
    expect(created).toEqual({ reserved: 0, stock_available: 4 });
  });
});
