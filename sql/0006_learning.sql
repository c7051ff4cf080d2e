-- Learning: courses of organizations with modules and lessons, enrollments (free or paid),
-- progress per lesson, assessments graded in the database (correct answers are never readable
-- by learners), completion, and learning paths of courses.

create type public.course_status as enum ('draft', 'published', 'archived');
create type public.enrollment_status as enum ('pending_payment', 'active', 'completed', 'cancelled', 'refunded');
create type public.question_kind as enum ('single_choice', 'multiple_choice');

create table public.courses (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete restrict,
  slug text not null,
  title text not null,
  summary text,
  description text,
  level public.skill_level not null default 'all_levels',
  status public.course_status not null default 'draft',
  price_amount integer not null default 0,
  currency text,
  is_free boolean generated always as (price_amount = 0) stored,
  cpd_credits numeric(6, 2) not null default 0,
  cpd_category text,
  cover_image_path text,
  lesson_count integer not null default 0,
  published_at timestamptz,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint courses_slug_key unique (slug),
  constraint courses_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  constraint courses_title_length check (char_length(title) between 1 and 250),
  constraint courses_price check (price_amount >= 0 and (price_amount = 0 or currency is not null)),
  constraint courses_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint courses_cpd_credits check (cpd_credits >= 0),
  constraint courses_lesson_count check (lesson_count >= 0)
);

comment on table public.courses is
  'A course of an organization. Published courses are visible to everyone; drafts to the organization''s staff; archived ones to staff and enrolled learners.';

create index courses_organization_id_idx on public.courses (organization_id, status);
create index courses_created_by_idx on public.courses (created_by);
create index courses_title_trgm on public.courses using gin (title extensions.gin_trgm_ops);

create trigger courses_updated_at
  before update on public.courses
  for each row execute function extensions.moddatetime(updated_at);

create table public.course_modules (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references public.courses (id) on delete cascade,
  organization_id uuid,
  title text not null,
  description text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint course_modules_title_length check (char_length(title) between 1 and 250)
);

create index course_modules_course_id_idx on public.course_modules (course_id, position);
create index course_modules_organization_id_idx on public.course_modules (organization_id);

create table public.course_lessons (
  id uuid primary key default gen_random_uuid(),
  module_id uuid not null references public.course_modules (id) on delete cascade,
  course_id uuid,
  organization_id uuid,
  title text not null,
  content text,
  video_url text,
  duration_minutes integer,
  is_preview boolean not null default false,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint course_lessons_title_length check (char_length(title) between 1 and 250),
  constraint course_lessons_video_url check (video_url ~ '^https?://'),
  constraint course_lessons_duration check (duration_minutes > 0)
);

comment on table public.course_lessons is
  'A lesson: visible to enrolled learners and staff, and to everyone when it is a preview of a published course.';

create index course_lessons_module_id_idx on public.course_lessons (module_id, position);
create index course_lessons_course_id_idx on public.course_lessons (course_id);
create index course_lessons_organization_id_idx on public.course_lessons (organization_id);

create trigger course_lessons_updated_at
  before update on public.course_lessons
  for each row execute function extensions.moddatetime(updated_at);

create table public.course_enrollments (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references public.courses (id) on delete cascade,
  organization_id uuid,
  user_id uuid not null references public.profiles (id) on delete cascade,
  status public.enrollment_status not null,
  price_amount integer not null default 0,
  currency text,
  paid_at timestamptz,
  payment_reference text,
  invoice_id uuid,
  lessons_completed integer not null default 0,
  enrolled_at timestamptz not null default now(),
  completed_at timestamptz,
  cancelled_at timestamptz,
  refunded_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint course_enrollments_price check (price_amount >= 0 and (price_amount = 0 or currency is not null)),
  constraint course_enrollments_completed_at check ((status = 'completed') = (completed_at is not null)),
  constraint course_enrollments_lessons_completed check (lessons_completed >= 0)
);

comment on table public.course_enrollments is
  'A learner in a course. Written by RPCs only: enroll_in_course, complete_lesson, submit_assessment_attempt, cancel_course_enrollment and the payment hook.';
comment on column public.course_enrollments.invoice_id is
  'The invoice paying for it; the payments domain adds the foreign key to its invoices table.';

