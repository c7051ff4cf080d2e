// The RLS matrix: every table of the domain × anon, an unrelated user, member, staff, org admin,
// owner, platform admin and the service role × select, insert, update and delete. Each cell
// asserts what is allowed (the row is visible, the insert succeeds, one row changes) or refused
// (invisible, error 42501, or nothing changes). Every cell runs in a rolled-back transaction.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainStack, type DomainStack } from "./helpers.ts";
import { buildWorld, roles, type Role, type World } from "./world.ts";

let stack: DomainStack;
let w: World;

beforeAll(async () => {
  stack = await domainStack();
  w = await buildWorld(stack.db);
});

afterAll(async () => {
  await stack?.stop();
});

const sets = {
  none: "",
  all: roles.join(" "),
  signedIn: "unrelated member staff admin owner platform_admin service_role",
  members: "member staff admin owner platform_admin service_role",
  staff: "staff admin owner platform_admin service_role",
  admins: "admin owner platform_admin service_role",
  owners: "owner platform_admin service_role",
  platform: "platform_admin service_role",
  service: "service_role",
} as const;

type Allowed = string;

interface Spec {
  table: string;
  /** Where clause of the row read, updated (and deleted unless deleteTarget is set). */
  target: (w: World) => string;
  deleteTarget?: (w: World) => string;
  select: Allowed;
  insert: { sql: (w: World) => string; allowed: Allowed };
  update: { set: string; allowed: Allowed };
  delete: Allowed;
}

const u = () => randomUUID().slice(0, 8);
const q = (id: string) => `'${id}'`;

