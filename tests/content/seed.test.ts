// The demo content of seed/0008_content.sql, read as an anonymous visitor: public posts (one with
// a YouTube video, one with an album), the scheduled and draft posts hidden, about pages and the
// reference data.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import { anonClient } from "../helpers/auth.ts";

let db: Db;

beforeAll(() => {
  db = new Db(stack().dbUrl);
});

afterAll(async () => {
  await db?.end();
});

describe("seed: demo content", () => {
  it("has public posts (one with a video, one with an album), a scheduled and a draft post, about pages and reference data", async () => {
    const posts = ok(
      await anonClient()
        .from("blog_posts")
        .select("slug, youtube_embed_url, blog_post_images(caption)")
        .in(
          "id",
          [1, 2, 3, 4, 5].map((n) => `e9100000-0000-4000-8000-00000000000${n}`),
        )
        .order("publish_at")
        .order("position", { referencedTable: "blog_post_images" }),
    );
    expect(posts).toEqual([
      { slug: "welcome-to-pitlane", youtube_embed_url: null, blog_post_images: [] },
      {
        slug: "plant-visit-the-sunter-assembly-line",
        youtube_embed_url: "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE",
        blog_post_images: [],
      },
      {
        slug: "diagnostics-bootcamp-in-pictures",
        youtube_embed_url: null,
        blog_post_images: [
          { caption: "Reading fuel trims on live data" },
          { caption: "Tracing a wiring fault with the scope" },
          { caption: "Graduation day" },
        ],
      },
    ]);
    const [hidden] = await db.sql<{ statuses: string[] }>(
      "select array_agg(status::text order by status) as statuses from public.blog_posts where id in ($1, $2)",
      ["e9100000-0000-4000-8000-000000000004", "e9100000-0000-4000-8000-000000000005"],
    );
    expect(hidden!.statuses).toEqual(["draft", "scheduled"]);
    const pages = ok(
      await anonClient()
        .from("about_pages")
        .select("slug, about_sections(heading)")
        .in("slug", ["about-pitlane", "about-us", "board"])
        .order("slug")
        .order("position", { referencedTable: "about_sections" }),
    );
    expect(pages).toEqual([
      {
        slug: "about-pitlane",
        about_sections: [{ heading: "What we do" }, { heading: "Contact" }],
      },
      { slug: "about-us", about_sections: [{ heading: "Our story" }, { heading: "Membership" }] },
    ]);
    const levels = ok(
      await anonClient()
        .from("reference_items")
        .select("code")
        .eq("kind", "level")
        .in("code", ["advanced", "all_levels", "beginner", "intermediate"])
        .order("position"),
    );
    expect(levels.map((l) => l.code)).toEqual([
      "all_levels",
      "beginner",
      "intermediate",
      "advanced",
    ]);
  });
});
