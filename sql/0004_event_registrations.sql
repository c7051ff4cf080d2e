-- Registrations, written only through RPCs that lock the event row: register (free → confirmed,
-- paid → pending_payment with a seat held for payment_hold_minutes, full → waitlisted), cancel,
-- claim a waiting-list offer, transfer, and the payment hooks the payments domain calls.
--
-- The waiting list: whenever a seat frees (cancellation, refund, an unpaid hold or an unclaimed
-- offer expiring, more capacity), the first waitlisted person is offered it (status `offered`)
-- and has waitlist_claim_minutes to claim it before it passes on. Expiries are processed lazily
-- by every RPC touching the event, and by process_expired_registrations(), which the service
-- role (or pg_cron on hosted Supabase) calls every minute.

create type public.registration_status as enum (
  'pending_payment', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'expired', 'refunded'
);

create table public.event_registrations (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.events (id) on delete cascade,
  organization_id uuid,
  user_id uuid not null references public.profiles (id) on delete cascade,
  status public.registration_status not null,
  invited_by uuid references public.profiles (id) on delete set null,
  check_in_token text not null default private.random_token(24),
  price_amount integer not null default 0,
  currency text,
  hold_expires_at timestamptz,
  waitlisted_at timestamptz,
  offer_expires_at timestamptz,
  confirmed_at timestamptz,
  paid_at timestamptz,
  payment_reference text,
  invoice_id uuid,
  cancelled_at timestamptz,
  cancelled_by uuid references public.profiles (id) on delete set null,
  cancellation_reason text,
  expired_at timestamptz,
  refunded_at timestamptz,
  attended_at timestamptz,
  transferred_from_user_id uuid references public.profiles (id) on delete set null,
  transferred_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint event_registrations_check_in_token_key unique (check_in_token),
  constraint event_registrations_price check (price_amount >= 0 and (price_amount = 0 or currency is not null)),
  constraint event_registrations_hold check ((status = 'pending_payment') = (hold_expires_at is not null)),
  constraint event_registrations_offer check ((status = 'offered') = (offer_expires_at is not null)),
  constraint event_registrations_waitlisted_at check (status not in ('waitlisted', 'offered') or waitlisted_at is not null),
  constraint event_registrations_confirmed_at check (status <> 'confirmed' or confirmed_at is not null),
  constraint event_registrations_cancelled_at check (status <> 'cancelled' or cancelled_at is not null),
  constraint event_registrations_not_self_invited check (invited_by <> user_id),
  constraint event_registrations_transfer check (transferred_from_user_id is null or transferred_at is not null)
);

comment on table public.event_registrations is
  'A person''s registration for an event. Written only by RPCs: register_for_event, cancel_registration, claim_waitlist_offer, transfer_registration, and the payment hooks. check_in_token is the QR payload.';
comment on column public.event_registrations.invoice_id is
  'The invoice paying for it; the payments domain adds the foreign key to its invoices table.';
comment on column public.event_registrations.attended_at is 'First check-in, kept by a trigger on event_check_ins.';

-- One live registration per person and event; cancelled, expired and refunded ones stay as history.
create unique index event_registrations_one_live
  on public.event_registrations (event_id, user_id)
  where status in ('pending_payment', 'confirmed', 'waitlisted', 'offered');
create index event_registrations_user_id_idx on public.event_registrations (user_id, status);
create index event_registrations_event_queue_idx on public.event_registrations (event_id, status, waitlisted_at);
create index event_registrations_organization_id_idx on public.event_registrations (organization_id);
create index event_registrations_invited_by_idx on public.event_registrations (invited_by);
create index event_registrations_cancelled_by_idx on public.event_registrations (cancelled_by);
create index event_registrations_transferred_from_idx on public.event_registrations (transferred_from_user_id);
create index event_registrations_due_idx
  on public.event_registrations (coalesce(hold_expires_at, offer_expires_at))
  where status in ('pending_payment', 'offered');

create trigger event_registrations_updated_at
  before update on public.event_registrations
  for each row execute function extensions.moddatetime(updated_at);

create trigger event_registrations_organization
  before insert or update on public.event_registrations
  for each row execute function private.inherit_organization_id('events', 'event_id');

-- ---------------------------------------------------------------------------------------------
-- Counters on events
-- ---------------------------------------------------------------------------------------------

