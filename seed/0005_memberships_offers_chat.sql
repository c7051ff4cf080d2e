-- Demo data for memberships, offers, referrals and support chat (sql/0029-0033), made through the
-- same RPCs as the apps where there is one:
--   eko@nusantara-club.test     a Plus member (checked out and paid at the counter), referred
--                               member02, has a support conversation with Pitlane Service Centers
--                               answered by dewi (staff there)
--   member01@example.test       a Basic membership granted by the platform admin
--   member02@example.test       referred by eko: pending until their first membership payment
--   admin@pitlane.test          platform admin: manages plans and platform offers
-- Plans: basic, plus, premium (USD, yearly); offers at the Jakarta and Newark locations.

create or replace function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

-- The local stack's referrals function, at the default API port with the CLI's demo service role
-- key (npm start -- --api-port changes the port: update this row then).
insert into private.referrals_endpoint (function_url, service_role_key)
values (
  'http://127.0.0.1:54321/functions/v1/referrals',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU'
)
on conflict (one) do nothing;

-- Plans -----------------------------------------------------------------------------------------

insert into public.membership_plans (id, code, name, description, tier_rank, price_amount, currency, period_months, benefits, referrer_reward_points, referee_reward_points) values
  ('e7000000-0000-4000-8000-000000000001', 'basic', 'Basic', 'Roadside help and member prices.', 1, 4900, 'USD', 12,
    array['24/7 roadside assistance', '5% off labour'], 500, 0),
  ('e7000000-0000-4000-8000-000000000002', 'plus', 'Plus', 'Basic, plus a yearly inspection and priority booking.', 2, 9900, 'USD', 12,
    array['24/7 roadside assistance', '10% off labour', 'Yearly 40-point inspection', 'Priority booking'], 1500, 500),
  ('e7000000-0000-4000-8000-000000000003', 'premium', 'Premium', 'Everything, with pick-up and delivery.', 3, 19900, 'USD', 12,
    array['24/7 roadside assistance', '15% off labour', 'Two inspections a year', 'Pick-up and delivery'], 3000, 1000);

-- eko buys Plus and pays at the counter (a manual payment recorded by the platform admin).
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004');
select public.checkout_membership('e7000000-0000-4000-8000-000000000002');
select pg_temp.act_as('a0000000-0000-4000-8000-000000000001');
select public.record_manual_payment(
  (select id from public.invoices where user_id = 'b0000000-0000-4000-8000-000000000004' and description = 'Membership: Plus'),
  'counter-receipt-0001');
select public.grant_membership('d0000000-0000-4000-8000-000000000001', 'e7000000-0000-4000-8000-000000000001', 'Launch promotion', 6);

-- member02 was referred by eko and has not bought a membership yet.
select private.record_referral('d0000000-0000-4000-8000-000000000002',
  (select code from public.referral_codes where user_id = 'b0000000-0000-4000-8000-000000000004'));

-- Offers ----------------------------------------------------------------------------------------

insert into public.offers (id, organization_id, title, description, terms, starts_at, expires_at, eligible_tiers, vehicle_make, vehicle_year_from, redeem_once, created_by) values
  ('e8000000-0000-4000-8000-000000000001', null, 'Spring Maintenance Special', '20% off all maintenance services',
    'Once per member. Not combinable with other offers.', now() - interval '7 days', now() + interval '60 days', array['plus', 'premium'], null, null, true,
    'a0000000-0000-4000-8000-000000000001'),
  ('e8000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000003', 'Honda Care Week', 'Free brake check for Hondas from 2015',
    'At Pitlane Service Sunter.', now() - interval '1 day', now() + interval '20 days', array['basic', 'plus', 'premium'], 'Honda', 2015, false,
    'b0000000-0000-4000-8000-000000000001'),
  ('e8000000-0000-4000-8000-000000000003', null, 'Welcome coffee', 'A coffee on us while you wait', 'Any location, any time.',
    now() - interval '30 days', now() + interval '365 days', '{}', null, null, false, 'a0000000-0000-4000-8000-000000000001'),
  ('e8000000-0000-4000-8000-000000000004', null, 'Premium detailing', 'Free interior detailing', 'Premium members, once a year.',
    now() - interval '1 day', now() + interval '90 days', array['premium'], null, null, true, 'a0000000-0000-4000-8000-000000000001');

insert into public.offer_locations (offer_id, location_id) values
  ('e8000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000001'),
  ('e8000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000002'),
  ('e8000000-0000-4000-8000-000000000002', 'e5000000-0000-4000-8000-000000000001'),
  ('e8000000-0000-4000-8000-000000000004', 'e5000000-0000-4000-8000-000000000002');

-- Support chat ----------------------------------------------------------------------------------

select pg_temp.act_as('b0000000-0000-4000-8000-000000000004');
select public.start_chat_thread('Noise from the front left wheel', 'e0000000-0000-4000-8000-000000000003',
  'Hello, I need help with my vehicle: there is a grinding noise when I brake.');
select pg_temp.act_as('b0000000-0000-4000-8000-000000000003');
select public.assign_chat_thread((select id from public.chat_threads where member_id = 'b0000000-0000-4000-8000-000000000004'));
insert into public.chat_messages (thread_id, sender_id, body)
select id, 'b0000000-0000-4000-8000-000000000003', 'Hello, how can I help? That sounds like the brake pads: shall we book a brake check this week?'
from public.chat_threads where member_id = 'b0000000-0000-4000-8000-000000000004';
select set_config('request.jwt.claims', '', true);
