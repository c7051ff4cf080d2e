-- Demo data for platform support staff (the platform support migration):
--   member10@example.test   platform support staff, added by the platform admin; answers
--                           member01's platform conversation about their dongle, and so sees
--                           member01's Corolla while it is open.

create or replace function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

insert into public.platform_support_staff (user_id, added_by)
values ('d0000000-0000-4000-8000-000000000010', 'a0000000-0000-4000-8000-000000000001');

select pg_temp.act_as('d0000000-0000-4000-8000-000000000001');
select public.start_chat_thread('My Corolla''s dongle shows no trips',
  null, 'The app has shown no trips for my Corolla since Monday. Is the dongle broken?');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000010');
select public.assign_chat_thread((select id from public.chat_threads where member_id = 'd0000000-0000-4000-8000-000000000001' and organization_id is null));
insert into public.chat_messages (thread_id, sender_id, body)
select id, 'd0000000-0000-4000-8000-000000000010', 'I can see your Corolla here. Let''s check the dongle: is its light on when the engine runs?'
from public.chat_threads where member_id = 'd0000000-0000-4000-8000-000000000001' and organization_id is null;
select set_config('request.jwt.claims', '', true);
