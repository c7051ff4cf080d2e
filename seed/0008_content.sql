-- Demo content and feedback.
--
-- Content (sql/0040_blog_about_reference.sql): blog categories; the club's welcome post (by the
-- platform admin), the Nusantara club's video post, the academy's post with a three-image album,
-- a scheduled post (public in three days) and a draft; the club's and the Nusantara club's about
-- pages; reference data (levels, regions, categories, event references). Image paths name
-- objects in blog-media that the demo does not upload.
--
-- Surveys (sql/0039_surveys.sql): the Diagnostics Bootcamp's feedback survey
-- (Automotive Skills Academy), attached to the event as its feedback survey, with the answers of
-- three of its four attendees submitted through submit_survey_response as each of them (the
-- fourth, member02, is offered the survey by the survey-feedback-offers job).
--
--   Indah Sari   NPS 10, instructor 5, most useful: live data (liked: "Reading fuel trims live…")
--   Eko Wibowo   NPS 9,  instructor 4, most useful: wiring faults
--   member01     NPS 6,  instructor 3, most useful: other "the coffee" (improve: "Too fast for me.")
-- So the survey's NPS is (2 promoters − 1 detractor) / 3 = 33 and the instructor averages 4.

insert into public.surveys (id, organization_id, title, description, created_by)
values ('e8000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'Diagnostics Bootcamp feedback',
  'Two minutes to tell us how the bootcamp went.', 'c0000000-0000-4000-8000-000000000003');

insert into public.survey_sections (id, survey_id, title, position, show_if)
values
  ('e8100000-0000-4000-8000-000000000001', 'e8000000-0000-4000-8000-000000000001', 'The bootcamp', 0, null),
  ('e8100000-0000-4000-8000-000000000002', 'e8000000-0000-4000-8000-000000000001', 'Help us improve', 1,
   '{"question": "recommend", "lte": 8}');

insert into public.survey_questions (id, survey_id, section_id, key, question_type, text, is_required, allow_other, rules, show_if, position)
values
  ('e8200000-0000-4000-8000-000000000001', 'e8000000-0000-4000-8000-000000000001', 'e8100000-0000-4000-8000-000000000001',
   'recommend', 'nps', 'How likely are you to recommend {{object.title}} to a colleague?', true, false, '{}', null, 0),
  ('e8200000-0000-4000-8000-000000000002', 'e8000000-0000-4000-8000-000000000001', 'e8100000-0000-4000-8000-000000000001',
   'instructor', 'rating', 'How would you rate the instructor?', true, false, '{"min": 1, "max": 5}', null, 1),
  ('e8200000-0000-4000-8000-000000000003', 'e8000000-0000-4000-8000-000000000001', 'e8100000-0000-4000-8000-000000000001',
   'most_useful', 'single_choice', 'Which session was most useful?', true, true, '{}', null, 2),
  ('e8200000-0000-4000-8000-000000000004', 'e8000000-0000-4000-8000-000000000001', 'e8100000-0000-4000-8000-000000000001',
   'liked', 'long_text', 'What did you like about {{answer:most_useful}}?', false, false, '{"max_length": 2000}',
   '{"question": "most_useful", "answered": true}', 3),
  ('e8200000-0000-4000-8000-000000000005', 'e8000000-0000-4000-8000-000000000001', 'e8100000-0000-4000-8000-000000000002',
   'improve', 'long_text', 'What one thing would have made it a 10?', false, false, '{"max_length": 2000}', null, 0);

insert into public.survey_question_options (question_id, value, label, position)
values
  ('e8200000-0000-4000-8000-000000000003', 'scan_tools', 'Scan tools', 0),
  ('e8200000-0000-4000-8000-000000000003', 'live_data', 'Live data', 1),
  ('e8200000-0000-4000-8000-000000000003', 'wiring_faults', 'Wiring faults', 2);

update public.surveys set status = 'open' where id = 'e8000000-0000-4000-8000-000000000001';

insert into public.survey_links (survey_id, object_kind, object_id, is_feedback)
values ('e8000000-0000-4000-8000-000000000001', 'event', 'e1000000-0000-4000-8000-000000000005', true);

