-- Service membership: vehicles and OBD dongles (the seed's /api/vehicles/ and link-dongle).
--
-- - vehicles: a member's cars. The VIN is validated here (17 characters, no I, O or Q, and the
--   check digit of North American VINs), one vehicle per VIN across all members (nobody can claim a
--   car someone else registered), and the odometer only moves forward: a lower reading goes through
--   a platform admin's correct_vehicle_odometer(), which records the reason.
-- - vehicle_odometer_corrections: that record.
-- - obd_dongles: a dongle (hardware serial, BLE / WIFI / CLOUD) linked to at most one vehicle, each
--   vehicle with at most one dongle. Linking issues the dongle a token that lets it post telemetry
--   on its own; only its SHA-256 is stored (private.dongle_tokens), and the owner revokes it.
--
-- Who sees a vehicle: its owner and platform admins here; the locations migration adds the staff of
-- an organization serving the member (an appointment at one of its service locations).
-- Writes: owners insert, edit and delete their vehicles directly (REST); dongles change only through
-- link_dongle / unlink_dongle / revoke_dongle_token; corrections only through the RPC.

create type public.fuel_type as enum ('gasoline', 'diesel', 'hybrid', 'plug_in_hybrid', 'electric', 'lpg', 'cng', 'hydrogen', 'other');
create type public.odometer_unit as enum ('km', 'mi');
create type public.dongle_connection_type as enum ('BLE', 'WIFI', 'CLOUD');

-- ---------------------------------------------------------------------------------------------
-- VIN validation (ISO 3779; the check digit of 49 CFR 565 for North America)
-- ---------------------------------------------------------------------------------------------

