-- Attendance: staff check in a confirmed registration by its check-in token (the QR payload),
-- once per session; scans made offline are synced later and keep their scan time. Staff get
-- counts per event and session.

create type public.check_in_method as enum ('qr', 'manual', 'offline');

create table public.event_check_ins (
  id uuid primary key default gen_random_uuid(),
  registration_id uuid not null references public.event_registrations (id) on delete cascade,
  event_id uuid not null references public.events (id) on delete cascade,
  session_id uuid references public.event_sessions (id) on delete cascade,
  organization_id uuid,
  user_id uuid not null references public.profiles (id) on delete cascade,
  checked_in_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  checked_in_by uuid references public.profiles (id) on delete set null,
  method public.check_in_method not null default 'qr',
  device_id text,
  -- Once per registration and session (an event without sessions has one null session).
  constraint event_check_ins_once unique nulls not distinct (registration_id, session_id),
  constraint event_check_ins_device_id_length check (char_length(device_id) <= 200)
);

comment on table public.event_check_ins is
  'One check-in of a registration, per session. checked_in_at is when the ticket was scanned (kept for offline scans), recorded_at when the server stored it. Written by the check-in RPCs only.';

create index event_check_ins_event_id_idx on public.event_check_ins (event_id, session_id);
create index event_check_ins_session_id_idx on public.event_check_ins (session_id);
create index event_check_ins_user_id_idx on public.event_check_ins (user_id);
create index event_check_ins_organization_id_idx on public.event_check_ins (organization_id);
create index event_check_ins_checked_in_by_idx on public.event_check_ins (checked_in_by);

create trigger event_check_ins_organization
  before insert on public.event_check_ins
  for each row execute function private.inherit_organization_id('events', 'event_id');

-- The registration's attended_at is its earliest check-in.
create function private.mark_attended()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.event_registrations
  set attended_at = new.checked_in_at
  where id = new.registration_id
    and (attended_at is null or attended_at > new.checked_in_at);
  return null;
end;
$$;

revoke all on function private.mark_attended() from public;

create trigger event_check_ins_mark_attended
  after insert on public.event_check_ins
  for each row execute function private.mark_attended();

