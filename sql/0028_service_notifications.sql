-- Service membership tells members what concerns their vehicles, through private.notify() like
-- every other domain (issue 15, items 3 and 7):
--
--   service_due             a service fell due, by date (the daily job service-due-notifications)
--                           or by odometer as it moves (a trigger on vehicles: telemetry, service
--                           records, edits). Once per due service: private.service_due_notices
--                           remembers each one, keyed by the service it follows.
--   appointment_reminder    the day before an appointment, in the location's calendar (the job
--                           appointment-reminders, every 15 minutes). Once per appointment and
--                           start: private.appointment_reminders; a rescheduled one is reminded
--                           again for its new start.
--   appointment_booked, appointment_rescheduled, appointment_cancelled
--                           an AFTER trigger on appointments, whoever made the change (the member,
--                           the location's staff, the service role).
--
-- What is due and which appointments are tomorrow come from public.service_due() and
-- public.appointments_for_reminders(), so the "what is due" call and the reminders never disagree.

insert into public.notification_types (type, description, essential, default_email, required_data) values
  ('service_due', 'A service of your vehicle is due', false, true, '{vehicle_id,service_code,service_name}'),
  ('appointment_reminder', 'Your service appointment is tomorrow', false, true, '{appointment_id,location_name,starts_at}'),
  ('appointment_booked', 'A service appointment was booked', false, true, '{appointment_id,location_name,starts_at}'),
  ('appointment_rescheduled', 'A service appointment was moved', false, true, '{appointment_id,location_name,starts_at}'),
  ('appointment_cancelled', 'A service appointment was cancelled', false, true, '{appointment_id,location_name,starts_at}');

-- ---------------------------------------------------------------------------------------------
-- Service due
-- ---------------------------------------------------------------------------------------------

-- One row per due service the owner was told about. A due service is the vehicle, the service and
-- the last time it was done (null: never recorded), so recording the service starts a new one.
-- The unique constraint is what makes "once" hold when the job and a telemetry batch race.
create table private.service_due_notices (
  vehicle_id uuid not null references public.vehicles (id) on delete cascade,
  service_code text not null,
  last_performed_on date,
  due_on date,
  due_odometer numeric,
  notified_at timestamptz not null default now(),
  constraint service_due_notices_once unique nulls not distinct (vehicle_id, service_code, last_performed_on)
);

revoke all on private.service_due_notices from public;

comment on table private.service_due_notices is
  'The due services whose owner was notified (service_due), once each: the vehicle, the service and the last time it was done; what was due then is kept for support.';

-- Notifies owners of the services service_due() says are due and nobody was told about yet: of
-- one vehicle (the odometer trigger) or of every vehicle (p_vehicle_id null, the daily job).
-- Returns the notifications sent.
create function private.notify_service_due(p_vehicle_id uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_due record;
  v_count integer := 0;
begin
  for v_due in
    with due as (
      select d.* from public.service_due(p_vehicle_id) d where d.is_due
    ),
    fresh as (
      insert into private.service_due_notices (vehicle_id, service_code, last_performed_on, due_on, due_odometer)
      select due.vehicle_id, due.service_code, due.last_performed_on, due.due_on, due.due_odometer from due
      on conflict do nothing
      returning vehicle_id, service_code
    )
    select due.*, v.make, v.model
    from fresh
    join due on due.vehicle_id = fresh.vehicle_id and due.service_code = fresh.service_code
    join public.vehicles v on v.id = due.vehicle_id
  loop
    perform private.notify(
      'service_due', array[v_due.owner_id],
      pg_catalog.left(v_due.service_name || ' is due for your ' || v_due.make || ' ' || v_due.model, 200),
      pg_catalog.concat_ws(' ',
        case when v_due.due_on is not null then pg_catalog.format('Due on %s.', v_due.due_on) end,
        case when v_due.due_odometer is not null then
          pg_catalog.format('Due at %s %s; the odometer reads %s %s.', v_due.due_odometer, v_due.odometer_unit, v_due.odometer, v_due.odometer_unit)
        end,
        'Book it at a service location.'),
      pg_catalog.jsonb_build_object(
        'vehicle_id', v_due.vehicle_id, 'service_code', v_due.service_code, 'service_name', v_due.service_name,
        'last_performed_on', v_due.last_performed_on, 'due_on', v_due.due_on, 'due_odometer', v_due.due_odometer,
        'odometer', v_due.odometer, 'odometer_unit', v_due.odometer_unit),
      'vehicle', v_due.vehicle_id, '/vehicles/' || v_due.vehicle_id || '/service');
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

revoke all on function private.notify_service_due(uuid) from public;

comment on function private.notify_service_due(uuid) is
  'Notifies each owner once of each service of theirs that service_due() says is due (one vehicle, or all when null); returns how many.';

-- A higher odometer reading may bring a service due, whatever moved it. Deferred to the commit:
-- a service record moves the odometer from its BEFORE trigger, and the service it records must be
-- in the book before what is due is worked out (else recording an oil change would announce one).
-- A service is due by odometer only once it was recorded with a reading, so a vehicle without such
-- a record is skipped with one index probe: telemetry batches of most vehicles pay nothing more.
create function private.notify_service_due_on_odometer()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.service_records r where r.vehicle_id = new.id and r.odometer is not null) then
    perform private.notify_service_due(new.id);
  end if;
  return null;
end;
$$;

revoke all on function private.notify_service_due_on_odometer() from public;

create constraint trigger vehicles_notify_service_due
  after update of odometer on public.vehicles
  deferrable initially deferred
  for each row when (new.odometer > old.odometer)
  execute function private.notify_service_due_on_odometer();

-- ---------------------------------------------------------------------------------------------
-- Appointments
-- ---------------------------------------------------------------------------------------------

-- The reminders sent: one per appointment and start, so a moved appointment is reminded again.
create table private.appointment_reminders (
  appointment_id uuid not null references public.appointments (id) on delete cascade,
  starts_at timestamptz not null,
  reminded_at timestamptz not null default now(),
  primary key (appointment_id, starts_at)
);

revoke all on private.appointment_reminders from public;

comment on table private.appointment_reminders is
  'Appointment reminders sent, one per appointment and start time.';

-- What an appointment notification carries: where, when (UTC and the location's wall time).
create function private.appointment_data(p_appointment_id uuid, p_starts_at timestamptz)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'appointment_id', a.id, 'vehicle_id', a.vehicle_id, 'location_id', l.id, 'location_name', l.name,
    'starts_at', p_starts_at, 'time_zone', l.time_zone,
    'local_starts_at', pg_catalog.to_char(p_starts_at at time zone l.time_zone, 'YYYY-MM-DD HH24:MI'))
  from public.appointments a
  join public.service_locations l on l.id = a.location_id
  where a.id = p_appointment_id
$$;

revoke all on function private.appointment_data(uuid, timestamptz) from public;

comment on function private.appointment_data(uuid, timestamptz) is
  'The data of an appointment notification: the appointment, vehicle and location, the start in UTC and in the location''s time zone.';

-- Reminds members of their appointments tomorrow (in each location's calendar), once per
-- appointment and start. Returns the reminders sent.
create function private.notify_appointment_reminders()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_appointment record;
  v_data jsonb;
  v_count integer := 0;
begin
  for v_appointment in select * from public.appointments_for_reminders(1) loop
    insert into private.appointment_reminders (appointment_id, starts_at)
    values (v_appointment.appointment_id, v_appointment.starts_at)
    on conflict do nothing;
    if found then
      v_data := private.appointment_data(v_appointment.appointment_id, v_appointment.starts_at);
      perform private.notify(
        'appointment_reminder', array[v_appointment.user_id],
        pg_catalog.left('Tomorrow: your appointment at ' || v_appointment.location_name, 200),
        pg_catalog.format('At %s (%s).', v_data ->> 'local_starts_at', v_appointment.time_zone),
        v_data, 'appointment', v_appointment.appointment_id, '/appointments/' || v_appointment.appointment_id);
      v_count := v_count + 1;
    end if;
  end loop;
  return v_count;
end;
$$;

revoke all on function private.notify_appointment_reminders() from public;

comment on function private.notify_appointment_reminders() is
  'Scheduled: reminds each member once of each appointment tomorrow in the location''s calendar (again after a reschedule); returns how many.';

-- Tells the member when an appointment is booked, moved or cancelled, by whoever.
create function private.notify_appointment_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_type text;
  v_data jsonb;
  v_when text;
begin
  v_type := case
    when tg_op = 'INSERT' and new.status = 'booked' then 'appointment_booked'
    when tg_op = 'UPDATE' and new.status = 'cancelled' and old.status <> 'cancelled' then 'appointment_cancelled'
    when tg_op = 'UPDATE' and new.status = 'booked' and new.starts_at <> old.starts_at then 'appointment_rescheduled'
  end;
  if v_type is null then
    return null;
  end if;
  v_data := private.appointment_data(new.id, new.starts_at);
  v_when := pg_catalog.format('%s (%s)', v_data ->> 'local_starts_at', v_data ->> 'time_zone');
  perform private.notify(
    v_type, array[new.user_id],
    pg_catalog.left(case v_type
      when 'appointment_booked' then 'Your appointment at ' || (v_data ->> 'location_name') || ' is booked'
      when 'appointment_rescheduled' then 'Your appointment at ' || (v_data ->> 'location_name') || ' was moved'
      else 'Your appointment at ' || (v_data ->> 'location_name') || ' was cancelled'
    end, 200),
    case v_type
      when 'appointment_cancelled' then pg_catalog.concat_ws(' ', 'It was on ' || v_when || '.', new.cancellation_reason)
      else 'On ' || v_when || '.'
    end,
    v_data, 'appointment', new.id, '/appointments/' || new.id);
  return null;
end;
$$;

revoke all on function private.notify_appointment_change() from public;

create trigger appointments_notify
  after insert or update of status, starts_at on public.appointments
  for each row execute function private.notify_appointment_change();

-- ---------------------------------------------------------------------------------------------
-- Scheduled (Supabase Cron)
-- ---------------------------------------------------------------------------------------------

-- Due dates are whole days: once a day is enough. Reminders every 15 minutes, so an appointment
-- booked late the day before is still reminded.
select cron.schedule('service-due-notifications', '7 6 * * *', $$select private.notify_service_due()$$);
select cron.schedule('appointment-reminders', '*/15 * * * *', $$select private.notify_appointment_reminders()$$);
