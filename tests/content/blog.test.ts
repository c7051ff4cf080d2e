// Blog, about pages and reference data (sql/0040_blog_about_reference.sql) through supabase-js:
// slugs made from titles, stable once scheduled, old slugs redirecting; drafts hidden; scheduled
// publishing visible at its time with no job run; Markdown without HTML or script links; YouTube
// by id; the album in storage; full-text search; related posts by tag; about pages; reference
// data managed by platform admins.

import { setTimeout as sleep } from "node:timers/promises";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import { anonClient } from "../helpers/auth.ts";
import { organization, person, type Person } from "../surveys/helpers.ts";

let db: Db;
let org: Awaited<ReturnType<typeof organization>>;
let admin: Person;
const unique = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  org = await organization(db);
  admin = await person(db, "Blog admin");
  await db.sql("insert into public.platform_admins (user_id) values ($1)", [admin.id]);
});

afterAll(async () => {
  await db?.end();
});

interface Post {
  id: string;
  slug: string;
  status: string;
  publish_at: string | null;
  youtube_embed_url: string | null;
}

const write = async (client: SupabaseClient, fields: Record<string, unknown>) =>
  ok(
    await client
      .from("blog_posts")
      .insert({ organization_id: org.id, content: "Body", ...fields })
      .select()
      .single<Post>(),
  );

const visibleTo = async (client: SupabaseClient, id: string) =>
  ((await client.from("blog_posts").select("id").eq("id", id)).data ?? []).length === 1;

describe("slugs", () => {
  it("are made from the title, numbered when taken, and follow the title while a draft", async () => {
    const title = `Hello, Wörld! Track Day ${unique}`;
    const first = await write(org.staff.client, { title });
    expect(first.slug).toBe(`hello-world-track-day-${unique}`);
    const second = await write(org.staff.client, { title });
    expect(second.slug).toBe(`hello-world-track-day-${unique}-2`);
    const renamed = ok(
      await org.staff.client
        .from("blog_posts")
        .update({ title: `Renamed ${unique}` })
        .eq("id", second.id)
        .select()
        .single<Post>(),
    );
    expect(renamed.slug).toBe(`renamed-${unique}`);
  });

  it("stay once published, and an old slug redirects to the post's new one", async () => {
    const post = await write(org.staff.client, { title: `Launch ${unique}`, status: "published" });
    const retitled = ok(
      await org.staff.client
        .from("blog_posts")
        .update({ title: `Launch, revised ${unique}` })
        .eq("id", post.id)
        .select()
        .single<Post>(),
    );
    expect(retitled.slug).toBe(`launch-${unique}`);
    ok(
      await org.staff.client
        .from("blog_posts")
        .update({ slug: `launch-day-${unique}` })
        .eq("id", post.id),
    );
    const resolved = ok(
      await anonClient().rpc("resolve_blog_slug", { p_slug: `launch-${unique}` }),
    );
    expect(resolved).toEqual([
      { post_id: post.id, slug: `launch-day-${unique}`, redirected: true },
    ]);
    const current = ok(
      await anonClient().rpc("resolve_blog_slug", { p_slug: `launch-day-${unique}` }),
    );
    expect(current).toEqual([
      { post_id: post.id, slug: `launch-day-${unique}`, redirected: false },
    ]);
    // The old slug keeps leading to this post: another post cannot take it.
    const taken = await org.staff.client
      .from("blog_posts")
      .insert({ organization_id: org.id, title: "Other", slug: `launch-${unique}` });
    expect([taken.status, taken.error?.code]).toEqual([409, "PT409"]);
    // The post itself may take it back.
    ok(
      await org.staff.client
        .from("blog_posts")
        .update({ slug: `launch-${unique}` })
        .eq("id", post.id),
    );
    expect(
      ok(await anonClient().rpc("resolve_blog_slug", { p_slug: `launch-day-${unique}` })),
    ).toEqual([{ post_id: post.id, slug: `launch-${unique}`, redirected: true }]);
  });
});

