-- The same push-device registration, or the same Zoom meeting link, sent twice at the same
-- moment no longer fails with 409 (as seller_ratings in 0069). Both functions insert with ON
-- CONFLICT naming one unique key while the table has another whose value comes from the same
-- arguments: push_devices.push_token beside (user_id, device_id), zoom_meetings.zoom_meeting_id
-- beside (event_id, session_id). PostgreSQL forgives a conflict only on the key it names: when
-- two transactions both found no row and inserted, the second one's entry in the other key met
-- the first's and failed with 23505 instead of taking the ON CONFLICT path. 20 identical calls at
-- once, on 20 connections, failed so in 3 of 20 rounds (register_push_device) and 5 of 100
-- (link_zoom_meeting). Both are ON CONFLICT DO UPDATE, which needs a conflict target, so 0069's
-- `on conflict do nothing` does not apply. A transaction-scoped advisory lock on the value of the
-- other key serializes only the calls that could collide; each takes it before any row lock.
--
-- The lock on the token also covers a token moving to another device at that moment: the delete
-- below could not see the other transaction's row, and the insert failed the same way.
--
-- The other `insert … on conflict` in sql/ cannot collide so: their tables' other unique keys
-- are fresh (a default uuid or identity), left null by that insert (cpd_credit_entries,
-- email_outbox digests), drawn at random (referral_codes.code), or the function locks a row
-- first (link_dongle locks the vehicle).

-- As in 0032, with the advisory lock before the delete.
create or replace function public.register_push_device(
  p_device_id text,
  p_platform public.push_platform,
  p_push_token text,
  p_app_version text default null
)
returns public.push_devices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_session_id uuid := private.try_uuid((select auth.jwt()) ->> 'session_id');
  v_device public.push_devices;
begin
  if coalesce(pg_catalog.btrim(p_device_id), '') = '' or char_length(p_device_id) > 200 then
    raise exception using errcode = '22023', message = 'give the device id (up to 200 characters)';
  end if;
  if coalesce(pg_catalog.btrim(p_push_token), '') = '' or char_length(p_push_token) > 4096 then
    raise exception using errcode = '22023', message = 'give the push token (up to 4096 characters)';
  end if;
  if p_platform is null then
    raise exception using errcode = '22023', message = 'give the platform: ios, android or web';
  end if;
  if char_length(p_app_version) > 50 then
    raise exception using errcode = '22023', message = 'the app version is up to 50 characters';
  end if;
  -- One registration of a token at a time: the statements below then see the row an earlier one
  -- made, so its insert updates that row instead of meeting its push_token (see above).
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('push_token:' || p_push_token, 0));
  -- The token moves from whichever row had it (this person's other device id, or someone else).
  delete from public.push_devices where push_token = p_push_token and not (user_id = v_user_id and device_id = p_device_id);
  insert into public.push_devices (user_id, device_id, platform, push_token, session_id, app_version)
  values (v_user_id, p_device_id, p_platform, p_push_token, v_session_id, p_app_version)
  on conflict (user_id, device_id) do update
  set platform = excluded.platform, push_token = excluded.push_token, session_id = excluded.session_id,
    app_version = excluded.app_version
  returning * into v_device;
  return v_device;
end;
$$;

comment on function public.register_push_device(text, public.push_platform, text, text) is
  'After sign-in: the caller''s push token for a device (replacing that device''s earlier one), tied to the current session so that signing out of it removes the row.';

-- As in 0063, with the advisory lock before the insert.
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
  -- One link of a Zoom meeting at a time: the insert below then sees the row an earlier one made,
  -- so it updates that row instead of meeting its zoom_meeting_id (see above).
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('zoom_meeting:' || p_zoom_meeting_id, 0));
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
