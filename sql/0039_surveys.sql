-- Surveys: the seed's FormBuilderModel / QuestionModel / FormResponses, built to what LimeSurvey,
-- Formbricks and Typeform users expect.
--
--   surveys                   owned by an organization, or the platform when organization_id is
--                             null; draft → open ⇄ closed; opening and closing times; anonymous or
--                             identified; one response per person or many
--   survey_sections           pages, ordered, each with an optional show_if condition
--   survey_questions          typed questions (survey_question_type), ordered within their section,
--                             with a stable key (the export's column name), rules per type and an
--                             optional show_if condition on earlier answers (the seed's `parent`)
--   survey_question_options   choices (and matrix columns: axis 'choice') and matrix rows (axis 'row')
--   survey_links              the seed's Event ↔ Survey many-to-many, for events and courses; a
--                             feedback link offers the survey to the event's attendees once it ends
--   survey_participants       who was invited, reminded and has answered, per survey and object;
--                             it knows that a person answered, never which response is theirs
--   survey_drafts             a person's saved, unsubmitted answers (save and resume)
--   survey_responses          submitted responses: answers as one JSON object keyed by question
--                             key, validated whole by submit_survey_response; attached to an
--                             object (the seed's generic content_object); no person when anonymous
--
-- Answers are one jsonb object per response (as Formbricks stores them) rather than a row per
-- answer: a response is written whole in one statement, the export is one row per response, and
-- question keys cannot change once a survey has been opened, so the keys stay stable.
--
-- Answer values by question type:
--   short_text, long_text   "text"                       rules: min_length, max_length, pattern
--   single_choice, dropdown "option value" or {"other": "text"} when allow_other
--   multiple_choice         ["value", …, {"other": "text"}]   rules: min_choices, max_choices
--   rating                  a whole number                rules: min (1), max (5)
--   nps                     a whole number from 0 to 10
--   number                  a number                      rules: min, max, integer
--   date                    "YYYY-MM-DD"                  rules: min, max (dates)
--   yes_no                  true or false
--   matrix                  {"row value": "column value", …} (every row when required)
--   file_upload             a path in the survey-uploads bucket: <survey id>/<user id>/<file>
--
-- Conditions (show_if, and the analytics filter) are JSON:
--   {"question": "key", "equals" | "not_equals" | "contains" | "gt" | "gte" | "lt" | "lte": value}
--   {"question": "key", "in": [values]}   {"question": "key", "answered": true | false}
--   {"all": [conditions]}   {"any": [conditions]}   {"not": condition}
-- A question's condition may name only questions before it; a section's only questions of
-- earlier sections. Opening a survey checks the whole design.
--
-- Piping: question text and descriptions may hold {{answer:<key>}} (an earlier answer, as its
-- label), {{person.name}} and {{object.title}} (the event's or course's title); survey_form()
-- returns them filled in.

create type public.survey_status as enum ('draft', 'open', 'closed');
create type public.survey_question_type as enum (
  'short_text', 'long_text', 'single_choice', 'multiple_choice', 'dropdown', 'rating', 'nps',
  'number', 'date', 'yes_no', 'matrix', 'file_upload'
);

create table public.surveys (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references public.organizations (id) on delete cascade,
  title text not null,
  description text,
  status public.survey_status not null default 'draft',
  opens_at timestamptz,
  closes_at timestamptz,
  is_anonymous boolean not null default false,
  allow_multiple_responses boolean not null default false,
  invited_only boolean not null default false,
  published_at timestamptz,
  response_count integer not null default 0,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint surveys_title_length check (char_length(title) between 1 and 250),
  constraint surveys_description_length check (char_length(description) <= 5000),
  constraint surveys_window check (closes_at > opens_at),
  constraint surveys_published_at check (status = 'draft' or published_at is not null),
  constraint surveys_response_count check (response_count >= 0)
);

comment on table public.surveys is
  'A survey of an organization, or of the platform when organization_id is null. Drafts are visible to its managers (the organization''s staff, platform admins); open and closed surveys to everyone. Answered through submit_survey_response.';
comment on column public.surveys.opens_at is 'When set, an open survey takes responses only from this time.';
comment on column public.surveys.closes_at is 'When set, an open survey takes no responses from this time.';
comment on column public.surveys.is_anonymous is 'Responses store no person (survey_participants still records who answered, for one-per-person and reminders).';
comment on column public.surveys.allow_multiple_responses is 'False: one response per person and object.';
comment on column public.surveys.invited_only is 'Only people invited (survey_participants.invited_at) may answer.';
comment on column public.surveys.published_at is 'First opened at: from then on questions, sections and options can only be reworded.';
comment on column public.surveys.response_count is 'Submitted responses; kept by the database.';

create index surveys_organization_id_idx on public.surveys (organization_id, status);
create index surveys_created_by_idx on public.surveys (created_by);

create trigger surveys_updated_at
  before update on public.surveys
  for each row execute function extensions.moddatetime(updated_at);

create table public.survey_sections (
  id uuid primary key default gen_random_uuid(),
  survey_id uuid not null references public.surveys (id) on delete cascade,
  organization_id uuid,
  title text,
  description text,
  position integer not null default 0,
  show_if jsonb,
  constraint survey_sections_title_length check (char_length(title) <= 250),
  constraint survey_sections_description_length check (char_length(description) <= 5000),
  constraint survey_sections_show_if check (jsonb_typeof(show_if) = 'object')
);

comment on table public.survey_sections is 'A page of a survey, in position order; shown only when its show_if condition holds.';
comment on column public.survey_sections.show_if is 'A condition on answers to questions of earlier sections (see sql/0039_surveys.sql).';

create index survey_sections_survey_id_idx on public.survey_sections (survey_id, position);
create index survey_sections_organization_id_idx on public.survey_sections (organization_id);

create table public.survey_questions (
  id uuid primary key default gen_random_uuid(),
  survey_id uuid not null references public.surveys (id) on delete cascade,
  section_id uuid references public.survey_sections (id) on delete cascade,
  organization_id uuid,
  key text not null,
  question_type public.survey_question_type not null,
  text text not null,
  description text,
  is_required boolean not null default false,
  allow_other boolean not null default false,
  rules jsonb not null default '{}'::jsonb,
  show_if jsonb,
  position integer not null default 0,
  constraint survey_questions_key_format check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  constraint survey_questions_key_unique unique (survey_id, key),
  constraint survey_questions_text_length check (char_length(text) between 1 and 2000),
  constraint survey_questions_description_length check (char_length(description) <= 5000),
  constraint survey_questions_rules check (jsonb_typeof(rules) = 'object'),
  constraint survey_questions_show_if check (jsonb_typeof(show_if) = 'object'),
  constraint survey_questions_other check (not allow_other or question_type in ('single_choice', 'multiple_choice', 'dropdown'))
);

comment on table public.survey_questions is 'A question of a survey, in (section position, position) order. Questions without a section come first.';
comment on column public.survey_questions.key is 'Stable name of the question: the key of its answer in survey_responses.answers and its column in exports.';
comment on column public.survey_questions.rules is 'Validation by type: min_length, max_length, pattern (text); min, max (rating, number, date); integer (number); min_choices, max_choices (multiple choice).';
comment on column public.survey_questions.allow_other is 'Choice questions: an "other" answer with free text, {"other": "…"}.';
comment on column public.survey_questions.show_if is 'Branching: a condition on earlier answers; a question whose condition fails is skipped and may not be answered.';

create index survey_questions_section_id_idx on public.survey_questions (section_id);
create index survey_questions_organization_id_idx on public.survey_questions (organization_id);

create table public.survey_question_options (
  id uuid primary key default gen_random_uuid(),
  question_id uuid not null references public.survey_questions (id) on delete cascade,
  survey_id uuid,
  organization_id uuid,
  axis text not null default 'choice',
  value text not null,
  label text not null,
  position integer not null default 0,
  constraint survey_question_options_axis check (axis in ('choice', 'row')),
  constraint survey_question_options_value_format check (value ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  constraint survey_question_options_value_unique unique (question_id, axis, value),
  constraint survey_question_options_label_length check (char_length(label) between 1 and 500)
);

comment on table public.survey_question_options is 'Choices of a choice question and the columns (axis choice) and rows (axis row) of a matrix.';
comment on column public.survey_question_options.value is 'What an answer stores and exports; the label is what people read.';

create index survey_question_options_question_id_idx on public.survey_question_options (question_id, axis, position);
create index survey_question_options_survey_id_idx on public.survey_question_options (survey_id);
create index survey_question_options_organization_id_idx on public.survey_question_options (organization_id);

create table public.survey_links (
  id uuid primary key default gen_random_uuid(),
  survey_id uuid not null references public.surveys (id) on delete cascade,
  organization_id uuid,
  object_kind text not null,
  object_id uuid not null,
  is_feedback boolean not null default false,
  created_at timestamptz not null default now(),
  constraint survey_links_object_kind check (object_kind in ('event', 'course')),
  constraint survey_links_object_unique unique (survey_id, object_kind, object_id)
);

comment on table public.survey_links is
  'A survey attached to an event or a course (the seed''s EventModel.surveys). Its responses carry the object; only the event''s confirmed registrants or the course''s enrolled people answer it.';
comment on column public.survey_links.is_feedback is 'Offered by notification, once per person, to the event''s attendees once it has ended, or to the people who complete the course.';

create index survey_links_object_idx on public.survey_links (object_kind, object_id);
create index survey_links_organization_id_idx on public.survey_links (organization_id);

create table public.survey_participants (
  id uuid primary key default gen_random_uuid(),
  survey_id uuid not null references public.surveys (id) on delete cascade,
  organization_id uuid,
  user_id uuid not null references public.profiles (id) on delete cascade,
  object_kind text,
  object_id uuid,
  invited_at timestamptz,
  reminded_at timestamptz,
  reminder_count integer not null default 0,
  submitted_count integer not null default 0,
  last_submitted_at timestamptz,
  constraint survey_participants_unique unique nulls not distinct (survey_id, user_id, object_kind, object_id),
  constraint survey_participants_object check ((object_kind is null) = (object_id is null)),
  constraint survey_participants_counts check (reminder_count >= 0 and submitted_count >= 0)
);

comment on table public.survey_participants is
  'Who was invited to, reminded of and has answered a survey (per object): the basis of one-response-per-person, invited-only surveys and reminders. Written by the database only.';

create index survey_participants_user_id_idx on public.survey_participants (user_id);
create index survey_participants_organization_id_idx on public.survey_participants (organization_id);

create table public.survey_drafts (
  id uuid primary key default gen_random_uuid(),
  survey_id uuid not null references public.surveys (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  object_kind text,
  object_id uuid,
  answers jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now(),
  constraint survey_drafts_unique unique nulls not distinct (survey_id, user_id, object_kind, object_id),
  constraint survey_drafts_answers check (jsonb_typeof(answers) = 'object')
);

comment on table public.survey_drafts is 'A person''s saved, unsubmitted answers (save_survey_progress); removed when they submit. Only the person reads it.';

create index survey_drafts_user_id_idx on public.survey_drafts (user_id);

create table public.survey_responses (
  id uuid primary key default gen_random_uuid(),
  survey_id uuid not null references public.surveys (id) on delete cascade,
  organization_id uuid,
  respondent_id uuid references public.profiles (id) on delete set null,
  object_kind text,
  object_id uuid,
  answers jsonb not null,
  submitted_at timestamptz not null default now(),
  constraint survey_responses_object check ((object_kind is null) = (object_id is null)),
  constraint survey_responses_answers check (jsonb_typeof(answers) = 'object')
);

comment on table public.survey_responses is
  'A submitted response: answers keyed by question key, validated whole by submit_survey_response. Read by the respondent (identified surveys) and the survey''s managers.';
comment on column public.survey_responses.respondent_id is 'Null for anonymous surveys.';
comment on column public.survey_responses.object_kind is 'What the response is about (event, course), with object_id: the seed''s generic content_object.';

create index survey_responses_survey_id_idx on public.survey_responses (survey_id, submitted_at);
create index survey_responses_object_idx on public.survey_responses (object_kind, object_id);
create index survey_responses_respondent_id_idx on public.survey_responses (respondent_id);
create index survey_responses_organization_id_idx on public.survey_responses (organization_id);

-- ---------------------------------------------------------------------------------------------
-- Ownership, counters and the design freeze
-- ---------------------------------------------------------------------------------------------

create trigger survey_sections_organization
  before insert or update on public.survey_sections
  for each row execute function private.inherit_organization_id('surveys', 'survey_id');
create trigger survey_questions_organization
  before insert or update on public.survey_questions
  for each row execute function private.inherit_organization_id('surveys', 'survey_id');
create trigger survey_links_organization
  before insert or update on public.survey_links
  for each row execute function private.inherit_organization_id('surveys', 'survey_id');
create trigger survey_participants_organization
  before insert or update on public.survey_participants
  for each row execute function private.inherit_organization_id('surveys', 'survey_id');
create trigger survey_responses_organization
  before insert or update on public.survey_responses
  for each row execute function private.inherit_organization_id('surveys', 'survey_id');

-- Options take their survey and organization from their question.
create function private.inherit_option_question()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.question_id <> old.question_id then
    raise exception using errcode = '42501', message = 'question_id cannot be changed',
      hint = 'delete the option and create a new one';
  end if;
  select survey_id, organization_id into new.survey_id, new.organization_id
  from public.survey_questions where id = new.question_id;
  return new;
end;
$$;

revoke all on function private.inherit_option_question() from public;

create trigger survey_question_options_question
  before insert or update on public.survey_question_options
  for each row execute function private.inherit_option_question();

-- A question's section belongs to the same survey.
create function private.check_question_section()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.section_id is not null
    and not exists (select 1 from public.survey_sections where id = new.section_id and survey_id = new.survey_id) then
    raise exception using errcode = '22023', message = 'the section belongs to another survey';
  end if;
  return new;
end;
$$;

revoke all on function private.check_question_section() from public;

create trigger survey_questions_section
  before insert or update on public.survey_questions
  for each row execute function private.check_question_section();

-- Once a survey has been opened its design is fixed but for wording (the columns named by the
-- trigger's arguments): responses keep meaning what they meant. Removing the whole survey (its
-- cascade) is left to the surveys' own delete policy.
create function private.guard_survey_design()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_published_at timestamptz;
  v_row jsonb := pg_catalog.to_jsonb(coalesce(new, old));
begin
  select published_at into v_published_at
  from public.surveys
  where id = coalesce((v_row ->> 'survey_id')::uuid,
    (select q.survey_id from public.survey_questions q where q.id = (v_row ->> 'question_id')::uuid));
  if not found or v_published_at is null then
    return coalesce(new, old);
  end if;
  if tg_op = 'UPDATE'
    and (pg_catalog.to_jsonb(new) - tg_argv) = (pg_catalog.to_jsonb(old) - tg_argv) then
    return new;
  end if;
  raise exception using errcode = 'PT409',
    message = 'this survey has been opened: its questions can be reworded but not added, removed or changed',
    hint = pg_catalog.format('only %s may change; make a new survey for other changes', pg_catalog.array_to_string(tg_argv, ', '));
end;
$$;

revoke all on function private.guard_survey_design() from public;

create trigger survey_sections_design
  before insert or update or delete on public.survey_sections
  for each row execute function private.guard_survey_design('title', 'description', 'organization_id');
create trigger survey_questions_design
  before insert or update or delete on public.survey_questions
  for each row execute function private.guard_survey_design('text', 'description', 'organization_id');
create trigger survey_question_options_design
  before insert or update or delete on public.survey_question_options
  for each row execute function private.guard_survey_design('label', 'organization_id', 'survey_id');

-- Statement-level, so a bulk insert (an import, the benchmark's 100,000 rows) updates each survey
-- once rather than once per response.
create function private.count_survey_responses()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.surveys s set response_count = s.response_count + c.n
    from (select survey_id, pg_catalog.count(*)::integer as n from new_rows group by survey_id) as c
    where s.id = c.survey_id;
  else
    update public.surveys s set response_count = s.response_count - c.n
    from (select survey_id, pg_catalog.count(*)::integer as n from old_rows group by survey_id) as c
    where s.id = c.survey_id;
  end if;
  return null;
end;
$$;

revoke all on function private.count_survey_responses() from public;

create trigger survey_responses_count_inserted
  after insert on public.survey_responses
  referencing new table as new_rows
  for each statement execute function private.count_survey_responses();
create trigger survey_responses_count_deleted
  after delete on public.survey_responses
  referencing old table as old_rows
  for each statement execute function private.count_survey_responses();

-- ---------------------------------------------------------------------------------------------
-- Conditions (branching and analytics filters)
-- ---------------------------------------------------------------------------------------------

-- What is wrong with a condition, or null; p_known are the question keys it may name.
create function private.survey_condition_problem(p_condition jsonb, p_known text[])
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_part jsonb;
  v_problem text;
  v_operators text[];
begin
  if pg_catalog.jsonb_typeof(p_condition) is distinct from 'object' then
    return 'a condition is a JSON object';
  end if;
  if p_condition ? 'all' or p_condition ? 'any' then
    v_part := coalesce(p_condition -> 'all', p_condition -> 'any');
    if pg_catalog.jsonb_typeof(v_part) <> 'array' or pg_catalog.jsonb_array_length(v_part) = 0 then
      return '"all" and "any" take a non-empty list of conditions';
    end if;
    for v_part in select pg_catalog.jsonb_array_elements(v_part) loop
      v_problem := private.survey_condition_problem(v_part, p_known);
      if v_problem is not null then
        return v_problem;
      end if;
    end loop;
    return null;
  end if;
  if p_condition ? 'not' then
    return private.survey_condition_problem(p_condition -> 'not', p_known);
  end if;
  if not (p_condition ->> 'question') = any (p_known) then
    return pg_catalog.format('a condition names "%s", which is not an earlier question', coalesce(p_condition ->> 'question', ''));
  end if;
  select pg_catalog.array_agg(k) into v_operators
  from pg_catalog.jsonb_object_keys(p_condition) as k
  where k <> 'question';
  if coalesce(pg_catalog.array_length(v_operators, 1), 0) <> 1
    or not v_operators[1] = any (array['equals', 'not_equals', 'in', 'contains', 'gt', 'gte', 'lt', 'lte', 'answered']) then
    return 'a condition has one operator: equals, not_equals, in, contains, gt, gte, lt, lte or answered';
  end if;
  if v_operators[1] = 'in' and pg_catalog.jsonb_typeof(p_condition -> 'in') <> 'array' then
    return '"in" takes a list of values';
  end if;
  if v_operators[1] = 'answered' and pg_catalog.jsonb_typeof(p_condition -> 'answered') <> 'boolean' then
    return '"answered" takes true or false';
  end if;
  return null;
end;
$$;

revoke all on function private.survey_condition_problem(jsonb, text[]) from public;

-- Whether the answers (keyed by question key) meet a valid condition. An unanswered question
-- meets no comparison; numbers compare as numbers, anything else as text (ISO dates sort).
create function private.survey_condition_met(p_condition jsonb, p_answers jsonb)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_value jsonb;
  v_operator text;
  v_operand jsonb;
begin
  if p_condition is null then
    return true;
  end if;
  if p_condition ? 'all' then
    return coalesce((select pg_catalog.bool_and(private.survey_condition_met(c, p_answers))
      from pg_catalog.jsonb_array_elements(p_condition -> 'all') as c), true);
  end if;
  if p_condition ? 'any' then
    return coalesce((select pg_catalog.bool_or(private.survey_condition_met(c, p_answers))
      from pg_catalog.jsonb_array_elements(p_condition -> 'any') as c), false);
  end if;
  if p_condition ? 'not' then
    return not private.survey_condition_met(p_condition -> 'not', p_answers);
  end if;
  v_value := p_answers -> (p_condition ->> 'question');
  select k into v_operator from pg_catalog.jsonb_object_keys(p_condition) as k where k <> 'question' limit 1;
  v_operand := p_condition -> v_operator;
  if v_operator = 'answered' then
    return (v_value is not null) = (v_operand)::text::boolean;
  end if;
  if v_value is null then
    return false;
  end if;
  return case v_operator
    when 'equals' then v_value = v_operand
    when 'not_equals' then v_value <> v_operand
    when 'in' then v_operand @> pg_catalog.jsonb_build_array(v_value)
    when 'contains' then case
      when pg_catalog.jsonb_typeof(v_value) = 'array' then v_value @> pg_catalog.jsonb_build_array(v_operand)
      when pg_catalog.jsonb_typeof(v_value) = 'object' then v_value @> v_operand
      else strpos(v_value #>> '{}', v_operand #>> '{}') > 0
    end
    else case
      when pg_catalog.jsonb_typeof(v_value) = 'number' and pg_catalog.jsonb_typeof(v_operand) = 'number' then case v_operator
        when 'gt' then (v_value)::text::numeric > (v_operand)::text::numeric
        when 'gte' then (v_value)::text::numeric >= (v_operand)::text::numeric
        when 'lt' then (v_value)::text::numeric < (v_operand)::text::numeric
        else (v_value)::text::numeric <= (v_operand)::text::numeric
      end
      else case v_operator
        when 'gt' then (v_value #>> '{}') > (v_operand #>> '{}')
        when 'gte' then (v_value #>> '{}') >= (v_operand #>> '{}')
        when 'lt' then (v_value #>> '{}') < (v_operand #>> '{}')
        else (v_value #>> '{}') <= (v_operand #>> '{}')
      end
    end
  end;
end;
$$;

revoke all on function private.survey_condition_met(jsonb, jsonb) from public;

-- ---------------------------------------------------------------------------------------------
-- The design: order, checks at opening
-- ---------------------------------------------------------------------------------------------

-- A survey's questions in the order people see them, with their section's condition.
create function private.ordered_survey_questions(p_survey_id uuid)
returns table (question public.survey_questions, section_show_if jsonb, ordinal bigint)
language sql
stable
security definer
set search_path = ''
as $$
  select q, s.show_if, pg_catalog.row_number() over (order by s.position nulls first, s.id nulls first, q.position, q.key)
  from public.survey_questions as q
  left join public.survey_sections as s on s.id = q.section_id
  where q.survey_id = p_survey_id
  order by 3
$$;

revoke all on function private.ordered_survey_questions(uuid) from public;

-- The first thing that stops a survey from opening, or null.
create function private.survey_design_problem(p_survey_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_row record;
  v_section record;
  v_known text[] := '{}';
  v_problem text;
  v_rules jsonb;
  v_choices integer;
  v_rows integer;
begin
  select * into v_survey from public.surveys where id = p_survey_id;
  if not exists (select 1 from public.survey_questions where survey_id = p_survey_id) then
    return 'a survey needs at least one question';
  end if;
  for v_section in
    select s.id, s.title, s.show_if,
      (select pg_catalog.array_agg(q.key) from public.survey_questions q
       left join public.survey_sections s2 on s2.id = q.section_id
       where q.survey_id = p_survey_id
         and (q.section_id is null or (s2.position, s2.id) < (s.position, s.id))) as earlier
    from public.survey_sections s
    where s.survey_id = p_survey_id and s.show_if is not null
  loop
    v_problem := private.survey_condition_problem(v_section.show_if, coalesce(v_section.earlier, '{}'));
    if v_problem is not null then
      return pg_catalog.format('section "%s": %s', coalesce(v_section.title, 'untitled'), v_problem);
    end if;
  end loop;
  for v_row in select * from private.ordered_survey_questions(p_survey_id) loop
    v_rules := (v_row.question).rules;
    select pg_catalog.count(*) filter (where axis = 'choice'), pg_catalog.count(*) filter (where axis = 'row')
      into v_choices, v_rows
    from public.survey_question_options where question_id = (v_row.question).id;
    v_problem := case
      when (v_row.question).question_type in ('single_choice', 'multiple_choice', 'dropdown') and v_choices = 0
        then 'a choice question needs options'
      when (v_row.question).question_type = 'matrix' and (v_choices = 0 or v_rows = 0)
        then 'a matrix needs rows and columns'
      when v_rows > 0 and (v_row.question).question_type <> 'matrix'
        then 'only a matrix has rows'
      when (v_row.question).question_type = 'file_upload' and v_survey.is_anonymous
        then 'an anonymous survey cannot ask for files: uploads are stored under the person''s id'
      when v_rules ? 'pattern' and not private.is_valid_pattern(v_rules ->> 'pattern')
        then 'its pattern is not a valid regular expression'
      when (v_rules ? 'min' or v_rules ? 'max') and (v_row.question).question_type in ('rating', 'number')
        and (pg_catalog.jsonb_typeof(coalesce(v_rules -> 'min', '0')) <> 'number' or pg_catalog.jsonb_typeof(coalesce(v_rules -> 'max', '0')) <> 'number')
        then 'min and max are numbers'
      when (v_row.question).question_type = 'rating'
        and coalesce((v_rules ->> 'min')::numeric, 1) >= coalesce((v_rules ->> 'max')::numeric, 5)
        then 'a rating''s min is below its max'
      when (v_row.question).question_type = 'number' and (v_rules ->> 'min')::numeric > (v_rules ->> 'max')::numeric
        then 'min is above max'
    end;
    if v_problem is null and (v_row.question).show_if is not null then
      v_problem := private.survey_condition_problem((v_row.question).show_if, v_known);
    end if;
    if v_problem is not null then
      return pg_catalog.format('question "%s": %s', (v_row.question).key, v_problem);
    end if;
    v_known := v_known || (v_row.question).key;
  end loop;
  return null;
end;
$$;

revoke all on function private.survey_design_problem(uuid) from public;
grant execute on function private.survey_design_problem(uuid) to authenticated, service_role;

comment on function private.survey_design_problem(uuid) is
  'The first thing that stops a survey from opening, or null. Granted to authenticated because the surveys guard trigger, which runs as the caller, asks it when a manager opens a survey.';

create function private.is_valid_pattern(p_pattern text)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  perform '' ~ p_pattern;
  return true;
exception
  when invalid_regular_expression then
    return false;
end;
$$;

revoke all on function private.is_valid_pattern(text) from public;

-- Ownership, counters and the status workflow: draft → open ⇄ closed. Opening checks the design
-- and, the first time, freezes it (published_at).
create function private.guard_survey()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_problem text;
begin
  if tg_op = 'INSERT' then
    if not private.is_trusted() then
      new.created_by := (select auth.uid());
      new.response_count := 0;
      new.published_at := null;
    end if;
    if new.status <> 'draft' then
      raise exception using errcode = '22023', message = 'a new survey is a draft',
        hint = 'add its questions, then set its status to open';
    end if;
    return new;
  end if;

  if not private.is_trusted() and (
    new.organization_id is distinct from old.organization_id
    or new.created_by is distinct from old.created_by
    or new.response_count <> old.response_count
    or new.published_at is distinct from old.published_at
  ) then
    raise exception using errcode = '42501',
      message = 'organization_id, created_by, published_at and response_count of a survey cannot be changed',
      hint = 'they are kept by the database';
  end if;
  if old.published_at is not null and new.is_anonymous <> old.is_anonymous then
    raise exception using errcode = 'PT409', message = 'a survey that has been opened cannot change between anonymous and identified',
      hint = 'its respondents were told which it is';
  end if;

  if new.status <> old.status then
    if (old.status, new.status) not in (
      ('draft'::public.survey_status, 'open'::public.survey_status), ('open', 'closed'), ('closed', 'open')
    ) then
      raise exception using errcode = 'PT409', message = pg_catalog.format('a survey cannot go from %s to %s', old.status, new.status),
        hint = 'draft → open → closed; a closed survey can be reopened';
    end if;
    if new.status = 'open' then
      v_problem := private.survey_design_problem(new.id);
      if v_problem is not null then
        raise exception using errcode = '22023', message = 'this survey cannot open: ' || v_problem;
      end if;
      new.published_at := coalesce(old.published_at, now());
    end if;
  end if;
  return new;
end;
$$;

revoke all on function private.guard_survey() from public;

create trigger surveys_guard
  before insert or update on public.surveys
  for each row execute function private.guard_survey();

-- ---------------------------------------------------------------------------------------------
-- Answers
-- ---------------------------------------------------------------------------------------------

-- What is wrong with one answer to a question, or null, in words for the person answering.
create function private.survey_answer_problem(p_question public.survey_questions, p_value jsonb)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_rules jsonb := p_question.rules;
  v_type text := pg_catalog.jsonb_typeof(p_value);
  v_text text;
  v_number numeric;
  v_min numeric;
  v_max numeric;
  v_date date;
  v_item jsonb;
  v_count integer;
  v_seen text[] := '{}';
  v_choice text;
begin
  case p_question.question_type
    when 'short_text', 'long_text' then
      if v_type <> 'string' then
        return 'the answer is text';
      end if;
      v_text := p_value #>> '{}';
      v_max := coalesce((v_rules ->> 'max_length')::integer, case p_question.question_type when 'short_text' then 500 else 10000 end);
      if pg_catalog.char_length(v_text) > v_max then
        return pg_catalog.format('the answer is at most %s characters long', v_max);
      end if;
      if pg_catalog.char_length(v_text) < coalesce((v_rules ->> 'min_length')::integer, 1) then
        return pg_catalog.format('the answer is at least %s characters long', coalesce((v_rules ->> 'min_length')::integer, 1));
      end if;
      if v_rules ? 'pattern' and v_text !~ (v_rules ->> 'pattern') then
        return coalesce(v_rules ->> 'pattern_message', 'the answer is not in the expected format');
      end if;
    when 'single_choice', 'dropdown' then
      return private.survey_choice_problem(p_question, p_value);
    when 'multiple_choice' then
      if v_type <> 'array' or pg_catalog.jsonb_array_length(p_value) = 0 then
        return 'the answer is a list of one or more options';
      end if;
      for v_item in select pg_catalog.jsonb_array_elements(p_value) loop
        v_text := private.survey_choice_problem(p_question, v_item);
        if v_text is not null then
          return v_text;
        end if;
        -- "{other}" cannot be an option value, so it marks the free-text answer.
        v_choice := case when pg_catalog.jsonb_typeof(v_item) = 'object' then '{other}' else v_item #>> '{}' end;
        if v_choice = any (v_seen) then
          return 'an option is chosen twice';
        end if;
        v_seen := v_seen || v_choice;
      end loop;
      v_count := pg_catalog.jsonb_array_length(p_value);
      if v_count < coalesce((v_rules ->> 'min_choices')::integer, 1) then
        return pg_catalog.format('choose at least %s options', (v_rules ->> 'min_choices'));
      end if;
      if v_count > (v_rules ->> 'max_choices')::integer then
        return pg_catalog.format('choose at most %s options', (v_rules ->> 'max_choices'));
      end if;
    when 'rating', 'nps', 'number' then
      if v_type <> 'number' then
        return 'the answer is a number';
      end if;
      v_number := (p_value)::text::numeric;
      v_min := case p_question.question_type when 'nps' then 0 when 'rating' then coalesce((v_rules ->> 'min')::numeric, 1) else (v_rules ->> 'min')::numeric end;
      v_max := case p_question.question_type when 'nps' then 10 when 'rating' then coalesce((v_rules ->> 'max')::numeric, 5) else (v_rules ->> 'max')::numeric end;
      if (p_question.question_type <> 'number' or (v_rules ->> 'integer')::boolean) and v_number <> pg_catalog.trunc(v_number) then
        return 'the answer is a whole number';
      end if;
      if v_number < v_min or v_number > v_max then
        return case
          when v_min is not null and v_max is not null then pg_catalog.format('the answer is from %s to %s', v_min, v_max)
          when v_min is not null then pg_catalog.format('the answer is at least %s', v_min)
          else pg_catalog.format('the answer is at most %s', v_max)
        end;
      end if;
    when 'date' then
      if v_type <> 'string' or (p_value #>> '{}') !~ '^\d{4}-\d{2}-\d{2}$' then
        return 'the answer is a date, YYYY-MM-DD';
      end if;
      begin
        v_date := (p_value #>> '{}')::date;
      exception
        when others then
          return 'the answer is not a real date';
      end;
      if v_date < (v_rules ->> 'min')::date or v_date > (v_rules ->> 'max')::date then
        return pg_catalog.format('the answer is a date from %s to %s', coalesce(v_rules ->> 'min', 'any day'), coalesce(v_rules ->> 'max', 'any day'));
      end if;
    when 'yes_no' then
      if v_type <> 'boolean' then
        return 'the answer is yes (true) or no (false)';
      end if;
    when 'matrix' then
      if v_type <> 'object' then
        return 'the answer is an object of row → column';
      end if;
      select pg_catalog.string_agg(k, ', ') into v_text
      from pg_catalog.jsonb_object_keys(p_value) as k
      where not exists (select 1 from public.survey_question_options o where o.question_id = p_question.id and o.axis = 'row' and o.value = k);
      if v_text is not null then
        return pg_catalog.format('there is no row %s', v_text);
      end if;
      select pg_catalog.string_agg(e.key, ', ') into v_text
      from pg_catalog.jsonb_each(p_value) as e
      where pg_catalog.jsonb_typeof(e.value) <> 'string'
        or not exists (select 1 from public.survey_question_options o where o.question_id = p_question.id and o.axis = 'choice' and o.value = e.value #>> '{}');
      if v_text is not null then
        return pg_catalog.format('row %s has an answer that is not one of the columns', v_text);
      end if;
      if p_question.is_required then
        select pg_catalog.string_agg(o.value, ', ') into v_text
        from public.survey_question_options o
        where o.question_id = p_question.id and o.axis = 'row' and not p_value ? o.value;
        if v_text is not null then
          return pg_catalog.format('every row needs an answer (missing: %s)', v_text);
        end if;
      end if;
    when 'file_upload' then
      if v_type <> 'string'
        or (p_value #>> '{}') not like p_question.survey_id::text || '/' || (select auth.uid())::text || '/%'
        or not exists (select 1 from storage.objects where bucket_id = 'survey-uploads' and name = p_value #>> '{}') then
        return 'the answer is a file you uploaded to survey-uploads under <survey id>/<your id>/';
      end if;
  end case;
  return null;
end;
$$;

revoke all on function private.survey_answer_problem(public.survey_questions, jsonb) from public;

-- One chosen option: a value of the question, or {"other": "text"} when the question allows it.
create function private.survey_choice_problem(p_question public.survey_questions, p_value jsonb)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if pg_catalog.jsonb_typeof(p_value) = 'object' and p_value ? 'other' then
    if not p_question.allow_other then
      return 'this question has no "other" answer';
    end if;
    if pg_catalog.jsonb_typeof(p_value -> 'other') <> 'string' or pg_catalog.btrim(p_value ->> 'other') = '' then
      return '"other" needs some text';
    end if;
    if pg_catalog.char_length(p_value ->> 'other') > 500 then
      return '"other" is at most 500 characters long';
    end if;
    return null;
  end if;
  if pg_catalog.jsonb_typeof(p_value) <> 'string'
    or not exists (select 1 from public.survey_question_options
                   where question_id = p_question.id and axis = 'choice' and value = p_value #>> '{}') then
    return pg_catalog.format('%s is not one of the options', p_value::text);
  end if;
  return null;
end;
$$;

revoke all on function private.survey_choice_problem(public.survey_questions, jsonb) from public;

-- The answers checked whole against the survey's questions: unknown questions, types, rules,
-- branching (answers to skipped questions are refused) and, when p_final, required answers.
-- Raises 22023 naming the question; returns the answers without nulls.
create function private.checked_survey_answers(p_survey_id uuid, p_answers jsonb, p_final boolean)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_answers jsonb;
  v_unknown text;
  v_row record;
  v_question public.survey_questions;
  v_value jsonb;
  v_problem text;
begin
  if p_answers is null or pg_catalog.jsonb_typeof(p_answers) <> 'object' then
    raise exception using errcode = '22023', message = 'answers are a JSON object keyed by question key';
  end if;
  v_answers := pg_catalog.jsonb_strip_nulls(p_answers);
  select pg_catalog.string_agg(k, ', ') into v_unknown
  from pg_catalog.jsonb_object_keys(v_answers) as k
  where not exists (select 1 from public.survey_questions where survey_id = p_survey_id and key = k);
  if v_unknown is not null then
    raise exception using errcode = '22023', message = pg_catalog.format('this survey has no question %s', v_unknown);
  end if;
  for v_row in select * from private.ordered_survey_questions(p_survey_id) loop
    v_question := v_row.question;
    v_value := v_answers -> v_question.key;
    if p_final and not (private.survey_condition_met(v_row.section_show_if, v_answers)
                        and private.survey_condition_met(v_question.show_if, v_answers)) then
      if v_value is not null then
        raise exception using errcode = '22023',
          message = pg_catalog.format('"%s" is skipped by your earlier answers: leave it unanswered', v_question.text),
          detail = 'question: ' || v_question.key;
      end if;
      continue;
    end if;
    if v_value is null then
      if p_final and v_question.is_required then
        raise exception using errcode = '22023',
          message = pg_catalog.format('"%s" needs an answer', v_question.text),
          detail = 'question: ' || v_question.key;
      end if;
      continue;
    end if;
    v_problem := private.survey_answer_problem(v_question, v_value);
    if v_problem is not null then
      raise exception using errcode = '22023',
        message = pg_catalog.format('"%s": %s', v_question.text, v_problem),
        detail = 'question: ' || v_question.key;
    end if;
  end loop;
  return v_answers;
end;
$$;

revoke all on function private.checked_survey_answers(uuid, jsonb, boolean) from public;

-- Whether the current user manages the survey (its organization's staff, platform admins).
create function private.can_manage_survey(p_survey_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.surveys where id = p_survey_id and private.can_manage(organization_id))
$$;

revoke all on function private.can_manage_survey(uuid) from public;
grant execute on function private.can_manage_survey(uuid) to authenticated, service_role;

comment on function private.can_manage_survey(uuid) is
  'Whether the caller manages the survey. Granted to authenticated because the survey-uploads storage policies call it.';

-- The survey a respondent may answer now. Drafts and unknown ids are not found; a survey outside
-- its window or closed is a conflict. No row lock: the response counter's update at the end of a
-- submission locks the row, and taking a share lock first would deadlock concurrent submissions;
-- a response racing a close is simply one submitted before the close committed.
create function private.open_survey_for_response(p_survey_id uuid)
returns public.surveys
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
begin
  select * into v_survey from public.surveys where id = p_survey_id;
  if not found or (v_survey.status = 'draft' and not private.can_manage(v_survey.organization_id)) then
    raise exception using errcode = 'PT404', message = 'survey not found';
  end if;
  if v_survey.status <> 'open' or v_survey.closes_at <= now() then
    raise exception using errcode = 'PT409', message = 'this survey is closed', hint = 'it takes no more responses';
  end if;
  if v_survey.opens_at > now() then
    raise exception using errcode = 'PT409', message = 'this survey is not open yet',
      hint = 'it opens at ' || pg_catalog.to_char(v_survey.opens_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC';
  end if;
  return v_survey;
end;
$$;

revoke all on function private.open_survey_for_response(uuid) from public;

-- Checks that the caller may answer the survey about the object: the survey is attached to it,
-- and the caller is a confirmed registrant of the event or enrolled in the course.
create function private.check_survey_object(p_survey_id uuid, p_object_kind text, p_object_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if (p_object_kind is null) <> (p_object_id is null) then
    raise exception using errcode = '22023', message = 'give both the object''s kind and id, or neither';
  end if;
  if p_object_kind is null then
    return;
  end if;
  if not exists (select 1 from public.survey_links where survey_id = p_survey_id and object_kind = p_object_kind and object_id = p_object_id) then
    raise exception using errcode = 'PT404', message = pg_catalog.format('this survey is not attached to that %s', p_object_kind);
  end if;
  if p_object_kind = 'event' and not exists (
    select 1 from public.event_registrations
    where event_id = p_object_id and user_id = (select auth.uid()) and status = 'confirmed'
  ) then
    raise exception using errcode = '42501', message = 'only the event''s registrants answer its survey';
  end if;
  if p_object_kind = 'course' and not exists (
    select 1 from public.course_enrollments
    where course_id = p_object_id and user_id = (select auth.uid()) and status in ('active', 'completed')
  ) then
    raise exception using errcode = '42501', message = 'only the course''s participants answer its survey';
  end if;
end;
$$;

revoke all on function private.check_survey_object(uuid, text, uuid) from public;

-- ---------------------------------------------------------------------------------------------
-- RPCs for respondents
-- ---------------------------------------------------------------------------------------------

create function public.submit_survey_response(
  p_survey_id uuid,
  p_answers jsonb,
  p_object_kind text default null,
  p_object_id uuid default null
)
returns public.survey_responses
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_survey public.surveys;
  v_participant public.survey_participants;
  v_answers jsonb;
  v_response public.survey_responses;
begin
  v_survey := private.open_survey_for_response(p_survey_id);
  perform private.check_survey_object(p_survey_id, p_object_kind, p_object_id);

  insert into public.survey_participants (survey_id, user_id, object_kind, object_id)
  values (p_survey_id, v_user_id, p_object_kind, p_object_id)
  on conflict on constraint survey_participants_unique do nothing;
  select * into v_participant from public.survey_participants
  where survey_id = p_survey_id and user_id = v_user_id
    and object_kind is not distinct from p_object_kind and object_id is not distinct from p_object_id
  for update;
  if v_survey.invited_only and v_participant.invited_at is null then
    raise exception using errcode = '42501', message = 'this survey is for invited people only';
  end if;
  if not v_survey.allow_multiple_responses and v_participant.submitted_count > 0 then
    raise exception using errcode = 'PT409', message = 'you have already answered this survey',
      hint = 'it takes one response per person';
  end if;

  v_answers := private.checked_survey_answers(p_survey_id, p_answers, true);

  insert into public.survey_responses (survey_id, respondent_id, object_kind, object_id, answers)
  values (p_survey_id, case when not v_survey.is_anonymous then v_user_id end, p_object_kind, p_object_id, v_answers)
  returning * into v_response;
  update public.survey_participants
  set submitted_count = submitted_count + 1, last_submitted_at = now()
  where id = v_participant.id;
  delete from public.survey_drafts
  where survey_id = p_survey_id and user_id = v_user_id
    and object_kind is not distinct from p_object_kind and object_id is not distinct from p_object_id;
  return v_response;
end;
$$;

comment on function public.submit_survey_response(uuid, jsonb, text, uuid) is
  'Submits a whole response: checks the survey is open, the caller may answer (object, invitation, one per person), and every answer against its question (type, rules, branching, required); stores it atomically and removes the caller''s draft. 400 names the question.';

create function public.save_survey_progress(
  p_survey_id uuid,
  p_answers jsonb,
  p_object_kind text default null,
  p_object_id uuid default null
)
returns public.survey_drafts
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_answers jsonb;
  v_draft public.survey_drafts;
begin
  perform private.open_survey_for_response(p_survey_id);
  perform private.check_survey_object(p_survey_id, p_object_kind, p_object_id);
  v_answers := private.checked_survey_answers(p_survey_id, p_answers, false);
  insert into public.survey_drafts (survey_id, user_id, object_kind, object_id, answers)
  values (p_survey_id, v_user_id, p_object_kind, p_object_id, v_answers)
  on conflict on constraint survey_drafts_unique
  do update set answers = excluded.answers, updated_at = now()
  returning * into v_draft;
  return v_draft;
end;
$$;

comment on function public.save_survey_progress(uuid, jsonb, text, uuid) is
  'Saves the caller''s unfinished answers (each checked against its question; required answers and branching wait for submit_survey_response). Resume by reading survey_drafts or survey_form.';

-- An answer as a person reads it: option labels, yes/no, the "other" text.
create function private.survey_answer_label(p_question_id uuid, p_value jsonb)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case pg_catalog.jsonb_typeof(p_value)
    when 'boolean' then case when (p_value)::text::boolean then 'yes' else 'no' end
    when 'array' then (
      select pg_catalog.string_agg(private.survey_answer_label(p_question_id, e), ', ' order by i)
      from pg_catalog.jsonb_array_elements(p_value) with ordinality as x (e, i))
    when 'object' then coalesce(p_value ->> 'other', (
      select pg_catalog.string_agg(coalesce(r.label, e.key) || ': ' || coalesce(c.label, e.value #>> '{}'), '; ' order by r.position)
      from pg_catalog.jsonb_each(p_value) as e
      left join public.survey_question_options r on r.question_id = p_question_id and r.axis = 'row' and r.value = e.key
      left join public.survey_question_options c on c.question_id = p_question_id and c.axis = 'choice' and c.value = e.value #>> '{}'))
    else coalesce(
      (select label from public.survey_question_options where question_id = p_question_id and axis = 'choice' and value = p_value #>> '{}'),
      p_value #>> '{}')
  end
$$;

revoke all on function private.survey_answer_label(uuid, jsonb) from public;

-- Text with {{answer:<key>}}, {{person.name}} and {{object.title}} filled in; an unanswered
-- question leaves an empty string.
create function private.pipe_survey_text(p_text text, p_survey_id uuid, p_answers jsonb, p_person_name text, p_object_title text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_text text := p_text;
  v_key text;
begin
  if v_text is null then
    return null;
  end if;
  for v_key in select distinct m[1] from pg_catalog.regexp_matches(p_text, '\{\{answer:([a-z][a-z0-9_]*)\}\}', 'g') as m loop
    v_text := pg_catalog.replace(v_text, '{{answer:' || v_key || '}}', coalesce(
      (select private.survey_answer_label(q.id, p_answers -> v_key) from public.survey_questions q
       where q.survey_id = p_survey_id and q.key = v_key), ''));
  end loop;
  return pg_catalog.replace(pg_catalog.replace(v_text, '{{person.name}}', coalesce(p_person_name, '')),
    '{{object.title}}', coalesce(p_object_title, ''));
end;
$$;

revoke all on function private.pipe_survey_text(text, uuid, jsonb, text, text) from public;

create function public.survey_form(
  p_survey_id uuid,
  p_object_kind text default null,
  p_object_id uuid default null,
  p_answers jsonb default null
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_answers jsonb;
  v_name text;
  v_title text;
begin
  select * into v_survey from public.surveys where id = p_survey_id;
  if not found or (v_survey.status = 'draft' and not private.can_manage(v_survey.organization_id)) then
    raise exception using errcode = 'PT404', message = 'survey not found';
  end if;
  if p_answers is not null and pg_catalog.jsonb_typeof(p_answers) <> 'object' then
    raise exception using errcode = '22023', message = 'answers are a JSON object keyed by question key';
  end if;
  if p_object_kind is not null and not exists (
    select 1 from public.survey_links where survey_id = p_survey_id and object_kind = p_object_kind and object_id = p_object_id
  ) then
    raise exception using errcode = 'PT404', message = pg_catalog.format('this survey is not attached to that %s', p_object_kind);
  end if;
  v_answers := coalesce(p_answers, (
    select answers from public.survey_drafts
    where survey_id = p_survey_id and user_id = (select auth.uid())
      and object_kind is not distinct from p_object_kind and object_id is not distinct from p_object_id), '{}');
  select display_name into v_name from public.profiles where id = (select auth.uid());
  v_title := case p_object_kind
    when 'event' then (select title from public.events where id = p_object_id)
    when 'course' then (select title from public.courses where id = p_object_id)
  end;
  return pg_catalog.jsonb_build_object(
    'id', v_survey.id, 'title', v_survey.title, 'description', v_survey.description,
    'status', v_survey.status, 'is_anonymous', v_survey.is_anonymous, 'closes_at', v_survey.closes_at,
    'answers', v_answers,
    'questions', coalesce((
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'key', (o.question).key,
        'type', (o.question).question_type,
        'text', private.pipe_survey_text((o.question).text, p_survey_id, v_answers, v_name, v_title),
        'description', private.pipe_survey_text((o.question).description, p_survey_id, v_answers, v_name, v_title),
        'section_id', (o.question).section_id,
        'required', (o.question).is_required,
        'allow_other', (o.question).allow_other,
        'rules', (o.question).rules,
        'visible', private.survey_condition_met(o.section_show_if, v_answers) and private.survey_condition_met((o.question).show_if, v_answers),
        'options', (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('value', value, 'label', label) order by position, value), '[]')
                    from public.survey_question_options where question_id = (o.question).id and axis = 'choice'),
        'rows', (select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('value', value, 'label', label) order by position, value), '[]')
                 from public.survey_question_options where question_id = (o.question).id and axis = 'row')
      ) order by o.ordinal)
      from private.ordered_survey_questions(p_survey_id) as o), '[]')
  );
end;
$$;

comment on function public.survey_form(uuid, text, uuid, jsonb) is
  'The survey as a respondent sees it: questions in order with piped text ({{answer:key}}, {{person.name}}, {{object.title}}) and whether each is shown, from p_answers or else the caller''s saved draft.';

-- ---------------------------------------------------------------------------------------------
-- Analytics and export (the survey's managers)
-- ---------------------------------------------------------------------------------------------

create function private.require_survey_manager(p_survey_id uuid)
returns public.surveys
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
begin
  select * into v_survey from public.surveys where id = p_survey_id;
  if not found or (v_survey.status = 'draft' and not private.can_manage(v_survey.organization_id)) then
    raise exception using errcode = 'PT404', message = 'survey not found';
  end if;
  if not private.can_manage(v_survey.organization_id) and not private.is_system_caller() then
    raise exception using errcode = '42501', message = 'only the survey''s organization staff and platform admins see its results';
  end if;
  return v_survey;
end;
$$;

revoke all on function private.require_survey_manager(uuid) from public;

create function public.survey_question_summaries(
  p_survey_id uuid,
  p_object_kind text default null,
  p_object_id uuid default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_where jsonb default null
)
returns table (
  question_key text,
  question_type public.survey_question_type,
  question_text text,
  responses integer,
  answered integer,
  summary jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_problem text;
  v_counted_keys text[];
  v_total integer;
begin
  perform private.require_survey_manager(p_survey_id);
  select pg_catalog.array_agg(q.key) into v_counted_keys
  from public.survey_questions q
  where q.survey_id = p_survey_id and q.question_type not in ('short_text', 'long_text', 'date', 'file_upload');
  if p_where is not null then
    v_problem := private.survey_condition_problem(p_where,
      (select pg_catalog.array_agg(key) from public.survey_questions where survey_id = p_survey_id));
    if v_problem is not null then
      raise exception using errcode = '22023', message = 'filter: ' || v_problem;
    end if;
  end if;
  -- Two passes over the chosen responses whatever the number of questions: answers counted per
  -- question, and answer tokens (an option, a number, true/false, row=column, an "other" text)
  -- counted per question; each summary is then built from its few tokens. Free-text answers are
  -- listed newest first, the latest 100.
  return query
    -- Not materialized: each pass streams the responses again rather than spilling their
    -- answers to a temporary file.
    with chosen as not materialized (
      select r.answers, r.submitted_at
      from public.survey_responses r
      where r.survey_id = p_survey_id
        and (p_object_kind is null or r.object_kind = p_object_kind)
        and (p_object_id is null or r.object_id = p_object_id)
        and (p_from is null or r.submitted_at >= p_from)
        and (p_to is null or r.submitted_at < p_to)
        and (p_where is null or private.survey_condition_met(p_where, r.answers))
    ),
    answered_per_key as materialized (
      select e.key, pg_catalog.count(*)::integer as n
      from chosen cross join lateral pg_catalog.jsonb_each(chosen.answers) as e
      group by e.key
    ),
    counted as not materialized (
      select e.key, e.value
      from chosen cross join lateral pg_catalog.jsonb_each(chosen.answers) as e
      where e.key = any (v_counted_keys)
    ),
    tokens as materialized (
      -- Scalars (options, numbers, true/false) directly; lists, "other" objects and matrices
      -- taken apart.
      select c.key, c.value #>> '{}' as token, false as is_other, pg_catalog.count(*)::integer as n
      from counted c where pg_catalog.jsonb_typeof(c.value) not in ('array', 'object')
      group by 1, 2
      union all
      select c.key, t.token, t.is_other, pg_catalog.count(*)::integer
      from counted c
      cross join lateral (
        select coalesce(x ->> 'other', x #>> '{}') as token, pg_catalog.jsonb_typeof(x) = 'object' as is_other
        from pg_catalog.jsonb_array_elements(case when pg_catalog.jsonb_typeof(c.value) = 'array' then c.value else '[]' end) as x
        union all
        select m.key || '=' || (m.value #>> '{}'), false
        from pg_catalog.jsonb_each(case when pg_catalog.jsonb_typeof(c.value) = 'object' and not c.value ? 'other' then c.value else '{}' end) as m
        union all
        select c.value ->> 'other', true where pg_catalog.jsonb_typeof(c.value) = 'object' and c.value ? 'other'
      ) as t
      where pg_catalog.jsonb_typeof(c.value) in ('array', 'object')
      group by 1, 2, 3
    )
    select (o.question).key, (o.question).question_type, (o.question).text,
      (select pg_catalog.count(*)::integer from chosen),
      coalesce(a.n, 0),
      private.survey_question_summary(o.question, coalesce(a.n, 0),
        coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(t.token, t.is_other, t.n)) from tokens t where t.key = (o.question).key), '[]'),
        case when (o.question).question_type in ('short_text', 'long_text', 'date', 'file_upload') then coalesce((
          select pg_catalog.jsonb_agg(x.answer order by x.submitted_at desc)
          from (select c.answers ->> (o.question).key as answer, c.submitted_at from chosen c
                where c.answers ? (o.question).key order by c.submitted_at desc limit 100) as x), '[]') end)
    from private.ordered_survey_questions(p_survey_id) as o
    left join answered_per_key a on a.key = (o.question).key
    order by o.ordinal;
end;
$$;

comment on function public.survey_question_summaries(uuid, text, uuid, timestamptz, timestamptz, jsonb) is
  'Per question of a survey, over its responses filtered by object, submission time [p_from, p_to) and a condition on answers (p_where, the branching grammar: a cross-tab): counts and percentages per option, average and distribution of scales, the NPS score, the latest 100 text answers. Managers only.';

-- One question's summary from its answer tokens ([token, is_other, count] …) and, for free-text
-- types, its latest answers.
create function private.survey_question_summary(p_question public.survey_questions, p_answered integer, p_tokens jsonb, p_texts jsonb)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with t as (
    select x ->> 0 as token, (x -> 1)::text::boolean as is_other, (x ->> 2)::integer as n
    from pg_catalog.jsonb_array_elements(p_tokens) as x
  ),
  numbers as (
    select token::numeric as v, n from t where p_question.question_type in ('rating', 'nps', 'number')
  )
  select case
    when p_question.question_type in ('single_choice', 'dropdown', 'multiple_choice') then pg_catalog.jsonb_build_object(
      'options', (
        select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'value', o.value, 'label', o.label, 'count', coalesce(c.n, 0),
          'percent', case when p_answered > 0 then pg_catalog.round(100.0 * coalesce(c.n, 0) / p_answered, 1) else 0 end
        ) order by o.position, o.value), '[]')
        from public.survey_question_options o
        left join t as c on c.token = o.value and not c.is_other
        where o.question_id = p_question.id and o.axis = 'choice'),
      'other', (
        select pg_catalog.jsonb_build_object('count', coalesce(pg_catalog.sum(n), 0),
          'texts', coalesce(pg_catalog.jsonb_agg(token order by token) filter (where rank <= 100), '[]'))
        from (select token, n, pg_catalog.row_number() over (order by n desc, token) as rank from t where is_other) as others))
    when p_question.question_type in ('rating', 'nps', 'number') then (
      select pg_catalog.jsonb_build_object(
        'average', pg_catalog.round(pg_catalog.sum(v * n) / nullif(pg_catalog.sum(n), 0), 2),
        'min', pg_catalog.min(v), 'max', pg_catalog.max(v),
        'distribution', coalesce(pg_catalog.jsonb_object_agg(v, n order by v), '{}'))
        || case when p_question.question_type = 'nps' then pg_catalog.jsonb_build_object(
          'promoters', coalesce(pg_catalog.sum(n) filter (where v >= 9), 0),
          'passives', coalesce(pg_catalog.sum(n) filter (where v between 7 and 8), 0),
          'detractors', coalesce(pg_catalog.sum(n) filter (where v <= 6), 0),
          'nps', pg_catalog.round(100.0 * (coalesce(pg_catalog.sum(n) filter (where v >= 9), 0) - coalesce(pg_catalog.sum(n) filter (where v <= 6), 0))
            / nullif(pg_catalog.sum(n), 0)))
          else '{}'::jsonb end
      from numbers)
    when p_question.question_type = 'yes_no' then (
      select pg_catalog.jsonb_build_object(
        'yes', coalesce(pg_catalog.sum(n) filter (where token = 'true'), 0),
        'no', coalesce(pg_catalog.sum(n) filter (where token = 'false'), 0),
        'yes_percent', coalesce(pg_catalog.round(100.0 * pg_catalog.sum(n) filter (where token = 'true') / nullif(pg_catalog.sum(n), 0), 1), 0))
      from t)
    when p_question.question_type = 'matrix' then pg_catalog.jsonb_build_object('rows', (
      select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'value', rw.value, 'label', rw.label,
        'columns', (
          select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('value', col.value, 'label', col.label,
            'count', coalesce((select c.n from t c where c.token = rw.value || '=' || col.value), 0))
            order by col.position, col.value)
          from public.survey_question_options col where col.question_id = p_question.id and col.axis = 'choice')
      ) order by rw.position, rw.value), '[]')
      from public.survey_question_options rw where rw.question_id = p_question.id and rw.axis = 'row'))
    else pg_catalog.jsonb_build_object('answers', p_texts)
  end
$$;

revoke all on function private.survey_question_summary(public.survey_questions, integer, jsonb, jsonb) from public;

-- An answer in one CSV cell: values as stored (stable for analysis), a list joined by "; ",
-- "other: text", a matrix as "row=column; …".
create function private.survey_answer_cell(p_value jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select case pg_catalog.jsonb_typeof(p_value)
    when 'array' then (select pg_catalog.string_agg(private.survey_answer_cell(e), '; ' order by i)
                       from pg_catalog.jsonb_array_elements(p_value) with ordinality as x (e, i))
    when 'object' then case when p_value ? 'other' then 'other: ' || (p_value ->> 'other')
      else (select pg_catalog.string_agg(e.key || '=' || (e.value #>> '{}'), '; ' order by e.key) from pg_catalog.jsonb_each(p_value) as e) end
    else p_value #>> '{}'
  end
$$;

revoke all on function private.survey_answer_cell(jsonb) from public;

create function public.export_survey_responses(p_survey_id uuid, p_format text default 'csv')
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_keys text[];
  v_columns text[] := array['response_id', 'submitted_at', 'respondent_id', 'object_kind', 'object_id'];
begin
  if p_format is null or p_format not in ('csv', 'json') then
    raise exception using errcode = '22023', message = 'the format is csv or json';
  end if;
  v_survey := private.require_survey_manager(p_survey_id);
  select pg_catalog.array_agg((o.question).key order by o.ordinal) into v_keys
  from private.ordered_survey_questions(p_survey_id) as o;

  if p_format = 'json' then
    return coalesce((
      select pg_catalog.jsonb_agg(
        pg_catalog.jsonb_build_object('response_id', r.id, 'submitted_at', r.submitted_at, 'respondent_id', r.respondent_id,
          'object_kind', r.object_kind, 'object_id', r.object_id)
        || coalesce((select pg_catalog.jsonb_object_agg(k, coalesce(r.answers -> k, 'null'::jsonb)) from pg_catalog.unnest(v_keys) as k), '{}')
        order by r.submitted_at, r.id)
      from public.survey_responses r where r.survey_id = p_survey_id), '[]')::text;
  end if;

  return (select pg_catalog.string_agg(line, E'\r\n' order by n) || E'\r\n' from (
    select 0 as n, pg_catalog.array_to_string(
      array(select private.csv_field(c) from pg_catalog.unnest(v_columns || v_keys) as c), ',') as line
    union all
    select pg_catalog.row_number() over (order by r.submitted_at, r.id), pg_catalog.array_to_string(
      array[private.csv_field(r.id::text),
            private.csv_field(pg_catalog.to_char(r.submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
            private.csv_field(r.respondent_id::text), private.csv_field(r.object_kind), private.csv_field(r.object_id::text)]
      || array(select private.csv_field(private.survey_answer_cell(r.answers -> k)) from pg_catalog.unnest(v_keys) with ordinality as u (k, i) order by i),
      ',')
    from public.survey_responses r where r.survey_id = p_survey_id) as lines);
end;
$$;

comment on function public.export_survey_responses(uuid, text) is
  'A survey''s responses as CSV (RFC 4180, header first) or a JSON array: one row per response, response_id, submitted_at, respondent_id (empty when anonymous), object_kind, object_id, then one column per question named by its key, in question order. Managers only.';

-- ---------------------------------------------------------------------------------------------
-- Invitations, reminders and feedback offers
-- ---------------------------------------------------------------------------------------------

insert into public.notification_types (type, description, essential, default_email, required_data) values
  ('survey_invitation', 'You are invited to answer a survey', false, true, '{survey_title,survey_id}'),
  ('survey_reminder', 'A survey you were invited to is still waiting for your answer', false, true, '{survey_title,survey_id}');

-- Invites people (who are not invited yet) and notifies them; returns how many were invited.
create function private.invite_survey_participants(p_survey public.surveys, p_user_ids uuid[], p_object_kind text, p_object_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invited uuid[];
  v_object_title text;
begin
  with invited as (
    insert into public.survey_participants (survey_id, user_id, object_kind, object_id, invited_at)
    select p_survey.id, p.id, p_object_kind, p_object_id, now()
    from public.profiles p where p.id = any (p_user_ids)
    on conflict on constraint survey_participants_unique
    do update set invited_at = now() where public.survey_participants.invited_at is null
    returning user_id
  )
  select pg_catalog.array_agg(user_id) into v_invited from invited;
  if v_invited is null then
    return 0;
  end if;
  v_object_title := case p_object_kind
    when 'event' then (select title from public.events where id = p_object_id)
    when 'course' then (select title from public.courses where id = p_object_id)
  end;
  perform private.notify(
    'survey_invitation', v_invited,
    pg_catalog.left(case when v_object_title is not null then 'How was ' || v_object_title || '? ' else '' end || 'Please answer: ' || p_survey.title, 200),
    p_survey.description,
    pg_catalog.jsonb_build_object('survey_id', p_survey.id, 'survey_title', p_survey.title,
      'object_kind', p_object_kind, 'object_id', p_object_id, 'object_title', v_object_title),
    'survey', p_survey.id,
    '/surveys/' || p_survey.id || case when p_object_kind is not null then '?' || p_object_kind || '=' || p_object_id else '' end);
  return pg_catalog.cardinality(v_invited);
end;
$$;

revoke all on function private.invite_survey_participants(public.surveys, uuid[], text, uuid) from public;

create function public.invite_to_survey(
  p_survey_id uuid,
  p_event_id uuid default null,
  p_organization_id uuid default null,
  p_user_ids uuid[] default null
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_user_ids uuid[];
begin
  perform private.require_active_user();
  v_survey := private.require_survey_manager(p_survey_id);
  if num_nonnulls(p_event_id, p_organization_id, p_user_ids) <> 1 then
    raise exception using errcode = '22023', message = 'invite an event''s registrants, an organization''s members or a list of people: one of them';
  end if;
  if v_survey.status <> 'open' then
    raise exception using errcode = 'PT409', message = 'open the survey before inviting people';
  end if;
  if p_event_id is not null then
    if not exists (select 1 from public.survey_links where survey_id = p_survey_id and object_kind = 'event' and object_id = p_event_id) then
      raise exception using errcode = 'PT404', message = 'this survey is not attached to that event',
        hint = 'attach it (survey_links) first';
    end if;
    select pg_catalog.array_agg(user_id) into v_user_ids
    from public.event_registrations where event_id = p_event_id and status = 'confirmed';
    return private.invite_survey_participants(v_survey, coalesce(v_user_ids, '{}'), 'event', p_event_id);
  end if;
  if p_organization_id is not null then
    if not private.can_manage(p_organization_id) then
      raise exception using errcode = 'PT404', message = 'organization not found';
    end if;
    select pg_catalog.array_agg(user_id) into v_user_ids
    from public.organization_members where organization_id = p_organization_id;
    return private.invite_survey_participants(v_survey, coalesce(v_user_ids, '{}'), null, null);
  end if;
  if pg_catalog.cardinality(p_user_ids) > 1000 then
    raise exception using errcode = '22023', message = 'invite at most 1000 people at a time';
  end if;
  return private.invite_survey_participants(v_survey, p_user_ids, null, null);
end;
$$;

comment on function public.invite_to_survey(uuid, uuid, uuid, uuid[]) is
  'Invites an event''s confirmed registrants, an organization''s members or a list of people to an open survey, through the notification system; people already invited are not invited again. Returns how many were invited. The survey''s managers only.';

create function public.remind_survey_invitees(p_survey_id uuid, p_min_interval interval default '1 day')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_reminded uuid[];
begin
  if not private.is_system_caller() then
    perform private.require_active_user();
  end if;
  v_survey := private.require_survey_manager(p_survey_id);
  if v_survey.status <> 'open' then
    raise exception using errcode = 'PT409', message = 'this survey is closed', hint = 'reopen it to remind people';
  end if;
  if p_min_interval is null or p_min_interval < interval '0' then
    raise exception using errcode = '22023', message = 'the interval between reminders is a positive duration';
  end if;
  with reminded as (
    update public.survey_participants
    set reminded_at = now(), reminder_count = reminder_count + 1
    where survey_id = p_survey_id and invited_at is not null and submitted_count = 0
      and coalesce(reminded_at, invited_at) <= now() - p_min_interval
    returning user_id
  )
  select pg_catalog.array_agg(distinct user_id) into v_reminded from reminded;
  if v_reminded is null then
    return 0;
  end if;
  perform private.notify('survey_reminder', v_reminded, pg_catalog.left('Reminder: ' || v_survey.title, 200),
    case when v_survey.closes_at is not null then 'It closes at ' || pg_catalog.to_char(v_survey.closes_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC.' end,
    pg_catalog.jsonb_build_object('survey_id', v_survey.id, 'survey_title', v_survey.title),
    'survey', v_survey.id, '/surveys/' || v_survey.id);
  return pg_catalog.cardinality(v_reminded);
end;
$$;

comment on function public.remind_survey_invitees(uuid, interval) is
  'Reminds invited people who have not answered an open survey and were not invited or reminded within p_min_interval. Returns how many were reminded. Managers (or a scheduled job).';

-- Feedback surveys offered once to each attendee of an event that has ended (checked in:
-- attended_at) and to each person who completed a course. Run every minute by the job
-- survey-feedback-offers; the unique participant row makes a second run offer nothing.
create function private.offer_feedback_surveys()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_link record;
  v_count integer := 0;
  v_user_ids uuid[];
begin
  for v_link in
    select l.object_id as event_id, s as survey
    from public.survey_links l
    join public.surveys s on s.id = l.survey_id
    join public.events e on e.id = l.object_id
    where l.is_feedback and l.object_kind = 'event' and s.status = 'open'
      and (s.closes_at is null or s.closes_at > now())
      and e.ends_at <= now() and e.status in ('published', 'completed')
  loop
    select pg_catalog.array_agg(r.user_id) into v_user_ids
    from public.event_registrations r
    where r.event_id = v_link.event_id and r.status = 'confirmed' and r.attended_at is not null
      and not exists (
        select 1 from public.survey_participants p
        where p.survey_id = (v_link.survey).id and p.user_id = r.user_id
          and p.object_kind = 'event' and p.object_id = v_link.event_id and p.invited_at is not null);
    if v_user_ids is not null then
      v_count := v_count + private.invite_survey_participants(v_link.survey, v_user_ids, 'event', v_link.event_id);
    end if;
  end loop;
  for v_link in
    select l.object_id as course_id, s as survey
    from public.survey_links l
    join public.surveys s on s.id = l.survey_id
    where l.is_feedback and l.object_kind = 'course' and s.status = 'open'
      and (s.closes_at is null or s.closes_at > now())
  loop
    select pg_catalog.array_agg(en.user_id) into v_user_ids
    from public.course_enrollments en
    where en.course_id = v_link.course_id and en.status = 'completed'
      and not exists (
        select 1 from public.survey_participants p
        where p.survey_id = (v_link.survey).id and p.user_id = en.user_id
          and p.object_kind = 'course' and p.object_id = v_link.course_id and p.invited_at is not null);
    if v_user_ids is not null then
      v_count := v_count + private.invite_survey_participants(v_link.survey, v_user_ids, 'course', v_link.course_id);
    end if;
  end loop;
  return v_count;
end;
$$;

revoke all on function private.offer_feedback_surveys() from public;

select cron.schedule('survey-feedback-offers', '* * * * *', $$select private.offer_feedback_surveys()$$);

-- ---------------------------------------------------------------------------------------------
-- Grants and row-level security
-- ---------------------------------------------------------------------------------------------

revoke all on function public.submit_survey_response(uuid, jsonb, text, uuid) from public, anon;
revoke all on function public.save_survey_progress(uuid, jsonb, text, uuid) from public, anon;
revoke all on function public.survey_form(uuid, text, uuid, jsonb) from public;
revoke all on function public.survey_question_summaries(uuid, text, uuid, timestamptz, timestamptz, jsonb) from public, anon;
revoke all on function public.export_survey_responses(uuid, text) from public, anon;
revoke all on function public.invite_to_survey(uuid, uuid, uuid, uuid[]) from public, anon;
revoke all on function public.remind_survey_invitees(uuid, interval) from public, anon;
grant execute on function public.submit_survey_response(uuid, jsonb, text, uuid) to authenticated, service_role;
grant execute on function public.save_survey_progress(uuid, jsonb, text, uuid) to authenticated, service_role;
grant execute on function public.survey_form(uuid, text, uuid, jsonb) to anon, authenticated, service_role;
grant execute on function public.survey_question_summaries(uuid, text, uuid, timestamptz, timestamptz, jsonb) to authenticated, service_role;
grant execute on function public.export_survey_responses(uuid, text) to authenticated, service_role;
grant execute on function public.invite_to_survey(uuid, uuid, uuid, uuid[]) to authenticated, service_role;
grant execute on function public.remind_survey_invitees(uuid, interval) to authenticated, service_role;

revoke all on public.surveys, public.survey_sections, public.survey_questions, public.survey_question_options,
  public.survey_links, public.survey_participants, public.survey_drafts, public.survey_responses from anon, authenticated;
grant all on public.surveys, public.survey_sections, public.survey_questions, public.survey_question_options,
  public.survey_links, public.survey_participants, public.survey_drafts, public.survey_responses to service_role;
grant select on public.surveys, public.survey_sections, public.survey_questions, public.survey_question_options,
  public.survey_links to anon;
grant select, insert, update, delete on public.surveys, public.survey_sections, public.survey_questions,
  public.survey_question_options, public.survey_links to authenticated;
grant select on public.survey_participants, public.survey_responses to authenticated;
grant select, delete on public.survey_drafts to authenticated;

alter table public.surveys enable row level security;
alter table public.survey_sections enable row level security;
alter table public.survey_questions enable row level security;
alter table public.survey_question_options enable row level security;
alter table public.survey_links enable row level security;
alter table public.survey_participants enable row level security;
alter table public.survey_drafts enable row level security;
alter table public.survey_responses enable row level security;

create policy "surveys: anyone reads open and closed surveys" on public.surveys
  for select to anon using (status <> 'draft');
create policy "surveys: members read open and closed surveys, managers all" on public.surveys
  for select to authenticated using (status <> 'draft' or private.can_manage(organization_id));
create policy "surveys: organization staff and platform admins create" on public.surveys
  for insert to authenticated with check (private.can_manage(organization_id) and private.is_active_user());
create policy "surveys: managers update" on public.surveys
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage(organization_id));
create policy "surveys: managers remove drafts" on public.surveys
  for delete to authenticated using (private.can_manage(organization_id) and status = 'draft');

-- The design tables: readable with their survey (the surveys policies decide), written by managers.
create policy "survey_sections: whoever reads the survey reads" on public.survey_sections
  for select to anon using (survey_id in (select id from public.surveys));
create policy "survey_sections: whoever reads the survey reads (signed in)" on public.survey_sections
  for select to authenticated using (survey_id in (select id from public.surveys));
create policy "survey_sections: managers add" on public.survey_sections
  for insert to authenticated with check (private.can_manage_survey(survey_id));
create policy "survey_sections: managers update" on public.survey_sections
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage_survey(survey_id));
create policy "survey_sections: managers remove" on public.survey_sections
  for delete to authenticated using (private.can_manage(organization_id));

create policy "survey_questions: whoever reads the survey reads" on public.survey_questions
  for select to anon using (survey_id in (select id from public.surveys));
create policy "survey_questions: whoever reads the survey reads (signed in)" on public.survey_questions
  for select to authenticated using (survey_id in (select id from public.surveys));
create policy "survey_questions: managers add" on public.survey_questions
  for insert to authenticated with check (private.can_manage_survey(survey_id));
create policy "survey_questions: managers update" on public.survey_questions
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage_survey(survey_id));
create policy "survey_questions: managers remove" on public.survey_questions
  for delete to authenticated using (private.can_manage(organization_id));

create policy "survey_question_options: whoever reads the survey reads" on public.survey_question_options
  for select to anon using (survey_id in (select id from public.surveys));
create policy "survey_question_options: whoever reads the survey reads (signed in)" on public.survey_question_options
  for select to authenticated using (survey_id in (select id from public.surveys));
create policy "survey_question_options: managers add" on public.survey_question_options
  for insert to authenticated with check (private.can_manage_survey(survey_id));
create policy "survey_question_options: managers update" on public.survey_question_options
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage_survey(survey_id));
create policy "survey_question_options: managers remove" on public.survey_question_options
  for delete to authenticated using (private.can_manage(organization_id));

-- Attaching a survey to an event or course takes managing both.
create function private.can_manage_survey_object(p_object_kind text, p_object_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case p_object_kind
    when 'event' then exists (select 1 from public.events where id = p_object_id and private.can_manage(organization_id))
    when 'course' then exists (select 1 from public.courses where id = p_object_id and private.can_manage(organization_id))
    else false
  end
$$;

revoke all on function private.can_manage_survey_object(text, uuid) from public;
grant execute on function private.can_manage_survey_object(text, uuid) to authenticated, service_role;

comment on function private.can_manage_survey_object(text, uuid) is
  'Whether the caller manages the event or course. Granted to authenticated because the survey_links insert policy calls it.';

create policy "survey_links: whoever reads the survey reads" on public.survey_links
  for select to anon using (survey_id in (select id from public.surveys));
create policy "survey_links: whoever reads the survey reads (signed in)" on public.survey_links
  for select to authenticated using (survey_id in (select id from public.surveys));
create policy "survey_links: managers of the survey and the object attach" on public.survey_links
  for insert to authenticated with check (private.can_manage_survey(survey_id) and private.can_manage_survey_object(object_kind, object_id));
create policy "survey_links: managers update" on public.survey_links
  for update to authenticated using (private.can_manage(organization_id))
  with check (private.can_manage_survey(survey_id) and private.can_manage_survey_object(object_kind, object_id));
create policy "survey_links: managers detach" on public.survey_links
  for delete to authenticated using (private.can_manage(organization_id));

create policy "survey_participants: the person and the survey's managers read" on public.survey_participants
  for select to authenticated using (user_id = (select auth.uid()) or private.can_manage(organization_id));

create policy "survey_drafts: the person reads" on public.survey_drafts
  for select to authenticated using (user_id = (select auth.uid()));
create policy "survey_drafts: the person discards" on public.survey_drafts
  for delete to authenticated using (user_id = (select auth.uid()));

create policy "survey_responses: the respondent and the survey's managers read" on public.survey_responses
  for select to authenticated using (respondent_id = (select auth.uid()) or private.can_manage(organization_id));

-- ---------------------------------------------------------------------------------------------
-- Storage: file-upload answers
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('survey-uploads', 'survey-uploads', false, 10485760,
  array['image/png', 'image/jpeg', 'image/webp', 'application/pdf', 'text/plain'])
on conflict (id) do update
set public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

-- Whether a survey takes uploads now (open and not anonymous).
create function private.is_survey_taking_uploads(p_survey_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.surveys where id = p_survey_id and status = 'open' and not is_anonymous)
$$;

revoke all on function private.is_survey_taking_uploads(uuid) from public;
grant execute on function private.is_survey_taking_uploads(uuid) to authenticated, service_role;

comment on function private.is_survey_taking_uploads(uuid) is
  'Whether an open, identified survey takes file answers. Granted to authenticated because the survey-uploads storage policies call it.';

create policy "survey-uploads: respondents upload under their own folder" on storage.objects
  for insert to authenticated with check (
    bucket_id = 'survey-uploads'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and private.is_survey_taking_uploads(private.try_uuid((storage.foldername(name))[1])));
create policy "survey-uploads: the uploader and the survey's managers read" on storage.objects
  for select to authenticated using (
    bucket_id = 'survey-uploads'
    and ((storage.foldername(name))[2] = (select auth.uid())::text
         or private.can_manage_survey(private.try_uuid((storage.foldername(name))[1]))));
create policy "survey-uploads: the uploader removes" on storage.objects
  for delete to authenticated using (
    bucket_id = 'survey-uploads' and (storage.foldername(name))[2] = (select auth.uid())::text);
