-- Survey invitations by email to people without an account, and reminders by a scheduled job.
--
--   survey_email_invitations   an address invited to a survey: the email carries a link with a
--                              signed token that answers the survey once, without signing in
--   surveys.reminder_interval  when set, the job survey-reminders reminds invited people (with an
--   surveys.max_reminders      account or by email) who have not answered, at most max_reminders
--                              times, each reminder_interval after the invitation or the last one
--
-- The token is "<invitation id>.<HMAC of the id>" under a key kept in private.notification_keys,
-- so it is never stored, and a reminder can carry it again. Email invitees answer with
-- submit_survey_response_by_invitation; the invitation row is locked while the response is
-- written, so a link answers once even when used twice at the same moment. They cannot answer
-- file questions (uploads belong to an account); such an answer is refused, naming the question.
-- In an anonymous survey the invitation records that it was answered, never which response.

alter table private.notification_keys
  add column survey_invitation_key bytea not null default extensions.gen_random_bytes(32);

alter table public.surveys
  add column reminder_interval interval,
  add column max_reminders integer not null default 2,
  add constraint surveys_reminder_interval check (reminder_interval >= interval '1 hour'),
  add constraint surveys_max_reminders check (max_reminders between 0 and 10);

comment on column public.surveys.reminder_interval is
  'When set, the survey-reminders job reminds invited people who have not answered, this long after their invitation or last reminder (at least an hour).';
comment on column public.surveys.max_reminders is 'How many automatic reminders a person gets at most (0 to 10).';

create table public.survey_email_invitations (
  id uuid primary key default gen_random_uuid(),
  survey_id uuid not null references public.surveys (id) on delete cascade,
  organization_id uuid,
  email text not null,
  invited_by uuid references public.profiles (id) on delete set null,
  invited_at timestamptz not null default now(),
  reminded_at timestamptz,
  reminder_count integer not null default 0,
  responded_at timestamptz,
  response_id uuid references public.survey_responses (id) on delete set null,
  constraint survey_email_invitations_unique unique (survey_id, email),
  constraint survey_email_invitations_email check (
    email = pg_catalog.lower(email) and char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
  ),
  constraint survey_email_invitations_reminder_count check (reminder_count >= 0),
  constraint survey_email_invitations_response check (response_id is null or responded_at is not null)
);

comment on table public.survey_email_invitations is
  'Addresses invited to a survey by email (invite_to_survey_by_email), each with a link that answers the survey once without an account. Read by the survey''s managers; written by the database only.';
comment on column public.survey_email_invitations.response_id is 'The response given through the link; null in anonymous surveys.';

create index survey_email_invitations_organization_id_idx on public.survey_email_invitations (organization_id);
create index survey_email_invitations_invited_by_idx on public.survey_email_invitations (invited_by);
create index survey_email_invitations_response_id_idx on public.survey_email_invitations (response_id);
create index survey_email_invitations_unanswered_idx on public.survey_email_invitations (survey_id)
  where responded_at is null;

create trigger survey_email_invitations_organization
  before insert or update on public.survey_email_invitations
  for each row execute function private.inherit_organization_id('surveys', 'survey_id');

-- ---------------------------------------------------------------------------------------------
-- Tokens
-- ---------------------------------------------------------------------------------------------

