// Surveys (sql/0039_surveys.sql) through supabase-js as the apps use them: the builder (design
// checks at opening, the freeze of an opened survey's questions), branching three levels deep
// and answer piping, validation of every question type, one response per person, closed and
// not-yet-open surveys, anonymous surveys, save and resume, responses attached to an event, the
// feedback offer after an event, invitations and reminders, analytics on known answers, and the
// CSV and JSON exports parsed back.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import {
  buildSurvey,
  event,
  organization,
  person,
  type Person,
  type QuestionSpec,
} from "./helpers.ts";

let db: Db;
let org: Awaited<ReturnType<typeof organization>>;
let outsider: Person;

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  org = await organization(db);
  outsider = await person(db, "Survey outsider");
});

afterAll(async () => {
  await db?.end();
});

const responseCount = async (surveyId: string) =>
  (
    await db.sql<{ response_count: number }>(
      "select response_count from public.surveys where id = $1",
      [surveyId],
    )
  )[0]!.response_count;

describe("the survey builder", () => {
  it("keeps drafts to the organization's staff and opens only a sound design", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Draft survey",
      open: false,
      questions: [
        {
          key: "later",
          type: "short_text",
          text: "Later",
          show_if: { question: "after", equals: "x" },
        },
        { key: "after", type: "short_text", text: "After" },
      ],
    });
    for (const client of [anonClient(), outsider.client, org.member.client]) {
      const { data } = await client.from("surveys").select("id").eq("id", id);
      expect(data).toEqual([]);
    }
    // A plain member may not build surveys for the organization.
    const refused = await org.member.client
      .from("surveys")
      .insert({ organization_id: org.id, title: "Not mine" });
    expect(refused.error?.code).toBe("42501");

    // A condition on a later question stops it from opening.
    const bad = await org.staff.client.from("surveys").update({ status: "open" }).eq("id", id);
    expect(bad.status).toBe(400);
    expect(bad.error?.message).toContain('question "later"');
    expect(bad.error?.message).toContain("not an earlier question");

    ok(
      await org.staff.client
        .from("survey_questions")
        .update({ position: 5 })
        .eq("survey_id", id)
        .eq("key", "later"),
    );
    ok(await org.staff.client.from("surveys").update({ status: "open" }).eq("id", id));
    const { data } = await anonClient().from("surveys").select("id, status").eq("id", id);
    expect(data).toEqual([{ id, status: "open" }]);
  });

  it("lets an opened survey be reworded but not restructured", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      questions: [
        { key: "pick", type: "single_choice", text: "Pick", options: { a: "A", b: "B" } },
      ],
    });
    const reworded = await org.staff.client
      .from("survey_questions")
      .update({ text: "Pick one, please" })
      .eq("survey_id", id)
      .eq("key", "pick")
      .select("text");
    expect(ok(reworded)).toEqual([{ text: "Pick one, please" }]);
    const relabelled = await org.staff.client
      .from("survey_question_options")
      .update({ label: "Option A" })
      .eq("survey_id", id)
      .eq("value", "a")
      .select("label");
    expect(ok(relabelled)).toEqual([{ label: "Option A" }]);

    const retyped = await org.staff.client
      .from("survey_questions")
      .update({ question_type: "multiple_choice" })
      .eq("survey_id", id);
    expect([retyped.status, retyped.error?.code]).toEqual([409, "PT409"]);
    const [question] = await db.sql<{ id: string }>(
      "select id from public.survey_questions where survey_id = $1",
      [id],
    );
    const added = await org.staff.client
      .from("survey_question_options")
      .insert({ question_id: question!.id, value: "c", label: "C" });
    expect(added.status).toBe(409);
    const removed = await org.staff.client
      .from("survey_question_options")
      .delete()
      .eq("survey_id", id)
      .eq("value", "b");
    expect(removed.status).toBe(409);
    const another = await org.staff.client
      .from("survey_questions")
      .insert({ survey_id: id, key: "extra", question_type: "short_text", text: "Extra" });
    expect(another.status).toBe(409);
    expect(
      await db.sql(
        "select value from public.survey_question_options where survey_id = $1 order by 1",
        [id],
      ),
    ).toEqual([{ value: "a" }, { value: "b" }]);
    // Opened surveys cannot go back to draft or be deleted.
    const back = await org.staff.client.from("surveys").update({ status: "draft" }).eq("id", id);
    expect(back.status).toBe(409);
  });
});

