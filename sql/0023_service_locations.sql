-- Service membership: service locations and appointments (the seed's /api/appointments/
-- availability, book and upcoming).
--
-- - service_locations: a workshop of an organization (any kind), with address, coordinates, IANA
--   time zone, currency, slot length, lead time and booking horizon; service_location_hours (per ISO
--   weekday, local time, several ranges a day allowed) and service_location_exceptions (a date's
--   own hours replacing the weekday's; a row without times closes the day); service_bays; and
--   location_services (what is offered: code, duration, price in minor units of the location's
--   currency). Managed by the organization's staff (creation and removal: its admins) and platform
--   admins; every signed-in user reads them.
-- - appointments: a member's vehicle in one bay for [starts_at, ends_at). An exclusion constraint
--   on (bay, time range) makes a double booking of a bay impossible, whatever the caller; another
--   keeps a vehicle from two overlapping appointments. appointment_services copies the services
--   and prices booked. Written only by book_appointment, reschedule_appointment and
--   cancel_appointment.
-- - appointment_availability(): free slots (UTC) for a location, a local date and a set of services,
--   computed from opening hours in the location's time zone (correct on daylight-saving days: slots
--   step through real time between the UTC instants of the local opening and closing times).
--
-- Staff of an organization serving a member (the member has an appointment at one of its
-- locations) may see that member's vehicles and dongles: this migration widens those policies.
-- Reminders: appointments_for_reminders() lists tomorrow's appointments for a notifier to send.

create extension if not exists btree_gist with schema extensions;

create type public.appointment_status as enum ('booked', 'cancelled', 'completed', 'no_show');

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

create table public.service_locations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null,
  address_line1 text not null,
  address_line2 text,
  city text not null,
  region text,
  postal_code text,
  country_code text not null,
  latitude double precision,
  longitude double precision,
  time_zone text not null,
  phone text,
  currency text not null default 'USD',
  slot_minutes integer not null default 30,
  lead_time_minutes integer not null default 120,
  booking_horizon_days integer not null default 60,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint service_locations_name_length check (char_length(name) between 1 and 200),
  constraint service_locations_address_lengths check (
    char_length(address_line1) between 1 and 200 and char_length(address_line2) <= 200
    and char_length(city) between 1 and 120 and char_length(region) <= 120 and char_length(postal_code) <= 20
  ),
  constraint service_locations_country_code check (country_code ~ '^[A-Z]{2}$'),
  constraint service_locations_coordinates check (
    (latitude is null) = (longitude is null) and latitude between -90 and 90 and longitude between -180 and 180
  ),
  constraint service_locations_time_zone check (private.is_valid_time_zone(time_zone)),
  constraint service_locations_phone_format check (phone ~ '^\+?[0-9 ()-]{5,32}$'),
  constraint service_locations_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint service_locations_slot_minutes check (slot_minutes between 5 and 240),
  constraint service_locations_lead_time check (lead_time_minutes between 0 and 10080),
  constraint service_locations_horizon check (booking_horizon_days between 1 and 730)
);

comment on table public.service_locations is
  'A workshop where members book appointments. Managed by its organization''s staff (created and removed by its admins) and platform admins; readable by every signed-in user.';
comment on column public.service_locations.time_zone is 'IANA time zone of the opening hours; availability and bookings are answered in UTC.';
comment on column public.service_locations.currency is 'Currency of the prices of location_services.';
comment on column public.service_locations.slot_minutes is 'Step between the start times offered by appointment_availability(), and the length of a slot when no service is chosen.';
comment on column public.service_locations.lead_time_minutes is 'How far ahead of its start an appointment must be booked.';
comment on column public.service_locations.booking_horizon_days is 'How many days ahead (in the location''s calendar) appointments can be booked.';

create index service_locations_organization_id_idx on public.service_locations (organization_id);
create index service_locations_city_idx on public.service_locations (country_code, city) where is_active;

