-- Join details per session (issue 20 follow-up): a multi-session event's sessions each get a Zoom
-- meeting, and each meeting's link used to overwrite the event's one row in event_join_details.
--   event_session_join_details   how to join one session, for the same readers as the event's
--                                join details (staff and confirmed registrants); written by
--                                link_zoom_meeting()
-- event_join_details keeps one link per event: the event's own meeting, else its first session's.

create table public.event_session_join_details (
  session_id uuid primary key references public.event_sessions (id) on delete cascade,
  event_id uuid not null references public.events (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  join_url text not null,
  meeting_id text,
  passcode text,
  updated_at timestamptz not null default now(),
  constraint event_session_join_details_url check (join_url ~ '^https://')
);

comment on table public.event_session_join_details is
  'How to join one session of an online or hybrid event that has a meeting of its own (Zoom): the organization''s staff, platform admins and the event''s confirmed registrants read it. Written by link_zoom_meeting() only.';

create index event_session_join_details_event_id_idx on public.event_session_join_details (event_id);
create index event_session_join_details_organization_id_idx on public.event_session_join_details (organization_id);

create trigger event_session_join_details_updated_at
  before update on public.event_session_join_details
  for each row execute function extensions.moddatetime(updated_at);

alter table public.event_session_join_details enable row level security;

revoke all on public.event_session_join_details from anon, authenticated, service_role;
grant select on public.event_session_join_details to authenticated;
grant select, insert, update, delete on public.event_session_join_details to service_role;

create policy event_session_join_details_select on public.event_session_join_details for select to authenticated
  using (
    event_id in (select private.confirmed_event_ids())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

-- Sessions linked before this migration: their meetings' links.
insert into public.event_session_join_details (session_id, event_id, organization_id, join_url, meeting_id, passcode)
select session_id, event_id, organization_id, join_url, zoom_meeting_id, passcode
from public.zoom_meetings where session_id is not null;

create or replace function public.link_zoom_meeting(
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
  if p_session_id is not null then
    insert into public.event_session_join_details (session_id, event_id, organization_id, join_url, meeting_id, passcode)
    values (p_session_id, p_event_id, v_meeting.organization_id, p_join_url, p_zoom_meeting_id, p_passcode)
    on conflict (session_id) do update
    set join_url = excluded.join_url, meeting_id = excluded.meeting_id, passcode = excluded.passcode;
  end if;
  -- The event's link: its own meeting, else its first session's, so a later session's meeting no
  -- longer replaces the one registrants join first.
  insert into public.event_join_details (event_id, organization_id, join_url, meeting_id, passcode)
  select m.event_id, m.organization_id, m.join_url, m.zoom_meeting_id, m.passcode
  from public.zoom_meetings m
  left join public.event_sessions s on s.id = m.session_id
  where m.event_id = p_event_id
  order by m.session_id is not null, s.starts_at, s.position
  limit 1
  on conflict (event_id) do update
  set join_url = excluded.join_url, meeting_id = excluded.meeting_id, passcode = excluded.passcode;
  return v_meeting;
end;
$$;

comment on function public.link_zoom_meeting(uuid, text, text, uuid, text, text, numeric) is
  'Staff (through the zoom function, or directly to link an existing meeting): records the event''s (or session''s) Zoom meeting; a session''s link goes to event_session_join_details, and event_join_details keeps the event''s own meeting''s link, else its first session''s, for confirmed registrants. A second call for the same event or session replaces its link.';