describe("branching and piping", () => {
  // Three levels: went → (yes) which day → (day2) rating of that day → (rating ≥ 4) a section
  // asking what made it good, whose question pipes the day and the person's name.
  const questions: QuestionSpec[] = [
    { key: "went", type: "yes_no", text: "Did you go to the track day?", required: true },
    {
      key: "day",
      type: "single_choice",
      text: "Which day did you drive?",
      required: true,
      options: { day1: "Saturday", day2: "Sunday" },
      show_if: { question: "went", equals: true },
    },
    {
      key: "sunday",
      type: "rating",
      text: "{{person.name}}, how was {{answer:day}} at {{object.title}}?",
      required: true,
      show_if: { question: "day", equals: "day2" },
    },
    {
      key: "why",
      type: "long_text",
      text: "What made {{answer:day}} a {{answer:sunday}}?",
      required: true,
      section: 0,
    },
  ];
  let surveyId: string;
  let eventId: string;
  let attendee: Person;

  beforeAll(async () => {
    eventId = await event(db, org.id);
    surveyId = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      sections: [{ title: "Your best moments", show_if: { question: "sunday", gte: 4 } }],
      questions,
    });
    ok(
      await org.staff.client
        .from("survey_links")
        .insert({ survey_id: surveyId, object_kind: "event", object_id: eventId }),
    );
    attendee = await person(db, "Rina Driver");
    await db.sql(
      "insert into public.event_registrations (event_id, user_id, status, confirmed_at) values ($1, $2, 'confirmed', now())",
      [eventId, attendee.id],
    );
  });

  const submit = (answers: Record<string, unknown>) =>
    attendee.client.rpc("submit_survey_response", {
      p_survey_id: surveyId,
      p_answers: answers,
      p_object_kind: "event",
      p_object_id: eventId,
    });

  it("pipes earlier answers, the person's name and the event's title into later questions", async () => {
    const form = ok(
      await attendee.client.rpc("survey_form", {
        p_survey_id: surveyId,
        p_object_kind: "event",
        p_object_id: eventId,
        p_answers: { went: true, day: "day2", sunday: 5 },
      }),
    ) as { questions: { key: string; text: string; visible: boolean }[] };
    expect(form.questions.map((q) => [q.key, q.text, q.visible])).toEqual([
      ["went", "Did you go to the track day?", true],
      ["day", "Which day did you drive?", true],
      ["sunday", "Rina Driver, how was Sunday at Spring Track Day?", true],
      ["why", "What made Sunday a 5?", true],
    ]);
    const skipped = ok(
      await attendee.client.rpc("survey_form", {
        p_survey_id: surveyId,
        p_answers: { went: true, day: "day1" },
      }),
    ) as { questions: { key: string; visible: boolean }[] };
    expect(skipped.questions.map((q) => q.visible)).toEqual([true, true, false, false]);
  });

  it("refuses answers to skipped questions and missing answers to shown ones, naming them", async () => {
    const skippedAnswered = await submit({ went: false, day: "day1" });
    expect([skippedAnswered.status, skippedAnswered.error?.code]).toEqual([400, "22023"]);
    expect(skippedAnswered.error?.message).toContain("Which day did you drive?");
    expect(skippedAnswered.error?.details).toBe("question: day");

    const levelThree = await submit({ went: true, day: "day1", sunday: 4 });
    expect(levelThree.error?.details).toBe("question: sunday");

    const sectionMissing = await submit({ went: true, day: "day2", sunday: 4 });
    expect(sectionMissing.status).toBe(400);
    expect(sectionMissing.error?.message).toContain("needs an answer");
    expect(sectionMissing.error?.details).toBe("question: why");

    const sectionSkipped = await submit({ went: true, day: "day2", sunday: 2, why: "rain" });
    expect(sectionSkipped.error?.details).toBe("question: why");
    expect(await responseCount(surveyId)).toBe(0);
  });

  it("stores a response that follows the branches, attached to the event", async () => {
    const response = ok(await submit({ went: true, day: "day2", sunday: 5, why: "Dry track" }));
    expect(response).toMatchObject({
      survey_id: surveyId,
      respondent_id: attendee.id,
      object_kind: "event",
      object_id: eventId,
      answers: { went: true, day: "day2", sunday: 5, why: "Dry track" },
    });
    const short = await submit({ went: false });
    expect([short.status, short.error?.code]).toEqual([409, "PT409"]);
    expect(short.error?.message).toContain("already answered");
    expect(await responseCount(surveyId)).toBe(1);
  });

  it("takes responses about the event only from its registrants", async () => {
    const stranger = await outsider.client.rpc("submit_survey_response", {
      p_survey_id: surveyId,
      p_answers: { went: false },
      p_object_kind: "event",
      p_object_id: eventId,
    });
    expect([stranger.status, stranger.error?.code]).toEqual([403, "42501"]);
    const otherEvent = await attendee.client.rpc("submit_survey_response", {
      p_survey_id: surveyId,
      p_answers: { went: false },
      p_object_kind: "event",
      p_object_id: randomUUID(),
    });
    expect(otherEvent.status).toBe(404);
  });
});

