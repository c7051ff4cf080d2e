// Segments (0056_contact_segments): rules compiled into one query over an organization's contacts,
// counted by preview_segment() before anything is sent, checked on save.
import { beforeAll, describe, expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { db } from "../helpers/db.ts";
import { domainFixtures } from "../domain/fixtures.ts";
import { plan } from "../membership/helpers.ts";
import { organization, person, type Person } from "../surveys/helpers.ts";

const { newEvent, register } = domainFixtures(db);

type Org = Awaited<ReturnType<typeof organization>>;
let org: Org;
let people: Record<"ada" | "ben" | "cy" | "dee", Person>;
const ids = {} as Record<"event" | "otherEvent" | "course" | "tier", string>;

/**
 * Four accounts and two contacts without one, in the organization's book:
 * ada  vip, Oslo, consented, registered and attended, 6 CPD credits this year, premium member
 * ben  vip, Bergen, registered (not attended), 2 CPD credits
 * cy   consented, completed the course
 * dee  nothing
 * and lead1@…, lead2@… (no account), lead1 tagged vip and consented.
 */
beforeAll(async () => {
  const database = db();
  org = await organization(database);
  const [ada, ben, cy, dee] = await Promise.all(
    ["Ada", "Ben", "Cy", "Dee"].map((name) => person(database, name)),
  );
  people = { ada: ada!, ben: ben!, cy: cy!, dee: dee! };
  ids.event = await newEvent(org.id, { cpd_credits: 6 });
  ids.otherEvent = await newEvent((await organization(database)).id);
  const [course] = await database.sql<{ id: string }>(
    `insert into public.courses (organization_id, slug, title, status) values ($1, $2, 'Course', 'published') returning id`,
    [org.id, `course-${org.id.slice(0, 8)}`],
  );
  ids.course = course!.id;
  const regAda = await register(ada!, ids.event);
  await register(ben!, ids.event);
  await database.sql(`update public.event_registrations set attended_at = now() where id = $1`, [
    regAda.id,
  ]);
  await database.sql(
    `insert into public.course_enrollments (course_id, organization_id, user_id, status, completed_at) values ($1, $2, $3, 'completed', now())`,
    [ids.course, org.id, cy!.id],
  );
  // Ada's 6 credits come from her attendance (the event's cpd_credits); Ben's are entered.
  await database.sql(
    `insert into public.cpd_credit_entries (user_id, organization_id, source, activity_title, credits, earned_at)
     values ($1, $2, 'event_attendance', 'Workshop', 2, now()), ($1, $2, 'event_attendance', 'Old event', 9, now() - interval '3 years')`,
    [ben!.id, org.id],
  );
  const premium = await plan("premium");
  ids.tier = premium.code;
  await database.sql(
    `insert into public.memberships (user_id, plan_id, status, starts_at, ends_at) values ($1, $2, 'active', now(), now() + interval '1 year')`,
    [ada!.id, premium.id],
  );
  const csv = [
    "email,full_name,tags,city,email_consent",
    `${ada!.email},Ada,vip,Oslo,yes`,
    `${ben!.email},Ben,vip,Bergen,no`,
    `${cy!.email},Cy,,,yes`,
    `${dee!.email},Dee,,,`,
    "lead1@example.test,Lead One,vip;lead,Oslo,yes",
    "lead2@example.test,Lead Two,lead,,",
  ].join("\n");
  ok(await org.staff.client.rpc("import_contacts", { p_organization_id: org.id, p_csv: csv }));
});

const preview = async (rules: unknown) =>
  ok(
    await org.staff.client.rpc("preview_segment", {
      p_organization_id: org.id,
      p_rules: rules,
      p_sample: 100,
    }),
  ) as {
    count: number;
    email_consented: number;
    sample: { email: string }[];
  };
/** The people's names (and the leads' local parts) a preview's sample holds, sorted. */
const names = (result: { sample: { email: string }[] }) =>
  result.sample
    .map(
      (row) =>
        Object.entries(people).find(([, p]) => p.email === row.email)?.[0] ??
        row.email.split("@")[0]!,
    )
    .sort();

describe("segment rules", () => {
  it.each([
    ["a tag", { tag: "VIP" }, ["ada", "ben", "lead1"], 2],
    ["a custom field", { custom_field: "city", equals: "Oslo" }, ["ada", "lead1"], 2],
    ["a custom field present", { custom_field: "city", present: false }, ["cy", "dee", "lead2"], 1],
    ["consent", { consented: "email" }, ["ada", "cy", "lead1"], 3],
    ["a confirmed seat", () => ({ registered_for: ids.event }), ["ada", "ben"], 1],
    ["attendance", () => ({ attended: ids.event }), ["ada"], 1],
    ["a completed course", () => ({ completed_course: ids.course }), ["cy"], 1],
    [
      "CPD credits this year",
      { cpd_credits_at_least: 5, since: `${new Date().getUTCFullYear()}-01-01` },
      ["ada"],
      1,
    ],
    ["CPD credits ever", { cpd_credits_at_least: 5 }, ["ada", "ben"], 1],
    ["a membership tier", () => ({ membership_tier: ids.tier }), ["ada"], 1],
    [
      "all of",
      { all: [{ tag: "vip" }, { not: { custom_field: "city", equals: "Oslo" } }] },
      ["ben"],
      0,
    ],
    [
      "any of",
      () => ({ any: [{ tag: "lead" }, { completed_course: ids.course }] }),
      ["cy", "lead1", "lead2"],
      2,
    ],
  ])("selects by %s", async (_case, rules, expected, emailable) => {
    const result = await preview(typeof rules === "function" ? rules() : rules);
    expect(names(result)).toEqual(expected);
    expect(result.count).toBe(expected.length);
    expect(result.email_consented).toBe(emailable);
  });

  it.each([
    ["an unknown rule", { colour: "red" }, 400, "unknown segment rule"],
    ["a rule that is not an object", ["vip"], 400, "a segment rule is a JSON object"],
    ["an empty all", { all: [] }, 400, "all takes a non-empty list of rules"],
    ["a bad id", { attended: "x" }, 400, "attended takes an id"],
    [
      "another organization's event",
      () => ({ attended: ids.otherEvent }),
      404,
      "attended names an event",
    ],
    ["an unknown tier", { membership_tier: "nope" }, 404, "there is no membership tier nope"],
  ])("refuses %s, also when saving", async (_case, rules, status, message) => {
    const value = typeof rules === "function" ? rules() : rules;
    const previewed = await org.staff.client.rpc("preview_segment", {
      p_organization_id: org.id,
      p_rules: value,
    });
    expect(previewed.status).toBe(status);
    expect(previewed.error?.message).toContain(message);
    const saved = await org.staff.client
      .from("contact_segments")
      .insert({ organization_id: org.id, name: "Bad", rules: value });
    expect(saved.status).toBe(status);
  });

  it("quotes values, so a rule cannot inject SQL", async () => {
    const result = await preview({ tag: "x') or true or ('" });
    expect(result.count).toBe(0);
  });
});

describe("saved segments", () => {
  it("lists a saved segment's contacts to the organization's staff only", async () => {
    const segment = ok(
      await org.staff.client
        .from("contact_segments")
        .insert({
          organization_id: org.id,
          name: "Oslo VIPs",
          rules: { all: [{ tag: "vip" }, { custom_field: "city", equals: "Oslo" }] },
        })
        .select("id")
        .single<{ id: string }>(),
    );
    const contacts = ok(
      await org.staff.client.rpc("segment_contacts", { p_segment_id: segment.id }).select("email"),
    ) as unknown as { email: string }[];
    expect(contacts.map((c) => c.email)).toEqual([people.ada.email, "lead1@example.test"].sort());
    for (const client of [org.member.client, (await organization(db())).staff.client]) {
      const { status } = await client.rpc("segment_contacts", { p_segment_id: segment.id });
      expect(status).toBe(404);
    }
  });
});
