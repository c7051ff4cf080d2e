// Survey export to Storage (functions/survey-export, the survey-exports bucket): the survey's
// staff get a signed URL to a CSV or JSON file that reads back as export_survey_responses()
// returns it; members, other organizations' staff and anon get no file and no link; bad input is
// a 4xx.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import { buildSurvey, organization, type Person } from "./helpers.ts";

let db: Db;
let org: Awaited<ReturnType<typeof organization>>;
let otherOrg: Awaited<ReturnType<typeof organization>>;
let surveyId: string;

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  [org, otherOrg] = await Promise.all([organization(db), organization(db)]);
  surveyId = await buildSurvey(org.staff.client, {
    organization_id: org.id,
    title: "Exported",
    allow_multiple_responses: true,
    questions: [
      { key: "stars", type: "rating", text: "Stars", required: true },
      { key: "note", type: "short_text", text: "Note" },
    ],
  });
  for (const answers of [{ stars: 5, note: 'Great, "really"' }, { stars: 2 }])
    ok(
      await org.member.client.rpc("submit_survey_response", {
        p_survey_id: surveyId,
        p_answers: answers,
      }),
    );
});

afterAll(async () => {
  await db?.end();
});

interface Exported {
  path: string;
  signed_url: string;
  format: string;
}

const exportAs = async (person: Person, body: Record<string, unknown>) => {
  const { data, error, response } = await person.client.functions.invoke<Exported>(
    "survey-export",
    { body },
  );
  const detail = error
    ? ((await (error.context as Response).json().catch(() => null)) as {
        error: { code: string };
      } | null)
    : null;
  return { data, status: response?.status ?? 0, code: detail?.error.code };
};

describe("survey export to Storage", () => {
  it.each(["csv", "json"] as const)(
    "writes the %s export to the private bucket and signs it for the staff",
    async (format) => {
      const result = await exportAs(org.staff, { survey_id: surveyId, format });
      expect(result.status).toBe(200);
      expect(result.data!.path).toMatch(new RegExp(`^${surveyId}/.+\\.${format}$`));
      const file = await fetch(result.data!.signed_url);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toContain(
        format === "csv" ? "text/csv" : "application/json",
      );
      const expected = ok(
        await org.staff.client.rpc("export_survey_responses", {
          p_survey_id: surveyId,
          p_format: format,
        }),
      ) as string;
      const text = await file.text();
      expect(text).toBe(expected);
      if (format === "json")
        expect((JSON.parse(text) as { stars: number }[]).map((row) => row.stars).sort()).toEqual([
          2, 5,
        ]);
      else expect(text.split("\r\n")[0]).toMatch(/,"stars","note"$/);
      // Nobody but the survey's managers signs or lists it.
      for (const outsider of [org.member, otherOrg.staff]) {
        const { data } = await outsider.client.storage
          .from("survey-exports")
          .createSignedUrl(result.data!.path, 60);
        expect(data).toBeNull();
      }
      const { data: anonLink } = await anonClient()
        .storage.from("survey-exports")
        .createSignedUrl(result.data!.path, 60);
      expect(anonLink).toBeNull();
    },
  );

  it("refuses people who do not manage the survey, unknown surveys and bad input, storing nothing", async () => {
    const count = async () =>
      Number(
        (
          await db.sql<{ n: string }>(
            "select count(*) as n from storage.objects where bucket_id = 'survey-exports' and name like $1",
            [`${surveyId}/%`],
          )
        )[0]!.n,
      );
    const before = await count();
    expect(await exportAs(org.member, { survey_id: surveyId })).toMatchObject({
      status: 403,
      code: "forbidden",
    });
    expect(await exportAs(otherOrg.staff, { survey_id: surveyId })).toMatchObject({
      status: 403,
    });
    expect(
      await exportAs(org.staff, { survey_id: "00000000-0000-4000-8000-000000000000" }),
    ).toMatchObject({ status: 404, code: "not_found" });
    expect(await exportAs(org.staff, { survey_id: surveyId, format: "xlsx" })).toMatchObject({
      status: 400,
    });
    expect(await exportAs(org.staff, { survey_id: "nope" })).toMatchObject({ status: 400 });
    expect(
      await exportAs(org.staff, { survey_id: surveyId, object_kind: "listing" }),
    ).toMatchObject({ status: 400 });
    const anon = await fetch(`${stack().apiUrl}/functions/v1/survey-export`, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: stack().anonKey },
      body: JSON.stringify({ survey_id: surveyId }),
    });
    // The anon key alone reaches the RPC as anon, which may not export.
    expect([401, 403]).toContain(anon.status);
    expect(await count()).toBe(before);
  });
});