const specs: Spec[] = [
  {
    table: "profiles",
    target: (w) => `id = ${q(w.users.member.id)}`,
    deleteTarget: (w) => `id = ${q(w.users.other2.id)}`,
    select: sets.signedIn,
    insert: {
      sql: (w) =>
        `insert into public.profiles (id, display_name) values (${q(w.users.orphan.id)}, 'Orphan')`,
      allowed: sets.service,
    },
    update: { set: "display_name = 'Renamed'", allowed: "member platform_admin service_role" },
    delete: sets.service,
  },
  {
    table: "profile_contacts",
    target: (w) => `profile_id = ${q(w.users.member.id)}`,
    select: "member platform_admin service_role",
    insert: {
      sql: (w) =>
        `insert into public.profile_contacts (profile_id, phone) values (${q(w.users.other.id)}, '+62 1234')`,
      allowed: sets.service,
    },
    update: { set: "phone = '+62 555 0101'", allowed: "member platform_admin service_role" },
    delete: sets.service,
  },
  {
    // The member's suspension, scheduled a year ahead (world.ts): the person reads it, only
    // platform admins write it.
    table: "profile_suspensions",
    target: (w) => `profile_id = ${q(w.users.member.id)}`,
    select: "member platform_admin service_role",
    insert: {
      sql: (w) =>
        `insert into public.profile_suspensions (profile_id, reason) values (${q(w.users.other.id)}, 'spam')`,
      allowed: sets.platform,
    },
    update: { set: "reason = 'changed'", allowed: sets.platform },
    delete: sets.platform,
  },
  {
    table: "platform_admins",
    target: (w) => `user_id = ${q(w.users.platformAdmin.id)}`,
    deleteTarget: (w) => `user_id = ${q(w.users.platformAdmin2.id)}`,
    select: sets.platform,
    insert: {
      sql: (w) => `insert into public.platform_admins (user_id) values (${q(w.users.other.id)})`,
      allowed: sets.platform,
    },
    update: { set: "note = 'changed'", allowed: sets.service },
    delete: sets.platform,
  },
  {
    table: "organizations",
    target: (w) => `id = ${q(w.orgZ)}`,
    select: sets.signedIn,
    insert: {
      sql: (w) =>
        `insert into public.organizations (slug, display_name, created_by) values ('new-${u()}', 'New', coalesce(auth.uid(), ${q(w.users.owner.id)}))`,
      allowed: sets.signedIn,
    },
    update: { set: "description = 'changed'", allowed: sets.admins },
    delete: sets.owners,
  },
  {
    table: "organization_members",
    target: (w) => `organization_id = ${q(w.orgA)} and user_id = ${q(w.users.member.id)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.organization_members (organization_id, user_id) values (${q(w.orgA)}, ${q(w.users.other.id)})`,
      allowed: sets.platform,
    },
    update: { set: "role = 'staff'", allowed: sets.admins },
    delete: "member admin owner platform_admin service_role",
  },
  {
    table: "organization_invitations",
    target: (w) => `id = ${q(w.codeInvitation)}`,
    select: sets.admins,
    insert: {
      sql: (w) =>
        `insert into public.organization_invitations (organization_id, invited_by) values (${q(w.orgA)}, ${q(w.users.admin.id)})`,
      allowed: sets.service,
    },
    update: { set: "message = 'changed'", allowed: sets.service },
    delete: sets.admins,
  },
  {
    table: "events",
    target: (w) => `id = ${q(w.eventDraft)}`,
    select: sets.staff,
    insert: {
      sql: (w) =>
        `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at) values (${q(w.orgA)}, 'ev-${u()}', 'New', 'Hall', now() + interval '1 day', now() + interval '2 days')`,
      allowed: sets.staff,
    },
    update: { set: "title = 'Renamed draft'", allowed: sets.staff },
    delete: sets.admins,
  },
  {
    table: "event_join_details",
    target: (w) => `event_id = ${q(w.eventPub)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.event_join_details (event_id, join_url) values (${q(w.eventDraft)}, 'https://meet.example.test/x')`,
      allowed: sets.staff,
    },
    update: { set: "passcode = 'secret'", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "event_sessions",
    target: (w) => `id = ${q(w.session)}`,
    select: sets.all,
    insert: {
      sql: (w) =>
        `insert into public.event_sessions (event_id, title, starts_at, ends_at) values (${q(w.eventPub)}, 'Extra', now() + interval '10 days', now() + interval '11 days')`,
      allowed: sets.staff,
    },
    update: { set: "title = 'Renamed session'", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "event_references",
    target: (w) => `event_id = ${q(w.eventPub)}`,
    select: sets.all,
    insert: {
      sql: (w) =>
        `insert into public.event_references (event_id, title, url) values (${q(w.eventPub)}, 'More', 'https://example.test/more')`,
      allowed: sets.staff,
    },
    update: { set: "title = 'Renamed reference'", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "event_media",
    target: (w) => `event_id = ${q(w.eventPub)}`,
    select: sets.all,
    insert: {
      sql: (w) =>
        `insert into public.event_media (event_id, storage_path) values (${q(w.eventPub)}, '${w.eventPub}/${u()}.jpg')`,
      allowed: sets.staff,
    },
    update: { set: "caption = 'New caption'", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "event_registrations",
    target: (w) => `id = ${q(w.registration)}`,
    deleteTarget: (w) => `id = ${q(w.cancelledRegistration)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.event_registrations (event_id, user_id, status, confirmed_at) values (${q(w.eventPub)}, ${q(w.users.unrelated.id)}, 'confirmed', now())`,
      allowed: sets.service,
    },
    update: { set: "cancellation_reason = 'x'", allowed: sets.service },
    delete: sets.service,
  },
  {
    table: "event_check_ins",
    target: (w) => `id = ${q(w.checkIn)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.event_check_ins (registration_id, event_id, session_id, user_id, checked_in_at) values (${q(w.registration2)}, ${q(w.eventPub)}, ${q(w.session)}, ${q(w.users.other.id)}, now())`,
      allowed: sets.service,
    },
    update: { set: "device_id = 'x'", allowed: sets.service },
    delete: sets.service,
  },
  {
    table: "certificate_templates",
    target: (w) => `id = ${q(w.template)}`,
    select: sets.staff,
    insert: {
      sql: (w) =>
        `insert into public.certificate_templates (organization_id, name) values (${q(w.orgA)}, 'Another')`,
      allowed: sets.admins,
    },
    update: { set: "signatory_name = 'Someone'", allowed: sets.admins },
    delete: sets.admins,
  },
  {
    table: "certificates",
    target: (w) => `id = ${q(w.certificate)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.certificates (certificate_number, verification_code, organization_id, holder_id, holder_name, registration_id, title, achieved_at)
         values ('T-${u()}', 'TEST-${u().slice(0, 4).toUpperCase()}-${u().slice(0, 4).toUpperCase()}', ${q(w.orgA)}, ${q(w.users.other.id)}, 'Other', ${q(w.registration2)}, 'T', now())`,
      allowed: sets.service,
    },
    update: { set: "revocation_reason = 'x', revoked_at = now()", allowed: sets.service },
    delete: sets.service,
  },
  {
    table: "courses",
    target: (w) => `id = ${q(w.courseDraft)}`,
    select: sets.staff,
    insert: {
      sql: (w) =>
        `insert into public.courses (organization_id, slug, title) values (${q(w.orgA)}, 'course-${u()}', 'New course')`,
      allowed: sets.staff,
    },
    update: { set: "summary = 'changed'", allowed: sets.staff },
    delete: sets.admins,
  },
  {
    table: "course_modules",
    target: (w) => `id = ${q(w.module)}`,
    select: sets.all,
    insert: {
      sql: (w) =>
        `insert into public.course_modules (course_id, title) values (${q(w.courseA)}, 'Another module')`,
      allowed: sets.staff,
    },
    update: { set: "title = 'Renamed module'", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "course_lessons",
    target: (w) => `id = ${q(w.lesson)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.course_lessons (module_id, title) values (${q(w.module)}, 'Another lesson')`,
      allowed: sets.staff,
    },
    update: { set: "content = 'changed'", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "course_enrollments",
    target: (w) => `id = ${q(w.enrollment)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.course_enrollments (course_id, user_id, status) values (${q(w.courseA)}, ${q(w.users.other.id)}, 'active')`,
      allowed: sets.service,
    },
    update: { set: "lessons_completed = 5", allowed: sets.service },
    delete: sets.service,
  },
  {
    table: "lesson_progress",
    target: (w) => `enrollment_id = ${q(w.enrollment)} and lesson_id = ${q(w.lesson)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.lesson_progress (enrollment_id, lesson_id, user_id) values (${q(w.enrollment)}, ${q(w.lesson2)}, ${q(w.users.member.id)})`,
      allowed: sets.service,
    },
    update: { set: "completed_at = now() - interval '1 day'", allowed: sets.service },
    delete: sets.service,
  },
  {
    table: "assessments",
    target: (w) => `id = ${q(w.assessment)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.assessments (course_id, title) values (${q(w.courseA)}, 'Another quiz')`,
      allowed: sets.staff,
    },
    update: { set: "pass_mark_percent = 50", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "assessment_questions",
    target: (w) => `id = ${q(w.question)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.assessment_questions (assessment_id, prompt) values (${q(w.assessment)}, 'Another?')`,
      allowed: sets.staff,
    },
    update: { set: "points = 2", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "assessment_choices",
    target: (w) => `id = ${q(w.choice)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.assessment_choices (question_id, label) values (${q(w.question)}, 'Maybe')`,
      allowed: sets.staff,
    },
    update: { set: "label = 'Relabelled'", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    // The answer key: hidden from learners (the member is enrolled).
    table: "assessment_correct_choices",
    target: (w) => `choice_id = ${q(w.choice)}`,
    select: sets.staff,
    insert: {
      sql: (w) =>
        `insert into public.assessment_correct_choices (choice_id) values (${q(w.choice2)})`,
      allowed: sets.staff,
    },
    update: { set: "choice_id = choice_id", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    table: "assessment_attempts",
    target: (w) => `id = ${q(w.attempt)}`,
    select: sets.members,
    insert: {
      sql: (w) =>
        `insert into public.assessment_attempts (assessment_id, enrollment_id, user_id, attempt_number, answers, score_points, max_points, score_percent, passed)
         values (${q(w.assessment)}, ${q(w.enrollment)}, ${q(w.users.member.id)}, 2, '{}', 1, 1, 100, true)`,
      allowed: sets.service,
    },
    update: { set: "passed = true", allowed: sets.service },
    delete: sets.service,
  },
  {
    table: "learning_paths",
    target: (w) => `id = ${q(w.path)}`,
    select: sets.all,
    insert: {
      sql: (w) =>
        `insert into public.learning_paths (organization_id, slug, title) values (${q(w.orgA)}, 'path-${u()}', 'New path')`,
      allowed: sets.staff,
    },
    update: { set: "description = 'changed'", allowed: sets.staff },
    delete: sets.admins,
  },
  {
    table: "learning_path_courses",
    target: (w) => `learning_path_id = ${q(w.path)} and course_id = ${q(w.courseA)}`,
    select: sets.all,
    insert: {
      sql: (w) =>
        `insert into public.learning_path_courses (learning_path_id, course_id) values (${q(w.path)}, ${q(w.courseDraft)})`,
      allowed: sets.staff,
    },
    update: { set: "position = 3", allowed: sets.staff },
    delete: sets.staff,
  },
  {
    // A self-reported entry of the member: not the organization's, so its staff do not see it.
    table: "cpd_credit_entries",
    target: (w) => `id = ${q(w.cpdEntry)}`,
    select: "member platform_admin service_role",
    insert: {
      sql: (w) =>
        `insert into public.cpd_credit_entries (user_id, activity_title, credits, earned_at) values (coalesce(auth.uid(), ${q(w.users.member.id)}), 'Webinar', 1, now())`,
      allowed: sets.signedIn,
    },
    update: { set: "credits = 2", allowed: "member service_role" },
    delete: "member service_role",
  },
];