create function private.count_event_registrations()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_confirmed integer := 0;
  v_held integer := 0;
  v_waitlist integer := 0;
  v_attended integer := 0;
begin
  if tg_op in ('UPDATE', 'DELETE') then
    v_confirmed := v_confirmed - (old.status = 'confirmed')::integer;
    v_held := v_held - (old.status in ('pending_payment', 'offered'))::integer;
    v_waitlist := v_waitlist - (old.status = 'waitlisted')::integer;
    v_attended := v_attended - (old.attended_at is not null)::integer;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    v_confirmed := v_confirmed + (new.status = 'confirmed')::integer;
    v_held := v_held + (new.status in ('pending_payment', 'offered'))::integer;
    v_waitlist := v_waitlist + (new.status = 'waitlisted')::integer;
    v_attended := v_attended + (new.attended_at is not null)::integer;
  end if;
  if v_confirmed <> 0 or v_held <> 0 or v_waitlist <> 0 or v_attended <> 0 then
    update public.events
    set confirmed_count = confirmed_count + v_confirmed,
      held_count = held_count + v_held,
      waitlist_count = waitlist_count + v_waitlist,
      attended_count = attended_count + v_attended
    where id = coalesce(new.event_id, old.event_id);
  end if;
  return null;
end;
$$;

revoke all on function private.count_event_registrations() from public;

create trigger event_registrations_count
  after insert or update or delete on public.event_registrations
  for each row execute function private.count_event_registrations();

-- ---------------------------------------------------------------------------------------------
-- The queue
-- ---------------------------------------------------------------------------------------------