create trigger service_locations_updated_at
  before update on public.service_locations
  for each row execute function extensions.moddatetime(updated_at);

create table public.service_location_hours (
  id uuid primary key default gen_random_uuid(),
  location_id uuid not null references public.service_locations (id) on delete cascade,
  weekday smallint not null,
  opens_at time not null,
  closes_at time not null,
  constraint service_location_hours_weekday check (weekday between 1 and 7),
  constraint service_location_hours_range check (closes_at > opens_at),
  constraint service_location_hours_key unique (location_id, weekday, opens_at)
);

comment on table public.service_location_hours is
  'Opening hours per ISO weekday (1 = Monday) in the location''s local time; several ranges a day for a lunch break. closes_at may be 24:00.';

create table public.service_location_exceptions (
  id uuid primary key default gen_random_uuid(),
  location_id uuid not null references public.service_locations (id) on delete cascade,
  on_date date not null,
  opens_at time,
  closes_at time,
  reason text,
  constraint service_location_exceptions_range check ((opens_at is null) = (closes_at is null) and closes_at > opens_at),
  constraint service_location_exceptions_reason_length check (char_length(reason) <= 200)
);

comment on table public.service_location_exceptions is
  'A date with its own hours (holidays, late openings): rows for a date replace that weekday''s hours; a row without times closes the location that day.';

create index service_location_exceptions_location_date_idx on public.service_location_exceptions (location_id, on_date);

create table public.service_bays (
  id uuid primary key default gen_random_uuid(),
  location_id uuid not null references public.service_locations (id) on delete cascade,
  name text not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  constraint service_bays_name_length check (char_length(name) between 1 and 60),
  constraint service_bays_name_key unique (location_id, name)
);

comment on table public.service_bays is 'A service bay of a location: one appointment at a time (an exclusion constraint on appointments).';

create table public.location_services (
  id uuid primary key default gen_random_uuid(),
  location_id uuid not null references public.service_locations (id) on delete cascade,
  code text not null,
  name text not null,
  description text,
  duration_minutes integer not null,
  price_amount integer not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint location_services_code_format check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  constraint location_services_code_key unique (location_id, code),
  constraint location_services_name_length check (char_length(name) between 1 and 120),
  constraint location_services_description_length check (char_length(description) <= 2000),
  constraint location_services_duration check (duration_minutes between 5 and 720),
  constraint location_services_price check (price_amount >= 0)
);

comment on table public.location_services is
  'A service a location offers (the seed''s "oil_change", "tire_rotation"): how long it takes and its price in minor units of the location''s currency.';

create trigger location_services_updated_at
  before update on public.location_services
  for each row execute function extensions.moddatetime(updated_at);

create table public.appointments (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  vehicle_id uuid not null references public.vehicles (id) on delete cascade,
  location_id uuid not null references public.service_locations (id) on delete restrict,
  bay_id uuid not null references public.service_bays (id) on delete restrict,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  status public.appointment_status not null default 'booked',
  total_amount integer not null default 0,
  currency text not null,
  notes text,
  cancelled_at timestamptz,
  cancelled_by uuid references public.profiles (id) on delete set null,
  cancellation_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint appointments_range check (ends_at > starts_at),
  constraint appointments_total check (total_amount >= 0),
  constraint appointments_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint appointments_cancelled check ((status = 'cancelled') = (cancelled_at is not null)),
  constraint appointments_notes_length check (char_length(notes) <= 2000 and char_length(cancellation_reason) <= 500),
  constraint appointments_no_bay_overlap exclude using gist (bay_id with =, tstzrange(starts_at, ends_at) with &&)
    where (status <> 'cancelled'),
  constraint appointments_no_vehicle_overlap exclude using gist (vehicle_id with =, tstzrange(starts_at, ends_at) with &&)
    where (status <> 'cancelled')
);

comment on table public.appointments is
  'A booked bay for a member''s vehicle. No two live appointments share a bay or a vehicle at the same time (exclusion constraints). Written through book_appointment, reschedule_appointment and cancel_appointment; visible to the member, the location''s staff and platform admins.';
