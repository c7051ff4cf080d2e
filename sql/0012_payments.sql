-- Payments: one ledger for Stripe and Faspay, for event registrations, course enrollments,
-- products and (later) memberships.
--
-- - invoices: human number "I" + base36 (the club seed), owner, seller organization (null: the
--   platform), status, totals in minor units with currency, provider, channel and references,
--   virtual-account number, paid time; invoice_events is its log.
-- - invoice_items: what was bought. Polymorphic through one nullable foreign key per kind and a
--   check that exactly the one named by `kind` is set. `membership_id` has no foreign key yet: the
--   service-membership migration adds `references public.memberships (id)` to it and teaches
--   private.fulfil_invoice_item / private.refund_invoice_item what a paid or refunded membership
--   means.
-- - payments (money received), refunds (requested → pending at the provider → succeeded/failed),
--   provider_events (every webhook delivery, unique by provider and event id: applied once).
--
-- Writes happen only through RPCs: checkout_* and request_refund / cancel_paid_registration for
-- people; the service-role hooks that the payments, stripe-webhook, faspay-webhook and receipts
-- edge functions call. Amounts are always computed here, from current prices.
--
-- Lock order everywhere: the events of an invoice's registrations, then the invoice, then
-- registrations (as the registrations migration: event row first).

create type public.invoice_status as enum ('open', 'paid', 'void', 'expired', 'refunded', 'partially_refunded');
create type public.payment_provider as enum ('stripe', 'faspay', 'manual');
create type public.invoice_item_kind as enum ('event_registration', 'course_enrollment', 'product', 'membership');
create type public.refund_status as enum ('requested', 'pending', 'succeeded', 'failed');
create type public.provider_event_status as enum ('processed', 'ignored', 'unmatched');

-- The refund policy of an event: members may cancel a paid registration for a refund until this
-- many hours before the start; null means only the organizer refunds.
alter table public.events
  add column refund_cutoff_hours integer,
  add constraint events_refund_cutoff_hours check (refund_cutoff_hours between 0 and 8760);

comment on column public.events.refund_cutoff_hours is
  'Members may cancel a paid registration for a full refund until this many hours before the start; null: no self-service refunds.';

-- ---------------------------------------------------------------------------------------------
-- Invoice numbers: "I" + base36 of a sequence (I100000, I100001, …: 36^5 is the first 6-digit one)
-- ---------------------------------------------------------------------------------------------

create sequence private.invoice_number_seq start with 60466176;

create function private.to_base36(p_value bigint)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  v_result text := '';
  v_value bigint := p_value;
begin
  if v_value < 0 then
    raise exception using errcode = '22023', message = 'base36 of a negative number';
  end if;
  loop
    v_result := pg_catalog.substr(v_digits, (v_value % 36)::integer + 1, 1) || v_result;
    v_value := v_value / 36;
    exit when v_value = 0;
  end loop;
  return v_result;
end;
$$;

create function private.next_invoice_number()
returns text
language sql
volatile
security definer
set search_path = ''
as $$
  select 'I' || private.to_base36(pg_catalog.nextval('private.invoice_number_seq'))
$$;

revoke all on function private.to_base36(bigint) from public;
revoke all on function private.next_invoice_number() from public;
grant execute on function private.next_invoice_number() to service_role;

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

create table public.invoices (
  id uuid primary key default gen_random_uuid(),
  number text not null default private.next_invoice_number(),
  user_id uuid not null references public.profiles (id) on delete restrict,
  organization_id uuid references public.organizations (id) on delete restrict,
  status public.invoice_status not null default 'open',
  status_desc text,
  description text,
  currency text not null,
  total_amount integer not null default 0,
  amount_paid integer not null default 0,
  amount_refunded integer not null default 0,
  provider public.payment_provider,
  channel text,
  channel_desc text,
  provider_reference text,
  provider_payment_id text,
  checkout_url text,
  va_number text,
  expires_at timestamptz not null,
  paid_at timestamptz,
  voided_at timestamptz,
  expired_at timestamptz,
  refunded_at timestamptz,
  receipt_path text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint invoices_number_key unique (number),
  constraint invoices_number_format check (number ~ '^I[0-9A-Z]{1,49}$'),
  constraint invoices_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint invoices_amounts check (
    total_amount >= 0 and amount_paid >= 0 and amount_refunded >= 0 and amount_refunded <= amount_paid
  ),
  constraint invoices_paid_at check (
    (status in ('paid', 'refunded', 'partially_refunded')) = (paid_at is not null and provider is not null)
  ),
  constraint invoices_refunded check (
    (status = 'refunded') = (amount_refunded > 0 and amount_refunded = amount_paid)
    and (status = 'partially_refunded') = (amount_refunded > 0 and amount_refunded < amount_paid)
  ),
  constraint invoices_voided_at check ((status = 'void') = (voided_at is not null)),
  constraint invoices_expired_at check ((status = 'expired') = (expired_at is not null)),
  constraint invoices_provider_reference_key unique (provider, provider_reference),
  constraint invoices_provider_payment_id_key unique (provider, provider_payment_id),
  constraint invoices_channel_length check (char_length(channel) <= 40 and char_length(channel_desc) <= 125),
  constraint invoices_va_number check (va_number ~ '^[0-9]{4,32}$'),
  constraint invoices_receipt_path check (receipt_path like user_id::text || '/%')
);

comment on table public.invoices is
  'What a person owes and paid, in minor units of currency. Written only by the checkout RPCs and the payment hooks. Visible to the owner, the seller organization''s admins and platform admins.';
comment on column public.invoices.number is 'Human number: "I" + base36 (the club seed''s format); Faspay''s bill_no.';
comment on column public.invoices.organization_id is 'The seller: the organization of the event or course; null for the platform (products, memberships).';
comment on column public.invoices.provider_reference is 'Stripe Checkout Session id or Faspay trx_id.';
comment on column public.invoices.provider_payment_id is 'Stripe PaymentIntent id or Faspay trx_id of the payment.';
comment on column public.invoices.va_number is 'Faspay virtual-account number to transfer to, when the channel is a virtual account.';
comment on column public.invoices.expires_at is 'Unpaid by then, the invoice expires (with the seat it holds).';

create index invoices_user_id_idx on public.invoices (user_id, created_at desc);
create index invoices_organization_id_idx on public.invoices (organization_id, created_at desc);
create index invoices_open_due_idx on public.invoices (expires_at) where status = 'open';

create trigger invoices_updated_at
  before update on public.invoices
  for each row execute function extensions.moddatetime(updated_at);

-- The invoice's log: created, checkout started, paid, refunds, expiry, anomalies.
create table public.invoice_events (
  id bigint generated always as identity primary key,
  invoice_id uuid not null references public.invoices (id) on delete cascade,
  user_id uuid not null,
  organization_id uuid,
  kind text not null,
  detail jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint invoice_events_kind check (kind ~ '^[a-z_]{1,40}$')
);

comment on table public.invoice_events is 'The log of an invoice, written by the database.';

create index invoice_events_invoice_id_idx on public.invoice_events (invoice_id, id);
create index invoice_events_user_id_idx on public.invoice_events (user_id);
create index invoice_events_organization_id_idx on public.invoice_events (organization_id);

