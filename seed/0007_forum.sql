-- Demo data for the forum and moderation: categories, a moderator, a verified expert and a pending
-- application, threads with car context, responses, votes, an accepted answer, a flagged thread
-- hidden pending review, and a suspended member. Written as each person through the same tables
-- and RPCs as the apps (request.jwt.claims set by pg_temp.act_as), so the triggers keep the
-- counters and send the notifications.
--   admin@pitlane.test         platform admin; pinned and featured the welcome thread
--   citra@nusantara-club.test  forum moderator
--   hadi@skills-academy.test   verified expert (engine-and-drivetrain, honda, toyota)
--   gita@skills-academy.test   expert application pending
--   eko@nusantara-club.test    asked about his Civic's idle; hadi's answer is accepted
--   member12@example.test      suspended for a week for spam; their thread is hidden pending review

create or replace function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

-- Categories, by the platform admin.
select pg_temp.act_as('a0000000-0000-4000-8000-000000000001');

insert into public.forum_moderators (user_id) values ('b0000000-0000-4000-8000-000000000002');

insert into public.forum_categories (id, name, slug, description, icon, sort_order, is_active) values
  ('f0000000-0000-4000-8000-000000000001', 'Engine and drivetrain', 'engine-and-drivetrain', 'Engines, gearboxes, clutches and everything that makes it go.', 'engine', 1, true),
  ('f0000000-0000-4000-8000-000000000002', 'Brakes and suspension', 'brakes-and-suspension', 'Pads, discs, dampers, alignment.', 'disc', 2, true),
  ('f0000000-0000-4000-8000-000000000003', 'Electrical', 'electrical', 'Batteries, wiring, sensors and OBD codes.', 'bolt', 3, true),
  ('f0000000-0000-4000-8000-000000000004', 'Buying advice', 'buying-advice', 'What to buy, what to avoid, what to check.', 'tag', 4, true),
  ('f0000000-0000-4000-8000-000000000005', 'Community', 'community', 'Meets, track days and introductions.', 'users', 0, true),
  ('f0000000-0000-4000-8000-000000000006', 'Old forum archive', 'archive', 'Read-only threads from the old forum.', 'archive', 9, false);

-- Hadi applies and citra approves; gita's application waits.
select pg_temp.act_as('c0000000-0000-4000-8000-000000000003');
select public.apply_for_expert_verification(array['engine-and-drivetrain', 'Honda', 'Toyota'], 15,
  'Fifteen years as a workshop technician, Honda and Toyota certified.',
  array['c0000000-0000-4000-8000-000000000003/certification.pdf']);
select pg_temp.act_as('c0000000-0000-4000-8000-000000000002');
select public.apply_for_expert_verification(array['electrical'], 6, 'Auto electrician since 2019.', '{}');
select pg_temp.act_as('b0000000-0000-4000-8000-000000000002');
select public.decide_expert_verification(
  (select id from public.expert_verifications where user_id = 'c0000000-0000-4000-8000-000000000003'), true, null);

-- Threads.
select pg_temp.act_as('a0000000-0000-4000-8000-000000000001');
insert into public.forum_threads (id, category_id, title, body) values
  ('f1000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000005', 'Welcome to the Pitlane forum',
   'Introduce yourself, read the rules, and tell us what you drive. Flag anything that breaks the rules: moderators review every flag.');
select public.set_thread_highlights('f1000000-0000-4000-8000-000000000001', true, true);

select pg_temp.act_as('b0000000-0000-4000-8000-000000000004');
insert into public.forum_threads (id, category_id, title, body, car_make, car_model, car_year) values
  ('f1000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'Civic idle hunts on cold mornings',
   'My 2020 Civic idles between 800 and 1,500 rpm for the first minutes on cold mornings. No warning lights. Where should I start?',
   'Honda', 'Civic', 2020);

select pg_temp.act_as('d0000000-0000-4000-8000-000000000002');
insert into public.forum_threads (id, category_id, title, body, car_make, car_model, car_year) values
  ('f1000000-0000-4000-8000-000000000003', 'f0000000-0000-4000-8000-000000000002', 'Steering wheel judders when braking from highway speed',
   'Avanza 2019, 60,000 km. The wheel shakes when I brake from 100 km/h. Discs or something else?',
   'Toyota', 'Avanza', 2019);

