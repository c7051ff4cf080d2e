-- Survey versions: an opened survey's design is frozen but for wording (sql/0039_surveys.sql);
-- a structural change (questions added, removed, retyped, options changed, branching) is made in a
-- new version. new_survey_version() copies the latest version's design, links and participants
-- into a draft that its managers edit freely; opening it closes the version before it. Each
-- version is its own surveys row, so responses keep the version they answered and the analytics
-- and export of a version are those of its row.
--
--   surveys.version      1, 2, … within the family
--   surveys.version_of   the family's first version (null for the first version itself)
--
-- Participants (who was invited, who answered) carry over, so one response per person holds
-- across versions and nobody is invited or offered feedback again for the same survey.

alter table public.surveys
  add column version integer not null default 1,
  add column version_of uuid references public.surveys (id) on delete cascade,
  add constraint surveys_version check ((version = 1) = (version_of is null) and version >= 1),
  add constraint surveys_version_unique unique (version_of, version);

comment on column public.surveys.version is 'The version within its family (1 for a survey made directly); new_survey_version() makes the next.';
comment on column public.surveys.version_of is
  'The family''s first version (null for the first version itself): list a family with .or(`id.eq.${first},version_of.eq.${first}`).';

-- Only new_survey_version() numbers versions.
create function private.keep_survey_version()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not private.is_trusted() then
    if tg_op = 'INSERT' then
      new.version := 1;
      new.version_of := null;
    else
      new.version := old.version;
      new.version_of := old.version_of;
    end if;
  end if;
  return new;
end;
$$;

revoke all on function private.keep_survey_version() from public;

create trigger surveys_version
  before insert or update on public.surveys
  for each row execute function private.keep_survey_version();

-- Opening (or reopening) a version closes the family's other open versions: one version takes
-- responses at a time.
create function private.close_other_survey_versions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_first uuid := coalesce(new.version_of, new.id);
begin
  update public.surveys set status = 'closed'
  where (id = v_first or version_of = v_first) and id <> new.id and status = 'open';
  return null;
end;
$$;

revoke all on function private.close_other_survey_versions() from public;

create trigger surveys_close_other_versions
  after update of status on public.surveys
  for each row when (new.status = 'open' and old.status <> 'open')
  execute function private.close_other_survey_versions();

create function public.new_survey_version(p_survey_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_survey public.surveys;
  v_first uuid;
  v_latest integer;
  v_new uuid := gen_random_uuid();
  v_sections jsonb;
  v_questions jsonb;
begin
  v_survey := private.require_survey_manager(p_survey_id);
  if v_survey.published_at is null then
    raise exception using errcode = 'PT409', message = 'this survey has never been opened',
      hint = 'edit its design directly';
  end if;
  v_first := coalesce(v_survey.version_of, v_survey.id);
  -- The family's rows are locked, so two managers asking at once make versions one after another.
  select max(version) into v_latest from (
    select version from public.surveys where id = v_first or version_of = v_first for update
  ) family;
  if v_latest <> v_survey.version then
    raise exception using errcode = 'PT409',
      message = pg_catalog.format('version %s of this survey already exists', v_latest),
      hint = 'make the new version from the latest one';
  end if;

  insert into public.surveys (id, organization_id, title, description, is_anonymous, allow_multiple_responses,
    invited_only, closes_at, reminder_interval, max_reminders, created_by, version, version_of)
  values (v_new, v_survey.organization_id, v_survey.title, v_survey.description, v_survey.is_anonymous,
    v_survey.allow_multiple_responses, v_survey.invited_only, v_survey.closes_at, v_survey.reminder_interval,
    v_survey.max_reminders, v_user_id, v_survey.version + 1, v_first);

  select pg_catalog.jsonb_object_agg(id, gen_random_uuid()) into v_sections
  from public.survey_sections where survey_id = p_survey_id;
  insert into public.survey_sections (id, survey_id, title, description, position, show_if)
  select (v_sections ->> id::text)::uuid, v_new, title, description, position, show_if
  from public.survey_sections where survey_id = p_survey_id;

  select pg_catalog.jsonb_object_agg(id, gen_random_uuid()) into v_questions
  from public.survey_questions where survey_id = p_survey_id;
  insert into public.survey_questions (id, survey_id, section_id, key, question_type, text, description,
    is_required, allow_other, rules, show_if, position)
  select (v_questions ->> id::text)::uuid, v_new, (v_sections ->> section_id::text)::uuid, key, question_type, text,
    description, is_required, allow_other, rules, show_if, position
  from public.survey_questions where survey_id = p_survey_id;

  insert into public.survey_question_options (question_id, axis, value, label, position)
  select (v_questions ->> question_id::text)::uuid, axis, value, label, position
  from public.survey_question_options where survey_id = p_survey_id;

  insert into public.survey_links (survey_id, object_kind, object_id, is_feedback)
  select v_new, object_kind, object_id, is_feedback from public.survey_links where survey_id = p_survey_id;

  insert into public.survey_participants (survey_id, user_id, object_kind, object_id, invited_at, reminded_at,
    reminder_count, submitted_count, last_submitted_at)
  select v_new, user_id, object_kind, object_id, invited_at, reminded_at, reminder_count, submitted_count, last_submitted_at
  from public.survey_participants where survey_id = p_survey_id;
  return v_new;
end;
$$;

comment on function public.new_survey_version(uuid) is
  'Makes the next version of an opened survey: a draft copy of its design, links and participants, which its managers change freely and open (closing the version before). Responses stay with the version they answered. The survey''s managers only.';

revoke all on function public.new_survey_version(uuid) from public, anon;
grant execute on function public.new_survey_version(uuid) to authenticated, service_role;
