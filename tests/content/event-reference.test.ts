// Events using the reference data (sql/0047_event_reference_data.sql): an event's category and
// region are reference items of those kinds, read with the event through embedding; wrong kinds,
// unknown and newly chosen retired items refused; items in use kept; kinds fixed; and the demo
// events of seed/0009 categorized.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import { event, organization, person, type Person } from "../surveys/helpers.ts";

let db: Db;
let org: Awaited<ReturnType<typeof organization>>;
let admin: Person;
const items: Record<string, string> = {};

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  org = await organization(db);
  admin = await person(db, "Reference admin");
  await db.sql("insert into public.platform_admins (user_id) values ($1)", [admin.id]);
  const suffix = randomUUID().slice(0, 8);
  for (const [name, kind] of [
    ["category", "category"],
    ["retired", "category"],
    ["region", "region"],
    ["reading", "event_reference"],
  ] as const) {
    const [row] = await db.sql<{ id: string }>(
      "insert into public.reference_items (kind, code, label) values ($1, $2, $3) returning id",
      [kind, `${name}-${suffix}`, name],
    );
    items[name] = row!.id;
  }
  await db.sql("update public.reference_items set is_active = false where id = $1", [
    items.retired,
  ]);
});

afterAll(async () => {
  await db?.end();
});

const setOnEvent = (eventId: string, fields: Record<string, unknown>) =>
  org.staff.client.from("events").update(fields).eq("id", eventId);

describe("events and reference data", () => {
  it("the demo events carry their category and region, read with the event", async () => {
    const meetup = ok(
      await anonClient()
        .from("events")
        .select(
          "slug, category:reference_items!category_id(code), region:reference_items!region_id(code)",
        )
        .eq("slug", "club-meetup-next-month")
        .single(),
    );
    expect(meetup).toEqual({
      slug: "club-meetup-next-month",
      category: { code: "management" },
      region: { code: "jakarta" },
    });
    const [reading] = await db.sql<{ code: string }>(
      `select i.code from public.event_references r join public.reference_items i on i.id = r.reference_item_id
       where r.event_id = 'e1000000-0000-4000-8000-000000000005'`,
    );
    expect(reading).toEqual({ code: "obd-ii" });
  });

  it("an event's staff set its category and region; events are filtered by them", async () => {
    const eventId = await event(db, org.id);
    ok(await setOnEvent(eventId, { category_id: items.category, region_id: items.region }));
    const found = ok(
      await anonClient().from("events").select("id").eq("category_id", items.category!),
    );
    expect(found).toEqual([{ id: eventId }]);
    ok(
      await org.staff.client.from("event_references").insert({
        event_id: eventId,
        title: "Read first",
        url: "https://example.com/read",
        reference_item_id: items.reading,
      }),
    );
  });

  it("refuses an item of another kind, an unknown item and a retired one newly chosen", async () => {
    const eventId = await event(db, org.id);
    const wrongKind = await setOnEvent(eventId, { category_id: items.region });
    expect([wrongKind.status, wrongKind.error?.code, wrongKind.error?.message]).toEqual([
      400,
      "22023",
      "category_id must be a reference item of kind category, not region",
    ]);
    const wrongReference = await org.staff.client.from("event_references").insert({
      event_id: eventId,
      title: "Oops",
      url: "https://example.com/oops",
      reference_item_id: items.category,
    });
    expect([wrongReference.status, wrongReference.error?.code]).toEqual([400, "22023"]);
    const unknown = await setOnEvent(eventId, { region_id: randomUUID() });
    expect([unknown.status, unknown.error?.code]).toEqual([409, "23503"]);
    const retired = await setOnEvent(eventId, { category_id: items.retired });
    expect([retired.status, retired.error?.code]).toEqual([400, "22023"]);
    const [row] = await db.sql("select category_id, region_id from public.events where id = $1", [
      eventId,
    ]);
    expect(row).toEqual({ category_id: null, region_id: null });
  });

  it("keeps items in use and their kinds; a retired item already set stays", async () => {
    const eventId = await event(db, org.id);
    ok(await setOnEvent(eventId, { category_id: items.category }));
    const removed = await admin.client.from("reference_items").delete().eq("id", items.category!);
    expect([removed.status, removed.error?.code]).toEqual([409, "23503"]);
    const rekinded = await admin.client
      .from("reference_items")
      .update({ kind: "region" })
      .eq("id", items.category!);
    expect([rekinded.status, rekinded.error?.code]).toEqual([409, "PT409"]);
    ok(
      await admin.client
        .from("reference_items")
        .update({ is_active: false })
        .eq("id", items.category!),
    );
    ok(await setOnEvent(eventId, { title: "Renamed, category kept" }));
    const [row] = await db.sql("select category_id from public.events where id = $1", [eventId]);
    expect(row).toEqual({ category_id: items.category });
  });
});
