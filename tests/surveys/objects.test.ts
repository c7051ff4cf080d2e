// Responses about an event's sessions and about one's own registration (sql/0045_survey_objects
// .sql): who may answer about each, the title piped for each, the session feedback offer once the
// session has ended, and analytics and the export filtered by the object (an event's taking in
// its sessions' and registrations').

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import { buildSurvey, event, organization, person, type Person } from "./helpers.ts";

let db: Db;
let org: Awaited<ReturnType<typeof organization>>;
let eventId: string;
let sessionId: string;
let registrant: Person;
let registrationId: string;
let otherRegistrant: Person;
let otherRegistrationId: string;

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  org = await organization(db);
  eventId = await event(db, org.id, true);
  sessionId = randomUUID();
  await db.sql(
    `insert into public.event_sessions (id, event_id, title, starts_at, ends_at)
     values ($1, $2, 'Braking Clinic', now() - interval '2 days', now() - interval '2 days' + interval '1 hour')`,
    [sessionId, eventId],
  );
  [registrant, otherRegistrant] = await Promise.all([
    person(db, "Registrant"),
    person(db, "Other registrant"),
  ]);
  const rows = await db.sql<{ id: string; user_id: string }>(
    `insert into public.event_registrations (event_id, user_id, status, confirmed_at, attended_at)
     values ($1, $2, 'confirmed', now() - interval '3 days', now() - interval '2 days'),
            ($1, $3, 'confirmed', now() - interval '3 days', null)
     returning id, user_id`,
    [eventId, registrant.id, otherRegistrant.id],
  );
  registrationId = rows.find((r) => r.user_id === registrant.id)!.id;
  otherRegistrationId = rows.find((r) => r.user_id === otherRegistrant.id)!.id;
});

afterAll(async () => {
  await db?.end();
});

const questions = [{ key: "stars", type: "rating", text: "Rate {{object.title}}", required: true }];

describe("responses about an event session", () => {
  it("are taken from the event's registrants once the survey is attached to the session", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Session feedback",
      allow_multiple_responses: true,
      questions,
    });
    const about = { p_survey_id: id, p_object_kind: "event_session", p_object_id: sessionId };
    const unattached = await registrant.client.rpc("submit_survey_response", {
      ...about,
      p_answers: { stars: 4 },
    });
    expect([unattached.status, unattached.error?.code]).toEqual([404, "PT404"]);
    // A member who manages neither the survey nor the event cannot attach it.
    const byMember = await org.member.client
      .from("survey_links")
      .insert({ survey_id: id, object_kind: "event_session", object_id: sessionId });
    expect(byMember.error?.code).toBe("42501");
    ok(
      await org.staff.client
        .from("survey_links")
        .insert({ survey_id: id, object_kind: "event_session", object_id: sessionId }),
    );
    const form = ok(await registrant.client.rpc("survey_form", about)) as {
      questions: { text: string }[];
    };
    expect(form.questions[0]!.text).toBe("Rate Braking Clinic");
    const response = ok(
      await registrant.client.rpc("submit_survey_response", { ...about, p_answers: { stars: 4 } }),
    ) as { object_kind: string; object_id: string };
    expect(response).toMatchObject({ object_kind: "event_session", object_id: sessionId });
    const stranger = await org.member.client.rpc("submit_survey_response", {
      ...about,
      p_answers: { stars: 1 },
    });
    expect([stranger.status, stranger.error?.code]).toEqual([403, "42501"]);
  });

  it("are offered as feedback to the event's attendees once the session has ended, once each", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Clinic feedback",
      questions,
    });
    ok(
      await org.staff.client.from("survey_links").insert({
        survey_id: id,
        object_kind: "event_session",
        object_id: sessionId,
        is_feedback: true,
      }),
    );
    await db.sql("select private.offer_session_feedback_surveys()");
    await db.sql("select private.offer_session_feedback_surveys()");
    const offers = (userId: string) =>
      db.sql<{ title: string }>(
        "select title from public.notifications where user_id = $1 and type = 'survey_invitation' and subject_id = $2",
        [userId, id],
      );
    expect(await offers(registrant.id)).toEqual([
      { title: "How was Braking Clinic? Please answer: Clinic feedback" },
    ]);
    // Registered but never checked in: no offer.
    expect(await offers(otherRegistrant.id)).toEqual([]);
  });
});

