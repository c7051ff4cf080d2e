// Builders for the domain RPC suites (one suite per migration group): an organization with a person
// in each role, an event, a registration through register_for_event, and the rows and counters the
// tests read back. They run on the suite's Db, read when called (suites open it in beforeAll).

import { slug, type Db, type User } from "./helpers.ts";

type Role = "member" | "staff" | "admin" | "owner";

/** An event starting within the hour: registration is open and check-in has begun. */
export const soon = () => ({
  starts_at: new Date(Date.now() + 36e5).toISOString(),
  ends_at: new Date(Date.now() + 5 * 36e5).toISOString(),
});

export function domainFixtures(database: () => Db) {
  /** An organization owned by a new user, with a new user in each other role. */
  async function newOrganization() {
    const db = database();
    const owner = await db.createUser({ full_name: "Owner" });
    const [org] = await db.query<{ id: string }>(
      owner.claims,
      "insert into public.organizations (slug, display_name, city) values ($1, 'Org', 'Jakarta') returning id",
      [slug("org")],
    );
    const people: Record<Role, User> = { owner } as Record<Role, User>;
    for (const role of ["admin", "staff", "member"] as const) {
      people[role] = await db.createUser({ full_name: role });
      await db.sql(
        "insert into public.organization_members (organization_id, user_id, role) values ($1, $2, $3)",
        [org!.id, people[role].id, role],
      );
    }
    return { id: org!.id, ...people };
  }

  async function newEvent(
    organizationId: string | null,
    values: Record<string, unknown> = {},
  ): Promise<string> {
    const db = database();
    const row: Record<string, unknown> = {
      organization_id: organizationId,
      slug: slug("event"),
      title: "Event",
      venue_name: "Hall",
      starts_at: new Date(Date.now() + 7 * 864e5).toISOString(),
      ends_at: new Date(Date.now() + 7 * 864e5 + 4 * 36e5).toISOString(),
      status: "published",
      ...values,
    };
    const names = Object.keys(row);
    const [event] = await db.sql<{ id: string }>(
      `insert into public.events (${names.join(", ")}) values (${names.map((_, i) => `$${i + 1}`).join(", ")}) returning id`,
      names.map((name) => row[name]),
    );
    return event!.id;
  }

  const register = (user: User, eventId: string, invitedBy?: string) =>
    database()
      .rpc<{ id: string; status: string; check_in_token: string; hold_expires_at: string | null }>(
        user.claims,
        "register_for_event",
        {
          p_event_id: eventId,
          ...(invitedBy ? { p_invited_by: invitedBy } : {}),
        },
      )
      .then((rows) => rows[0]!);

  const registration = async (id: string) =>
    (
      await database().sql<{
        status: string;
        user_id: string;
        offer_expires_at: Date | null;
        attended_at: Date | null;
        check_in_token: string;
      }>("select * from public.event_registrations where id = $1", [id])
    )[0]!;

  const counters = async (eventId: string) =>
    (
      await database().sql<{
        confirmed_count: number;
        held_count: number;
        waitlist_count: number;
        attended_count: number;
      }>(
        "select confirmed_count, held_count, waitlist_count, attended_count from public.events where id = $1",
        [eventId],
      )
    )[0]!;

  return { newOrganization, newEvent, register, registration, counters };
}