comment on column public.appointments.total_amount is 'Sum of the booked services'' prices at booking time, in minor units of currency.';

create index appointments_user_id_idx on public.appointments (user_id, starts_at);
create index appointments_vehicle_id_idx on public.appointments (vehicle_id);
create index appointments_location_id_idx on public.appointments (location_id, starts_at);
create index appointments_bay_id_idx on public.appointments (bay_id);
create index appointments_cancelled_by_idx on public.appointments (cancelled_by);

create trigger appointments_updated_at
  before update on public.appointments
  for each row execute function extensions.moddatetime(updated_at);

create table public.appointment_services (
  appointment_id uuid not null references public.appointments (id) on delete cascade,
  location_service_id uuid not null references public.location_services (id) on delete restrict,
  code text not null,
  name text not null,
  duration_minutes integer not null,
  price_amount integer not null,
  primary key (appointment_id, location_service_id)
);

comment on table public.appointment_services is 'The services of an appointment as they were when booked (name, duration, price).';

create index appointment_services_location_service_id_idx on public.appointment_services (location_service_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- Whether the caller manages the location: its organization's staff, or a platform admin.
create function private.can_manage_location(p_location_id uuid, p_min_role public.organization_role default 'staff')
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.service_locations
    where id = p_location_id and private.can_manage(organization_id, p_min_role)
  )
$$;

-- Whether the caller is staff of an organization serving the member: one where the member has an
-- appointment (not cancelled) at one of its locations. Such staff support the member and see their
-- vehicles.
create function private.serves_member(p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.appointments a
    join public.service_locations l on l.id = a.location_id
    where a.user_id = p_user_id
      and a.status <> 'cancelled'
      and l.organization_id in (select private.organization_ids_with_role('staff'))
  )
$$;

-- Who may see an appointment: the member, the location's staff and platform admins.
create function private.can_see_appointment(p_appointment_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.appointments
    where id = p_appointment_id
      and (user_id = (select auth.uid()) or private.can_manage_location(location_id))
  )
$$;

revoke all on function private.can_manage_location(uuid, public.organization_role) from public;
revoke all on function private.serves_member(uuid) from public;
revoke all on function private.can_see_appointment(uuid) from public;
grant execute on function private.can_manage_location(uuid, public.organization_role) to authenticated, service_role;
grant execute on function private.serves_member(uuid) to authenticated, service_role;
grant execute on function private.can_see_appointment(uuid) to authenticated, service_role;

