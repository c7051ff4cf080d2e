-- Service membership: plans, memberships and the rewards ledger (the seed's `membershipId` and
-- `rewardsBalance` on the user).
--
-- - membership_plans: the tiers (basic, plus, premium …) with price, period and benefits; platform
--   admins manage them, everyone signed in reads the active ones.
-- - memberships: one row per paid or granted term of a plan. Buying goes through the invoices
--   ledger (checkout_membership → an invoice with one `membership` item): the term waits in
--   pending_payment, and the paid invoice activates it, starting now or, when the person already
--   has a term running, where the last one ends (a renewal extends the membership). A refund of the
--   invoice ends the term at once; a term past its end lapses (status expired) on schedule, and a
--   renewal reminder goes out once, a few days before the end of a term that has no successor.
--   Platform admins grant terms (grant_membership). No two active terms of a person overlap
--   (exclusion constraint), so "the current membership" is a single row.
-- - reward_entries: the rewards ledger (points, one point = one minor unit of the invoice's
--   currency when spent) and reward_balances, the balance per person kept by the database and never
--   negative. Written only by the database (referral crediting, spending): members read their own.

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

create type public.membership_status as enum ('pending_payment', 'active', 'expired', 'refunded', 'cancelled');

create table public.membership_plans (
  id uuid primary key default gen_random_uuid(),
  code text not null,
  name text not null,
  description text,
  tier_rank integer not null default 0,
  price_amount integer not null,
  currency text not null default 'USD',
  period_months integer not null default 12,
  benefits text[] not null default '{}',
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint membership_plans_code_key unique (code),
  constraint membership_plans_code_format check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  constraint membership_plans_name_length check (char_length(name) between 1 and 120),
  constraint membership_plans_description_length check (char_length(description) <= 2000),
  constraint membership_plans_tier_rank check (tier_rank between 0 and 100),
  constraint membership_plans_price check (price_amount >= 0),
  constraint membership_plans_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint membership_plans_period check (period_months between 1 and 60),
  constraint membership_plans_benefits check (pg_catalog.cardinality(benefits) <= 50)
);

comment on table public.membership_plans is
  'Membership tiers for sale (basic, plus, premium …): price in minor units, length of a term, benefits. Platform admins manage them; signed-in users read the active ones.';
comment on column public.membership_plans.code is 'The tier''s stable name (offers list the tiers they are for by it), e.g. basic, plus, premium.';
comment on column public.membership_plans.tier_rank is 'Orders the tiers: a higher rank is a higher tier.';
comment on column public.membership_plans.period_months is 'Length of one paid term in months.';

create trigger membership_plans_updated_at
  before update on public.membership_plans
  for each row execute function extensions.moddatetime(updated_at);

create table public.memberships (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  plan_id uuid not null references public.membership_plans (id) on delete restrict,
  status public.membership_status not null default 'pending_payment',
  starts_at timestamptz,
  ends_at timestamptz,
  invoice_id uuid references public.invoices (id) on delete set null,
  granted_by uuid references public.profiles (id) on delete set null,
  grant_reason text,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint memberships_period check (
    (status in ('pending_payment', 'cancelled')) = (starts_at is null)
    and (starts_at is null) = (ends_at is null)
    and ends_at >= starts_at
  ),
  constraint memberships_ended_at check ((status in ('refunded', 'cancelled')) = (ended_at is not null)),
  constraint memberships_grant_reason check (char_length(grant_reason) between 1 and 500),
  constraint memberships_no_overlap exclude using gist (user_id with =, tstzrange(starts_at, ends_at) with &&)
    where (status = 'active')
);

comment on table public.memberships is
  'A person''s membership terms: one row per paid (checkout_membership) or granted (grant_membership) term of a plan. Written only by the database; the person and platform admins read.';
comment on column public.memberships.status is
  'pending_payment until its invoice is paid; active from then (current while starts_at <= now < ends_at); expired after its end; refunded when its invoice was refunded; cancelled when abandoned unpaid.';
comment on column public.memberships.starts_at is 'Start of the term: when it was paid or granted, or the end of the term before it (a renewal).';
comment on column public.memberships.invoice_id is 'The invoice that paid for the term; null for a granted one.';
comment on column public.memberships.granted_by is 'The platform admin who granted the term without payment.';
comment on column public.memberships.ended_at is 'When a refund or cancellation ended the term before its time.';