-- The answers, each submitted as its respondent (request.jwt.claims local to the seed's transaction).
do $$
declare
  v_answer record;
begin
  for v_answer in
    select * from (values
      (1, 'c0000000-0000-4000-8000-000000000004'::uuid,
       '{"recommend": 10, "instructor": 5, "most_useful": "live_data", "liked": "Reading fuel trims live on the car."}'::jsonb),
      (2, 'b0000000-0000-4000-8000-000000000004'::uuid,
       '{"recommend": 9, "instructor": 4, "most_useful": "wiring_faults"}'::jsonb),
      (3, 'd0000000-0000-4000-8000-000000000001'::uuid,
       '{"recommend": 6, "instructor": 3, "most_useful": {"other": "the coffee"}, "liked": "Meeting other technicians.", "improve": "Too fast for me."}'::jsonb)
    ) as a (n, user_id, answers)
    order by n
  loop
    perform set_config('request.jwt.claims', json_build_object('sub', v_answer.user_id, 'role', 'authenticated')::text, true);
    perform public.submit_survey_response('e8000000-0000-4000-8000-000000000001', v_answer.answers, 'event',
      'e1000000-0000-4000-8000-000000000005');
  end loop;
  perform set_config('request.jwt.claims', '', true);
end;
$$;

-- Content ---------------------------------------------------------------------------------------

insert into public.blog_categories (id, slug, name, description, position)
values
  ('e9000000-0000-4000-8000-000000000001', 'news', 'News', 'Club and platform news.', 0),
  ('e9000000-0000-4000-8000-000000000002', 'technical', 'Technical', 'Know-how for technicians and engineers.', 1),
  ('e9000000-0000-4000-8000-000000000003', 'community', 'Community', 'Meetups, members and stories.', 2);

insert into public.blog_posts (id, organization_id, author_id, category_id, title, summary, content, youtube_id, tags, status, publish_at, main_image_path)
values
  ('e9100000-0000-4000-8000-000000000001', null, 'a0000000-0000-4000-8000-000000000001', 'e9000000-0000-4000-8000-000000000001',
   'Welcome to Pitlane', 'One home for the club, its events, courses and marketplace.',
   E'Pitlane brings the **club**, the academy''s courses and the marketplace together.\n\n- Register for events\n- Earn CPD credits\n- Tell us what you think in our surveys',
   null, '{announcement,platform}', 'published', now() - interval '20 days', null),
  ('e9100000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003', 'e9000000-0000-4000-8000-000000000003',
   'Plant visit: the Sunter assembly line', 'A video tour of our members'' visit to the assembly line.',
   E'Forty members toured the line last month. Watch the highlights below, then see the [events page](/events) for the next visit.',
   'M7lc1UVf-VE', '{plant-visit,manufacturing,community}', 'published', now() - interval '10 days',
   'e9100000-0000-4000-8000-000000000002/cover.jpg'),
  ('e9100000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003', 'e9000000-0000-4000-8000-000000000002',
   'Diagnostics Bootcamp in pictures', 'Scan tools, live data and wiring faults: three days in the workshop.',
   E'Our bootcamp ran for three days. A few moments from the workshop:\n\n1. Reading live data\n2. Tracing a wiring fault\n3. The graduation',
   null, '{diagnostics,training,manufacturing}', 'published', now() - interval '5 days',
   'e9100000-0000-4000-8000-000000000003/bay.jpg'),
  ('e9100000-0000-4000-8000-000000000004', 'e0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000003', 'e9000000-0000-4000-8000-000000000002',
   'EV battery safety: what changes in our workshops', 'Ahead of the EV Battery Safety Workshop.',
   'High-voltage packs need isolation checks before any work. Details in the workshop.',
   null, '{ev,safety,training}', 'scheduled', now() + interval '3 days', null),
  ('e9100000-0000-4000-8000-000000000005', 'e0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003', null,
   'Annual meeting agenda (draft)', null, 'To be completed.', null, '{}', 'draft', null, null);

insert into public.blog_post_images (post_id, storage_path, caption, position)
values
  ('e9100000-0000-4000-8000-000000000003', 'e9100000-0000-4000-8000-000000000003/live-data.jpg', 'Reading fuel trims on live data', 1),
  ('e9100000-0000-4000-8000-000000000003', 'e9100000-0000-4000-8000-000000000003/wiring.jpg', 'Tracing a wiring fault with the scope', 2),
  ('e9100000-0000-4000-8000-000000000003', 'e9100000-0000-4000-8000-000000000003/graduation.jpg', 'Graduation day', 3);

insert into public.about_pages (id, organization_id, slug, title, position, is_published)
values
  ('e9200000-0000-4000-8000-000000000001', null, 'about-pitlane', 'About Pitlane', 0, true),
  ('e9200000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000001', 'about-us', 'About the Nusantara Motor Manufacturers Club', 0, true),
  ('e9200000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000001', 'board', 'Our board', 1, false);

insert into public.about_sections (page_id, heading, body, image_path, position)
values
  ('e9200000-0000-4000-8000-000000000001', 'What we do', 'Events, courses and a marketplace for the automotive community.', null, 0),
  ('e9200000-0000-4000-8000-000000000001', 'Contact', 'Write to **hello@pitlane.test**.', null, 1),
  ('e9200000-0000-4000-8000-000000000002', 'Our story', 'Founded by manufacturers in Sunter to share know-how across the industry.', 'about/e0000000-0000-4000-8000-000000000001/story.jpg', 0),
  ('e9200000-0000-4000-8000-000000000002', 'Membership', 'Companies join the club; their people join through an invitation.', null, 1),
  ('e9200000-0000-4000-8000-000000000003', 'Chair', 'Budi Santoso', null, 0);

insert into public.reference_items (kind, code, label, description, url, position)
values
  ('level', 'all_levels', 'All levels', null, null, 0),
  ('level', 'beginner', 'Beginner', null, null, 1),
  ('level', 'intermediate', 'Intermediate', null, null, 2),
  ('level', 'advanced', 'Advanced', null, null, 3),
  ('region', 'jakarta', 'DKI Jakarta', null, null, 0),
  ('region', 'west-java', 'West Java', null, null, 1),
  ('region', 'east-java', 'East Java', null, null, 2),
  ('category', 'technical', 'Technical', 'Hands-on technical training.', null, 0),
  ('category', 'management', 'Management', 'Running a workshop or a plant.', null, 1),
  ('category', 'safety', 'Safety', 'Workshop and high-voltage safety.', null, 2),
  ('event_reference', 'obd-ii', 'OBD-II diagnostics overview', 'Background reading for diagnostics events.', 'https://en.wikipedia.org/wiki/On-board_diagnostics', 0),
  ('event_reference', 'ev-safety', 'High-voltage safety basics', 'Background reading for EV workshops.', 'https://en.wikipedia.org/wiki/Electric_vehicle_battery', 1);