-- Expires unpaid holds and unclaimed offers that are due, then offers every free seat to the
-- waiting list in order. Locks the event row: everything touching seats is serialized per event.
create function private.process_event_queue(p_event_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event public.events;
  v_free integer;
begin
  perform 1 from public.events where id = p_event_id for update;

  update public.event_registrations
  set status = 'expired', expired_at = now(), hold_expires_at = null
  where event_id = p_event_id
    and status = 'pending_payment'
    and hold_expires_at <= now();

  update public.event_registrations
  set status = 'expired', expired_at = now(), offer_expires_at = null
  where event_id = p_event_id
    and status = 'offered'
    and offer_expires_at <= now();

  select * into v_event from public.events where id = p_event_id;
  if v_event.status <> 'published' or v_event.starts_at <= now() or v_event.waitlist_count = 0 then
    return;
  end if;
  v_free := v_event.capacity - v_event.confirmed_count - v_event.held_count;
  if v_free <= 0 then
    return;
  end if;

  -- LIMIT null (unlimited capacity) offers a seat to everyone waiting.
  update public.event_registrations
  set status = 'offered', offer_expires_at = now() + pg_catalog.make_interval(mins => v_event.waitlist_claim_minutes)
  where id in (
    select id
    from public.event_registrations
    where event_id = p_event_id
      and status = 'waitlisted'
    order by waitlisted_at, id
    limit v_free
  );
end;
$$;

revoke all on function private.process_event_queue(uuid) from public;

-- Locks the event of a registration, processes its queue, then locks and returns the
-- registration (in that order, the same as register_for_event: no deadlocks).
create function private.lock_registration(p_registration_id uuid)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event_id uuid;
  v_registration public.event_registrations;
begin
  select event_id into v_event_id from public.event_registrations where id = p_registration_id;
  if not found then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  perform private.process_event_queue(v_event_id);
  select * into v_registration from public.event_registrations where id = p_registration_id for update;
  return v_registration;
end;
$$;

revoke all on function private.lock_registration(uuid) from public;

-- Cancelling an event cancels its live registrations; more capacity offers seats to the waiting list.
create function private.on_event_updated()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'cancelled' and old.status <> 'cancelled' then
    update public.event_registrations
    set status = 'cancelled',
      cancelled_at = now(),
      cancelled_by = (select auth.uid()),
      cancellation_reason = coalesce(new.cancellation_reason, 'the event was cancelled'),
      hold_expires_at = null,
      offer_expires_at = null
    where event_id = new.id
      and status in ('pending_payment', 'confirmed', 'waitlisted', 'offered');
  elsif new.status = 'published'
    and (new.capacity is null and old.capacity is not null or new.capacity > old.capacity
      or old.status <> 'published') then
    perform private.process_event_queue(new.id);
  end if;
  return null;
end;
$$;

revoke all on function private.on_event_updated() from public;

create trigger events_on_updated
  after update of status, capacity on public.events
  for each row execute function private.on_event_updated();

-- ---------------------------------------------------------------------------------------------
-- RPCs for people
-- ---------------------------------------------------------------------------------------------

-- Registers the caller. Free events confirm at once and paid ones hold a seat for payment while
-- seats remain; otherwise the caller joins the waiting list. Never fails for a full event.
create function public.register_for_event(p_event_id uuid, p_invited_by uuid default null)
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
  select * into v_event from public.events where id = p_event_id for update;
  if not found or (v_event.status = 'draft' and not private.can_manage(v_event.organization_id)) then
    raise exception using errcode = 'P0002', message = 'event not found';
  end if;
  if v_event.status <> 'published' then
    raise exception using errcode = 'P0001', message = format('this event is %s', v_event.status),
      hint = 'registration is open only for published events';
  end if;
  if v_event.registration_closed then
    raise exception using errcode = 'P0001', message = 'registration for this event is closed',
      hint = 'the organizer closed registration';
  end if;
  if v_event.registration_opens_at > now() then
    raise exception using errcode = 'P0001', message = 'registration for this event has not opened yet',
      hint = format('registration opens at %s', v_event.registration_opens_at);
  end if;
  if coalesce(v_event.registration_closes_at, v_event.starts_at) <= now() then
    raise exception using errcode = 'P0001', message = 'registration for this event has closed';
  end if;
  if v_event.members_only and not private.has_organization_role(v_event.organization_id, 'member') then
    raise exception using errcode = '42501', message = 'this event is for members of the organization',
      hint = 'join the organization first';
  end if;
  if p_invited_by is not null then
    if p_invited_by = v_user_id then
      raise exception using errcode = 'P0001', message = 'you cannot be invited by yourself';
    end if;
    if not exists (select 1 from public.profiles where id = p_invited_by) then
      raise exception using errcode = 'P0002', message = 'the person in p_invited_by does not exist';
    end if;
  end if;

  perform private.process_event_queue(p_event_id);

  select status into v_existing
  from public.event_registrations
  where event_id = p_event_id
    and user_id = v_user_id
    and status in ('pending_payment', 'confirmed', 'waitlisted', 'offered');
  if found then
    raise exception using errcode = 'P0001', message = 'you are already registered for this event',
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

-- Cancels a live registration: by its registrant before the event starts, or by the event's
-- staff at any time. The seat goes to the waiting list.
create function public.cancel_registration(p_registration_id uuid, p_reason text default null)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_registration public.event_registrations;
  v_is_staff boolean;
  v_starts_at timestamptz;
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  v_registration := private.lock_registration(p_registration_id);
  v_is_staff := private.can_manage(v_registration.organization_id);
  if v_registration.user_id <> v_user_id and not v_is_staff then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  if v_registration.status not in ('pending_payment', 'confirmed', 'waitlisted', 'offered') then
    raise exception using errcode = 'P0001', message = format('this registration is already %s', v_registration.status);
  end if;
  select starts_at into v_starts_at from public.events where id = v_registration.event_id;
  if not v_is_staff and v_starts_at <= now() then
    raise exception using errcode = 'P0001', message = 'the event has started: ask the organizer to cancel',
      hint = 'registrants can cancel until the event starts';
  end if;

  update public.event_registrations
  set status = 'cancelled',
    cancelled_at = now(),
    cancelled_by = v_user_id,
    cancellation_reason = p_reason,
    hold_expires_at = null,
    offer_expires_at = null
  where id = p_registration_id
  returning * into v_registration;

  perform private.process_event_queue(v_registration.event_id);
  select * into v_registration from public.event_registrations where id = p_registration_id;
  return v_registration;
end;
$$;

-- Claims a seat offered from the waiting list: confirmed for a free event, pending payment with
-- a fresh hold for a paid one. To decline an offer, cancel the registration.
create function public.claim_waitlist_offer(p_registration_id uuid)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_registration public.event_registrations;
  v_event public.events;
begin
  v_registration := private.lock_registration(p_registration_id);
  if v_registration.user_id <> v_user_id then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  if v_registration.status = 'expired' and v_registration.waitlisted_at is not null and v_registration.confirmed_at is null then
    raise exception using errcode = 'P0001', message = 'this seat offer has expired',
      hint = 'register again to rejoin the waiting list';
  end if;
  if v_registration.status <> 'offered' then
    raise exception using errcode = 'P0001',
      message = format('there is no seat offer to claim: this registration is %s', v_registration.status);
  end if;
  select * into v_event from public.events where id = v_registration.event_id;
  if v_event.is_free then
    update public.event_registrations
    set status = 'confirmed', confirmed_at = now(), offer_expires_at = null
    where id = p_registration_id
    returning * into v_registration;
  else
    update public.event_registrations
    set status = 'pending_payment',
      offer_expires_at = null,
      hold_expires_at = now() + pg_catalog.make_interval(mins => v_event.payment_hold_minutes)
    where id = p_registration_id
    returning * into v_registration;
  end if;
  return v_registration;
end;
$$;

-- Hands a confirmed registration to another person (who gets a new check-in token), before the
-- event starts and before any check-in, when the event allows transfers.
create function public.transfer_registration(p_registration_id uuid, p_recipient_id uuid)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_registration public.event_registrations;
  v_event public.events;
begin
  v_registration := private.lock_registration(p_registration_id);
  if v_registration.user_id <> v_user_id and not private.can_manage(v_registration.organization_id) then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  select * into v_event from public.events where id = v_registration.event_id;
  if not v_event.allow_transfers then
    raise exception using errcode = 'P0001', message = 'this event does not allow transfers';
  end if;
  if v_registration.status <> 'confirmed' then
    raise exception using errcode = 'P0001', message = 'only a confirmed registration can be transferred',
      hint = format('this registration is %s', v_registration.status);
  end if;
  if v_registration.attended_at is not null then
    raise exception using errcode = 'P0001', message = 'a registration that was checked in cannot be transferred';
  end if;
  if v_event.starts_at <= now() then
    raise exception using errcode = 'P0001', message = 'the event has started: registrations can no longer be transferred';
  end if;
  if p_recipient_id is null or p_recipient_id = v_registration.user_id then
    raise exception using errcode = 'P0001', message = 'transfer to someone else',
      hint = 'p_recipient_id is the profile id of the new attendee';
  end if;
  if not exists (
    select 1
    from public.profiles
    where id = p_recipient_id
      and (suspended_at is null or suspended_at > now() or suspended_until <= now())
  ) then
    raise exception using errcode = 'P0002', message = 'the recipient does not exist or is suspended';
  end if;
  if v_event.members_only and not exists (
    select 1
    from public.organization_members
    where organization_id = v_event.organization_id
      and user_id = p_recipient_id
  ) then
    raise exception using errcode = 'P0001', message = 'the recipient must be a member of the organization',
      hint = 'this event is for members only';
  end if;
  if exists (
    select 1
    from public.event_registrations
    where event_id = v_registration.event_id
      and user_id = p_recipient_id
      and status in ('pending_payment', 'confirmed', 'waitlisted', 'offered')
  ) then
    raise exception using errcode = 'P0001', message = 'the recipient is already registered for this event';
  end if;

  update public.event_registrations
  set user_id = p_recipient_id,
    transferred_from_user_id = user_id,
    transferred_at = now(),
    check_in_token = private.random_token(24),
    invited_by = case when invited_by = p_recipient_id then null else invited_by end
  where id = p_registration_id
  returning * into v_registration;
  return v_registration;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Hooks for the payments domain and the scheduler (service role only)
-- ---------------------------------------------------------------------------------------------

-- A payment succeeded. Idempotent. A hold that expired meanwhile is reinstated when a seat is
-- free; otherwise this raises, and the payment must be refunded.
create function public.confirm_registration_payment(
  p_registration_id uuid,
  p_payment_reference text,
  p_invoice_id uuid default null
)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event_id uuid;
  v_registration public.event_registrations;
  v_event public.events;
begin
  select event_id into v_event_id from public.event_registrations where id = p_registration_id;
  if v_event_id is null then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  -- Lock the event first; a hold that is still pending is confirmed even if just past due.
  select * into v_event from public.events where id = v_event_id for update;
  select * into v_registration from public.event_registrations where id = p_registration_id for update;

  if v_registration.status = 'confirmed' and v_registration.paid_at is not null then
    return v_registration;
  end if;
  if v_registration.status = 'expired'
    and v_registration.confirmed_at is null
    and v_event.status = 'published'
    and (v_event.capacity is null or v_event.confirmed_count + v_event.held_count < v_event.capacity)
    and not exists (
      select 1
      from public.event_registrations
      where event_id = v_registration.event_id
        and user_id = v_registration.user_id
        and status in ('pending_payment', 'confirmed', 'waitlisted', 'offered')
    ) then
    v_registration.status := 'pending_payment';
  end if;
  if v_registration.status <> 'pending_payment' then
    raise exception using errcode = 'P0001',
      message = format('cannot confirm a payment for a %s registration', v_registration.status),
      hint = 'the seat was released: refund the payment';
  end if;

  update public.event_registrations
  set status = 'confirmed',
    confirmed_at = now(),
    paid_at = now(),
    hold_expires_at = null,
    expired_at = null,
    payment_reference = p_payment_reference,
    invoice_id = coalesce(p_invoice_id, invoice_id)
  where id = p_registration_id
  returning * into v_registration;
  perform private.process_event_queue(v_registration.event_id);
  return v_registration;
end;
$$;

-- A payment was refunded: the registration ends as refunded and a confirmed seat is released.
create function public.record_registration_refund(p_registration_id uuid)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_registration public.event_registrations := private.lock_registration(p_registration_id);
begin
  if v_registration.status = 'refunded' then
    return v_registration;
  end if;
  if v_registration.paid_at is null then
    raise exception using errcode = 'P0001', message = 'this registration was never paid';
  end if;
  update public.event_registrations
  set status = 'refunded', refunded_at = now(), hold_expires_at = null, offer_expires_at = null
  where id = p_registration_id
  returning * into v_registration;
  perform private.process_event_queue(v_registration.event_id);
  return v_registration;
end;
$$;

-- Processes every event with a due hold or offer; returns how many events it touched.
create function public.process_expired_registrations()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event_id uuid;
  v_count integer := 0;
begin
  for v_event_id in
    select distinct event_id
    from public.event_registrations
    where status in ('pending_payment', 'offered')
      and coalesce(hold_expires_at, offer_expires_at) <= now()
  loop
    perform private.process_event_queue(v_event_id);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

revoke all on function public.register_for_event(uuid, uuid) from public, anon;
revoke all on function public.cancel_registration(uuid, text) from public, anon;
revoke all on function public.claim_waitlist_offer(uuid) from public, anon;
revoke all on function public.transfer_registration(uuid, uuid) from public, anon;
revoke all on function public.confirm_registration_payment(uuid, text, uuid) from public, anon, authenticated;
revoke all on function public.record_registration_refund(uuid) from public, anon, authenticated;
revoke all on function public.process_expired_registrations() from public, anon, authenticated;
grant execute on function public.register_for_event(uuid, uuid) to authenticated, service_role;
grant execute on function public.cancel_registration(uuid, text) to authenticated, service_role;
grant execute on function public.claim_waitlist_offer(uuid) to authenticated, service_role;
grant execute on function public.transfer_registration(uuid, uuid) to authenticated, service_role;
grant execute on function public.confirm_registration_payment(uuid, text, uuid) to service_role;
grant execute on function public.record_registration_refund(uuid) to service_role;
grant execute on function public.process_expired_registrations() to service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

-- Events where the current user holds a confirmed registration (join details).
create function private.confirmed_event_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select event_id
  from public.event_registrations
  where user_id = (select auth.uid())
    and status = 'confirmed'
$$;

revoke all on function private.confirmed_event_ids() from public;
grant execute on function private.confirmed_event_ids() to authenticated, service_role;

revoke all on public.event_registrations from anon, authenticated;
grant all on public.event_registrations to service_role;
grant select on public.event_registrations to authenticated;

alter table public.event_registrations enable row level security;

-- The registrant, the event's staff and platform admins. No direct writes: RPCs only.
create policy "event_registrations: registrant and staff read"
  on public.event_registrations for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "event_join_details: staff and confirmed registrants read"
  on public.event_join_details for select to authenticated
  using (
    event_id in (select private.confirmed_event_ids())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );
