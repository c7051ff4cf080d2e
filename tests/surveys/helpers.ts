// Helpers for the survey suites: people as supabase-js clients (access tokens signed with the
// stack's secret), an organization with staff and members, and surveys built through the tables
// as a survey builder app writes them.

import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { ok } from "../helpers/auth.ts";
import { stack, type Db } from "../helpers/db.ts";
import { accessTokenFor, supabaseClient } from "../helpers/supabase.ts";
import type { User } from "../domain/helpers.ts";

export interface Person extends User {
  client: SupabaseClient;
}

/** A user (inserted as Supabase Auth does) with a client carrying their access token. */
export async function person(db: Db, name: string): Promise<Person> {
  const user = await db.createUser({ full_name: name });
  const token = await accessTokenFor(user);
  return { ...user, client: supabaseClient(stack().anonKey, { accessToken: token }) };
}

/** An organization with a staff member and a plain member, owned by a third person. */
export async function organization(db: Db) {
  const [owner, staff, member] = await Promise.all([
    person(db, "Survey owner"),
    person(db, "Survey staff"),
    person(db, "Survey member"),
  ]);
  const id = randomUUID();
  await db.sql(
    "insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Survey Org', $3)",
    [id, `survey-org-${id.slice(0, 8)}`, owner.id],
  );
  await db.sql(
    "insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff'), ($1, $3, 'member')",
    [id, staff.id, member.id],
  );
  return { id, owner, staff, member };
}

export interface QuestionSpec {
  key: string;
  type: string;
  text: string;
  required?: boolean;
  allow_other?: boolean;
  rules?: Record<string, unknown>;
  show_if?: Record<string, unknown>;
  description?: string;
  /** Index into SurveySpec.sections; none: before every section. */
  section?: number;
  /** Choices (or matrix columns): value → label. */
  options?: Record<string, string>;
  /** Matrix rows: value → label. */
  rows?: Record<string, string>;
}

export interface SurveySpec {
  organization_id: string | null;
  title?: string;
  is_anonymous?: boolean;
  allow_multiple_responses?: boolean;
  invited_only?: boolean;
  closes_at?: string;
  opens_at?: string;
  sections?: { title: string; show_if?: Record<string, unknown> }[];
  questions: QuestionSpec[];
  open?: boolean;
}

/** Builds a survey through the REST API as `manager` does in the builder, and opens it. */
export async function buildSurvey(manager: SupabaseClient, spec: SurveySpec): Promise<string> {
  const survey = ok(
    await manager
      .from("surveys")
      .insert({
        organization_id: spec.organization_id,
        title: spec.title ?? "Survey",
        is_anonymous: spec.is_anonymous ?? false,
        allow_multiple_responses: spec.allow_multiple_responses ?? false,
        invited_only: spec.invited_only ?? false,
        opens_at: spec.opens_at,
        closes_at: spec.closes_at,
      })
      .select("id")
      .single<{ id: string }>(),
  );
  const sectionIds: string[] = [];
  for (const [position, section] of (spec.sections ?? []).entries()) {
    const row = ok(
      await manager
        .from("survey_sections")
        .insert({ survey_id: survey.id, position, ...section })
        .select("id")
        .single<{ id: string }>(),
    );
    sectionIds.push(row.id);
  }
  for (const [position, q] of spec.questions.entries()) {
    const question = ok(
      await manager
        .from("survey_questions")
        .insert({
          survey_id: survey.id,
          section_id: q.section === undefined ? null : sectionIds[q.section],
          key: q.key,
          question_type: q.type,
          text: q.text,
          description: q.description,
          is_required: q.required ?? false,
          allow_other: q.allow_other ?? false,
          rules: q.rules ?? {},
          show_if: q.show_if,
          position,
        })
        .select("id")
        .single<{ id: string }>(),
    );
    const options = [
      ...Object.entries(q.options ?? {}).map(([value, label], i) => ({
        axis: "choice",
        value,
        label,
        position: i,
      })),
      ...Object.entries(q.rows ?? {}).map(([value, label], i) => ({
        axis: "row",
        value,
        label,
        position: i,
      })),
    ];
    if (options.length > 0)
      ok(
        await manager
          .from("survey_question_options")
          .insert(options.map((o) => ({ ...o, question_id: question.id }))),
      );
  }
  if (spec.open ?? true)
    ok(await manager.from("surveys").update({ status: "open" }).eq("id", survey.id));
  return survey.id;
}

/** An event of the organization, published; `ended` puts it in the past. */
export async function event(db: Db, organizationId: string, ended = false): Promise<string> {
  const id = randomUUID();
  const offset = ended ? "- interval '2 days'" : "+ interval '2 days'";
  await db.sql(
    `insert into public.events (id, organization_id, slug, title, venue_name, starts_at, ends_at, status)
     values ($1, $2, $3, 'Spring Track Day', 'Circuit', now() ${offset}, now() ${offset} + interval '4 hours', 'published')`,
    [id, organizationId, `survey-event-${id.slice(0, 8)}`],
  );
  return id;
}
