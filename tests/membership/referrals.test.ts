// Referrals (sql/0031 and functions/referrals): codes, the register body's name, phone and
// referralCode through supabase.auth.signUp, self and second referrals refused, crediting by the
// referrals edge function exactly once — called by the database through pg_net when the first
// membership payment's webhook is applied, however often or concurrently it is delivered — and
// the reversal when that payment is refunded within the plan's window.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, anonClient, ok, type SignedInPerson } from "../helpers/auth.ts";
import { sql, stack, testPassword } from "../helpers/db.ts";
import { checkout, deliverPayment, deliverRefund, person, plan, type Plan } from "./helpers.ts";

interface MyReferrals {
  code: string;
  link: string;
  referrals: {
    id: string;
    referred_id: string;
    status: string;
    rewards_applied: { points: number };
  }[];
  referred_by: string | null;
  rewards_balance: number;
}

const myReferrals = async (client: SupabaseClient) =>
  ok(await client.rpc("my_referrals")) as MyReferrals;

/** Signs up through supabase-js as the app's register form does, with the seed's body as metadata. */
async function register(data: Record<string, unknown>) {
  const client = anonClient();
  const email = `referred-${randomUUID().slice(0, 8)}@example.test`;
  const { data: session, error } = await client.auth.signUp({
    email,
    password: testPassword,
    options: { data },
  });
  if (error) throw error;
  return { id: session.user!.id, client };
}

