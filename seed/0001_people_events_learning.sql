-- Demo data for people, organizations, events, learning, certificates and CPD credits.
--
-- Every demo account signs in with the password `pitlane-demo`:
--   admin@pitlane.test          platform admin
--   budi@nusantara-club.test    owner     ┐
--   citra@nusantara-club.test   admin, person in charge  │ Nusantara Motor Manufacturers Club (company)
--   dewi@nusantara-club.test    staff     │
--   eko@nusantara-club.test     member    ┘
--   fajar@skills-academy.test   owner     ┐
--   gita@skills-academy.test    admin     │ Automotive Skills Academy (training provider)
--   hadi@skills-academy.test    staff     │
--   indah@skills-academy.test   member, person in charge ┘
--   member01…member12@example.test        people without a role, who register for events
--
-- Registrations for upcoming events go through the same RPCs as the apps (as each person, by
-- setting request.jwt.claims), so the seed also exercises the rules. Past attendance is written
-- directly.

-- Acts as a person for the RPCs below (local to the seed's transaction).
create function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

-- People ---------------------------------------------------------------------------------------

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select
  '00000000-0000-0000-0000-000000000000'::uuid,
  u.id,
  'authenticated',
  'authenticated',
  u.email,
  extensions.crypt('pitlane-demo', extensions.gen_salt('bf', 6)),
  now(),
  '{"provider": "email", "providers": ["email"]}'::jsonb,
  jsonb_build_object('full_name', u.full_name),
  now() - interval '90 days',
  now()
from (
  values
    ('a0000000-0000-4000-8000-000000000001'::uuid, 'admin@pitlane.test', 'Ayu Pratama'),
    ('b0000000-0000-4000-8000-000000000001'::uuid, 'budi@nusantara-club.test', 'Budi Santoso'),
    ('b0000000-0000-4000-8000-000000000002'::uuid, 'citra@nusantara-club.test', 'Citra Lestari'),
    ('b0000000-0000-4000-8000-000000000003'::uuid, 'dewi@nusantara-club.test', 'Dewi Anggraini'),
    ('b0000000-0000-4000-8000-000000000004'::uuid, 'eko@nusantara-club.test', 'Eko Wibowo'),
    ('c0000000-0000-4000-8000-000000000001'::uuid, 'fajar@skills-academy.test', 'Fajar Nugroho'),
    ('c0000000-0000-4000-8000-000000000002'::uuid, 'gita@skills-academy.test', 'Gita Permata'),
    ('c0000000-0000-4000-8000-000000000003'::uuid, 'hadi@skills-academy.test', 'Hadi Kurniawan'),
    ('c0000000-0000-4000-8000-000000000004'::uuid, 'indah@skills-academy.test', 'Indah Sari')
) as u (id, email, full_name)
union all
select
  '00000000-0000-0000-0000-000000000000'::uuid,
  ('d0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
  'authenticated',
  'authenticated',
  'member' || lpad(n::text, 2, '0') || '@example.test',
  extensions.crypt('pitlane-demo', extensions.gen_salt('bf', 6)),
  now(),
  '{"provider": "email", "providers": ["email"]}'::jsonb,
  jsonb_build_object('full_name', 'Demo Member ' || lpad(n::text, 2, '0')),
  now() - interval '60 days',
  now()
from generate_series(1, 12) as n;

insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select
  u.id::text,
  u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true),
  'email',
  u.created_at,
  u.created_at
from auth.users u
where u.email like '%.test';

update public.profiles
set headline = v.headline, bio = v.bio, city = v.city
from (
  values
    ('a0000000-0000-4000-8000-000000000001'::uuid, 'Platform administrator', 'Keeps Pitlane running.', 'Jakarta'),
    ('b0000000-0000-4000-8000-000000000001'::uuid, 'Plant manager', 'Twenty years on assembly lines.', 'Karawang'),
    ('b0000000-0000-4000-8000-000000000002'::uuid, 'Club secretary', null, 'Jakarta'),
    ('c0000000-0000-4000-8000-000000000001'::uuid, 'Founder, Automotive Skills Academy', 'Master technician and trainer.', 'Bandung'),
    ('c0000000-0000-4000-8000-000000000004'::uuid, 'Service advisor', null, 'Surabaya')
) as v (id, headline, bio, city)
where profiles.id = v.id;

update public.profiles
set verification_status = 'verified'
where id in ('b0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001');

update public.profile_contacts
set phone = '+62 812 5550 ' || right(profile_id::text, 4), address_line1 = 'Jl. Demo No. ' || right(profile_id::text, 2), country_code = 'ID'
where profile_id in (select id from auth.users where email like '%.test');

insert into public.platform_admins (user_id, granted_by, note)
values ('a0000000-0000-4000-8000-000000000001', null, 'seeded');

-- Organizations ----------------------------------------------------------------------------------

insert into public.organizations (id, kind, slug, display_name, description, address, city, country_code, contact_name, contact_phone, email, website_url, logo_path, is_verified, created_by)
values
  ('e0000000-0000-4000-8000-000000000001', 'company', 'nusantara-motor-club', 'Nusantara Motor Manufacturers Club',
   'A community of automotive manufacturers and their people: meetups, plant visits and training.',
   'Jl. Gaya Motor Raya No. 8, Sunter', 'Jakarta', 'ID', 'Citra Lestari', '+62 21 5550 1000', 'hello@nusantara-club.test',
   'https://nusantara-club.example', 'e0000000-0000-4000-8000-000000000001/logo.png', true, 'b0000000-0000-4000-8000-000000000001'),
  ('e0000000-0000-4000-8000-000000000002', 'training_provider', 'automotive-skills-academy', 'Automotive Skills Academy',
   'Accredited CPD training for technicians, service advisors and engineers.',
   'Jl. Soekarno-Hatta No. 120', 'Bandung', 'ID', 'Fajar Nugroho', '+62 22 5550 2000', 'learn@skills-academy.test',
   'https://skills-academy.example', 'e0000000-0000-4000-8000-000000000002/logo.png', true, 'c0000000-0000-4000-8000-000000000001');

-- The creators became owners through the trigger; the other roles:
insert into public.organization_members (organization_id, user_id, role, is_person_in_charge, invited_by)
values
  ('e0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 'admin', true, 'b0000000-0000-4000-8000-000000000001'),
  ('e0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003', 'staff', false, 'b0000000-0000-4000-8000-000000000001'),
  ('e0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004', 'member', false, 'b0000000-0000-4000-8000-000000000002'),
  ('e0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000002', 'admin', false, 'c0000000-0000-4000-8000-000000000001'),
  ('e0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003', 'staff', false, 'c0000000-0000-4000-8000-000000000001'),
  ('e0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000004', 'member', true, 'c0000000-0000-4000-8000-000000000002');

insert into public.organization_members (organization_id, user_id, role)
select 'e0000000-0000-4000-8000-000000000001', ('d0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'member'
from generate_series(1, 6) as n;

-- Invitations: one by email, one by code (the club's transaction number).
insert into public.organization_invitations (organization_id, email, code, role, invited_by, message)
values
  ('e0000000-0000-4000-8000-000000000001', 'member07@example.test', 'NMC7K2Q9XA', 'member', 'b0000000-0000-4000-8000-000000000002', 'Join us for the plant visits!'),
  ('e0000000-0000-4000-8000-000000000001', null, 'NMCSTAFF26', 'staff', 'b0000000-0000-4000-8000-000000000001', 'For the new event crew.');

-- Certificate templates ----------------------------------------------------------------------------

insert into public.certificate_templates (id, organization_id, name, title, body, primary_color, accent_color, signature_image_path, signatory_name, signatory_title, validity_months, is_default, created_by)
values
  ('f1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'Club attendance', 'Certificate of Attendance',
   'This certifies that {{holder_name}} attended {{title}}, organized by {{organization}}, on {{date}}.',
   '#0F172A', '#DC2626', 'e0000000-0000-4000-8000-000000000001/templates/signature.png', 'Budi Santoso', 'Chair', null, true,
   'b0000000-0000-4000-8000-000000000001'),
  ('f1000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000002', 'CPD certificate', 'Certificate of Continuing Professional Development',
   '{{holder_name}} completed {{title}} on {{date}} and earned {{credits}} CPD credits. Verify at {{verification_url}}.',
   '#1E3A8A', '#F59E0B', 'e0000000-0000-4000-8000-000000000002/templates/signature.png', 'Fajar Nugroho', 'Head of Training', 24, true,
   'c0000000-0000-4000-8000-000000000001');

-- Events ---------------------------------------------------------------------------------------------

insert into public.events (
  id, organization_id, slug, title, summary, description, level, format, venue_name, venue_address,
  starts_at, ends_at, time_zone, capacity, price_amount, currency, registration_opens_at, registration_closes_at,
  status, main_image_path, cpd_credits, cpd_category, certificate_template_id, created_by, waitlist_claim_minutes
)
values
  -- draft
  ('e1000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'ev-battery-safety-workshop',
   'EV Battery Safety Workshop', 'Working safely on high-voltage battery packs.', 'Isolation, PPE and lock-out procedures, with hands-on practice.',
   'intermediate', 'in_person', 'Academy Workshop Bay 2', 'Jl. Soekarno-Hatta No. 120, Bandung',
   date_trunc('day', now()) + interval '45 days 2 hours', date_trunc('day', now()) + interval '45 days 9 hours', 'Asia/Jakarta', 20, 0, null, null, null,
   'draft', null, 4, 'Technical', null, 'c0000000-0000-4000-8000-000000000003', 1440),
  -- free
  ('e1000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000001', 'club-meetup-next-month',
   'Monthly Club Meetup', 'Plant news, a guest talk and networking.', 'Our monthly meetup, open to everyone in the industry.',
   'all_levels', 'in_person', 'Club House Sunter', 'Jl. Gaya Motor Raya No. 8, Jakarta',
   date_trunc('day', now()) + interval '20 days 11 hours', date_trunc('day', now()) + interval '20 days 14 hours', 'Asia/Jakarta', 100, 0, null, null, null,
   'published', 'e1000000-0000-4000-8000-000000000002/cover.jpg', 0, null, null, 'b0000000-0000-4000-8000-000000000003', 1440),
  -- paid, hybrid
  ('e1000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000002', 'hybrid-powertrain-masterclass',
   'Hybrid Powertrain Masterclass', 'Two days on power-split hybrids, in the workshop or online.', 'Diagnosis and repair of power-split hybrid systems.',
   'advanced', 'hybrid', 'Academy Training Centre', 'Jl. Soekarno-Hatta No. 120, Bandung',
   date_trunc('day', now()) + interval '30 days 2 hours', date_trunc('day', now()) + interval '31 days 10 hours', 'Asia/Jakarta', 30, 750000, 'IDR',
   now() - interval '7 days', date_trunc('day', now()) + interval '28 days',
   'published', 'e1000000-0000-4000-8000-000000000003/cover.jpg', 12, 'Technical', 'f1000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000002', 1440),
  -- full, with a waiting list
  ('e1000000-0000-4000-8000-000000000004', 'e0000000-0000-4000-8000-000000000001', 'track-day-safety-briefing',
   'Track Day Safety Briefing', 'Small-group briefing before the club track day.', 'Limited to three people per briefing.',
   'beginner', 'in_person', 'Sentul Circuit Paddock', 'Sentul, Bogor',
   date_trunc('day', now()) + interval '10 days 1 hour', date_trunc('day', now()) + interval '10 days 3 hours', 'Asia/Jakarta', 3, 0, null, null, null,
   'published', null, 1, 'Safety', null, 'b0000000-0000-4000-8000-000000000003', 720),
  -- multi-session, already held
  ('e1000000-0000-4000-8000-000000000005', 'e0000000-0000-4000-8000-000000000002', 'diagnostics-bootcamp',
   'Diagnostics Bootcamp', 'Three sessions on scan tools, live data and wiring faults.', 'From OBD basics to oscilloscope diagnosis.',
   'intermediate', 'in_person', 'Academy Training Centre', 'Jl. Soekarno-Hatta No. 120, Bandung',
   date_trunc('day', now()) - interval '14 days' + interval '2 hours', date_trunc('day', now()) - interval '12 days' + interval '9 hours', 'Asia/Jakarta', 25, 0, null, null, null,
   'published', 'e1000000-0000-4000-8000-000000000005/cover.jpg', 8, 'Technical', 'f1000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003', 1440);

insert into public.event_sessions (id, event_id, title, starts_at, ends_at, position)
select
  ('e2000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
  'e1000000-0000-4000-8000-000000000005',
  (array['Scan tools and live data', 'Wiring faults', 'Oscilloscope diagnosis'])[n],
  date_trunc('day', now()) - interval '14 days' + make_interval(days => n - 1, hours => 2),
  date_trunc('day', now()) - interval '14 days' + make_interval(days => n - 1, hours => 9),
  n
from generate_series(1, 3) as n;

insert into public.event_sessions (event_id, title, starts_at, ends_at, position)
values
  ('e1000000-0000-4000-8000-000000000003', 'Day 1: system architecture', date_trunc('day', now()) + interval '30 days 2 hours', date_trunc('day', now()) + interval '30 days 10 hours', 1),
  ('e1000000-0000-4000-8000-000000000003', 'Day 2: diagnosis and repair', date_trunc('day', now()) + interval '31 days 2 hours', date_trunc('day', now()) + interval '31 days 10 hours', 2);

insert into public.event_join_details (event_id, join_url, meeting_id, passcode, instructions)
values ('e1000000-0000-4000-8000-000000000003', 'https://meet.example/skills-academy/hybrid-masterclass', '842 1234 5678', 'hybrid26', 'Join 10 minutes early for the sound check.');

insert into public.event_references (event_id, title, url, description, position)
values
  ('e1000000-0000-4000-8000-000000000003', 'Power-split hybrid overview', 'https://skills-academy.example/reading/power-split', 'Read before day 1.', 1),
  ('e1000000-0000-4000-8000-000000000005', 'OBD-II PID reference', 'https://skills-academy.example/reading/obd-pids', null, 1);

insert into public.event_media (event_id, kind, storage_path, caption, position)
values
  ('e1000000-0000-4000-8000-000000000005', 'image', 'e1000000-0000-4000-8000-000000000005/session-1.jpg', 'Session 1 in the workshop', 1),
  ('e1000000-0000-4000-8000-000000000005', 'image', 'e1000000-0000-4000-8000-000000000005/session-3.jpg', 'Scope traces on the big screen', 2);

-- Registrations for upcoming events, through the RPCs.

-- Free meetup: five confirmed, one invited by Citra.
select pg_temp.act_as(('d0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid),
  public.register_for_event('e1000000-0000-4000-8000-000000000002', case when n = 1 then 'b0000000-0000-4000-8000-000000000002'::uuid end)
from generate_series(1, 5) as n;

-- Full briefing: three seats, then two on the waiting list.
select pg_temp.act_as(('d0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid),
  public.register_for_event('e1000000-0000-4000-8000-000000000004')
from generate_series(6, 10) as n;

-- Paid masterclass: one paid (through the payment hook), one still holding a seat.
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004'), public.register_for_event('e1000000-0000-4000-8000-000000000003');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000011'), public.register_for_event('e1000000-0000-4000-8000-000000000003');
select set_config('request.jwt.claims', '', true);
select public.confirm_registration_payment(id, 'seed-payment-0001')
from public.event_registrations
where event_id = 'e1000000-0000-4000-8000-000000000003'
  and user_id = 'b0000000-0000-4000-8000-000000000004';

-- The bootcamp already happened: registrations and check-ins per session written directly.
insert into public.event_registrations (id, event_id, user_id, status, confirmed_at, created_at)
select
  ('e3000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
  'e1000000-0000-4000-8000-000000000005',
  u.id,
  'confirmed',
  now() - interval '30 days',
  now() - interval '30 days'
from (
  values
    (1, 'c0000000-0000-4000-8000-000000000004'::uuid),
    (2, 'b0000000-0000-4000-8000-000000000004'::uuid),
    (3, 'd0000000-0000-4000-8000-000000000001'::uuid),
    (4, 'd0000000-0000-4000-8000-000000000002'::uuid),
    (5, 'd0000000-0000-4000-8000-000000000012'::uuid)
) as u (n, id);

insert into public.event_check_ins (registration_id, event_id, session_id, user_id, checked_in_at, checked_in_by, method)
select r.id, r.event_id, s.id, r.user_id, s.starts_at + interval '5 minutes', 'c0000000-0000-4000-8000-000000000003', 'qr'
from public.event_registrations r
cross join public.event_sessions s
where r.event_id = 'e1000000-0000-4000-8000-000000000005'
  and s.event_id = r.event_id
  -- the fifth registrant did not come
  and r.user_id <> 'd0000000-0000-4000-8000-000000000012'
  -- the fourth came to the first session only
  and (r.user_id <> 'd0000000-0000-4000-8000-000000000002' or s.position = 1);

update public.events set status = 'completed' where id = 'e1000000-0000-4000-8000-000000000005';

-- Learning ---------------------------------------------------------------------------------------------

insert into public.courses (id, organization_id, slug, title, summary, description, level, status, price_amount, currency, cpd_credits, cpd_category, certificate_template_id, created_by)
values
  ('e4000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'hybrid-systems-fundamentals',
   'Hybrid Systems Fundamentals', 'How hybrid vehicles store, move and recover energy.', 'A self-paced course with a final assessment.',
   'beginner', 'published', 0, null, 6, 'Technical', 'f1000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003'),
  ('e4000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000002', 'ev-charging-infrastructure',
   'EV Charging Infrastructure', 'AC and DC charging, standards and site safety.', 'For service managers planning charging bays.',
   'intermediate', 'published', 450000, 'IDR', 4, 'Technical', null, 'c0000000-0000-4000-8000-000000000002'),
  ('e4000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000002', 'advanced-battery-diagnostics',
   'Advanced Battery Diagnostics', 'Coming soon.', null, 'advanced', 'draft', 0, null, 8, 'Technical', null, 'c0000000-0000-4000-8000-000000000002');

insert into public.course_modules (id, course_id, title, position)
values
  ('e5000000-0000-4000-8000-000000000001', 'e4000000-0000-4000-8000-000000000001', 'Energy storage', 1),
  ('e5000000-0000-4000-8000-000000000002', 'e4000000-0000-4000-8000-000000000001', 'Power flow', 2),
  ('e5000000-0000-4000-8000-000000000003', 'e4000000-0000-4000-8000-000000000002', 'Charging standards', 1);

insert into public.course_lessons (id, module_id, title, content, duration_minutes, is_preview, position)
values
  ('e6000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000001', 'Why hybrids?', 'Hybrids recover braking energy and run the engine where it is efficient.', 10, true, 1),
  ('e6000000-0000-4000-8000-000000000002', 'e5000000-0000-4000-8000-000000000001', 'Battery chemistries', 'NiMH and lithium-ion packs compared.', 20, false, 2),
  ('e6000000-0000-4000-8000-000000000003', 'e5000000-0000-4000-8000-000000000002', 'Power-split devices', 'The planetary gear set and its two motor-generators.', 25, false, 1),
  ('e6000000-0000-4000-8000-000000000004', 'e5000000-0000-4000-8000-000000000002', 'Regenerative braking', 'Blending friction and regenerative braking.', 15, false, 2),
  ('e6000000-0000-4000-8000-000000000005', 'e5000000-0000-4000-8000-000000000003', 'AC and DC charging', 'Levels, connectors and power.', 20, true, 1);

insert into public.assessments (id, course_id, title, description, pass_mark_percent, max_attempts, is_required)
values ('e7000000-0000-4000-8000-000000000001', 'e4000000-0000-4000-8000-000000000001', 'Final assessment', 'Three questions; 70% to pass; three attempts.', 70, 3, true);

insert into public.assessment_questions (id, assessment_id, prompt, kind, points, position)
values
  ('e8000000-0000-4000-8000-000000000001', 'e7000000-0000-4000-8000-000000000001', 'Which component splits power between the engine and the motor-generators?', 'single_choice', 1, 1),
  ('e8000000-0000-4000-8000-000000000002', 'e7000000-0000-4000-8000-000000000001', 'Which battery chemistries are common in hybrids?', 'multiple_choice', 2, 2),
  ('e8000000-0000-4000-8000-000000000003', 'e7000000-0000-4000-8000-000000000001', 'Regenerative braking turns kinetic energy into…', 'single_choice', 1, 3);

insert into public.assessment_choices (id, question_id, label, position)
values
  ('e9000000-0000-4000-8000-000000000001', 'e8000000-0000-4000-8000-000000000001', 'The planetary gear set', 1),
  ('e9000000-0000-4000-8000-000000000002', 'e8000000-0000-4000-8000-000000000001', 'The torque converter', 2),
  ('e9000000-0000-4000-8000-000000000003', 'e8000000-0000-4000-8000-000000000002', 'Nickel-metal hydride', 1),
  ('e9000000-0000-4000-8000-000000000004', 'e8000000-0000-4000-8000-000000000002', 'Lithium-ion', 2),
  ('e9000000-0000-4000-8000-000000000005', 'e8000000-0000-4000-8000-000000000002', 'Lead-acid', 3),
  ('e9000000-0000-4000-8000-000000000006', 'e8000000-0000-4000-8000-000000000003', 'Electrical energy', 1),
  ('e9000000-0000-4000-8000-000000000007', 'e8000000-0000-4000-8000-000000000003', 'Heat only', 2);

insert into public.assessment_correct_choices (choice_id)
values
  ('e9000000-0000-4000-8000-000000000001'),
  ('e9000000-0000-4000-8000-000000000003'),
  ('e9000000-0000-4000-8000-000000000004'),
  ('e9000000-0000-4000-8000-000000000006');

insert into public.learning_paths (id, organization_id, slug, title, description, status, created_by)
values ('ea000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'electrified-powertrain-path',
  'Electrified Powertrain Path', 'From hybrid fundamentals to charging infrastructure.', 'published', 'c0000000-0000-4000-8000-000000000002');

insert into public.learning_path_courses (learning_path_id, course_id, position)
values
  ('ea000000-0000-4000-8000-000000000001', 'e4000000-0000-4000-8000-000000000001', 1),
  ('ea000000-0000-4000-8000-000000000001', 'e4000000-0000-4000-8000-000000000002', 2);

-- Indah completes the course (one failed attempt, then a pass); Eko is half way; member03 waits
-- to pay for the charging course.
select pg_temp.act_as('c0000000-0000-4000-8000-000000000004'), public.enroll_in_course('e4000000-0000-4000-8000-000000000001');
select pg_temp.act_as('c0000000-0000-4000-8000-000000000004'), public.complete_lesson(id)
from public.course_lessons
where course_id = 'e4000000-0000-4000-8000-000000000001';
select pg_temp.act_as('c0000000-0000-4000-8000-000000000004'),
  public.submit_assessment_attempt('e7000000-0000-4000-8000-000000000001', '{
    "e8000000-0000-4000-8000-000000000001": ["e9000000-0000-4000-8000-000000000002"],
    "e8000000-0000-4000-8000-000000000002": ["e9000000-0000-4000-8000-000000000003"],
    "e8000000-0000-4000-8000-000000000003": ["e9000000-0000-4000-8000-000000000006"]
  }');
select pg_temp.act_as('c0000000-0000-4000-8000-000000000004'),
  public.submit_assessment_attempt('e7000000-0000-4000-8000-000000000001', '{
    "e8000000-0000-4000-8000-000000000001": ["e9000000-0000-4000-8000-000000000001"],
    "e8000000-0000-4000-8000-000000000002": ["e9000000-0000-4000-8000-000000000003", "e9000000-0000-4000-8000-000000000004"],
    "e8000000-0000-4000-8000-000000000003": ["e9000000-0000-4000-8000-000000000006"]
  }');

select pg_temp.act_as('b0000000-0000-4000-8000-000000000004'), public.enroll_in_course('e4000000-0000-4000-8000-000000000001');
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004'), public.complete_lesson('e6000000-0000-4000-8000-000000000001');
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004'), public.complete_lesson('e6000000-0000-4000-8000-000000000002');

select pg_temp.act_as('d0000000-0000-4000-8000-000000000003'), public.enroll_in_course('e4000000-0000-4000-8000-000000000002');

-- A self-reported CPD activity.
select pg_temp.act_as('c0000000-0000-4000-8000-000000000004');
insert into public.cpd_credit_entries (user_id, source, activity_title, provider_name, category, credits, earned_at, notes)
values ('c0000000-0000-4000-8000-000000000004', 'self_reported', 'Manufacturer e-learning: brake systems', 'OEM Academy', 'Technical', 2, now() - interval '40 days', 'Online module with quiz.');

-- Certificates ------------------------------------------------------------------------------------------

select set_config('request.jwt.claims', '', true);

-- The bootcamp's attendees, in bulk, and Indah's course certificate.
select count(*) from public.issue_event_certificates('e1000000-0000-4000-8000-000000000005');
select public.issue_certificate(p_enrollment_id => id)
from public.course_enrollments
where course_id = 'e4000000-0000-4000-8000-000000000001'
  and status = 'completed';

-- One revoked (issued in error to the person who came to a single session), one expired.
select public.revoke_certificate(c.id, 'Attended one of three sessions; issued in error.')
from public.certificates c
where c.holder_id = 'd0000000-0000-4000-8000-000000000002';

update public.certificates
set issued_at = now() - interval '400 days', achieved_at = now() - interval '400 days', expires_at = now() - interval '35 days'
where holder_id = 'd0000000-0000-4000-8000-000000000001';

-- Certificate PDFs do not exist yet for the seed: pdf_path stays null until the certificates edge
-- function renders them.