const isAllowed = (allowed: Allowed, role: Role) => allowed.split(" ").includes(role);

/** Runs `statement` as `role`; answers how many rows it touched, or the refusal error code. */
async function attempt(
  role: Role,
  statement: string,
): Promise<{ rows: number } | { code: string; message: string }> {
  try {
    return await stack.db.asRole(w.claims[role], async (client) => {
      const result = await client.query(statement);
      return { rows: result.rowCount ?? 0 };
    });
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
}

for (const spec of specs) {
  describe(`RLS: ${spec.table}`, () => {
    for (const role of roles) {
      it(`${role} ${isAllowed(spec.select, role) ? "reads" : "cannot read"} the row`, async () => {
        const result = await attempt(
          role,
          `select 1 from public.${spec.table} where ${spec.target(w)}`,
        );
        if (isAllowed(spec.select, role)) expect(result).toEqual({ rows: 1 });
        else
          expect(result).toSatisfy(
            (r: { rows?: number; code?: string }) => r.rows === 0 || r.code === "42501",
          );
      });

      it(`${role} ${isAllowed(spec.insert.allowed, role) ? "inserts" : "cannot insert"}`, async () => {
        const result = await attempt(role, spec.insert.sql(w));
        if (isAllowed(spec.insert.allowed, role)) expect(result).toEqual({ rows: 1 });
        else expect(result).toMatchObject({ code: "42501" });
      });

      it(`${role} ${isAllowed(spec.update.allowed, role) ? "updates" : "cannot update"} the row`, async () => {
        const result = await attempt(
          role,
          `update public.${spec.table} set ${spec.update.set} where ${spec.target(w)}`,
        );
        if (isAllowed(spec.update.allowed, role)) expect(result).toEqual({ rows: 1 });
        else
          expect(result).toSatisfy(
            (r: { rows?: number; code?: string }) => r.rows === 0 || r.code === "42501",
          );
      });

      it(`${role} ${isAllowed(spec.delete, role) ? "deletes" : "cannot delete"} the row`, async () => {
        const result = await attempt(
          role,
          `delete from public.${spec.table} where ${(spec.deleteTarget ?? spec.target)(w)}`,
        );
        if (isAllowed(spec.delete, role)) expect(result).toEqual({ rows: 1 });
        else
          expect(result).toSatisfy(
            (r: { rows?: number; code?: string }) => r.rows === 0 || r.code === "42501",
          );
      });
    }
  });
}

// Column-level rules of a person's data (sql/README.md, "Profiles: who sees which column"): each
// column of the member's rows, read by name, as the person, other members, staff, a platform
// admin, anon and the service role. A row policy cannot hide a column, so private columns live in
// owner-and-admin tables and `profiles` holds public ones only.
const publicProfileColumns = [
  "id",
  "display_name",
  "avatar_url",
  "headline",
  "bio",
  "city",
  "verification_status",
  "verified_at",
  "created_at",
  "updated_at",
];
const columnSpecs = [
  ...publicProfileColumns.map((column) => ({
    table: "profiles",
    key: "id",
    column,
    readers: sets.signedIn,
  })),
  ...["phone", "address_line1", "address_line2", "postal_code", "region", "country_code"].map(
    (column) => ({
      table: "profile_contacts",
      key: "profile_id",
      column,
      readers: "member platform_admin service_role",
    }),
  ),
  ...["suspended_at", "suspended_until", "reason", "suspended_by"].map((column) => ({
    table: "profile_suspensions",
    key: "profile_id",
    column,
    readers: "member platform_admin service_role",
  })),
];
const columnReaders = [
  "anon",
  "unrelated",
  "staff",
  "member",
  "platform_admin",
  "service_role",
] as const;

describe("RLS: who reads which column of a person", () => {
  for (const spec of columnSpecs) {
    for (const role of columnReaders) {
      const allowed = isAllowed(spec.readers, role);
      it(`${spec.table}.${spec.column}: ${role} ${allowed ? "reads" : "cannot read"} the member's`, async () => {
        const statement = `select ${spec.column} from public.${spec.table} where ${spec.key} = '${w.users.member.id}'`;
        const result = await attempt(role, statement);
        if (allowed) expect(result).toEqual({ rows: 1 });
        else
          expect(result).toSatisfy(
            (r: { rows?: number; code?: string }) => r.rows === 0 || r.code === "42501",
          );
      });
    }
  }

  it("select * of another person's profile gives exactly the public columns", async () => {
    const columns = await stack.db.asRole(w.claims.unrelated, async (client) => {
      const result = await client.query(
        `select * from public.profiles where id = '${w.users.member.id}'`,
      );
      return result.fields.map((field) => field.name);
    });
    expect(columns.sort()).toEqual([...publicProfileColumns].sort());
  });

  it("no column of profiles is left out of the list above (a new one must be placed)", async () => {
    const columns = await stack.db.sql<{ name: string }>(
      `select attname as name from pg_catalog.pg_attribute where attrelid = 'public.profiles'::regclass and attnum > 0 and not attisdropped`,
    );
    expect(columns.map((c) => c.name).sort()).toEqual([...publicProfileColumns].sort());
  });
});

describe("RLS: the rest of each table's rules", () => {
  const visible = async (role: Role, table: string, where: string) =>
    (await attempt(role, `select 1 from public.${table} where ${where}`)) as { rows: number };

  it("published events, their organizer and published courses are public; drafts are not", async () => {
    expect(await visible("anon", "events", `id = '${w.eventPub}'`)).toEqual({ rows: 1 });
    expect(await visible("anon", "organizations", `id = '${w.orgA}'`)).toEqual({ rows: 1 });
    expect(await visible("anon", "organizations", `id = '${w.orgZ}'`)).toEqual({ rows: 0 });
    expect(await visible("anon", "courses", `id = '${w.courseA}'`)).toEqual({ rows: 1 });
    expect(await visible("unrelated", "events", `id = '${w.eventDraft}'`)).toEqual({ rows: 0 });
  });

  it("lessons of a published course are visible as previews only", async () => {
    await stack.db.sql(`update public.course_lessons set is_preview = true where id = $1`, [
      w.lesson2,
    ]);
    try {
      expect(await visible("anon", "course_lessons", `id = '${w.lesson2}'`)).toEqual({ rows: 1 });
      expect(await visible("unrelated", "course_lessons", `id = '${w.lesson2}'`)).toEqual({
        rows: 1,
      });
      expect(await visible("unrelated", "course_lessons", `id = '${w.lesson}'`)).toEqual({
        rows: 0,
      });
    } finally {
      await stack.db.sql(`update public.course_lessons set is_preview = false where id = $1`, [
        w.lesson2,
      ]);
    }
  });

  it("a member cannot edit an earned CPD entry, only self-reported ones", async () => {
    const result = await attempt(
      "member",
      `update public.cpd_credit_entries set credits = 99 where id = '${w.earnedEntry}'`,
    );
    expect(result).toEqual({ rows: 0 });
    const insert = await attempt(
      "member",
      `insert into public.cpd_credit_entries (user_id, source, activity_title, credits, earned_at) values (auth.uid(), 'event_attendance', 'Fake', 50, now())`,
    );
    expect(insert).toMatchObject({ code: "42501" });
    const other = await attempt(
      "member",
      `insert into public.cpd_credit_entries (user_id, activity_title, credits, earned_at) values ('${w.users.other.id}', 'For someone else', 1, now())`,
    );
    expect(other).toMatchObject({ code: "42501" });
  });

  it("guarded profile columns: the owner cannot verify themselves; a platform admin can", async () => {
    const self = await attempt(
      "member",
      `update public.profiles set verification_status = 'verified' where id = '${w.users.member.id}'`,
    );
    expect(self).toMatchObject({ code: "42501" });
    const admin = await attempt(
      "platform_admin",
      `update public.profiles set verification_status = 'verified' where id = '${w.users.member.id}'`,
    );
    expect(admin).toEqual({ rows: 1 });
  });

  it("guarded counters and ownership of organizations and events", async () => {
    expect(
      await attempt(
        "owner",
        `update public.organizations set member_count = 100 where id = '${w.orgA}'`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "owner",
        `update public.organizations set is_verified = true where id = '${w.orgA}'`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "platform_admin",
        `update public.organizations set is_verified = true where id = '${w.orgA}'`,
      ),
    ).toEqual({ rows: 1 });
    expect(
      await attempt(
        "staff",
        `update public.events set confirmed_count = 0 where id = '${w.eventPub}'`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "staff",
        `update public.events set organization_id = '${w.orgZ}' where id = '${w.eventPub}'`,
      ),
    ).toMatchObject({ code: "42501" });
  });

  it("role rules: an admin cannot make an owner or demote one; the last owner cannot leave", async () => {
    expect(
      await attempt(
        "admin",
        `update public.organization_members set role = 'owner' where organization_id = '${w.orgA}' and user_id = '${w.users.member.id}'`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "admin",
        `update public.organization_members set role = 'admin' where organization_id = '${w.orgA}' and user_id = '${w.users.owner.id}'`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "owner",
        `delete from public.organization_members where organization_id = '${w.orgA}' and user_id = '${w.users.owner.id}'`,
      ),
    ).toMatchObject({ code: "PT409", message: "an organization must keep at least one owner" });
    expect(
      await attempt(
        "owner",
        `update public.organization_members set role = 'member' where organization_id = '${w.orgA}' and user_id = '${w.users.owner.id}'`,
      ),
    ).toMatchObject({ code: "PT409" });
    // With a second owner, the first may step down.
    const stepDown = await stack.db.asRole(w.claims.owner, async (client) => {
      await client.query(
        `update public.organization_members set role = 'owner' where organization_id = '${w.orgA}' and user_id = '${w.users.admin.id}'`,
      );
      return (
        await client.query(
          `update public.organization_members set role = 'admin' where organization_id = '${w.orgA}' and user_id = '${w.users.owner.id}'`,
        )
      ).rowCount;
    });
    expect(stepDown).toBe(1);
  });

  it("storage: admins upload logos for their organization, others cannot; certificate PDFs are for holder and staff", async () => {
    const upload = (role: Role, bucket: string, name: string) =>
      attempt(
        role,
        `insert into storage.objects (bucket_id, name) values ('${bucket}', '${name}')`,
      );
    expect(await upload("admin", "organization-logos", `${w.orgA}/logo.png`)).toEqual({ rows: 1 });
    expect(await upload("staff", "organization-logos", `${w.orgA}/logo.png`)).toMatchObject({
      code: "42501",
    });
    expect(await upload("unrelated", "organization-logos", `${w.orgA}/logo.png`)).toMatchObject({
      code: "42501",
    });
    expect(await upload("staff", "event-media", `${w.eventPub}/photo.jpg`)).toEqual({ rows: 1 });
    expect(await upload("member", "event-media", `${w.eventPub}/photo.jpg`)).toMatchObject({
      code: "42501",
    });
    expect(await upload("admin", "certificates", `${w.orgA}/templates/signature.png`)).toEqual({
      rows: 1,
    });
    expect(await upload("admin", "certificates", `${w.orgA}/${w.certificate}.pdf`)).toMatchObject({
      code: "42501",
    });

    const pdf = `${w.orgA}/${w.certificate}.pdf`;
    await stack.db.sql(
      `insert into storage.objects (bucket_id, name) values ('certificates', $1)`,
      [pdf],
    );
    await stack.db.sql(`select public.attach_certificate_pdf($1, $2)`, [w.certificate, pdf]);
    const read = (role: Role) =>
      attempt(
        role,
        `select 1 from storage.objects where bucket_id = 'certificates' and name = '${pdf}'`,
      );
    expect(await read("member")).toEqual({ rows: 1 });
    expect(await read("staff")).toEqual({ rows: 1 });
    expect(await read("unrelated")).toEqual({ rows: 0 });
    expect(await read("anon")).toEqual({ rows: 0 });
  });
});