describe("validation of each question type", () => {
  let surveyId: string;
  let respondent: Person;
  const valid = {
    name: "Rina",
    story: "A long story about a great day at the circuit.",
    plate: "B 1234 XY",
    colour: "red",
    extras: ["cap", { other: "stickers" }],
    model: "yaris",
    stars: 4,
    nps: 9,
    laps: 12,
    born: "1990-05-01",
    again: true,
    grid: { food: "good", parking: "poor" },
  };

  beforeAll(async () => {
    respondent = await person(db, "Validator");
    surveyId = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Every type",
      questions: [
        {
          key: "name",
          type: "short_text",
          text: "Your name",
          required: true,
          rules: { max_length: 10 },
        },
        { key: "story", type: "long_text", text: "Your story", rules: { min_length: 20 } },
        {
          key: "plate",
          type: "short_text",
          text: "Your plate",
          rules: { pattern: "^[A-Z]{1,2} [0-9]{1,4} [A-Z]{1,3}$" },
        },
        {
          key: "colour",
          type: "single_choice",
          text: "Colour",
          options: { red: "Red", blue: "Blue" },
        },
        {
          key: "extras",
          type: "multiple_choice",
          text: "Extras",
          allow_other: true,
          rules: { max_choices: 2 },
          options: { cap: "Cap", shirt: "Shirt" },
        },
        {
          key: "model",
          type: "dropdown",
          text: "Model",
          options: { yaris: "Yaris", supra: "Supra" },
        },
        { key: "stars", type: "rating", text: "Stars", rules: { min: 1, max: 5 } },
        { key: "nps", type: "nps", text: "Recommend us?" },
        { key: "laps", type: "number", text: "Laps", rules: { min: 0, max: 50, integer: true } },
        {
          key: "born",
          type: "date",
          text: "Born",
          rules: { min: "1900-01-01", max: "2020-12-31" },
        },
        { key: "again", type: "yes_no", text: "Again?" },
        {
          key: "grid",
          type: "matrix",
          text: "Rate the venue",
          required: true,
          options: { good: "Good", poor: "Poor" },
          rows: { food: "Food", parking: "Parking" },
        },
      ],
    });
  }, 60_000);

  const bad: [string, unknown, string][] = [
    ["name", "A name far too long", "at most 10 characters"],
    ["name", 42, "the answer is text"],
    ["story", "short", "at least 20 characters"],
    ["plate", "not a plate", "expected format"],
    ["colour", "green", "not one of the options"],
    ["colour", { other: "green" }, 'no "other" answer'],
    ["extras", ["cap", "cap"], "chosen twice"],
    ["extras", ["cap", "shirt", { other: "x" }], "at most 2"],
    ["extras", [], "one or more"],
    ["extras", [{ other: "" }], "needs some text"],
    ["model", "corolla", "not one of the options"],
    ["stars", 6, "from 1 to 5"],
    ["stars", 3.5, "whole number"],
    ["stars", "4", "is a number"],
    ["nps", 11, "from 0 to 10"],
    ["nps", -1, "from 0 to 10"],
    ["laps", 51, "from 0 to 50"],
    ["laps", 2.5, "whole number"],
    ["born", "2021-01-01", "date from 1900-01-01 to 2020-12-31"],
    ["born", "2020-02-30", "not a real date"],
    ["born", "01/05/1990", "YYYY-MM-DD"],
    ["again", "yes", "true"],
    ["grid", { food: "good" }, "every row needs an answer"],
    ["grid", { food: "good", parking: "poor", toilets: "good" }, "no row toilets"],
    ["grid", { food: "great", parking: "poor" }, "not one of the columns"],
  ];

  it.each(bad)("%s = %j is refused (%s)", async (key, value, message) => {
    const response = await respondent.client.rpc("submit_survey_response", {
      p_survey_id: surveyId,
      p_answers: { ...valid, [key]: value },
    });
    expect([response.status, response.error?.code]).toEqual([400, "22023"]);
    expect(response.error?.message).toContain(message);
    expect(response.error?.details).toBe(`question: ${key}`);
  });

  it("refuses unknown questions and a missing required answer, and wrote nothing", async () => {
    const unknown = await respondent.client.rpc("submit_survey_response", {
      p_survey_id: surveyId,
      p_answers: { ...valid, mystery: 1 },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.error?.message).toContain("no question mystery");
    const { name: _name, ...withoutName } = valid;
    const missing = await respondent.client.rpc("submit_survey_response", {
      p_survey_id: surveyId,
      p_answers: withoutName,
    });
    expect(missing.error?.message).toBe('"Your name" needs an answer');
    expect(await responseCount(surveyId)).toBe(0);
    expect(
      await db.sql(
        "select 1 from public.survey_participants where survey_id = $1 and submitted_count > 0",
        [surveyId],
      ),
    ).toEqual([]);
  });

  it("accepts a response with a valid answer of every type", async () => {
    const response = ok(
      await respondent.client.rpc("submit_survey_response", {
        p_survey_id: surveyId,
        p_answers: { ...valid, story: null },
      }),
    );
    const { story: _story, ...stored } = valid;
    expect(response.answers).toEqual(stored);
    expect(await responseCount(surveyId)).toBe(1);
  });
});