-- What a check-in answers: `checked_in`, `already_checked_in` (with the first scan's time), or for
-- offline batches a refusal: `invalid_token`, `wrong_event`, `not_confirmed`, `invalid_session`,
-- `invalid_scan_time`, `event_not_open`.
create type public.check_in_result as (
  result text,
  check_in_id uuid,
  registration_id uuid,
  event_id uuid,
  session_id uuid,
  user_id uuid,
  display_name text,
  checked_in_at timestamptz,
  client_ref text
);

-- Records one check-in of a registration the caller may manage; answers a refusal code instead
-- of raising, so a batch can carry on.
create function private.record_check_in(
  p_registration public.event_registrations,
  p_event_id uuid,
  p_session_id uuid,
  p_scanned_at timestamptz,
  p_method public.check_in_method,
  p_device_id text
)
returns public.check_in_result
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event public.events;
  v_result public.check_in_result;
  v_check_in public.event_check_ins;
  v_has_sessions boolean;
begin
  v_result.registration_id := p_registration.id;
  v_result.event_id := p_registration.event_id;
  v_result.session_id := p_session_id;
  v_result.user_id := p_registration.user_id;
  select display_name into v_result.display_name from public.profiles where id = p_registration.user_id;

  if p_event_id is not null and p_event_id <> p_registration.event_id then
    v_result.result := 'wrong_event';
    return v_result;
  end if;
  select * into v_event from public.events where id = p_registration.event_id;
  if v_event.status not in ('published', 'completed') then
    v_result.result := 'event_not_open';
    return v_result;
  end if;
  if p_registration.status <> 'confirmed' then
    v_result.result := 'not_confirmed';
    return v_result;
  end if;
  v_has_sessions := exists (select 1 from public.event_sessions where event_id = v_event.id);
  if (p_session_id is null) = v_has_sessions
    or (p_session_id is not null and not exists (
      select 1 from public.event_sessions where id = p_session_id and event_id = v_event.id
    )) then
    v_result.result := 'invalid_session';
    return v_result;
  end if;
  if p_scanned_at > now() + interval '5 minutes' or p_scanned_at < v_event.starts_at - interval '1 day' then
    v_result.result := 'invalid_scan_time';
    return v_result;
  end if;

  insert into public.event_check_ins (registration_id, event_id, session_id, user_id, checked_in_at, checked_in_by, method, device_id)
  values (p_registration.id, v_event.id, p_session_id, p_registration.user_id, p_scanned_at, (select auth.uid()), p_method, p_device_id)
  on conflict (registration_id, session_id) do nothing
  returning * into v_check_in;
  if v_check_in.id is not null then
    v_result.result := 'checked_in';
  else
    select * into v_check_in
    from public.event_check_ins
    where registration_id = p_registration.id
      and session_id is not distinct from p_session_id;
    v_result.result := 'already_checked_in';
  end if;
  v_result.check_in_id := v_check_in.id;
  v_result.checked_in_at := v_check_in.checked_in_at;
  return v_result;
end;
$$;

revoke all on function private.record_check_in(public.event_registrations, uuid, uuid, timestamptz, public.check_in_method, text) from public;

create function private.raise_check_in_refusal(p_result public.check_in_result)
returns public.check_in_result
language plpgsql
immutable
set search_path = ''
as $$
begin
  case p_result.result
    when 'checked_in', 'already_checked_in' then
      return p_result;
    when 'wrong_event' then
      raise exception using errcode = 'P0001', message = 'this ticket is for another event';
    when 'event_not_open' then
      raise exception using errcode = 'P0001', message = 'check-in is open only for published and completed events';
    when 'not_confirmed' then
      raise exception using errcode = 'P0001', message = 'this registration is not confirmed',
        hint = 'only confirmed registrations can be checked in';
    when 'invalid_session' then
      raise exception using errcode = 'P0001', message = 'pass the session of this event being checked in',
        hint = 'p_session_id is required for an event with sessions and must be null for one without';
    when 'invalid_scan_time' then
      raise exception using errcode = 'P0001', message = 'the scan time is outside the event',
        hint = 'scan times may be at most 5 minutes ahead and at most a day before the event';
    else
      raise exception using errcode = 'P0001', message = p_result.result;
  end case;
end;
$$;

revoke all on function private.raise_check_in_refusal(public.check_in_result) from public;

-- Online check-in by the QR token. A second scan answers `already_checked_in`, with the first
-- scan's time. Staff of the event's organization (platform admins for platform events).
create function public.check_in_by_token(p_token text, p_event_id uuid default null, p_session_id uuid default null)
returns public.check_in_result
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_registration public.event_registrations;
begin
  perform private.require_active_user();
  select * into v_registration from public.event_registrations where check_in_token = p_token;
  if not found or not private.can_manage(v_registration.organization_id) then
    raise exception using errcode = 'P0002', message = 'no registration of your events has this check-in token';
  end if;
  return private.raise_check_in_refusal(
    private.record_check_in(v_registration, p_event_id, p_session_id, now(), 'qr', null)
  );
end;
$$;

-- Manual check-in of a registration by staff (a lost phone, a printed list).
create function public.check_in_registration(p_registration_id uuid, p_session_id uuid default null)
returns public.check_in_result
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_registration public.event_registrations;
begin
  perform private.require_active_user();
  select * into v_registration from public.event_registrations where id = p_registration_id;
  if not found or not private.can_manage(v_registration.organization_id) then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  return private.raise_check_in_refusal(
    private.record_check_in(v_registration, null, p_session_id, now(), 'manual', null)
  );
end;
$$;

-- Scans made offline, synced later: a JSON array of
--   {"token": "...", "scanned_at": "2025-05-01T09:03:00Z", "event_id"?: "...", "session_id"?: "...", "ref"?: "..."}
-- Each scan is recorded once, keeping its scan time; one answer per scan, in order, with the
-- scan's "ref" echoed as client_ref. A scan of an unknown token answers `invalid_token`.
create function public.sync_offline_check_ins(p_scans jsonb, p_device_id text default null)
returns setof public.check_in_result
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_scan jsonb;
  v_registration public.event_registrations;
  v_result public.check_in_result;
  v_scanned_at timestamptz;
begin
  perform private.require_active_user();
  if pg_catalog.jsonb_typeof(p_scans) is distinct from 'array' then
    raise exception using errcode = '22023', message = 'p_scans must be a JSON array of scans',
      hint = '[{"token": "...", "scanned_at": "2025-05-01T09:03:00Z", "session_id": "..."}]';
  end if;
  if pg_catalog.jsonb_array_length(p_scans) > 1000 then
    raise exception using errcode = '22023', message = 'sync at most 1000 scans at a time';
  end if;
  for v_scan in select value from pg_catalog.jsonb_array_elements(p_scans) loop
    v_result := null;
    begin
      v_scanned_at := (v_scan ->> 'scanned_at')::timestamptz;
    exception
      when others then
        v_scanned_at := null;
    end;
    select * into v_registration from public.event_registrations where check_in_token = v_scan ->> 'token';
    if not found or not private.can_manage(v_registration.organization_id) then
      v_result.result := 'invalid_token';
    elsif v_scanned_at is null then
      v_result.result := 'invalid_scan_time';
      v_result.registration_id := v_registration.id;
    else
      v_result := private.record_check_in(
        v_registration,
        private.try_uuid(v_scan ->> 'event_id'),
        private.try_uuid(v_scan ->> 'session_id'),
        v_scanned_at,
        'offline',
        p_device_id
      );
    end if;
    v_result.client_ref := v_scan ->> 'ref';
    return next v_result;
  end loop;
end;
$$;

-- Confirmed registrations and check-ins per session, and for the whole event (session_id null:
-- people checked in to at least one session). Staff only.
create function public.event_attendance_summary(p_event_id uuid)
returns table (
  session_id uuid,
  session_title text,
  starts_at timestamptz,
  confirmed_count integer,
  checked_in_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_event public.events;
begin
  select * into v_event from public.events e where e.id = p_event_id;
  if not found or not private.can_manage(v_event.organization_id) then
    raise exception using errcode = 'P0002', message = 'event not found',
      hint = 'attendance counts are for the event''s staff';
  end if;
  return query
  select null::uuid, v_event.title, v_event.starts_at, v_event.confirmed_count, v_event.attended_count
  union all
  select
    s.id,
    s.title,
    s.starts_at,
    v_event.confirmed_count,
    (select count(*)::integer from public.event_check_ins c where c.session_id = s.id)
  from (
    select es.id, es.title, es.starts_at
    from public.event_sessions es
    where es.event_id = p_event_id
    order by es.starts_at, es.position
  ) s;
end;
$$;

revoke all on function public.check_in_by_token(text, uuid, uuid) from public, anon;
revoke all on function public.check_in_registration(uuid, uuid) from public, anon;
revoke all on function public.sync_offline_check_ins(jsonb, text) from public, anon;
revoke all on function public.event_attendance_summary(uuid) from public, anon;
grant execute on function public.check_in_by_token(text, uuid, uuid) to authenticated, service_role;
grant execute on function public.check_in_registration(uuid, uuid) to authenticated, service_role;
grant execute on function public.sync_offline_check_ins(jsonb, text) to authenticated, service_role;
grant execute on function public.event_attendance_summary(uuid) to authenticated, service_role;

revoke all on public.event_check_ins from anon, authenticated;
grant all on public.event_check_ins to service_role;
grant select on public.event_check_ins to authenticated;

alter table public.event_check_ins enable row level security;

create policy "event_check_ins: attendee and staff read"
  on public.event_check_ins for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );
