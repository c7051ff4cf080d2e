-- Product stock is reserved at checkout (issue 12, item 1). Before this, stock was only checked
-- when a cart was checked out and clamped at 0 when it was paid, so two buyers could both pay
-- for the last unit.
--
-- - products.stock is what is on hand; products.reserved is what open invoices hold, kept by the
--   database from invoice_items.reserved_quantity; a check keeps reserved <= stock, so nothing is
--   ever promised twice. stock_available (stock - reserved) is what a shop can show.
-- - checkout_products reserves every tracked line under the products' row locks, and refuses a
--   cart the shelf cannot fill with PT409 (HTTP 409). Open invoices past their time that hold the
--   cart's products are expired first, so their units are for sale again at once.
-- - A reservation ends with its invoice: expired, void (by its owner, an admin or the provider) or
--   refunded. Paid, it turns into a sale: stock goes down and the reservation is released.
-- - A payment that arrives for units no longer there (its reservation ended and someone else
--   bought them) is refunded automatically: private.fulfil_invoice_item raises PT409,
--   private.apply_payment records the refund in the refunds ledger and says so in the invoice's
--   status_desc, and the webhook function sends the refund to the provider as it already did
--   for a seat that went while its payer was paying.
--
-- Lock order, as in the payments migration: invoices before products; products in id order.

alter table public.products
  add column reserved integer not null default 0,
  add column stock_available integer generated always as (stock - reserved) stored,
  add constraint products_reserved check (reserved >= 0 and reserved <= coalesce(stock, 0));

comment on column public.products.stock is
  'Units on hand; null means not tracked (and never reserved). A paid invoice takes its units off; a refund puts them back.';
comment on column public.products.reserved is
  'Units held by open invoices, kept by the database (invoice_items.reserved_quantity); never more than stock.';
comment on column public.products.stock_available is
  'Units a new checkout can still buy: stock - reserved; null when stock is not tracked.';

alter table public.invoice_items
  add column reserved_quantity integer not null default 0,
  add constraint invoice_items_reserved_quantity check (reserved_quantity = 0 or (kind = 'product' and reserved_quantity = quantity));

comment on column public.invoice_items.reserved_quantity is
  'Units of a tracked product this open invoice holds; 0 once paid (sold), or when the invoice ended unpaid.';

create index invoice_items_reserved_product_idx on public.invoice_items (product_id, invoice_id) where reserved_quantity > 0;

-- products.reserved follows the reservations of invoice items.
create function private.count_product_reservations()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.product_id is not distinct from old.product_id then
    if new.reserved_quantity <> old.reserved_quantity then
      update public.products set reserved = reserved + new.reserved_quantity - old.reserved_quantity where id = new.product_id;
    end if;
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') and old.reserved_quantity > 0 then
    update public.products set reserved = reserved - old.reserved_quantity where id = old.product_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.reserved_quantity > 0 then
    update public.products set reserved = reserved + new.reserved_quantity where id = new.product_id;
  end if;
  return null;
end;
$$;

revoke all on function private.count_product_reservations() from public;

create trigger invoice_items_count_reservations
  after insert or update of reserved_quantity, product_id or delete on public.invoice_items
  for each row execute function private.count_product_reservations();

-- Platform admins write products directly; the reservation counter is the database's alone.
create function private.guard_product_reservations()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.is_trusted() then
    return new;
  end if;
  if tg_op = 'INSERT' then
    new.reserved := 0;
  elsif new.reserved <> old.reserved then
    raise exception using errcode = '42501', message = 'reserved is kept by the database',
      hint = 'units are reserved by open invoices and released when they end; change stock instead';
  end if;
  return new;
end;
$$;

revoke all on function private.guard_product_reservations() from public;

create trigger products_guard_reservations
  before insert or update on public.products
  for each row execute function private.guard_product_reservations();

-- An invoice that ends unpaid, or is refunded, gives back the units it still holds.
create function private.release_invoice_reservations()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform 1
  from public.products
  where id in (select product_id from public.invoice_items where invoice_id = new.id and reserved_quantity > 0)
  order by id
  for update;
  update public.invoice_items set reserved_quantity = 0 where invoice_id = new.id and reserved_quantity > 0;
  return null;
end;
$$;

revoke all on function private.release_invoice_reservations() from public;

create trigger invoices_release_reservations
  after update of status on public.invoices
  for each row
  when (new.status in ('void', 'expired', 'refunded') and old.status is distinct from new.status)
  execute function private.release_invoice_reservations();

-- Expires the open invoices past their time that hold any of these products, as
-- expire_due_invoices would on its next run, so a checkout never waits for the schedule.
create function private.expire_due_product_invoices(p_product_ids uuid[])
returns void
language sql
security definer
set search_path = ''
as $$
  update public.invoices
  set status = 'expired', expired_at = now(), status_desc = 'unpaid in time'
  where status = 'open'
    and expires_at <= now()
    and id in (
      select invoice_id from public.invoice_items where product_id = any (p_product_ids) and reserved_quantity > 0
    )