/** Polls until `check` passes (the crediting call runs after the payment's commit, through pg_net). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const w = {
  referrer: undefined as unknown as SignedInPerson,
  plus: undefined as unknown as Plan,
};

beforeAll(async () => {
  await sql(
    `insert into private.referrals_endpoint (function_url, service_role_key) values ($1, $2)
     on conflict (one) do update set function_url = excluded.function_url, service_role_key = excluded.service_role_key`,
    [`${stack().apiUrl}/functions/v1/referrals`, stack().serviceRoleKey],
  );
  w.referrer = await person("referrer");
  w.plus = await plan("plus", { price_amount: 9900 });
  await sql(
    `update public.membership_plans set referrer_reward_points = 1500, referee_reward_points = 500 where id = $1`,
    [w.plus.id],
  );
});

describe("referral codes and sign-up", () => {
  it("every profile has a readable code and link", async () => {
    const mine = await myReferrals(w.referrer.client);
    expect(mine.code).toMatch(/^REF-[2-9A-HJ-NP-Z]{6}$/);
    expect(mine.link).toBe(`https://pitlane.app/r/${mine.code}`);
    expect(mine).toMatchObject({ referrals: [], referred_by: null, rewards_balance: 0 });
  });

  it("the register body's name, phone and referralCode land on the profile, contacts and a pending referral", async () => {
    const { code } = await myReferrals(w.referrer.client);
    const newcomer = await register({
      name: "Rani Putri",
      phone: "+62 812 5550 1234",
      referralCode: code.toLowerCase(),
    });
    const [profile] = ok(
      await newcomer.client
        .from("profiles")
        .select("display_name, profile_contacts(phone)")
        .eq("id", newcomer.id),
    );
    expect(profile).toEqual({
      display_name: "Rani Putri",
      profile_contacts: { phone: "+6281255501234" },
    });
    expect((await myReferrals(newcomer.client)).referred_by).toBe(w.referrer.user.id);
    const referrals = (await myReferrals(w.referrer.client)).referrals;
    expect(referrals.find((r) => r.referred_id === newcomer.id)).toMatchObject({
      status: "pending",
    });
  });

  it("an unknown code or a phone that is not E.164 does not stop a sign-up and records nothing", async () => {
    const newcomer = await register({ name: "Sari", phone: "call me", referralCode: "REF-NOPE99" });
    const mine = await myReferrals(newcomer.client);
    expect(mine.referred_by).toBeNull();
    const [contacts] = ok(await newcomer.client.from("profile_contacts").select("phone"));
    expect(contacts!.phone).toBeNull();
  });

  it("refuses a self-referral, a second referral and an unknown code, and changes nothing", async () => {
    const someone = await person("self referrer");
    const other = await person("second referrer");
    const own = (await myReferrals(someone.client)).code;
    const apply = (code: string) => someone.client.rpc("apply_referral_code", { p_code: code });
    expect(await apply(own)).toMatchObject({
      status: 400,
      error: { code: "22023", message: "you cannot refer yourself" },
    });
    expect(await apply("REF-ZZZZZZ")).toMatchObject({ status: 404 });
    expect(await apply(" ")).toMatchObject({ status: 400 });
    expect((await myReferrals(someone.client)).referred_by).toBeNull();
    ok(await apply((await myReferrals(w.referrer.client)).code));
    expect(await apply((await myReferrals(other.client)).code)).toMatchObject({
      status: 409,
      error: { code: "PT409" },
    });
    expect((await myReferrals(someone.client)).referred_by).toBe(w.referrer.user.id);
  });
});

describe("crediting by the referrals function", () => {
  it("credits both people once across repeated and racing payment webhooks, and reverses on refund", async () => {
    const referrer = await person("crediting referrer");
    const { code } = await myReferrals(referrer.client);
    const newcomer = await register({ name: "Tono", referralCode: code });
    const invoice = await checkout(newcomer.client, w.plus.id);

    await Promise.all([
      deliverPayment(invoice, `evt_1_${invoice.id}`),
      deliverPayment(invoice, `evt_2_${invoice.id}`),
      deliverPayment(invoice, `evt_3_${invoice.id}`),
    ]);
    await deliverPayment(invoice, `evt_1_${invoice.id}`);

    const credited = await eventually(
      () => myReferrals(referrer.client),
      (mine) => mine.referrals[0]?.status === "credited",
    );
    expect(credited.referrals).toEqual([
      expect.objectContaining({
        referred_id: newcomer.id,
        status: "credited",
        rewards_applied: { points: 1500 },
      }),
    ]);
    expect(credited.rewards_balance).toBe(1500);
    expect((await myReferrals(newcomer.client)).rewards_balance).toBe(500);

    // The function called again, twice at once (a retry racing a late request): nothing more.
    const referralId = credited.referrals[0]!.id;
    const calls = await Promise.all(
      [1, 2].map(() =>
        adminClient().functions.invoke("referrals", { body: { referral_id: referralId } }),
      ),
    );
    for (const call of calls)
      expect(call.data).toMatchObject({ status: "credited", credited_now: false });
    const entries = await sql(
      `select user_id, points, reason from public.reward_entries where detail ->> 'referral_id' = $1 order by points`,
      [referralId],
    );
    expect(entries).toEqual([
      { user_id: newcomer.id, points: 500, reason: "referral_referee" },
      { user_id: referrer.user.id, points: 1500, reason: "referral_referrer" },
    ]);

    // The payment is refunded within the window: the rewards go back.
    await deliverRefund(invoice);
    const reversed = await myReferrals(referrer.client);
    expect(reversed.referrals[0]).toMatchObject({ status: "reversed" });
    expect(reversed.rewards_balance).toBe(0);
    expect((await myReferrals(newcomer.client)).rewards_balance).toBe(0);
  });

  it("keeps the rewards when the refund comes after the plan's window", async () => {
    const referrer = await person("late refund referrer");
    const newcomer = await register({
      name: "Umar",
      referralCode: (await myReferrals(referrer.client)).code,
    });
    const invoice = await checkout(newcomer.client, w.plus.id);
    await deliverPayment(invoice);
    await eventually(
      () => myReferrals(referrer.client),
      (mine) => mine.referrals[0]?.status === "credited",
    );
    await sql(`update public.invoices set paid_at = now() - interval '31 days' where id = $1`, [
      invoice.id,
    ]);
    await deliverRefund(invoice);
    const mine = await myReferrals(referrer.client);
    expect(mine.referrals[0]).toMatchObject({ status: "credited" });
    expect(mine.rewards_balance).toBe(1500);
  });

  it("answers only the service role, with a clear 4xx for bad input", async () => {
    const member = await person("function caller");
    const asMember = await member.client.functions.invoke("referrals", {
      body: { referral_id: randomUUID() },
    });
    expect(asMember.error?.context?.status).toBe(403);
    const bad = await adminClient().functions.invoke("referrals", {
      body: { referral_id: "nope" },
    });
    expect(bad.error?.context?.status).toBe(400);
    const unknown = await adminClient().functions.invoke("referrals", {
      body: { referral_id: randomUUID() },
    });
    expect(unknown.error?.context?.status).toBe(404);
    expect(await unknown.error!.context.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
