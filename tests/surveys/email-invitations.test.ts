// Survey invitations by email (sql/0046_survey_email_invitations.sql): addresses invited once,
// each emailed its own signed link; the link opens the form and answers the survey once without
// an account (also when used twice at the same moment), saving a draft and resuming it until
// then (sql/0062_survey_invitation_drafts.sql); forged and malformed links refused; and
// the survey-reminders job reminding account and email invitees who have not answered, each
// reminder_interval, at most max_reminders times.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok } from "../helpers/auth.ts";
import { Db, stack } from "../helpers/db.ts";
import { buildSurvey, organization } from "./helpers.ts";

let db: Db;
let org: Awaited<ReturnType<typeof organization>>;

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  org = await organization(db);
});

afterAll(async () => {
  await db?.end();
});

const questions = [
  { key: "stars", type: "rating", text: "How was it?", required: true },
  { key: "why", type: "short_text", text: "Why?", rules: { max_length: 20 } },
];

const address = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;

/** The links emailed to an address, oldest first, by template. */
const emailsTo = async (email: string) =>
  (
    await db.sql<{ template: string; data: { action_url: string; title: string } }>(
      "select template, data from public.email_outbox where to_email = $1 order by created_at, id",
      [email],
    )
  ).map((row) => ({
    template: row.template,
    title: row.data.title,
    token: new URL(row.data.action_url, "https://pitlane.test").searchParams.get("invitation")!,
  }));

describe("invitations by email", () => {
  it("invite each address once and email it its own link", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Open day",
      questions,
    });
    const [a, b] = [address("ana"), address("budi")];
    const invited = ok(
      await org.staff.client.rpc("invite_to_survey_by_email", {
        p_survey_id: id,
        p_emails: [a, ` ${b.toUpperCase()} `, a],
      }),
    );
    expect(invited).toBe(2);
    expect(
      ok(
        await org.staff.client.rpc("invite_to_survey_by_email", { p_survey_id: id, p_emails: [b] }),
      ),
    ).toBe(0);
    const [toA] = await emailsTo(a);
    const [toB] = await emailsTo(b);
    expect(toA).toMatchObject({ template: "survey_invitation", title: "Please answer: Open day" });
    expect(toA!.token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(toB!.token).not.toBe(toA!.token);
    expect(await emailsTo(b)).toHaveLength(1);
    // The survey's managers see who was invited; a member does not.
    const seen = ok(
      await org.staff.client.from("survey_email_invitations").select("email").eq("survey_id", id),
    ) as { email: string }[];
    expect(seen.map((r) => r.email).sort()).toEqual([a, b].sort());
    expect(
      ok(
        await org.member.client
          .from("survey_email_invitations")
          .select("email")
          .eq("survey_id", id),
      ),
    ).toEqual([]);
  });

  it("refuse bad addresses (naming them), non-managers and surveys not open, writing nothing", async () => {
    const id = await buildSurvey(org.staff.client, { organization_id: org.id, questions });
    const bad = await org.staff.client.rpc("invite_to_survey_by_email", {
      p_survey_id: id,
      p_emails: [address("fine"), "not-an-address"],
    });
    expect([bad.status, bad.error?.code, bad.error?.message]).toEqual([
      400,
      "22023",
      "not-an-address is not an email address",
    ]);
    const none = await org.staff.client.rpc("invite_to_survey_by_email", {
      p_survey_id: id,
      p_emails: [],
    });
    expect([none.status, none.error?.code]).toEqual([400, "22023"]);
    const byMember = await org.member.client.rpc("invite_to_survey_by_email", {
      p_survey_id: id,
      p_emails: [address("x")],
    });
    expect([byMember.status, byMember.error?.code]).toEqual([403, "42501"]);
    const draft = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      questions,
      open: false,
    });
    const early = await org.staff.client.rpc("invite_to_survey_by_email", {
      p_survey_id: draft,
      p_emails: [address("x")],
    });
    expect([early.status, early.error?.code]).toEqual([409, "PT409"]);
    expect(
      await db.sql("select 1 from public.survey_email_invitations where survey_id in ($1, $2)", [
        id,
        draft,
      ]),
    ).toEqual([]);
  });
});

