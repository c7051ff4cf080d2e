// The seed (seed/): the demo organizations, events, course, certificates and accounts.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anon, domainStack, type Db, type DomainStack } from "./helpers.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

describe("seed", () => {
  it("has two organizations with every role, the five kinds of events, a course with an assessment and certificates", async () => {
    const orgs = await db.sql<{ slug: string; roles: string[]; pic: number }>(
      `select o.slug, array_agg(distinct m.role::text order by m.role::text) as roles, count(*) filter (where m.is_person_in_charge)::int as pic
       from public.organizations o join public.organization_members m on m.organization_id = o.id
       where o.slug in ('nusantara-motor-club', 'automotive-skills-academy')
       group by o.slug order by o.slug`,
    );
    expect(orgs).toEqual([
      { slug: "automotive-skills-academy", roles: ["admin", "member", "owner", "staff"], pic: 1 },
      { slug: "nusantara-motor-club", roles: ["admin", "member", "owner", "staff"], pic: 1 },
    ]);
    const events = await db.sql<{
      slug: string;
      status: string;
      is_free: boolean;
      capacity: number;
      confirmed_count: number;
      held_count: number;
      waitlist_count: number;
      sessions: number;
    }>(
      `select e.slug, e.status, e.is_free, e.capacity, e.confirmed_count, e.held_count, e.waitlist_count, (select count(*)::int from public.event_sessions s where s.event_id = e.id) as sessions
       from public.events e where e.organization_id in (select id from public.organizations where slug in ('nusantara-motor-club', 'automotive-skills-academy'))`,
    );
    const bySlug = Object.fromEntries(events.map((e) => [e.slug, e]));
    expect(bySlug["ev-battery-safety-workshop"]).toMatchObject({ status: "draft" });
    expect(bySlug["club-meetup-next-month"]).toMatchObject({
      status: "published",
      is_free: true,
      confirmed_count: 5,
    });
    expect(bySlug["hybrid-powertrain-masterclass"]).toMatchObject({
      is_free: false,
      confirmed_count: 1,
      held_count: 1,
    });
    expect(bySlug["track-day-safety-briefing"]).toMatchObject({
      capacity: 3,
      confirmed_count: 3,
      waitlist_count: 2,
    });
    expect(bySlug["diagnostics-bootcamp"]).toMatchObject({ status: "completed", sessions: 3 });

    const [course] = await db.sql<{ questions: number; completed: number }>(
      `select (select count(*)::int from public.assessment_questions q join public.assessments a on a.id = q.assessment_id where a.course_id = c.id) as questions,
              (select count(*)::int from public.course_enrollments e where e.course_id = c.id and e.status = 'completed') as completed
       from public.courses c where c.slug = 'hybrid-systems-fundamentals'`,
    );
    expect(course).toEqual({ questions: 3, completed: 1 });

    const certs = await db.sql<{ code: string }>(
      `select verification_code as code from public.certificates
       where organization_id in (select id from public.organizations where slug in ('nusantara-motor-club', 'automotive-skills-academy'))`,
    );
    expect(certs.length).toBeGreaterThanOrEqual(5);
    const statuses = new Set<string>();
    for (const { code } of certs)
      statuses.add(
        (await db.rpc<{ status: string }>(anon, "verify_certificate", { p_code: code }))[0]!.status,
      );
    expect([...statuses].sort()).toEqual(["expired", "revoked", "valid"]);

    // The demo accounts can be signed into (bcrypt password) and the platform admin is one.
    const [admin] = await db.sql<{ ok: boolean; is_admin: boolean }>(
      `select u.encrypted_password = extensions.crypt('pitlane-demo', u.encrypted_password) as ok,
              exists (select 1 from public.platform_admins p where p.user_id = u.id) as is_admin
       from auth.users u where u.email = 'admin@pitlane.test'`,
    );
    expect(admin).toEqual({ ok: true, is_admin: true });
  });
});