-- The location's opening ranges on a local date, as UTC instants: the date's exceptions when it
-- has any, else the weekday's hours. Converting each local time separately is what makes
-- daylight-saving days right: a range across the change is an hour shorter or longer.
create function private.opening_ranges(p_location_id uuid, p_date date)
returns table (opens timestamptz, closes timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  with location as (
    select time_zone from public.service_locations where id = p_location_id
  ),
  exceptions as (
    select opens_at, closes_at from public.service_location_exceptions
    where location_id = p_location_id and on_date = p_date
  ),
  ranges as (
    select opens_at, closes_at from exceptions where opens_at is not null
    union
    select opens_at, closes_at from public.service_location_hours
    where location_id = p_location_id
      and weekday = extract(isodow from p_date)
      and not exists (select 1 from exceptions)
  )
  select (p_date + r.opens_at) at time zone l.time_zone, (p_date + r.closes_at) at time zone l.time_zone
  from ranges r, location l
$$;

-- The active services of a location by code, checked: every code must be offered. Answers the
-- services' rows (id, code, name, duration, price), with 400 for an unknown code.
create function private.chosen_services(p_location_id uuid, p_codes text[])
returns setof public.location_services
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_unknown text;
begin
  select string_agg(code, ', ' order by code) into v_unknown
  from (select distinct unnest(p_codes) as code) chosen
  where not exists (
    select 1 from public.location_services s
    where s.location_id = p_location_id and s.code = chosen.code and s.is_active
  );
  if v_unknown is not null then
    raise exception using errcode = 'PT400', message = pg_catalog.format('this location does not offer: %s', v_unknown),
      hint = 'choose codes from the location''s location_services';
  end if;
  return query
    select * from public.location_services s
    where s.location_id = p_location_id and s.code = any (p_codes) and s.is_active
    order by s.code;
end;
$$;

-- The active location, locked when asked, or 404.
create function private.open_location(p_location_id uuid)
returns public.service_locations
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_location public.service_locations;
begin
  select * into v_location from public.service_locations where id = p_location_id and is_active;
  if not found then
    raise exception using errcode = 'PT404', message = 'service location not found';
  end if;
  return v_location;
end;
$$;

-- Refuses a local date outside [today, today + horizon] in the location's calendar.
create function private.check_booking_date(p_location public.service_locations, p_date date)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_today date := (pg_catalog.now() at time zone p_location.time_zone)::date;
begin
  if p_date is null then
    raise exception using errcode = 'PT400', message = 'a date is required (YYYY-MM-DD)';
  end if;
  if p_date < v_today then
    raise exception using errcode = 'PT400', message = 'that date has passed';
  end if;
  if p_date > v_today + p_location.booking_horizon_days then
    raise exception using errcode = 'PT400', message = pg_catalog.format('appointments can be booked up to %s days ahead', p_location.booking_horizon_days);
  end if;
end;
$$;

-- Start times that fit p_duration inside an opening range on p_date, no earlier than the lead
-- time, each with the number of active bays free for [start, start + p_duration).
create function private.free_slots(p_location public.service_locations, p_date date, p_duration interval)
returns table (starts_at timestamptz, ends_at timestamptz, free_bays integer)
language sql
stable
security definer
set search_path = ''
as $$
  with starts as (
    select distinct slot
    from private.opening_ranges(p_location.id, p_date) r,
      generate_series(r.opens, r.closes - p_duration, pg_catalog.make_interval(mins => p_location.slot_minutes)) slot
    where slot >= pg_catalog.now() + pg_catalog.make_interval(mins => p_location.lead_time_minutes)
  )
  select s.slot, s.slot + p_duration, free.bays
  from starts s
  cross join lateral (
    select count(*)::integer as bays
    from public.service_bays b
    where b.location_id = p_location.id
      and b.is_active
      and not exists (
        select 1 from public.appointments a
        where a.bay_id = b.id
          and a.status <> 'cancelled'
          and tstzrange(a.starts_at, a.ends_at) && tstzrange(s.slot, s.slot + p_duration)
      )
  ) free
  where free.bays > 0
  order by s.slot
$$;

-- Puts the appointment in the first free active bay (by name), preferring p_preferred_bay. Bays
-- are locked one at a time in name order, so concurrent bookings of one location queue per bay
-- instead of deadlocking; the exclusion constraint stays the guarantee (a conflict it reports is
-- a busy bay). p_appointment_id null inserts a new appointment, else moves that one.
create function private.place_in_bay(
  p_location public.service_locations,
  p_starts_at timestamptz,
  p_ends_at timestamptz,
  p_fields public.appointments,
  p_preferred_bay uuid default null
)
returns public.appointments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_bay uuid;
  v_appointment public.appointments;
  v_constraint text;
begin
  for v_bay in
    select id from public.service_bays
    where location_id = p_location.id and is_active
    order by id = p_preferred_bay desc, name
  loop
    perform 1 from public.service_bays where id = v_bay for no key update;
    continue when exists (
      select 1 from public.appointments a
      where a.bay_id = v_bay and a.status <> 'cancelled' and a.id is distinct from p_fields.id
        and tstzrange(a.starts_at, a.ends_at) && tstzrange(p_starts_at, p_ends_at)
    );
    begin
      if p_fields.id is null then
        insert into public.appointments (user_id, vehicle_id, location_id, bay_id, starts_at, ends_at, total_amount, currency, notes)
        values (p_fields.user_id, p_fields.vehicle_id, p_location.id, v_bay, p_starts_at, p_ends_at, p_fields.total_amount, p_fields.currency, p_fields.notes)
        returning * into v_appointment;
      else
        update public.appointments
        set bay_id = v_bay, starts_at = p_starts_at, ends_at = p_ends_at
        where id = p_fields.id
        returning * into v_appointment;
      end if;
      return v_appointment;
    exception
      when exclusion_violation then
        get stacked diagnostics v_constraint = constraint_name;
        if v_constraint = 'appointments_no_vehicle_overlap' then
          raise exception using errcode = 'PT409', message = 'this vehicle already has an appointment at that time';
        end if;
    end;
  end loop;
  raise exception using errcode = 'PT409', message = 'no bay is free at that time',
    hint = 'appointment_availability lists the free slots';
end;
$$;

-- Refuses a start outside opening hours, in the past, inside the lead time or beyond the horizon.
create function private.check_appointment_time(p_location public.service_locations, p_starts_at timestamptz, p_ends_at timestamptz)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_local_date date;
begin
  if p_starts_at is null then
    raise exception using errcode = 'PT400', message = 'a start time is required (ISO 8601, e.g. 2024-01-15T10:00:00Z)';
  end if;
  if p_starts_at <= pg_catalog.now() then
    raise exception using errcode = 'PT400', message = 'that time has passed';
  end if;
  if p_starts_at < pg_catalog.now() + pg_catalog.make_interval(mins => p_location.lead_time_minutes) then
    raise exception using errcode = 'PT400', message = pg_catalog.format('appointments must be booked at least %s minutes ahead', p_location.lead_time_minutes);
  end if;
  v_local_date := (p_starts_at at time zone p_location.time_zone)::date;
  perform private.check_booking_date(p_location, v_local_date);
  if not exists (
    select 1 from private.opening_ranges(p_location.id, v_local_date) r
    where r.opens <= p_starts_at and p_ends_at <= r.closes
  ) then
    raise exception using errcode = 'PT400', message = 'the location is closed at that time',
      hint = 'the whole appointment must fit inside opening hours; appointment_availability lists the free slots';
  end if;
end;
$$;

revoke all on function private.opening_ranges(uuid, date) from public;
revoke all on function private.chosen_services(uuid, text[]) from public;
revoke all on function private.open_location(uuid) from public;
revoke all on function private.check_booking_date(public.service_locations, date) from public;
revoke all on function private.free_slots(public.service_locations, date, interval) from public;
revoke all on function private.place_in_bay(public.service_locations, timestamptz, timestamptz, public.appointments, uuid) from public;
revoke all on function private.check_appointment_time(public.service_locations, timestamptz, timestamptz) from public;

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.appointment_availability(p_location_id uuid, p_date date, p_service_codes text[] default '{}')
returns table (starts_at timestamptz, ends_at timestamptz, free_bays integer)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_location public.service_locations;
  v_duration interval;
begin
  if (select auth.uid()) is null and not private.is_system_caller() then
    raise exception using errcode = '42501', message = 'sign in first', hint = 'this needs an authenticated user';
  end if;
  v_location := private.open_location(p_location_id);
  perform private.check_booking_date(v_location, p_date);
  if coalesce(pg_catalog.cardinality(p_service_codes), 0) = 0 then
    v_duration := pg_catalog.make_interval(mins => v_location.slot_minutes);
  else
    select pg_catalog.make_interval(mins => sum(duration_minutes)::integer) into v_duration
    from private.chosen_services(p_location_id, p_service_codes);
  end if;
  return query select * from private.free_slots(v_location, p_date, v_duration);
end;
$$;

comment on function public.appointment_availability(uuid, date, text[]) is
  'Free slots (UTC) at a location on a local date for the chosen services (their total duration; the slot length when none), with the number of free bays. The seed''s GET /api/appointments/availability/.';

create function public.book_appointment(
  p_vehicle_id uuid,
  p_location_id uuid,
  p_starts_at timestamptz,
  p_service_codes text[],
  p_notes text default null
)
returns public.appointments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_owner_id uuid;
  v_location public.service_locations;
  v_fields public.appointments;
  v_duration integer;
  v_appointment public.appointments;
begin
  -- The vehicle row is locked so one vehicle's bookings queue instead of racing.
  select owner_id into v_owner_id from public.vehicles where id = p_vehicle_id for no key update;
  if not found then
    raise exception using errcode = 'PT404', message = 'vehicle not found';
  end if;
  if v_owner_id <> v_user_id then
    raise exception using errcode = 'PT403', message = 'you can only book appointments for your own vehicles';
  end if;
  v_location := private.open_location(p_location_id);
  if coalesce(pg_catalog.cardinality(p_service_codes), 0) = 0 then
    raise exception using errcode = 'PT400', message = 'choose at least one service';
  end if;
  select sum(duration_minutes)::integer, sum(price_amount)::integer into v_duration, v_fields.total_amount
  from private.chosen_services(p_location_id, p_service_codes);
  perform private.check_appointment_time(v_location, p_starts_at, p_starts_at + pg_catalog.make_interval(mins => v_duration));

  v_fields.user_id := v_user_id;
  v_fields.vehicle_id := p_vehicle_id;
  v_fields.currency := v_location.currency;
  v_fields.notes := p_notes;
  v_appointment := private.place_in_bay(v_location, p_starts_at, p_starts_at + pg_catalog.make_interval(mins => v_duration), v_fields);
  insert into public.appointment_services (appointment_id, location_service_id, code, name, duration_minutes, price_amount)
  select v_appointment.id, s.id, s.code, s.name, s.duration_minutes, s.price_amount
  from private.chosen_services(p_location_id, p_service_codes) s;
  return v_appointment;
end;
$$;

comment on function public.book_appointment(uuid, uuid, timestamptz, text[], text) is
  'Books the caller''s vehicle into a free bay for the chosen services (the seed''s POST /api/appointments/book/). 400 outside opening hours, in the past, inside the lead time or beyond the horizon; 409 when no bay is free.';

-- Moves a booked appointment to another start (same services), by its member or the location's
-- staff, keeping its bay when that bay is free.
create function public.reschedule_appointment(p_appointment_id uuid, p_starts_at timestamptz)
returns public.appointments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_appointment public.appointments;
  v_location public.service_locations;
  v_ends_at timestamptz;
begin
  select * into v_appointment from public.appointments where id = p_appointment_id for update;
  if not found or not (v_appointment.user_id = v_user_id or private.can_manage_location(v_appointment.location_id)) then
    raise exception using errcode = 'PT404', message = 'appointment not found';
  end if;
  if v_appointment.status <> 'booked' then
    raise exception using errcode = 'PT409', message = pg_catalog.format('this appointment is %s', v_appointment.status);
  end if;
  if v_appointment.starts_at <= pg_catalog.now() then
    raise exception using errcode = 'PT409', message = 'this appointment has already started';
  end if;
  v_location := private.open_location(v_appointment.location_id);
  v_ends_at := p_starts_at + (v_appointment.ends_at - v_appointment.starts_at);
  perform private.check_appointment_time(v_location, p_starts_at, v_ends_at);
  return private.place_in_bay(v_location, p_starts_at, v_ends_at, v_appointment, v_appointment.bay_id);
end;
$$;

comment on function public.reschedule_appointment(uuid, timestamptz) is
  'Moves a booked, not yet started appointment to a new start (same services and length), by its member or the location''s staff; the same rules as booking.';

create function public.cancel_appointment(p_appointment_id uuid, p_reason text default null)
returns public.appointments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_appointment public.appointments;
begin
  select * into v_appointment from public.appointments where id = p_appointment_id for update;
  if not found or not (v_appointment.user_id = v_user_id or private.can_manage_location(v_appointment.location_id)) then
    raise exception using errcode = 'PT404', message = 'appointment not found';
  end if;
  if v_appointment.status <> 'booked' then
    raise exception using errcode = 'PT409', message = pg_catalog.format('this appointment is %s', v_appointment.status);
  end if;
  if v_appointment.starts_at <= pg_catalog.now() then
    raise exception using errcode = 'PT409', message = 'this appointment has already started';
  end if;
  update public.appointments
  set status = 'cancelled', cancelled_at = pg_catalog.now(), cancelled_by = v_user_id,
    cancellation_reason = pg_catalog.left(nullif(pg_catalog.btrim(p_reason), ''), 500)
  where id = p_appointment_id
  returning * into v_appointment;
  return v_appointment;
end;
$$;

comment on function public.cancel_appointment(uuid, text) is 'Cancels a booked appointment before it starts: its member or the location''s staff. Frees the bay.';

-- The caller's own booked appointments that have not ended, soonest first (the seed's
-- GET /api/appointments/upcoming/); staff read their location's through REST.
create function public.upcoming_appointments()
returns setof public.appointments
language sql
stable
set search_path = ''
as $$
  select * from public.appointments
  where user_id = (select auth.uid()) and status = 'booked' and ends_at > pg_catalog.now()
  order by starts_at
