-- Online events on Zoom (the CPD seed's ZoomMeeting, ZoomWebhook and "Zoom Sync: sync attendance
-- from Zoom"):
--   zoom_meetings             the Zoom meeting of an online or hybrid event (or one session of
--                             it): created (or linked) by the organization's staff through the
--                             `zoom` edge function, which calls Zoom's API; the join link goes to
--                             event_join_details, which only staff and confirmed registrants read
--   zoom_participant_events   participant joined and left events from Zoom's webhooks (the
--                             `zoom-webhook` function verifies the signature), once each by Zoom's
--                             own identity of the event, in any order
-- A participant whose email is a confirmed registrant's and whose time in the meeting (joins paired
-- with leaves) reaches the meeting's attendance_threshold share of the session is checked in
-- (method zoom), which marks the registration attended and so earns its CPD credits and
-- certificate as an in-person check-in does.

alter type public.check_in_method add value if not exists 'zoom';

create table public.zoom_meetings (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.events (id) on delete cascade,
  session_id uuid references public.event_sessions (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  zoom_meeting_id text not null,
  join_url text not null,
  start_url text,
  passcode text,
  starts_at timestamptz not null,
  duration_minutes integer not null,
  attendance_threshold numeric(3, 2) not null default 0.75,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint zoom_meetings_zoom_id_key unique (zoom_meeting_id),
  constraint zoom_meetings_session_key unique nulls not distinct (event_id, session_id),
  constraint zoom_meetings_zoom_id check (zoom_meeting_id ~ '^[0-9]{9,12}$'),
  constraint zoom_meetings_join_url check (join_url ~ '^https://'),
  constraint zoom_meetings_start_url check (start_url ~ '^https://'),
  constraint zoom_meetings_duration check (duration_minutes between 1 and 1440),
  constraint zoom_meetings_threshold check (attendance_threshold > 0 and attendance_threshold <= 1)
);

comment on table public.zoom_meetings is
  'The Zoom meeting of an online or hybrid event, or of one of its sessions: written by link_zoom_meeting() (the zoom function, as the staff member). start_url starts the meeting as its host: the organization''s staff and platform admins only read this table; registrants get the join link from event_join_details.';
comment on column public.zoom_meetings.attendance_threshold is 'The share of the meeting''s duration a registrant must attend to be checked in.';

create index zoom_meetings_session_id_idx on public.zoom_meetings (session_id);
create index zoom_meetings_organization_id_idx on public.zoom_meetings (organization_id);
create index zoom_meetings_created_by_idx on public.zoom_meetings (created_by);

create table public.zoom_participant_events (
  id bigint generated always as identity primary key,
  zoom_event_key text not null,
  meeting_id uuid not null references public.zoom_meetings (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  kind text not null,
  email text,
  participant_key text not null,
  display_name text,
  at timestamptz not null,
  registration_id uuid references public.event_registrations (id) on delete set null,
  received_at timestamptz not null default now(),
  constraint zoom_participant_events_key unique (zoom_event_key),
  constraint zoom_participant_events_kind check (kind in ('joined', 'left')),
  constraint zoom_participant_events_email check (email = pg_catalog.lower(email) and char_length(email) <= 320),
  constraint zoom_participant_events_display_name check (char_length(display_name) <= 200),
  constraint zoom_participant_events_participant_key check (char_length(participant_key) between 1 and 200)
);

comment on table public.zoom_participant_events is
  'Participants joining and leaving Zoom meetings, from Zoom''s webhooks: once per Zoom event (zoom_event_key), in any order; matched to a confirmed registration by email. Written by record_zoom_participant_event() (service role); the organization''s staff read them.';
comment on column public.zoom_participant_events.zoom_event_key is 'Zoom''s identity of the event: kind, meeting, participant and time, so a redelivery is recognised.';

create index zoom_participant_events_meeting_idx on public.zoom_participant_events (meeting_id, participant_key, at);
create index zoom_participant_events_organization_id_idx on public.zoom_participant_events (organization_id);
create index zoom_participant_events_registration_id_idx on public.zoom_participant_events (registration_id);

alter table public.zoom_meetings enable row level security;
alter table public.zoom_participant_events enable row level security;

revoke all on public.zoom_meetings, public.zoom_participant_events from anon, authenticated, service_role;
grant select on public.zoom_meetings, public.zoom_participant_events to authenticated;
grant update (attendance_threshold) on public.zoom_meetings to authenticated;
grant select, insert, update, delete on public.zoom_meetings, public.zoom_participant_events to service_role;

create policy zoom_meetings_select on public.zoom_meetings for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy zoom_meetings_update on public.zoom_meetings for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy zoom_participant_events_select on public.zoom_participant_events for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- Creating a meeting (the zoom function, as the staff member)
-- ---------------------------------------------------------------------------------------------

-- What the zoom function asks Zoom for, after checking the caller may: the event's (or session's)
-- title, start and length. 404 for what the caller cannot manage, 409 for an in-person event.
create function public.zoom_meeting_request(p_event_id uuid, p_session_id uuid default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_event public.events;
  v_session public.event_sessions;
begin
  perform private.require_active_user();
  select * into v_event from public.events where id = p_event_id;
  if not found or v_event.organization_id is null or not private.can_manage(v_event.organization_id, 'staff') then
    raise exception using errcode = 'PT404', message = 'event not found';
  end if;
  if v_event.format = 'in_person' then
    raise exception using errcode = 'PT409', message = 'the event is in person', hint = 'make it online or hybrid first';
  end if;
  if p_session_id is not null then
    select * into v_session from public.event_sessions where id = p_session_id and event_id = p_event_id;
    if not found then
      raise exception using errcode = 'PT404', message = 'session not found';
    end if;
  end if;
  return pg_catalog.jsonb_build_object(
    'topic', v_event.title || coalesce(': ' || v_session.title, ''),
    'starts_at', coalesce(v_session.starts_at, v_event.starts_at),
    'duration_minutes', least(1440, pg_catalog.ceil(extract(epoch from
      coalesce(v_session.ends_at, v_event.ends_at) - coalesce(v_session.starts_at, v_event.starts_at)) / 60))::integer);
end;
$$;

comment on function public.zoom_meeting_request(uuid, uuid) is
  'Staff: the topic, start and duration of the Zoom meeting for an online or hybrid event (or one session). The zoom function calls it before asking Zoom. 404 when the caller cannot manage the event, 409 for an in-person event.';

-- Records the meeting Zoom made (or an existing one the staff member links) and publishes its
-- join link to the event's confirmed registrants.
create function public.link_zoom_meeting(
  p_event_id uuid, p_zoom_meeting_id text, p_join_url text, p_session_id uuid default null,
  p_start_url text default null, p_passcode text default null, p_attendance_threshold numeric default 0.75)
returns public.zoom_meetings
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_request jsonb := public.zoom_meeting_request(p_event_id, p_session_id);
  v_meeting public.zoom_meetings;
begin
  if p_zoom_meeting_id is null or p_zoom_meeting_id !~ '^[0-9]{9,12}$' then
    raise exception using errcode = '22023', message = 'a Zoom meeting id is 9 to 12 digits';
  end if;
  if p_join_url is null or p_join_url !~ '^https://' or (p_start_url is not null and p_start_url !~ '^https://') then
    raise exception using errcode = '22023', message = 'Zoom links start with https://';
  end if;
  if p_attendance_threshold is null or p_attendance_threshold <= 0 or p_attendance_threshold > 1 then
    raise exception using errcode = '22023', message = 'the attendance threshold is a share between 0 and 1';
  end if;
  insert into public.zoom_meetings as m (event_id, session_id, organization_id, zoom_meeting_id, join_url, start_url, passcode,
    starts_at, duration_minutes, attendance_threshold, created_by)
  select p_event_id, p_session_id, e.organization_id, p_zoom_meeting_id, p_join_url, p_start_url, p_passcode,
    (v_request ->> 'starts_at')::timestamptz, (v_request ->> 'duration_minutes')::integer, p_attendance_threshold, (select auth.uid())
  from public.events e where e.id = p_event_id
  on conflict (event_id, session_id) do update
  set zoom_meeting_id = excluded.zoom_meeting_id, join_url = excluded.join_url, start_url = excluded.start_url,
    passcode = excluded.passcode, starts_at = excluded.starts_at, duration_minutes = excluded.duration_minutes,
    attendance_threshold = excluded.attendance_threshold
  returning * into v_meeting;
  insert into public.event_join_details (event_id, organization_id, join_url, meeting_id, passcode)
  values (p_event_id, v_meeting.organization_id, p_join_url, p_zoom_meeting_id, p_passcode)
  on conflict (event_id) do update
  set join_url = excluded.join_url, meeting_id = excluded.meeting_id, passcode = excluded.passcode;
  return v_meeting;
end;
$$;

comment on function public.link_zoom_meeting(uuid, text, text, uuid, text, text, numeric) is
  'Staff (through the zoom function, or directly to link an existing meeting): records the event''s (or session''s) Zoom meeting and puts its join link in event_join_details for confirmed registrants. A second call replaces the link.';

-- ---------------------------------------------------------------------------------------------
-- Attendance from Zoom's webhooks (the zoom-webhook function, service role)
-- ---------------------------------------------------------------------------------------------

-- Seconds a participant spent in the meeting: each leave paired with the latest join before it,
-- whatever order the events arrived in; a join without a leave yet counts nothing.
create function private.zoom_attended_seconds(p_meeting_id uuid, p_participant_key text)
returns numeric
language sql
stable
set search_path = ''
as $$
  select coalesce(pg_catalog.sum(extract(epoch from l.at - j.at)), 0)
  from public.zoom_participant_events l
  cross join lateral (
    select j.at from public.zoom_participant_events j
    where j.meeting_id = l.meeting_id and j.participant_key = l.participant_key and j.kind = 'joined' and j.at <= l.at
      and not exists (
        select 1 from public.zoom_participant_events x
        where x.meeting_id = l.meeting_id and x.participant_key = l.participant_key and x.kind = 'left'
          and x.at < l.at and x.at >= j.at)
    order by j.at desc
    limit 1
  ) j
  where l.meeting_id = p_meeting_id and l.participant_key = p_participant_key and l.kind = 'left'
$$;

revoke all on function private.zoom_attended_seconds(uuid, text) from public;

comment on function private.zoom_attended_seconds(uuid, text) is 'Seconds a Zoom participant attended, joins paired with leaves in time order. For record_zoom_participant_event().';

-- One participant event from a verified Zoom webhook (meeting.participant_joined or _left).
-- Returns {recorded, duplicate, registration_id, attended_seconds, checked_in}.
create function public.record_zoom_participant_event(p_event jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_type text := p_event ->> 'event';
  v_object jsonb := p_event #> '{payload,object}';
  v_participant jsonb := p_event #> '{payload,object,participant}';
  v_kind text;
  v_at timestamptz;
  v_meeting public.zoom_meetings;
  v_email text;
  v_participant_key text;
  v_registration public.event_registrations;
  v_id bigint;
  v_seconds numeric;
  v_checked_in boolean := false;
begin
  v_kind := case v_type when 'meeting.participant_joined' then 'joined' when 'meeting.participant_left' then 'left' end;
  if v_kind is null or jsonb_typeof(v_participant) <> 'object' or coalesce(v_object ->> 'id', '') !~ '^[0-9]{9,12}$' then
    raise exception using errcode = '22023', message = 'not a Zoom participant joined or left event';
  end if;
  begin
    v_at := (v_participant ->> case v_kind when 'joined' then 'join_time' else 'leave_time' end)::timestamptz;
  exception when others then
    v_at := null;
  end;
  v_participant_key := coalesce(nullif(v_participant ->> 'participant_uuid', ''), nullif(v_participant ->> 'user_id', ''), nullif(v_participant ->> 'id', ''));
  if v_at is null or v_participant_key is null or char_length(v_participant_key) > 200 then
    raise exception using errcode = '22023', message = 'the participant event has no participant or time';
  end if;
  select * into v_meeting from public.zoom_meetings where zoom_meeting_id = v_object ->> 'id';
  if not found then
    raise exception using errcode = 'PT404', message = 'no event has this Zoom meeting';
  end if;
  v_email := nullif(pg_catalog.lower(pg_catalog.btrim(v_participant ->> 'email')), '');
  select r.* into v_registration
  from public.event_registrations r join auth.users u on u.id = r.user_id
  where r.event_id = v_meeting.event_id and r.status = 'confirmed' and pg_catalog.lower(u.email) = v_email
  limit 1;

  insert into public.zoom_participant_events (zoom_event_key, meeting_id, organization_id, kind, email, participant_key, display_name, at, registration_id)
  values (v_kind || ':' || (v_object ->> 'id') || ':' || v_participant_key || ':' || pg_catalog.to_char(v_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    v_meeting.id, v_meeting.organization_id, v_kind, pg_catalog.left(v_email, 320), v_participant_key,
    pg_catalog.left(v_participant ->> 'user_name', 200), v_at, v_registration.id)
  on conflict (zoom_event_key) do nothing
  returning id into v_id;

  v_seconds := private.zoom_attended_seconds(v_meeting.id, v_participant_key);
  if v_registration.id is not null and v_seconds >= v_meeting.attendance_threshold * v_meeting.duration_minutes * 60 then
    insert into public.event_check_ins (registration_id, event_id, session_id, user_id, checked_in_at, method)
    values (v_registration.id, v_meeting.event_id, v_meeting.session_id, v_registration.user_id,
      (select min(e.at) from public.zoom_participant_events e
       where e.meeting_id = v_meeting.id and e.participant_key = v_participant_key and e.kind = 'joined'),
      'zoom')
    on conflict on constraint event_check_ins_once do nothing;
    v_checked_in := true;
  end if;
  return pg_catalog.jsonb_build_object('recorded', v_id is not null, 'duplicate', v_id is null,
    'registration_id', v_registration.id, 'attended_seconds', v_seconds, 'checked_in', v_checked_in);
end;
$$;

comment on function public.record_zoom_participant_event(jsonb) is
  'Service role (the zoom-webhook function, after verifying Zoom''s signature): records a participant joined or left event once, matches the participant to a confirmed registration by email, and checks the registrant in (method zoom) once they attended the meeting''s threshold share. 22023 for another kind of payload, 404 for an unknown meeting.';

revoke all on function public.zoom_meeting_request(uuid, uuid) from public, anon;
revoke all on function public.link_zoom_meeting(uuid, text, text, uuid, text, text, numeric) from public, anon;
revoke all on function public.record_zoom_participant_event(jsonb) from public, anon, authenticated;
grant execute on function public.zoom_meeting_request(uuid, uuid) to authenticated, service_role;
grant execute on function public.link_zoom_meeting(uuid, text, text, uuid, text, text, numeric) to authenticated, service_role;
grant execute on function public.record_zoom_participant_event(jsonb) to service_role;
