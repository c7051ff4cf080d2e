// The forum's demo data (seed/0007_forum.sql) as the seeded people see it through supabase-js: the
// category list, eko's resolved thread with hadi's accepted expert answer first, the moderator's
// queue and pending application, and the suspended spammer.
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok, signedInClient } from "../helpers/auth.ts";

let eko: SupabaseClient;
let citra: SupabaseClient;
let spammer: SupabaseClient;
const seededCategories = [1, 2, 3, 4, 5, 6].map((n) => `f0000000-0000-4000-8000-00000000000${n}`);

beforeAll(async () => {
  const signIn = (email: string) => signedInClient({ email, password: "pitlane-demo" });
  [eko, citra, spammer] = await Promise.all([
    signIn("eko@nusantara-club.test"),
    signIn("citra@nusantara-club.test"),
    signIn("member12@example.test"),
  ]);
});

describe("seeded forum", () => {
  it("anyone lists the active categories in order, and the pinned welcome thread first", async () => {
    const categories = ok(
      await anonClient()
        .from("forum_categories")
        .select("slug")
        .in("id", seededCategories)
        .order("sort_order"),
    );
    expect(categories.map((c) => c.slug)).toEqual([
      "community",
      "engine-and-drivetrain",
      "brakes-and-suspension",
      "electrical",
      "buying-advice",
    ]);
    const threads = ok(
      await anonClient()
        .from("forum_threads")
        .select("title, is_pinned, is_featured, response_count")
        .eq("category_id", "f0000000-0000-4000-8000-000000000005")
        .order("is_pinned", { ascending: false })
        .order("last_activity_at", { ascending: false })
        .limit(1),
    );
    expect(threads[0]).toMatchObject({
      title: "Welcome to the Pitlane forum",
      is_pinned: true,
      is_featured: true,
    });
  });

  it("eko's Civic thread is resolved by hadi's accepted expert answer, which comes first", async () => {
    const [thread] = ok(
      await eko
        .from("forum_threads")
        .select(
          "status, car_make, response_count, accepted_count, forum_responses(body, is_expert, is_accepted, helpful_count, unhelpful_count)",
        )
        .eq("title", "Civic idle hunts on cold mornings")
        .order("is_accepted", { referencedTable: "forum_responses", ascending: false }),
    );
    expect(thread).toMatchObject({
      status: "resolved",
      car_make: "Honda",
      response_count: 2,
      accepted_count: 1,
    });
    expect(thread!.forum_responses[0]).toMatchObject({
      is_expert: true,
      is_accepted: true,
      helpful_count: 3,
    });
    expect(thread!.forum_responses[1]).toMatchObject({ is_expert: false, unhelpful_count: 1 });
    const experts = ok(
      await anonClient()
        .from("forum_experts")
        .select("helpful_votes_received, accepted_answers")
        .eq("user_id", "c0000000-0000-4000-8000-000000000003"),
    );
    expect(experts).toEqual([{ helpful_votes_received: 4, accepted_answers: 1 }]);
  });

  it("citra moderates: the spam thread hidden in her queue, gita's application pending", async () => {
    const queue = ok(
      await citra
        .from("moderation_items")
        .select("state, open_flags")
        .eq("target_id", "f1000000-0000-4000-8000-000000000005"),
    );
    expect(queue).toEqual([{ state: "hidden", open_flags: 3 }]);
    const pending = ok(
      await citra
        .from("expert_verifications")
        .select("status, expertise_areas")
        .eq("user_id", "c0000000-0000-4000-8000-000000000002"),
    );
    expect(pending).toEqual([{ status: "pending", expertise_areas: ["electrical"] }]);
    expect(ok(await eko.from("forum_threads").select("id").ilike("title", "CHEAP OBD%"))).toEqual(
      [],
    );
  });

  it("member12 is suspended for a week, is told why, and cannot post", async () => {
    const [suspension] = ok(
      await spammer.from("profile_suspensions").select("reason, suspended_until"),
    );
    expect(suspension!.reason).toBe("Advertising in the forum. You can post again in a week.");
    expect(Date.parse(suspension!.suspended_until)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const refused = await spammer
      .from("forum_responses")
      .insert({ thread_id: "f1000000-0000-4000-8000-000000000001", body: "Buy now" });
    expect(refused.error?.code).toBe("42501");
  });
});
