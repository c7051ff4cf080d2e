// A small world for the RLS matrix: one organization with a person in each role, an empty
// organization with the same people (for deleting an organization), published and draft events,
// a registration that was checked in and certified, a course with an assessment, a learning path
// and CPD entries. Built as the superuser; every test runs in a transaction that is rolled back.

import { randomUUID } from "node:crypto";
import { anon, serviceRole, type Claims, type Db, type User } from "./helpers.ts";

export const roles = [
  "anon",
  "unrelated",
  "member",
  "staff",
  "admin",
  "owner",
  "platform_admin",
  "service_role",
] as const;
export type Role = (typeof roles)[number];

export interface World {
  claims: Record<Role, Claims>;
  users: Record<
    | "unrelated"
    | "member"
    | "staff"
    | "admin"
    | "owner"
    | "platformAdmin"
    | "platformAdmin2"
    | "other"
    | "other2"
    | "orphan",
    User
  >;
  orgA: string;
  orgZ: string;
  eventPub: string;
  eventDraft: string;
  session: string;
  registration: string;
  registration2: string;
  cancelledRegistration: string;
  checkIn: string;
  template: string;
  certificate: string;
  courseA: string;
  courseDraft: string;
  module: string;
  lesson: string;
  lesson2: string;
  assessment: string;
  question: string;
  choice: string;
  choice2: string;
  enrollment: string;
  attempt: string;
  path: string;
  cpdEntry: string;
  earnedEntry: string;
  codeInvitation: string;
}

