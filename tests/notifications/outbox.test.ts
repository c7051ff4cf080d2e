// private.notify(), preferences, quiet hours, digests, the people's RPCs and the outbox's claim,
// retry and lease rules, in a database of its own (sql/ only, no seed, no scheduled job racing
// the tests), so that claims and digests see only what these tests wrote.

import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db, freshDatabase, serviceRole, type Claims } from "../helpers/db.ts";
import { pgError } from "../domain/helpers.ts";

let db: Db;

beforeAll(async () => {
  db = new Db(await freshDatabase(path.resolve("sql")));
  // This database's every-minute job would gather digests and reminders behind the tests' backs.
  await db.sql(
    "select cron.alter_job(jobid, active := false) from cron.job where jobname = 'notification-jobs'",
  );
});

afterAll(async () => {
  await db?.end();
});

type Person = Awaited<ReturnType<Db["createUser"]>>;

const notify = (
  type: string,
  recipients: string[],
  title = "Hello",
  data: Record<string, unknown> = {},
  emails: string[] = [],
) =>
  db.sql<{ notify: number }>(
    "select private.notify($1, $2::uuid[], $3, 'body', $4::jsonb, null, null, '/here', $5::text[]) as notify",
    [type, recipients, title, JSON.stringify(data), emails],
  );

const outboxOf = (userId: string) =>
  db.sql<{
    id: string;
    template: string;
    status: string;
    due_at: Date | null;
    data: any;
    locale: string;
    to_email: string;
  }>("select * from public.email_outbox where user_id = $1 order by id", [userId]);
const notificationsOf = (userId: string) =>
  db.sql<{ id: string; type: string; title: string }>(
    "select * from public.notifications where user_id = $1 order by created_at",
    [userId],
  );

const settings = (person: Person, args: Record<string, unknown>) =>
  db.rpc(person.claims, "set_notification_settings", args);

