-- Survey responses on every object the issue names (the seed's generic content_object): beside
-- events and courses, an event's sessions and a person's own event registration (the seed's
-- registrant `response_survey`).
--
--   event_session        a survey attached to the session itself (survey_links); the event's
--                        confirmed registrants answer it; a feedback link is offered to the
--                        event's attendees once the session has ended
--   event_registration   no link of its own: a survey attached to the registration's event is
--                        answered about the registration, by its registrant only
--
-- Which link a response needs, who may answer and the title {{object.title}} pipes are now each
-- decided in one place (survey_link_of, check_survey_object, survey_object_title), so the form,
-- the submission, invitations and feedback offers agree.

alter table public.survey_links drop constraint survey_links_object_kind;
alter table public.survey_links add constraint survey_links_object_kind
  check (object_kind in ('event', 'event_session', 'course'));

comment on table public.survey_links is
  'A survey attached to an event, an event session or a course (the seed''s EventModel.surveys). Its responses carry the object; only the event''s confirmed registrants or the course''s enrolled people answer it, and a survey attached to an event is also answered about one''s own registration (object_kind event_registration).';
comment on column public.survey_responses.object_kind is
  'What the response is about (event, event_session, event_registration, course), with object_id: the seed''s generic content_object.';

-- The link a response about an object needs: a registration answers its event's survey.
create function private.survey_link_of(p_object_kind text, p_object_id uuid, out link_kind text, out link_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  select case when p_object_kind = 'event_registration' then 'event' else p_object_kind end,
    case when p_object_kind = 'event_registration'
      then (select event_id from public.event_registrations where id = p_object_id)
      else p_object_id end
$$;

revoke all on function private.survey_link_of(text, uuid) from public;

-- What {{object.title}} shows: the event's, session's or course's title; a registration's event.
create function private.survey_object_title(p_object_kind text, p_object_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case p_object_kind
    when 'event' then (select title from public.events where id = p_object_id)
    when 'event_session' then (select title from public.event_sessions where id = p_object_id)
    when 'event_registration' then (
      select e.title from public.event_registrations r join public.events e on e.id = r.event_id where r.id = p_object_id)
    when 'course' then (select title from public.courses where id = p_object_id)
  end
$$;

revoke all on function private.survey_object_title(text, uuid) from public;

create or replace function private.check_survey_object(p_survey_id uuid, p_object_kind text, p_object_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_link record;
begin
  if (p_object_kind is null) <> (p_object_id is null) then
    raise exception using errcode = '22023', message = 'give both the object''s kind and id, or neither';
  end if;
  if p_object_kind is null then
    return;
  end if;
  if p_object_kind not in ('event', 'event_session', 'event_registration', 'course') then
    raise exception using errcode = '22023', message = pg_catalog.format('surveys are not answered about a %s', p_object_kind),
      hint = 'answer about an event, event_session, event_registration or course';
  end if;
  v_link := private.survey_link_of(p_object_kind, p_object_id);
  if not exists (
    select 1 from public.survey_links where survey_id = p_survey_id and object_kind = v_link.link_kind and object_id = v_link.link_id
  ) then
    raise exception using errcode = 'PT404', message = pg_catalog.format('this survey is not attached to that %s', p_object_kind);
  end if;
  if p_object_kind = 'event' and not exists (
    select 1 from public.event_registrations
    where event_id = p_object_id and user_id = (select auth.uid()) and status = 'confirmed'
  ) then
    raise exception using errcode = '42501', message = 'only the event''s registrants answer its survey';
  end if;
  if p_object_kind = 'event_session' and not exists (
    select 1 from public.event_sessions s
    join public.event_registrations r on r.event_id = s.event_id
    where s.id = p_object_id and r.user_id = (select auth.uid()) and r.status = 'confirmed'
  ) then
    raise exception using errcode = '42501', message = 'only the event''s registrants answer its sessions'' surveys';
  end if;
  if p_object_kind = 'event_registration' and not exists (
    select 1 from public.event_registrations
    where id = p_object_id and user_id = (select auth.uid()) and status = 'confirmed'
  ) then
    raise exception using errcode = '42501', message = 'only the registrant answers about their registration';
  end if;
  if p_object_kind = 'course' and not exists (
    select 1 from public.course_enrollments
    where course_id = p_object_id and user_id = (select auth.uid()) and status in ('active', 'completed')
  ) then
    raise exception using errcode = '42501', message = 'only the course''s participants answer its survey';
  end if;
end;
$$;

create or replace function private.can_manage_survey_object(p_object_kind text, p_object_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case p_object_kind
    when 'event' then exists (select 1 from public.events where id = p_object_id and private.can_manage(organization_id))
    when 'event_session' then exists (
      select 1 from public.event_sessions s join public.events e on e.id = s.event_id
      where s.id = p_object_id and private.can_manage(e.organization_id))
    when 'course' then exists (select 1 from public.courses where id = p_object_id and private.can_manage(organization_id))
    else false
  end
$$;

comment on function private.can_manage_survey_object(text, uuid) is
  'Whether the caller manages the event (or the session''s event) or course. Granted to authenticated because the survey_links insert policy calls it.';

create or replace function public.survey_form(
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
  v_link record;
begin
  select * into v_survey from public.surveys where id = p_survey_id;
  if not found or (v_survey.status = 'draft' and not private.can_manage(v_survey.organization_id)) then
    raise exception using errcode = 'PT404', message = 'survey not found';
  end if;
  if p_answers is not null and pg_catalog.jsonb_typeof(p_answers) <> 'object' then
    raise exception using errcode = '22023', message = 'answers are a JSON object keyed by question key';
  end if;
  v_link := private.survey_link_of(p_object_kind, p_object_id);
  if p_object_kind is not null and not exists (
    select 1 from public.survey_links where survey_id = p_survey_id and object_kind = v_link.link_kind and object_id = v_link.link_id
  ) then
    raise exception using errcode = 'PT404', message = pg_catalog.format('this survey is not attached to that %s', p_object_kind);
  end if;
  v_answers := coalesce(p_answers, (
    select answers from public.survey_drafts
    where survey_id = p_survey_id and user_id = (select auth.uid())
      and object_kind is not distinct from p_object_kind and object_id is not distinct from p_object_id), '{}');
  select display_name into v_name from public.profiles where id = (select auth.uid());
  v_title := private.survey_object_title(p_object_kind, p_object_id);
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
  'The survey as a respondent sees it: questions in order with piped text ({{answer:key}}, {{person.name}}, {{object.title}}: the event''s, session''s or course''s title) and whether each is shown, from p_answers or else the caller''s saved draft.';

create or replace function private.invite_survey_participants(p_survey public.surveys, p_user_ids uuid[], p_object_kind text, p_object_id uuid)
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
  v_object_title := private.survey_object_title(p_object_kind, p_object_id);
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

-- Session feedback: offered once to each attendee of the event (checked in) once the session
-- has ended, beside the event and course offers of offer_feedback_surveys.
create function private.offer_session_feedback_surveys()
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
    select l.object_id as session_id, es.event_id, s as survey
    from public.survey_links l
    join public.surveys s on s.id = l.survey_id
    join public.event_sessions es on es.id = l.object_id
    join public.events e on e.id = es.event_id
    where l.is_feedback and l.object_kind = 'event_session' and s.status = 'open'
      and (s.closes_at is null or s.closes_at > now())
      and es.ends_at <= now() and e.status in ('published', 'completed')
  loop
    select pg_catalog.array_agg(r.user_id) into v_user_ids
    from public.event_registrations r
    where r.event_id = v_link.event_id and r.status = 'confirmed' and r.attended_at is not null
      and not exists (
        select 1 from public.survey_participants p
        where p.survey_id = (v_link.survey).id and p.user_id = r.user_id
          and p.object_kind = 'event_session' and p.object_id = v_link.session_id and p.invited_at is not null);
    if v_user_ids is not null then
      v_count := v_count + private.invite_survey_participants(v_link.survey, v_user_ids, 'event_session', v_link.session_id);
    end if;
  end loop;
  return v_count;
end;
$$;

revoke all on function private.offer_session_feedback_surveys() from public;

select cron.schedule('survey-feedback-offers', '* * * * *',
  $$select private.offer_feedback_surveys() + private.offer_session_feedback_surveys()$$);