$$;

comment on function public.upcoming_appointments() is 'The caller''s booked appointments that have not ended, soonest first.';

-- For a reminder sender (the notifications system): booked appointments on the day after today in
-- each location's own calendar, with who to tell.
create function public.appointments_for_reminders(p_days_ahead integer default 1)
returns table (appointment_id uuid, user_id uuid, vehicle_id uuid, location_id uuid, location_name text, starts_at timestamptz, time_zone text)
language sql
stable
set search_path = ''
as $$
  select a.id, a.user_id, a.vehicle_id, a.location_id, l.name, a.starts_at, l.time_zone
  from public.appointments a
  join public.service_locations l on l.id = a.location_id
  where a.status = 'booked'
    and a.starts_at > pg_catalog.now()
    and a.starts_at < pg_catalog.now() + pg_catalog.make_interval(days => p_days_ahead + 2)
    and (a.starts_at at time zone l.time_zone)::date = (pg_catalog.now() at time zone l.time_zone)::date + p_days_ahead
  order by a.starts_at
$$;

comment on function public.appointments_for_reminders(integer) is
  'Service role: booked appointments p_days_ahead days from today in each location''s calendar (1: tomorrow), for a reminder sender.';

revoke all on function public.appointment_availability(uuid, date, text[]) from public, anon;
revoke all on function public.book_appointment(uuid, uuid, timestamptz, text[], text) from public, anon;
revoke all on function public.reschedule_appointment(uuid, timestamptz) from public, anon;
revoke all on function public.cancel_appointment(uuid, text) from public, anon;
revoke all on function public.upcoming_appointments() from public, anon;
revoke all on function public.appointments_for_reminders(integer) from public, anon, authenticated;
grant execute on function public.appointment_availability(uuid, date, text[]) to authenticated, service_role;
grant execute on function public.book_appointment(uuid, uuid, timestamptz, text[], text) to authenticated, service_role;
grant execute on function public.reschedule_appointment(uuid, timestamptz) to authenticated, service_role;
grant execute on function public.cancel_appointment(uuid, text) to authenticated, service_role;
grant execute on function public.upcoming_appointments() to authenticated, service_role;
grant execute on function public.appointments_for_reminders(integer) to service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.service_locations, public.service_location_hours, public.service_location_exceptions,
  public.service_bays, public.location_services, public.appointments, public.appointment_services from anon, authenticated;