describe("responses about a registration", () => {
  it("answer the event's survey about one's own registration only", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Registration survey",
      questions,
    });
    ok(
      await org.staff.client
        .from("survey_links")
        .insert({ survey_id: id, object_kind: "event", object_id: eventId }),
    );
    const about = (registration: string) => ({
      p_survey_id: id,
      p_object_kind: "event_registration",
      p_object_id: registration,
    });
    const form = ok(await registrant.client.rpc("survey_form", about(registrationId))) as {
      questions: { text: string }[];
    };
    expect(form.questions[0]!.text).toBe("Rate Spring Track Day");
    const someoneElses = await registrant.client.rpc("submit_survey_response", {
      ...about(otherRegistrationId),
      p_answers: { stars: 2 },
    });
    expect([someoneElses.status, someoneElses.error?.code]).toEqual([403, "42501"]);
    ok(
      await registrant.client.rpc("submit_survey_response", {
        ...about(registrationId),
        p_answers: { stars: 5 },
      }),
    );
    ok(
      await otherRegistrant.client.rpc("submit_survey_response", {
        ...about(otherRegistrationId),
        p_answers: { stars: 3 },
      }),
    );
    // One response per person per registration, and the analytics filter by it.
    const again = await registrant.client.rpc("submit_survey_response", {
      ...about(registrationId),
      p_answers: { stars: 1 },
    });
    expect([again.status, again.error?.code]).toEqual([409, "PT409"]);
    const [summary] = ok(
      await org.staff.client.rpc("survey_question_summaries", about(registrationId)),
    ) as { question_key: string; responses: number; summary: { average: number } }[];
    expect(summary).toMatchObject({ question_key: "stars", responses: 1, summary: { average: 5 } });
  });

  it("are counted in the event's results and export, beside its sessions'", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Whole event",
      allow_multiple_responses: true,
      questions,
    });
    ok(
      await org.staff.client.from("survey_links").insert([
        { survey_id: id, object_kind: "event", object_id: eventId },
        { survey_id: id, object_kind: "event_session", object_id: sessionId },
      ]),
    );
    const answer = async (kind: string, objectId: string, stars: number) =>
      ok(
        await registrant.client.rpc("submit_survey_response", {
          p_survey_id: id,
          p_object_kind: kind,
          p_object_id: objectId,
          p_answers: { stars },
        }),
      );
    await answer("event", eventId, 5);
    await answer("event_session", sessionId, 3);
    await answer("event_registration", registrationId, 1);
    // A response about another event of the organization stays out of this event's results.
    const otherEventId = await event(db, org.id, true);
    ok(
      await org.staff.client
        .from("survey_links")
        .insert({ survey_id: id, object_kind: "event", object_id: otherEventId }),
    );
    await db.sql(
      `insert into public.event_registrations (event_id, user_id, status, confirmed_at)
       values ($1, $2, 'confirmed', now())`,
      [otherEventId, registrant.id],
    );
    await answer("event", otherEventId, 4);

    const responses = async (filter: Record<string, string>) =>
      (
        ok(
          await org.staff.client.rpc("survey_question_summaries", { p_survey_id: id, ...filter }),
        ) as { responses: number }[]
      )[0]!.responses;
    expect(await responses({ p_object_kind: "event", p_object_id: eventId })).toBe(3);
    expect(await responses({ p_object_kind: "event" })).toBe(4);
    expect(await responses({ p_object_kind: "event_session", p_object_id: sessionId })).toBe(1);
    expect(
      await responses({ p_object_kind: "event_registration", p_object_id: registrationId }),
    ).toBe(1);
    expect(await responses({})).toBe(4);

    const exported = JSON.parse(
      ok(
        await org.staff.client.rpc("export_survey_responses", {
          p_survey_id: id,
          p_format: "json",
          p_object_kind: "event",
          p_object_id: eventId,
        }),
      ) as string,
    ) as { object_kind: string; stars: number }[];
    expect(exported.map((row) => [row.object_kind, row.stars])).toEqual([
      ["event", 5],
      ["event_session", 3],
      ["event_registration", 1],
    ]);
    const csv = ok(
      await org.staff.client.rpc("export_survey_responses", {
        p_survey_id: id,
        p_object_kind: "event_session",
        p_object_id: sessionId,
      }),
    ) as string;
    expect(csv.trimEnd().split("\r\n")).toHaveLength(2);

    for (const filter of [{ p_object_kind: "listing" }, { p_object_id: eventId }]) {
      for (const rpc of ["survey_question_summaries", "export_survey_responses"]) {
        const bad = await org.staff.client.rpc(rpc, { p_survey_id: id, ...filter });
        expect([bad.status, bad.error?.code]).toEqual([400, "22023"]);
      }
    }
  });

  it("refuses objects surveys are not answered about", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      questions,
    });
    const listing = await registrant.client.rpc("submit_survey_response", {
      p_survey_id: id,
      p_object_kind: "listing",
      p_object_id: randomUUID(),
      p_answers: { stars: 5 },
    });
    expect([listing.status, listing.error?.code]).toEqual([400, "22023"]);
    // A registration has no link of its own: its event's link serves.
    const registrationLink = await org.staff.client
      .from("survey_links")
      .insert({ survey_id: id, object_kind: "event_registration", object_id: registrationId });
    expect([registrationLink.status, registrationLink.error?.code]).toEqual([403, "42501"]);
  });
});
