// Email campaigns (0057_email_campaigns) on the shared stack, whose functions have no SMTP server:
// queued mail stays in the outbox, and the tests play the delivery worker with the outbox's own
// service-role calls (claim_due_emails, mark_email_sent, mark_email_failed), as the email-delivery
// function does. campaign-delivery.test.ts sends through SMTP for real.
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { db, serviceRole } from "../helpers/db.ts";
import { domainFixtures } from "../domain/fixtures.ts";
import { organization } from "../surveys/helpers.ts";

const { newEvent } = domainFixtures(db);

type Org = Awaited<ReturnType<typeof organization>>;

interface Campaign {
  id: string;
  status: string;
  recipient_count: number;
  sent_count: number;
  failed_count: number;
  skipped_count: number;
}

/** `count` contacts imported into the organization, consenting to email unless said otherwise. */
async function contacts(org: Org, count: number, consent = "yes"): Promise<string[]> {
  const emails = Array.from(
    { length: count },
    (_, i) => `c${i}-${org.id.slice(0, 8)}@example.test`,
  );
  ok(
    await org.staff.client.rpc("import_contacts", {
      p_organization_id: org.id,
      p_csv: [
        "email,full_name,company,email_consent",
        ...emails.map((e, i) => `${e},Person ${i} Smith,Co ${i},${consent}`),
      ].join("\n"),
    }),
  );
  return emails;
}

async function draft(client: SupabaseClient, fields: Record<string, unknown>): Promise<Campaign> {
  return ok(
    await client
      .from("email_campaigns")
      .insert({
        name: "Spring",
        subject: "Hello {{first_name}}",
        body: "Dear {{name}},\n\nNews from {{organization}}.",
        ...fields,
      })
      .select()
      .single<Campaign>(),
  );
}

const campaign = async (id: string) =>
  (await db().sql<Campaign>(`select * from public.email_campaigns where id = $1`, [id]))[0]!;
const outbox = (campaignId: string) =>
  db().sql<{
    id: string;
    to_email: string;
    status: string;
    due_at: Date;
    data: Record<string, unknown>;
  }>(
    `select o.id, o.to_email, o.status, o.due_at, o.data from public.email_outbox o
     join public.campaign_recipients r on r.id = o.campaign_recipient_id where r.campaign_id = $1 order by o.due_at, o.id`,
    [campaignId],
  );
const recipients = (campaignId: string) =>
  db().sql<{ email: string; status: string; reason: string | null }>(
    `select email, status::text, reason from public.campaign_recipients where campaign_id = $1 order by email`,
    [campaignId],
  );

/** Plays the delivery worker: makes the campaign's pending mail due, then sends what is due. */
async function deliver(
  campaignId: string,
  fail: (email: string) => boolean = () => false,
): Promise<number> {
  await db().sql(
    `update public.email_outbox o set due_at = now() - interval '1 second' from public.campaign_recipients r
     where r.id = o.campaign_recipient_id and r.campaign_id = $1 and o.status = 'pending'`,
    [campaignId],
  );
  return sendDue(campaignId, fail);
}

/**
 * Sends the campaign's mail that is due now, as email-delivery would. Other suites share this
 * stack's outbox, so the claim is claim_due_emails' update narrowed to the campaign's rows; the
 * outcome goes through the real mark_email_sent and mark_email_failed.
 */
async function sendDue(
  campaignId: string,
  fail: (email: string) => boolean = () => false,
): Promise<number> {
  const claimed = await db().sql<{ id: string; claim_id: string; to_email: string }>(
    `update public.email_outbox o
     set status = 'sending', attempts = o.attempts + 1, claim_id = gen_random_uuid(), claimed_until = now() + interval '2 minutes'
     from public.campaign_recipients r
     where r.id = o.campaign_recipient_id and r.campaign_id = $1 and o.status = 'pending' and o.due_at <= now()
     returning o.id, o.claim_id, o.to_email`,
    [campaignId],
  );
  await Promise.all(
    claimed.map(async (row) => {
      if (fail(row.to_email))
        await db().rpc(serviceRole, "mark_email_failed", {
          p_id: row.id,
          p_claim_id: row.claim_id,
          p_error: "550 mailbox unavailable",
          p_permanent: true,
        });
      else
        await db().rpc(serviceRole, "mark_email_sent", {
          p_id: row.id,
          p_claim_id: row.claim_id,
          p_message_id: `<outbox-${row.id}@pitlane>`,
        });
    }),
  );
  return claimed.length;
}