$$;

revoke all on function private.expire_due_product_invoices(uuid[]) from public;

-- ---------------------------------------------------------------------------------------------
-- Checkout reserves; payment sells
-- ---------------------------------------------------------------------------------------------

-- An invoice for a cart of active products: p_items is [{"product_id": "…", "quantity": 2}, …].
-- Prices are the products' current ones; all in one currency; tracked stock is reserved until
-- the invoice is paid or ends.
create or replace function public.checkout_products(p_items jsonb)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_line record;
  v_product_ids uuid[];
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
    v_product_ids := v_product_ids || v_line.product_id;
  end loop;

  perform private.expire_due_product_invoices(v_product_ids);
  -- Concurrent checkouts of a product queue here; each then sees the reservations before it.
  perform 1 from public.products where id = any (v_product_ids) order by id for update;

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
      raise exception using errcode = 'PT404', message = 'a product in the cart does not exist or is not on sale';
    end if;
    if v_line.stock_available < v_line.quantity then
      raise exception using errcode = 'PT409',
        message = case
          when v_line.stock_available = 0 then format('%s is sold out', v_line.name)
          else format('only %s of %s left', v_line.stock_available, v_line.name)
        end,
        hint = 'units held by unpaid orders are for sale again if those orders expire or are cancelled';
    end if;
    if v_currency is null then
      v_currency := v_line.currency;
      insert into public.invoices (user_id, organization_id, currency, description, expires_at)
      values (v_user_id, null, v_currency, 'Products', private.invoice_expiry())
      returning * into v_invoice;
    elsif v_currency <> v_line.currency then
      raise exception using errcode = 'PT400', message = 'products in one cart must share a currency',
        hint = format('%s and %s', v_currency, v_line.currency);
    end if;
    insert into public.invoice_items (invoice_id, user_id, kind, product_id, description, quantity, unit_amount, currency, reserved_quantity)
    values (
      v_invoice.id, v_user_id, 'product', v_line.id, pg_catalog.left(v_line.name, 250), v_line.quantity, v_line.price_amount, v_line.currency,
      case when v_line.stock is null then 0 else v_line.quantity end
    );
  end loop;
  select * into v_invoice from public.invoices where id = v_invoice.id;
  if v_invoice.total_amount = 0 then
    raise exception using errcode = 'PT400', message = 'these products are free: there is nothing to pay';
  end if;
  return v_invoice;
end;
$$;

comment on function public.checkout_products(jsonb) is
  'Opens an invoice for a cart of active products at current prices and reserves tracked stock until it is paid or ends (expired, void, refunded). 409 when a product has too few units left; 404 for a product not on sale; 400 for a bad cart.';

-- Delivers what an item paid for. Raises P0001/PT4xx when it cannot: the seat went meanwhile, or
-- the product's units were sold after this invoice's reservation ended.
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
    else
      -- membership: the service-membership migration replaces this function to activate it.
      null;
  end case;
  update public.invoice_items set fulfilled_at = now() where id = p_item.id;
end;
$$;

-- Marks an invoice paid (or records a payment on one already paid) and delivers its items.
-- Returns {needs_refund, refund_id} when the money cannot be kept: a second payment, or a seat or
-- product that is gone because the payment came after its hold or reservation ended; the caller
-- sends that refund. The invoice's status_desc says so, for the app to show.
create or replace function private.apply_payment(p_invoice public.invoices, p_provider public.payment_provider, p_action jsonb, p_event_id uuid, p_recorded_by uuid default null)
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
      -- Refusals of the hooks, old style (P0001, P0002) and PostgREST-status style (class PT).
      when sqlstate 'P0001' or sqlstate 'P0002' or sqlstate 'PT000' then
        v_failed := sqlerrm;
        perform private.log_invoice(p_invoice.id, 'fulfilment_failed', pg_catalog.jsonb_build_object('item_id', v_item.id, 'message', sqlerrm));
    end;
  end loop;

  if v_failed is not null and not exists (select 1 from public.refunds where invoice_id = p_invoice.id and status <> 'failed') then
    insert into public.refunds (invoice_id, user_id, provider, amount, currency, reason)
    values (p_invoice.id, p_invoice.user_id, p_provider, p_invoice.amount_paid, p_invoice.currency,
      pg_catalog.left('could not deliver: ' || v_failed, 500))
    returning * into v_refund;
    update public.invoices
    set status_desc = pg_catalog.left(v_failed || ': the payment is being refunded automatically', 500)
    where id = p_invoice.id;
    perform private.log_invoice(p_invoice.id, 'refund_requested', pg_catalog.jsonb_build_object(
      'refund_id', v_refund.id, 'amount', v_refund.amount, 'automatic', true));
    return pg_catalog.jsonb_build_object('needs_refund', true, 'refund_id', v_refund.id, 'message', v_failed);
  end if;
  return '{}'::jsonb;
end;
$$;
