// Reward points on any invoice (the rewards migration after platform support): apply_reward_points
// lowers the lines of the payer's open invoice before checkout, spends the points at once, and
// gives them back when the invoice ends unpaid or is refunded whole. Membership checkout's own
// p_reward_points is tested in memberships.test.ts.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { anonClient, ok } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { deliverPayment, deliverRefund, myMembership, person, type Invoice } from "./helpers.ts";

interface Applied {
  invoice_id: string;
  points_applied: number;
  total_amount: number;
  rewards_balance: number;
}

async function product(name: string, price: number): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into public.products (sku, name, price_amount, currency, is_active, stock) values ($1, $2, $3, 'USD', true, 10) returning id`,
    [`RW-${randomUUID().slice(0, 8)}`, name, price],
  );
  return row!.id;
}

async function withPoints(points: number, name: string) {
  const someone = await person(name);
  await sql(
    `insert into public.reward_entries (user_id, points, reason) values ($1, $2, 'adjustment')`,
    [someone.user.id, points],
  );
  return someone;
}

const lines = (invoiceId: string) =>
  sql<{ quantity: number; unit_amount: number }>(
    `select quantity, unit_amount from public.invoice_items where invoice_id = $1 order by quantity desc`,
    [invoiceId],
  );

describe("reward points on any invoice", () => {
  it("lower the invoice's lines, largest first and by whole points per unit, and are spent at once", async () => {
    const buyer = await withPoints(5000, "points shopper");
    const [filter, cap] = [await product("Oil filter", 1000), await product("Cap", 700)];
    const invoice = ok(
      await buyer.client
        .rpc("checkout_products", {
          p_items: [{ product_id: filter, quantity: 3 }, { product_id: cap }],
        })
        .single<Invoice>(),
    );
    expect(invoice.total_amount).toBe(3700);

    // 2,000 points: 666 off each of the three filters (1,998), the last 2 off the cap.
    const applied = ok(
      await buyer.client
        .rpc("apply_reward_points", { p_invoice_id: invoice.id, p_points: 2000 })
        .single<Applied>(),
    );
    expect(applied).toEqual({
      invoice_id: invoice.id,
      points_applied: 2000,
      total_amount: 1700,
      rewards_balance: 3000,
    });
    expect(await lines(invoice.id)).toEqual([
      { quantity: 3, unit_amount: 334 },
      { quantity: 1, unit_amount: 698 },
    ]);
    expect(
      ok(
        await buyer.client
          .from("reward_entries")
          .select("points, reason, invoice_id")
          .lt("points", 0),
      ),
    ).toEqual([{ points: -2000, reason: "invoice_payment", invoice_id: invoice.id }]);

    // Once per invoice.
    expect(
      await buyer.client.rpc("apply_reward_points", { p_invoice_id: invoice.id, p_points: 10 }),
    ).toMatchObject({ status: 409, error: { code: "PT409" } });

    // Paid for what is left, then refunded whole: the points come back.
    const paid = { ...invoice, total_amount: 1700 };
    await deliverPayment(paid);
    expect((await myMembership(buyer.client)).rewards_balance).toBe(3000);
    await deliverRefund(paid);
    expect((await myMembership(buyer.client)).rewards_balance).toBe(5000);
  });

  it("come back when the invoice expires unpaid", async () => {
    const buyer = await withPoints(800, "points expiring");
    const invoice = ok(
      await buyer.client
        .rpc("checkout_products", { p_items: [{ product_id: await product("Mat", 1000) }] })
        .single<Invoice>(),
    );
    ok(await buyer.client.rpc("apply_reward_points", { p_invoice_id: invoice.id, p_points: 800 }));
    expect((await myMembership(buyer.client)).rewards_balance).toBe(0);
    await sql(`update public.invoices set expires_at = now() - interval '1 second' where id = $1`, [
      invoice.id,
    ]);
    await sql(`select public.expire_due_invoices()`);
    expect((await myMembership(buyer.client)).rewards_balance).toBe(800);
  });

  it("refuse bad calls and change nothing", async () => {
    const buyer = await withPoints(300, "points refused");
    const stranger = await withPoints(5000, "points stranger");
    const invoice = ok(
      await buyer.client
        .rpc("checkout_products", { p_items: [{ product_id: await product("Wax", 1000) }] })
        .single<Invoice>(),
    );
    const apply = (client = buyer.client, points = 100, invoiceId = invoice.id) =>
      client.rpc("apply_reward_points", { p_invoice_id: invoiceId, p_points: points });
    expect(await apply(stranger.client)).toMatchObject({ status: 404 });
    expect(await apply(anonClient())).toMatchObject({ status: 401 });
    expect(await apply(buyer.client, 0)).toMatchObject({ status: 400, error: { code: "22023" } });
    expect(await apply(buyer.client, 1000)).toMatchObject({ status: 400 });
    expect(await apply(buyer.client, 301)).toMatchObject({ status: 409, error: { code: "PT409" } });
    // Once the checkout has started, the provider has the amount: too late.
    await sql(`update public.invoices set checkout_url = 'https://checkout.test/s' where id = $1`, [
      invoice.id,
    ]);
    expect(await apply()).toMatchObject({ status: 409 });
    expect(await lines(invoice.id)).toEqual([{ quantity: 1, unit_amount: 1000 }]);
    expect((await myMembership(buyer.client)).rewards_balance).toBe(300);
  });
});