create unique index course_enrollments_one_live
  on public.course_enrollments (course_id, user_id)
  where status in ('pending_payment', 'active', 'completed');
create index course_enrollments_user_id_idx on public.course_enrollments (user_id, status);
create index course_enrollments_organization_id_idx on public.course_enrollments (organization_id);

create trigger course_enrollments_updated_at
  before update on public.course_enrollments
  for each row execute function extensions.moddatetime(updated_at);

create table public.lesson_progress (
  enrollment_id uuid not null references public.course_enrollments (id) on delete cascade,
  lesson_id uuid not null references public.course_lessons (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  organization_id uuid,
  completed_at timestamptz not null default now(),
  primary key (enrollment_id, lesson_id)
);

create index lesson_progress_lesson_id_idx on public.lesson_progress (lesson_id);
create index lesson_progress_user_id_idx on public.lesson_progress (user_id);
create index lesson_progress_organization_id_idx on public.lesson_progress (organization_id);

create table public.assessments (
  id uuid primary key default gen_random_uuid(),
  course_id uuid not null references public.courses (id) on delete cascade,
  organization_id uuid,
  title text not null,
  description text,
  pass_mark_percent numeric(5, 2) not null default 70,
  max_attempts integer,
  is_required boolean not null default true,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint assessments_title_length check (char_length(title) between 1 and 250),
  constraint assessments_pass_mark check (pass_mark_percent between 0 and 100),
  constraint assessments_max_attempts check (max_attempts > 0)
);

comment on column public.assessments.max_attempts is 'Attempts a learner may submit; null is unlimited.';
comment on column public.assessments.is_required is 'Passing it is needed to complete the course.';

create index assessments_course_id_idx on public.assessments (course_id, position);
create index assessments_organization_id_idx on public.assessments (organization_id);

create trigger assessments_updated_at
  before update on public.assessments
  for each row execute function extensions.moddatetime(updated_at);

create table public.assessment_questions (
  id uuid primary key default gen_random_uuid(),
  assessment_id uuid not null references public.assessments (id) on delete cascade,
  organization_id uuid,
  prompt text not null,
  kind public.question_kind not null default 'single_choice',
  points integer not null default 1,
  position integer not null default 0,
  constraint assessment_questions_prompt_length check (char_length(prompt) between 1 and 4000),
  constraint assessment_questions_points check (points > 0)
);

create index assessment_questions_assessment_id_idx on public.assessment_questions (assessment_id, position);
create index assessment_questions_organization_id_idx on public.assessment_questions (organization_id);

create table public.assessment_choices (
  id uuid primary key default gen_random_uuid(),
  question_id uuid not null references public.assessment_questions (id) on delete cascade,
  organization_id uuid,
  label text not null,
  position integer not null default 0,
  constraint assessment_choices_label_length check (char_length(label) between 1 and 1000)
);

comment on table public.assessment_choices is 'The choices of a question. Which are correct is in assessment_correct_choices, which learners cannot read.';

create index assessment_choices_question_id_idx on public.assessment_choices (question_id, position);
create index assessment_choices_organization_id_idx on public.assessment_choices (organization_id);

-- The answer key: a row per correct choice. Staff only.
create table public.assessment_correct_choices (
  choice_id uuid primary key references public.assessment_choices (id) on delete cascade,
  question_id uuid,
  organization_id uuid
);

comment on table public.assessment_correct_choices is 'The answer key: one row per correct choice. Readable by the organization''s staff only.';

create index assessment_correct_choices_question_id_idx on public.assessment_correct_choices (question_id);
create index assessment_correct_choices_organization_id_idx on public.assessment_correct_choices (organization_id);

create table public.assessment_attempts (
  id uuid primary key default gen_random_uuid(),
  assessment_id uuid not null references public.assessments (id) on delete cascade,
  enrollment_id uuid not null references public.course_enrollments (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  organization_id uuid,
  attempt_number integer not null,
  answers jsonb not null,
  score_points integer not null,
  max_points integer not null,
  score_percent numeric(5, 2) not null,
  passed boolean not null,
  submitted_at timestamptz not null default now(),
  constraint assessment_attempts_number_key unique (enrollment_id, assessment_id, attempt_number),
  constraint assessment_attempts_number check (attempt_number > 0),
  constraint assessment_attempts_score check (score_points between 0 and max_points and score_percent between 0 and 100)
);

comment on table public.assessment_attempts is 'A graded attempt, written by submit_assessment_attempt() only.';

create index assessment_attempts_assessment_id_idx on public.assessment_attempts (assessment_id);
create index assessment_attempts_user_id_idx on public.assessment_attempts (user_id);
create index assessment_attempts_organization_id_idx on public.assessment_attempts (organization_id);

create table public.learning_paths (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  slug text not null,
  title text not null,
  description text,
  status public.course_status not null default 'draft',
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint learning_paths_slug_key unique (slug),
  constraint learning_paths_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  constraint learning_paths_title_length check (char_length(title) between 1 and 250)
);

create index learning_paths_organization_id_idx on public.learning_paths (organization_id, status);
create index learning_paths_created_by_idx on public.learning_paths (created_by);

create trigger learning_paths_updated_at
  before update on public.learning_paths
  for each row execute function extensions.moddatetime(updated_at);

create table public.learning_path_courses (
  learning_path_id uuid not null references public.learning_paths (id) on delete cascade,
  course_id uuid not null references public.courses (id) on delete cascade,
  organization_id uuid,
  position integer not null default 0,
  primary key (learning_path_id, course_id)
);

create index learning_path_courses_course_id_idx on public.learning_path_courses (course_id);
create index learning_path_courses_organization_id_idx on public.learning_path_courses (organization_id);

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

create trigger course_modules_organization
  before insert or update on public.course_modules
  for each row execute function private.inherit_organization_id('courses', 'course_id');
create trigger course_enrollments_organization
  before insert or update on public.course_enrollments
  for each row execute function private.inherit_organization_id('courses', 'course_id');
create trigger lesson_progress_organization
  before insert or update on public.lesson_progress
  for each row execute function private.inherit_organization_id('course_enrollments', 'enrollment_id');
create trigger assessments_organization
  before insert or update on public.assessments
  for each row execute function private.inherit_organization_id('courses', 'course_id');
create trigger assessment_questions_organization
  before insert or update on public.assessment_questions
  for each row execute function private.inherit_organization_id('assessments', 'assessment_id');
create trigger assessment_choices_organization
  before insert or update on public.assessment_choices
  for each row execute function private.inherit_organization_id('assessment_questions', 'question_id');
create trigger assessment_attempts_organization
  before insert or update on public.assessment_attempts
  for each row execute function private.inherit_organization_id('assessments', 'assessment_id');
create trigger learning_path_courses_organization
  before insert or update on public.learning_path_courses
  for each row execute function private.inherit_organization_id('learning_paths', 'learning_path_id');

-- A lesson takes course and organization from its module.
create function private.lesson_parents()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.module_id <> old.module_id then
    raise exception using errcode = '42501', message = 'module_id cannot be changed',
      hint = 'delete the lesson and create it in the other module';
  end if;
  select course_id, organization_id into new.course_id, new.organization_id
  from public.course_modules
  where id = new.module_id;
  return new;
end;
$$;

revoke all on function private.lesson_parents() from public;

create trigger course_lessons_parents
  before insert or update on public.course_lessons
  for each row execute function private.lesson_parents();

-- An answer-key row takes question and organization from its choice.
create function private.correct_choice_parents()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.choice_id <> old.choice_id then
    raise exception using errcode = '42501', message = 'choice_id cannot be changed';
  end if;
  select question_id, organization_id into new.question_id, new.organization_id
  from public.assessment_choices
  where id = new.choice_id;
  return new;
end;
$$;

revoke all on function private.correct_choice_parents() from public;

create trigger assessment_correct_choices_parents
  before insert or update on public.assessment_correct_choices
  for each row execute function private.correct_choice_parents();

-- A learning path holds courses of its own organization.
create function private.check_learning_path_course()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.courses where id = new.course_id and organization_id = new.organization_id) then
    raise exception using errcode = 'P0001', message = 'a learning path can only hold courses of its own organization';
  end if;
  return new;
end;
$$;

revoke all on function private.check_learning_path_course() from public;

create trigger learning_path_courses_same_organization
  after insert or update on public.learning_path_courses
  for each row execute function private.check_learning_path_course();

create function private.count_course_lessons()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.courses set lesson_count = lesson_count + 1 where id = new.course_id;
  else
    update public.courses set lesson_count = lesson_count - 1 where id = old.course_id;
  end if;
  return null;
end;
$$;

revoke all on function private.count_course_lessons() from public;

create trigger course_lessons_count
  after insert or delete on public.course_lessons
  for each row execute function private.count_course_lessons();

create function private.guard_course()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if not private.is_trusted() then
      new.created_by := (select auth.uid());
      new.lesson_count := 0;
    end if;
  elsif not private.is_trusted() and (
    new.organization_id <> old.organization_id
    or new.created_by is distinct from old.created_by
    or new.lesson_count <> old.lesson_count
    or new.created_at <> old.created_at
  ) then
    raise exception using errcode = '42501',
      message = 'organization_id, created_by and lesson_count of a course cannot be changed',
      hint = 'lesson_count is kept by the database';
  end if;
  if new.status = 'published' and (tg_op = 'INSERT' or old.status <> 'published') then
    new.published_at := coalesce(new.published_at, now());
  end if;
  return new;
end;
$$;

create trigger courses_guard
  before insert or update on public.courses
  for each row execute function private.guard_course();

-- ---------------------------------------------------------------------------------------------
-- Helpers for policies
-- ---------------------------------------------------------------------------------------------

-- Courses the current user is enrolled in (active or completed).
create function private.enrolled_course_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select course_id
  from public.course_enrollments
  where user_id = (select auth.uid())
    and status in ('active', 'completed')
$$;

create function private.enrolled_assessment_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.id
  from public.assessments a
  join public.course_enrollments e on e.course_id = a.course_id
  where e.user_id = (select auth.uid())
    and e.status in ('active', 'completed')
$$;

create function private.enrolled_question_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select q.id
  from public.assessment_questions q
  join public.assessments a on a.id = q.assessment_id
  join public.course_enrollments e on e.course_id = a.course_id
  where e.user_id = (select auth.uid())
    and e.status in ('active', 'completed')
$$;

revoke all on function private.enrolled_course_ids() from public;
revoke all on function private.enrolled_assessment_ids() from public;
revoke all on function private.enrolled_question_ids() from public;
grant execute on function private.enrolled_course_ids() to anon, authenticated, service_role;
grant execute on function private.enrolled_assessment_ids() to anon, authenticated, service_role;
grant execute on function private.enrolled_question_ids() to anon, authenticated, service_role;

-- Anonymous visitors may also read organizations with published courses or learning paths.
create or replace function private.public_organization_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select organization_id
  from public.events
  where status <> 'draft'
    and organization_id is not null
  union
  select organization_id
  from public.courses
  where status = 'published'
  union
  select organization_id
  from public.learning_paths
  where status = 'published'
$$;

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- Completes an active enrollment once every lesson is done and every required assessment passed.
create function private.refresh_enrollment_completion(p_enrollment_id uuid)
returns public.course_enrollments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_enrollment public.course_enrollments;
  v_lesson_count integer;
  v_required integer;
  v_passed integer;
begin
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id;
  if v_enrollment.status <> 'active' then
    return v_enrollment;
  end if;
  select lesson_count into v_lesson_count from public.courses where id = v_enrollment.course_id;
  select count(*) into v_required
  from public.assessments
  where course_id = v_enrollment.course_id
    and is_required;
  select count(distinct a.id) into v_passed
  from public.assessment_attempts t
  join public.assessments a on a.id = t.assessment_id
  where t.enrollment_id = p_enrollment_id
    and t.passed
    and a.is_required;
  if v_lesson_count + v_required > 0 and v_enrollment.lessons_completed >= v_lesson_count and v_passed >= v_required then
    update public.course_enrollments
    set status = 'completed', completed_at = now()
    where id = p_enrollment_id
    returning * into v_enrollment;
  end if;
  return v_enrollment;
end;
$$;

revoke all on function private.refresh_enrollment_completion(uuid) from public;

-- Enrolls the caller in a published course: active when free, pending payment when paid.
create function public.enroll_in_course(p_course_id uuid)
returns public.course_enrollments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_course public.courses;
  v_existing public.enrollment_status;
  v_enrollment public.course_enrollments;
begin
  select * into v_course from public.courses where id = p_course_id;
  if not found or (v_course.status <> 'published' and not private.can_manage(v_course.organization_id)) then
    raise exception using errcode = 'P0002', message = 'course not found';
  end if;
  if v_course.status <> 'published' then
    raise exception using errcode = 'P0001', message = format('this course is %s', v_course.status),
      hint = 'only published courses take enrollments';
  end if;
  -- Serializes two enrollments of the same person.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(p_course_id::text || v_user_id::text, 0));
  select status into v_existing
  from public.course_enrollments
  where course_id = p_course_id
    and user_id = v_user_id
    and status in ('pending_payment', 'active', 'completed');
  if found then
    raise exception using errcode = 'P0001', message = 'you are already enrolled in this course',
      hint = format('your enrollment is %s', v_existing);
  end if;
  insert into public.course_enrollments (course_id, user_id, status, price_amount, currency)
  values (
    p_course_id, v_user_id,
    case when v_course.is_free then 'active'::public.enrollment_status else 'pending_payment' end,
    v_course.price_amount, v_course.currency
  )
  returning * into v_enrollment;
  return v_enrollment;
