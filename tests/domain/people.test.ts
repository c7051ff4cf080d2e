// Profiles (sql/0001_people.sql): made on sign-up from the metadata, suspension, platform admins.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainStack, pgError, slug, type Db, type DomainStack } from "./helpers.ts";
import { domainFixtures } from "./fixtures.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newEvent, register } = domainFixtures(() => db);

describe("profiles", () => {
  it("are created on sign-up with the name and avatar from the metadata (Google's picture too)", async () => {
    const google = await db.createUser({
      name: "Gabriel Google",
      picture: "https://lh3.example/photo.jpg",
    });
    const plain = await db.createUser({}, `plain-${randomUUID().slice(0, 6)}@example.test`);
    const rows = await db.sql<{ id: string; display_name: string; avatar_url: string | null }>(
      "select id, display_name, avatar_url from public.profiles where id = any($1) order by display_name",
      [[google.id, plain.id]],
    );
    expect(rows.find((r) => r.id === google.id)).toMatchObject({
      display_name: "Gabriel Google",
      avatar_url: "https://lh3.example/photo.jpg",
    });
    expect(rows.find((r) => r.id === plain.id)!.display_name).toMatch(/^plain-/);
    expect(
      await db.sql("select 1 from public.profile_contacts where profile_id = $1", [google.id]),
    ).toHaveLength(1);
  });

  it("a suspended user reads but cannot create: organizations, registrations, CPD entries", async () => {
    const user = await db.createUser();
    const eventId = await newEvent(null);
    await db.sql(
      "insert into public.profile_suspensions (profile_id, suspended_at, reason) values ($1, now() - interval '1 minute', 'spam')",
      [user.id],
    );
    expect(
      await db.query(user.claims, "select 1 from public.events where id = $1", [eventId]),
    ).toHaveLength(1);
    expect(
      await pgError(
        db.query(
          user.claims,
          "insert into public.organizations (slug, display_name) values ($1, 'X')",
          [slug("susp")],
        ),
      ),
    ).toMatchObject({ code: "42501" });
    expect(await pgError(register(user, eventId))).toMatchObject({
      code: "42501",
      message: "your account is suspended",
    });
    expect(
      await pgError(
        db.query(
          user.claims,
          "insert into public.cpd_credit_entries (user_id, activity_title, credits, earned_at) values (auth.uid(), 'x', 1, now())",
        ),
      ),
    ).toMatchObject({ code: "42501" });
    // A suspension that ended no longer applies.
    await db.sql(
      "update public.profile_suspensions set suspended_until = now() - interval '1 second' where profile_id = $1",
      [user.id],
    );
    expect((await register(user, eventId)).status).toBe("confirmed");
  });

  it("platform admins are granted by another platform admin, never by oneself", async () => {
    const user = await db.createUser();
    expect(
      await pgError(
        db.query(user.claims, "insert into public.platform_admins (user_id) values (auth.uid())"),
      ),
    ).toMatchObject({ code: "42501" });
    const admin = await db.createUser();
    await db.sql("insert into public.platform_admins (user_id) values ($1)", [admin.id]);
    await db.query(admin.claims, "insert into public.platform_admins (user_id) values ($1)", [
      user.id,
    ]);
    expect(
      await db.query(
        user.claims,
        "select granted_by from public.platform_admins where user_id = auth.uid()",
      ),
    ).toEqual([{ granted_by: admin.id }]);
  });
});
