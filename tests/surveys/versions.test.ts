// Survey versions (sql/0049_survey_versions.sql): a structural change to an opened survey goes
// into a new version made by new_survey_version(); the draft copy is edited freely, opening it
// closes the version before; responses keep the version they answered, one response per person
// holds across versions, and the analytics are per version.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import { buildSurvey, organization, person, type Person } from "./helpers.ts";

let db: Db;
let org: Awaited<ReturnType<typeof organization>>;
let first: Person;
let second: Person;

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  org = await organization(db);
  [first, second] = await Promise.all([person(db, "First"), person(db, "Second")]);
});

afterAll(async () => {
  await db?.end();
});

const design = {
  title: "Versioned",
  sections: [{ title: "Page" }],
  questions: [
    {
      key: "colour",
      type: "single_choice",
      text: "Colour?",
      required: true,
      section: 0,
      options: { red: "Red", blue: "Blue" },
    },
    { key: "why", type: "short_text", text: "Why {{answer:colour}}?", section: 0 },
  ],
};

const statusOf = async (id: string) =>
  (await db.sql<{ status: string }>("select status from public.surveys where id = $1", [id]))[0]!
    .status;

describe("survey versions", () => {
  it("take structural changes in a new version; responses and analytics stay per version", async () => {
    const v1 = await buildSurvey(org.staff.client, { organization_id: org.id, ...design });
    ok(
      await first.client.rpc("submit_survey_response", {
        p_survey_id: v1,
        p_answers: { colour: "red", why: "Fast" },
      }),
    );
    const [question] = ok(
      await org.staff.client
        .from("survey_questions")
        .select("id")
        .eq("survey_id", v1)
        .eq("key", "colour"),
    ) as { id: string }[];
    const frozen = await org.staff.client
      .from("survey_question_options")
      .insert({ question_id: question!.id, value: "green", label: "Green" });
    expect([frozen.status, frozen.error?.code]).toEqual([409, "PT409"]);
    // The refusal says where a structural change goes.
    expect(frozen.error?.hint).toContain("new_survey_version()");

    const v2 = ok(await org.staff.client.rpc("new_survey_version", { p_survey_id: v1 })) as string;
    const [row] = await db.sql(
      "select status, version, version_of, title from public.surveys where id = $1",
      [v2],
    );
    expect(row).toEqual({ status: "draft", version: 2, version_of: v1, title: "Versioned" });
    // The draft copy is changed freely: a new option and a new question.
    const [copied] = ok(
      await org.staff.client
        .from("survey_questions")
        .select("id, text, section_id, survey_question_options(value)")
        .eq("survey_id", v2)
        .eq("key", "colour"),
    ) as { id: string; text: string; section_id: string; survey_question_options: unknown[] }[];
    expect(copied!.text).toBe("Colour?");
    expect(copied!.survey_question_options).toHaveLength(2);
    ok(
      await org.staff.client
        .from("survey_question_options")
        .insert({ question_id: copied!.id, value: "green", label: "Green", position: 2 }),
    );
    ok(
      await org.staff.client.from("survey_questions").insert({
        survey_id: v2,
        section_id: copied!.section_id,
        key: "stars",
        question_type: "rating",
        text: "Stars",
        position: 5,
      }),
    );
    ok(await org.staff.client.from("surveys").update({ status: "open" }).eq("id", v2));
    expect(await statusOf(v1)).toBe("closed");

    // The first respondent answered already: one response per person holds across versions.
    const again = await first.client.rpc("submit_survey_response", {
      p_survey_id: v2,
      p_answers: { colour: "green" },
    });
    expect([again.status, again.error?.code]).toEqual([409, "PT409"]);
    ok(
      await second.client.rpc("submit_survey_response", {
        p_survey_id: v2,
        p_answers: { colour: "green", stars: 4 },
      }),
    );
    const late = await second.client.rpc("submit_survey_response", {
      p_survey_id: v1,
      p_answers: { colour: "red" },
    });
    expect([late.status, late.error?.code]).toEqual([409, "PT409"]);

    const colours = async (id: string) =>
      (
        ok(await org.staff.client.rpc("survey_question_summaries", { p_survey_id: id })) as {
          question_key: string;
          responses: number;
          summary: { options: { value: string; count: number }[] };
        }[]
      ).find((q) => q.question_key === "colour")!;
    const first1 = await colours(v1);
    expect(first1.responses).toBe(1);
    expect(first1.summary.options.map((o) => [o.value, o.count])).toEqual([
      ["red", 1],
      ["blue", 0],
    ]);
    const second2 = await colours(v2);
    expect(second2.responses).toBe(1);
    expect(second2.summary.options.map((o) => [o.value, o.count])).toEqual([
      ["red", 0],
      ["blue", 0],
      ["green", 1],
    ]);
    // The family, newest first.
    const family = ok(
      await org.staff.client
        .from("surveys")
        .select("version, status, response_count")
        .or(`id.eq.${v1},version_of.eq.${v1}`)
        .order("version", { ascending: false }),
    );
    expect(family).toEqual([
      { version: 2, status: "open", response_count: 1 },
      { version: 1, status: "closed", response_count: 1 },
    ]);
  });

  it("refuses versions of drafts, of an older version, by non-managers, and forged numbers", async () => {
    const draft = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      ...design,
      open: false,
    });
    const ofDraft = await org.staff.client.rpc("new_survey_version", { p_survey_id: draft });
    expect([ofDraft.status, ofDraft.error?.code]).toEqual([409, "PT409"]);
    const v1 = await buildSurvey(org.staff.client, { organization_id: org.id, ...design });
    const byMember = await org.member.client.rpc("new_survey_version", { p_survey_id: v1 });
    expect([byMember.status, byMember.error?.code]).toEqual([403, "42501"]);
    ok(await org.staff.client.rpc("new_survey_version", { p_survey_id: v1 }));
    const older = await org.staff.client.rpc("new_survey_version", { p_survey_id: v1 });
    expect([older.status, older.error?.code, older.error?.message]).toEqual([
      409,
      "PT409",
      "version 2 of this survey already exists",
    ]);
    const forged = ok(
      await org.staff.client
        .from("surveys")
        .insert({ organization_id: org.id, title: "Forged", version: 7, version_of: v1 })
        .select("version, version_of")
        .single(),
    );
    expect(forged).toEqual({ version: 1, version_of: null });
  });
});