describe("private.notify", () => {
  it("writes an in-app notification and a due email with an unsubscribe token, for each recipient once", async () => {
    const a = await db.createUser();
    const b = await db.createUser();
    expect(await notify("system_announcement", [a.id, b.id, a.id])).toEqual([{ notify: 2 }]);
    for (const person of [a, b]) {
      expect(await notificationsOf(person.id)).toMatchObject([
        { type: "system_announcement", title: "Hello" },
      ]);
      const [email] = await outboxOf(person.id);
      expect(email).toMatchObject({
        template: "system_announcement",
        status: "pending",
        to_email: person.email,
        locale: "en",
      });
      expect(email!.data).toMatchObject({ title: "Hello", body: "body", action_url: "/here" });
      expect(email!.data.unsubscribe_token).toMatch(
        new RegExp(`^${person.id}\\.system_announcement\\.[\\w-]{43}$`),
      );
    }
  });

  it("follows per-type preferences: in-app only, email only, nothing", async () => {
    const inAppOnly = await db.createUser();
    const emailOnly = await db.createUser();
    const nothing = await db.createUser();
    await db.rpc(inAppOnly.claims, "set_notification_preference", {
      p_type: "price_alert",
      p_email: false,
    });
    await db.rpc(emailOnly.claims, "set_notification_preference", {
      p_type: "price_alert",
      p_in_app: false,
    });
    await db.rpc(nothing.claims, "set_notification_preference", {
      p_type: "price_alert",
      p_in_app: false,
      p_email: false,
    });
    expect(await notify("price_alert", [inAppOnly.id, emailOnly.id, nothing.id])).toEqual([
      { notify: 1 },
    ]);
    expect([
      (await notificationsOf(inAppOnly.id)).length,
      (await outboxOf(inAppOnly.id)).length,
    ]).toEqual([1, 0]);
    expect([
      (await notificationsOf(emailOnly.id)).length,
      (await outboxOf(emailOnly.id)).length,
    ]).toEqual([0, 1]);
    expect([
      (await notificationsOf(nothing.id)).length,
      (await outboxOf(nothing.id)).length,
    ]).toEqual([0, 0]);
  });

  it("essential types ignore opt-outs, digests and quiet hours, and carry no unsubscribe link", async () => {
    const person = await db.createUser();
    await settings(person, { p_email_frequency: "weekly" });
    const local = (
      await db.sql<{ t: string }>("select to_char(now() at time zone 'UTC', 'HH24:MI') as t")
    )[0]!.t;
    const [h, m] = local.split(":").map(Number) as [number, number];
    const start = `${String((h + 23) % 24).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
    const end = `${String((h + 1) % 24).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
    await settings(person, { p_quiet_hours_start: start, p_quiet_hours_end: end });
    expect(
      await pgError(
        db.rpc(person.claims, "set_notification_preference", {
          p_type: "account_alert",
          p_email: false,
        }),
      ),
    ).toMatchObject({
      code: "22023",
      message: "account_alert emails cannot be turned off",
    });
    await notify("account_alert", [person.id], "Your password changed");
    const [email] = await outboxOf(person.id);
    expect(email!.status).toBe("pending");
    expect(Math.abs(email!.due_at!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(email!.data.unsubscribe_token).toBeNull();
  });

  it("emails addresses without an account, lower-cased, once", async () => {
    const address = `Guest-${Date.now()}@Example.test`;
    await notify(
      "invitation_received",
      [],
      "Join us",
      { organization_name: "Org", code: "ABC", role: "member" },
      [address, address.toLowerCase()],
    );
    const rows = await db.sql<{ user_id: string | null; to_email: string }>(
      "select user_id, to_email from public.email_outbox where to_email = $1",
      [address.toLowerCase()],
    );
    expect(rows).toEqual([{ user_id: null, to_email: address.toLowerCase() }]);
  });

  it("refuses unknown types, data without the type's keys, non-object data and empty titles, writing nothing", async () => {
    const person = await db.createUser();
    expect(await pgError(notify("no_such_type", [person.id]))).toMatchObject({
      code: "22023",
      message: 'unknown notification type "no_such_type"',
    });
    expect(
      await pgError(notify("registration_confirmed", [person.id], "Hi", { event_title: "X" })),
    ).toMatchObject({
      code: "22023",
      message: "a registration_confirmed notification needs starts_at in its data",
    });
    expect(
      await pgError(
        db.sql("select private.notify('price_alert', $1::uuid[], 'x', null, '[1]'::jsonb)", [
          [person.id],
        ]),
      ),
    ).toMatchObject({ code: "22023", message: "notification data must be a JSON object" });
    expect(await pgError(notify("price_alert", [person.id], " "))).toMatchObject({
      code: "22023",
      message: "a notification needs a title",
    });
    expect(await notificationsOf(person.id)).toEqual([]);
    expect(await outboxOf(person.id)).toEqual([]);
  });

  // sql/0075: planning the statement for each call's values cost more than running it.
  it("runs its statement on the plan its connection cached, from the first call on", async () => {
    const person = await db.createUser();
    // A connection of its own: the plan cache is per connection, and a pool's may have called it.
    const client = new pg.Client({ connectionString: db.dbUrl });
    await client.connect();
    try {
      await client.query(`load 'auto_explain'; set auto_explain.log_min_duration = 0;
        set auto_explain.log_nested_statements = on; set auto_explain.log_verbose = on;
        set auto_explain.log_format = json; set auto_explain.log_level = notice`);
      const plans: { "Query Text": string; Plan: unknown }[] = [];
      client.on("notice", (notice) => {
        const logged = /^duration: [\d.]+ ms\s+plan:\s*([\s\S]*)$/.exec(notice.message ?? "");
        if (logged) plans.push(JSON.parse(logged[1]!));
      });
      await client.query(
        "select private.notify('price_alert', $1::uuid[], 'Cheaper pads', null, '{}'::jsonb)",
        [[person.id]],
      );
      const statement = plans.filter((plan) => /with recipients as/.test(plan["Query Text"]));
      expect(statement).toHaveLength(1);
      // A generic plan takes the call's values as parameters ($1, $2 …); a plan made for the
      // values has them written in as constants.
      expect(JSON.stringify(statement[0]!.Plan)).toMatch(/\$\d/);
    } finally {
      await client.end();
    }
    expect(await notificationsOf(person.id)).toMatchObject([{ title: "Cheaper pads" }]);
  });
});

describe("quiet hours and time zones", () => {
  const afterQuiet = async (start: string, end: string, zone: string, at: string) =>
    (
      await db.sql<{ t: Date }>(
        "select private.after_quiet_hours($1::time, $2::time, $3, $4::timestamptz) as t",
        [start, end, zone, at],
      )
    )[0]!.t.toISOString();

  it("Asia/Jakarta (UTC+7): 22:00–07:00 holds a 23:30 email until 07:00 local, lets a 12:00 one go", async () => {
    // 23:30 in Jakarta is 16:30 UTC; the hours end at 07:00 the next local day, 00:00 UTC.
    expect(await afterQuiet("22:00", "07:00", "Asia/Jakarta", "2026-03-10T16:30:00Z")).toBe(
      "2026-03-11T00:00:00.000Z",
    );
    // 03:00 in Jakarta (20:00 UTC the day before) ends the same local morning.
    expect(await afterQuiet("22:00", "07:00", "Asia/Jakarta", "2026-03-10T20:00:00Z")).toBe(
      "2026-03-11T00:00:00.000Z",
    );
    expect(await afterQuiet("22:00", "07:00", "Asia/Jakarta", "2026-03-10T05:00:00Z")).toBe(
      "2026-03-10T05:00:00.000Z",
    );
  });

  it("America/New_York: the end follows daylight saving time", async () => {
    // 23:00 EST (04:00 UTC) on 2026-01-15: quiet until 07:00 EST = 12:00 UTC.
    expect(await afterQuiet("22:00", "07:00", "America/New_York", "2026-01-15T04:00:00Z")).toBe(
      "2026-01-15T12:00:00.000Z",
    );
    // 23:00 EDT (03:00 UTC) on 2026-07-15: quiet until 07:00 EDT = 11:00 UTC.
    expect(await afterQuiet("22:00", "07:00", "America/New_York", "2026-07-15T03:00:00Z")).toBe(
      "2026-07-15T11:00:00.000Z",
    );
    // Daytime quiet hours (13:00–14:00), not spanning midnight.
    expect(await afterQuiet("13:00", "14:00", "America/New_York", "2026-07-15T17:30:00Z")).toBe(
      "2026-07-15T18:00:00.000Z",
    );
    expect(await afterQuiet("13:00", "14:00", "America/New_York", "2026-07-15T18:30:00Z")).toBe(
      "2026-07-15T18:30:00.000Z",
    );
  });

  it("an instant email to someone in their quiet hours is due when they end, in their zone", async () => {
    for (const zone of ["Asia/Jakarta", "America/New_York"]) {
      const person = await db.createUser();
      const [{ start, end, ends_at }] = (await db.sql<{
        start: string;
        end: string;
        ends_at: Date;
      }>(
        `select to_char(l - interval '1 hour', 'HH24:MI') as start, to_char(l + interval '1 hour', 'HH24:MI') as end,
                (date_trunc('minute', l) + interval '1 hour') at time zone $1 as ends_at
         from (select now() at time zone $1 as l) x`,
        [zone],
      )) as [{ start: string; end: string; ends_at: Date }];
      await settings(person, {
        p_time_zone: zone,
        p_quiet_hours_start: start,
        p_quiet_hours_end: end,
      });
      await notify("price_alert", [person.id]);
      const [email] = await outboxOf(person.id);
      expect(email!.status).toBe("pending");
      expect(email!.due_at!.toISOString()).toBe(ends_at.toISOString());
      // In-app notifications are not held.
      expect(await notificationsOf(person.id)).toHaveLength(1);
    }
  });

  it("refuses unknown time zones, equal ends and half-set quiet hours, changing nothing", async () => {
    const person = await db.createUser();
    await settings(person, {
      p_time_zone: "Asia/Jakarta",
      p_quiet_hours_start: "22:00",
      p_quiet_hours_end: "06:00",
    });
    const before = await db.rpc(person.claims, "get_notification_preferences");
    expect(await pgError(settings(person, { p_time_zone: "Mars/Olympus_Mons" }))).toMatchObject({
      code: "22023",
      message: 'unknown time zone "Mars/Olympus_Mons"',
    });
    expect(
      await pgError(
        settings(person, {
          p_quiet_hours_start: "22:00",
          p_quiet_hours_end: "22:00",
          p_email_frequency: "daily",
        }),
      ),
    ).toMatchObject({
      code: "22023",
      message: "quiet hours must start and end at different times",
    });
    expect(await pgError(settings(person, { p_quiet_hours_start: "22:00" }))).toMatchObject({
      code: "22023",
    });
    expect(await pgError(settings(person, { p_locale: "fr" }))).toMatchObject({ code: "22023" });
    expect(
      await pgError(
        db.rpc(person.claims, "set_notification_preference", { p_type: "nope", p_email: false }),
      ),
    ).toMatchObject({ code: "22023" });
    expect(await db.rpc(person.claims, "get_notification_preferences")).toEqual(before);
    // The table's constraints hold for the service role too.
    expect(
      await pgError(
        db.query(
          serviceRole,
          "update public.notification_settings set time_zone = 'Nowhere/Else' where user_id = $1",
          [person.id],
        ),
      ),
    ).toMatchObject({
      code: "23514",
    });
  });

  it("a new person gets the defaults; preferences read back merged with each type's", async () => {
    const person = await db.createUser();
    const [{ get_notification_preferences: prefs }] = (await db.rpc<{
      get_notification_preferences: any;
    }>(person.claims, "get_notification_preferences")) as [{ get_notification_preferences: any }];
    expect(prefs).toMatchObject({
      email_frequency: "instant",
      quiet_hours_start: null,
      time_zone: "UTC",
      locale: "en",
    });
    expect(prefs.types.find((t: any) => t.type === "forum_reply")).toMatchObject({
      in_app: true,
      email: false,
      essential: false,
    });
    expect(prefs.types.find((t: any) => t.type === "invoice_paid")).toMatchObject({
      email: true,
      essential: true,
    });
    expect(prefs.types).toHaveLength(
      (await db.sql("select 1 from public.notification_types")).length,
    );
  });
});

describe("reading notifications", () => {
  it("mark one, several or all read; unread counts per type; 404 for someone else's", async () => {
    const person = await db.createUser();
    const other = await db.createUser();
    await notify("price_alert", [person.id, other.id]);
    await notify("price_alert", [person.id]);
    await notify("system_announcement", [person.id]);
    await notify("system_announcement", [person.id]);
    const counts = () =>
      db.rpc<{ type: string; unread: string }>(person.claims, "unread_notification_counts");
    expect(await counts()).toEqual([
      { type: "price_alert", unread: "2" },
      { type: "system_announcement", unread: "2" },
    ]);
    const mine = await notificationsOf(person.id);
    const [theirs] = await notificationsOf(other.id);
    expect(
      await pgError(
        db.rpc(person.claims, "mark_notifications_read", { p_ids: [mine[0]!.id, theirs!.id] }),
      ),
    ).toMatchObject({ code: "PT404" });
    expect(await counts()).toHaveLength(2);
    expect(
      await db.rpc(person.claims, "mark_notifications_read", { p_ids: [mine[0]!.id] }),
    ).toEqual([{ mark_notifications_read: 1 }]);
    expect(
      await db.rpc(person.claims, "mark_notifications_read", { p_ids: [mine[0]!.id, mine[2]!.id] }),
    ).toEqual([{ mark_notifications_read: 1 }]);
    expect(await counts()).toEqual([
      { type: "price_alert", unread: "1" },
      { type: "system_announcement", unread: "1" },
    ]);
    expect(await db.rpc(person.claims, "mark_notifications_read")).toEqual([
      { mark_notifications_read: 2 },
    ]);
    expect(await counts()).toEqual([]);
    // The other person's stays unread.
    expect(await db.rpc(other.claims, "unread_notification_counts")).toEqual([
      { type: "price_alert", unread: "1" },
    ]);
  });
});

describe("unsubscribe links", () => {
  it("turn one type's email off without signing in; forged, essential and malformed tokens are refused", async () => {
    const person = await db.createUser();
    await notify("price_alert", [person.id]);
    const [email] = await outboxOf(person.id);
    const token: string = email!.data.unsubscribe_token;
    const anonClaims: Claims = { role: "anon" };
    expect(await db.rpc(anonClaims, "unsubscribe_from_email", { p_token: token })).toMatchObject([
      { unsubscribe_from_email: { type: "price_alert", email: false } },
    ]);
    // Twice is fine.
    await db.rpc(anonClaims, "unsubscribe_from_email", { p_token: token });
    await notify("price_alert", [person.id]);
    expect(await outboxOf(person.id)).toHaveLength(1);
    expect(await notificationsOf(person.id)).toHaveLength(2);

    const other = await db.createUser();
    const forged = token.replace(person.id, other.id);
    expect(
      await pgError(db.rpc(anonClaims, "unsubscribe_from_email", { p_token: forged })),
    ).toMatchObject({ code: "PT403" });
    const essential = `${person.id}.account_alert.${token.split(".")[2]}`;
    expect(
      await pgError(db.rpc(anonClaims, "unsubscribe_from_email", { p_token: essential })),
    ).toMatchObject({ code: "PT403" });
    expect(
      await pgError(db.rpc(anonClaims, "unsubscribe_from_email", { p_token: "garbage" })),
    ).toMatchObject({ code: "22023" });
    expect(
      await db.sql("select 1 from public.notification_preferences where user_id = $1", [other.id]),
    ).toEqual([]);
  });
});

describe("digests", () => {
  it("gather held emails once per period in the person's time zone: daily in Jakarta, weekly in New York", async () => {
    const daily = await db.createUser();
    const weekly = await db.createUser();
    await settings(daily, {
      p_email_frequency: "daily",
      p_time_zone: "Asia/Jakarta",
      p_locale: "id",
    });
    await settings(weekly, { p_email_frequency: "weekly", p_time_zone: "America/New_York" });
    await notify("price_alert", [daily.id, weekly.id], "First");
    await notify("system_announcement", [daily.id, weekly.id], "Second");
    expect((await outboxOf(daily.id)).map((e) => e.status)).toEqual(["held", "held"]);

    const digests = (userId: string) =>
      db.sql<{ digest_period: string; locale: string; data: any; status: string }>(
        "select digest_period, locale, data, status from public.email_outbox where user_id = $1 and template = 'digest' order by id",
        [userId],
      );
    const queue = async (at: string) =>
      (await db.sql<{ n: number }>("select private.queue_digests($1::timestamptz) as n", [at]))[0]!
        .n;

    // Tomorrow at 07:59 in Jakarta (00:59 UTC): not yet.
    const tomorrow = new Date(Date.now() + 864e5).toISOString().slice(0, 10);
    await queue(`${tomorrow}T00:59:00Z`);
    expect(await digests(daily.id)).toEqual([]);
    // 08:05 Jakarta: the daily digest, in Indonesian, with both items in order.
    await queue(`${tomorrow}T01:05:00Z`);
    const [digest] = await digests(daily.id);
    expect(digest).toMatchObject({
      digest_period: `D${tomorrow}`,
      locale: "id",
      status: "pending",
    });
    expect(digest!.data.items.map((item: any) => item.title)).toEqual(["First", "Second"]);
    expect((await outboxOf(daily.id)).filter((e) => e.status === "digested")).toHaveLength(2);
    // Again the same day, with something new: nothing until the next day.
    await notify("price_alert", [daily.id], "Third");
    await queue(`${tomorrow}T09:00:00Z`);
    expect(await digests(daily.id)).toHaveLength(1);
    const dayAfter = new Date(Date.now() + 2 * 864e5).toISOString().slice(0, 10);
    await queue(`${dayAfter}T01:05:00Z`);
    expect((await digests(daily.id)).map((d) => d.digest_period)).toEqual([
      `D${tomorrow}`,
      `D${dayAfter}`,
    ]);

    // Weekly: one digest per ISO week in New York time. A Wednesday and Thursday of a later week.
    expect(await digests(weekly.id)).toHaveLength(1);
    const wednesday = new Date(Date.now() + 8 * 864e5);
    wednesday.setUTCDate(wednesday.getUTCDate() + ((3 - wednesday.getUTCDay() + 7) % 7));
    const day = (d: Date, plus: number) =>
      new Date(d.getTime() + plus * 864e5).toISOString().slice(0, 10);
    await notify("price_alert", [weekly.id], "Fourth");
    await queue(`${day(wednesday, 0)}T15:00:00Z`);
    await notify("price_alert", [weekly.id], "Fifth");
    await queue(`${day(wednesday, 1)}T15:00:00Z`);
    const weeks = await digests(weekly.id);
    expect(weeks).toHaveLength(2);
    expect(weeks[1]!.digest_period).toMatch(/^W\d{4}-\d{2}$/);
    expect(weeks[1]!.data.items.map((item: any) => item.title)).toEqual(["Fourth"]);
    expect((await outboxOf(weekly.id)).filter((e) => e.status === "held")).toHaveLength(1);
  });
});

describe("delivery claims", () => {
  const serviceClient = async () => {
    const client = new pg.Client({
      connectionString: db.dbUrl.replace("postgres:postgres@", "authenticator:postgres@"),
    });
    await client.connect();
    await client.query("begin");
    await client.query(
      "select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{\"role\":\"service_role\"}', true)",
    );
    return client;
  };
  const claim = (limit = 50, lease = 120) =>
    db.rpc<{ id: string; claim_id: string; attempts: number }>(serviceRole, "claim_due_emails", {
      p_limit: limit,
      p_lease_seconds: lease,
    });

  it("two workers never take the same row; only the claim that holds a row records its outcome; a sent row is never claimed again", async () => {
    // Whatever earlier tests left due is claimed and sent first, so the counts below are this test's.
    for (const row of await claim(500))
      await db.rpc(serviceRole, "mark_email_sent", {
        p_id: row.id,
        p_claim_id: row.claim_id,
        p_message_id: "x",
      });
    const people = [
      await db.createUser(),
      await db.createUser(),
      await db.createUser(),
      await db.createUser(),
    ];
    await notify(
      "price_alert",
      people.map((p) => p.id),
    );

    const first = await serviceClient();
    const second = await serviceClient();
    try {
      const a = (await first.query("select * from public.claim_due_emails(2, 60)")).rows;
      const b = (await second.query("select * from public.claim_due_emails(10, 60)")).rows;
      expect(a).toHaveLength(2);
      expect(b).toHaveLength(2);
      expect(new Set([...a, ...b].map((row) => row.id)).size).toBe(4);
      await first.query("commit");
      await second.query("commit");
      // A stale claim cannot record anything.
      expect(
        await db.rpc(serviceRole, "mark_email_sent", {
          p_id: a[0].id,
          p_claim_id: b[0].claim_id,
          p_message_id: "m",
        }),
      ).toEqual([{ mark_email_sent: null }]);
      expect(
        await db.rpc(serviceRole, "mark_email_sent", {
          p_id: a[0].id,
          p_claim_id: a[0].claim_id,
          p_message_id: "m",
        }),
      ).toEqual([{ mark_email_sent: true }]);
      expect(
        await db.rpc(serviceRole, "mark_email_sent", {
          p_id: a[0].id,
          p_claim_id: a[0].claim_id,
          p_message_id: "m",
        }),
      ).toEqual([{ mark_email_sent: null }]);
    } finally {
      await first.end();
      await second.end();
    }
    // Nothing is due: the other three are held by live leases and the sent one is done.
    expect(await claim()).toEqual([]);
  });

  it("retries with a growing backoff, fails after the limit with the reason, and a dead worker's rows come back", async () => {
    for (const row of await claim(500))
      await db.rpc(serviceRole, "mark_email_sent", {
        p_id: row.id,
        p_claim_id: row.claim_id,
        p_message_id: "x",
      });
    const person = await db.createUser();
    await notify("price_alert", [person.id]);
    const { id } = (await outboxOf(person.id))[0]!;
    const row = async () =>
      (
        await db.sql<{
          status: string;
          attempts: number;
          due_at: Date;
          last_error: string | null;
          claimed_until: Date | null;
        }>("select * from public.email_outbox where id = $1", [id])
      )[0]!;
    const makeDue = () =>
      db.sql("update public.email_outbox set due_at = now() where id = $1 and status = 'pending'", [
        id,
      ]);

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const [claimed] = await claim();
      expect(claimed).toMatchObject({ id, attempts: attempt });
      expect(
        await db.rpc(serviceRole, "mark_email_failed", {
          p_id: id,
          p_claim_id: claimed!.claim_id,
          p_error: `421 try later (${attempt})`,
        }),
      ).toEqual([{ mark_email_failed: "pending" }]);
      const after = await row();
      delays.push(Math.round((after.due_at.getTime() - Date.now()) / 1000));
      expect(after.last_error).toBe(`421 try later (${attempt})`);
      await makeDue();
    }
    expect(delays.map((d) => Math.round(d / 30))).toEqual([1, 2, 4, 8]);

    // The fifth claim's worker dies: its lease runs out and the row is failed, not sent again.
    const [fifth] = await claim(50, 5);
    expect(fifth).toMatchObject({ id, attempts: 5 });
    await db.sql(
      "update public.email_outbox set claimed_until = now() - interval '1 second' where id = $1",
      [id],
    );
    expect(await claim()).toEqual([]);
    expect(await row()).toMatchObject({
      status: "failed",
      attempts: 5,
      claimed_until: null,
      last_error: "the worker sending it stopped before confirming",
    });

    // A worker killed on an earlier attempt leaves the row to be claimed again once the lease ends.
    const again = await db.createUser();
    await notify("price_alert", [again.id]);
    const [lost] = await claim(50, 5);
    await db.sql(
      "update public.email_outbox set claimed_until = now() - interval '1 second' where id = $1",
      [lost!.id],
    );
    const [reclaimed] = await claim();
    expect(reclaimed).toMatchObject({ id: lost!.id, attempts: 2 });
    expect(reclaimed!.claim_id).not.toBe(lost!.claim_id);
    // A permanent refusal fails at once.
    expect(
      await db.rpc(serviceRole, "mark_email_failed", {
        p_id: lost!.id,
        p_claim_id: reclaimed!.claim_id,
        p_error: "550 no such user",
        p_permanent: true,
      }),
    ).toEqual([{ mark_email_failed: "failed" }]);
  });

  it("is the service role's alone, and refuses silly limits", async () => {
    const person = await db.createUser();
    expect(await pgError(db.rpc(person.claims, "claim_due_emails"))).toMatchObject({
      code: "42501",
    });
    expect(await pgError(db.rpc({ role: "anon" }, "claim_due_emails"))).toMatchObject({
      code: "42501",
    });
    expect(await pgError(claim(0))).toMatchObject({ code: "22023" });
  });
});
