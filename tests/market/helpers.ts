// Helpers for the marketplace suites (listings, comments and reviews, alerts and search): people
// made through the admin API and signed in, and listings made through supabase-js as the seller's
// app makes them.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { adminClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";

export interface ListingRow {
  id: string;
  seller_id: string;
  status: string;
  price_amount: number;
  [column: string]: unknown;
}

/** A signed-in person made a platform admin (the marketplace's moderator) by the service role. */
export async function platformAdmin(name: string): Promise<SignedInPerson> {
  const person = await signedInPerson(name);
  ok(await adminClient().from("platform_admins").insert({ user_id: person.user.id, note: name }));
  return person;
}

/** Lists a car as `client`'s user (pending until a moderator approves it). */
export async function listCar(
  client: SupabaseClient,
  fields: Record<string, unknown> = {},
): Promise<ListingRow> {
  return ok(
    await client
      .from("car_listings")
      .insert({
        title: "2018 Toyota Corolla LE",
        make: "Toyota",
        model: "Corolla",
        year: 2018,
        mileage_km: 42000,
        transmission: "automatic",
        fuel_type: "gasoline",
        price_amount: 1_500_000,
        currency: "USD",
        city: "Austin",
        latitude: 30.2672,
        longitude: -97.7431,
        ...fields,
      })
      .select()
      .single<ListingRow>(),
  );
}

/** A part category made by the service role (categories are the platform's). */
export async function partCategory(parentId: string | null = null): Promise<string> {
  const slug = `cat-${randomUUID().slice(0, 8)}`;
  const [row] = await sql<{ id: string }>(
    "insert into public.part_categories (parent_id, slug, name) values ($1, $2, $2) returning id",
    [parentId, slug],
  );
  return row!.id;
}

/** Lists a part as `client`'s user. */
export async function listPart(
  client: SupabaseClient,
  categoryId: string,
  fields: Record<string, unknown> = {},
): Promise<ListingRow> {
  return ok(
    await client
      .from("part_listings")
      .insert({
        category_id: categoryId,
        title: "Ceramic brake pads (front)",
        brand: "Brembo",
        condition: "new",
        price_amount: 5000,
        currency: "USD",
        quantity: 3,
        ...fields,
      })
      .select()
      .single<ListingRow>(),
  );
}

/** A moderator's approval: pending → active. */
export async function approve(
  moderator: SupabaseClient,
  table: "car_listings" | "part_listings",
  id: string,
): Promise<void> {
  ok(await moderator.from(table).update({ status: "active" }).eq("id", id).select().single());
}

/** Suspends a person (from now, until `until`) as a platform admin does. */
export async function suspend(userId: string, until: string | null = null): Promise<void> {
  await sql(
    `insert into public.profile_suspensions (profile_id, suspended_at, suspended_until, reason)
     values ($1, now() - interval '1 hour', $2, 'marketplace test')
     on conflict (profile_id) do update set suspended_at = now() - interval '1 hour', suspended_until = $2`,
    [userId, until],
  );
}

/** The in-app notifications of a person, newest first. */
export async function notificationsOf(
  userId: string,
): Promise<{ type: string; title: string; data: Record<string, unknown> }[]> {
  return sql(
    "select type, title, data from public.notifications where user_id = $1 order by created_at desc, id",
    [userId],
  );
}
