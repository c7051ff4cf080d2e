-- Demo content and feedback (sql/0045_surveys.sql): the Diagnostics Bootcamp's feedback survey
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