grant all on public.service_locations, public.service_location_hours, public.service_location_exceptions,
  public.service_bays, public.location_services, public.appointments, public.appointment_services to service_role;
grant select, insert, update, delete on public.service_locations, public.service_location_hours, public.service_location_exceptions,
  public.service_bays, public.location_services to authenticated;
grant select on public.appointments, public.appointment_services to authenticated;

alter table public.service_locations enable row level security;
alter table public.service_location_hours enable row level security;
alter table public.service_location_exceptions enable row level security;
alter table public.service_bays enable row level security;
alter table public.location_services enable row level security;
alter table public.appointments enable row level security;
alter table public.appointment_services enable row level security;

create policy "service_locations: signed-in users read"
  on public.service_locations for select to authenticated
  using (true);

create policy "service_locations: organization admins create"
  on public.service_locations for insert to authenticated
  with check (private.can_manage(organization_id, 'admin'));

create policy "service_locations: organization staff update"
  on public.service_locations for update to authenticated
  using (private.can_manage(organization_id))
  with check (private.can_manage(organization_id));

create policy "service_locations: organization admins remove"
  on public.service_locations for delete to authenticated
  using (private.can_manage(organization_id, 'admin'));

create policy "service_location_hours: signed-in users read"
  on public.service_location_hours for select to authenticated
  using (true);

