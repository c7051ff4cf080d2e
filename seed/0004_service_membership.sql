-- Demo data for service membership: a service organization with two locations (Jakarta and
-- Newark, NJ: two time zones and currencies), bays, services and opening hours; members' vehicles
-- (eko's is the seed's Honda Civic 1HGBH41JXMN109186), a linked dongle, a service book with
-- intervals, telemetry, and upcoming appointments booked through the same RPCs as the apps.
--   budi@nusantara-club.test   owner of Pitlane Service Centers (manages the locations)
--   dewi@nusantara-club.test   staff there: sees the bookings and, for members it serves, their vehicles
--   eko@nusantara-club.test    two vehicles, a dongle on the Civic (re-link it in the app to get a
--                              token: tokens are shown once and only their hash is stored), an
--                              oil change that is due, an appointment in Jakarta
--   member01@example.test      a Toyota with an appointment in Newark

create or replace function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

-- The first weekday at least p_days_ahead days from today.
create or replace function pg_temp.next_weekday(p_days_ahead integer)
returns date
language sql
as $$
  select d::date from generate_series(current_date + p_days_ahead, current_date + p_days_ahead + 7, interval '1 day') d
  where extract(isodow from d) between 1 and 5
  order by d limit 1
$$;

insert into public.organizations (id, kind, slug, display_name, description, address, city, country_code, contact_name, contact_phone, email, is_verified, created_by)
values ('e0000000-0000-4000-8000-000000000003', 'company', 'pitlane-service-centers', 'Pitlane Service Centers',
  'Member workshops: servicing, tyres and diagnostics, booked from the app.',
  'Jl. Danau Sunter Utara No. 5', 'Jakarta', 'ID', 'Budi Santoso', '+62 21 5550 3000', 'service@pitlane.test', true,
  'b0000000-0000-4000-8000-000000000001');

insert into public.organization_members (organization_id, user_id, role, invited_by)
values ('e0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000003', 'staff', 'b0000000-0000-4000-8000-000000000001');

insert into public.service_locations (id, organization_id, name, address_line1, city, region, postal_code, country_code, latitude, longitude, time_zone, phone, currency, slot_minutes, lead_time_minutes, booking_horizon_days) values
  ('e5000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000003', 'Pitlane Service Sunter', 'Jl. Danau Sunter Utara No. 5', 'Jakarta', 'DKI Jakarta', '14350', 'ID', -6.1388, 106.8650, 'Asia/Jakarta', '+62 21 5550 3001', 'IDR', 30, 120, 60),
  ('e5000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000003', 'Pitlane Service Newark', '500 Broad St', 'Newark', 'NJ', '07102', 'US', 40.7357, -74.1724, 'America/New_York', '+1 973 555 0142', 'USD', 30, 120, 90);

-- Weekdays 08:00-17:00 with a lunch break in Jakarta; Saturday mornings; closed on Sundays.
insert into public.service_location_hours (location_id, weekday, opens_at, closes_at)
select 'e5000000-0000-4000-8000-000000000001'::uuid, d, r.opens, r.closes
from generate_series(1, 5) d, (values ('08:00'::time, '12:00'::time), ('13:00', '17:00')) r (opens, closes)
union all select 'e5000000-0000-4000-8000-000000000001', 6, '09:00', '13:00'
union all select 'e5000000-0000-4000-8000-000000000002', d, '07:30', '18:00' from generate_series(1, 5) d
union all select 'e5000000-0000-4000-8000-000000000002', 6, '08:00', '14:00';

insert into public.service_location_exceptions (location_id, on_date, opens_at, closes_at, reason)
select 'e5000000-0000-4000-8000-000000000002'::uuid, make_date(y, 12, 25), null::time, null::time, 'Christmas Day'
from (select extract(year from current_date)::integer as y union select extract(year from current_date)::integer + 1) years
union all
select 'e5000000-0000-4000-8000-000000000002', make_date(y, 12, 24), '07:30', '12:00', 'Christmas Eve: mornings only'
from (select extract(year from current_date)::integer as y union select extract(year from current_date)::integer + 1) years;

insert into public.service_bays (location_id, name)
select 'e5000000-0000-4000-8000-000000000001'::uuid, 'Bay ' || n from generate_series(1, 3) n
union all
select 'e5000000-0000-4000-8000-000000000002', 'Bay ' || n from generate_series(1, 2) n;

insert into public.location_services (location_id, code, name, description, duration_minutes, price_amount) values
  ('e5000000-0000-4000-8000-000000000001', 'oil_change', 'Oil change', 'Engine oil and filter.', 30, 45000000),
  ('e5000000-0000-4000-8000-000000000001', 'tire_rotation', 'Tyre rotation', 'Rotate and balance four tyres.', 30, 15000000),
  ('e5000000-0000-4000-8000-000000000001', 'brake_service', 'Brake service', 'Pads, discs and fluid check.', 90, 95000000),
  ('e5000000-0000-4000-8000-000000000002', 'oil_change', 'Oil change', 'Synthetic oil and filter.', 30, 6999),
  ('e5000000-0000-4000-8000-000000000002', 'tire_rotation', 'Tire rotation', null, 30, 2999),
  ('e5000000-0000-4000-8000-000000000002', 'inspection', 'Multi-point inspection', null, 45, 4900);