create index memberships_user_id_idx on public.memberships (user_id, ends_at desc);
create index memberships_plan_id_idx on public.memberships (plan_id);
create index memberships_invoice_id_idx on public.memberships (invoice_id);
create index memberships_granted_by_idx on public.memberships (granted_by);
create index memberships_active_ends_at_idx on public.memberships (ends_at) where status = 'active';
-- One unpaid term per person and plan: checkout_membership reuses it.
create unique index memberships_one_pending_per_plan on public.memberships (user_id, plan_id) where status = 'pending_payment';

create trigger memberships_updated_at
  before update on public.memberships
  for each row execute function extensions.moddatetime(updated_at);

-- The payments domain left invoice_items.membership_id without a foreign key for this one.
alter table public.invoice_items
  add constraint invoice_items_membership_id_fkey foreign key (membership_id) references public.memberships (id) on delete restrict;

comment on column public.invoice_items.membership_id is 'The membership term paid for.';

create table public.reward_entries (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.profiles (id) on delete cascade,
  points integer not null,
  reason text not null,
  invoice_id uuid references public.invoices (id) on delete set null,
  reverses_entry_id bigint references public.reward_entries (id) on delete restrict,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint reward_entries_points check (points <> 0),
  constraint reward_entries_reason check (reason in ('referral_referrer', 'referral_referee', 'referral_reversal', 'invoice_payment', 'invoice_payment_returned', 'adjustment')),
  constraint reward_entries_one_reversal unique (reverses_entry_id)
);

comment on table public.reward_entries is
  'The rewards ledger: points earned (referrals), spent on invoices and reversed. Written by the database; an entry is never changed (a correction is a new entry). The person and platform admins read.';
comment on column public.reward_entries.points is 'Positive when earned, negative when spent or reversed. One point pays one minor unit of an invoice''s currency.';
comment on column public.reward_entries.reverses_entry_id is 'The entry this one cancels (a referral reward reversed by a refund); each entry is reversed at most once.';

create index reward_entries_user_id_idx on public.reward_entries (user_id, id desc);
create index reward_entries_invoice_id_idx on public.reward_entries (invoice_id);

create table public.reward_balances (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  balance integer not null default 0,
  updated_at timestamptz not null default now(),
  constraint reward_balances_not_negative check (balance >= 0)
);

comment on table public.reward_balances is
  'Each person''s rewards balance: the sum of their reward_entries, kept by the database (never negative). The person and platform admins read.';

-- The balance follows the ledger; a spend larger than the balance fails the check constraint.
create function private.add_reward_entry_to_balance()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Update first: an insert's proposed row is checked before ON CONFLICT, so a spend (negative)
  -- would fail the check even when the balance covers it.
  update public.reward_balances set balance = balance + new.points, updated_at = now()
  where user_id = new.user_id;
  if not found then
    insert into public.reward_balances (user_id, balance) values (new.user_id, new.points)
    on conflict (user_id) do update
    set balance = public.reward_balances.balance + excluded.balance, updated_at = now();
  end if;
  return null;
exception
  when check_violation then
    raise exception using errcode = 'PT409', message = 'not enough reward points',
      hint = 'the rewards balance cannot go below zero';
end;
$$;

revoke all on function private.add_reward_entry_to_balance() from public;

comment on function private.add_reward_entry_to_balance() is 'Trigger: keeps reward_balances equal to the sum of reward_entries.';

create trigger reward_entries_balance
  after insert on public.reward_entries
  for each row execute function private.add_reward_entry_to_balance();

-- ---------------------------------------------------------------------------------------------
-- Activation, refund and scheduled work
-- ---------------------------------------------------------------------------------------------

-- Terms start where the person's last active one ends (or now). Serialized per person by a lock
-- on their profile, so two payments arriving together chain their terms instead of overlapping.
create function private.next_membership_start(p_user_id uuid)
returns timestamptz
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_last_end timestamptz;
begin
  perform 1 from public.profiles where id = p_user_id for no key update;
  select max(ends_at) into v_last_end from public.memberships where user_id = p_user_id and status = 'active';
  return greatest(now(), coalesce(v_last_end, now()));
end;
$$;

revoke all on function private.next_membership_start(uuid) from public;

comment on function private.next_membership_start(uuid) is
  'Where a new term of the person starts: the end of their last active term, or now. Locks the person''s profile row first.';

