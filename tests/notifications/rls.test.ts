// Row-level security of the notification tables, as PostgREST runs requests: the recipient,
// another member, a platform admin, the service role and anon, for every action. Each write runs
// in a transaction that is rolled back.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anon,
  domainStack,
  serviceRole,
  type Claims,
  type Db,
  type DomainStack,
  type User,
} from "../domain/helpers.ts";

let stack: DomainStack;
let db: Db;
let recipient: User;
let other: User;
let admin: User;
let notificationId: string;

const who = () =>
  ({
    recipient: recipient.claims,
    other: other.claims,
    platform_admin: admin.claims,
    service_role: serviceRole,
    anon,
  }) as Record<string, Claims>;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
  recipient = await db.createUser();
  other = await db.createUser();
  admin = await db.createUser();
  await db.sql("insert into public.platform_admins (user_id) values ($1)", [admin.id]);
  await db.sql(
    "select private.notify('price_alert', $1::uuid[], 'Cheaper now', null, '{}'::jsonb)",
    [[recipient.id]],
  );
  await db.rpc(recipient.claims, "set_notification_preference", {
    p_type: "forum_reply",
    p_email: true,
  });
  notificationId = (
    await db.sql<{ id: string }>("select id from public.notifications where user_id = $1", [
      recipient.id,
    ])
  )[0]!.id;
});

afterAll(async () => {
  await stack?.stop();
});

/** What `claims` gets from `text`: the rows' count, or the SQLSTATE it is refused with. */
async function attempt(
  claims: Claims,
  text: string,
  params: unknown[] = [],
): Promise<number | string> {
  try {
    return await db.asRole(
      claims,
      async (client) => (await client.query(text, params)).rowCount ?? 0,
    );
  } catch (error) {
    return (error as { code: string }).code;
  }
}

async function matrix(
  text: string,
  params: () => unknown[] = () => [],
): Promise<Record<string, number | string>> {
  const result: Record<string, number | string> = {};
  for (const [name, claims] of Object.entries(who()))
    result[name] = await attempt(claims, text, params());
  return result;
}

describe("notifications", () => {
  it("only the recipient (and the service role) reads, marks read and deletes; nobody inserts or rewrites", async () => {
    expect(
      await matrix("select * from public.notifications where id = $1", () => [notificationId]),
    ).toEqual({
      recipient: 1,
      other: 0,
      platform_admin: 0,
      service_role: 1,
      anon: "42501",
    });
    expect(
      await matrix("update public.notifications set read_at = now() where id = $1", () => [
        notificationId,
      ]),
    ).toEqual({
      recipient: 1,
      other: 0,
      platform_admin: 0,
      service_role: 1,
      anon: "42501",
    });
    expect(
      await matrix("update public.notifications set title = 'forged' where id = $1", () => [
        notificationId,
      ]),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: 1,
      anon: "42501",
    });
    expect(
      await matrix(
        "update public.notifications set user_id = $2, read_at = now() where id = $1",
        () => [notificationId, other.id],
      ),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: 1,
      anon: "42501",
    });
    expect(
      await matrix("delete from public.notifications where id = $1", () => [notificationId]),
    ).toEqual({
      recipient: 1,
      other: 0,
      platform_admin: 0,
      service_role: 1,
      anon: "42501",
    });
    expect(
      await matrix(
        "insert into public.notifications (user_id, type, title) values ($1, 'price_alert', 'forged')",
        () => [recipient.id],
      ),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: "42501",
      anon: "42501",
    });
  });
});

describe("settings and preferences", () => {
  it("each person reads their own; writes go through the RPCs (the service role may write)", async () => {
    for (const table of ["notification_settings", "notification_preferences"]) {
      expect(
        await matrix(`select * from public.${table} where user_id = $1`, () => [recipient.id]),
      ).toEqual({
        recipient: 1,
        other: 0,
        platform_admin: 0,
        service_role: 1,
        anon: "42501",
      });
      expect(
        await matrix(`delete from public.${table} where user_id = $1`, () => [recipient.id]),
      ).toEqual({
        recipient: "42501",
        other: "42501",
        platform_admin: "42501",
        service_role: 1,
        anon: "42501",
      });
    }
    expect(
      await matrix(
        "update public.notification_settings set email_frequency = 'weekly' where user_id = $1",
        () => [recipient.id],
      ),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: 1,
      anon: "42501",
    });
    expect(
      await matrix(
        "insert into public.notification_preferences (user_id, type, in_app, email) values ($1, 'price_alert', false, false)",
        () => [recipient.id],
      ),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: 1,
      anon: "42501",
    });
  });
});

describe("email outbox", () => {
  it("is the service role's only: addresses and unsubscribe tokens stay private", async () => {
    expect(
      await matrix("select * from public.email_outbox where user_id = $1", () => [recipient.id]),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: 1,
      anon: "42501",
    });
    expect(
      await matrix(
        "insert into public.email_outbox (to_email, template, due_at) values ('x@example.test', 'price_alert', now())",
      ),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: 1,
      anon: "42501",
    });
  });
});

describe("notification types", () => {
  it("everyone reads them; only the service role changes them", async () => {
    expect(
      await matrix("select * from public.notification_types where type = 'price_alert'"),
    ).toEqual({
      recipient: 1,
      other: 1,
      platform_admin: 1,
      service_role: 1,
      anon: 1,
    });
    expect(
      await matrix(
        "update public.notification_types set essential = true where type = 'price_alert'",
      ),
    ).toEqual({
      recipient: "42501",
      other: "42501",
      platform_admin: "42501",
      service_role: 1,
      anon: "42501",
    });
  });

  it("send_system_announcement is for platform admins only", async () => {
    expect(
      await matrix("select public.send_system_announcement('Maintenance tonight')"),
    ).toMatchObject({
      recipient: "PT403",
      other: "PT403",
      anon: "42501",
    });
  });
});
