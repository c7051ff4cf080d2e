import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { signedInPerson } from "../helpers/auth.ts";
import { sql, stack } from "../helpers/db.ts";
import { tinyPng } from "../helpers/files.ts";
import { supabaseClient } from "../helpers/supabase.ts";

// sql/ private event media migration: the files of an event that is not published (a draft, a
// cancelled event) are reachable by nobody but its staff, by any storage path.
const bucket = "event-media";
type Status = "draft" | "published" | "cancelled";
type Role = "anon" | "member" | "staff";

const events = {} as Record<Status, string>;
const clients = {} as Record<Role, SupabaseClient>;
const file = (status: Status) => `${events[status]}/poster.png`;

async function createEvent(organization: string, status: "draft" | "published"): Promise<string> {
  const [event] = await sql<{ id: string }>(
    `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, capacity, status)
     values ($1, $2, 'Media test', 'Hall', now() + interval '5 days', now() + interval '5 days 2 hours', 10, $3) returning id`,
    [organization, `media-${randomUUID().slice(0, 8)}`, status],
  );
  return event!.id;
}

beforeAll(async () => {
  const staff = await signedInPerson("Media staff");
  const member = await signedInPerson("Media member");
  const organization = randomUUID();
  await sql(
    `insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Media Org', $3)`,
    [organization, `media-org-${organization.slice(0, 8)}`, staff.user.id],
  );
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'member')`,
    [organization, member.user.id],
  );
  clients.anon = supabaseClient(stack().anonKey);
  clients.member = member.client;
  clients.staff = staff.client;
  events.draft = await createEvent(organization, "draft");
  events.published = await createEvent(organization, "published");
  events.cancelled = await createEvent(organization, "published");
  // The event's staff upload its media, as an app does.
  for (const status of ["draft", "published", "cancelled"] as const) {
    const { error } = await clients.staff.storage
      .from(bucket)
      .upload(file(status), tinyPng, { contentType: "image/png" });
    expect(error).toBeNull();
  }
  await sql(`update public.events set status = 'cancelled' where id = $1`, [events.cancelled]);
});

/** Which of the four ways to a file work for a role: download, list, signed URL, public URL. */
async function reach(role: Role, status: Status) {
  const storage = clients[role].storage.from(bucket);
  const download = await storage.download(file(status));
  const listed = await storage.list(events[status]);
  const signed = await storage.createSignedUrl(file(status), 60);
  const signedFetch = signed.data ? await fetch(signed.data.signedUrl) : undefined;
  const publicFetch = await fetch(storage.getPublicUrl(file(status)).data.publicUrl);
  return {
    download: download.data
      ? Buffer.from(await download.data.arrayBuffer()).equals(tinyPng)
      : false,
    list: (listed.data ?? []).map((entry) => entry.name),
    signedUrl: signedFetch?.status === 200,
    publicUrl: publicFetch.status,
  };
}

const visible = { download: true, list: ["poster.png"], signedUrl: true };
const hidden = { download: false, list: [], signedUrl: false };

describe("event media", () => {
  it.each(["anon", "member"] as const)(
    "are reachable by %s only for a published event",
    async (role) => {
      expect(await reach(role, "published")).toMatchObject(visible);
      expect(await reach(role, "draft")).toMatchObject(hidden);
      expect(await reach(role, "cancelled")).toMatchObject(hidden);
    },
  );

  it("are all reachable by the event's staff", async () => {
    for (const status of ["published", "draft", "cancelled"] as const)
      expect(await reach("staff", status)).toMatchObject(visible);
  });

  it("have no public URL, for no event: the bucket is private", async () => {
    const { data } = await supabaseClient(stack().serviceRoleKey).storage.getBucket(bucket);
    expect(data?.public).toBe(false);
    for (const status of ["published", "draft", "cancelled"] as const)
      expect((await reach("anon", status)).publicUrl).toBeGreaterThanOrEqual(400);
  });

  it("are served to anonymous visitors with the anon key (/object/authenticated), one request a file", async () => {
    const get = (status: Status) =>
      fetch(`${stack().apiUrl}/storage/v1/object/authenticated/${bucket}/${file(status)}`, {
        headers: { apikey: stack().anonKey, authorization: `Bearer ${stack().anonKey}` },
      });
    const published = await get("published");
    expect(published.status).toBe(200);
    expect(Buffer.from(await published.arrayBuffer()).equals(tinyPng)).toBe(true);
    expect((await get("draft")).status).toBeGreaterThanOrEqual(400);
    expect((await get("cancelled")).status).toBeGreaterThanOrEqual(400);
  });

  it("disappear as soon as an event goes back to draft, and return when it is published again", async () => {
    await sql(`update public.events set status = 'draft' where id = $1`, [events.published]);
    try {
      expect(await reach("anon", "published")).toMatchObject(hidden);
      expect(await reach("staff", "published")).toMatchObject(visible);
    } finally {
      await sql(`update public.events set status = 'published' where id = $1`, [events.published]);
    }
    expect(await reach("anon", "published")).toMatchObject(visible);
  });
});
