// Membership plans and memberships (sql/0029): buying a term through the invoices ledger, payment
// webhooks delivered twice or racing, renewals that extend, refunds that end a term, admin grants,
// the scheduled lapse and renewal reminder, and my_membership() as the seed's user fields.
import { describe, expect, it } from "vitest";
import { anonClient, ok } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import {
  checkout,
  deliverPayment,
  deliverRefund,
  myMembership,
  notificationsOf,
  person,
  plan,
  type Invoice,
} from "./helpers.ts";

const monthsLater = (iso: string, months: number) => {
  const date = new Date(iso);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
};

describe("buying a membership", () => {
  it("checks out one invoice per plan, priced by the database, and reuses it while open", async () => {
    const member = await person("buyer");
    const plus = await plan("plus", { price_amount: 12900, currency: "USD" });
    const invoice = await checkout(member.client, plus.id);
    expect(invoice).toMatchObject({ status: "open", total_amount: 12900, currency: "USD" });
    const again = await checkout(member.client, plus.id);
    expect(again.id).toBe(invoice.id);

    const items = ok(
      await member.client
        .from("invoice_items")
        .select("kind, membership_id, unit_amount")
        .eq("invoice_id", invoice.id),
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "membership", unit_amount: 12900 });
    const terms = ok(await member.client.from("memberships").select("id, status, starts_at"));
    expect(terms).toEqual([
      { id: items[0]!.membership_id, status: "pending_payment", starts_at: null },
    ]);
    expect(await myMembership(member.client)).toMatchObject({
      membership_id: null,
      tier: null,
      rewards_balance: 0,
    });
  });

  it("activates on payment, once, however often or concurrently the webhook is delivered", async () => {
    const member = await person("payer");
    const plus = await plan("plus");
    const invoice = await checkout(member.client, plus.id);

    // Two different deliveries of the same payment racing, then one of them repeated.
    const [first, second] = await Promise.all([
      deliverPayment(invoice, `evt_a_${invoice.id}`),
      deliverPayment(invoice, `evt_b_${invoice.id}`),
    ]);
    expect([first.invoice_status, second.invoice_status]).toEqual(["paid", "paid"]);
    expect(await deliverPayment(invoice, `evt_a_${invoice.id}`)).toMatchObject({
      status: "duplicate",
    });

    const terms = ok(
      await member.client.from("memberships").select("id, status, starts_at, ends_at"),
    );
    expect(terms).toHaveLength(1);
    expect(terms[0]!.status).toBe("active");
    expect(new Date(terms[0]!.ends_at).getTime()).toBe(monthsLater(terms[0]!.starts_at, 12));

    const mine = await myMembership(member.client);
    expect(mine).toMatchObject({
      membership_id: terms[0]!.id,
      tier: plus.code,
      status: "active",
      rewards_balance: 0,
    });
    expect(await notificationsOf(member.user.id, "membership_activated")).toHaveLength(1);
  });

  it("a renewal starts where the current term ends; a refund ends the term it paid for", async () => {
    const member = await person("renewer");
    const admin = await person("cashier", true);
    const plus = await plan("plus", { period_months: 1 });
    // The first term is paid at the counter (a manual payment), the renewal online.
    const firstInvoice = await checkout(member.client, plus.id);
    ok(
      await admin.client.rpc("record_manual_payment", {
        p_invoice_id: firstInvoice.id,
        p_reference: `till-${firstInvoice.number}`,
      }),
    );
    const renewal = await checkout(member.client, plus.id);
    expect(renewal.id).not.toBe(firstInvoice.id);
    await deliverPayment(renewal);

    const terms = ok(
      await member.client
        .from("memberships")
        .select("id, status, starts_at, ends_at")
        .order("starts_at"),
    );
    expect(terms.map((term) => term.status)).toEqual(["active", "active"]);
    expect(terms[1]!.starts_at).toBe(terms[0]!.ends_at);
    expect(new Date(terms[1]!.ends_at).getTime()).toBe(monthsLater(terms[1]!.starts_at, 1));
    const mine = await myMembership(member.client);
    expect(mine.membership_id).toBe(terms[0]!.id);
    expect(mine.paid_through).toBe(terms[1]!.ends_at);

    // The renewal is refunded at Stripe: it ends before it began; the current term stays.
    expect(await deliverRefund(renewal)).toMatchObject({ invoice_status: "refunded" });
    const [refundedRenewal] = ok(
      await member.client
        .from("memberships")
        .select("status, starts_at, ends_at")
        .eq("id", terms[1]!.id),
    );
    expect(refundedRenewal).toMatchObject({
      status: "refunded",
      ends_at: refundedRenewal!.starts_at,
    });
    expect(await myMembership(member.client)).toMatchObject({
      membership_id: terms[0]!.id,
      paid_through: terms[0]!.ends_at,
    });

    // The admin refunds the counter payment (money returned outside Pitlane): the membership ends now.
    ok(
      await admin.client.rpc("request_refund", {
        p_invoice_id: firstInvoice.id,
        p_reason: "member asked",
      }),
    );
    const [refundedFirst] = ok(
      await member.client
        .from("memberships")
        .select("status, ended_at, ends_at")
        .eq("id", terms[0]!.id),
    );
    expect(refundedFirst!.status).toBe("refunded");
    expect(new Date(refundedFirst!.ends_at).getTime()).toBeLessThan(
      new Date(terms[0]!.ends_at).getTime(),
    );
    expect(await myMembership(member.client)).toMatchObject({ membership_id: null, tier: null });
  });

  it("refuses bad checkouts and changes nothing", async () => {
    const member = await person("careless buyer");
    const free = await plan("basic", { price_amount: 0 });
    const retired = await plan("legacy");
    await sql(`update public.membership_plans set is_active = false where id = $1`, [retired.id]);

    const unknown = await member.client.rpc("checkout_membership", {
      p_plan_id: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown).toMatchObject({
      status: 404,
      error: { code: "PT404", message: "membership plan not found" },
    });
    expect(await member.client.rpc("checkout_membership", { p_plan_id: retired.id })).toMatchObject(
      { status: 404 },
    );
    expect(await member.client.rpc("checkout_membership", { p_plan_id: free.id })).toMatchObject({
      status: 409,
      error: { code: "PT409" },
    });
    expect(
      await member.client.rpc("checkout_membership", { p_plan_id: "not-a-uuid" }),
    ).toMatchObject({ status: 400 });
    expect(await anonClient().rpc("checkout_membership", { p_plan_id: free.id })).toMatchObject({
      status: 401,
    });
    expect(ok(await member.client.from("memberships").select("id"))).toEqual([]);
    expect(ok(await member.client.from("invoices").select("id"))).toEqual([]);
  });
});