describe("visibility and scheduling", () => {
  it("hides drafts from everyone but the organization's staff and platform admins", async () => {
    const draft = await write(org.staff.client, { title: `Secret ${unique}` });
    expect(await visibleTo(anonClient(), draft.id)).toBe(false);
    expect(await visibleTo(org.member.client, draft.id)).toBe(false);
    expect(await visibleTo(org.staff.client, draft.id)).toBe(true);
    expect(await visibleTo(admin.client, draft.id)).toBe(true);
    const resolved = await anonClient().rpc("resolve_blog_slug", { p_slug: draft.slug });
    expect([resolved.status, resolved.error?.code]).toEqual([404, "PT404"]);
  });

  it("shows a scheduled post from its time on, with no job having run", async () => {
    await db.sql(
      "select cron.alter_job(jobid, active := false) from cron.job where jobname = 'publish-due-blog-posts'",
    );
    try {
      const publishAt = new Date(Date.now() + 2500);
      const post = await write(org.staff.client, {
        title: `Scheduled ${unique}`,
        status: "scheduled",
        publish_at: publishAt.toISOString(),
      });
      expect(post.status).toBe("scheduled");
      expect(await visibleTo(anonClient(), post.id)).toBe(false);
      await sleep(publishAt.getTime() - Date.now() + 300);
      expect(await visibleTo(anonClient(), post.id)).toBe(true);
      const [row] = await db.sql("select status from public.blog_posts where id = $1", [post.id]);
      expect(row).toEqual({ status: "scheduled" });
      // The job then moves the status along.
      await db.sql("select private.publish_due_blog_posts()");
      const [after] = await db.sql("select status from public.blog_posts where id = $1", [post.id]);
      expect(after).toEqual({ status: "published" });
    } finally {
      await db.sql(
        "select cron.alter_job(jobid, active := true) from cron.job where jobname = 'publish-due-blog-posts'",
      );
    }
  });

  it("publishing with a future time schedules; archived posts disappear; status moves only forward", async () => {
    const post = await write(org.staff.client, {
      title: `Future ${unique}`,
      status: "published",
      publish_at: new Date(Date.now() + 864e5).toISOString(),
    });
    expect(post.status).toBe("scheduled");
    const now = await write(org.staff.client, { title: `Now ${unique}`, status: "published" });
    expect(await visibleTo(anonClient(), now.id)).toBe(true);
    const back = await org.staff.client
      .from("blog_posts")
      .update({ status: "draft" })
      .eq("id", now.id);
    expect(back.status).toBe(409);
    ok(await org.staff.client.from("blog_posts").update({ status: "archived" }).eq("id", now.id));
    expect(await visibleTo(anonClient(), now.id)).toBe(false);
    const byMember = await org.member.client
      .from("blog_posts")
      .insert({ organization_id: org.id, title: "Member post" });
    expect(byMember.error?.code).toBe("42501");
  });
});

