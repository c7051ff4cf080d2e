// Helpers for the forum and moderation suites: people with forum roles, categories and threads made
// the way the apps make them (supabase-js), and the notifications a person received.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { adminClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";

export interface ThreadRow {
  id: string;
  status: string;
  response_count: number;
  accepted_count: number;
  view_count: number;
  last_activity_at: string;
  [column: string]: unknown;
}

/** A person appointed moderator by a platform admin (the service role here). */
export async function moderator(name: string): Promise<SignedInPerson> {
  const person = await signedInPerson(name);
  ok(await adminClient().from("forum_moderators").insert({ user_id: person.user.id }));
  return person;
}

/** A platform admin. */
export async function platformAdmin(name: string): Promise<SignedInPerson> {
  const person = await signedInPerson(name);
  ok(await adminClient().from("platform_admins").insert({ user_id: person.user.id }));
  return person;
}

/** A new active category, made by a moderator. */
export async function category(
  by: SupabaseClient,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; slug: string }> {
  const slug = `cat-${randomUUID().slice(0, 8)}`;
  return ok(
    await by
      .from("forum_categories")
      .insert({ name: `Category ${slug}`, slug, ...fields })
      .select("id, slug")
      .single<{ id: string; slug: string }>(),
  );
}

/** A thread started by `by` in `categoryId`. */
export async function thread(
  by: SupabaseClient,
  categoryId: string,
  fields: Record<string, unknown> = {},
): Promise<ThreadRow> {
  return ok(
    await by
      .from("forum_threads")
      .insert({
        category_id: categoryId,
        title: "Squeaking brakes after pad change",
        body: "My brakes squeak since I changed the pads. What should I check?",
        ...fields,
      })
      .select()
      .single<ThreadRow>(),
  );
}

/** A response by `by` to a thread. */
export async function respond(
  by: SupabaseClient,
  threadId: string,
  body = "Check the caliper slide pins and use brake grease on the pad backs.",
): Promise<{ id: string; is_expert: boolean; [column: string]: unknown }> {
  return ok(
    await by
      .from("forum_responses")
      .insert({ thread_id: threadId, body })
      .select()
      .single<{ id: string; is_expert: boolean }>(),
  );
}

/** A thread as the database has it (whatever RLS would show). */
export async function threadRow(id: string): Promise<ThreadRow> {
  const [row] = await sql<ThreadRow>("select * from public.forum_threads where id = $1", [id]);
  return row!;
}

/** The notifications of one type a person received, oldest first. */
export function notificationsOf(
  userId: string,
  type: string,
): Promise<{ title: string; body: string | null; data: Record<string, unknown> }[]> {
  return sql(
    "select title, body, data from public.notifications where user_id = $1 and type = $2 order by created_at",
    [userId, type],
  );
}

/** An approved expert in `areas`, through the application and a moderator's decision. */
export async function expert(
  name: string,
  areas: string[],
  decidedBy: SupabaseClient,
): Promise<SignedInPerson> {
  const person = await signedInPerson(name);
  const application = ok(
    await person.client
      .rpc("apply_for_expert_verification", {
        p_expertise_areas: areas,
        p_years_of_experience: 12,
      })
      .single<{ id: string }>(),
  );
  ok(
    await decidedBy.rpc("decide_expert_verification", {
      p_verification_id: application.id,
      p_approve: true,
    }),
  );
  return person;
}