-- Vehicles -------------------------------------------------------------------------------------

insert into public.vehicles (id, owner_id, vin, make, model, trim, year, license_plate, odometer, odometer_unit, fuel_type, created_at) values
  ('e6000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004', '1HGBH41JXMN109186', 'Honda', 'Civic', 'EX', 2020, 'B 1234 EKO', 15000.5, 'mi', 'gasoline', now() - interval '400 days'),
  ('e6000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000004', 'MHFM1BA3J0K123456', 'Toyota', 'Avanza', 'G', 2018, 'B 5678 EKO', 61200, 'km', 'gasoline', now() - interval '200 days'),
  ('e6000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000001', '2T1BURHE6KC123456', 'Toyota', 'Corolla', 'LE', 2019, 'NJ 4RT 771', 42000, 'mi', 'gasoline', now() - interval '90 days'),
  ('e6000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000002', '5YJ3E1EA9LF000316', 'Tesla', 'Model 3', 'Long Range', 2020, null, 30500, 'mi', 'electric', now() - interval '30 days');

-- eko links a dongle to the Civic (the token it returns is not kept: link again to get one).
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004');
select public.link_dongle('e6000000-0000-4000-8000-000000000001', 'OBD-DEMO-0001', 'BLE');

-- A 10-minute drive this morning, posted as eko (the telemetry function's write).
select public.ingest_telemetry(
  'e6000000-0000-4000-8000-000000000001', 'seed-drive-1',
  date_trunc('hour', now()) - interval '2 hours', date_trunc('hour', now()) - interval '2 hours' + interval '10 minutes',
  (select jsonb_agg(jsonb_build_object(
     't', (extract(epoch from date_trunc('hour', now()) - interval '2 hours') * 1000)::bigint + i * 10000,
     'speed', round((30 + 25 * sin(i / 8.0))::numeric, 1),
     'fuelRate', round((1.5 + sin(i / 5.0))::numeric, 2),
     'odometer', 15000.5 + i * 0.1) order by i)
   from generate_series(0, 60) i)
);
select set_config('request.jwt.claims', '', true);

-- Service book ---------------------------------------------------------------------------------

insert into public.service_intervals (service_code, name, make, model, every_months, every_distance, distance_unit) values
  ('oil_change', 'Oil change', null, null, 6, 5000, 'mi'),
  ('oil_change', 'Oil change (Honda Maintenance Minder)', 'Honda', null, 12, 7500, 'mi'),
  ('tire_rotation', 'Tire rotation', null, null, null, 6000, 'mi'),
  ('brake_service', 'Brake inspection', null, null, 12, null, 'mi'),
  ('timing_belt', 'Timing belt', 'Toyota', 'Avanza', 60, 100000, 'km');

insert into public.service_records (vehicle_id, performed_on, location_id, location_name, odometer, description, service_codes, cost_amount, currency, parts, created_by) values
  ('e6000000-0000-4000-8000-000000000001', current_date - 380, null, 'Honda dealer, Kelapa Gading', 7400, 'Oil and filter, tyre rotation', '{oil_change,tire_rotation}', 95000000, 'IDR',
   '[{"name": "Oil filter", "part_number": "15400-PLM-A02", "quantity": 1, "unit_amount": 12000000}, {"name": "0W-20 oil, 4 L", "quantity": 1, "unit_amount": 48000000}]', 'b0000000-0000-4000-8000-000000000004'),
  ('e6000000-0000-4000-8000-000000000001', current_date - 150, 'e5000000-0000-4000-8000-000000000001', null, 12100, 'Brake pads (front)', '{brake_service}', 95000000, 'IDR',
   '[{"name": "Front brake pads", "part_number": "45022-TBA-A01", "quantity": 1, "unit_amount": 60000000}]', 'b0000000-0000-4000-8000-000000000003'),
  ('e6000000-0000-4000-8000-000000000003', current_date - 60, null, 'Quick Lube, Newark', 41000, 'Oil change', '{oil_change}', 5999, 'USD', '[]', 'd0000000-0000-4000-8000-000000000001');

-- Appointments (through book_appointment, as the members) ----------------------------------------

select pg_temp.act_as('b0000000-0000-4000-8000-000000000004');
select public.book_appointment(
  'e6000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000001',
  (pg_temp.next_weekday(3) + time '09:00') at time zone 'Asia/Jakarta', array['oil_change', 'tire_rotation'], 'Oil change is due');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000001');
select public.book_appointment(
  'e6000000-0000-4000-8000-000000000003', 'e5000000-0000-4000-8000-000000000002',
  (pg_temp.next_weekday(2) + time '10:30') at time zone 'America/New_York', array['inspection'], null);
select set_config('request.jwt.claims', '', true);