describe("subscriptions", () => {
  const announcements = async (userId: string, postId: string) =>
    db.sql<{ title: string; action_url: string }>(
      "select title, action_url from public.notifications where user_id = $1 and type = 'blog_post_published' and subject_id = $2",
      [userId, postId],
    );

  it("tell the blog's subscribers once when a scheduled post goes live, and no one else", async () => {
    const [subscriber, clubSubscriber] = await Promise.all([
      person(db, "Blog subscriber"),
      person(db, "Club blog subscriber"),
    ]);
    ok(await subscriber.client.from("blog_subscriptions").insert({ organization_id: org.id }));
    ok(await org.staff.client.from("blog_subscriptions").insert({ organization_id: org.id }));
    ok(await clubSubscriber.client.from("blog_subscriptions").insert({}));
    const publishAt = new Date(Date.now() + 1500);
    const post = await write(org.staff.client, {
      title: `Announced ${unique}`,
      summary: "News",
      status: "scheduled",
      publish_at: publishAt.toISOString(),
    });
    // Not live yet: nobody is told, however often the job runs.
    await db.sql("select private.publish_due_blog_posts()");
    expect(await announcements(subscriber.id, post.id)).toEqual([]);
    await sleep(publishAt.getTime() - Date.now() + 300);
    await Promise.all([
      db.sql("select private.publish_due_blog_posts()"),
      db.sql("select private.publish_due_blog_posts()"),
    ]);
    await db.sql("select private.publish_due_blog_posts()");
    expect(await announcements(subscriber.id, post.id)).toEqual([
      { title: `New post: Announced ${unique}`, action_url: `/blog/${post.slug}` },
    ]);
    // The author (who follows the blog too) and the club blog's subscribers are not told.
    expect(await announcements(org.staff.id, post.id)).toEqual([]);
    expect(await announcements(clubSubscriber.id, post.id)).toEqual([]);
    // Archiving and publishing again does not announce it a second time.
    ok(await org.staff.client.from("blog_posts").update({ status: "archived" }).eq("id", post.id));
    ok(await org.staff.client.from("blog_posts").update({ status: "draft" }).eq("id", post.id));
    ok(await org.staff.client.from("blog_posts").update({ status: "published" }).eq("id", post.id));
    await db.sql("select private.publish_due_blog_posts()");
    expect(await announcements(subscriber.id, post.id)).toHaveLength(1);
  });

  it("cannot be forged or duplicated, and editors cannot mark a post announced", async () => {
    const follower = await person(db, "Blog follower");
    ok(await follower.client.from("blog_subscriptions").insert({ organization_id: org.id }));
    const again = await follower.client
      .from("blog_subscriptions")
      .insert({ organization_id: org.id });
    expect([again.status, again.error?.code]).toEqual([409, "23505"]);
    const forged = await follower.client
      .from("blog_subscriptions")
      .insert({ organization_id: null, user_id: org.member.id });
    expect(forged.error?.code).toBe("42501");
    const post = await write(org.staff.client, {
      title: `Quiet ${unique}`,
      notified_at: new Date().toISOString(),
    });
    const [row] = await db.sql("select notified_at from public.blog_posts where id = $1", [
      post.id,
    ]);
    expect(row).toEqual({ notified_at: null });
  });
});

describe("content", () => {
  it.each([
    ["a script tag", "Hi <script>alert(1)</script>"],
    ["an HTML image with a handler", '<img src=x onerror="alert(1)">'],
    ["a javascript link", "[click](javascript:alert(1))"],
    ["a data link", "[x]: data:text/html;base64,PHNjcmlwdD4="],
  ])("refuses %s in the Markdown", async (_, content) => {
    const response = await org.staff.client
      .from("blog_posts")
      .insert({ organization_id: org.id, title: "Unsafe", content });
    expect([response.status, response.error?.code]).toEqual([400, "23514"]);
  });

  it("keeps plain Markdown, and builds the YouTube embed from a validated id", async () => {
    const post = await write(org.staff.client, {
      title: `Video ${unique}`,
      content: "If a < b then **b** wins: see [the docs](https://example.com/data:1).",
      youtube_id: "dQw4w9WgXcQ",
    });
    expect(post.youtube_embed_url).toBe("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ");
    const raw = await org.staff.client
      .from("blog_posts")
      .insert({ organization_id: org.id, title: "Raw embed", youtube_id: '<iframe src="x">' });
    expect(raw.status).toBe(400);
    const forged = await org.staff.client
      .from("blog_posts")
      .update({ youtube_embed_url: "https://evil.example" })
      .eq("id", post.id);
    expect(forged.status).toBe(400);
  });

  it("finds public posts by full-text search and relates posts by shared tags", async () => {
    const tag = `t${unique}`;
    const a = await write(org.staff.client, {
      title: `Turbocharger care ${unique}`,
      status: "published",
      tags: [tag, "engines", "maintenance"],
    });
    const b = await write(org.staff.client, {
      title: `Oil ${unique}`,
      status: "published",
      tags: [tag, "engines"],
    });
    const c = await write(org.staff.client, {
      title: `Tyres ${unique}`,
      status: "published",
      tags: [tag],
    });
    await write(org.staff.client, {
      title: `Turbocharger draft ${unique}`,
      tags: [tag, "engines"],
    });
    const found = ok(
      await anonClient()
        .from("blog_posts")
        .select("id")
        .textSearch("search_vector", `turbocharger ${unique}`, {
          type: "websearch",
          config: "simple",
        }),
    );
    expect(found).toEqual([{ id: a.id }]);
    const related = ok(await anonClient().rpc("related_blog_posts", { p_post_id: a.id })) as Post[];
    expect(related.map((p) => p.id)).toEqual([b.id, c.id]);
    const badTags = await org.staff.client
      .from("blog_posts")
      .insert({ organization_id: org.id, title: "Bad tags", tags: ["Not A Slug"] });
    expect(badTags.status).toBe(400);
  });
});

