// The RLS matrix of the survey tables (sql/0039_surveys.sql, survey_email_invitations) × anon, a member of the organization
// who is not its staff, a respondent (answered the open survey, keeps a draft), someone
// unrelated, the organization's staff, a platform admin and the service role × select, insert,
// update and delete. Each cell runs as PostgREST runs a request (authenticator → role + JWT
// claims) in a transaction that is rolled back.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attemptAs,
  describeRlsMatrix,
  isAllowed,
  refusedOrEmpty,
  type TableMatrix,
} from "../helpers/rls-matrix.ts";
import { anon, Db, serviceRole, stack, type Claims } from "../helpers/db.ts";

const roles = [
  "anon",
  "member",
  "respondent",
  "stranger",
  "staff",
  "platform_admin",
  "service_role",
] as const;
type Role = (typeof roles)[number];

let db: Db;
const claims = {} as Record<Role, Claims>;
const ids: Record<string, string> = {};
const id = (name: string) => `'${ids[name]}'`;

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  const [owner, member, respondent, stranger, staff, platformAdmin] = await Promise.all(
    ["owner", "member", "respondent", "stranger", "staff", "platform admin"].map((name) =>
      db.createUser({ full_name: `Survey RLS ${name}` }),
    ),
  );
  Object.assign(claims, {
    anon,
    member: member!.claims,
    respondent: respondent!.claims,
    stranger: stranger!.claims,
    staff: staff!.claims,
    platform_admin: platformAdmin!.claims,
    service_role: serviceRole,
  });
  for (const name of ["org", "event", "event2", "draft", "open", "question", "openQuestion"])
    ids[name] = randomUUID();
  ids.respondent = respondent!.id;
  ids.stranger = stranger!.id;
  const sql = (text: string, params: unknown[] = []) => db.sql(text, params);
  await sql("insert into public.platform_admins (user_id) values ($1)", [platformAdmin!.id]);
  await sql(
    "insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Survey RLS', $3)",
    [ids.org, `survey-rls-${ids.org!.slice(0, 8)}`, owner!.id],
  );
  await sql(
    "insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff'), ($1, $3, 'member')",
    [ids.org, staff!.id, member!.id],
  );
  for (const event of [ids.event, ids.event2])
    await sql(
      `insert into public.events (id, organization_id, slug, title, venue_name, starts_at, ends_at, status)
       values ($1, $2, $3, 'RLS event', 'Hall', now() + interval '1 day', now() + interval '2 days', 'published')`,
      [event, ids.org, `survey-rls-${event!.slice(0, 8)}`],
    );
  for (const [survey, question] of [
    [ids.draft, ids.question],
    [ids.open, ids.openQuestion],
  ]) {
    await sql(
      "insert into public.surveys (id, organization_id, title) values ($1, $2, 'RLS survey')",
      [survey, ids.org],
    );
    await sql("insert into public.survey_sections (survey_id, title) values ($1, 'Page')", [
      survey,
    ]);
    await sql(
      "insert into public.survey_questions (id, survey_id, key, question_type, text) values ($1, $2, 'pick', 'single_choice', 'Pick')",
      [question, survey],
    );
    await sql(
      "insert into public.survey_question_options (question_id, value, label) values ($1, 'a', 'A')",
      [question],
    );
    await sql(
      "insert into public.survey_links (survey_id, object_kind, object_id) values ($1, 'event', $2)",
      [survey, ids.event],
    );
  }
  await sql("update public.surveys set status = 'open' where id = $1", [ids.open]);
  await db.rpc(respondent!.claims, "submit_survey_response", {
    p_survey_id: ids.open,
    p_answers: { pick: "a" },
  });
  await sql(
    "insert into public.survey_drafts (survey_id, user_id, object_kind, object_id, answers) values ($1, $2, 'event', $3, '{}')",
    [ids.open, respondent!.id, ids.event],
  );
  await sql(
    "insert into public.survey_email_invitations (survey_id, email) values ($1, 'rls-guest@example.com')",
    [ids.open],
  );
});

afterAll(async () => {
  await db?.end();
});

const attempt = (role: Role, statement: string) => attemptAs(db, claims[role], statement);

const managers = "staff platform_admin service_role";
const respondentSide = "respondent staff platform_admin service_role";
const service = "service_role";

