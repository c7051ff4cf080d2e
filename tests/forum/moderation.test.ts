// Moderation (issue 18, items 7 to 9 and 11; migration 0038_moderation): flags once per member and
// item, weighted by standing, that hide an item pending review; the moderators' queue (approve,
// remove with a reason, dismiss), the audit log the author reads for their own content; and
// suspension by moderators and platform admins on profile_suspensions, which lifts itself by time.
import { beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import {
  category,
  expert,
  moderator,
  notificationsOf,
  platformAdmin,
  respond,
  thread,
} from "./helpers.ts";

let mod: SignedInPerson;
let admin: SignedInPerson;
let author: SignedInPerson;
let categoryId: string;

beforeAll(async () => {
  [mod, admin, author] = await Promise.all([
    moderator("Queue Moderator"),
    platformAdmin("Queue Admin"),
    signedInPerson("Flagged Author"),
  ]);
  categoryId = (await category(mod.client)).id;
});

const flag = (
  client: SignedInPerson["client"],
  kind: string,
  id: string,
  reason = "spam",
  details?: string,
) =>
  client.rpc("flag_content", {
    p_target_kind: kind,
    p_target_id: id,
    p_reason: reason,
    p_details: details,
  });

const members = (count: number, label: string) =>
  Promise.all(Array.from({ length: count }, (_, i) => signedInPerson(`${label} ${i}`)));

describe("flags", () => {
  it("once per member and item, with a reason from the list; not one's own; other needs details", async () => {
    const t = await thread(author.client, categoryId);
    const [flagger] = await members(1, "Flagger");
    expect((await flag(author.client, "forum_thread", t.id)).error?.code).toBe("22023");
    expect((await flag(flagger!.client, "forum_thread", t.id, "other")).error?.code).toBe("22023");
    expect((await flag(flagger!.client, "forum_thread", t.id, "rude")).error?.code).toBe("22P02");
    expect((await flag(flagger!.client, "listing", t.id)).error).toMatchObject({
      code: "22023",
      message: "listing cannot be flagged",
    });
    ok(await flag(flagger!.client, "forum_thread", t.id, "off_topic", "Not about brakes"));
    const twice = await flag(flagger!.client, "forum_thread", t.id);
    expect({ status: twice.status, code: twice.error?.code }).toEqual({
      status: 409,
      code: "PT409",
    });
    const unknown = await flag(flagger!.client, "forum_response", t.id);
    expect(unknown.error?.code).toBe("PT404");
    expect((await flag(anonClient(), "forum_thread", t.id)).status).toBe(401);

    expect(
      await sql(
        "select reason, details, weight::text from public.content_flags where target_id = $1",
        [t.id],
      ),
    ).toEqual([{ reason: "off_topic", details: "Not about brakes", weight: "1.00" }]);
    // The author does not see who flagged; the flagger sees their own flag.
    expect(
      ok(await author.client.from("content_flags").select("id").eq("target_id", t.id)),
    ).toEqual([]);
    expect(
      ok(await flagger!.client.from("content_flags").select("id").eq("target_id", t.id)),
    ).toHaveLength(1);
  });

  it("enough weighted flags hide the item pending review: three new members, or two verified experts", async () => {
    const t = await thread(author.client, categoryId);
    const r = await respond(author.client, t.id, "Buy my miracle brake fluid at spam.example");
    const flaggers = await members(3, "Crowd");
    const visibleTo = async (client: SignedInPerson["client"]) =>
      ok(await client.from("forum_responses").select("id").eq("id", r.id)).length === 1;

    ok(await flag(flaggers[0]!.client, "forum_response", r.id));
    ok(await flag(flaggers[1]!.client, "forum_response", r.id));
    expect(await visibleTo(anonClient())).toBe(true);
    ok(await flag(flaggers[2]!.client, "forum_response", r.id));
    expect(await visibleTo(anonClient())).toBe(false);
    expect(await visibleTo(flaggers[0]!.client)).toBe(false);
    expect(await visibleTo(author.client)).toBe(true);
    expect(await visibleTo(mod.client)).toBe(true);
    const [hidden] = await notificationsOf(author.user.id, "moderation_decision");
    expect(hidden?.data).toMatchObject({ action: "auto_hidden", target_id: r.id });

    // Experts weigh 2: two of them hide a thread.
    const other = await thread(author.client, categoryId);
    const experts = [
      await expert("Flagging Expert 1", ["audi"], mod.client),
      await expert("Flagging Expert 2", ["audi"], mod.client),
    ];
    ok(await flag(experts[0]!.client, "forum_thread", other.id));
    expect(
      ok(await anonClient().from("forum_threads").select("id").eq("id", other.id)),
    ).toHaveLength(1);
    ok(await flag(experts[1]!.client, "forum_thread", other.id));
    expect(ok(await anonClient().from("forum_threads").select("id").eq("id", other.id))).toEqual(
      [],
    );
    // Long-standing members weigh 1.5.
    const veteran = await signedInPerson("Veteran Member");
    await sql("update public.profiles set created_at = now() - interval '3 years' where id = $1", [
      veteran.user.id,
    ]);
    const third = await thread(author.client, categoryId);
    expect(ok(await flag(veteran.client, "forum_thread", third.id).select("weight"))).toEqual({
      weight: 1.5,
    });
  });

  it("moderators work the queue: approve restores, remove needs a reason, dismiss closes flags; all logged for the author", async () => {
    const t = await thread(author.client, categoryId);
    const [a, b, c] = await members(3, "Queue flagger");
    for (const person of [a!, b!, c!])
      ok(await flag(person.client, "forum_thread", t.id, "misinformation"));

    expect(
      ok(await author.client.from("moderation_items").select("*").eq("target_id", t.id)),
    ).toEqual([]);
    const queue = ok(
      await mod.client
        .from("moderation_items")
        .select("target_kind, target_id, state, open_flags, open_weight")
        .gt("open_flags", 0)
        .order("state", { ascending: false })
        .order("open_weight", { ascending: false }),
    );
    expect(queue).toContainEqual({
      target_kind: "forum_thread",
      target_id: t.id,
      state: "hidden",
      open_flags: 3,
      open_weight: 3,
    });

    const moderate = (client: SignedInPerson["client"], action: string, reason?: string) =>
      client.rpc("moderate_content", {
        p_target_kind: "forum_thread",
        p_target_id: t.id,
        p_action: action,
        p_reason: reason,
      });
    expect((await moderate(a!.client, "approve")).error?.code).toBe("42501");
    expect((await moderate(mod.client, "dismiss")).error?.code).toBe("PT409");
    expect((await moderate(mod.client, "remove")).error?.code).toBe("22023");
    expect(ok(await moderate(mod.client, "approve"))).toMatchObject({
      state: "visible",
      open_flags: 0,
    });
    expect(ok(await anonClient().from("forum_threads").select("id").eq("id", t.id))).toHaveLength(
      1,
    );
    expect((await moderate(mod.client, "approve")).error?.code).toBe("PT409");

    const [d] = await members(1, "Late flagger");
    ok(await flag(d!.client, "forum_thread", t.id, "spam"));
    expect(ok(await moderate(mod.client, "dismiss"))).toMatchObject({
      state: "visible",
      open_flags: 0,
    });
    expect(ok(await moderate(mod.client, "remove", "Sells counterfeit parts."))).toMatchObject({
      state: "removed",
    });
    expect(ok(await anonClient().from("forum_threads").select("id").eq("id", t.id))).toEqual([]);
    expect(ok(await a!.client.from("forum_threads").select("id").eq("id", t.id))).toEqual([]);
    expect(
      ok(await author.client.from("forum_threads").select("moderation_state").eq("id", t.id)),
    ).toEqual([{ moderation_state: "removed" }]);
    const resolutions = await sql<{ resolution: string; n: number }>(
      "select resolution, count(*)::int as n from public.content_flags where target_id = $1 group by resolution order by 1",
      [t.id],
    );
    expect(resolutions).toEqual([{ resolution: "declined", n: 4 }]);

    const log = ok(
      await author.client
        .from("moderation_actions")
        .select("action, reason, actor_id")
        .eq("target_id", t.id)
        .order("created_at"),
    );
    expect(log).toEqual([
      { action: "auto_hidden", reason: null, actor_id: null },
      { action: "approved", reason: null, actor_id: mod.user.id },
      { action: "flags_dismissed", reason: null, actor_id: mod.user.id },
      { action: "removed", reason: "Sells counterfeit parts.", actor_id: mod.user.id },
    ]);
    expect(
      ok(await a!.client.from("moderation_actions").select("id").eq("target_id", t.id)),
    ).toEqual([]);
    const decisions = (await notificationsOf(author.user.id, "moderation_decision")).filter(
      (n) => n.data.target_id === t.id,
    );
    expect(decisions.map((n) => n.data.action)).toEqual(["auto_hidden", "approve", "remove"]);
    expect(decisions[2]!.body).toBe("Sells counterfeit parts.");
    // Flaggers hear how their flags were settled, without the reason meant for the author.
    const toFlagger = async (person: SignedInPerson) =>
      (await notificationsOf(person.user.id, "moderation_decision")).map((n) => [
        n.data.action,
        n.body,
      ]);
    expect(await toFlagger(a!)).toEqual([["approve", null]]);
    expect(await toFlagger(d!)).toEqual([["dismiss", null]]);
  });
});

describe("suspension", () => {
  it("a suspended member cannot post, respond, vote or flag; the reason is for them and staff only; they are notified", async () => {
    const [suspended, bystander] = await members(2, "Suspension");
    const t = await thread(author.client, categoryId);
    const r = await respond(author.client, t.id);
    const suspension = ok(
      await mod.client
        .rpc("suspend_account", { p_user_id: suspended!.user.id, p_reason: "Repeated spam." })
        .single<{ suspended_until: string | null; reason: string }>(),
    );
    expect(suspension).toMatchObject({ suspended_until: null, reason: "Repeated spam." });

    const refusals = [
      await suspended!.client
        .from("forum_threads")
        .insert({ category_id: categoryId, title: "New thread", body: "Hello" }),
      await suspended!.client.from("forum_responses").insert({ thread_id: t.id, body: "Reply" }),
      await suspended!.client
        .from("forum_response_votes")
        .insert({ response_id: r.id, is_helpful: true }),
      await flag(suspended!.client, "forum_thread", t.id),
      await suspended!.client.rpc("apply_for_expert_verification", {
        p_expertise_areas: ["vw"],
        p_years_of_experience: 1,
      }),
    ];
    expect(refusals.map((result) => [result.status, result.error?.code])).toEqual(
      Array(5).fill([403, "42501"]),
    );
    expect(
      await sql("select 1 from public.forum_responses where author_id = $1", [suspended!.user.id]),
    ).toEqual([]);

    for (const [who, sees] of [
      [suspended!, true],
      [mod, true],
      [admin, true],
      [bystander!, false],
    ] as const) {
      const rows = ok(
        await who.client
          .from("profile_suspensions")
          .select("reason")
          .eq("profile_id", suspended!.user.id),
      );
      expect(rows.length, who.user.email).toBe(sees ? 1 : 0);
    }
    const [alert] = await notificationsOf(suspended!.user.id, "account_alert");
    expect(alert).toMatchObject({ title: "Your account is suspended", body: "Repeated spam." });

    expect(
      (await mod.client.rpc("lift_suspension", { p_user_id: bystander!.user.id })).error?.code,
    ).toBe("PT409");
    ok(
      await mod.client.rpc("lift_suspension", {
        p_user_id: suspended!.user.id,
        p_reason: "Appeal accepted.",
      }),
    );
    ok(
      await suspended!.client
        .from("forum_responses")
        .insert({ thread_id: t.id, body: "Back again" }),
    );
    const log = ok(
      await suspended!.client
        .from("moderation_actions")
        .select("action, reason")
        .order("created_at"),
    );
    expect(log).toEqual([
      { action: "suspended", reason: "Repeated spam." },
      { action: "suspension_lifted", reason: "Appeal accepted." },
    ]);
  });

  it("lifts itself when its time ends, with no job", async () => {
    const [member] = await members(1, "Timed suspension");
    const t = await thread(author.client, categoryId);
    const until = new Date(Date.now() + 2500).toISOString();
    ok(
      await mod.client.rpc("suspend_account", {
        p_user_id: member!.user.id,
        p_reason: "Cool down.",
        p_until: until,
      }),
    );
    const before = await member!.client
      .from("forum_responses")
      .insert({ thread_id: t.id, body: "Too soon" });
    expect(before.error?.code).toBe("42501");
    await new Promise((resolve) => setTimeout(resolve, Date.parse(until) - Date.now() + 300));
    ok(
      await member!.client
        .from("forum_responses")
        .insert({ thread_id: t.id, body: "After the suspension" }),
    );
    const [alert] = await notificationsOf(member!.user.id, "account_alert");
    expect(alert!.title).toMatch(/^Your account is suspended until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  });

  it("moderators suspend members, not moderators or platform admins; platform admins suspend moderators", async () => {
    const [member] = await members(1, "Plain member");
    const otherModerator = await moderator("Second Moderator");
    const refusals = [
      await mod.client.rpc("suspend_account", { p_user_id: otherModerator.user.id, p_reason: "x" }),
      await mod.client.rpc("suspend_account", { p_user_id: admin.user.id, p_reason: "x" }),
      await member!.client.rpc("suspend_account", { p_user_id: author.user.id, p_reason: "x" }),
    ];
    expect(refusals.map((result) => [result.status, result.error?.code])).toEqual(
      Array(3).fill([403, "42501"]),
    );
    expect(
      (await mod.client.rpc("suspend_account", { p_user_id: member!.user.id, p_reason: " " })).error
        ?.code,
    ).toBe("22023");
    expect(
      (
        await mod.client.rpc("suspend_account", {
          p_user_id: member!.user.id,
          p_reason: "x",
          p_until: "2000-01-01T00:00:00Z",
        })
      ).error?.code,
    ).toBe("22023");
    expect(
      await sql("select 1 from public.profile_suspensions where profile_id in ($1, $2, $3)", [
        member!.user.id,
        otherModerator.user.id,
        admin.user.id,
      ]),
    ).toEqual([]);

    ok(
      await admin.client.rpc("suspend_account", {
        p_user_id: otherModerator.user.id,
        p_reason: "Abused the queue.",
      }),
    );
    // A suspended moderator moderates nothing.
    expect(
      (
        await otherModerator.client.rpc("suspend_account", {
          p_user_id: member!.user.id,
          p_reason: "x",
        })
      ).error?.code,
    ).toBe("42501");
    expect(
      (await mod.client.rpc("lift_suspension", { p_user_id: otherModerator.user.id })).error?.code,
    ).toBe("42501");
    ok(await admin.client.rpc("lift_suspension", { p_user_id: otherModerator.user.id }));
  });
});

// The marketplace's comments, replies and reviews in this queue: tests/market/moderation.test.ts.
