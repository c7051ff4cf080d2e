// The forum (issue 18, items 1 to 6, 10 and 11; migration 0037_forum): categories, threads and
// their status, view and response counts, search, responses with the expert mark set by the
// database, accepted answers, expert verification and metrics, helpful votes (exact under 100
// concurrent votes), follows and notifications, and bad input that changes nothing. supabase-js
// against the run's stack, people made through the admin API; the RLS matrix is in rls.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  anonClient,
  ok,
  signedInPerson,
  type SignedInPerson,
} from "../helpers/auth.ts";
import { Db, db, sql, stack } from "../helpers/db.ts";
import {
  category,
  expert,
  moderator,
  notificationsOf,
  respond,
  thread,
  threadRow,
} from "./helpers.ts";

let mod: SignedInPerson;
let author: SignedInPerson;
let member: SignedInPerson;
let brakes: { id: string; slug: string };

beforeAll(async () => {
  [mod, author, member] = await Promise.all([
    moderator("Forum Moderator"),
    signedInPerson("Thread Author"),
    signedInPerson("Forum Member"),
  ]);
  brakes = await category(mod.client, { name: "Brakes", icon: "disc" });
});

describe("categories", () => {
  it("moderators manage them; members and anon read the active ones only", async () => {
    const hidden = await category(mod.client, { is_active: false, sort_order: 5 });
    const refused = await member.client
      .from("forum_categories")
      .insert({ name: "Mine", slug: `mine-${hidden.slug}` });
    expect(refused.error?.code).toBe("42501");

    for (const client of [member.client, anonClient()]) {
      const seen = ok(
        await client.from("forum_categories").select("id").in("id", [brakes.id, hidden.id]),
      );
      expect(seen.map((c) => c.id)).toEqual([brakes.id]);
    }
    const moderatorSees = ok(
      await mod.client.from("forum_categories").select("id").in("id", [brakes.id, hidden.id]),
    );
    expect(moderatorSees).toHaveLength(2);

    ok(
      await mod.client
        .from("forum_categories")
        .update({ description: "Pads, discs" })
        .eq("id", hidden.id),
    );
    const memberUpdate = ok(
      await member.client
        .from("forum_categories")
        .update({ description: "x" })
        .eq("id", brakes.id)
        .select(),
    );
    expect(memberUpdate).toEqual([]);

    const inactive = await author.client
      .from("forum_threads")
      .insert({ category_id: hidden.id, title: "Into a closed category", body: "Hello" });
    expect(inactive.error).toMatchObject({
      code: "PT409",
      message: "this category does not take new threads",
    });
  });
});