describe("albums", () => {
  it("keeps a post's images in order with captions, hidden until the post is public", async () => {
    const post = await write(org.staff.client, { title: `Album ${unique}` });
    const png = new Blob([Buffer.from("89504e470d0a1a0a", "hex")], { type: "image/png" });
    for (const name of ["one.png", "two.png"])
      ok(
        await org.staff.client.storage
          .from("blog-media")
          .upload(`${post.id}/${name}`, png, { contentType: "image/png" }),
      );
    const byMember = await org.member.client.storage
      .from("blog-media")
      .upload(`${post.id}/three.png`, png, { contentType: "image/png" });
    expect(byMember.error).not.toBeNull();
    ok(
      await org.staff.client.from("blog_post_images").insert([
        { post_id: post.id, storage_path: `${post.id}/two.png`, caption: "Second", position: 2 },
        { post_id: post.id, storage_path: `${post.id}/one.png`, caption: "First", position: 1 },
      ]),
    );
    const album = () =>
      anonClient()
        .from("blog_post_images")
        .select("storage_path, caption")
        .eq("post_id", post.id)
        .order("position");
    expect(ok(await album())).toEqual([]);
    expect(
      (await anonClient().storage.from("blog-media").download(`${post.id}/one.png`)).data,
    ).toBeNull();

    ok(await org.staff.client.from("blog_posts").update({ status: "published" }).eq("id", post.id));
    expect(ok(await album())).toEqual([
      { storage_path: `${post.id}/one.png`, caption: "First" },
      { storage_path: `${post.id}/two.png`, caption: "Second" },
    ]);
    const file = await anonClient().storage.from("blog-media").download(`${post.id}/one.png`);
    expect(file.data?.size).toBe(8);
  });
});

describe("about pages and reference data", () => {
  it("shows published about pages with ordered sections to everyone", async () => {
    const page = ok(
      await org.staff.client
        .from("about_pages")
        .insert({
          organization_id: org.id,
          slug: "history",
          title: "Our history",
          is_published: true,
        })
        .select("id")
        .single<{ id: string }>(),
    );
    ok(
      await org.staff.client.from("about_sections").insert([
        { page_id: page.id, heading: "Today", body: "Members in **12** cities.", position: 2 },
        { page_id: page.id, heading: "1998", body: "Founded in Jakarta.", position: 1 },
      ]),
    );
    const hidden = ok(
      await org.staff.client
        .from("about_pages")
        .insert({ organization_id: org.id, slug: "draft-page", title: "Draft" })
        .select("id")
        .single<{ id: string }>(),
    );
    const read = ok(
      await anonClient()
        .from("about_pages")
        .select("slug, about_sections(heading)")
        .eq("organization_id", org.id)
        .order("position", { referencedTable: "about_sections" }),
    );
    expect(read).toEqual([
      { slug: "history", about_sections: [{ heading: "1998" }, { heading: "Today" }] },
    ]);
    expect(
      ok(await org.member.client.from("about_pages").select("id").eq("id", hidden.id)),
    ).toEqual([]);
    const duplicate = await org.staff.client
      .from("about_pages")
      .insert({ organization_id: org.id, slug: "history", title: "Again" });
    expect(duplicate.status).toBe(409);
    const byMember = await org.member.client
      .from("about_pages")
      .insert({ organization_id: org.id, slug: "mine", title: "Mine" });
    expect(byMember.error?.code).toBe("42501");
  });

  it("lets platform admins alone manage reference data, which everyone reads", async () => {
    const code = `region-${unique}`;
    const refused = await org.staff.client
      .from("reference_items")
      .insert({ kind: "region", code, label: "West Java" });
    expect(refused.error?.code).toBe("42501");
    ok(
      await admin.client
        .from("reference_items")
        .insert({ kind: "region", code, label: "West Java" }),
    );
    expect(ok(await anonClient().from("reference_items").select("label").eq("code", code))).toEqual(
      [{ label: "West Java" }],
    );
    const badKind = await admin.client
      .from("reference_items")
      .insert({ kind: "planet", code: `x-${unique}`, label: "Mars" });
    expect(badKind.status).toBe(400);
  });
});