describe("responding", () => {
  const oneQuestion: QuestionSpec[] = [
    { key: "mood", type: "rating", text: "Mood", required: true },
    { key: "note", type: "short_text", text: "Anything else?" },
  ];

  it("refuses closed and not-yet-open surveys, and sign-in is needed", async () => {
    const respondent = await person(db, "Late");
    const closed = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      questions: oneQuestion,
    });
    ok(await org.staff.client.from("surveys").update({ status: "closed" }).eq("id", closed));
    const past = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      closes_at: new Date(Date.now() + 1000).toISOString(),
      questions: oneQuestion,
    });
    await db.sql(
      "update public.surveys set closes_at = now() - interval '1 minute' where id = $1",
      [past],
    );
    const future = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      opens_at: new Date(Date.now() + 864e5).toISOString(),
      questions: oneQuestion,
    });
    for (const [id, message] of [
      [closed, "closed"],
      [past, "closed"],
      [future, "not open yet"],
    ] as const) {
      const response = await respondent.client.rpc("submit_survey_response", {
        p_survey_id: id,
        p_answers: { mood: 3 },
      });
      expect([response.status, response.error?.message]).toEqual([
        409,
        `this survey is ${message}`,
      ]);
      expect(await responseCount(id)).toBe(0);
    }
    const anonymous = await anonClient().rpc("submit_survey_response", {
      p_survey_id: closed,
      p_answers: { mood: 3 },
    });
    expect(anonymous.status).toBe(401);
  });

  it("stores no person in an anonymous survey, yet takes one response per person", async () => {
    const respondent = await person(db, "Anonymous");
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      is_anonymous: true,
      questions: oneQuestion,
    });
    const response = ok(
      await respondent.client.rpc("submit_survey_response", {
        p_survey_id: id,
        p_answers: { mood: 2 },
      }),
    );
    expect(response.respondent_id).toBeNull();
    expect(
      await db.sql("select respondent_id from public.survey_responses where survey_id = $1", [id]),
    ).toEqual([{ respondent_id: null }]);
    const again = await respondent.client.rpc("submit_survey_response", {
      p_survey_id: id,
      p_answers: { mood: 2 },
    });
    expect(again.status).toBe(409);
    // The respondent cannot find their anonymous response either.
    const { data } = await respondent.client
      .from("survey_responses")
      .select("id")
      .eq("survey_id", id);
    expect(data).toEqual([]);
  });

  it("takes many responses from one person when the survey allows it", async () => {
    const respondent = await person(db, "Repeat");
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      allow_multiple_responses: true,
      questions: oneQuestion,
    });
    for (const mood of [1, 2, 3])
      ok(
        await respondent.client.rpc("submit_survey_response", {
          p_survey_id: id,
          p_answers: { mood },
        }),
      );
    expect(await responseCount(id)).toBe(3);
    const { data } = await respondent.client
      .from("survey_responses")
      .select("answers")
      .eq("survey_id", id);
    expect(data).toHaveLength(3);
  });

  it("saves partial answers, resumes them and removes the draft on submit", async () => {
    const respondent = await person(db, "Resumer");
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      questions: oneQuestion,
    });
    // Required answers wait for the submit; types do not.
    ok(
      await respondent.client.rpc("save_survey_progress", {
        p_survey_id: id,
        p_answers: { note: "half" },
      }),
    );
    const wrongType = await respondent.client.rpc("save_survey_progress", {
      p_survey_id: id,
      p_answers: { mood: "high" },
    });
    expect(wrongType.status).toBe(400);
    const { data: draft } = await respondent.client
      .from("survey_drafts")
      .select("answers")
      .eq("survey_id", id);
    expect(draft).toEqual([{ answers: { note: "half" } }]);
    const { data: others } = await outsider.client
      .from("survey_drafts")
      .select("answers")
      .eq("survey_id", id);
    expect(others).toEqual([]);
    const form = ok(await respondent.client.rpc("survey_form", { p_survey_id: id })) as {
      answers: Record<string, unknown>;
    };
    expect(form.answers).toEqual({ note: "half" });

    ok(
      await respondent.client.rpc("submit_survey_response", {
        p_survey_id: id,
        p_answers: { ...form.answers, mood: 4 },
      }),
    );
    const { data: after } = await respondent.client
      .from("survey_drafts")
      .select("id")
      .eq("survey_id", id);
    expect(after).toEqual([]);
  });

  it("takes a file answer uploaded by the respondent to survey-uploads", async () => {
    const respondent = await person(db, "Uploader");
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      questions: [{ key: "receipt", type: "file_upload", text: "Your receipt", required: true }],
    });
    const path = `${id}/${respondent.id}/receipt.txt`;
    ok(
      await respondent.client.storage
        .from("survey-uploads")
        .upload(path, new Blob(["paid"], { type: "text/plain" }), { contentType: "text/plain" }),
    );
    const elsewhere = await outsider.client.storage
      .from("survey-uploads")
      .upload(`${id}/${respondent.id}/forged.txt`, new Blob(["x"], { type: "text/plain" }), {
        contentType: "text/plain",
      });
    expect(elsewhere.error).not.toBeNull();
    const notUploaded = await respondent.client.rpc("submit_survey_response", {
      p_survey_id: id,
      p_answers: { receipt: `${id}/${respondent.id}/missing.txt` },
    });
    expect(notUploaded.status).toBe(400);
    ok(
      await respondent.client.rpc("submit_survey_response", {
        p_survey_id: id,
        p_answers: { receipt: path },
      }),
    );
    // The survey's staff read the file; another member does not.
    const staffRead = await org.staff.client.storage.from("survey-uploads").download(path);
    expect(await staffRead.data?.text()).toBe("paid");
    const otherRead = await outsider.client.storage.from("survey-uploads").download(path);
    expect(otherRead.data).toBeNull();
  });
});

