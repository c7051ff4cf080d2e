// The demo survey of seed/0008_content.sql: the Diagnostics Bootcamp's feedback survey, its three
// known responses and what analytics make of them, read as the academy's staff would.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimsFor, Db, stack } from "../helpers/db.ts";

const survey = "e8000000-0000-4000-8000-000000000001";
const bootcamp = "e1000000-0000-4000-8000-000000000005";
const hadi = claimsFor("c0000000-0000-4000-8000-000000000003", "hadi@skills-academy.test");
let db: Db;

beforeAll(() => {
  db = new Db(stack().dbUrl);
});

afterAll(async () => {
  await db?.end();
});

describe("seed: the bootcamp feedback survey", () => {
  it("is open, attached to the bootcamp as its feedback survey, with three responses", async () => {
    const [row] = await db.sql(
      `select s.status, s.response_count, l.is_feedback from public.surveys s
       join public.survey_links l on l.survey_id = s.id and l.object_id = $2
       where s.id = $1`,
      [survey, bootcamp],
    );
    expect(row).toEqual({ status: "open", response_count: 3, is_feedback: true });
  });

  it("summarises the known answers for the academy's staff", async () => {
    const rows = await db.rpc<{ question_key: string; answered: number; summary: any }>(
      hadi,
      "survey_question_summaries",
      { p_survey_id: survey, p_object_kind: "event", p_object_id: bootcamp },
    );
    const by = Object.fromEntries(rows.map((r) => [r.question_key, r]));
    expect(by.recommend!.summary).toMatchObject({
      promoters: 2,
      passives: 0,
      detractors: 1,
      nps: 33,
    });
    expect(Number(by.instructor!.summary.average)).toBe(4);
    expect(by.most_useful!.summary.options.map((o: { count: number }) => o.count)).toEqual([
      0, 1, 1,
    ]);
    expect(by.most_useful!.summary.other).toEqual({ count: 1, texts: ["the coffee"] });
    // Only the detractor saw the "Help us improve" section.
    expect(by.improve).toMatchObject({ answered: 1, summary: { answers: ["Too fast for me."] } });
  });
});