create function private.survey_invitation_token(p_invitation_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select p_invitation_id::text || '.'
    || private.base64url(extensions.hmac(pg_catalog.convert_to(p_invitation_id::text, 'UTF8'), k.survey_invitation_key, 'sha256'))
  from private.notification_keys k
$$;

revoke all on function private.survey_invitation_token(uuid) from public;

-- The invitation a token names, locked for the caller's transaction. A malformed token is a bad
-- argument; a forged one and one whose invitation is gone are both "not found".
create function private.survey_invitation_of(p_token text)
returns public.survey_email_invitations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_invitation public.survey_email_invitations;
begin
  if p_token is null or p_token !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$' then
    raise exception using errcode = '22023', message = 'this invitation link is not valid',
      hint = 'use the link from the invitation email as it is';
  end if;
  v_id := pg_catalog.split_part(p_token, '.', 1)::uuid;
  select * into v_invitation from public.survey_email_invitations where id = v_id for update;
  if not found or private.survey_invitation_token(v_id) <> p_token then
    raise exception using errcode = 'PT404', message = 'invitation not found';
  end if;
  return v_invitation;
end;
$$;

revoke all on function private.survey_invitation_of(text) from public;

-- Emails one invitation or reminder per address, each with its own link.
create function private.email_survey_invitations(p_survey public.surveys, p_invitation_ids uuid[], p_type text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation record;
  v_url text;
begin
  for v_invitation in
    select id, email from public.survey_email_invitations where id = any (p_invitation_ids) order by email
  loop
    v_url := '/surveys/answer?invitation=' || private.survey_invitation_token(v_invitation.id);
    perform private.notify(p_type, '{}',
      pg_catalog.left(case when p_type = 'survey_reminder' then 'Reminder: ' else 'Please answer: ' end || p_survey.title, 200),
      case when p_survey.closes_at is not null then 'It closes at ' || pg_catalog.to_char(p_survey.closes_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC.' end,
      pg_catalog.jsonb_build_object('survey_id', p_survey.id, 'survey_title', p_survey.title),
      'survey', p_survey.id, v_url, array[v_invitation.email]);
  end loop;
end;
$$;

revoke all on function private.email_survey_invitations(public.surveys, uuid[], text) from public;

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.invite_to_survey_by_email(p_survey_id uuid, p_emails text[])
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_survey public.surveys;
  v_bad text;
  v_invited uuid[];
begin
  v_survey := private.require_survey_manager(p_survey_id);
  if v_survey.status <> 'open' then
    raise exception using errcode = 'PT409', message = 'open the survey before inviting people';
  end if;
  if p_emails is null or pg_catalog.cardinality(p_emails) not between 1 and 1000 then
    raise exception using errcode = '22023', message = 'invite from 1 to 1000 addresses at a time';
  end if;
  select e into v_bad from pg_catalog.unnest(p_emails) e
  where e is null or char_length(pg_catalog.btrim(e)) > 254 or pg_catalog.btrim(e) !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
  limit 1;
  if found then
    raise exception using errcode = '22023', message = pg_catalog.format('%s is not an email address', coalesce(v_bad, 'null'));
  end if;
  with invited as (
    insert into public.survey_email_invitations (survey_id, email, invited_by)
    select distinct p_survey_id, pg_catalog.lower(pg_catalog.btrim(e)), v_user_id from pg_catalog.unnest(p_emails) e
    on conflict on constraint survey_email_invitations_unique do nothing
    returning id
  )
  select pg_catalog.array_agg(id) into v_invited from invited;
  if v_invited is null then
    return 0;
  end if;
  perform private.email_survey_invitations(v_survey, v_invited, 'survey_invitation');
  return pg_catalog.cardinality(v_invited);
end;
$$;

comment on function public.invite_to_survey_by_email(uuid, text[]) is
  'Invites email addresses (people without an account, or a contact list) to an open survey: each gets an email with a link that answers it once without signing in. Addresses already invited are skipped. Returns how many were invited. The survey''s managers only.';

create function public.survey_invitation(p_token text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.survey_email_invitations := private.survey_invitation_of(p_token);
begin
  return public.survey_form(v_invitation.survey_id)
    || pg_catalog.jsonb_build_object('email', v_invitation.email, 'answered', v_invitation.responded_at is not null);
end;
$$;

comment on function public.survey_invitation(text) is
  'The survey an email invitation''s link opens, as survey_form() shows it, with the invited address and whether the link was used. No sign-in needed.';

create function public.submit_survey_response_by_invitation(p_token text, p_answers jsonb)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.survey_email_invitations := private.survey_invitation_of(p_token);
  v_survey public.surveys;
  v_answers jsonb;
  v_response_id uuid;
begin
  v_survey := private.open_survey_for_response(v_invitation.survey_id);
  if v_invitation.responded_at is not null then
    raise exception using errcode = 'PT409', message = 'this invitation has already been answered',
      hint = 'each invitation link answers the survey once';
  end if;
  v_answers := private.checked_survey_answers(v_survey.id, p_answers, true);
  insert into public.survey_responses (survey_id, answers) values (v_survey.id, v_answers)
  returning id into v_response_id;
  update public.survey_email_invitations
  set responded_at = now(), response_id = case when not v_survey.is_anonymous then v_response_id end
  where id = v_invitation.id;
  return v_response_id;
end;
$$;

comment on function public.submit_survey_response_by_invitation(text, jsonb) is
  'Submits a response through an email invitation''s link, without signing in: validated like submit_survey_response, once per invitation. Returns the response''s id.';

-- ---------------------------------------------------------------------------------------------
-- Reminders
-- ---------------------------------------------------------------------------------------------

-- Reminds a survey's invited people (accounts and addresses) who have not answered and were not
-- invited or reminded within p_min_interval, each at most p_max times (no limit when null).
create function private.remind_survey(p_survey public.surveys, p_min_interval interval, p_max integer)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_reminded uuid[];
  v_emailed uuid[];
begin
  with reminded as (
    update public.survey_participants
    set reminded_at = now(), reminder_count = reminder_count + 1
    where survey_id = p_survey.id and invited_at is not null and submitted_count = 0
      and coalesce(reminded_at, invited_at) <= now() - p_min_interval
      and (p_max is null or reminder_count < p_max)
    returning user_id
  )
  select pg_catalog.array_agg(distinct user_id) into v_reminded from reminded;
  if v_reminded is not null then
    perform private.notify('survey_reminder', v_reminded, pg_catalog.left('Reminder: ' || p_survey.title, 200),
      case when p_survey.closes_at is not null then 'It closes at ' || pg_catalog.to_char(p_survey.closes_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC.' end,
      pg_catalog.jsonb_build_object('survey_id', p_survey.id, 'survey_title', p_survey.title),
      'survey', p_survey.id, '/surveys/' || p_survey.id);
  end if;
  with emailed as (
    update public.survey_email_invitations
    set reminded_at = now(), reminder_count = reminder_count + 1
    where survey_id = p_survey.id and responded_at is null
      and coalesce(reminded_at, invited_at) <= now() - p_min_interval
      and (p_max is null or reminder_count < p_max)
    returning id
  )
  select pg_catalog.array_agg(id) into v_emailed from emailed;
  if v_emailed is not null then
    perform private.email_survey_invitations(p_survey, v_emailed, 'survey_reminder');
  end if;
  return coalesce(pg_catalog.cardinality(v_reminded), 0) + coalesce(pg_catalog.cardinality(v_emailed), 0);
end;
$$;

revoke all on function private.remind_survey(public.surveys, interval, integer) from public;

create or replace function public.remind_survey_invitees(p_survey_id uuid, p_min_interval interval default '1 day')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
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
  return private.remind_survey(v_survey, p_min_interval, null);
end;
$$;

comment on function public.remind_survey_invitees(uuid, interval) is
  'Reminds invited people (accounts and email addresses) who have not answered an open survey and were not invited or reminded within p_min_interval. Returns how many were reminded. Managers (or a scheduled job).';

-- The job survey-reminders: every open survey with a reminder_interval.
create function private.remind_due_survey_invitees()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_count integer := 0;
begin
  for v_survey in
    select * from public.surveys
    where status = 'open' and reminder_interval is not null and max_reminders > 0
      and (opens_at is null or opens_at <= now()) and (closes_at is null or closes_at > now())
  loop
    v_count := v_count + private.remind_survey(v_survey, v_survey.reminder_interval, v_survey.max_reminders);
  end loop;
  return v_count;
end;
$$;

revoke all on function private.remind_due_survey_invitees() from public;

select cron.schedule('survey-reminders', '*/10 * * * *', $$select private.remind_due_survey_invitees()$$);

-- ---------------------------------------------------------------------------------------------
-- Grants and row-level security
-- ---------------------------------------------------------------------------------------------

revoke all on function public.invite_to_survey_by_email(uuid, text[]) from public, anon;
revoke all on function public.survey_invitation(text) from public;
revoke all on function public.submit_survey_response_by_invitation(text, jsonb) from public;
grant execute on function public.invite_to_survey_by_email(uuid, text[]) to authenticated, service_role;
grant execute on function public.survey_invitation(text) to anon, authenticated, service_role;
grant execute on function public.submit_survey_response_by_invitation(text, jsonb) to anon, authenticated, service_role;

alter table public.survey_email_invitations enable row level security;
revoke all on public.survey_email_invitations from anon, authenticated;
grant select on public.survey_email_invitations to authenticated;
grant all on public.survey_email_invitations to service_role;

create policy "survey_email_invitations: the survey's managers read" on public.survey_email_invitations
  for select to authenticated using (private.can_manage(organization_id));
