-- Car listings are bought through invoices too (issue 17, item 6): a seller may ask a deposit
-- (deposit_amount) and the database keeps a product for it (sku car-<id>, one unit), sold through
-- the existing checkout_products like a part — its reservation keeps two buyers from paying for
-- the same car. A paid deposit sells the car (status sold, watchers told by 0036's trigger); a
-- refund of it puts the car back on sale. The paid deposit is the purchase a review needs to be
-- verified, as a paid part is.
--
-- A deposit, not the full price: products.price_amount is an integer of minor units and a car in
-- IDR can be worth more than that holds, and a car changes hands in person anyway.

alter table public.car_listings
  add column deposit_amount integer,
  add column product_id uuid references public.products (id) on delete restrict,
  add constraint car_listings_deposit check (deposit_amount > 0 and deposit_amount <= price_amount),
  add constraint car_listings_product_key unique (product_id);

comment on column public.car_listings.deposit_amount is
  'The deposit a buyer pays through the checkout to buy the car, in minor units of the listing''s currency; null when the car is not sold online. At most the price.';
comment on column public.car_listings.product_id is
  'The product the database keeps for the deposit (sku car-<id>, one unit, on sale while the listing is active): buy it with checkout_products([{product_id, quantity: 1}]). Paying it sells the car.';

-- Creates the deposit's product when a deposit is first asked, and keeps it in step.
create function private.sync_car_product()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    -- The product is the database's to make, never one the caller names.
    new.product_id := null;
  elsif new.product_id is distinct from old.product_id then
    raise exception using errcode = '42501', message = 'a car listing keeps its deposit product';
  end if;
  if new.product_id is null then
    if new.deposit_amount is not null then
      insert into public.products (sku, name, description, price_amount, currency, is_active, stock, created_by)
      values ('car-' || new.id, pg_catalog.left('Deposit: ' || new.title, 200), pg_catalog.left(new.description, 10000),
        new.deposit_amount, new.currency, new.status = 'active', 1, new.seller_id)
      returning id into new.product_id;
    end if;
    return new;
  end if;
  update public.products
  set name = pg_catalog.left('Deposit: ' || new.title, 200),
    description = pg_catalog.left(new.description, 10000),
    price_amount = coalesce(new.deposit_amount, price_amount),
    currency = new.currency,
    is_active = new.status = 'active' and new.deposit_amount is not null
  where id = new.product_id
    and (name, description, price_amount, currency, is_active)
      is distinct from (pg_catalog.left('Deposit: ' || new.title, 200), pg_catalog.left(new.description, 10000),
        coalesce(new.deposit_amount, price_amount), new.currency, new.status = 'active' and new.deposit_amount is not null);
  return new;
end;
$$;

revoke all on function private.sync_car_product() from public;
comment on function private.sync_car_product() is
  'Creates the product of a car listing''s deposit (sku car-<id>, one unit) and keeps its name, price, currency and sale state in step with the listing.';

-- After the status workflow's guard (car_listings_guard), so the product sees the final status.
create trigger car_listings_sync_product
  before insert or update on public.car_listings
  for each row execute function private.sync_car_product();

create function private.retire_car_product()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.products set is_active = false where id = old.product_id and is_active;
  return null;
end;
$$;

revoke all on function private.retire_car_product() from public;
comment on function private.retire_car_product() is
  'A deleted car listing''s deposit product stops being sold; it stays for the invoices that name it.';

create trigger car_listings_retire_product
  after delete on public.car_listings
  for each row when (old.product_id is not null)
  execute function private.retire_car_product();

-- A paid deposit takes the one unit: the car is sold. A refund gives it back: on sale again.
create function private.sell_car_on_deposit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.stock = 0 then
    update public.car_listings set status = 'sold'
    where product_id = new.id and status = 'active';
  elsif old.stock = 0 and new.stock > 0 then
    update public.car_listings set status = 'active', sold_at = null
    where product_id = new.id and status = 'sold';
  end if;
  return null;
end;
$$;

revoke all on function private.sell_car_on_deposit() from public;
comment on function private.sell_car_on_deposit() is
  'Sells a car when its deposit product''s one unit is paid for (stock 0), and puts it back on sale when the deposit is refunded (stock back).';

create trigger products_sell_car_on_deposit
  after update of stock on public.products
  for each row
  when (new.sku like 'car-%' and new.stock is distinct from old.stock)
  execute function private.sell_car_on_deposit();

-- ---------------------------------------------------------------------------------------------
-- Reviews: a paid deposit verifies a review of the car's seller
-- ---------------------------------------------------------------------------------------------

alter table public.seller_reviews
  add column car_listing_id uuid references public.car_listings (id) on delete set null,
  add constraint seller_reviews_one_listing check (num_nonnulls(car_listing_id, part_listing_id) <= 1);

comment on column public.seller_reviews.car_listing_id is 'The car listing bought (its deposit paid), taken from the purchase.';
comment on column public.seller_reviews.invoice_item_id is
  'The purchase reviewed: an item of the reviewer''s paid invoice for one of the seller''s part listings or for a car listing''s deposit. One review per purchase.';

create index seller_reviews_car_listing_idx on public.seller_reviews (car_listing_id);

-- As in 0035, with the purchase found among part listings and car deposits.
create or replace function private.guard_seller_review()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_purchase record;
  -- The service role, migrations, and the database's own counters (written from triggers).
  v_trusted boolean := current_setting('role', true) not in ('anon', 'authenticated') or pg_catalog.pg_trigger_depth() > 1;
begin
  if tg_op = 'INSERT' then
    if not v_trusted then
      perform private.require_active_user();
      new.helpful_count := 0;
      new.unhelpful_count := 0;
      new.seller_response := null;
      new.responded_at := null;
      new.responded_by := null;
    end if;
    if new.invoice_item_id is not null then
      select coalesce(p.seller_id, c.seller_id) as seller_id, coalesce(p.store_id, c.store_id) as store_id,
        p.id as part_listing_id, c.id as car_listing_id
      into v_purchase
      from public.invoice_items i
      join public.invoices v on v.id = i.invoice_id
      left join public.part_listings p on p.product_id = i.product_id
      left join public.car_listings c on c.product_id = i.product_id
      where i.id = new.invoice_item_id
        and v.user_id = new.reviewer_id
        and v.status in ('paid', 'partially_refunded')
        and (p.id is not null or c.id is not null);
      if not found then
        raise exception using errcode = '22023', message = 'that purchase is not a paid purchase of yours from a marketplace seller',
          hint = 'invoice_item_id is an item of your paid invoice for a part listing or a car listing''s deposit';
      end if;
      new.seller_id := v_purchase.seller_id;
      new.store_id := v_purchase.store_id;
      new.part_listing_id := v_purchase.part_listing_id;
      new.car_listing_id := v_purchase.car_listing_id;
      new.verified_purchase := true;
    elsif new.verified_purchase then
      raise exception using errcode = '22023', message = 'a verified review needs the purchase',
        hint = 'give invoice_item_id, an item of your paid invoice from this seller; the database sets verified_purchase';
    else
      new.part_listing_id := null;
      new.car_listing_id := null;
    end if;
    if new.reviewer_id = new.seller_id
      or (new.store_id is not null and exists (
        select 1 from public.organization_members where organization_id = new.store_id and user_id = new.reviewer_id)) then
      raise exception using errcode = '22023', message = 'you cannot review yourself or your own store';
    end if;
    if new.store_id is not null and not exists (select 1 from public.organizations where id = new.store_id and kind = 'store') then
      raise exception using errcode = '22023', message = 'reviews of a company are of its store (an organization of kind store)';
    end if;
    return new;
  end if;

  -- Trusted writers include the foreign keys' "on delete set null" of a deleted listing, which 0035
  -- refused here (a part listing with reviews could not be deleted).
  if not v_trusted and (new.reviewer_id, new.seller_id, new.store_id, new.invoice_item_id, new.part_listing_id, new.car_listing_id, new.verified_purchase, new.created_at)
    is distinct from (old.reviewer_id, old.seller_id, old.store_id, old.invoice_item_id, old.part_listing_id, old.car_listing_id, old.verified_purchase, old.created_at) then
    raise exception using errcode = '22023', message = 'a review stays with its reviewer, seller and purchase';
  end if;
  if v_trusted then
    return new;
  end if;
  if (new.helpful_count, new.unhelpful_count) <> (old.helpful_count, old.unhelpful_count) then
    raise exception using errcode = '42501', message = 'votes are counted by the database';
  end if;
  if (new.seller_response, new.responded_at, new.responded_by) is distinct from (old.seller_response, old.responded_at, old.responded_by) then
    if not (v_user_id = old.seller_id and old.store_id is null)
      and not (old.store_id is not null and private.has_organization_role(old.store_id, 'admin')) then
      raise exception using errcode = '42501', message = 'only the seller answers a review';
    end if;
    if old.seller_response is not null then
      raise exception using errcode = 'PT409', message = 'this review already has the seller''s response';
    end if;
    if new.seller_response is null then
      raise exception using errcode = '22023', message = 'the response needs text';
    end if;
    perform private.require_active_user();
    new.responded_at := now();
    new.responded_by := v_user_id;
  end if;
  if (new.rating, new.communication_rating, new.accuracy_rating, new.shipping_rating, new.title, new.body)
    is distinct from (old.rating, old.communication_rating, old.accuracy_rating, old.shipping_rating, old.title, old.body) then
    if v_user_id <> old.reviewer_id then
      raise exception using errcode = '42501', message = 'only the reviewer changes a review';
    end if;
    perform private.require_active_user();
  end if;
  return new;
end;
$$;

comment on function private.guard_seller_review() is
  'Checks a review: verified_purchase from a paid purchase of the reviewer (a part, or a car''s deposit; the seller and store taken from it), no self-review, suspended accounts refused; on edits the reviewer changes the ratings and text, the seller answers once, counters are the database''s.';