create table public.invoice_items (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references public.invoices (id) on delete cascade,
  user_id uuid not null,
  organization_id uuid,
  kind public.invoice_item_kind not null,
  event_registration_id uuid references public.event_registrations (id) on delete restrict,
  course_enrollment_id uuid references public.course_enrollments (id) on delete restrict,
  product_id uuid references public.products (id) on delete restrict,
  membership_id uuid,
  description text not null,
  quantity integer not null default 1,
  unit_amount integer not null,
  amount integer generated always as (quantity * unit_amount) stored,
  currency text not null,
  fulfilled_at timestamptz,
  refunded_at timestamptz,
  created_at timestamptz not null default now(),
  constraint invoice_items_one_target check (
    pg_catalog.num_nonnulls(event_registration_id, course_enrollment_id, product_id, membership_id) = 1
    and (kind = 'event_registration') = (event_registration_id is not null)
    and (kind = 'course_enrollment') = (course_enrollment_id is not null)
    and (kind = 'product') = (product_id is not null)
    and (kind = 'membership') = (membership_id is not null)
  ),
  constraint invoice_items_quantity check (quantity between 1 and 1000 and (kind = 'product' or quantity = 1)),
  constraint invoice_items_unit_amount check (unit_amount >= 0),
  constraint invoice_items_description_length check (char_length(description) between 1 and 250),
  constraint invoice_items_currency_format check (currency ~ '^[A-Z]{3}$')
);

comment on table public.invoice_items is
  'A line of an invoice and what it pays for: exactly one of event_registration_id, course_enrollment_id, product_id, membership_id, as kind says.';
comment on column public.invoice_items.membership_id is
  'The membership paid for; the service-membership migration adds its foreign key.';

create index invoice_items_invoice_id_idx on public.invoice_items (invoice_id);
create index invoice_items_user_id_idx on public.invoice_items (user_id);
create index invoice_items_organization_id_idx on public.invoice_items (organization_id);
create index invoice_items_event_registration_id_idx on public.invoice_items (event_registration_id);
create index invoice_items_course_enrollment_id_idx on public.invoice_items (course_enrollment_id);
create index invoice_items_product_id_idx on public.invoice_items (product_id);
create index invoice_items_membership_id_idx on public.invoice_items (membership_id);
create unique index invoice_items_one_line_per_product on public.invoice_items (invoice_id, product_id) where product_id is not null;

-- Every delivery of a provider's webhook, once per (provider, event id).
create table public.provider_events (
  id uuid primary key default gen_random_uuid(),
  provider public.payment_provider not null,
  event_id text not null,
  event_type text not null,
  status public.provider_event_status not null,
  invoice_id uuid references public.invoices (id) on delete set null,
  provider_payment_id text,
  action jsonb not null default '{}'::jsonb,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  constraint provider_events_event_key unique (provider, event_id),
  constraint provider_events_event_id_length check (char_length(event_id) between 1 and 255),
  constraint provider_events_event_type_length check (char_length(event_type) between 1 and 255)
);

comment on table public.provider_events is
  'Webhook deliveries (Stripe events, Faspay notifications) recorded once by the provider''s event id; unmatched ones wait for their invoice. Platform admins only.';

create index provider_events_invoice_id_idx on public.provider_events (invoice_id);
create index provider_events_unmatched_idx on public.provider_events (provider, provider_payment_id) where status = 'unmatched';

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  user_id uuid not null,
  organization_id uuid,
  provider public.payment_provider not null,
  provider_payment_id text not null,
  amount integer not null,
  currency text not null,
  channel text,
  provider_event_id uuid references public.provider_events (id) on delete set null,
  recorded_by uuid references public.profiles (id) on delete set null,
  paid_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  constraint payments_provider_payment_id_key unique (provider, provider_payment_id),
  constraint payments_amount check (amount >= 0),
  constraint payments_currency_format check (currency ~ '^[A-Z]{3}$')
);

comment on table public.payments is 'Money received for an invoice (the seeds'' transactions), one row per provider payment.';

create index payments_invoice_id_idx on public.payments (invoice_id);
create index payments_user_id_idx on public.payments (user_id);
create index payments_organization_id_idx on public.payments (organization_id);
create index payments_provider_event_id_idx on public.payments (provider_event_id);
create index payments_recorded_by_idx on public.payments (recorded_by);

create table public.refunds (
  id uuid primary key default gen_random_uuid(),
  invoice_id uuid not null references public.invoices (id) on delete restrict,
  invoice_item_id uuid references public.invoice_items (id) on delete restrict,
  user_id uuid not null,
  organization_id uuid,
  provider public.payment_provider not null,
  provider_refund_id text,
  amount integer not null,
  currency text not null,
  status public.refund_status not null default 'requested',
  reason text,
  failure_reason text,
  requested_by uuid references public.profiles (id) on delete set null,
  requested_at timestamptz not null default now(),
  succeeded_at timestamptz,
  failed_at timestamptz,
  applied_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint refunds_provider_refund_id_key unique (provider, provider_refund_id),
  constraint refunds_amount check (amount > 0),
  constraint refunds_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint refunds_reason_length check (char_length(reason) <= 500),
  constraint refunds_succeeded_at check ((status = 'succeeded') = (succeeded_at is not null)),
  constraint refunds_failed_at check ((status = 'failed') = (failed_at is not null)),
  constraint refunds_pending check (status not in ('pending', 'succeeded') or provider_refund_id is not null)
);

comment on table public.refunds is
  'Refunds of an invoice (whole, or of one item): requested by an admin or by the member under the event''s refund policy, sent to the provider, succeeded when the provider confirms.';
comment on column public.refunds.applied_at is 'When the refunded registration/enrollment/product was cancelled or restocked.';

create index refunds_invoice_id_idx on public.refunds (invoice_id, status);
create index refunds_invoice_item_id_idx on public.refunds (invoice_item_id);
create index refunds_user_id_idx on public.refunds (user_id);
create index refunds_organization_id_idx on public.refunds (organization_id);
create index refunds_requested_by_idx on public.refunds (requested_by);

create trigger refunds_updated_at
  before update on public.refunds
  for each row execute function extensions.moddatetime(updated_at);

-- The registrations and enrollments domain left invoice_id without a foreign key for this one.
alter table public.event_registrations
  add constraint event_registrations_invoice_id_fkey foreign key (invoice_id) references public.invoices (id) on delete set null;
create index event_registrations_invoice_id_idx on public.event_registrations (invoice_id);

alter table public.course_enrollments
  add constraint course_enrollments_invoice_id_fkey foreign key (invoice_id) references public.invoices (id) on delete set null;
create index course_enrollments_invoice_id_idx on public.course_enrollments (invoice_id);

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

-- Children of an invoice copy its owner, seller and currency, so policies need no join.
create function private.inherit_invoice_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices;
begin
  select * into v_invoice from public.invoices where id = new.invoice_id;
  new.user_id := v_invoice.user_id;
  new.organization_id := v_invoice.organization_id;
  if tg_table_name <> 'invoice_events' then
    if (pg_catalog.to_jsonb(new) ->> 'currency') <> v_invoice.currency then
      raise exception using errcode = '22023',
        message = format('currency %s differs from the invoice''s %s', pg_catalog.to_jsonb(new) ->> 'currency', v_invoice.currency);
    end if;
  end if;
  return new;