-- What is wrong with a VIN, in words an app can show, or null when it is valid. Callers normalise
-- first (upper case, no surrounding spaces). The check digit (9th character) is verified for VINs
-- made for North America (world manufacturer identifier starting 1-5), where it is mandatory;
-- other regions do not use it consistently.
create function public.vin_problem(p_vin text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_values constant text := '0123456789ABCDEFGH.JKLMN.P.R.STUVWXYZ';
  -- Transliteration of each character above (I, O and Q never occur: marked '.').
  v_digits constant integer[] := array[0,1,2,3,4,5,6,7,8,9, 1,2,3,4,5,6,7,8,0, 1,2,3,4,5,0,7,0,9,0, 2,3,4,5,6,7,8,9];
  v_weights constant integer[] := array[8,7,6,5,4,3,2,10,0,9,8,7,6,5,4,3,2];
  v_sum integer := 0;
  v_remainder integer;
  v_expected text;
begin
  if p_vin is null or p_vin = '' then
    return 'a VIN is required';
  end if;
  if pg_catalog.char_length(p_vin) <> 17 then
    return pg_catalog.format('a VIN has 17 characters, this one has %s', pg_catalog.char_length(p_vin));
  end if;
  if p_vin ~ '[IOQ]' then
    return 'a VIN never contains the letters I, O or Q (they look like 1 and 0)';
  end if;
  if p_vin !~ '^[A-HJ-NPR-Z0-9]{17}$' then
    return 'a VIN has only the letters A-Z (without I, O, Q) and the digits 0-9';
  end if;
  if pg_catalog.left(p_vin, 1) between '1' and '5' then
    for i in 1..17 loop
      v_sum := v_sum + v_digits[pg_catalog.strpos(v_values, pg_catalog.substr(p_vin, i, 1))] * v_weights[i];
    end loop;
    v_remainder := v_sum % 11;
    v_expected := case when v_remainder = 10 then 'X' else v_remainder::text end;
    if pg_catalog.substr(p_vin, 9, 1) <> v_expected then
      return pg_catalog.format('the check digit (9th character) of this North American VIN should be %s: check for a typo', v_expected);
    end if;
  end if;
  return null;
end;
$$;

comment on function public.vin_problem(text) is
  'What is wrong with a VIN (upper case, trimmed), or null when valid: 17 characters, no I/O/Q, and the check digit for North American VINs (first character 1-5). Apps call it to validate a form before saving.';

revoke all on function public.vin_problem(text) from public;
grant execute on function public.vin_problem(text) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

create table public.vehicles (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  vin text not null,
  make text not null,
  model text not null,
  trim text,
  year integer not null,
  license_plate text,
  odometer numeric(10, 1) not null default 0,
  odometer_unit public.odometer_unit not null default 'mi',
  fuel_type public.fuel_type not null default 'gasoline',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vehicles_vin_key unique (vin),
  constraint vehicles_vin_valid check (public.vin_problem(vin) is null),
  constraint vehicles_make_length check (char_length(make) between 1 and 60),
  constraint vehicles_model_length check (char_length(model) between 1 and 60),
  constraint vehicles_trim_length check (char_length(trim) <= 60),
  constraint vehicles_year check (year between 1886 and 2100),
  constraint vehicles_license_plate_format check (license_plate ~ '^[A-Z0-9][A-Z0-9 -]{0,14}$'),
  constraint vehicles_odometer check (odometer between 0 and 9999999)
);

comment on table public.vehicles is
  'A member''s vehicle. One row per VIN across all members. Owners write their own rows; the odometer only moves forward (telemetry, edits) except through correct_vehicle_odometer().';
comment on column public.vehicles.vin is 'Upper case; validated by public.vin_problem(). Unique across members: a car belongs to one member at a time.';
comment on column public.vehicles.year is 'Model year, from 1886 to two years after the current one (checked by a trigger).';
comment on column public.vehicles.license_plate is 'Upper case letters, digits, spaces and dashes.';
comment on column public.vehicles.odometer is 'Latest reading in odometer_unit. Never decreases except by a platform admin''s recorded correction.';

create index vehicles_owner_id_idx on public.vehicles (owner_id, created_at);

create trigger vehicles_updated_at
  before update on public.vehicles
  for each row execute function extensions.moddatetime(updated_at);

create table public.vehicle_odometer_corrections (
  id uuid primary key default gen_random_uuid(),
  vehicle_id uuid not null references public.vehicles (id) on delete cascade,
  previous_odometer numeric(10, 1) not null,
  corrected_odometer numeric(10, 1) not null,
  reason text not null,
  corrected_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint vehicle_odometer_corrections_reason_length check (char_length(reason) between 5 and 500),
  constraint vehicle_odometer_corrections_odometer check (corrected_odometer between 0 and 9999999)
);

comment on table public.vehicle_odometer_corrections is
  'A platform admin''s correction of a vehicle''s odometer (the only way it goes down), with the reason. Written by correct_vehicle_odometer() only.';

create index vehicle_odometer_corrections_vehicle_id_idx on public.vehicle_odometer_corrections (vehicle_id, created_at);
create index vehicle_odometer_corrections_corrected_by_idx on public.vehicle_odometer_corrections (corrected_by);

create table public.obd_dongles (
  id uuid primary key default gen_random_uuid(),
  serial text not null,
  connection_type public.dongle_connection_type not null,
  owner_id uuid not null references public.profiles (id) on delete cascade,
  vehicle_id uuid references public.vehicles (id) on delete set null,
  linked_at timestamptz,
  token_issued_at timestamptz,
  token_revoked_at timestamptz,
  last_seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint obd_dongles_serial_key unique (serial),
  constraint obd_dongles_serial_format check (serial ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'),
  constraint obd_dongles_one_per_vehicle unique (vehicle_id)
);

comment on table public.obd_dongles is
  'An OBD-II dongle, linked to at most one vehicle (and each vehicle to at most one dongle). Changed through link_dongle, unlink_dongle and revoke_dongle_token; the owner may delete it.';
comment on column public.obd_dongles.serial is 'The hardware id the dongle reports (the seed''s dongleId).';
comment on column public.obd_dongles.owner_id is 'The member whose vehicle it was last linked to: only they can move it to another vehicle while it is linked.';
comment on column public.obd_dongles.token_issued_at is 'When link_dongle issued the current token; null after revocation or unlinking.';

create index obd_dongles_owner_id_idx on public.obd_dongles (owner_id);

create trigger obd_dongles_updated_at
  before update on public.obd_dongles
  for each row execute function extensions.moddatetime(updated_at);

-- Only the SHA-256 of a dongle's token, where no API role can read it.
create table private.dongle_tokens (
  dongle_id uuid primary key references public.obd_dongles (id) on delete cascade,
  token_hash bytea not null,
  issued_at timestamptz not null default now()
);

comment on table private.dongle_tokens is 'SHA-256 of each dongle''s current token (the token itself is shown once, by link_dongle).';

revoke all on private.dongle_tokens from public, anon, authenticated;
grant all on private.dongle_tokens to service_role;

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- The owner of a vehicle, or null: for policies of tables that hang off vehicles.
create function private.vehicle_owner(p_vehicle_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select owner_id from public.vehicles where id = p_vehicle_id
$$;

-- Whether the caller owns the vehicle or is a platform admin.
create function private.owns_vehicle_or_admin(p_vehicle_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.vehicle_owner(p_vehicle_id) = (select auth.uid()) or private.is_platform_admin()
$$;

revoke all on function private.vehicle_owner(uuid) from public;
revoke all on function private.owns_vehicle_or_admin(uuid) from public;
grant execute on function private.vehicle_owner(uuid) to authenticated, service_role;
grant execute on function private.owns_vehicle_or_admin(uuid) to authenticated, service_role;

-- The dongle and vehicle a token belongs to, when the token is current and the dongle is linked.
-- The token is "<dongle id>.<random>", so one indexed lookup finds the hash to compare.
create function private.dongle_for_token(p_token text)
returns table (dongle_id uuid, vehicle_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  select d.id, d.vehicle_id
  from public.obd_dongles d
  join private.dongle_tokens t on t.dongle_id = d.id
  where d.id = private.try_uuid(pg_catalog.split_part(p_token, '.', 1))
    and d.vehicle_id is not null
    and t.token_hash = extensions.digest(p_token, 'sha256')
$$;

revoke all on function private.dongle_for_token(text) from public;
grant execute on function private.dongle_for_token(text) to service_role;

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

-- Normalises and validates a vehicle with messages an app can show (the check constraints are the
-- backstop), keeps ownership fixed, and keeps the odometer from going down. A lower reading passes
-- only inside correct_vehicle_odometer(), which sets pitlane.odometer_correction to the vehicle id
-- for its own transaction.
create function private.guard_vehicle()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_problem text;
begin
  new.vin := pg_catalog.upper(pg_catalog.btrim(new.vin));
  new.license_plate := nullif(pg_catalog.upper(pg_catalog.btrim(new.license_plate)), '');
  new.make := pg_catalog.btrim(new.make);
  new.model := pg_catalog.btrim(new.model);
  v_problem := public.vin_problem(new.vin);
  if v_problem is not null then
    raise exception using errcode = '22023', message = v_problem, hint = 'the VIN is on the dashboard behind the windscreen and on the registration document';
  end if;
  if new.year > pg_catalog.date_part('year', pg_catalog.now())::integer + 2 or new.year < 1886 then
    raise exception using errcode = '22023', message = pg_catalog.format('%s is not a plausible model year', new.year),
      hint = 'use a year between 1886 and two years from now';
  end if;

  if tg_op = 'INSERT' then
    if not private.is_trusted() then
      new.owner_id := (select auth.uid());
      new.created_at := pg_catalog.now();
    end if;
  else
    if new.owner_id is distinct from old.owner_id and not private.is_trusted() then
      raise exception using errcode = '42501', message = 'a vehicle cannot be given to another member by editing it',
        hint = 'the new owner adds it after you remove it';
    end if;
    if new.created_at is distinct from old.created_at and not private.is_trusted() then
      new.created_at := old.created_at;
    end if;
    if new.odometer < old.odometer
      and pg_catalog.current_setting('pitlane.odometer_correction', true) is distinct from old.id::text then
      raise exception using errcode = 'PT409', message = pg_catalog.format('the odometer cannot go back (it reads %s)', old.odometer),
        hint = 'a wrong reading is corrected by a platform admin, with a reason';
    end if;
  end if;

  if (tg_op = 'INSERT' or new.vin is distinct from old.vin) and private.vin_is_registered(new.vin, new.id) then
    raise exception using errcode = 'PT409', message = 'this VIN is already registered',
      hint = 'if you bought this vehicle, its previous owner removes it first, or support can help';
  end if;
  return new;
end;
$$;

-- Whether another vehicle has the VIN, whoever owns it (the caller's policies would hide it).
create function private.vin_is_registered(p_vin text, p_except uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.vehicles where vin = p_vin and id is distinct from p_except)
$$;

revoke all on function private.vin_is_registered(text, uuid) from public;
grant execute on function private.vin_is_registered(text, uuid) to authenticated, service_role;

create trigger vehicles_guard
  before insert or update on public.vehicles
  for each row execute function private.guard_vehicle();

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.correct_vehicle_odometer(p_vehicle_id uuid, p_odometer numeric, p_reason text)
returns public.vehicle_odometer_corrections
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_vehicle public.vehicles;
  v_correction public.vehicle_odometer_corrections;
  v_reason text := pg_catalog.btrim(p_reason);
begin
  if not private.is_platform_admin() then
    raise exception using errcode = 'PT403', message = 'only platform admins correct an odometer',
      hint = 'ask support to correct a wrong reading';
  end if;
  select * into v_vehicle from public.vehicles where id = p_vehicle_id for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'vehicle not found';
  end if;
  if p_odometer is null or p_odometer < 0 or p_odometer > 9999999 then
    raise exception using errcode = 'PT400', message = 'the corrected odometer must be between 0 and 9999999';
  end if;
  if v_reason is null or pg_catalog.char_length(v_reason) < 5 then
    raise exception using errcode = 'PT400', message = 'a correction needs a reason of at least 5 characters';
  end if;
  insert into public.vehicle_odometer_corrections (vehicle_id, previous_odometer, corrected_odometer, reason, corrected_by)
  values (p_vehicle_id, v_vehicle.odometer, p_odometer, v_reason, v_user_id)
  returning * into v_correction;
  perform pg_catalog.set_config('pitlane.odometer_correction', p_vehicle_id::text, true);
  update public.vehicles set odometer = p_odometer where id = p_vehicle_id;
  perform pg_catalog.set_config('pitlane.odometer_correction', '', true);
  return v_correction;
end;
$$;

comment on function public.correct_vehicle_odometer(uuid, numeric, text) is
  'Platform admins: sets a vehicle''s odometer to any value (also lower), recording the previous value and the reason.';

-- Links a dongle (by its hardware serial) to the caller's vehicle and issues its token, returned
-- here once. A new serial becomes the caller's dongle; an unlinked one is taken over; a dongle
-- linked to another member's vehicle is refused; the caller's own dongle moves from their other
-- vehicle. A dongle already on the vehicle is replaced (unlinked, its token revoked).
create function public.link_dongle(p_vehicle_id uuid, p_serial text, p_connection_type public.dongle_connection_type)
returns table (id uuid, serial text, connection_type public.dongle_connection_type, vehicle_id uuid, linked_at timestamptz, token text)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user_id uuid := private.require_active_user();
  v_serial text := pg_catalog.btrim(p_serial);
  v_dongle public.obd_dongles;
  v_token text;
begin
  perform 1 from public.vehicles v where v.id = p_vehicle_id and v.owner_id = v_user_id for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'vehicle not found', hint = 'link a dongle to one of your own vehicles';
  end if;
  if v_serial is null or v_serial !~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' then
    raise exception using errcode = 'PT400', message = 'a dongle id is 1 to 64 letters, digits, dots, colons, dashes or underscores';
  end if;
  if p_connection_type is null then
    raise exception using errcode = 'PT400', message = 'the connection type is required: BLE, WIFI or CLOUD';
  end if;

  select * into v_dongle from public.obd_dongles d where d.serial = v_serial for update;
  if found and v_dongle.vehicle_id is not null and v_dongle.owner_id <> v_user_id then
    raise exception using errcode = 'PT409', message = 'this dongle is linked to another member''s vehicle',
      hint = 'its owner unlinks it first';
  end if;

  -- Another dongle on this vehicle is replaced.
  delete from private.dongle_tokens t
  using public.obd_dongles d
  where t.dongle_id = d.id and d.vehicle_id = p_vehicle_id and d.serial <> v_serial;
  update public.obd_dongles d
  set vehicle_id = null, linked_at = null, token_issued_at = null, token_revoked_at = pg_catalog.now()
  where d.vehicle_id = p_vehicle_id and d.serial <> v_serial;

  insert into public.obd_dongles as d (serial, connection_type, owner_id, vehicle_id, linked_at, token_issued_at, token_revoked_at)
  values (v_serial, p_connection_type, v_user_id, p_vehicle_id, pg_catalog.now(), pg_catalog.now(), null)
  on conflict on constraint obd_dongles_serial_key do update
  set connection_type = excluded.connection_type,
    owner_id = excluded.owner_id,
    vehicle_id = excluded.vehicle_id,
    linked_at = excluded.linked_at,
    token_issued_at = excluded.token_issued_at,
    token_revoked_at = null
  returning * into v_dongle;

  v_token := v_dongle.id::text || '.' || private.random_token(32);
  insert into private.dongle_tokens (dongle_id, token_hash)
  values (v_dongle.id, extensions.digest(v_token, 'sha256'))
  on conflict on constraint dongle_tokens_pkey do update set token_hash = excluded.token_hash, issued_at = excluded.issued_at;

  return query select v_dongle.id, v_dongle.serial, v_dongle.connection_type, v_dongle.vehicle_id, v_dongle.linked_at, v_token;
end;
$$;

comment on function public.link_dongle(uuid, text, public.dongle_connection_type) is
  'Links a dongle to the caller''s vehicle and returns its telemetry token (shown once; linking again issues a new one). Refused (409) while the dongle is linked to another member''s vehicle.';

-- The dongle, locked, when the caller owns it or is a platform admin; else 404 (whether it exists
-- is nobody else's business).
create function private.managed_dongle(p_dongle_id uuid)
returns public.obd_dongles
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_dongle public.obd_dongles;
begin
  perform private.require_active_user();
  select * into v_dongle from public.obd_dongles where id = p_dongle_id for update;
  if not found or not (v_dongle.owner_id = (select auth.uid()) or private.is_platform_admin()) then
    raise exception using errcode = 'PT404', message = 'dongle not found';
  end if;
  return v_dongle;
end;
$$;

revoke all on function private.managed_dongle(uuid) from public;

-- Ends a dongle's link to its vehicle, and its token.
create function public.unlink_dongle(p_dongle_id uuid)
returns public.obd_dongles
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_dongle public.obd_dongles := private.managed_dongle(p_dongle_id);
begin
  delete from private.dongle_tokens where dongle_id = p_dongle_id;
  update public.obd_dongles
  set vehicle_id = null, linked_at = null, token_issued_at = null,
    token_revoked_at = case when v_dongle.token_issued_at is not null then pg_catalog.now() else token_revoked_at end
  where id = p_dongle_id
  returning * into v_dongle;
  return v_dongle;
end;
$$;

comment on function public.unlink_dongle(uuid) is 'The owner (or a platform admin) unlinks a dongle from its vehicle; its token stops working.';

-- Revokes a dongle's token (lost or stolen device); it stays linked, and link_dongle issues a new one.
create function public.revoke_dongle_token(p_dongle_id uuid)
returns public.obd_dongles
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_dongle public.obd_dongles := private.managed_dongle(p_dongle_id);
begin
  delete from private.dongle_tokens where dongle_id = p_dongle_id;
  update public.obd_dongles
  set token_issued_at = null, token_revoked_at = pg_catalog.now()
  where id = p_dongle_id
  returning * into v_dongle;
  return v_dongle;
end;
$$;

comment on function public.revoke_dongle_token(uuid) is 'The owner (or a platform admin) revokes a dongle''s telemetry token; link_dongle issues a new one.';

revoke all on function public.correct_vehicle_odometer(uuid, numeric, text) from public, anon;
revoke all on function public.link_dongle(uuid, text, public.dongle_connection_type) from public, anon;
revoke all on function public.unlink_dongle(uuid) from public, anon;
revoke all on function public.revoke_dongle_token(uuid) from public, anon;
grant execute on function public.correct_vehicle_odometer(uuid, numeric, text) to authenticated, service_role;
grant execute on function public.link_dongle(uuid, text, public.dongle_connection_type) to authenticated, service_role;
grant execute on function public.unlink_dongle(uuid) to authenticated, service_role;
grant execute on function public.revoke_dongle_token(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.vehicles, public.vehicle_odometer_corrections, public.obd_dongles from anon, authenticated;
grant all on public.vehicles, public.vehicle_odometer_corrections, public.obd_dongles to service_role;
grant select, insert, update, delete on public.vehicles to authenticated;
grant select on public.vehicle_odometer_corrections to authenticated;
grant select, delete on public.obd_dongles to authenticated;

alter table public.vehicles enable row level security;
alter table public.vehicle_odometer_corrections enable row level security;
alter table public.obd_dongles enable row level security;

create policy "vehicles: owner and platform admins read"
  on public.vehicles for select to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "vehicles: active members add their own"
  on public.vehicles for insert to authenticated
  with check (owner_id = (select auth.uid()) and (select private.is_active_user()));

create policy "vehicles: owner and platform admins edit"
  on public.vehicles for update to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_platform_admin()))
  with check (owner_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "vehicles: owner and platform admins remove"
  on public.vehicles for delete to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "vehicle_odometer_corrections: vehicle owner and admins read"
  on public.vehicle_odometer_corrections for select to authenticated
  using (private.owns_vehicle_or_admin(vehicle_id));

create policy "obd_dongles: owner and platform admins read"
  on public.obd_dongles for select to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "obd_dongles: owner and platform admins remove"
  on public.obd_dongles for delete to authenticated
  using (owner_id = (select auth.uid()) or (select private.is_platform_admin()));