describe("threads", () => {
  it("keep car context, list by category, status, car and activity, and are found by full-text search", async () => {
    const own = await category(mod.client);
    const civic = await thread(author.client, own.id, {
      title: "Civic idle surges when cold",
      body: "The idle hunts between 800 and 1500 rpm on cold mornings.",
      car_make: "Honda",
      car_model: "Civic",
      car_year: 2016,
    });
    const corolla = await thread(member.client, own.id, {
      title: "Corolla wipers stop halfway",
      body: "The wiper motor parks in the middle of the windscreen.",
      car_make: "Toyota",
      car_model: "Corolla",
      car_year: 2012,
    });
    expect(civic).toMatchObject({
      status: "open",
      response_count: 0,
      view_count: 0,
      author_id: author.user.id,
    });

    const byCar = ok(
      await anonClient()
        .from("forum_threads")
        .select("id")
        .eq("category_id", own.id)
        .eq("car_make", "Honda")
        .eq("car_year", 2016),
    );
    expect(byCar.map((t) => t.id)).toEqual([civic.id]);

    await respond(member.client, civic.id);
    const byActivity = ok(
      await anonClient()
        .from("forum_threads")
        .select("id, response_count, last_activity_at")
        .eq("category_id", own.id)
        .eq("status", "open")
        .order("is_pinned", { ascending: false })
        .order("last_activity_at", { ascending: false }),
    );
    expect(byActivity.map((t) => t.id)).toEqual([civic.id, corolla.id]);

    const found = ok(
      await member.client
        .from("forum_threads")
        .select("id")
        .eq("category_id", own.id)
        .textSearch("search", "cold idle", { type: "websearch" }),
    );
    expect(found.map((t) => t.id)).toEqual([civic.id]);
    const byMake = ok(
      await member.client
        .from("forum_threads")
        .select("id")
        .eq("category_id", own.id)
        .textSearch("search", "toyota", { type: "plain" }),
    );
    expect(byMake.map((t) => t.id)).toEqual([corolla.id]);
  });

  it("the author edits title and body (edited_at), but not status, pins or counters", async () => {
    const t = await thread(author.client, brakes.id);
    expect(t.edited_at).toBeNull();
    const edited = ok(
      await author.client
        .from("forum_threads")
        .update({ body: "Squeaks only when braking lightly." })
        .eq("id", t.id)
        .select()
        .single(),
    );
    expect(edited.edited_at).not.toBeNull();
    for (const change of [
      { status: "closed" },
      { is_pinned: true },
      { response_count: 99 },
      { view_count: 5 },
    ]) {
      const refused = await author.client.from("forum_threads").update(change).eq("id", t.id);
      expect(refused.error?.code, JSON.stringify(change)).toBe("42501");
    }
    const otherEdit = ok(
      await member.client
        .from("forum_threads")
        .update({ title: "Hijacked title" })
        .eq("id", t.id)
        .select(),
    );
    expect(otherEdit).toEqual([]);
    expect((await threadRow(t.id)).title).toBe("Squeaking brakes after pad change");
  });

  it("status: the author moves open ↔ resolved; only moderators close and reopen closed threads", async () => {
    const t = await thread(author.client, brakes.id);
    const setStatus = (client: SignedInPerson["client"], status: string) =>
      client.rpc("set_thread_status", { p_thread_id: t.id, p_status: status });

    expect((await setStatus(member.client, "resolved")).error?.code).toBe("42501");
    expect(ok(await setStatus(author.client, "resolved"))).toMatchObject({ status: "resolved" });
    expect((await setStatus(author.client, "resolved")).error?.code).toBe("PT409");
    expect(ok(await setStatus(author.client, "open"))).toMatchObject({
      status: "open",
      resolved_at: null,
    });
    expect((await setStatus(author.client, "closed")).error).toMatchObject({
      code: "42501",
      message: "only moderators close and reopen closed threads",
    });
    expect(ok(await setStatus(mod.client, "closed"))).toMatchObject({ status: "closed" });
    expect((await setStatus(author.client, "open")).error?.code).toBe("42501");
    expect(ok(await setStatus(mod.client, "open"))).toMatchObject({
      status: "open",
      closed_at: null,
    });
  });

  it("moderators pin and feature; pinned threads list first", async () => {
    const own = await category(mod.client);
    const first = await thread(author.client, own.id, { title: "Older thread" });
    await thread(author.client, own.id, { title: "Newer thread" });
    expect(
      (
        await author.client.rpc("set_thread_highlights", {
          p_thread_id: first.id,
          p_is_pinned: true,
        })
      ).error?.code,
    ).toBe("42501");
    expect(
      ok(
        await mod.client.rpc("set_thread_highlights", {
          p_thread_id: first.id,
          p_is_pinned: true,
          p_is_featured: true,
        }),
      ),
    ).toMatchObject({ is_pinned: true, is_featured: true });
    const listed = ok(
      await anonClient()
        .from("forum_threads")
        .select("title")
        .eq("category_id", own.id)
        .order("is_pinned", { ascending: false })
        .order("last_activity_at", { ascending: false }),
    );
    expect(listed.map((t) => t.title)).toEqual(["Older thread", "Newer thread"]);
  });

  it("view counts are exact for the first 100 views, then sampled: one write in ten, counted as ten", async () => {
    const t = await thread(author.client, brakes.id);
    const anon = anonClient();
    for (let i = 0; i < 40; i++) ok(await anon.rpc("record_thread_view", { p_thread_id: t.id }));
    expect(Number((await threadRow(t.id)).view_count)).toBe(40);

    await sql("update public.forum_threads set view_count = 1000 where id = $1", [t.id]);
    const views = 300;
    await Promise.all(
      Array.from({ length: views }, () =>
        db().rpc({ role: "anon" }, "record_thread_view", { p_thread_id: t.id }),
      ),
    );
    const counted = Number((await threadRow(t.id)).view_count);
    const writes = (counted - 1000) / 10;
    expect(Number.isInteger(writes)).toBe(true);
    // 300 views at 1/10 write 30 times on average; far fewer writes than views, and some.
    expect(writes).toBeGreaterThan(5);
    expect(writes).toBeLessThan(80);

    const unknown = await anon.rpc("record_thread_view", {
      p_thread_id: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown.error?.code).toBe("PT404");
  });
});

describe("responses", () => {
  it("keep the thread's response count and last activity; the author edits them (edited_at)", async () => {
    const t = await thread(author.client, brakes.id);
    const r = await respond(member.client, t.id);
    await respond(author.client, t.id, "Thanks, I will check the pins.");
    const after = await threadRow(t.id);
    expect(after.response_count).toBe(2);
    expect(new Date(after.last_activity_at).getTime()).toBeGreaterThan(
      new Date(t.last_activity_at).getTime(),
    );

    const edited = ok(
      await member.client
        .from("forum_responses")
        .update({ body: "Clean and grease the slide pins." })
        .eq("id", r.id)
        .select()
        .single(),
    );
    expect(edited.edited_at).not.toBeNull();
    const notMine = ok(
      await author.client
        .from("forum_responses")
        .update({ body: "changed" })
        .eq("id", r.id)
        .select(),
    );
    expect(notMine).toEqual([]);

    ok(await member.client.from("forum_responses").delete().eq("id", r.id));
    expect((await threadRow(t.id)).response_count).toBe(1);
  });

  it("bad input: a closed thread, an empty or oversized body — 4xx and nothing written", async () => {
    const t = await thread(author.client, brakes.id);
    const empty = await member.client
      .from("forum_responses")
      .insert({ thread_id: t.id, body: "   " });
    expect({ status: empty.status, code: empty.error?.code }).toEqual({
      status: 400,
      code: "22023",
    });
    const huge = await member.client
      .from("forum_responses")
      .insert({ thread_id: t.id, body: "x".repeat(20001) });
    expect({ status: huge.status, code: huge.error?.code }).toEqual({ status: 400, code: "22023" });
    ok(await mod.client.rpc("set_thread_status", { p_thread_id: t.id, p_status: "closed" }));
    const closed = await member.client
      .from("forum_responses")
      .insert({ thread_id: t.id, body: "Late answer" });
    expect({
      status: closed.status,
      code: closed.error?.code,
      message: closed.error?.message,
    }).toEqual({
      status: 409,
      code: "PT409",
      message: "this thread is closed",
    });
    const badThreads = [
      [{ title: "Hi", body: "Body" }, "a thread title needs 3 to 200 characters"],
      [{ title: "Empty body", body: " " }, "a thread needs some text"],
      [
        { title: "Huge body", body: "x".repeat(20001) },
        "a thread can be at most 20,000 characters",
      ],
      [
        { title: "Old car", body: "Body", car_make: "Benz", car_year: 1800 },
        "the car's year must be between 1886 and 2100",
      ],
      [
        { title: "Model only", body: "Body", car_model: "Civic" },
        "give the car's make with its model",
      ],
    ] as const;
    for (const [fields, message] of badThreads) {
      const refused = await member.client
        .from("forum_threads")
        .insert({ category_id: brakes.id, ...fields });
      expect({
        status: refused.status,
        code: refused.error?.code,
        message: refused.error?.message,
      }).toEqual({
        status: 400,
        code: "22023",
        message,
      });
    }
    expect(
      await sql("select 1 from public.forum_threads where author_id = $1 and title = any ($2)", [
        member.user.id,
        ["Hi", ...badThreads.map(([fields]) => fields.title)],
      ]),
    ).toEqual([]);
    expect((await threadRow(t.id)).response_count).toBe(0);
    expect(await sql("select 1 from public.forum_responses where thread_id = $1", [t.id])).toEqual(
      [],
    );
  });

  it("the expert mark is set by the database, never by the client; AI answers only by the service role", async () => {
    const engines = await category(mod.client, { slug: `engines-${Date.now()}` });
    const honda = await expert("Honda Expert", ["honda", engines.slug], mod.client);
    const inArea = await thread(author.client, brakes.id, { car_make: "Honda", car_model: "Jazz" });
    const byCategory = await thread(author.client, engines.id);
    const elsewhere = await thread(author.client, brakes.id, { car_make: "Ford" });
    expect((await respond(honda.client, inArea.id)).is_expert).toBe(true);
    expect((await respond(honda.client, byCategory.id)).is_expert).toBe(true);
    expect((await respond(honda.client, elsewhere.id)).is_expert).toBe(false);
    expect((await respond(member.client, inArea.id)).is_expert).toBe(false);

    const forged = await member.client
      .from("forum_responses")
      .insert({ thread_id: elsewhere.id, body: "Trust me", is_expert: true });
    expect(forged.error?.code).toBe("42501");
    const mine = await respond(member.client, elsewhere.id);
    const promoted = await member.client
      .from("forum_responses")
      .update({ is_expert: true })
      .eq("id", mine.id);
    expect(promoted.error?.code).toBe("42501");
    const serviceForged = ok(
      await adminClient()
        .from("forum_responses")
        .insert({
          thread_id: elsewhere.id,
          author_id: member.user.id,
          body: "Service",
          is_expert: true,
        })
        .select()
        .single(),
    );
    expect(serviceForged.is_expert).toBe(false);

    const aiByMember = await member.client
      .from("forum_responses")
      .insert({ thread_id: elsewhere.id, body: "AI", ai_generated: true });
    expect(aiByMember.error?.code).toBe("42501");
    const ai = ok(
      await adminClient()
        .from("forum_responses")
        .insert({ thread_id: elsewhere.id, body: "An AI answer.", ai_generated: true })
        .select()
        .single(),
    );
    expect(ai).toMatchObject({ ai_generated: true, author_id: null, is_expert: false });
  });
});

describe("accepted answers", () => {
  it("the author accepts one or more responses, which resolves the thread; accepted and expert answers sort first", async () => {
    const t = await thread(author.client, brakes.id, { car_make: "Mazda" });
    const mazda = await expert("Mazda Expert", ["mazda"], mod.client);
    const plain = await respond(member.client, t.id, "Plain answer");
    const byExpert = await respond(mazda.client, t.id, "Expert answer");
    const later = await respond(member.client, t.id, "Accepted answer");

    expect(
      (await member.client.rpc("accept_response", { p_response_id: later.id })).error?.code,
    ).toBe("42501");
    ok(await author.client.rpc("accept_response", { p_response_id: later.id }));
    expect(await threadRow(t.id)).toMatchObject({ status: "resolved", accepted_count: 1 });
    expect(
      (await author.client.rpc("accept_response", { p_response_id: later.id })).error?.code,
    ).toBe("PT409");
    ok(await mod.client.rpc("accept_response", { p_response_id: byExpert.id }));
    expect((await threadRow(t.id)).accepted_count).toBe(2);

    const ordered = ok(
      await anonClient()
        .from("forum_responses")
        .select("body")
        .eq("thread_id", t.id)
        .order("is_accepted", { ascending: false })
        .order("is_expert", { ascending: false })
        .order("helpful_count", { ascending: false })
        .order("created_at"),
    );
    expect(ordered.map((r) => r.body)).toEqual([
      "Expert answer",
      "Accepted answer",
      "Plain answer",
    ]);
    expect(plain).toBeDefined();

    const [metrics] = await sql(
      "select accepted_answers from public.forum_experts where user_id = $1",
      [mazda.user.id],
    );
    expect(metrics).toEqual({ accepted_answers: 1 });
    ok(
      await author.client.rpc("accept_response", { p_response_id: byExpert.id, p_accepted: false }),
    );
    const [withdrawn] = await sql(
      "select accepted_answers from public.forum_experts where user_id = $1",
      [mazda.user.id],
    );
    expect(withdrawn).toEqual({ accepted_answers: 0 });

    const accepted = await notificationsOf(member.user.id, "forum_answer_accepted");
    expect(accepted.map((n) => n.data.response_id)).toContain(later.id);
  });
});

describe("expert verification", () => {
  it("a member applies; a moderator rejects with a reason or approves; the applicant is told each time", async () => {
    const applicant = await signedInPerson("Expert Applicant");
    const application = ok(
      await applicant.client
        .rpc("apply_for_expert_verification", {
          p_expertise_areas: [" BMW ", "bmw", "Electrical"],
          p_years_of_experience: 8,
          p_statement: "Master technician.",
          p_document_paths: [`${applicant.user.id}/certificate.pdf`],
        })
        .single<{ id: string; status: string; expertise_areas: string[] }>(),
    );
    expect(application.status).toBe("pending");
    expect(application.expertise_areas.sort()).toEqual(["bmw", "electrical"]);

    expect(
      (
        await member.client.rpc("decide_expert_verification", {
          p_verification_id: application.id,
          p_approve: true,
        })
      ).error?.code,
    ).toBe("42501");
    const noReason = await mod.client.rpc("decide_expert_verification", {
      p_verification_id: application.id,
      p_approve: false,
    });
    expect(noReason.error?.code).toBe("22023");
    ok(
      await mod.client.rpc("decide_expert_verification", {
        p_verification_id: application.id,
        p_approve: false,
        p_reason: "Please attach your certification.",
      }),
    );
    expect(
      ok(
        await anonClient().from("forum_experts").select("user_id").eq("user_id", applicant.user.id),
      ),
    ).toEqual([]);

    ok(
      await applicant.client.rpc("apply_for_expert_verification", {
        p_expertise_areas: ["bmw"],
        p_years_of_experience: 8,
      }),
    );
    ok(
      await mod.client.rpc("decide_expert_verification", {
        p_verification_id: application.id,
        p_approve: true,
      }),
    );
    const listed = ok(
      await anonClient()
        .from("forum_experts")
        .select("expertise_areas, helpful_votes_received, accepted_answers")
        .eq("user_id", applicant.user.id),
    );
    expect(listed).toEqual([
      { expertise_areas: ["bmw"], helpful_votes_received: 0, accepted_answers: 0 },
    ]);
    expect(
      (
        await applicant.client.rpc("apply_for_expert_verification", {
          p_expertise_areas: ["bmw"],
          p_years_of_experience: 9,
        })
      ).error?.code,
    ).toBe("PT409");

    const told = await notificationsOf(applicant.user.id, "verification_status");
    expect(told.map((n) => [n.data.status, n.body])).toEqual([
      ["rejected", "Please attach your certification."],
      ["approved", null],
    ]);
    // Others see neither the application nor the documents.
    expect(
      ok(await member.client.from("expert_verifications").select("id").eq("id", application.id)),
    ).toEqual([]);
  });
});

describe("votes", () => {
  it("one per member, changeable, never on one's own; counts and the expert's metric follow", async () => {
    const t = await thread(author.client, brakes.id, { car_make: "Subaru" });
    const subaru = await expert("Subaru Expert", ["subaru"], mod.client);
    const r = await respond(subaru.client, t.id);
    const vote = (client: SignedInPerson["client"], helpful: boolean) =>
      client.from("forum_response_votes").insert({ response_id: r.id, is_helpful: helpful });

    ok(await vote(member.client, true));
    const twice = await vote(member.client, false);
    expect({ status: twice.status, code: twice.error?.code }).toEqual({
      status: 409,
      code: "PT409",
    });
    const self = await vote(subaru.client, true);
    expect({ status: self.status, code: self.error?.code }).toEqual({ status: 403, code: "42501" });
    ok(await vote(author.client, true));
    const counts = async () =>
      (
        await sql(
          "select helpful_count, unhelpful_count from public.forum_responses where id = $1",
          [r.id],
        )
      )[0];
    const received = async () =>
      (
        await sql("select helpful_votes_received from public.forum_experts where user_id = $1", [
          subaru.user.id,
        ])
      )[0]!.helpful_votes_received;
    expect(await counts()).toEqual({ helpful_count: 2, unhelpful_count: 0 });
    expect(await received()).toBe(2);

    ok(
      await member.client
        .from("forum_response_votes")
        .update({ is_helpful: false })
        .eq("response_id", r.id),
    );
    expect(await counts()).toEqual({ helpful_count: 1, unhelpful_count: 1 });
    ok(await author.client.from("forum_response_votes").delete().eq("response_id", r.id));
    expect(await counts()).toEqual({ helpful_count: 0, unhelpful_count: 1 });
    expect(await received()).toBe(0);

    // Deleting a response takes its votes out of the expert's metric, once.
    ok(
      await member.client
        .from("forum_response_votes")
        .update({ is_helpful: true })
        .eq("response_id", r.id),
    );
    ok(await vote(mod.client, true));
    expect(await received()).toBe(2);
    ok(await subaru.client.from("forum_responses").delete().eq("id", r.id));
    expect(await received()).toBe(0);
  });

  it("counts stay exact under 100 concurrent votes and changes", async () => {
    const t = await thread(author.client, brakes.id);
    const r = await respond(author.client, t.id);
    const voters = await Promise.all(
      Array.from({ length: 100 }, (_, i) => db().createUser({ full_name: `Voter ${i}` })),
    );
    const database = new Db(stack().dbUrl, 32);
    try {
      await Promise.all(
        voters.map((voter, i) =>
          database.query(
            voter.claims,
            "insert into public.forum_response_votes (response_id, is_helpful) values ($1, $2)",
            [r.id, i % 4 !== 0],
          ),
        ),
      );
      let counts = (
        await sql(
          "select helpful_count, unhelpful_count from public.forum_responses where id = $1",
          [r.id],
        )
      )[0];
      expect(counts).toEqual({ helpful_count: 75, unhelpful_count: 25 });
      // Half of them change their mind, a tenth withdraw, all at once.
      await Promise.all(
        voters.map((voter, i) =>
          i % 10 === 9
            ? database.query(
                voter.claims,
                "delete from public.forum_response_votes where response_id = $1",
                [r.id],
              )
            : i % 2 === 0
              ? database.query(
                  voter.claims,
                  "update public.forum_response_votes set is_helpful = not is_helpful where response_id = $1",
                  [r.id],
                )
              : Promise.resolve(),
        ),
      );
      const [truth] = await sql(
        "select count(*) filter (where is_helpful)::int as helpful_count, count(*) filter (where not is_helpful)::int as unhelpful_count from public.forum_response_votes where response_id = $1",
        [r.id],
      );
      counts = (
        await sql(
          "select helpful_count, unhelpful_count from public.forum_responses where id = $1",
          [r.id],
        )
      )[0];
      expect(counts).toEqual(truth);
      expect(truth!.helpful_count + truth!.unhelpful_count).toBe(90);
    } finally {
      await database.end();
    }
  });
});

describe("follows and notifications", () => {
  it("forum_reply reaches the author and followers (not the responder); an expert's answer reaches the author as expert_response", async () => {
    const t = await thread(author.client, brakes.id, { car_make: "Nissan" });
    const follower = await signedInPerson("Thread Follower");
    ok(await follower.client.from("forum_thread_follows").insert({ thread_id: t.id }));
    const following = ok(await follower.client.from("forum_thread_follows").select("thread_id"));
    expect(following.map((f) => f.thread_id)).toEqual([t.id]);

    await respond(member.client, t.id, "First reply");
    const replies = async (userId: string) =>
      (await notificationsOf(userId, "forum_reply")).filter((n) => n.data.thread_id === t.id);
    expect(await replies(author.user.id)).toHaveLength(1);
    expect(await replies(follower.user.id)).toHaveLength(1);
    expect(await replies(member.user.id)).toHaveLength(0);

    // The responder now follows too; the follower unfollows.
    ok(await follower.client.from("forum_thread_follows").delete().eq("thread_id", t.id));
    const nissan = await expert("Nissan Expert", ["nissan"], mod.client);
    await respond(nissan.client, t.id, "Expert reply");
    expect(await replies(follower.user.id)).toHaveLength(1);
    expect(await replies(member.user.id)).toHaveLength(1);
    expect(await replies(author.user.id)).toHaveLength(1);
    const expertAnswers = (await notificationsOf(author.user.id, "expert_response")).filter(
      (n) => n.data.thread_id === t.id,
    );
    expect(expertAnswers).toHaveLength(1);
    expect(expertAnswers[0]!.body).toBe("Expert reply");
  });
});