export async function buildWorld(db: Db): Promise<World> {
  const names = [
    "unrelated",
    "member",
    "staff",
    "admin",
    "owner",
    "platformAdmin",
    "platformAdmin2",
    "other",
    "other2",
    "orphan",
  ] as const;
  const users = {} as World["users"];
  for (const name of names) users[name] = await db.createUser({ full_name: `World ${name}` });
  // A user whose profile is gone, so the service role can insert one.
  await db.sql("delete from public.profiles where id = $1", [users.orphan.id]);
  // And one without contact details, so the service role can insert those.
  await db.sql("delete from public.profile_contacts where profile_id = $1", [users.other.id]);
  // The member's full contact details and a suspension scheduled a year ahead (so the member is
  // still active): rows for the column-level rules of the person's private tables.
  await db.sql(
    `update public.profile_contacts
     set phone = '+62 21 555 0100', address_line1 = 'Jl. Sudirman 1', address_line2 = 'Lantai 2', postal_code = '10210', region = 'DKI Jakarta', country_code = 'ID'
     where profile_id = $1;
     insert into public.profile_suspensions (profile_id, suspended_at, suspended_until, reason, suspended_by)
     values ($1, now() + interval '1 year', now() + interval '2 years', 'scheduled: repeated spam', $2)`
      .replaceAll("$1", `'${users.member.id}'`)
      .replaceAll("$2", `'${users.platformAdmin.id}'`),
  );

  const id = () => randomUUID();
  const w = {
    users,
    orgA: id(),
    orgZ: id(),
    eventPub: id(),
    eventDraft: id(),
    session: id(),
    registration: id(),
    registration2: id(),
    cancelledRegistration: id(),
    template: id(),
    courseA: id(),
    courseDraft: id(),
    module: id(),
    lesson: id(),
    lesson2: id(),
    assessment: id(),
    question: id(),
    choice: id(),
    choice2: id(),
    path: id(),
    cpdEntry: id(),
    codeInvitation: id(),
  } as World;
  const u = users;
  const tag = randomUUID().slice(0, 8);

  await db.sql(
    `insert into public.platform_admins (user_id) values ($1), ($2);
     insert into public.organizations (id, slug, display_name, city, created_by) values
       ($3, 'world-a-${tag}', 'World A', 'Jakarta', $4),
       ($5, 'world-z-${tag}', 'World Z', 'Bandung', $4);
     insert into public.organization_members (organization_id, user_id, role)
     select o, m.user_id, m.role::public.organization_role
     from unnest(array[$3::uuid, $5::uuid]) as o,
       (values ($6::uuid, 'admin'), ($7::uuid, 'staff'), ($8::uuid, 'member')) as m (user_id, role);`
      .replaceAll("$1", `'${u.platformAdmin.id}'`)
      .replaceAll("$2", `'${u.platformAdmin2.id}'`)
      .replaceAll("$3", `'${w.orgA}'`)
      .replaceAll("$4", `'${u.owner.id}'`)
      .replaceAll("$5", `'${w.orgZ}'`)
      .replaceAll("$6", `'${u.admin.id}'`)
      .replaceAll("$7", `'${u.staff.id}'`)
      .replaceAll("$8", `'${u.member.id}'`),
  );

  await db.sql(
    `insert into public.organization_invitations (id, organization_id, role, invited_by) values ($1, $2, 'member', $3)`,
    [w.codeInvitation, w.orgA, u.admin.id],
  );

  await db.sql(
    `insert into public.certificate_templates (id, organization_id, name, is_default) values ($1, $2, 'World template', true)`,
    [w.template, w.orgA],
  );

  await db.sql(
    `insert into public.events (id, organization_id, slug, title, venue_name, starts_at, ends_at, capacity, status, cpd_credits)
     values
       ($1, $3, $4, 'World published event', 'Hall', now() + interval '10 days', now() + interval '10 days 4 hours', 10, 'published', 3),
       ($2, $3, $5, 'World draft event', 'Hall', now() + interval '20 days', now() + interval '20 days 4 hours', 10, 'draft', 0)`,
    [w.eventPub, w.eventDraft, w.orgA, `world-pub-${tag}`, `world-draft-${tag}`],
  );
  await db.sql(
    `insert into public.event_sessions (id, event_id, title, starts_at, ends_at) values ($1, $2, 'Only session', now() + interval '10 days', now() + interval '10 days 4 hours');
     insert into public.event_references (event_id, title, url) values ($2, 'Reading', 'https://example.test/reading');
     insert into public.event_media (event_id, storage_path) values ($2, $2 || '/cover.jpg');
     insert into public.event_join_details (event_id, join_url) values ($2, 'https://meet.example.test/world')`
      .replaceAll("$1", `'${w.session}'`)
      .replaceAll("$2", `'${w.eventPub}'`),
  );
  await db.sql(
    `insert into public.event_registrations (id, event_id, user_id, status, confirmed_at) values
       ($1, $4, $5, 'confirmed', now()),
       ($2, $4, $6, 'confirmed', now());
     insert into public.event_registrations (id, event_id, user_id, status, cancelled_at) values
       ($3, $4, $7, 'cancelled', now())`
      .replaceAll("$1", `'${w.registration}'`)
      .replaceAll("$2", `'${w.registration2}'`)
      .replaceAll("$3", `'${w.cancelledRegistration}'`)
      .replaceAll("$4", `'${w.eventPub}'`)
      .replaceAll("$5", `'${u.member.id}'`)
      .replaceAll("$6", `'${u.other.id}'`)
      .replaceAll("$7", `'${u.other2.id}'`),
  );
  const [checkIn] = await db.sql<{ id: string }>(
    `insert into public.event_check_ins (registration_id, event_id, session_id, user_id, checked_in_at)
     values ($1, $2, $3, $4, now()) returning id`,
    [w.registration, w.eventPub, w.session, u.member.id],
  );
  w.checkIn = checkIn!.id;
  const [certificate] = await db.sql<{ id: string }>(
    `select id from public.issue_certificate(p_registration_id => $1)`,
    [w.registration],
  );
  w.certificate = certificate!.id;
  const [earned] = await db.sql<{ id: string }>(
    `select id from public.cpd_credit_entries where registration_id = $1`,
    [w.registration],
  );
  w.earnedEntry = earned!.id;

  await db.sql(
    `insert into public.courses (id, organization_id, slug, title, status) values
       ($1, $3, $4, 'World course', 'published'),
       ($2, $3, $5, 'World draft course', 'draft')`,
    [w.courseA, w.courseDraft, w.orgA, `world-course-${tag}`, `world-draft-course-${tag}`],
  );
  await db.sql(
    `insert into public.course_modules (id, course_id, title) values ('${w.module}', '${w.courseA}', 'Module');
     insert into public.course_lessons (id, module_id, title) values ('${w.lesson}', '${w.module}', 'Lesson 1'), ('${w.lesson2}', '${w.module}', 'Lesson 2');
     insert into public.assessments (id, course_id, title) values ('${w.assessment}', '${w.courseA}', 'Quiz');
     insert into public.assessment_questions (id, assessment_id, prompt) values ('${w.question}', '${w.assessment}', 'Q?');
     insert into public.assessment_choices (id, question_id, label) values ('${w.choice}', '${w.question}', 'Right'), ('${w.choice2}', '${w.question}', 'Wrong');
     insert into public.assessment_correct_choices (choice_id) values ('${w.choice}');
     insert into public.learning_paths (id, organization_id, slug, title, status) values ('${w.path}', '${w.orgA}', 'world-path-${tag}', 'Path', 'published');
     insert into public.learning_path_courses (learning_path_id, course_id) values ('${w.path}', '${w.courseA}');`,
  );
  const [enrollment] = await db.sql<{ id: string }>(
    `insert into public.course_enrollments (course_id, user_id, status) values ($1, $2, 'active') returning id`,
    [w.courseA, u.member.id],
  );
  w.enrollment = enrollment!.id;
  await db.sql(
    `insert into public.lesson_progress (enrollment_id, lesson_id, user_id) values ($1, $2, $3)`,
    [w.enrollment, w.lesson, u.member.id],
  );
  const [attempt] = await db.sql<{ id: string }>(
    `insert into public.assessment_attempts (assessment_id, enrollment_id, user_id, attempt_number, answers, score_points, max_points, score_percent, passed)
     values ($1, $2, $3, 1, '{}', 0, 1, 0, false) returning id`,
    [w.assessment, w.enrollment, u.member.id],
  );
  w.attempt = attempt!.id;
  await db.sql(
    `insert into public.cpd_credit_entries (id, user_id, activity_title, credits, earned_at) values ($1, $2, 'Reading', 1.5, now())`,
    [w.cpdEntry, u.member.id],
  );

  w.claims = {
    anon,
    unrelated: u.unrelated.claims,
    member: u.member.claims,
    staff: u.staff.claims,
    admin: u.admin.claims,
    owner: u.owner.claims,
    platform_admin: u.platformAdmin.claims,
    service_role: serviceRole,
  };
  return w;
}