end;
$$;

-- Cancels an enrollment that is pending payment or active: by the learner or the staff.
create function public.cancel_course_enrollment(p_enrollment_id uuid)
returns public.course_enrollments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_enrollment public.course_enrollments;
begin
  if (select auth.uid()) is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id for update;
  if not found or (v_enrollment.user_id <> (select auth.uid()) and not private.can_manage(v_enrollment.organization_id)) then
    raise exception using errcode = 'P0002', message = 'enrollment not found';
  end if;
  if v_enrollment.status not in ('pending_payment', 'active') then
    raise exception using errcode = 'P0001', message = format('this enrollment is %s', v_enrollment.status);
  end if;
  update public.course_enrollments
  set status = 'cancelled', cancelled_at = now()
  where id = p_enrollment_id
  returning * into v_enrollment;
  return v_enrollment;
end;
$$;

-- Payment hook (service role): a paid enrollment becomes active. Idempotent.
create function public.confirm_course_enrollment_payment(
  p_enrollment_id uuid,
  p_payment_reference text,
  p_invoice_id uuid default null
)
returns public.course_enrollments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_enrollment public.course_enrollments;
begin
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'enrollment not found';
  end if;
  if v_enrollment.paid_at is not null and v_enrollment.status in ('active', 'completed') then
    return v_enrollment;
  end if;
  if v_enrollment.status <> 'pending_payment' then
    raise exception using errcode = 'P0001',
      message = format('cannot confirm a payment for a %s enrollment', v_enrollment.status),
      hint = 'refund the payment';
  end if;
  update public.course_enrollments
  set status = 'active', paid_at = now(), payment_reference = p_payment_reference,
    invoice_id = coalesce(p_invoice_id, invoice_id)
  where id = p_enrollment_id
  returning * into v_enrollment;
  return v_enrollment;