let org: Org;
beforeAll(async () => {
  org = await organization(db());
});

describe("campaigns", () => {
  it("sends a campaign to 1,000 contacts exactly once each, at its rate, with per-recipient status", async () => {
    const org1000 = await organization(db());
    const emails = await contacts(org1000, 1000);
    const rows = ok(
      await org1000.staff.client.from("contacts").select("id").eq("organization_id", org1000.id),
    );
    const created = await draft(org1000.staff.client, {
      organization_id: org1000.id,
      contact_ids: rows.map((r: { id: string }) => r.id),
      rate_per_minute: 6000,
    });
    const sent = ok(
      await org1000.staff.client.rpc("send_campaign", { p_campaign_id: created.id }),
    ) as Campaign;
    expect(sent).toMatchObject({ status: "sending", recipient_count: 1000, sent_count: 0 });
    // Due one after another at 6,000 a minute: 10 ms apart, 9.99 s from first to last.
    const queued = await outbox(created.id);
    expect(queued).toHaveLength(1000);
    expect(queued.at(-1)!.due_at.getTime() - queued[0]!.due_at.getTime()).toBe(9990);
    expect(queued[0]!.data).toMatchObject({
      title: "Hello Person",
      body: expect.stringMatching(/^Dear Person \d+ Smith,\n\nNews from Survey Org\.$/),
    });

    // Sending again, or queuing again, adds nobody.
    const again = await org1000.staff.client.rpc("send_campaign", { p_campaign_id: created.id });
    expect(again).toMatchObject({ status: 409, error: { code: "PT409" } });
    expect(await db().sql(`select private.queue_campaign($1) as n`, [created.id])).toEqual([
      { n: 0 },
    ]);

    const failing = emails[7]!;
    expect(await deliver(created.id, (email) => email === failing)).toBe(1000);
    const delivered = await db().sql<{ to_email: string; n: number }>(
      `select o.to_email, count(*)::integer as n from public.email_outbox o join public.campaign_recipients r on r.id = o.campaign_recipient_id
       where r.campaign_id = $1 group by o.to_email having count(*) <> 1`,
      [created.id],
    );
    expect(delivered).toEqual([]);
    expect(await campaign(created.id)).toMatchObject({
      status: "sent",
      recipient_count: 1000,
      sent_count: 999,
      failed_count: 1,
    });
    expect((await recipients(created.id)).find((r) => r.email === failing)).toEqual({
      email: failing,
      status: "failed",
      reason: "550 mailbox unavailable",
    });
  });

  it("never reaches a contact without consent, and a withdrawal mid-campaign stops the later send", async () => {
    const { id, staff } = await organization(db());
    const org2 = { id, staff } as Org;
    const consenting = await contacts(org2, 4);
    ok(
      await staff.client.rpc("import_contacts", {
        p_organization_id: id,
        p_csv: "email,email_consent\nno-consent@example.test,no\nunknown@example.test,\n",
      }),
    );
    const segment = ok(
      await staff.client
        .from("contact_segments")
        .insert({ organization_id: id, name: "All", rules: { not: { tag: "none" } } })
        .select("id")
        .single<{ id: string }>(),
    );
    const preview = ok(
      await staff.client.rpc("preview_segment", {
        p_organization_id: id,
        p_rules: { not: { tag: "none" } },
      }),
    );
    expect(preview).toMatchObject({ count: 6, email_consented: 4 });
    const created = await draft(staff.client, {
      organization_id: id,
      segment_id: segment.id,
      rate_per_minute: 60,
    });
    ok(await staff.client.rpc("send_campaign", { p_campaign_id: created.id }));
    expect((await recipients(created.id)).map((r) => r.email)).toEqual([...consenting].sort());

    // The first message goes out; then the third recipient clicks the one-click unsubscribe link.
    const [first, , third] = await outbox(created.id);
    await db().sql(
      `update public.email_outbox set due_at = now() + interval '1 hour' where id <> $1 and id in (select o.id from public.email_outbox o join public.campaign_recipients r on r.id = o.campaign_recipient_id where r.campaign_id = $2)`,
      [first!.id, created.id],
    );
    expect(await sendDue(created.id)).toBe(1);
    const anon = await db().rpc({ role: "anon" }, "unsubscribe_from_email", {
      p_token: third!.data.unsubscribe_token,
    });
    expect(anon).toEqual([
      {
        unsubscribe_from_email: {
          type: "campaign",
          email: false,
          description: "emails from Survey Org",
        },
      },
    ]);
    expect(await deliver(created.id)).toBe(2);
    expect(await recipients(created.id)).toEqual(
      [...consenting]
        .sort()
        .map((email) =>
          email === third!.to_email
            ? { email, status: "skipped", reason: "consent to email withdrawn" }
            : { email, status: "sent", reason: null },
        ),
    );
    expect(await campaign(created.id)).toMatchObject({
      status: "sent",
      sent_count: 3,
      skipped_count: 1,
    });
    const history = await db().sql(
      `select k.granted, k.method::text from public.contact_consents k join public.contacts c on c.id = k.contact_id where c.email = $1 order by k.id`,
      [third!.to_email],
    );
    expect(history).toEqual([
      { granted: true, method: "import" },
      { granted: false, method: "unsubscribe_link" },
    ]);
  });

  it("can be cancelled before it finishes: what is still queued leaves the outbox", async () => {
    const { id, staff } = await organization(db());
    await contacts({ id, staff } as Org, 3);
    const created = await draft(staff.client, {
      organization_id: id,
      segment_id: null,
      contact_ids: ok(
        await staff.client.from("contacts").select("id").eq("organization_id", id),
      ).map((r: { id: string }) => r.id),
    });
    ok(await staff.client.rpc("send_campaign", { p_campaign_id: created.id }));
    const cancelled = ok(
      await staff.client.rpc("cancel_campaign", { p_campaign_id: created.id }),
    ) as Campaign;
    expect(cancelled).toMatchObject({ status: "cancelled", skipped_count: 3 });
    expect(await outbox(created.id)).toEqual([]);
    expect(new Set((await recipients(created.id)).map((r) => r.status))).toEqual(
      new Set(["cancelled"]),
    );
    const twice = await staff.client.rpc("cancel_campaign", { p_campaign_id: created.id });
    expect(twice.status).toBe(409);
  });

  it("schedules a campaign and queues it when due", async () => {
    const { id, staff } = await organization(db());
    await contacts({ id, staff } as Org, 2);
    const segment = ok(
      await staff.client
        .from("contact_segments")
        .insert({ organization_id: id, name: "All", rules: { consented: "email" } })
        .select("id")
        .single<{ id: string }>(),
    );
    const created = await draft(staff.client, { organization_id: id, segment_id: segment.id });
    const at = new Date(Date.now() + 36e5).toISOString();
    expect(
      ok(await staff.client.rpc("send_campaign", { p_campaign_id: created.id, p_at: at })),
    ).toMatchObject({ status: "scheduled", recipient_count: 0 });
    await db().sql(
      `update public.email_campaigns set scheduled_at = now() - interval '1 second' where id = $1`,
      [created.id],
    );
    await db().sql(`select private.queue_due_campaigns()`);
    expect(await campaign(created.id)).toMatchObject({ status: "sending", recipient_count: 2 });
  });

  it("fills merge fields for an event, and sends a test to the sender", async () => {
    const eventId = await newEvent(org.id, {
      title: "Track Day",
      starts_at: "2027-03-01T09:00:00Z",
      ends_at: "2027-03-01T17:00:00Z",
    });
    await contacts(org, 1);
    const created = await draft(org.staff.client, {
      organization_id: org.id,
      subject: "{{event}} on {{event_date}}",
      body: "Hi {{ first_name }}, join us at {{event}}: https://example.test/track?day=1",
      event_id: eventId,
      contact_ids: ok(
        await org.staff.client.from("contacts").select("id").eq("organization_id", org.id),
      ).map((r: { id: string }) => r.id),
    });
    const outboxId = ok(
      await org.staff.client.rpc("send_campaign_test", { p_campaign_id: created.id }),
    );
    const [test] = await db().sql(`select to_email, data from public.email_outbox where id = $1`, [
      outboxId,
    ]);
    expect(test).toMatchObject({
      to_email: org.staff.email,
      data: {
        title: "[Test] Track Day on 1 Mar 2027 09:00 UTC",
        body: "Hi Survey, join us at Track Day: https://example.test/track?day=1",
      },
    });
    expect((await campaign(created.id)).status).toBe("draft");
  });
});

