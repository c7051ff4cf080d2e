-- Demo outreach (sql/0055_contacts … 0059_zoom) for the Automotive Skills Academy:
--
-- Contacts: Indah Sari and member01 (linked to their accounts by their confirmed emails), two
-- leads without accounts from a trade show (Rudi, Sari), and Tono, who said no to email.
-- Consent to email: Indah, member01 and Rudi (Sari withdrew it with the unsubscribe link).
-- Segment "EV interested": tagged ev (Indah, Rudi, Sari).
-- Campaigns: "Hybrid masterclass invitation" (sent: queued for the two segment members who
-- consent, through the outbox and the email-delivery function like any email) and "January
-- newsletter" (a draft with open and click tracking).
-- Communication log: a call with Rudi and a meeting note with Indah.
-- Zoom: the Hybrid Powertrain Masterclass's meeting (no Zoom call is made: the ids are examples).

insert into public.contacts (id, organization_id, email, full_name, phone, company, tags, custom_fields, source, created_by)
values
  ('ea000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'indah@skills-academy.test', 'Indah Sari',
   '+62 812 5550 0004', 'Bengkel Sari', '{ev,alumni}', '{"city": "Surabaya", "role": "service advisor"}', 'manual', 'c0000000-0000-4000-8000-000000000003'),
  ('ea000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000002', 'member01@example.test', 'Member One',
   null, null, '{alumni}', '{"city": "Bandung"}', 'manual', 'c0000000-0000-4000-8000-000000000003'),
  ('ea000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000002', 'rudi@bengkel-rudi.test', 'Rudi Hartono',
   '+62 813 5550 1111', 'Bengkel Rudi', '{ev,lead}', '{"city": "Bandung", "fleet_size": "12"}', 'trade_show', 'c0000000-0000-4000-8000-000000000003'),
  ('ea000000-0000-4000-8000-000000000004', 'e0000000-0000-4000-8000-000000000002', 'sari@autoparts.test', 'Sari Wulandari',
   null, 'Auto Parts Nusantara', '{ev,lead}', '{"city": "Jakarta"}', 'trade_show', 'c0000000-0000-4000-8000-000000000003'),
  ('ea000000-0000-4000-8000-000000000005', 'e0000000-0000-4000-8000-000000000002', 'tono@garage.test', 'Tono Prasetyo',
   null, 'Garage Tono', '{lead}', '{}', 'trade_show', 'c0000000-0000-4000-8000-000000000003');

insert into public.contact_consents (contact_id, channel, granted, method, note, recorded_by)
values
  ('ea000000-0000-4000-8000-000000000001', 'email', true, 'form', 'newsletter sign-up form', null),
  ('ea000000-0000-4000-8000-000000000002', 'email', true, 'form', 'registration form opt-in', null),
  ('ea000000-0000-4000-8000-000000000003', 'email', true, 'staff', 'said yes at the trade show stand', 'c0000000-0000-4000-8000-000000000003'),
  ('ea000000-0000-4000-8000-000000000004', 'email', true, 'staff', 'said yes at the trade show stand', 'c0000000-0000-4000-8000-000000000003'),
  ('ea000000-0000-4000-8000-000000000004', 'email', false, 'unsubscribe_link', 'one-click unsubscribe from a campaign email', null),
  ('ea000000-0000-4000-8000-000000000005', 'email', false, 'staff', 'asked not to be emailed', 'c0000000-0000-4000-8000-000000000003');

insert into public.contact_segments (id, organization_id, name, description, rules, created_by)
values ('ea100000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'EV interested',
  'Everyone tagged ev: alumni and leads.', '{"tag": "ev"}', 'c0000000-0000-4000-8000-000000000003');

insert into public.email_campaigns (id, organization_id, name, subject, sender_name, body, event_id, segment_id, contact_ids,
  track_opens, track_clicks, rate_per_minute, created_by)
values
  ('ea200000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 'Hybrid masterclass invitation',
   '{{first_name}}, join the {{event}}', 'Automotive Skills Academy',
   E'Dear {{name}},\n\nThe {{event}} starts on {{event_date}}, in Bandung and online.\n\nSee the programme: https://skills-academy.example/events/hybrid-powertrain-masterclass',
   'e1000000-0000-4000-8000-000000000003', 'ea100000-0000-4000-8000-000000000001', null, true, true, 60, 'c0000000-0000-4000-8000-000000000003'),
  ('ea200000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000002', 'January newsletter',
   'News from {{organization}}', null,
   E'Hi {{first_name}},\n\nNew courses are open for January: https://skills-academy.example/courses',
   null, null, '{ea000000-0000-4000-8000-000000000001,ea000000-0000-4000-8000-000000000002}', true, true, 600, 'c0000000-0000-4000-8000-000000000003');

select private.queue_campaign('ea200000-0000-4000-8000-000000000001');

insert into public.contact_activities (contact_id, kind, subject, body, occurred_at, recorded_by)
values
  ('ea000000-0000-4000-8000-000000000003', 'call', 'Asked about EV courses for his technicians',
   'Twelve technicians; interested in the battery safety workshop. Call back in January.', now() - interval '3 days', 'c0000000-0000-4000-8000-000000000003'),
  ('ea000000-0000-4000-8000-000000000001', 'meeting', 'Alumni coffee in Surabaya', null, now() - interval '10 days', 'c0000000-0000-4000-8000-000000000003');

insert into public.zoom_meetings (event_id, organization_id, zoom_meeting_id, join_url, start_url, passcode, starts_at, duration_minutes, created_by)
select id, organization_id, '85512345678', 'https://us02web.zoom.us/j/85512345678?pwd=demo', 'https://us02web.zoom.us/s/85512345678',
  'hybrid1', starts_at, least(1440, ceil(extract(epoch from ends_at - starts_at) / 60))::integer, 'c0000000-0000-4000-8000-000000000002'
from public.events where id = 'e1000000-0000-4000-8000-000000000003';

insert into public.event_join_details (event_id, organization_id, join_url, meeting_id, passcode)
values ('e1000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000002',
  'https://us02web.zoom.us/j/85512345678?pwd=demo', '85512345678', 'hybrid1')
on conflict (event_id) do update set join_url = excluded.join_url, meeting_id = excluded.meeting_id, passcode = excluded.passcode;