end;
$$;

-- Marks a lesson done for the caller (idempotent) and completes the course when it was the last
-- thing missing. Returns the enrollment.
create function public.complete_lesson(p_lesson_id uuid)
returns public.course_enrollments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_lesson public.course_lessons;
  v_enrollment public.course_enrollments;
  v_inserted integer;
begin
  select * into v_lesson from public.course_lessons where id = p_lesson_id;
  if not found then
    raise exception using errcode = 'P0002', message = 'lesson not found';
  end if;
  select * into v_enrollment
  from public.course_enrollments
  where course_id = v_lesson.course_id
    and user_id = v_user_id
    and status in ('active', 'completed')
  for update;
  if not found then
    raise exception using errcode = '42501', message = 'you are not enrolled in this course',
      hint = 'enroll (and pay, for a paid course) first';
  end if;
  insert into public.lesson_progress (enrollment_id, lesson_id, user_id)
  values (v_enrollment.id, p_lesson_id, v_user_id)
  on conflict do nothing;
  get diagnostics v_inserted = row_count;
  if v_inserted > 0 then
    update public.course_enrollments
    set lessons_completed = lessons_completed + 1
    where id = v_enrollment.id;
  end if;
  return private.refresh_enrollment_completion(v_enrollment.id);
end;
$$;