-- A paid invoice's membership item: the pending term becomes active.
create function private.activate_membership(p_membership_id uuid, p_invoice_id uuid)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_membership public.memberships;
  v_plan public.membership_plans;
  v_start timestamptz;
begin
  select * into v_membership from public.memberships where id = p_membership_id;
  v_start := private.next_membership_start(v_membership.user_id);
  select * into v_membership from public.memberships where id = p_membership_id for update;
  if v_membership.status = 'active' and v_membership.invoice_id = p_invoice_id then
    return v_membership;
  end if;
  if v_membership.status <> 'pending_payment' then
    -- Paid by another invoice meanwhile (an expired invoice paid late beside a new one).
    raise exception using errcode = 'PT409',
      message = format('this membership term is already %s', v_membership.status);
  end if;
  select * into v_plan from public.membership_plans where id = v_membership.plan_id;
  update public.memberships
  set status = 'active', starts_at = v_start,
    ends_at = v_start + pg_catalog.make_interval(months => v_plan.period_months),
    invoice_id = p_invoice_id
  where id = p_membership_id
  returning * into v_membership;
  return v_membership;
end;
$$;

revoke all on function private.activate_membership(uuid, uuid) from public;

comment on function private.activate_membership(uuid, uuid) is
  'Fulfils a paid membership item: its pending term becomes active, chained after the person''s current term. Refuses (409) a term another invoice already paid, so the payment is refunded.';