end;
$$;

revoke all on function private.inherit_invoice_owner() from public;

create trigger invoice_events_owner before insert on public.invoice_events
  for each row execute function private.inherit_invoice_owner();
create trigger invoice_items_owner before insert on public.invoice_items
  for each row execute function private.inherit_invoice_owner();
create trigger payments_owner before insert on public.payments
  for each row execute function private.inherit_invoice_owner();
create trigger refunds_owner before insert on public.refunds
  for each row execute function private.inherit_invoice_owner();

-- The invoice total is the sum of its items, kept by the database.
create function private.sum_invoice_items()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update public.invoices set total_amount = total_amount - old.amount where id = old.invoice_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update public.invoices set total_amount = total_amount + new.amount where id = new.invoice_id;
  end if;
  return null;
end;
$$;

revoke all on function private.sum_invoice_items() from public;

create trigger invoice_items_sum
  after insert or update of quantity, unit_amount or delete on public.invoice_items
  for each row execute function private.sum_invoice_items();

create function private.log_invoice(p_invoice_id uuid, p_kind text, p_detail jsonb default '{}'::jsonb)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.invoice_events (invoice_id, user_id, kind, detail)
  values (p_invoice_id, '00000000-0000-0000-0000-000000000000', p_kind, coalesce(p_detail, '{}'::jsonb))
$$;

revoke all on function private.log_invoice(uuid, text, jsonb) from public;

-- Status changes of an invoice go to its log.
create function private.log_invoice_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.log_invoice(new.id, 'created', pg_catalog.jsonb_build_object('number', new.number, 'expires_at', new.expires_at));
  elsif new.status is distinct from old.status then
    perform private.log_invoice(new.id, 'status_changed', pg_catalog.jsonb_build_object(
      'from', old.status, 'to', new.status, 'amount_paid', new.amount_paid, 'amount_refunded', new.amount_refunded));
  end if;
  return null;
end;
$$;

revoke all on function private.log_invoice_status() from public;

create trigger invoices_log
  after insert or update of status on public.invoices
  for each row execute function private.log_invoice_status();

-- A seat hold that ends unpaid (expired, or cancelled by its registrant or the organizer) ends its
-- open invoice too.
create function private.end_registration_invoice()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'expired' then
    update public.invoices
    set status = 'expired', expired_at = now(), status_desc = 'the seat hold expired unpaid'
    where id = new.invoice_id and status = 'open';
  else
    update public.invoices
    set status = 'void', voided_at = now(), status_desc = 'the registration was cancelled'
    where id = new.invoice_id and status = 'open';
  end if;
  return null;
end;
$$;

revoke all on function private.end_registration_invoice() from public;

create trigger event_registrations_end_invoice
  after update of status on public.event_registrations
  for each row
  when (old.status = 'pending_payment' and new.status in ('expired', 'cancelled') and new.invoice_id is not null)
  execute function private.end_registration_invoice();

-- ---------------------------------------------------------------------------------------------
-- Internal steps
-- ---------------------------------------------------------------------------------------------

-- Minutes an invoice for something without a seat hold (enrollments, products) stays payable.
insert into private.app_settings (key, value) values ('invoice_expiry_minutes', '60') on conflict (key) do nothing;

create function private.invoice_expiry()
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select now() + pg_catalog.make_interval(mins => coalesce((select value::integer from private.app_settings where key = 'invoice_expiry_minutes'), 60))
$$;

revoke all on function private.invoice_expiry() from public;

-- Locks the events of an invoice's registrations (in id order), then the invoice.
create function private.lock_invoice(p_invoice_id uuid)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices;
begin
  perform 1
  from public.events
  where id in (
    select r.event_id
    from public.invoice_items i
    join public.event_registrations r on r.id = i.event_registration_id
    where i.invoice_id = p_invoice_id
  )
  order by id
  for update;
  select * into v_invoice from public.invoices where id = p_invoice_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'invoice not found';
  end if;
  return v_invoice;
end;
$$;

revoke all on function private.lock_invoice(uuid) from public;

-- Delivers what an item paid for. Raises when it cannot (the seat went meanwhile).
create function private.fulfil_invoice_item(p_item public.invoice_items, p_reference text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
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
      update public.products
      set stock = greatest(stock - p_item.quantity, 0)
      where id = p_item.product_id and stock is not null;
    else
      -- membership: the service-membership migration replaces this function to activate it.
      null;
  end case;
  update public.invoice_items set fulfilled_at = now() where id = p_item.id;
end;
$$;

revoke all on function private.fulfil_invoice_item(public.invoice_items, text) from public;

-- Undoes what a refunded item paid for: the registration ends refunded (its seat goes to the
-- waiting list), the enrollment ends refunded, products return to stock. Idempotent.
create function private.refund_invoice_item(p_item_id uuid)
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
    else
      null;
  end case;
  update public.invoice_items set refunded_at = now() where id = p_item_id;
end;
$$;

revoke all on function private.refund_invoice_item(uuid) from public;

-- Brings a paid invoice's refund state in line with its succeeded refunds, whatever order the
-- provider's events arrived in: amount_refunded and status, then the refunded items (an item
-- refund cancels its item; a full refund cancels everything). Does nothing before payment.
create function private.sync_invoice_refunds(p_invoice_id uuid)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices;
  v_refunded integer;
  v_refund public.refunds;
  v_item_id uuid;
begin
  select * into v_invoice from public.invoices where id = p_invoice_id;
  if v_invoice.status not in ('paid', 'partially_refunded', 'refunded') then
    return v_invoice;
  end if;
  select least(coalesce(sum(amount), 0), v_invoice.amount_paid)::integer into v_refunded
  from public.refunds
  where invoice_id = p_invoice_id and status = 'succeeded';

  update public.invoices
  set amount_refunded = v_refunded,
    status = case
      when v_refunded = 0 then 'paid'
      when v_refunded >= amount_paid then 'refunded'
      else 'partially_refunded'
    end::public.invoice_status,
    refunded_at = case when v_refunded > 0 then coalesce(refunded_at, now()) end
  where id = p_invoice_id
  returning * into v_invoice;

  for v_refund in
    select * from public.refunds
    where invoice_id = p_invoice_id and status = 'succeeded' and applied_at is null and invoice_item_id is not null
    order by succeeded_at, id
  loop
    perform private.refund_invoice_item(v_refund.invoice_item_id);
    update public.refunds set applied_at = now() where id = v_refund.id;
  end loop;

  if v_invoice.status = 'refunded' then
    for v_item_id in select id from public.invoice_items where invoice_id = p_invoice_id and refunded_at is null order by id loop
      perform private.refund_invoice_item(v_item_id);
    end loop;
    update public.refunds set applied_at = now() where invoice_id = p_invoice_id and status = 'succeeded' and applied_at is null;
  end if;
  return v_invoice;
end;
$$;