-- Grades an attempt. p_answers maps question ids to arrays of chosen choice ids:
--   {"<question id>": ["<choice id>"], …}
-- A question scores its points when the chosen set equals its answer key; unanswered questions
-- score nothing. Refused once passed or when the attempts are used up. The answer key is never
-- returned: only the score and whether it passed.
create function public.submit_assessment_attempt(p_assessment_id uuid, p_answers jsonb)
returns public.assessment_attempts
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_assessment public.assessments;
  v_enrollment public.course_enrollments;
  v_attempts integer;
  v_key text;
  v_value jsonb;
  v_question public.assessment_questions;
  v_max integer;
  v_score integer;
  v_percent numeric(5, 2);
  v_attempt public.assessment_attempts;
begin
  select * into v_assessment from public.assessments where id = p_assessment_id;
  if not found then
    raise exception using errcode = 'P0002', message = 'assessment not found';
  end if;
  select * into v_enrollment
  from public.course_enrollments
  where course_id = v_assessment.course_id
    and user_id = v_user_id
    and status in ('active', 'completed')
  for update;
  if not found then
    raise exception using errcode = '42501', message = 'you are not enrolled in this course',
      hint = 'enroll (and pay, for a paid course) first';
  end if;
  if exists (select 1 from public.assessment_attempts where enrollment_id = v_enrollment.id and assessment_id = p_assessment_id and passed) then
    raise exception using errcode = 'P0001', message = 'you have already passed this assessment';
  end if;
  select count(*) into v_attempts
  from public.assessment_attempts
  where enrollment_id = v_enrollment.id
    and assessment_id = p_assessment_id;
  if v_assessment.max_attempts is not null and v_attempts >= v_assessment.max_attempts then
    raise exception using errcode = 'P0001', message = 'no attempts left for this assessment',
      hint = format('the limit is %s attempts', v_assessment.max_attempts);
  end if;

  if pg_catalog.jsonb_typeof(p_answers) is distinct from 'object' then
    raise exception using errcode = '22023', message = 'p_answers must be a JSON object of question id → array of choice ids';
  end if;
  for v_key, v_value in select key, value from pg_catalog.jsonb_each(p_answers) loop
    select * into v_question
    from public.assessment_questions
    where id = private.try_uuid(v_key)
      and assessment_id = p_assessment_id;
    if not found then
      raise exception using errcode = '22023', message = format('%s is not a question of this assessment', v_key);
    end if;
    if pg_catalog.jsonb_typeof(v_value) is distinct from 'array' then
      raise exception using errcode = '22023', message = format('the answer to question %s must be an array of choice ids', v_key);
    end if;
    if v_question.kind = 'single_choice' and pg_catalog.jsonb_array_length(v_value) > 1 then
      raise exception using errcode = '22023', message = format('question %s takes a single choice', v_key);
    end if;
    if exists (
      select 1
      from pg_catalog.jsonb_array_elements_text(v_value) as chosen (id)
      where not exists (
        select 1
        from public.assessment_choices c
        where c.id = private.try_uuid(chosen.id)
          and c.question_id = v_question.id
      )
    ) then
      raise exception using errcode = '22023', message = format('an answer to question %s is not one of its choices', v_key);
    end if;
  end loop;

  select
    coalesce(sum(q.points), 0),
    coalesce(sum(q.points) filter (
      where coalesce((
        select pg_catalog.array_agg(distinct private.try_uuid(chosen.id) order by private.try_uuid(chosen.id))
        from pg_catalog.jsonb_array_elements_text(coalesce(p_answers -> q.id::text, '[]'::jsonb)) as chosen (id)
      ), '{}') = coalesce((
        select pg_catalog.array_agg(k.choice_id order by k.choice_id)
        from public.assessment_correct_choices k
        where k.question_id = q.id
      ), '{}')
    ), 0)
  into v_max, v_score
  from public.assessment_questions q
  where q.assessment_id = p_assessment_id;

  if v_max = 0 then
    raise exception using errcode = 'P0001', message = 'this assessment has no questions yet';
  end if;
  v_percent := round(100.0 * v_score / v_max, 2);

  insert into public.assessment_attempts (
    assessment_id, enrollment_id, user_id, attempt_number, answers, score_points, max_points, score_percent, passed
  )
  values (
    p_assessment_id, v_enrollment.id, v_user_id, v_attempts + 1, p_answers, v_score, v_max, v_percent,
    v_percent >= v_assessment.pass_mark_percent
  )
  returning * into v_attempt;
  perform private.refresh_enrollment_completion(v_enrollment.id);
  return v_attempt;