create policy "service_location_hours: location staff add"
  on public.service_location_hours for insert to authenticated
  with check (private.can_manage_location(location_id));

create policy "service_location_hours: location staff update"
  on public.service_location_hours for update to authenticated
  using (private.can_manage_location(location_id))
  with check (private.can_manage_location(location_id));

create policy "service_location_hours: location staff remove"
  on public.service_location_hours for delete to authenticated
  using (private.can_manage_location(location_id));

create policy "service_location_exceptions: signed-in users read"
  on public.service_location_exceptions for select to authenticated
  using (true);

create policy "service_location_exceptions: location staff add"
  on public.service_location_exceptions for insert to authenticated
  with check (private.can_manage_location(location_id));

create policy "service_location_exceptions: location staff update"
  on public.service_location_exceptions for update to authenticated
  using (private.can_manage_location(location_id))
  with check (private.can_manage_location(location_id));

create policy "service_location_exceptions: location staff remove"
  on public.service_location_exceptions for delete to authenticated
  using (private.can_manage_location(location_id));

create policy "service_bays: signed-in users read"
  on public.service_bays for select to authenticated
  using (true);

create policy "service_bays: location staff add"
  on public.service_bays for insert to authenticated
  with check (private.can_manage_location(location_id));

create policy "service_bays: location staff update"
  on public.service_bays for update to authenticated
  using (private.can_manage_location(location_id))
  with check (private.can_manage_location(location_id));