select pg_temp.act_as('d0000000-0000-4000-8000-000000000003');
insert into public.forum_threads (id, category_id, title, body) values
  ('f1000000-0000-4000-8000-000000000004', 'f0000000-0000-4000-8000-000000000004', 'First car: hatchback or small SUV?',
   'Budget around 200 million rupiah, mostly city driving with a weekly motorway trip.');

select pg_temp.act_as('d0000000-0000-4000-8000-000000000012');
insert into public.forum_threads (id, category_id, title, body) values
  ('f1000000-0000-4000-8000-000000000005', 'f0000000-0000-4000-8000-000000000003', 'CHEAP OBD SCANNERS 90% OFF click here',
   'Best prices on scanners, message me for the link!!!');

-- Responses: hadi answers the Civic thread as an expert (the database marks it), members add theirs.
select pg_temp.act_as('c0000000-0000-4000-8000-000000000003');
insert into public.forum_responses (id, thread_id, body) values
  ('f2000000-0000-4000-8000-000000000001', 'f1000000-0000-4000-8000-000000000002',
   'Clean the throttle body and the idle air passages, then do an idle relearn: ignition on 10 s, start, let it idle 10 minutes with everything off. A sticky PCV valve does the same, check it too.'),
  ('f2000000-0000-4000-8000-000000000002', 'f1000000-0000-4000-8000-000000000003',
   'Judder only when braking is almost always uneven disc thickness. Measure the run-out; if the discs are within spec, check the lower arm bushes.');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000001');
insert into public.forum_responses (id, thread_id, body) values
  ('f2000000-0000-4000-8000-000000000003', 'f1000000-0000-4000-8000-000000000002', 'Mine did that until I replaced the coolant temperature sensor.'),
  ('f2000000-0000-4000-8000-000000000004', 'f1000000-0000-4000-8000-000000000004', 'A hatchback: cheaper tyres, easier parking, and the motorway is no problem.');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000004');
insert into public.forum_responses (thread_id, body) values
  ('f1000000-0000-4000-8000-000000000001', 'Hi all, Budi''s neighbour here with a 1998 Kijang.'),
  ('f1000000-0000-4000-8000-000000000003', 'Had the same, new discs and pads fixed it.');

-- Votes, and eko accepts hadi's answer (which resolves the thread).
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004');
insert into public.forum_response_votes (response_id, is_helpful) values
  ('f2000000-0000-4000-8000-000000000001', true), ('f2000000-0000-4000-8000-000000000003', false);
select public.accept_response('f2000000-0000-4000-8000-000000000001');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000005');
insert into public.forum_response_votes (response_id, is_helpful) values
  ('f2000000-0000-4000-8000-000000000001', true), ('f2000000-0000-4000-8000-000000000002', true);
select pg_temp.act_as('d0000000-0000-4000-8000-000000000006');
insert into public.forum_response_votes (response_id, is_helpful) values ('f2000000-0000-4000-8000-000000000001', true);
insert into public.forum_thread_follows (thread_id) values ('f1000000-0000-4000-8000-000000000003');

-- Three members flag the spam thread: it is hidden pending review; citra suspends its author.
select pg_temp.act_as('d0000000-0000-4000-8000-000000000007');
select public.flag_content('forum_thread', 'f1000000-0000-4000-8000-000000000005', 'spam', null);
select pg_temp.act_as('d0000000-0000-4000-8000-000000000008');
select public.flag_content('forum_thread', 'f1000000-0000-4000-8000-000000000005', 'spam', 'Selling, not asking.');
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004');
select public.flag_content('forum_thread', 'f1000000-0000-4000-8000-000000000005', 'spam', null);
select pg_temp.act_as('b0000000-0000-4000-8000-000000000002');
select public.suspend_account('d0000000-0000-4000-8000-000000000012', 'Advertising in the forum. You can post again in a week.', now() + interval '7 days');

select set_config('request.jwt.claims', '', true);