end;
$$;

-- The caller's progress along a learning path: each course in order with their enrollment.
create function public.learning_path_progress(p_learning_path_id uuid)
returns table (
  "position" integer,
  course_id uuid,
  course_title text,
  enrollment_id uuid,
  enrollment_status public.enrollment_status,
  lessons_completed integer,
  lesson_count integer,
  completed_at timestamptz
)
language sql
stable
security invoker
set search_path = ''
as $$
  select
    lpc.position,
    c.id,
    c.title,
    e.id,
    e.status,
    coalesce(e.lessons_completed, 0),
    c.lesson_count,
    e.completed_at
  from public.learning_path_courses lpc
  join public.courses c on c.id = lpc.course_id
  left join lateral (
    select ce.*
    from public.course_enrollments ce
    where ce.course_id = c.id
      and ce.user_id = (select auth.uid())
    order by ce.enrolled_at desc
    limit 1
  ) e on true
  where lpc.learning_path_id = p_learning_path_id
  order by lpc.position, c.title
$$;

revoke all on function public.enroll_in_course(uuid) from public, anon;
revoke all on function public.cancel_course_enrollment(uuid) from public, anon;
revoke all on function public.confirm_course_enrollment_payment(uuid, text, uuid) from public, anon, authenticated;
revoke all on function public.complete_lesson(uuid) from public, anon;
revoke all on function public.submit_assessment_attempt(uuid, jsonb) from public, anon;
revoke all on function public.learning_path_progress(uuid) from public, anon;
grant execute on function public.enroll_in_course(uuid) to authenticated, service_role;
grant execute on function public.cancel_course_enrollment(uuid) to authenticated, service_role;
grant execute on function public.confirm_course_enrollment_payment(uuid, text, uuid) to service_role;
grant execute on function public.complete_lesson(uuid) to authenticated, service_role;
grant execute on function public.submit_assessment_attempt(uuid, jsonb) to authenticated, service_role;
grant execute on function public.learning_path_progress(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.courses, public.course_modules, public.course_lessons, public.course_enrollments,
  public.lesson_progress, public.assessments, public.assessment_questions, public.assessment_choices,
  public.assessment_correct_choices, public.assessment_attempts, public.learning_paths,
  public.learning_path_courses
  from anon, authenticated;
grant all on public.courses, public.course_modules, public.course_lessons, public.course_enrollments,
  public.lesson_progress, public.assessments, public.assessment_questions, public.assessment_choices,
  public.assessment_correct_choices, public.assessment_attempts, public.learning_paths,
  public.learning_path_courses
  to service_role;
grant select on public.courses, public.course_modules, public.course_lessons, public.learning_paths,
  public.learning_path_courses
  to anon;
grant select, insert, update, delete on public.courses, public.course_modules, public.course_lessons,
  public.assessments, public.assessment_questions, public.assessment_choices, public.assessment_correct_choices,
  public.learning_paths, public.learning_path_courses
  to authenticated;
grant select on public.course_enrollments, public.lesson_progress, public.assessment_attempts to authenticated;

alter table public.courses enable row level security;
alter table public.course_modules enable row level security;
alter table public.course_lessons enable row level security;
alter table public.course_enrollments enable row level security;
alter table public.lesson_progress enable row level security;
alter table public.assessments enable row level security;
alter table public.assessment_questions enable row level security;
alter table public.assessment_choices enable row level security;
alter table public.assessment_correct_choices enable row level security;
alter table public.assessment_attempts enable row level security;
alter table public.learning_paths enable row level security;
alter table public.learning_path_courses enable row level security;

-- Courses.
create policy "courses: anonymous visitors read published courses"
  on public.courses for select to anon
  using (status = 'published');

create policy "courses: signed-in users read published, enrolled and own organization's courses"
  on public.courses for select to authenticated
  using (
    status = 'published'
    or id in (select private.enrolled_course_ids())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "courses: staff create"
  on public.courses for insert to authenticated
  with check (
    (select private.is_active_user())
    and (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  );

create policy "courses: staff update"
  on public.courses for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "courses: admins delete drafts"
  on public.courses for delete to authenticated
  using (
    status = 'draft'
    and (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()))
  );

-- Modules: the course outline, visible with the course.
create policy "course_modules: anonymous visitors read those of published courses"
  on public.course_modules for select to anon
  using (exists (select 1 from public.courses c where c.id = course_id));

create policy "course_modules: signed-in users read those of visible courses"
  on public.course_modules for select to authenticated
  using (exists (select 1 from public.courses c where c.id = course_id));

create policy "course_modules: staff create"
  on public.course_modules for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "course_modules: staff update"
  on public.course_modules for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "course_modules: staff delete"
  on public.course_modules for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- Lessons: previews of published courses for everyone; the rest for enrolled learners and staff.
create policy "course_lessons: anonymous visitors read previews of published courses"
  on public.course_lessons for select to anon
  using (is_preview and exists (select 1 from public.courses c where c.id = course_id));

create policy "course_lessons: previews, enrolled learners and staff read"
  on public.course_lessons for select to authenticated
  using (
    (is_preview and exists (select 1 from public.courses c where c.id = course_id and c.status = 'published'))
    or course_id in (select private.enrolled_course_ids())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "course_lessons: staff create"
  on public.course_lessons for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "course_lessons: staff update"
  on public.course_lessons for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "course_lessons: staff delete"
  on public.course_lessons for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- Enrollments, progress and attempts: the learner, staff and platform admins read; RPCs write.
create policy "course_enrollments: learner and staff read"
  on public.course_enrollments for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "lesson_progress: learner and staff read"
  on public.lesson_progress for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "assessment_attempts: learner and staff read"
  on public.assessment_attempts for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

-- Assessments, questions and choices: enrolled learners and staff read; staff write.
create policy "assessments: enrolled learners and staff read"
  on public.assessments for select to authenticated
  using (
    course_id in (select private.enrolled_course_ids())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "assessments: staff create"
  on public.assessments for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessments: staff update"
  on public.assessments for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessments: staff delete"
  on public.assessments for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_questions: enrolled learners and staff read"
  on public.assessment_questions for select to authenticated
  using (
    assessment_id in (select private.enrolled_assessment_ids())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "assessment_questions: staff create"
  on public.assessment_questions for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_questions: staff update"
  on public.assessment_questions for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_questions: staff delete"
  on public.assessment_questions for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_choices: enrolled learners and staff read"
  on public.assessment_choices for select to authenticated
  using (
    question_id in (select private.enrolled_question_ids())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "assessment_choices: staff create"
  on public.assessment_choices for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_choices: staff update"
  on public.assessment_choices for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_choices: staff delete"
  on public.assessment_choices for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- The answer key: staff only.
create policy "assessment_correct_choices: staff read"
  on public.assessment_correct_choices for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_correct_choices: staff create"
  on public.assessment_correct_choices for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_correct_choices: staff update"
  on public.assessment_correct_choices for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "assessment_correct_choices: staff delete"
  on public.assessment_correct_choices for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- Learning paths.
create policy "learning_paths: anonymous visitors read published paths"
  on public.learning_paths for select to anon
  using (status = 'published');

create policy "learning_paths: signed-in users read published paths, staff read all"
  on public.learning_paths for select to authenticated
  using (
    status = 'published'
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "learning_paths: staff create"
  on public.learning_paths for insert to authenticated
  with check (
    (select private.is_active_user())
    and (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  );

create policy "learning_paths: staff update"
  on public.learning_paths for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "learning_paths: admins delete"
  on public.learning_paths for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));

create policy "learning_path_courses: anonymous visitors read those of published paths"
  on public.learning_path_courses for select to anon
  using (exists (select 1 from public.learning_paths p where p.id = learning_path_id));

create policy "learning_path_courses: signed-in users read those of visible paths"
  on public.learning_path_courses for select to authenticated
  using (exists (select 1 from public.learning_paths p where p.id = learning_path_id));

create policy "learning_path_courses: staff create"
  on public.learning_path_courses for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "learning_path_courses: staff update"
  on public.learning_path_courses for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "learning_path_courses: staff delete"
  on public.learning_path_courses for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