const specs: TableMatrix<Role>[] = [
  {
    table: "surveys",
    target: () => `id = ${id("draft")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.surveys (organization_id, title) values (${id("org")}, 'New survey')`,
      allowed: managers,
    },
    update: { set: "title = 'Renamed'", allowed: managers },
    delete: managers,
  },
  {
    table: "survey_sections",
    target: () => `survey_id = ${id("draft")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.survey_sections (survey_id, title, position) values (${id("draft")}, 'Two', 1)`,
      allowed: managers,
    },
    update: { set: "title = 'Page one'", allowed: managers },
    delete: managers,
  },
  {
    table: "survey_questions",
    target: () => `id = ${id("question")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.survey_questions (survey_id, key, question_type, text) values (${id("draft")}, 'more', 'short_text', 'More')`,
      allowed: managers,
    },
    update: { set: "text = 'Pick one'", allowed: managers },
    delete: managers,
  },
  {
    table: "survey_question_options",
    target: () => `question_id = ${id("question")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.survey_question_options (question_id, value, label) values (${id("question")}, 'b', 'B')`,
      allowed: managers,
    },
    update: { set: "label = 'Option A'", allowed: managers },
    delete: managers,
  },
  {
    table: "survey_links",
    target: () => `survey_id = ${id("draft")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.survey_links (survey_id, object_kind, object_id) values (${id("draft")}, 'event', ${id("event2")})`,
      allowed: managers,
    },
    update: { set: "is_feedback = true", allowed: managers },
    delete: managers,
  },
  {
    table: "survey_participants",
    target: () => `survey_id = ${id("open")} and user_id = ${id("respondent")}`,
    select: respondentSide,
    insert: {
      sql: () =>
        `insert into public.survey_participants (survey_id, user_id, invited_at) values (${id("open")}, ${id("stranger")}, now())`,
      allowed: service,
    },
    update: { set: "submitted_count = 0", allowed: service },
    delete: service,
  },
  {
    table: "survey_drafts",
    target: () => `survey_id = ${id("open")} and user_id = ${id("respondent")}`,
    select: "respondent service_role",
    insert: {
      sql: () =>
        `insert into public.survey_drafts (survey_id, user_id, answers) values (${id("open")}, ${id("stranger")}, '{}')`,
      allowed: service,
    },
    update: { set: `answers = '{"pick": "a"}'`, allowed: service },
    delete: "respondent service_role",
  },
  {
    table: "survey_responses",
    target: () => `survey_id = ${id("open")}`,
    select: respondentSide,
    insert: {
      sql: () =>
        `insert into public.survey_responses (survey_id, respondent_id, answers) values (${id("open")}, ${id("stranger")}, '{"pick": "a"}')`,
      allowed: service,
    },
    update: { set: `answers = '{}'`, allowed: service },
    delete: service,
  },
  {
    table: "survey_email_invitations",
    target: () => `survey_id = ${id("open")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.survey_email_invitations (survey_id, email) values (${id("open")}, 'rls-other@example.com')`,
      allowed: service,
    },
    update: { set: "responded_at = now()", allowed: service },
    delete: service,
  },
];

describeRlsMatrix(specs, roles, attempt);

describe("RLS: an open survey", () => {
  it.each(roles)("%s reads the open survey and its design", async (role) => {
    for (const [table, column] of [
      ["surveys", "id"],
      ["survey_sections", "survey_id"],
      ["survey_questions", "survey_id"],
      ["survey_question_options", "survey_id"],
      ["survey_links", "survey_id"],
    ])
      expect(
        await attempt(role, `select 1 from public.${table} where ${column} = ${id("open")}`),
      ).toEqual({
        rows: 1,
      });
  });

  it.each(roles.filter((role) => !isAllowed(managers, role)))(
    "%s cannot change the open survey",
    async (role) => {
      expect(
        await attempt(role, `update public.surveys set status = 'closed' where id = ${id("open")}`),
      ).toSatisfy(refusedOrEmpty);
    },
  );

  it("the staff cannot delete an opened survey, the platform admin neither", async () => {
    for (const role of ["staff", "platform_admin"] as const)
      expect(await attempt(role, `delete from public.surveys where id = ${id("open")}`)).toEqual({
        rows: 0,
      });
  });

  it("nobody may set a survey's counters or publication through the API", async () => {
    expect(
      await attempt(
        "staff",
        `update public.surveys set response_count = 99 where id = ${id("open")}`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "staff",
        `update public.surveys set published_at = null where id = ${id("open")}`,
      ),
    ).toMatchObject({ code: "42501" });
  });
});