describe("invitations, reminders and feedback offers", () => {
  const notifications = async (userId: string, type: string) =>
    db.sql<{ title: string; data: Record<string, unknown> }>(
      "select title, data from public.notifications where user_id = $1 and type = $2 order by created_at",
      [userId, type],
    );

  it("invites the organization's members once, reminds those who have not answered, and only when due", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Members' poll",
      invited_only: true,
      questions: [{ key: "ok", type: "yes_no", text: "OK?", required: true }],
    });
    const notInvited = await outsider.client.rpc("submit_survey_response", {
      p_survey_id: id,
      p_answers: { ok: true },
    });
    expect(notInvited.status).toBe(403);

    expect(
      ok(
        await org.staff.client.rpc("invite_to_survey", {
          p_survey_id: id,
          p_organization_id: org.id,
        }),
      ),
    ).toBe(3);
    expect(
      ok(
        await org.staff.client.rpc("invite_to_survey", {
          p_survey_id: id,
          p_organization_id: org.id,
        }),
      ),
    ).toBe(0);
    expect(await notifications(org.member.id, "survey_invitation")).toEqual([
      expect.objectContaining({ title: "Please answer: Members' poll" }),
    ]);
    ok(
      await org.member.client.rpc("submit_survey_response", {
        p_survey_id: id,
        p_answers: { ok: true },
      }),
    );

    // Not yet due: invited just now.
    expect(ok(await org.staff.client.rpc("remind_survey_invitees", { p_survey_id: id }))).toBe(0);
    expect(
      ok(
        await org.staff.client.rpc("remind_survey_invitees", {
          p_survey_id: id,
          p_min_interval: "0 seconds",
        }),
      ),
    ).toBe(2);
    expect(await notifications(org.member.id, "survey_reminder")).toEqual([]);
    expect(await notifications(org.owner.id, "survey_reminder")).toHaveLength(1);
    expect(ok(await org.staff.client.rpc("remind_survey_invitees", { p_survey_id: id }))).toBe(0);

    const byMember = await org.member.client.rpc("invite_to_survey", {
      p_survey_id: id,
      p_user_ids: [outsider.id],
    });
    expect(byMember.status).toBe(403);
  });

  it("offers an event's feedback survey to its attendees once the event has ended, once each", async () => {
    const ended = await event(db, org.id, true);
    const attendee = await person(db, "Attendee");
    const absent = await person(db, "No show");
    await db.sql(
      `insert into public.event_registrations (event_id, user_id, status, confirmed_at, attended_at)
       values ($1, $2, 'confirmed', now() - interval '2 days', now() - interval '2 days'),
              ($1, $3, 'confirmed', now() - interval '3 days', null)`,
      [ended, attendee.id, absent.id],
    );
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Track day feedback",
      questions: [
        { key: "nps", type: "nps", text: "Would you recommend {{object.title}}?", required: true },
      ],
    });
    ok(
      await org.staff.client
        .from("survey_links")
        .insert({ survey_id: id, object_kind: "event", object_id: ended, is_feedback: true }),
    );
    await db.sql("select private.offer_feedback_surveys()");
    await db.sql("select private.offer_feedback_surveys()");
    expect(await notifications(attendee.id, "survey_invitation")).toEqual([
      expect.objectContaining({
        title: "How was Spring Track Day? Please answer: Track day feedback",
        data: expect.objectContaining({ survey_id: id, object_kind: "event", object_id: ended }),
      }),
    ]);
    expect(await notifications(absent.id, "survey_invitation")).toEqual([]);
    const form = ok(
      await attendee.client.rpc("survey_form", {
        p_survey_id: id,
        p_object_kind: "event",
        p_object_id: ended,
      }),
    ) as { questions: { text: string }[] };
    expect(form.questions[0]!.text).toBe("Would you recommend Spring Track Day?");
    ok(
      await attendee.client.rpc("submit_survey_response", {
        p_survey_id: id,
        p_answers: { nps: 10 },
        p_object_kind: "event",
        p_object_id: ended,
      }),
    );
  });
  it("offers a course's feedback survey to the people who completed it, once each", async () => {
    const course = randomUUID();
    await db.sql(
      "insert into public.courses (id, organization_id, slug, title, status) values ($1, $2, $3, 'Wiring Basics', 'published')",
      [course, org.id, `survey-course-${course.slice(0, 8)}`],
    );
    const graduate = await person(db, "Graduate");
    const learner = await person(db, "Still learning");
    await db.sql(
      `insert into public.course_enrollments (course_id, user_id, status, completed_at)
       values ($1, $2, 'completed', now()), ($1, $3, 'active', null)`,
      [course, graduate.id, learner.id],
    );
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Course feedback",
      questions: [{ key: "stars", type: "rating", text: "Rate {{object.title}}", required: true }],
    });
    ok(
      await org.staff.client
        .from("survey_links")
        .insert({ survey_id: id, object_kind: "course", object_id: course, is_feedback: true }),
    );
    await db.sql("select private.offer_feedback_surveys()");
    await db.sql("select private.offer_feedback_surveys()");
    expect(await notifications(graduate.id, "survey_invitation")).toEqual([
      expect.objectContaining({ title: "How was Wiring Basics? Please answer: Course feedback" }),
    ]);
    expect(await notifications(learner.id, "survey_invitation")).toEqual([]);
    ok(
      await graduate.client.rpc("submit_survey_response", {
        p_survey_id: id,
        p_answers: { stars: 5 },
        p_object_kind: "course",
        p_object_id: course,
      }),
    );
  });
});

