-- What the merge of the service-membership, notifications and tidy branches left open: the private
-- helpers those branches added before 0026 set the rule (a helper executable by anon or
-- authenticated says why in its comment) — each one's grant checked against what calls it as the
-- caller, and kept with its reason or revoked.

-- Trigger functions: EXECUTE is checked when a trigger is created, never when it fires.
revoke all on function private.guard_vehicle() from public;

-- Called only by security definer functions, which run as their owner: no API role needs them.
-- is_active_user() and transfer_registration() ask is_suspended(); owns_vehicle_or_admin(),
-- can_write_service_record() and ingest_telemetry() ask vehicle_owner().
revoke execute on function private.is_suspended(uuid) from anon, authenticated;
revoke execute on function private.vehicle_owner(uuid) from authenticated;
-- The notification_settings time zone check runs as whoever writes the row: only the service role
-- and security definer functions do (set_notification_settings(), the profile trigger).
revoke execute on function private.is_time_zone(text) from anon, authenticated;

comment on function private.is_suspended(uuid) is
  'True while the person has a suspension in force (started, not yet ended). Called by security definer functions (is_active_user(), transfer_registration()); suspension details stay in profile_suspensions.';
comment on function private.vehicle_owner(uuid) is
  'The owner of a vehicle, or null. Called by security definer helpers and RPCs only.';
comment on function private.is_time_zone(text) is
  'True when PostgreSQL knows the time zone name: the notification_settings time zone check, which the service role and security definer functions evaluate.';

-- Run by the caller's own statements.
comment on function private.is_event_media_public(uuid) is
  'Whether the files under <event id>/ in the event-media bucket are readable by everyone: the event is published or completed. Security definer: anonymous callers cannot read events themselves inside a storage policy. Granted to anon and authenticated because the event-media storage policies, run as the caller, call it.';
comment on function private.owns_vehicle_or_admin(uuid) is
  'Whether the caller owns the vehicle or is a platform admin. Granted to authenticated because RLS policies (vehicle_odometer_corrections) call it.';
comment on function private.vin_is_registered(text, uuid) is
  'Whether another vehicle has the VIN, whoever owns it (the caller''s policies would hide it). Granted to authenticated because the vehicles guard trigger, which runs as the caller, asks it.';
comment on function private.can_manage_location(uuid, public.organization_role) is
  'Whether the caller manages the service location at the role: its organization''s staff, or a platform admin. Granted to authenticated because RLS policies on locations, hours, exceptions, bays, services and appointments call it.';
comment on function private.serves_member(uuid) is
  'Whether the caller is staff of an organization where the member has a live appointment: such staff support the member and see their vehicles. Granted to authenticated because RLS policies on vehicles and obd_dongles call it.';
comment on function private.can_see_appointment(uuid) is
  'Whether the caller may see the appointment: the member, the location''s staff, platform admins. Granted to authenticated because the appointment_services RLS policy calls it.';
comment on function private.own_vehicle_ids() is
  'The vehicles the caller owns, evaluated once per statement over large tables. Granted to authenticated because the telemetry_batches and telemetry_samples RLS policies call it.';
comment on function private.can_read_service_book(uuid) is
  'Whether the caller may read a vehicle''s service book: the owner, platform admins, staff serving the member. Granted to authenticated because the service_records RLS policy calls it.';
comment on function private.can_write_service_record(uuid, uuid) is
  'Whether the caller may write a service record: the owner and platform admins; a location''s staff for work at their location on a member they serve. Granted to authenticated because the service_records RLS policies call it.';
comment on function private.can_write_record_document(uuid) is
  'Whether the caller may write the documents of a service record. Granted to authenticated because the service_record_documents RLS policies and the service-documents storage policies call it.';
comment on function private.service_record_owner(uuid) is
  'The owner of the vehicle a service record belongs to: the first folder of its documents'' paths. Granted to authenticated because the service-documents storage upload policy calls it.';
comment on function private.can_read_record_document(uuid) is
  'Whether the caller may read the documents of a service record: whoever reads its service book. Granted to authenticated because the service_record_documents RLS policy and the service-documents storage read policy call it.';



-- Bad calls answered with the convention's status (tests/domain/rpc-errors.test.ts).

-- book_appointment answered 403 for any vehicle not the caller's, which told a member that another
-- member's vehicle id exists: now 404 unless the caller may see that vehicle (RLS on vehicles).
create or replace function public.book_appointment(
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
  -- Someone else's vehicle is not found for whoever may not see it (its existence is not revealed);
  -- platform admins and staff serving its owner see it, and are told why they cannot book it.
  if v_owner_id <> v_user_id and not (private.is_platform_admin() or private.serves_member(v_owner_id)) then
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
