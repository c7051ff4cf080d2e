-- A waitlisted person's place in the queue, and events in the supabase_realtime publication so
-- that apps see it move (issue 21: the SDK's `events.waitlistPosition` and the example app).
--
-- The queue is made of other people's registrations, which RLS hides from the registrant, so a
-- function counts them. The place moves when someone ahead leaves the waiting list; that changes
-- the event's waitlist_count, which a subscriber to the event's row hears through postgres_changes
-- (RLS decides who may: published events are everyone's) and then asks for the place again.

create function public.waitlist_position(p_registration_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_registration public.event_registrations;
begin
  select * into v_registration from public.event_registrations where id = p_registration_id;
  if not found
    or (v_registration.user_id <> v_user_id and not private.can_manage(v_registration.organization_id)) then
    raise exception using errcode = 'PT404', message = 'registration not found',
      hint = 'a waitlist place is for the registrant and the event''s staff';
  end if;
  if v_registration.status <> 'waitlisted' then
    return null;
  end if;
  -- The order offers follow (private.process_event_queue: waitlisted_at, then id).
  return (
    select count(*)::integer
    from public.event_registrations r
    where r.event_id = v_registration.event_id
      and r.status = 'waitlisted'
      and (r.waitlisted_at, r.id) <= (v_registration.waitlisted_at, v_registration.id)
  );
end;
$$;

revoke all on function public.waitlist_position(uuid) from public, anon;
grant execute on function public.waitlist_position(uuid) to authenticated, service_role;

comment on function public.waitlist_position is
  'A waitlisted registration''s place in its event''s queue (1 = next to be offered a seat), or null when it is not waitlisted. The registrant and the event''s staff; anyone else: 404. Subscribe to the event''s row (events is in supabase_realtime) to hear when it may have moved.';

alter publication supabase_realtime add table public.events;