create policy "service_bays: location staff remove"
  on public.service_bays for delete to authenticated
  using (private.can_manage_location(location_id));

create policy "location_services: signed-in users read"
  on public.location_services for select to authenticated
  using (true);

create policy "location_services: location staff add"
  on public.location_services for insert to authenticated
  with check (private.can_manage_location(location_id));

create policy "location_services: location staff update"
  on public.location_services for update to authenticated
  using (private.can_manage_location(location_id))
  with check (private.can_manage_location(location_id));

create policy "location_services: location staff remove"
  on public.location_services for delete to authenticated
  using (private.can_manage_location(location_id));

create policy "appointments: the member, location staff and admins read"
  on public.appointments for select to authenticated
  using (user_id = (select auth.uid()) or private.can_manage_location(location_id));

create policy "appointment_services: whoever sees the appointment reads"
  on public.appointment_services for select to authenticated
  using (private.can_see_appointment(appointment_id));

-- Staff of an organization serving the member see the member's vehicles and dongles.
drop policy "vehicles: owner and platform admins read" on public.vehicles;
create policy "vehicles: owner, admins and staff serving the member read"
  on public.vehicles for select to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_platform_admin()) or private.serves_member(owner_id));

drop policy "obd_dongles: owner and platform admins read" on public.obd_dongles;
create policy "obd_dongles: owner, admins and staff serving the member read"
  on public.obd_dongles for select to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_platform_admin()) or private.serves_member(owner_id));