describe("analytics and export", () => {
  let surveyId: string;
  let eventA: string;
  let eventB: string;
  const people: Person[] = [];
  // Six known responses: three about event A, three about event B.
  const answers = [
    {
      colour: "red",
      tags: ["fast", "loud"],
      score: 10,
      stars: 5,
      again: true,
      comment: 'Great, "really"',
    },
    { colour: "red", tags: ["fast"], score: 9, stars: 4, again: true, comment: "=SUM(A1)" },
    { colour: "blue", tags: [{ other: "cheap" }], score: 7, stars: 3, again: false },
    {
      colour: "blue",
      tags: ["loud"],
      score: 3,
      stars: 2,
      again: false,
      comment: "Too loud,\nsorry",
    },
    { colour: { other: "green" }, score: 6, stars: 1, again: false },
    {
      colour: "red",
      tags: ["fast", "loud"],
      score: 10,
      stars: 5,
      again: true,
      grid: { a: "y", b: "n" },
    },
  ];

  beforeAll(async () => {
    eventA = await event(db, org.id);
    eventB = await event(db, org.id);
    surveyId = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      allow_multiple_responses: true,
      questions: [
        {
          key: "colour",
          type: "single_choice",
          text: "Colour",
          allow_other: true,
          options: { red: "Red", blue: "Blue" },
        },
        {
          key: "tags",
          type: "multiple_choice",
          text: "Tags",
          allow_other: true,
          options: { fast: "Fast", loud: "Loud" },
        },
        { key: "score", type: "nps", text: "NPS" },
        { key: "stars", type: "rating", text: "Stars" },
        { key: "again", type: "yes_no", text: "Again?" },
        { key: "comment", type: "long_text", text: "Comment" },
        {
          key: "grid",
          type: "matrix",
          text: "Grid",
          options: { y: "Yes", n: "No" },
          rows: { a: "A", b: "B" },
        },
      ],
    });
    for (const eventId of [eventA, eventB])
      ok(
        await org.staff.client
          .from("survey_links")
          .insert({ survey_id: surveyId, object_kind: "event", object_id: eventId }),
      );
    for (const [i, answer] of answers.entries()) {
      const respondent = await person(db, `Analytics ${i}`);
      people.push(respondent);
      const eventId = i < 3 ? eventA : eventB;
      await db.sql(
        "insert into public.event_registrations (event_id, user_id, status, confirmed_at) values ($1, $2, 'confirmed', now())",
        [eventId, respondent.id],
      );
      ok(
        await respondent.client.rpc("submit_survey_response", {
          p_survey_id: surveyId,
          p_answers: answer,
          p_object_kind: "event",
          p_object_id: eventId,
        }),
      );
    }
  }, 60_000);

  type Summary = { question_key: string; responses: number; answered: number; summary: any };
  const summaries = async (args: Record<string, unknown> = {}) =>
    Object.fromEntries(
      (
        ok(
          await org.staff.client.rpc("survey_question_summaries", {
            p_survey_id: surveyId,
            ...args,
          }),
        ) as Summary[]
      ).map((s) => [s.question_key, s]),
    );

  it("counts options with percentages, averages scales and scores NPS", async () => {
    const all = await summaries();
    expect(all.colour).toMatchObject({ responses: 6, answered: 6 });
    expect(all.colour!.summary).toEqual({
      options: [
        { value: "red", label: "Red", count: 3, percent: 50 },
        { value: "blue", label: "Blue", count: 2, percent: 33.3 },
      ],
      other: { count: 1, texts: ["green"] },
    });
    expect(all.tags!.answered).toBe(5);
    expect(all.tags!.summary.options).toEqual([
      { value: "fast", label: "Fast", count: 3, percent: 60 },
      { value: "loud", label: "Loud", count: 3, percent: 60 },
    ]);
    expect(all.tags!.summary.other).toEqual({ count: 1, texts: ["cheap"] });
    // NPS: promoters 10, 9, 10 (3); passives 7 (1); detractors 3, 6 (2): (3 - 2) / 6 = 17.
    expect(all.score!.summary).toMatchObject({
      promoters: 3,
      passives: 1,
      detractors: 2,
      nps: 17,
      average: 7.5,
      min: 3,
      max: 10,
      distribution: { "3": 1, "6": 1, "7": 1, "9": 1, "10": 2 },
    });
    expect(all.stars!.summary).toMatchObject({
      average: 3.33,
      distribution: { "1": 1, "2": 1, "3": 1, "4": 1, "5": 2 },
    });
    expect(all.again!.summary).toEqual({ yes: 3, no: 3, yes_percent: 50 });
    expect(all.comment!.summary.answers).toHaveLength(3);
    expect(all.grid!.summary.rows[0]).toEqual({
      value: "a",
      label: "A",
      columns: [
        { value: "y", label: "Yes", count: 1 },
        { value: "n", label: "No", count: 0 },
      ],
    });
  });

  it("filters by event, submission time and answers to another question", async () => {
    const a = await summaries({ p_object_kind: "event", p_object_id: eventA });
    expect(a.colour!.responses).toBe(3);
    expect(a.colour!.summary.options.map((o: { count: number }) => o.count)).toEqual([2, 1]);
    const future = await summaries({ p_from: new Date(Date.now() + 60_000).toISOString() });
    expect(future.colour!.responses).toBe(0);
    // Cross-tab: NPS of those who would come again.
    const again = await summaries({ p_where: { question: "again", equals: true } });
    expect(again.score!.summary).toMatchObject({ promoters: 3, detractors: 0, nps: 100 });
    const badFilter = await org.staff.client.rpc("survey_question_summaries", {
      p_survey_id: surveyId,
      p_where: { question: "nope", equals: 1 },
    });
    expect(badFilter.status).toBe(400);
  });

  it("exports one row per response and one stable column per question, as CSV and JSON", async () => {
    const csv = ok(
      await org.staff.client.rpc("export_survey_responses", { p_survey_id: surveyId }),
    ) as string;
    const rows = parseCsv(csv);
    const columns = ["response_id", "submitted_at", "respondent_id", "object_kind", "object_id"];
    const keys = ["colour", "tags", "score", "stars", "again", "comment", "grid"];
    expect(rows[0]).toEqual([...columns, ...keys]);
    expect(rows).toHaveLength(7);
    const byRespondent = new Map(rows.slice(1).map((row) => [row[2], row]));
    const cell = (value: unknown): string =>
      value === undefined
        ? ""
        : Array.isArray(value)
          ? value.map(cell).join("; ")
          : typeof value === "object" && value !== null
            ? "other" in value
              ? `other: ${(value as { other: string }).other}`
              : Object.entries(value)
                  .map(([k, v]) => `${k}=${v}`)
                  .join("; ")
            : String(value);
    for (const [i, answer] of answers.entries()) {
      const row = byRespondent.get(people[i]!.id)!;
      expect(row[3]).toBe("event");
      expect(row.slice(5)).toEqual(
        keys.map((key) => {
          const value = cell((answer as Record<string, unknown>)[key]);
          // Spreadsheet formulas are defused with a leading quote.
          return /^[=+\-@]/.test(value) ? `'${value}` : value;
        }),
      );
    }

    const json = JSON.parse(
      ok(
        await org.staff.client.rpc("export_survey_responses", {
          p_survey_id: surveyId,
          p_format: "json",
        }),
      ) as string,
    ) as Record<string, unknown>[];
    expect(json).toHaveLength(6);
    for (const [i, answer] of answers.entries()) {
      const row = json.find((r) => r.respondent_id === people[i]!.id)!;
      expect(Object.keys(row).sort()).toEqual([...columns, ...keys].sort());
      expect(Object.fromEntries(keys.map((k) => [k, row[k]]))).toEqual(
        Object.fromEntries(keys.map((k) => [k, (answer as Record<string, unknown>)[k] ?? null])),
      );
    }
  });

  it("shows results to the survey's managers only", async () => {
    for (const client of [org.member.client, outsider.client]) {
      const summary = await client.rpc("survey_question_summaries", { p_survey_id: surveyId });
      expect(summary.status).toBe(403);
      const exported = await client.rpc("export_survey_responses", { p_survey_id: surveyId });
      expect(exported.status).toBe(403);
    }
    const { data } = await org.member.client
      .from("survey_responses")
      .select("id")
      .eq("survey_id", surveyId);
    expect(data).toEqual([]);
  });
});

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF rows) parsed independently of the database. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += char;
  }
  return rows;
}
