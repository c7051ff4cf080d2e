-- Registrations for one event queue in arrival order (issue 24). register_for_event serializes on
-- the event's row lock; a row lock does not queue fairly: when its holder commits, a registration
-- arriving at that moment takes the free row before the ones already waiting wake up, and they
-- wait again. 200 registrations at once on 40 connections (the test of that name) measured on a
-- loaded 2-core machine: the slowest waited 3.6–6.4 s, about as long as all 200 took together
-- (5–7 s; each holds the lock for its own work and its commit), and under more load it passed the
-- 8 s statement timeout of the authenticated role. pg_stat_activity showed every waiter on
-- "Lock: tuple" or "Lock: transactionid" of the event row, nothing else.
--
-- A transaction-scoped advisory lock per event, taken before the row lock, is a lock-manager lock
-- and granted in order: the slowest registration now waits for those ahead of it on the other
-- connections (at most the pool's size), 0.9–3.2 s in the same measurement. The row lock is still
-- taken: the other seat paths (cancel, claim, payment hooks, an organizer's edit) take only the
-- row and never the advisory lock, so they cannot deadlock with a registration; a transaction
-- must not lock an event's row and then register for it while others register (it would wait
-- for them holding what they wait for).

-- As in 0004 (with 0015's error codes), with the advisory lock before the row lock.
create or replace function public.register_for_event(p_event_id uuid, p_invited_by uuid default null)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_event public.events;
  v_existing public.registration_status;
  v_registration public.event_registrations;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('event:' || p_event_id::text, 0));
  select * into v_event from public.events where id = p_event_id for update;
  if not found or (v_event.status = 'draft' and not private.can_manage(v_event.organization_id)) then
    raise exception using errcode = 'PT404', message = 'event not found';
  end if;
  if v_event.status <> 'published' then
    raise exception using errcode = 'PT409', message = format('this event is %s', v_event.status),
      hint = 'registration is open only for published events';
  end if;
  if v_event.registration_closed then
    raise exception using errcode = 'PT409', message = 'registration for this event is closed',
      hint = 'the organizer closed registration';
  end if;
  if v_event.registration_opens_at > now() then
    raise exception using errcode = 'PT409', message = 'registration for this event has not opened yet',
      hint = format('registration opens at %s', v_event.registration_opens_at);
  end if;
  if coalesce(v_event.registration_closes_at, v_event.starts_at) <= now() then
    raise exception using errcode = 'PT409', message = 'registration for this event has closed';
  end if;
  if v_event.members_only and not private.has_organization_role(v_event.organization_id, 'member') then
    raise exception using errcode = '42501', message = 'this event is for members of the organization',
      hint = 'join the organization first';
  end if;
  if p_invited_by is not null then
    if p_invited_by = v_user_id then
      raise exception using errcode = '22023', message = 'you cannot be invited by yourself';
    end if;
    if not exists (select 1 from public.profiles where id = p_invited_by) then
      raise exception using errcode = 'PT404', message = 'the person in p_invited_by does not exist';
    end if;
  end if;

  perform private.process_event_queue(p_event_id);

  select status into v_existing
  from public.event_registrations
  where event_id = p_event_id
    and user_id = v_user_id
    and status in ('pending_payment', 'confirmed', 'waitlisted', 'offered');
  if found then
    raise exception using errcode = 'PT409', message = 'you are already registered for this event',
      hint = format('your registration is %s', v_existing);
  end if;

  select * into v_event from public.events where id = p_event_id;
  if v_event.capacity is null or v_event.confirmed_count + v_event.held_count < v_event.capacity then
    if v_event.is_free then
      insert into public.event_registrations (event_id, user_id, status, invited_by, confirmed_at)
      values (p_event_id, v_user_id, 'confirmed', p_invited_by, now())
      returning * into v_registration;
    else
      insert into public.event_registrations (event_id, user_id, status, invited_by, price_amount, currency, hold_expires_at)
      values (
        p_event_id, v_user_id, 'pending_payment', p_invited_by, v_event.price_amount, v_event.currency,
        now() + pg_catalog.make_interval(mins => v_event.payment_hold_minutes)
      )
      returning * into v_registration;
    end if;
  else
    insert into public.event_registrations (event_id, user_id, status, invited_by, price_amount, currency, waitlisted_at)
    values (p_event_id, v_user_id, 'waitlisted', p_invited_by, v_event.price_amount, v_event.currency, pg_catalog.clock_timestamp())
    returning * into v_registration;
  end if;
  return v_registration;
end;
$$;


comment on function public.register_for_event(uuid, uuid) is
  'Registers the caller. Free events confirm at once and paid ones hold a seat for payment while seats remain; otherwise the caller joins the waiting list. Never fails for a full event. Registrations for one event arriving together are served in arrival order.';