revoke all on function private.sync_invoice_refunds(uuid) from public;

-- Marks an invoice paid (or records a payment on one already paid) and delivers its items.
-- Returns {needs_refund, refund_id} when the money cannot be kept: a second payment, or a seat
-- that is gone because the payment came after the hold expired; the caller sends that refund.
create function private.apply_payment(p_invoice public.invoices, p_provider public.payment_provider, p_action jsonb, p_event_id uuid, p_recorded_by uuid default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_payment_id text := coalesce(nullif(p_action ->> 'provider_payment_id', ''), p_invoice.provider_payment_id, p_invoice.number);
  v_amount integer := coalesce((p_action ->> 'amount')::integer, p_invoice.total_amount);
  v_currency text := pg_catalog.upper(coalesce(p_action ->> 'currency', p_invoice.currency));
  v_paid_at timestamptz := coalesce((p_action ->> 'paid_at')::timestamptz, now());
  v_inserted integer;
  v_item public.invoice_items;
  v_failed text;
  v_refund public.refunds;
  v_was public.invoice_status := p_invoice.status;
begin
  if v_currency <> p_invoice.currency then
    perform private.log_invoice(p_invoice.id, 'payment_mismatch', pg_catalog.jsonb_build_object('currency', v_currency, 'amount', v_amount));
    return pg_catalog.jsonb_build_object('mismatch', true);
  end if;

  insert into public.payments (invoice_id, user_id, provider, provider_payment_id, amount, currency, channel, provider_event_id, recorded_by, paid_at)
  values (p_invoice.id, p_invoice.user_id, p_provider, v_payment_id, v_amount, v_currency, p_action ->> 'channel', p_event_id, p_recorded_by, v_paid_at)
  on conflict (provider, provider_payment_id) do nothing;
  get diagnostics v_inserted = row_count;

  if v_was in ('paid', 'partially_refunded', 'refunded') then
    if v_inserted = 0 or p_invoice.provider_payment_id = v_payment_id then
      return pg_catalog.jsonb_build_object('already_paid', true);
    end if;
    -- Paid twice (two checkouts of one invoice): the second payment goes back.
    perform private.log_invoice(p_invoice.id, 'duplicate_payment', pg_catalog.jsonb_build_object('provider_payment_id', v_payment_id, 'amount', v_amount));
    return pg_catalog.jsonb_build_object('needs_refund', true, 'provider_payment_id', v_payment_id, 'amount', v_amount);
  end if;

  if v_amount < p_invoice.total_amount then
    perform private.log_invoice(p_invoice.id, 'payment_mismatch', pg_catalog.jsonb_build_object('amount', v_amount, 'expected', p_invoice.total_amount));
    return pg_catalog.jsonb_build_object('mismatch', true);
  end if;

  update public.invoices
  set status = 'paid',
    paid_at = v_paid_at,
    amount_paid = v_amount,
    provider = p_provider,
    provider_payment_id = v_payment_id,
    provider_reference = coalesce(nullif(p_action ->> 'provider_reference', ''), provider_reference),
    channel = coalesce(nullif(p_action ->> 'channel', ''), channel),
    channel_desc = coalesce(nullif(p_action ->> 'channel_desc', ''), channel_desc),
    va_number = coalesce(nullif(p_action ->> 'va_number', ''), va_number),
    status_desc = coalesce(nullif(p_action ->> 'status_desc', ''), 'paid'),
    voided_at = null,
    expired_at = null
  where id = p_invoice.id
  returning * into p_invoice;
  if v_was <> 'open' then
    perform private.log_invoice(p_invoice.id, 'late_payment', pg_catalog.jsonb_build_object('was', v_was));
  end if;

  for v_item in select * from public.invoice_items where invoice_id = p_invoice.id order by created_at, id loop
    begin
      perform private.fulfil_invoice_item(v_item, v_payment_id);
    exception
      when sqlstate 'P0001' or sqlstate 'P0002' then
        v_failed := sqlerrm;
        perform private.log_invoice(p_invoice.id, 'fulfilment_failed', pg_catalog.jsonb_build_object('item_id', v_item.id, 'message', sqlerrm));
    end;
  end loop;

  if v_failed is not null and not exists (select 1 from public.refunds where invoice_id = p_invoice.id and status <> 'failed') then
    insert into public.refunds (invoice_id, user_id, provider, amount, currency, reason)
    values (p_invoice.id, p_invoice.user_id, p_provider, p_invoice.amount_paid, p_invoice.currency,
      pg_catalog.left('could not deliver: ' || v_failed, 500))
    returning * into v_refund;
    return pg_catalog.jsonb_build_object('needs_refund', true, 'refund_id', v_refund.id, 'message', v_failed);
  end if;
  return '{}'::jsonb;
end;
$$;

revoke all on function private.apply_payment(public.invoices, public.payment_provider, jsonb, uuid, uuid) from public;

-- Records refunds the provider confirmed: {refunds: [{provider_refund_id, amount, refund_id?, status?}]}.
-- refund_id is ours (sent as metadata); a refund made in the provider's dashboard is added.
create function private.apply_refunds(p_invoice public.invoices, p_provider public.payment_provider, p_action jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_entry jsonb;
  v_status public.refund_status;
  v_ours uuid;
  v_done integer;
begin
  for v_entry in select * from pg_catalog.jsonb_array_elements(coalesce(p_action -> 'refunds', '[]'::jsonb)) loop
    v_status := case coalesce(v_entry ->> 'status', 'succeeded')
      when 'succeeded' then 'succeeded'
      when 'failed' then 'failed'
      when 'canceled' then 'failed'
      else 'pending'
    end;
    v_ours := private.try_uuid(v_entry ->> 'refund_id');
    update public.refunds
    set provider_refund_id = v_entry ->> 'provider_refund_id',
      status = case when status = 'succeeded' then status else v_status end,
      succeeded_at = case when status = 'succeeded' then succeeded_at when v_status = 'succeeded' then now() end,
      failed_at = case when status <> 'succeeded' and v_status = 'failed' then now() end,
      failure_reason = case when status <> 'succeeded' and v_status = 'failed' then 'the provider failed the refund' end
    where invoice_id = p_invoice.id
      and (provider_refund_id = v_entry ->> 'provider_refund_id'
        or (v_ours is not null and id = v_ours and provider_refund_id is null));
    get diagnostics v_done = row_count;
    if v_done = 0 then
      insert into public.refunds (invoice_id, user_id, provider, provider_refund_id, amount, currency, status, reason, succeeded_at, failed_at)
      values (
        p_invoice.id, p_invoice.user_id, p_provider, v_entry ->> 'provider_refund_id', (v_entry ->> 'amount')::integer,
        p_invoice.currency, v_status, 'refunded at the provider',
        case when v_status = 'succeeded' then now() end,
        case when v_status = 'failed' then now() end
      );
    end if;
  end loop;
  perform private.log_invoice(p_invoice.id, 'refund_event', pg_catalog.jsonb_build_object('refunds', coalesce(p_action -> 'refunds', '[]'::jsonb)));
end;
$$;

revoke all on function private.apply_refunds(public.invoices, public.payment_provider, jsonb) from public;

-- Applies a recorded provider event to its invoice. Unmatched when no invoice is found yet
-- (a refund delivered before the payment it refunds): apply_payment comes back to it.
create function private.process_provider_event(p_event_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event public.provider_events;
  v_kind text;
  v_invoice_id uuid;
  v_invoice public.invoices;
  v_result jsonb := '{}'::jsonb;
  v_waiting uuid;
begin
  select * into v_event from public.provider_events where id = p_event_id for update;
  v_kind := coalesce(v_event.action ->> 'kind', 'ignore');
  if v_kind not in ('payment', 'refund', 'expired', 'cancelled', 'failed', 'pending') then
    update public.provider_events set status = 'ignored', processed_at = now() where id = p_event_id;
    return pg_catalog.jsonb_build_object('status', 'ignored');
  end if;

  select id into v_invoice_id from public.invoices where id = private.try_uuid(v_event.action ->> 'invoice_id');
  if v_invoice_id is null and v_event.action ? 'invoice_number' then
    select id into v_invoice_id from public.invoices where number = v_event.action ->> 'invoice_number';
  end if;
  if v_invoice_id is null and v_event.provider_payment_id is not null then
    select id into v_invoice_id from public.invoices where provider = v_event.provider and provider_payment_id = v_event.provider_payment_id;
  end if;
  if v_invoice_id is null and v_event.action ? 'provider_reference' then
    select id into v_invoice_id from public.invoices where provider = v_event.provider and provider_reference = v_event.action ->> 'provider_reference';
  end if;
  if v_invoice_id is null then
    update public.provider_events set status = 'unmatched' where id = p_event_id;
    return pg_catalog.jsonb_build_object('status', 'unmatched');
  end if;

  v_invoice := private.lock_invoice(v_invoice_id);
  case v_kind
    when 'payment' then
      v_result := private.apply_payment(v_invoice, v_event.provider, v_event.action, v_event.id);
    when 'refund' then
      perform private.apply_refunds(v_invoice, v_event.provider, v_event.action);
    -- Only the checkout the invoice is on now: an abandoned earlier one expiring changes nothing.
    when 'expired' then
      update public.invoices set status = 'expired', expired_at = now(), status_desc = coalesce(v_event.action ->> 'status_desc', 'expired at the provider')
      where id = v_invoice_id and status = 'open'
        and provider_reference is not distinct from coalesce(v_event.action ->> 'provider_reference', provider_reference);
    when 'cancelled' then
      update public.invoices set status = 'void', voided_at = now(), status_desc = coalesce(v_event.action ->> 'status_desc', 'cancelled at the provider')
      where id = v_invoice_id and status = 'open'
        and provider_reference is not distinct from coalesce(v_event.action ->> 'provider_reference', provider_reference);
    else
      perform private.log_invoice(v_invoice_id, 'payment_' || v_kind, pg_catalog.jsonb_build_object(
        'event_type', v_event.event_type, 'status_desc', v_event.action ->> 'status_desc'));
  end case;

  update public.provider_events
  set status = 'processed', invoice_id = v_invoice_id, processed_at = now()
  where id = p_event_id;

  -- Events that waited for this payment (a refund delivered first) apply now.
  if v_kind = 'payment' then
    select * into v_invoice from public.invoices where id = v_invoice_id;
    for v_waiting in
      select id from public.provider_events
      where status = 'unmatched' and provider = v_event.provider and provider_payment_id = v_invoice.provider_payment_id
      order by received_at, id
    loop
      perform private.process_provider_event(v_waiting);
    end loop;
  end if;

  v_invoice := private.sync_invoice_refunds(v_invoice_id);
  return v_result || pg_catalog.jsonb_build_object('status', 'processed', 'invoice_id', v_invoice_id, 'invoice_status', v_invoice.status);
end;
$$;

revoke all on function private.process_provider_event(uuid) from public;

-- ---------------------------------------------------------------------------------------------
-- Checkout RPCs (people)
-- ---------------------------------------------------------------------------------------------

-- The open invoice for the caller's registration that is pending payment: the current one, or a
-- new one at the event's current price, expiring with the seat hold.
create function public.checkout_event_registration(p_registration_id uuid)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_registration public.event_registrations;
  v_event public.events;
  v_invoice public.invoices;
begin
  v_registration := private.lock_registration(p_registration_id);
  if v_registration.user_id <> v_user_id then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  if v_registration.status <> 'pending_payment' then
    raise exception using errcode = 'P0001',
      message = format('only a registration pending payment can be paid: this one is %s', v_registration.status);
  end if;
  select * into v_invoice from public.invoices where id = v_registration.invoice_id and status = 'open';
  if found then
    return v_invoice;
  end if;
  select * into v_event from public.events where id = v_registration.event_id;
  if v_event.is_free then
    raise exception using errcode = 'P0001', message = 'this event is free: there is nothing to pay';
  end if;
  insert into public.invoices (user_id, organization_id, currency, description, expires_at)
  values (v_user_id, v_event.organization_id, v_event.currency, pg_catalog.left('Registration: ' || v_event.title, 250), v_registration.hold_expires_at)
  returning * into v_invoice;
  insert into public.invoice_items (invoice_id, user_id, kind, event_registration_id, description, unit_amount, currency)
  values (v_invoice.id, v_user_id, 'event_registration', v_registration.id, pg_catalog.left(v_event.title, 250), v_event.price_amount, v_event.currency);
  update public.event_registrations set invoice_id = v_invoice.id, price_amount = v_event.price_amount where id = v_registration.id;
  select * into v_invoice from public.invoices where id = v_invoice.id;
  return v_invoice;
end;
$$;

-- The open invoice for the caller's course enrollment that is pending payment.
create function public.checkout_course_enrollment(p_enrollment_id uuid)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_enrollment public.course_enrollments;
  v_course public.courses;
  v_invoice public.invoices;
begin
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id for update;
  if not found or v_enrollment.user_id <> v_user_id then
    raise exception using errcode = 'P0002', message = 'enrollment not found';
  end if;
  if v_enrollment.status <> 'pending_payment' then
    raise exception using errcode = 'P0001',
      message = format('only an enrollment pending payment can be paid: this one is %s', v_enrollment.status);
  end if;
  select * into v_invoice from public.invoices where id = v_enrollment.invoice_id and status = 'open' and expires_at > now();
  if found then
    return v_invoice;
  end if;
  select * into v_course from public.courses where id = v_enrollment.course_id;
  if v_course.is_free then
    raise exception using errcode = 'P0001', message = 'this course is free: there is nothing to pay';
  end if;
  insert into public.invoices (user_id, organization_id, currency, description, expires_at)
  values (v_user_id, v_course.organization_id, v_course.currency, pg_catalog.left('Course: ' || v_course.title, 250), private.invoice_expiry())
  returning * into v_invoice;
  insert into public.invoice_items (invoice_id, user_id, kind, course_enrollment_id, description, unit_amount, currency)
  values (v_invoice.id, v_user_id, 'course_enrollment', v_enrollment.id, pg_catalog.left(v_course.title, 250), v_course.price_amount, v_course.currency);
  update public.course_enrollments set invoice_id = v_invoice.id, price_amount = v_course.price_amount where id = v_enrollment.id;
  select * into v_invoice from public.invoices where id = v_invoice.id;
  return v_invoice;
end;
$$;

-- An invoice for a cart of active products: p_items is [{"product_id": "…", "quantity": 2}, …].
-- Prices are the products' current ones; all in one currency; stock checked when tracked.
create function public.checkout_products(p_items jsonb)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_line record;
  v_currency text;
  v_invoice public.invoices;
begin
  if pg_catalog.jsonb_typeof(p_items) is distinct from 'array' or pg_catalog.jsonb_array_length(p_items) = 0 then
    raise exception using errcode = '22023', message = 'the cart is empty',
      hint = 'p_items is [{"product_id": "<uuid>", "quantity": 1}, …]';
  end if;
  for v_line in
    select private.try_uuid(e ->> 'product_id') as product_id,
      sum(coalesce((e ->> 'quantity')::integer, 1))::integer as quantity
    from pg_catalog.jsonb_array_elements(p_items) as e
    group by 1
  loop
    if v_line.product_id is null then
      raise exception using errcode = '22023', message = 'every cart line needs a product_id';
    end if;
    if v_line.quantity < 1 or v_line.quantity > 1000 then
      raise exception using errcode = '22023', message = 'quantities are between 1 and 1000';
    end if;
  end loop;

  for v_line in
    select p.*, q.quantity
    from (
      select private.try_uuid(e ->> 'product_id') as product_id, sum(coalesce((e ->> 'quantity')::integer, 1))::integer as quantity
      from pg_catalog.jsonb_array_elements(p_items) as e
      group by 1
    ) as q
    left join public.products p on p.id = q.product_id and p.is_active
    order by q.product_id
  loop
    if v_line.id is null then
      raise exception using errcode = 'P0002', message = 'a product in the cart does not exist or is not on sale';
    end if;
    if v_line.stock is not null and v_line.stock < v_line.quantity then
      raise exception using errcode = 'P0001', message = format('only %s of %s left', v_line.stock, v_line.name);
    end if;
    if v_currency is null then
      v_currency := v_line.currency;
      insert into public.invoices (user_id, organization_id, currency, description, expires_at)
      values (v_user_id, null, v_currency, 'Products', private.invoice_expiry())
      returning * into v_invoice;
    elsif v_currency <> v_line.currency then
      raise exception using errcode = 'P0001', message = 'products in one cart must share a currency',
        hint = format('%s and %s', v_currency, v_line.currency);
    end if;
    insert into public.invoice_items (invoice_id, user_id, kind, product_id, description, quantity, unit_amount, currency)
    values (v_invoice.id, v_user_id, 'product', v_line.id, pg_catalog.left(v_line.name, 250), v_line.quantity, v_line.price_amount, v_line.currency);
  end loop;
  select * into v_invoice from public.invoices where id = v_invoice.id;
  if v_invoice.total_amount = 0 then
    raise exception using errcode = 'P0001', message = 'these products are free: there is nothing to pay';
  end if;
  return v_invoice;
end;
$$;

-- The owner (or a platform admin) abandons an open invoice. A seat hold is not released: cancel
-- the registration for that.
create function public.void_invoice(p_invoice_id uuid)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_invoice public.invoices;
begin
  v_invoice := private.lock_invoice(p_invoice_id);
  if v_invoice.user_id <> v_user_id and not private.is_platform_admin() then
    raise exception using errcode = 'P0002', message = 'invoice not found';
  end if;
  if v_invoice.status <> 'open' then
    raise exception using errcode = 'P0001', message = format('only an open invoice can be voided: this one is %s', v_invoice.status);
  end if;
  update public.invoices set status = 'void', voided_at = now(), status_desc = 'voided by ' || case when v_invoice.user_id = v_user_id then 'its owner' else 'a platform admin' end
  where id = p_invoice_id
  returning * into v_invoice;
  return v_invoice;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Refund RPCs (people)
-- ---------------------------------------------------------------------------------------------

-- Inserts a refund request after the checks every refund shares; Stripe refunds are then sent by
-- the payments edge function, Faspay and manual ones (money returned outside Pitlane: Faspay has
-- no refund API) succeed at once.
create function private.new_refund(p_invoice public.invoices, p_item_id uuid, p_amount integer, p_reason text, p_requested_by uuid)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_open integer;
  v_refund public.refunds;
begin
  if p_invoice.status not in ('paid', 'partially_refunded') then
    raise exception using errcode = 'P0001', message = format('only a paid invoice can be refunded: this one is %s', p_invoice.status);
  end if;
  if p_amount is null or p_amount <= 0 then
    raise exception using errcode = '22023', message = 'a refund is a positive amount in minor units';
  end if;
  select coalesce(sum(amount), 0) into v_open
  from public.refunds
  where invoice_id = p_invoice.id and status in ('requested', 'pending', 'succeeded');
  if v_open + p_amount > p_invoice.amount_paid then
    raise exception using errcode = 'P0001', message = 'that is more than is left to refund',
      hint = format('paid %s, refunded or being refunded %s', p_invoice.amount_paid, v_open);
  end if;
  if p_item_id is not null and exists (
    select 1 from public.refunds where invoice_item_id = p_item_id and status in ('requested', 'pending', 'succeeded')
  ) then
    raise exception using errcode = 'P0001', message = 'this item is already refunded or being refunded';
  end if;
  insert into public.refunds (invoice_id, invoice_item_id, user_id, provider, amount, currency, reason, requested_by, status, provider_refund_id, succeeded_at)
  values (
    p_invoice.id, p_item_id, p_invoice.user_id, p_invoice.provider, p_amount, p_invoice.currency, p_reason, p_requested_by,
    case when p_invoice.provider = 'stripe' then 'requested' else 'succeeded' end::public.refund_status,
    case when p_invoice.provider = 'stripe' then null else 'manual:' || gen_random_uuid()::text end,
    case when p_invoice.provider = 'stripe' then null else now() end
  )
  returning * into v_refund;
  perform private.log_invoice(p_invoice.id, 'refund_requested', pg_catalog.jsonb_build_object(
    'refund_id', v_refund.id, 'amount', p_amount, 'item_id', p_item_id, 'requested_by', p_requested_by));
  if v_refund.status = 'succeeded' then
    perform private.sync_invoice_refunds(p_invoice.id);
  end if;
  return v_refund;
end;
$$;

revoke all on function private.new_refund(public.invoices, uuid, integer, text, uuid) from public;

-- A refund requested by an admin of the seller organization or a platform admin: the whole
-- remainder by default, p_amount for a partial one, or one item (its amount; the item is
-- cancelled when the refund succeeds). A full refund cancels everything the invoice paid for.
create function public.request_refund(
  p_invoice_id uuid,
  p_amount integer default null,
  p_reason text default null,
  p_invoice_item_id uuid default null
)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_invoice public.invoices;
  v_item public.invoice_items;
  v_amount integer := p_amount;
begin
  v_invoice := private.lock_invoice(p_invoice_id);
  if not private.can_manage(v_invoice.organization_id, 'admin') then
    if v_invoice.user_id = v_user_id or private.has_organization_role(v_invoice.organization_id, 'member') then
      raise exception using errcode = '42501', message = 'only the organization''s admins or platform admins refund',
        hint = 'members cancel a paid registration with cancel_paid_registration';
    end if;
    raise exception using errcode = 'P0002', message = 'invoice not found';
  end if;
  if p_invoice_item_id is not null then
    select * into v_item from public.invoice_items where id = p_invoice_item_id and invoice_id = p_invoice_id;
    if not found then
      raise exception using errcode = 'P0002', message = 'that item is not on this invoice';
    end if;
    v_amount := coalesce(v_amount, v_item.amount);
  end if;
  v_amount := coalesce(v_amount, v_invoice.amount_paid - (
    select coalesce(sum(amount), 0) from public.refunds where invoice_id = p_invoice_id and status in ('requested', 'pending', 'succeeded')
  ))::integer;
  return private.new_refund(v_invoice, p_invoice_item_id, v_amount, p_reason, v_user_id);
end;
$$;

-- A member cancels their own paid registration under the event's refund policy (until
-- refund_cutoff_hours before the start): a refund of what they paid for it is requested; the
-- registration ends refunded, and its seat goes to the waiting list, when the provider confirms.
create function public.cancel_paid_registration(p_registration_id uuid, p_reason text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_registration public.event_registrations;
  v_event public.events;
  v_item public.invoice_items;
  v_invoice public.invoices;
begin
  v_registration := private.lock_registration(p_registration_id);
  if v_registration.user_id <> v_user_id then
    raise exception using errcode = 'P0002', message = 'registration not found';
  end if;
  if v_registration.status <> 'confirmed' or v_registration.paid_at is null or v_registration.invoice_id is null then
    raise exception using errcode = 'P0001', message = 'only a paid, confirmed registration is cancelled for a refund',
      hint = 'cancel_registration cancels one that is not paid';
  end if;
  select * into v_event from public.events where id = v_registration.event_id;
  if v_event.refund_cutoff_hours is null then
    raise exception using errcode = 'P0001', message = 'this event gives no refunds on cancellation',
      hint = 'ask the organizer';
  end if;
  if now() > v_event.starts_at - pg_catalog.make_interval(hours => v_event.refund_cutoff_hours) then
    raise exception using errcode = 'P0001', message = 'the refund cut-off has passed',
      hint = format('refunds end %s hours before the event starts', v_event.refund_cutoff_hours);
  end if;
  select * into v_invoice from public.invoices where id = v_registration.invoice_id for update;
  select * into v_item from public.invoice_items where invoice_id = v_invoice.id and event_registration_id = p_registration_id;
  return private.new_refund(v_invoice, v_item.id, v_item.amount, coalesce(p_reason, 'cancelled by the registrant'), v_user_id);
end;
$$;

-- A platform admin records a payment made outside the providers (a bank transfer checked by
-- hand). It appears in reconciliation_payments_without_provider_event until matched.
create function public.record_manual_payment(p_invoice_id uuid, p_reference text, p_amount integer default null)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_invoice public.invoices;
begin
  if not private.is_platform_admin() then
    raise exception using errcode = '42501', message = 'only platform admins record manual payments';
  end if;
  if coalesce(pg_catalog.btrim(p_reference), '') = '' then
    raise exception using errcode = '22023', message = 'give the payment''s reference';
  end if;
  v_invoice := private.lock_invoice(p_invoice_id);
  if v_invoice.status not in ('open', 'expired', 'void') then
    raise exception using errcode = 'P0001', message = format('this invoice is already %s', v_invoice.status);
  end if;
  perform private.apply_payment(v_invoice, 'manual', pg_catalog.jsonb_build_object(
    'provider_payment_id', 'manual:' || p_reference, 'amount', coalesce(p_amount, v_invoice.total_amount),
    'channel', 'manual', 'status_desc', 'recorded by a platform admin'), null, v_user_id);
  select * into v_invoice from public.invoices where id = p_invoice_id;
  return v_invoice;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Hooks for the edge functions (service role only)
-- ---------------------------------------------------------------------------------------------

-- The payments function started a checkout at the provider for an open invoice.
create function public.attach_invoice_checkout(
  p_invoice_id uuid,
  p_provider public.payment_provider,
  p_provider_reference text,
  p_checkout_url text default null,
  p_channel text default null,
  p_channel_desc text default null,
  p_va_number text default null,
  p_expires_at timestamptz default null
)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices := private.lock_invoice(p_invoice_id);
begin
  if v_invoice.status <> 'open' then
    raise exception using errcode = 'P0001', message = format('this invoice is %s', v_invoice.status);
  end if;
  update public.invoices
  set provider = p_provider,
    provider_reference = p_provider_reference,
    checkout_url = p_checkout_url,
    channel = p_channel,
    channel_desc = p_channel_desc,
    va_number = p_va_number,
    expires_at = least(expires_at, coalesce(p_expires_at, expires_at))
  where id = p_invoice_id
  returning * into v_invoice;
  perform private.log_invoice(p_invoice_id, 'checkout_started', pg_catalog.jsonb_build_object(
    'provider', p_provider, 'reference', p_provider_reference, 'channel', p_channel, 'va_number', p_va_number));
  return v_invoice;
end;
$$;

-- Records a provider event once and applies it, in one transaction. p_action is what the webhook
-- function understood from it:
--   {"kind": "payment", "invoice_id"|"invoice_number"|"provider_reference", "provider_payment_id", "amount", "currency", "channel", "channel_desc", "va_number", "paid_at", "status_desc"}
--   {"kind": "refund", "invoice_id"?, "provider_payment_id", "refunds": [{"provider_refund_id", "amount", "status", "refund_id"}]}
--   {"kind": "expired" | "cancelled" | "failed" | "pending", "invoice_id"|"invoice_number"|"provider_reference", "status_desc"}
--   {"kind": "ignore"}: recorded and acknowledged only.
-- A repeated event id changes nothing and answers {"status": "duplicate"}.
create function public.apply_provider_event(
  p_provider public.payment_provider,
  p_event_id text,
  p_event_type text,
  p_payload jsonb,
  p_action jsonb
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
  v_existing public.provider_events;
begin
  insert into public.provider_events (provider, event_id, event_type, status, provider_payment_id, action, payload)
  values (p_provider, p_event_id, p_event_type, 'ignored', nullif(p_action ->> 'provider_payment_id', ''), coalesce(p_action, '{}'::jsonb), coalesce(p_payload, '{}'::jsonb))
  on conflict (provider, event_id) do nothing
  returning id into v_id;
  if v_id is null then
    select * into v_existing from public.provider_events where provider = p_provider and event_id = p_event_id;
    return pg_catalog.jsonb_build_object('status', 'duplicate', 'event_status', v_existing.status, 'invoice_id', v_existing.invoice_id);
  end if;
  return private.process_provider_event(v_id);
end;
$$;

-- The payments function sent a refund to the provider (or the provider refused it).
create function public.mark_refund_submitted(p_refund_id uuid, p_provider_refund_id text, p_failure text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_refund public.refunds;
begin
  select * into v_refund from public.refunds where id = p_refund_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'refund not found';
  end if;
  if p_failure is not null then
    update public.refunds
    set status = 'failed', failed_at = now(), failure_reason = pg_catalog.left(p_failure, 500)
    where id = p_refund_id and status = 'requested'
    returning * into v_refund;
  else
    -- The webhook may have confirmed it already: only a request moves to pending.
    update public.refunds
    set provider_refund_id = coalesce(provider_refund_id, p_provider_refund_id),
      status = case when status = 'requested' then 'pending'::public.refund_status else status end
    where id = p_refund_id
    returning * into v_refund;
  end if;
  return v_refund;
end;
$$;

-- Expires holds and offers that are due (with their invoices), then every other open invoice
-- past its time. Returns the invoices it expired, for the payments function to close their
-- checkout at the provider. Call it every minute (pg_cron, or the payments function's /expire).
create function public.expire_due_invoices()
returns setof public.invoices
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.process_expired_registrations();
  update public.invoices
  set status = 'expired', expired_at = now(), status_desc = 'unpaid in time'
  where status = 'open' and expires_at <= now();
  -- now() is the transaction's start: exactly the invoices this call expired, either way.
  return query select * from public.invoices where status = 'expired' and expired_at = now();
end;
$$;

-- The receipts function stored the PDF of a paid invoice.
create function public.attach_invoice_receipt(p_invoice_id uuid, p_path text)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices;
begin
  update public.invoices set receipt_path = p_path
  where id = p_invoice_id and status in ('paid', 'partially_refunded', 'refunded')
  returning * into v_invoice;
  if not found then
    raise exception using errcode = 'P0001', message = 'only a paid invoice has a receipt';
  end if;
  return v_invoice;
end;
$$;

revoke all on function public.checkout_event_registration(uuid) from public, anon;
revoke all on function public.checkout_course_enrollment(uuid) from public, anon;
revoke all on function public.checkout_products(jsonb) from public, anon;
revoke all on function public.void_invoice(uuid) from public, anon;
revoke all on function public.request_refund(uuid, integer, text, uuid) from public, anon;
revoke all on function public.cancel_paid_registration(uuid, text) from public, anon;
revoke all on function public.record_manual_payment(uuid, text, integer) from public, anon;
revoke all on function public.attach_invoice_checkout(uuid, public.payment_provider, text, text, text, text, text, timestamptz) from public, anon, authenticated;
revoke all on function public.apply_provider_event(public.payment_provider, text, text, jsonb, jsonb) from public, anon, authenticated;
revoke all on function public.mark_refund_submitted(uuid, text, text) from public, anon, authenticated;
revoke all on function public.expire_due_invoices() from public, anon, authenticated;
revoke all on function public.attach_invoice_receipt(uuid, text) from public, anon, authenticated;
grant execute on function public.checkout_event_registration(uuid) to authenticated, service_role;
grant execute on function public.checkout_course_enrollment(uuid) to authenticated, service_role;
grant execute on function public.checkout_products(jsonb) to authenticated, service_role;
grant execute on function public.void_invoice(uuid) to authenticated, service_role;
grant execute on function public.request_refund(uuid, integer, text, uuid) to authenticated, service_role;
grant execute on function public.cancel_paid_registration(uuid, text) to authenticated, service_role;
grant execute on function public.record_manual_payment(uuid, text, integer) to authenticated, service_role;
grant execute on function public.attach_invoice_checkout(uuid, public.payment_provider, text, text, text, text, text, timestamptz) to service_role;
grant execute on function public.apply_provider_event(public.payment_provider, text, text, jsonb, jsonb) to service_role;
grant execute on function public.mark_refund_submitted(uuid, text, text) to service_role;
grant execute on function public.expire_due_invoices() to service_role;
grant execute on function public.attach_invoice_receipt(uuid, text) to service_role;

-- ---------------------------------------------------------------------------------------------
-- Reconciliation (platform admins): views run with the caller's rights, so others see nothing
-- ---------------------------------------------------------------------------------------------

create view public.reconciliation_payments_without_provider_event
with (security_invoker = true)
as
  select i.id as invoice_id, i.number, i.user_id, i.organization_id, i.status, i.provider, i.provider_payment_id,
    i.amount_paid, i.currency, i.paid_at
  from public.invoices i
  where i.status in ('paid', 'partially_refunded', 'refunded')
    and (select private.is_platform_admin())
    and not exists (
      select 1
      from public.provider_events e
      where e.invoice_id = i.id
        and e.status = 'processed'
        and e.action ->> 'kind' = 'payment'
    );

comment on view public.reconciliation_payments_without_provider_event is
  'Invoices marked paid with no processed payment event from their provider (manual payments, lost webhooks): platform admins.';

create view public.reconciliation_provider_events_without_invoice
with (security_invoker = true)
as
  select e.id, e.provider, e.event_id, e.event_type, e.status, e.provider_payment_id, e.action, e.received_at
  from public.provider_events e
  where e.invoice_id is null
    and e.action ->> 'kind' in ('payment', 'refund', 'expired', 'cancelled', 'failed')
    and (select private.is_platform_admin());

comment on view public.reconciliation_provider_events_without_invoice is
  'Provider payment and refund events that matched no invoice: platform admins.';

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.invoices, public.invoice_events, public.invoice_items, public.payments, public.refunds,
  public.provider_events, public.reconciliation_payments_without_provider_event,
  public.reconciliation_provider_events_without_invoice
  from anon, authenticated;
grant all on public.invoices, public.invoice_events, public.invoice_items, public.payments, public.refunds,
  public.provider_events to service_role;
grant select on public.reconciliation_payments_without_provider_event,
  public.reconciliation_provider_events_without_invoice to authenticated, service_role;
grant select on public.invoices, public.invoice_events, public.invoice_items, public.payments, public.refunds,
  public.provider_events to authenticated;

alter table public.invoices enable row level security;
alter table public.invoice_events enable row level security;
alter table public.invoice_items enable row level security;
alter table public.payments enable row level security;
alter table public.refunds enable row level security;
alter table public.provider_events enable row level security;

-- The owner, admins of the seller organization and platform admins. No direct writes: RPCs only.
create policy "invoices: owner, organization admins and platform admins read"
  on public.invoices for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

create policy "invoice_events: owner, organization admins and platform admins read"
  on public.invoice_events for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

create policy "invoice_items: owner, organization admins and platform admins read"
  on public.invoice_items for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

create policy "payments: owner, organization admins and platform admins read"
  on public.payments for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

create policy "refunds: owner, organization admins and platform admins read"
  on public.refunds for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

create policy "provider_events: platform admins read"
  on public.provider_events for select to authenticated
  using ((select private.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- Storage: receipts (private; <user id>/<invoice id>.pdf written by the receipts function)
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('receipts', 'receipts', false, 2097152, array['application/pdf'])
on conflict (id) do update
set public = excluded.public,
  file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

create policy "receipts: owners read their own"
  on storage.objects for select to authenticated
  using (bucket_id = 'receipts' and (storage.foldername(name))[1] = (select auth.uid())::text);