-- Fulfilment and refund of invoice items, with the membership branch (the rest as 0012 and 0017
-- left it).
create or replace function private.fulfil_invoice_item(p_item public.invoice_items, p_reference text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_product public.products;
begin
  if p_item.fulfilled_at is not null then
    return;
  end if;
  case p_item.kind
    when 'event_registration' then
      perform public.confirm_registration_payment(p_item.event_registration_id, p_reference, p_item.invoice_id);
    when 'course_enrollment' then
      perform public.confirm_course_enrollment_payment(p_item.course_enrollment_id, p_reference, p_item.invoice_id);
    when 'product' then
      -- The reservation (if the invoice still holds one) becomes the sale: release it, then take
      -- the units off; without one, the units must still be free.
      update public.invoice_items set reserved_quantity = 0 where id = p_item.id and reserved_quantity > 0;
      update public.products
      set stock = stock - p_item.quantity
      where id = p_item.product_id and stock is not null and stock - reserved >= p_item.quantity;
      if not found then
        select * into v_product from public.products where id = p_item.product_id;
        if v_product.stock is not null then
          raise exception using errcode = 'PT409',
            message = format('%s sold out before this payment arrived', v_product.name),
            hint = format('%s left, %s wanted', v_product.stock_available, p_item.quantity);
        end if;
      end if;
    when 'membership' then
      perform private.activate_membership(p_item.membership_id, p_item.invoice_id);
  end case;
  update public.invoice_items set fulfilled_at = now() where id = p_item.id;
end;
$$;

create or replace function private.refund_invoice_item(p_item_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item public.invoice_items;
  v_registration public.event_registrations;
begin
  select * into v_item from public.invoice_items where id = p_item_id for update;
  if v_item.refunded_at is not null then
    return;
  end if;
  case v_item.kind
    when 'event_registration' then
      select * into v_registration from public.event_registrations where id = v_item.event_registration_id;
      if v_registration.paid_at is not null and v_registration.invoice_id = v_item.invoice_id
        and v_registration.status <> 'refunded' then
        perform public.record_registration_refund(v_item.event_registration_id);
      end if;
    when 'course_enrollment' then
      update public.course_enrollments
      set status = 'refunded', refunded_at = now()
      where id = v_item.course_enrollment_id
        and invoice_id = v_item.invoice_id
        and paid_at is not null
        and status <> 'refunded';
    when 'product' then
      if v_item.fulfilled_at is not null then
        update public.products set stock = stock + v_item.quantity where id = v_item.product_id and stock is not null;
      end if;
    when 'membership' then
      -- The refunded term ends now (a renewal not yet begun ends before it starts).
      update public.memberships
      set status = 'refunded', ended_at = now(), ends_at = greatest(starts_at, least(ends_at, now()))
      where id = v_item.membership_id and invoice_id = v_item.invoice_id and status in ('active', 'expired');
  end case;
  update public.invoice_items set refunded_at = now() where id = p_item_id;
end;
$$;

revoke all on function private.fulfil_invoice_item(public.invoice_items, text) from public;
revoke all on function private.refund_invoice_item(uuid) from public;

-- Days before the end of a term without a successor that its renewal reminder goes out.
insert into private.app_settings (key, value) values ('membership_reminder_days', '7') on conflict (key) do nothing;

insert into public.notification_types (type, description, essential, default_email, required_data) values
  ('membership_activated', 'Your membership started or was extended', false, true, '{plan_name,ends_at}'),
  ('membership_renewal_due', 'Your membership ends soon: renew it', false, true, '{plan_name,ends_at}'),
  ('membership_lapsed', 'Your membership ended', false, true, '{plan_name,ends_at}');

create function private.membership_data(p_membership public.memberships)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'membership_id', p_membership.id, 'plan_id', p.id, 'plan_code', p.code, 'plan_name', p.name,
    'starts_at', p_membership.starts_at, 'ends_at', p_membership.ends_at)
  from public.membership_plans p
  where p.id = p_membership.plan_id
$$;

revoke all on function private.membership_data(public.memberships) from public;

comment on function private.membership_data(public.memberships) is 'The data of a membership notification.';

-- A term that becomes active tells its member (paid, granted).
create function private.notify_membership_activated()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_data jsonb := private.membership_data(new);
begin
  perform private.notify(
    'membership_activated', array[new.user_id],
    pg_catalog.left('Your ' || (v_data ->> 'plan_name') || ' membership is active', 200),
    'It runs until ' || pg_catalog.to_char(new.ends_at at time zone 'UTC', 'YYYY-MM-DD') || '.',
    v_data, 'membership', new.id, '/membership');
  return null;
end;
$$;

revoke all on function private.notify_membership_activated() from public;

comment on function private.notify_membership_activated() is 'Trigger: notifies membership_activated when a term becomes active.';

create trigger memberships_notify_activated
  after insert or update of status on public.memberships
  for each row when (new.status = 'active')
  execute function private.notify_membership_activated();

-- Scheduled: active terms past their end lapse (with a notice when no term follows), and terms
-- ending within membership_reminder_days without a successor get one renewal reminder.
create function private.process_memberships(p_at timestamptz default now())
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_days integer := coalesce((select value::integer from private.app_settings where key = 'membership_reminder_days'), 7);
  v_membership public.memberships;
  v_data jsonb;
  v_lapsed integer := 0;
  v_reminded integer := 0;
begin
  for v_membership in
    update public.memberships set status = 'expired'
    where status = 'active' and ends_at <= p_at
    returning *
  loop
    v_lapsed := v_lapsed + 1;
    continue when exists (
      select 1 from public.memberships m
      where m.user_id = v_membership.user_id and m.status = 'active' and m.ends_at > p_at);
    v_data := private.membership_data(v_membership);
    perform private.notify(
      'membership_lapsed', array[v_membership.user_id],
      pg_catalog.left('Your ' || (v_data ->> 'plan_name') || ' membership has ended', 200),
      'Renew it to keep your member offers and benefits.',
      v_data, 'membership', v_membership.id, '/membership');
  end loop;

  for v_membership in
    with due as (
      insert into private.notified_once (type, subject_id)
      select 'membership_renewal_due', m.id
      from public.memberships m
      where m.status = 'active' and m.ends_at > p_at
        and m.ends_at <= p_at + pg_catalog.make_interval(days => v_days)
        and not exists (
          select 1 from public.memberships n
          where n.user_id = m.user_id and n.status = 'active' and n.ends_at > m.ends_at)
      on conflict do nothing
      returning subject_id
    )
    select m.* from public.memberships m join due on due.subject_id = m.id
  loop
    v_reminded := v_reminded + 1;
    v_data := private.membership_data(v_membership);
    perform private.notify(
      'membership_renewal_due', array[v_membership.user_id],
      pg_catalog.left('Your ' || (v_data ->> 'plan_name') || ' membership ends soon', 200),
      'It ends on ' || pg_catalog.to_char(v_membership.ends_at at time zone 'UTC', 'YYYY-MM-DD') || ' UTC. Renew it to keep your benefits.',
      v_data, 'membership', v_membership.id, '/membership');
  end loop;
  return pg_catalog.jsonb_build_object('lapsed', v_lapsed, 'reminded', v_reminded);
end;
$$;

revoke all on function private.process_memberships(timestamptz) from public;

comment on function private.process_memberships(timestamptz) is
  'Scheduled (pg_cron job membership-jobs, hourly): lapses ended terms (notifying membership_lapsed when none follows) and sends each term without a successor one membership_renewal_due reminder membership_reminder_days before its end.';

select cron.schedule('membership-jobs', '7 * * * *', $$select private.process_memberships()$$);

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- The open invoice for a term of the plan: the caller's unpaid term of that plan with its open
-- invoice, or a new invoice at the plan's current price.
create function public.checkout_membership(p_plan_id uuid, p_reward_points integer default 0)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_plan public.membership_plans;
  v_membership public.memberships;
  v_invoice public.invoices;
begin
  select * into v_plan from public.membership_plans where id = p_plan_id and is_active;
  if not found then
    raise exception using errcode = 'PT404', message = 'membership plan not found';
  end if;
  if v_plan.price_amount = 0 then
    raise exception using errcode = 'PT409', message = 'this plan is free: there is nothing to pay';
  end if;
  if p_reward_points is null or p_reward_points < 0 or p_reward_points >= v_plan.price_amount then
    raise exception using errcode = '22023', message = 'reward points pay part of the price: from 0 to less than the price',
      hint = format('the price is %s minor units', v_plan.price_amount);
  end if;
  insert into public.memberships (user_id, plan_id) values (v_user_id, p_plan_id)
  on conflict (user_id, plan_id) where status = 'pending_payment' do nothing;
  select * into v_membership from public.memberships
  where user_id = v_user_id and plan_id = p_plan_id and status = 'pending_payment'
  for update;
  select * into v_invoice from public.invoices where id = v_membership.invoice_id and status = 'open' and expires_at > now();
  if found then
    return v_invoice;
  end if;
  insert into public.invoices (user_id, organization_id, currency, description, expires_at)
  values (v_user_id, null, v_plan.currency, pg_catalog.left('Membership: ' || v_plan.name, 250), private.invoice_expiry())
  returning * into v_invoice;
  insert into public.invoice_items (invoice_id, user_id, kind, membership_id, description, unit_amount, currency)
  values (v_invoice.id, v_user_id, 'membership', v_membership.id,
    pg_catalog.left(v_plan.name || ' membership, ' || v_plan.period_months || ' months'
      || case when p_reward_points > 0 then format(' (%s reward points applied)', p_reward_points) else '' end, 250),
    v_plan.price_amount - p_reward_points, v_plan.currency);
  -- The points are spent now (409 when the balance is short) and come back if the invoice ends
  -- unpaid or is refunded.
  if p_reward_points > 0 then
    insert into public.reward_entries (user_id, points, reason, invoice_id, detail)
    values (v_user_id, -p_reward_points, 'invoice_payment', v_invoice.id, pg_catalog.jsonb_build_object('plan_id', p_plan_id));
  end if;
  update public.memberships set invoice_id = v_invoice.id where id = v_membership.id;
  select * into v_invoice from public.invoices where id = v_invoice.id;
  return v_invoice;
end;
$$;

comment on function public.checkout_membership(uuid, integer) is
  'Buy a term of a membership plan: the open invoice for it (reused while open, with the points it was made with), priced from the plan less p_reward_points (spent at once, less than the price). Paying it activates the term, after the current one if there is one.';

-- Points spent on an invoice come back when it ends unpaid (expired, void) or is refunded whole.
create function private.return_invoice_reward_points()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.reward_entries (user_id, points, reason, invoice_id, reverses_entry_id, detail)
  select e.user_id, -e.points, 'invoice_payment_returned', e.invoice_id, e.id, pg_catalog.jsonb_build_object('invoice_status', new.status)
  from public.reward_entries e
  where e.invoice_id = new.id and e.reason = 'invoice_payment'
    and not exists (select 1 from public.reward_entries r where r.reverses_entry_id = e.id);
  return null;
end;
$$;

revoke all on function private.return_invoice_reward_points() from public;

comment on function private.return_invoice_reward_points() is
  'Trigger on invoices: reward points spent on an invoice return when it expires, is voided or is refunded whole.';

create trigger invoices_return_reward_points
  after update of status on public.invoices
  for each row when (new.status in ('expired', 'void', 'refunded') and old.status is distinct from new.status)
  execute function private.return_invoice_reward_points();

-- A platform admin gives a person a term without payment.
create function public.grant_membership(p_user_id uuid, p_plan_id uuid, p_reason text, p_months integer default null)
returns public.memberships
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_admin_id uuid := private.require_active_user();
  v_plan public.membership_plans;
  v_start timestamptz;
  v_membership public.memberships;
begin
  if not private.is_platform_admin() then
    raise exception using errcode = '42501', message = 'only platform admins grant memberships';
  end if;
  if coalesce(pg_catalog.btrim(p_reason), '') = '' or char_length(p_reason) > 500 then
    raise exception using errcode = '22023', message = 'give the reason for the grant (up to 500 characters)';
  end if;
  if p_months is not null and (p_months < 1 or p_months > 60) then
    raise exception using errcode = '22023', message = 'a granted term is 1 to 60 months';
  end if;
  if not exists (select 1 from public.profiles where id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'person not found';
  end if;
  select * into v_plan from public.membership_plans where id = p_plan_id;
  if not found then
    raise exception using errcode = 'PT404', message = 'membership plan not found';
  end if;
  v_start := private.next_membership_start(p_user_id);
  insert into public.memberships (user_id, plan_id, status, starts_at, ends_at, granted_by, grant_reason)
  values (p_user_id, p_plan_id, 'active', v_start,
    v_start + pg_catalog.make_interval(months => coalesce(p_months, v_plan.period_months)), v_admin_id, pg_catalog.btrim(p_reason))
  returning * into v_membership;
  return v_membership;
end;
$$;

comment on function public.grant_membership(uuid, uuid, text, integer) is
  'Platform admins: give a person a term of a plan without payment (the plan''s period, or p_months), after their current term if any.';

-- The caller's membership as the seed puts it on the user: membershipId, tier and rewardsBalance.
create function public.my_membership()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_result jsonb;
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  select pg_catalog.jsonb_build_object(
      'membership_id', m.id, 'tier', p.code, 'tier_rank', p.tier_rank, 'plan_id', p.id, 'plan_name', p.name,
      'benefits', p.benefits, 'status', m.status, 'starts_at', m.starts_at, 'ends_at', m.ends_at,
      'paid_through', (select max(n.ends_at) from public.memberships n where n.user_id = v_user_id and n.status = 'active'))
    into v_result
  from public.memberships m
  join public.membership_plans p on p.id = m.plan_id
  where m.user_id = v_user_id and m.status = 'active' and m.starts_at <= now() and m.ends_at > now();
  return coalesce(v_result, pg_catalog.jsonb_build_object('membership_id', null, 'tier', null, 'status', null))
    || pg_catalog.jsonb_build_object('rewards_balance',
      coalesce((select balance from public.reward_balances where user_id = v_user_id), 0));
end;
$$;

comment on function public.my_membership() is
  'The caller''s current membership (membership_id, tier, plan, status, starts_at, ends_at, paid_through including renewals) and rewards_balance; membership_id and tier are null without a current term.';

revoke all on function public.checkout_membership(uuid, integer) from public, anon;
revoke all on function public.grant_membership(uuid, uuid, text, integer) from public, anon;
revoke all on function public.my_membership() from public, anon;
grant execute on function public.checkout_membership(uuid, integer) to authenticated, service_role;
grant execute on function public.grant_membership(uuid, uuid, text, integer) to authenticated, service_role;
grant execute on function public.my_membership() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.membership_plans, public.memberships, public.reward_entries, public.reward_balances from anon, authenticated;
grant all on public.membership_plans, public.memberships, public.reward_entries, public.reward_balances to service_role;
grant select, insert, update, delete on public.membership_plans to authenticated;
grant select on public.memberships, public.reward_entries, public.reward_balances to authenticated;

alter table public.membership_plans enable row level security;
alter table public.memberships enable row level security;
alter table public.reward_entries enable row level security;
alter table public.reward_balances enable row level security;

create policy "membership_plans: signed-in users read active ones, admins all"
  on public.membership_plans for select to authenticated
  using (is_active or (select private.is_platform_admin()));

create policy "membership_plans: platform admins add"
  on public.membership_plans for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "membership_plans: platform admins update"
  on public.membership_plans for update to authenticated
  using ((select private.is_platform_admin()))
  with check ((select private.is_platform_admin()));

create policy "membership_plans: platform admins remove"
  on public.membership_plans for delete to authenticated
  using ((select private.is_platform_admin()));

create policy "memberships: the member and platform admins read"
  on public.memberships for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "reward_entries: the member and platform admins read"
  on public.reward_entries for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "reward_balances: the member and platform admins read"
  on public.reward_balances for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));