describe("paying with reward points", () => {
  it("points pay part of the price, are spent at checkout and come back when the invoice ends unpaid or is refunded", async () => {
    const member = await person("points payer");
    const plus = await plan("plus", { price_amount: 9900 });
    const premium = await plan("premium", { price_amount: 19900 });
    await sql(
      `insert into public.reward_entries (user_id, points, reason) values ($1, 2000, 'adjustment')`,
      [member.user.id],
    );
    const balance = async () => (await myMembership(member.client)).rewards_balance;

    const withPoints = (planId: string, points: number) =>
      member.client.rpc("checkout_membership", { p_plan_id: planId, p_reward_points: points });
    const first = ok(await withPoints(plus.id, 1500).single<Invoice>());
    expect(first.total_amount).toBe(8400);
    expect(await balance()).toBe(500);

    // More than is left, or the whole price: refused, nothing written.
    expect(await withPoints(premium.id, 600)).toMatchObject({
      status: 409,
      error: { code: "PT409" },
    });
    expect(await withPoints(premium.id, 19900)).toMatchObject({
      status: 400,
      error: { code: "22023" },
    });
    expect(await withPoints(premium.id, -1)).toMatchObject({ status: 400 });
    expect(ok(await member.client.from("invoices").select("id"))).toEqual([{ id: first.id }]);
    expect(await balance()).toBe(500);

    // Abandoned: the points return.
    ok(await member.client.rpc("void_invoice", { p_invoice_id: first.id }));
    expect(await balance()).toBe(2000);

    const second = ok(await withPoints(plus.id, 1000).single<Invoice>());
    expect(second.total_amount).toBe(8900);
    await deliverPayment(second);
    expect(await myMembership(member.client)).toMatchObject({
      tier: plus.code,
      rewards_balance: 1000,
    });
    await deliverRefund(second);
    expect(await myMembership(member.client)).toMatchObject({ tier: null, rewards_balance: 2000 });
  });
});

describe("granted memberships", () => {
  it("platform admins grant a term after the current one; others cannot", async () => {
    const admin = await person("granting admin", true);
    const member = await person("grantee");
    const premium = await plan("premium", { period_months: 12 });

    const refused = await member.client.rpc("grant_membership", {
      p_user_id: member.user.id,
      p_plan_id: premium.id,
      p_reason: "I deserve it",
    });
    expect(refused).toMatchObject({ status: 403, error: { code: "42501" } });

    const bad = [
      [{ p_user_id: member.user.id, p_plan_id: premium.id, p_reason: " " }, 400],
      [{ p_user_id: member.user.id, p_plan_id: premium.id, p_reason: "gift", p_months: 0 }, 400],
      [
        {
          p_user_id: "00000000-0000-4000-8000-000000000000",
          p_plan_id: premium.id,
          p_reason: "gift",
        },
        404,
      ],
      [
        {
          p_user_id: member.user.id,
          p_plan_id: "00000000-0000-4000-8000-000000000000",
          p_reason: "gift",
        },
        404,
      ],
    ] as const;
    for (const [args, status] of bad)
      expect(await admin.client.rpc("grant_membership", args)).toMatchObject({ status });
    expect(ok(await member.client.from("memberships").select("id"))).toEqual([]);

    const first = ok(
      await admin.client
        .rpc("grant_membership", {
          p_user_id: member.user.id,
          p_plan_id: premium.id,
          p_reason: "launch partner",
          p_months: 3,
        })
        .single<{ id: string; starts_at: string; ends_at: string; granted_by: string }>(),
    );
    expect(first.granted_by).toBe(admin.user.id);
    expect(new Date(first.ends_at).getTime()).toBe(monthsLater(first.starts_at, 3));
    const second = ok(
      await admin.client
        .rpc("grant_membership", {
          p_user_id: member.user.id,
          p_plan_id: premium.id,
          p_reason: "apology",
        })
        .single<{ starts_at: string; ends_at: string }>(),
    );
    expect(second.starts_at).toBe(first.ends_at);
    expect(await myMembership(member.client)).toMatchObject({
      membership_id: first.id,
      tier: premium.code,
      paid_through: second.ends_at,
    });
  });
});

describe("the membership schedule", () => {
  it("is a pg_cron job", async () => {
    const [job] = await sql(
      `select command, active from cron.job where jobname = 'membership-jobs'`,
    );
    expect(job).toEqual({ command: "select private.process_memberships()", active: true });
  });

  it("reminds once before the end of a term without a renewal, then lapses it", async () => {
    const admin = await person("scheduler", true);
    const member = await person("lapsing member");
    const renewed = await person("renewed member");
    const basic = await plan("basic");
    const grant = (userId: string) =>
      admin.client
        .rpc("grant_membership", {
          p_user_id: userId,
          p_plan_id: basic.id,
          p_reason: "trial",
          p_months: 1,
        })
        .single<{ id: string }>();
    const term = ok(await grant(member.user.id));
    const renewedTerm = ok(await grant(renewed.user.id));
    ok(await grant(renewed.user.id));

    // Time passes: both first terms end in three days (terms are moved back, as a clock would move on).
    for (const id of [term.id, renewedTerm.id])
      await sql(
        `update public.memberships set starts_at = now() - interval '27 days', ends_at = now() + interval '3 days' where id = $1`,
        [id],
      );
    await sql(
      `update public.memberships set starts_at = now() + interval '3 days', ends_at = now() + interval '33 days'
       where user_id = $1 and id <> $2`,
      [renewed.user.id, renewedTerm.id],
    );
    await sql(`select private.process_memberships()`);
    await sql(`select private.process_memberships()`);
    const reminders = await notificationsOf(member.user.id, "membership_renewal_due");
    expect(reminders).toEqual([{ title: "Your Basic membership ends soon", subject_id: term.id }]);
    expect(await notificationsOf(renewed.user.id, "membership_renewal_due")).toEqual([]);

    // The term ends.
    await sql(`update public.memberships set ends_at = now() - interval '1 minute' where id = $1`, [
      term.id,
    ]);
    const [run] = await sql<{ result: { lapsed: number } }>(
      `select private.process_memberships() as result`,
    );
    expect(run!.result.lapsed).toBeGreaterThanOrEqual(1);
    const [lapsed] = ok(await member.client.from("memberships").select("status").eq("id", term.id));
    expect(lapsed!.status).toBe("expired");
    expect(await myMembership(member.client)).toMatchObject({ membership_id: null, tier: null });
    expect(await notificationsOf(member.user.id, "membership_lapsed")).toHaveLength(1);
  });
});