describe("answering through the link", () => {
  const invite = async (fields: { is_anonymous?: boolean } = {}) => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Link survey",
      questions,
      invited_only: true,
      ...fields,
    });
    const email = address("guest");
    ok(
      await org.staff.client.rpc("invite_to_survey_by_email", {
        p_survey_id: id,
        p_emails: [email],
      }),
    );
    const { token } = (await emailsTo(email))[0]!;
    return { id, email, token };
  };

  it("opens the form and answers once without an account, even when sent twice at once", async () => {
    const { id, email, token } = await invite();
    const form = ok(await anonClient().rpc("survey_invitation", { p_token: token })) as {
      id: string;
      email: string;
      answered: boolean;
      questions: { key: string }[];
    };
    expect(form).toMatchObject({ id, email, answered: false });
    expect(form.questions.map((q) => q.key)).toEqual(["stars", "why"]);
    const invalid = await anonClient().rpc("submit_survey_response_by_invitation", {
      p_token: token,
      p_answers: { stars: 9 },
    });
    expect([invalid.status, invalid.error?.code]).toEqual([400, "22023"]);
    expect(invalid.error?.message).toBe('"How was it?": the answer is from 1 to 5');
    const attempts = await Promise.all(
      [1, 2].map(() =>
        anonClient().rpc("submit_survey_response_by_invitation", {
          p_token: token,
          p_answers: { stars: 4, why: "Friendly" },
        }),
      ),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([200, 409]);
    const responseId = attempts.find((r) => r.status === 200)!.data as string;
    expect(
      await db.sql(
        "select respondent_id, answers from public.survey_responses where survey_id = $1",
        [id],
      ),
    ).toEqual([{ respondent_id: null, answers: { stars: 4, why: "Friendly" } }]);
    expect(
      await db.sql(
        "select response_id, responded_at is not null as answered from public.survey_email_invitations where survey_id = $1",
        [id],
      ),
    ).toEqual([{ response_id: responseId, answered: true }]);
    expect(ok(await anonClient().rpc("survey_invitation", { p_token: token }))).toMatchObject({
      answered: true,
    });
  });

  it("saves a draft through the link and resumes it until the link answers", async () => {
    const { id, token } = await invite();
    const form = async () =>
      ok(await anonClient().rpc("survey_invitation", { p_token: token })) as {
        answers: Record<string, unknown>;
        saved_at: string | null;
        questions: { key: string; text: string }[];
      };
    expect(await form()).toMatchObject({ answers: {}, saved_at: null });
    // A draft may leave required questions unanswered, but each answer is checked.
    const saved = ok(
      await anonClient().rpc("save_survey_progress_by_invitation", {
        p_token: token,
        p_answers: { why: "Friendly" },
      }),
    ) as { answers: Record<string, unknown>; updated_at: string };
    expect(saved.answers).toEqual({ why: "Friendly" });
    const tooLong = await anonClient().rpc("save_survey_progress_by_invitation", {
      p_token: token,
      p_answers: { why: "x".repeat(21) },
    });
    expect([tooLong.status, tooLong.error?.code]).toEqual([400, "22023"]);
    expect(await form()).toMatchObject({
      answers: { why: "Friendly" },
      saved_at: saved.updated_at,
    });
    // Another invitee's link resumes nothing of it, and the managers cannot read it.
    const other = await invite();
    expect(
      (
        ok(await anonClient().rpc("survey_invitation", { p_token: other.token })) as {
          answers: object;
        }
      ).answers,
    ).toEqual({});
    const seen = ok(
      await org.staff.client.from("survey_email_invitations").select("*").eq("survey_id", id),
    ) as Record<string, unknown>[];
    expect(JSON.stringify(seen)).not.toContain("Friendly");

    ok(
      await anonClient().rpc("submit_survey_response_by_invitation", {
        p_token: token,
        p_answers: { stars: 4, why: "Friendly" },
      }),
    );
    expect(await form()).toMatchObject({ answered: true, answers: {}, saved_at: null });
    const late = await anonClient().rpc("save_survey_progress_by_invitation", {
      p_token: token,
      p_answers: { why: "Again" },
    });
    expect([late.status, late.error?.code]).toEqual([409, "PT409"]);
    ok(await org.staff.client.from("surveys").update({ status: "closed" }).eq("id", other.id));
    const closed = await anonClient().rpc("save_survey_progress_by_invitation", {
      p_token: other.token,
      p_answers: { why: "Late" },
    });
    expect([closed.status, closed.error?.code]).toEqual([409, "PT409"]);
  });

  it("keeps no link to the response in an anonymous survey", async () => {
    const { id, token } = await invite({ is_anonymous: true });
    ok(
      await anonClient().rpc("submit_survey_response_by_invitation", {
        p_token: token,
        p_answers: { stars: 2 },
      }),
    );
    expect(
      await db.sql(
        "select response_id, responded_at is not null as answered from public.survey_email_invitations where survey_id = $1",
        [id],
      ),
    ).toEqual([{ response_id: null, answered: true }]);
  });

  it("refuses forged links and answers to a closed survey", async () => {
    const { id, token } = await invite();
    const [invitationId, signature] = token.split(".") as [string, string];
    const forged = `${invitationId}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const byForgery = await anonClient().rpc("submit_survey_response_by_invitation", {
      p_token: forged,
      p_answers: { stars: 5 },
    });
    expect([byForgery.status, byForgery.error?.code]).toEqual([404, "PT404"]);
    ok(await org.staff.client.from("surveys").update({ status: "closed" }).eq("id", id));
    const closed = await anonClient().rpc("submit_survey_response_by_invitation", {
      p_token: token,
      p_answers: { stars: 5 },
    });
    expect([closed.status, closed.error?.code]).toEqual([409, "PT409"]);
    expect(
      await db.sql("select 1 from public.survey_responses where survey_id = $1", [id]),
    ).toEqual([]);
  });
});

describe("the survey-reminders job", () => {
  it("reminds account and email invitees who have not answered, each interval, at most max_reminders times", async () => {
    const id = await buildSurvey(org.staff.client, {
      organization_id: org.id,
      title: "Reminded",
      questions,
    });
    const tooOften = await org.staff.client
      .from("surveys")
      .update({ reminder_interval: "10 minutes" })
      .eq("id", id);
    expect([tooOften.status, tooOften.error?.code]).toEqual([400, "23514"]);
    ok(
      await org.staff.client
        .from("surveys")
        .update({ reminder_interval: "1 day", max_reminders: 2 })
        .eq("id", id),
    );
    const [waiting, answered] = [address("waiting"), address("answered")];
    ok(
      await org.staff.client.rpc("invite_to_survey_by_email", {
        p_survey_id: id,
        p_emails: [waiting, answered],
      }),
    );
    ok(
      await org.staff.client.rpc("invite_to_survey", {
        p_survey_id: id,
        p_user_ids: [org.member.id],
      }),
    );
    const answeredToken = (await emailsTo(answered))[0]!.token;
    ok(
      await anonClient().rpc("submit_survey_response_by_invitation", {
        p_token: answeredToken,
        p_answers: { stars: 5 },
      }),
    );
    // Another survey without automatic reminders, invited long ago: never reminded by the job.
    const quiet = await buildSurvey(org.staff.client, { organization_id: org.id, questions });
    const quietAddress = address("quiet");
    ok(
      await org.staff.client.rpc("invite_to_survey_by_email", {
        p_survey_id: quiet,
        p_emails: [quietAddress],
      }),
    );
    const age = async () => {
      await db.sql(
        `update public.survey_email_invitations
         set invited_at = invited_at - interval '2 days', reminded_at = reminded_at - interval '2 days'
         where survey_id in ($1, $2)`,
        [id, quiet],
      );
      await db.sql(
        `update public.survey_participants
         set invited_at = invited_at - interval '2 days', reminded_at = reminded_at - interval '2 days'
         where survey_id = $1`,
        [id],
      );
    };
    const remind = async () =>
      (await db.sql<{ n: number }>("select private.remind_due_survey_invitees() as n"))[0]!.n;
    const reminders = async () => ({
      waiting: (await emailsTo(waiting)).filter((e) => e.template === "survey_reminder").length,
      answered: (await emailsTo(answered)).filter((e) => e.template === "survey_reminder").length,
      quiet: (await emailsTo(quietAddress)).filter((e) => e.template === "survey_reminder").length,
      member: (
        await db.sql(
          "select 1 from public.notifications where user_id = $1 and type = 'survey_reminder' and subject_id = $2",
          [org.member.id, id],
        )
      ).length,
    });

    // Not due yet.
    await remind();
    expect(await reminders()).toEqual({ waiting: 0, answered: 0, quiet: 0, member: 0 });
    await age();
    await remind();
    expect(await reminders()).toEqual({ waiting: 1, answered: 0, quiet: 0, member: 1 });
    await remind();
    expect(await reminders()).toEqual({ waiting: 1, answered: 0, quiet: 0, member: 1 });
    await age();
    await remind();
    expect(await reminders()).toEqual({ waiting: 2, answered: 0, quiet: 0, member: 2 });
    await age();
    await remind();
    expect(await reminders()).toEqual({ waiting: 2, answered: 0, quiet: 0, member: 2 });
    // The reminder carries the same link as the invitation.
    const links = new Set((await emailsTo(waiting)).map((e) => e.token));
    expect(links.size).toBe(1);
  });
});