describe("bad campaigns", () => {
  it.each([
    [
      "an unknown merge field",
      { subject: "Hi {{nickname}}" },
      400,
      "unknown merge fields: {{nickname}}",
    ],
    [
      "an event field without an event",
      { body: "See you at {{event}}" },
      400,
      "unknown merge fields: {{event}}",
    ],
    ["no audience", { contact_ids: null }, 400, "email_campaigns_audience"],
    [
      "another organization's contact",
      { contact_ids: ["00000000-0000-4000-8000-000000000000"] },
      404,
      "contacts the organization does not have",
    ],
  ])("refuses %s", async (_case, fields, status, message) => {
    const result = await org.staff.client.from("email_campaigns").insert({
      organization_id: org.id,
      name: "Bad",
      subject: "Hello",
      body: "Body",
      contact_ids: ["00000000-0000-4000-8000-000000000001"],
      ...fields,
    });
    expect(result.status).toBe(status === 404 && message.includes("contacts") ? 404 : status);
    expect(result.error?.message).toContain(message);
  });

  it("refuses to send to an audience where nobody consented", async () => {
    const { id, staff } = await organization(db());
    await contacts({ id, staff } as Org, 2, "no");
    const segment = ok(
      await staff.client
        .from("contact_segments")
        .insert({ organization_id: id, name: "All", rules: { not: { tag: "x" } } })
        .select("id")
        .single<{ id: string }>(),
    );
    const created = await draft(staff.client, { organization_id: id, segment_id: segment.id });
    const result = await staff.client.rpc("send_campaign", { p_campaign_id: created.id });
    expect(result).toMatchObject({
      status: 409,
      error: { message: "nobody in the campaign's audience consented to email" },
    });
    expect(await campaign(created.id)).toMatchObject({ status: "draft", recipient_count: 0 });
    expect(await outbox(created.id)).toEqual([]);
  });

  it("keeps a sent campaign as it was", async () => {
    const { id, staff } = await organization(db());
    await contacts({ id, staff } as Org, 1);
    const segment = ok(
      await staff.client
        .from("contact_segments")
        .insert({ organization_id: id, name: "All", rules: { consented: "email" } })
        .select("id")
        .single<{ id: string }>(),
    );
    const created = await draft(staff.client, { organization_id: id, segment_id: segment.id });
    ok(await staff.client.rpc("send_campaign", { p_campaign_id: created.id }));
    const edit = await staff.client
      .from("email_campaigns")
      .update({ subject: "Changed" })
      .eq("id", created.id);
    expect(edit.status).toBe(409);
    const counts = await staff.client
      .from("email_campaigns")
      .update({ sent_count: 100 })
      .eq("id", created.id);
    expect(counts.error).toMatchObject({ code: "42501" });
  });
});
