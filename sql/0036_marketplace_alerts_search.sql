-- Marketplace wishlists, price alerts and search (issue 17, items 7, 8 and 9).
--
-- Wishlists: members save car and part listings. Price alerts: on a listing (any price drop, or
-- only to or below a target price) or on a search — cars by make, model (optional) and a maximum
-- price; parts by category (with its subcategories), brand (optional) and a maximum price.
-- An AFTER trigger on the listings notifies through private.notify():
--   price_alert     a saved or watched listing got cheaper (target reached, when there is one);
--                   a car matching a search alert was published, or dropped to its maximum
--   part_available  a part matching a search alert was published or dropped to its maximum; a
--                   saved part came back in stock
--   listing_update  a saved listing was sold, archived or withdrawn for review
-- Sellers are never told about their own listings.
--
-- Search: search_car_listings() and search_part_listings() filter (each filter on an index of
-- 0034), rank full-text matches, compute distance from a point, put featured listings first and
-- page by keyset: each row carries is_featured, sort_key and the listing's id, and the next page
-- passes the last row's three as p_after_featured, p_after_sort_key and p_after_id. Plain REST
-- filters on car_listings and part_listings use the same indexes, with keyset pages by
-- order=price_amount,id and or=(price_amount.gt.X,and(price_amount.eq.X,id.gt.Y)).

create type public.price_alert_kind as enum ('listing', 'car_search', 'part_search');

create table public.wishlist_items (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  car_listing_id uuid references public.car_listings (id) on delete cascade,
  part_listing_id uuid references public.part_listings (id) on delete cascade,
  listing_id uuid generated always as (coalesce(car_listing_id, part_listing_id)) stored,
  note text,
  created_at timestamptz not null default now(),
  constraint wishlist_items_one_listing check (num_nonnulls(car_listing_id, part_listing_id) = 1),
  constraint wishlist_items_note_length check (char_length(note) <= 500),
  constraint wishlist_items_once unique (user_id, listing_id)
);

comment on table public.wishlist_items is
  'Listings a member saved (their wishlist): only they see it. Saved listings notify price drops (price_alert), sales and withdrawals (listing_update) and parts back in stock (part_available).';
comment on column public.wishlist_items.listing_id is 'The car or part listing (generated from the one that is set).';

create index wishlist_items_listing_idx on public.wishlist_items (listing_id);
create index wishlist_items_car_idx on public.wishlist_items (car_listing_id);
create index wishlist_items_part_idx on public.wishlist_items (part_listing_id);

create table public.price_alerts (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  kind public.price_alert_kind not null,
  car_listing_id uuid references public.car_listings (id) on delete cascade,
  part_listing_id uuid references public.part_listings (id) on delete cascade,
  target_price_amount bigint,
  make text,
  model text,
  category_id uuid references public.part_categories (id) on delete cascade,
  brand text,
  max_price_amount bigint,
  currency text,
  is_active boolean not null default true,
  last_notified_at timestamptz,
  created_at timestamptz not null default now(),
  constraint price_alerts_shape check (
    case kind
      when 'listing' then num_nonnulls(car_listing_id, part_listing_id) = 1
        and num_nonnulls(make, model, category_id, brand, max_price_amount) = 0
      when 'car_search' then num_nonnulls(car_listing_id, part_listing_id, category_id, brand, target_price_amount) = 0
        and make is not null and max_price_amount is not null and currency is not null
      when 'part_search' then num_nonnulls(car_listing_id, part_listing_id, make, model, target_price_amount) = 0
        and category_id is not null and max_price_amount is not null and currency is not null
    end
  ),
  constraint price_alerts_prices check (target_price_amount >= 0 and max_price_amount >= 0),
  constraint price_alerts_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint price_alerts_text_length check (
    char_length(make) between 1 and 60 and char_length(model) between 1 and 60 and char_length(brand) between 1 and 80
  )
);

comment on table public.price_alerts is
  'A member''s price alert: on a listing (kind listing: any drop, or only to target_price_amount or below) or on a search (car_search: make, model, max price; part_search: category with subcategories, brand, max price). Only they see it; notifications come from the database when listings change.';
comment on column public.price_alerts.target_price_amount is 'For a listing alert, notify only when the price drops to this or below (minor units of the listing''s currency); null: any drop.';
comment on column public.price_alerts.max_price_amount is 'For a search alert, the highest price that matches, in minor units of currency.';
comment on column public.price_alerts.last_notified_at is 'When the alert last notified; set by the database.';

create index price_alerts_user_idx on public.price_alerts (user_id);
create index price_alerts_car_idx on public.price_alerts (car_listing_id);
create index price_alerts_part_idx on public.price_alerts (part_listing_id);
create index price_alerts_category_idx on public.price_alerts (category_id);
create index price_alerts_car_search_idx on public.price_alerts (lower(make), currency, max_price_amount) where kind = 'car_search' and is_active;

-- Members save and watch listings they can see; last_notified_at is the database's.
create function private.guard_watch()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.is_trusted() then
    return new;
  end if;
  perform private.require_active_user();
  if tg_op = 'INSERT' and coalesce(new.car_listing_id, new.part_listing_id) is not null
    and not private.is_listing_public(coalesce(new.car_listing_id, new.part_listing_id))
    and not private.can_manage_listing(coalesce(new.car_listing_id, new.part_listing_id)) then
    raise exception using errcode = 'PT404', message = 'listing not found';
  end if;
  if tg_op = 'UPDATE' and (new.car_listing_id, new.part_listing_id) is distinct from (old.car_listing_id, old.part_listing_id) then
    raise exception using errcode = '22023', message = 'save or watch the other listing instead';
  end if;
  if tg_table_name = 'price_alerts' then
    if tg_op = 'INSERT' then
      new.last_notified_at := null;
    elsif new.last_notified_at is distinct from old.last_notified_at then
      raise exception using errcode = '42501', message = 'last_notified_at is kept by the database';
    end if;
  end if;
  return new;
end;
$$;

comment on function private.guard_watch() is
  'Checks a wishlist item or price alert: an active member, a listing they can see; last_notified_at is the database''s. Granted to authenticated because it runs as the caller''s own insert or update.';

revoke all on function private.guard_watch() from public;
grant execute on function private.guard_watch() to authenticated, service_role;

create trigger wishlist_items_guard
  before insert or update on public.wishlist_items
  for each row execute function private.guard_watch();

create trigger price_alerts_guard
  before insert or update on public.price_alerts
  for each row execute function private.guard_watch();

-- ---------------------------------------------------------------------------------------------
-- Notifications from listing changes
-- ---------------------------------------------------------------------------------------------

create function private.notify_listing_watchers()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_is_car boolean := tg_table_name = 'car_listings';
  v_listing jsonb := pg_catalog.to_jsonb(new);
  v_old jsonb := case when tg_op = 'UPDATE' then pg_catalog.to_jsonb(old) end;
  v_published boolean := new.status = 'active' and (tg_op = 'INSERT' or old.status <> 'active');
  v_dropped boolean := tg_op = 'UPDATE' and new.status = 'active' and old.status = 'active' and new.price_amount < old.price_amount;
  v_url text := case when v_is_car then '/cars/' else '/parts/' end || new.id;
  v_data jsonb := pg_catalog.jsonb_build_object(
    'listing_id', new.id, 'listing_kind', case when v_is_car then 'car' else 'part' end, 'title', new.title,
    'price_amount', new.price_amount, 'currency', new.currency);
  v_recipients uuid[];
  v_alerts uuid[];
begin
  if v_dropped then
    select pg_catalog.array_agg(distinct user_id) into v_recipients
    from (
      select user_id from public.wishlist_items where listing_id = new.id
      union
      select user_id from public.price_alerts
      where kind = 'listing' and is_active and coalesce(car_listing_id, part_listing_id) = new.id
        and (target_price_amount is null or new.price_amount <= target_price_amount)
    ) watchers
    where user_id <> new.seller_id;
    update public.price_alerts set last_notified_at = now()
    where kind = 'listing' and is_active and coalesce(car_listing_id, part_listing_id) = new.id
      and (target_price_amount is null or new.price_amount <= target_price_amount);
    if v_recipients is not null then
      perform private.notify(
        'price_alert', v_recipients, pg_catalog.left('Price drop: ' || new.title, 200),
        pg_catalog.format('Now %s %s (was %s).', new.price_amount, new.currency, old.price_amount),
        v_data || pg_catalog.jsonb_build_object('previous_price_amount', old.price_amount), 'listing', new.id, v_url);
    end if;
  end if;

  if v_published or v_dropped then
    with matched as (
      update public.price_alerts a set last_notified_at = now()
      where a.is_active and a.user_id <> new.seller_id and a.currency = new.currency
        and a.max_price_amount >= new.price_amount
        -- a drop matches only when it brings the price under the maximum for the first time
        and (v_published or (v_old ->> 'price_amount')::bigint > a.max_price_amount)
        and case
          when v_is_car then a.kind = 'car_search'
            and pg_catalog.lower(a.make) = pg_catalog.lower(v_listing ->> 'make')
            and (a.model is null or pg_catalog.lower(a.model) = pg_catalog.lower(v_listing ->> 'model'))
          else a.kind = 'part_search'
            and (v_listing ->> 'category_id')::uuid in (select private.part_category_subtree(a.category_id))
            and (a.brand is null or pg_catalog.lower(a.brand) = pg_catalog.lower(v_listing ->> 'brand'))
        end
      returning a.id, a.user_id
    )
    select pg_catalog.array_agg(distinct user_id), pg_catalog.array_agg(id) into v_recipients, v_alerts from matched;
    if v_recipients is not null then
      perform private.notify(
        case when v_is_car then 'price_alert' else 'part_available' end, v_recipients,
        pg_catalog.left('Matches your alert: ' || new.title, 200),
        pg_catalog.format('%s %s', new.price_amount, new.currency),
        v_data || pg_catalog.jsonb_build_object('price_alert_ids', pg_catalog.to_jsonb(v_alerts)), 'listing', new.id, v_url);
    end if;
  end if;

  if tg_op = 'UPDATE' and not v_is_car and new.status = 'active' and old.status = 'active'
    and (v_old ->> 'quantity')::integer = 0 and (v_listing ->> 'quantity')::integer > 0 then
    select pg_catalog.array_agg(user_id) into v_recipients
    from public.wishlist_items where listing_id = new.id and user_id <> new.seller_id;
    if v_recipients is not null then
      perform private.notify(
        'part_available', v_recipients, pg_catalog.left('Back in stock: ' || new.title, 200), null,
        v_data, 'listing', new.id, v_url);
    end if;
  end if;

  if tg_op = 'UPDATE' and new.status <> old.status and old.status = 'active' then
    select pg_catalog.array_agg(user_id) into v_recipients
    from public.wishlist_items where listing_id = new.id and user_id <> new.seller_id;
    if v_recipients is not null then
      perform private.notify(
        'listing_update', v_recipients,
        pg_catalog.left(new.title || case new.status when 'sold' then ' was sold' when 'archived' then ' is no longer listed' else ' is being reviewed again' end, 200),
        null, v_data || pg_catalog.jsonb_build_object('status', new.status), 'listing', new.id, v_url);
    end if;
  end if;
  return null;
end;
$$;

revoke all on function private.notify_listing_watchers() from public;

create trigger car_listings_notify_watchers
  after insert or update of status, price_amount on public.car_listings
  for each row execute function private.notify_listing_watchers();

create trigger part_listings_notify_watchers
  after insert or update of status, price_amount, quantity on public.part_listings
  for each row execute function private.notify_listing_watchers();

-- ---------------------------------------------------------------------------------------------
-- Search
-- ---------------------------------------------------------------------------------------------

-- The great-circle distance in kilometres between two points (haversine, mean Earth radius).
create function private.distance_km(p_lat1 double precision, p_lon1 double precision, p_lat2 double precision, p_lon2 double precision)
returns double precision
language sql
immutable
parallel safe
set search_path = ''
as $$
  select 2 * 6371.0088 * pg_catalog.asin(pg_catalog.sqrt(
    pg_catalog.power(pg_catalog.sin(pg_catalog.radians(p_lat2 - p_lat1) / 2), 2)
    + pg_catalog.cos(pg_catalog.radians(p_lat1)) * pg_catalog.cos(pg_catalog.radians(p_lat2))
      * pg_catalog.power(pg_catalog.sin(pg_catalog.radians(p_lon2 - p_lon1) / 2), 2)))
$$;

comment on function private.distance_km(double precision, double precision, double precision, double precision) is
  'Great-circle distance in km between two WGS 84 points. Granted to anon and authenticated because search_car_listings() runs as the caller.';

revoke all on function private.distance_km(double precision, double precision, double precision, double precision) from public;
grant execute on function private.distance_km(double precision, double precision, double precision, double precision) to anon, authenticated, service_role;

create function public.search_car_listings(
  p_query text default null,
  p_make text default null,
  p_model text default null,
  p_year_min integer default null,
  p_year_max integer default null,
  p_price_min bigint default null,
  p_price_max bigint default null,
  p_currency text default null,
  p_mileage_max integer default null,
  p_fuel_type public.fuel_type default null,
  p_transmission public.car_transmission default null,
  p_city text default null,
  p_near_latitude double precision default null,
  p_near_longitude double precision default null,
  p_within_km double precision default null,
  p_sort text default 'newest',
  p_limit integer default 20,
  p_after_featured boolean default null,
  p_after_sort_key double precision default null,
  p_after_id uuid default null
)
returns table (
  listing public.car_listings,
  is_featured boolean,
  sort_key double precision,
  distance_km double precision,
  rank real
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_query tsquery;
  v_near boolean := p_near_latitude is not null or p_near_longitude is not null or p_within_km is not null;
  v_lat_span double precision;
  v_lon_span double precision;
begin
  if p_sort is null or p_sort not in ('newest', 'price_asc', 'price_desc', 'year_desc', 'mileage_asc', 'relevance', 'distance') then
    raise exception using errcode = '22023', message = pg_catalog.format('unknown sort "%s"', p_sort),
      hint = 'newest, price_asc, price_desc, year_desc, mileage_asc, relevance (with p_query) or distance (with a point)';
  end if;
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception using errcode = '22023', message = 'p_limit is between 1 and 100';
  end if;
  if p_year_min > p_year_max or p_price_min > p_price_max or p_price_min < 0 or p_price_max < 0 or p_mileage_max < 0 then
    raise exception using errcode = '22023', message = 'a range is empty or negative',
      hint = 'years, prices and mileage: minimum at most maximum, none negative';
  end if;
  if p_year_min not between 1886 and 2100 or p_year_max not between 1886 and 2100 then
    raise exception using errcode = '22023', message = 'model years are between 1886 and 2100';
  end if;
  if v_near and (p_near_latitude is null or p_near_longitude is null or p_within_km is null
    or p_near_latitude not between -90 and 90 or p_near_longitude not between -180 and 180 or p_within_km not between 0 and 20000) then
    raise exception using errcode = '22023', message = 'a distance search needs a point and a radius',
      hint = 'p_near_latitude (-90..90), p_near_longitude (-180..180) and p_within_km (0..20000) together';
  end if;
  if p_sort = 'distance' and not v_near then
    raise exception using errcode = '22023', message = 'sorting by distance needs a point';
  end if;
  if nullif(pg_catalog.btrim(p_query), '') is not null then
    v_query := pg_catalog.websearch_to_tsquery('english'::regconfig, p_query);
  elsif p_sort = 'relevance' then
    raise exception using errcode = '22023', message = 'sorting by relevance needs p_query';
  end if;
  if (p_after_sort_key is null) <> (p_after_id is null) or (p_after_id is not null and p_after_featured is null) then
    raise exception using errcode = '22023', message = 'the next page needs p_after_featured, p_after_sort_key and p_after_id of the last row';
  end if;
  if v_near then
    v_lat_span := p_within_km / 111.045;
    v_lon_span := p_within_km / (111.045 * greatest(pg_catalog.cos(pg_catalog.radians(p_near_latitude)), 0.01));
  end if;

  return query
  with found as (
    select
      l as listing,
      coalesce(l.featured_until > now(), false) as is_featured,
      case when v_near then private.distance_km(p_near_latitude, p_near_longitude, l.latitude, l.longitude) end as distance_km,
      case when v_query is not null then pg_catalog.ts_rank_cd(l.search_vector, v_query) end as rank,
      l.id
    from public.car_listings l
    where l.status = 'active'
      and (v_query is null or l.search_vector @@ v_query)
      and (p_make is null or pg_catalog.lower(l.make) = pg_catalog.lower(pg_catalog.btrim(p_make)))
      and (p_model is null or pg_catalog.lower(l.model) = pg_catalog.lower(pg_catalog.btrim(p_model)))
      and (p_year_min is null or l.year >= p_year_min)
      and (p_year_max is null or l.year <= p_year_max)
      and (p_price_min is null or l.price_amount >= p_price_min)
      and (p_price_max is null or l.price_amount <= p_price_max)
      and (p_currency is null or l.currency = p_currency)
      and (p_mileage_max is null or l.mileage_km <= p_mileage_max)
      and (p_fuel_type is null or l.fuel_type = p_fuel_type)
      and (p_transmission is null or l.transmission = p_transmission)
      and (p_city is null or pg_catalog.lower(l.city) = pg_catalog.lower(pg_catalog.btrim(p_city)))
      and (not v_near or (
        l.latitude between p_near_latitude - v_lat_span and p_near_latitude + v_lat_span
        and l.longitude between p_near_longitude - v_lon_span and p_near_longitude + v_lon_span))
  ),
  keyed as (
    select f.*,
      case p_sort
        when 'newest' then -pg_catalog.date_part('epoch', (f.listing).created_at)
        when 'price_asc' then (f.listing).price_amount::double precision
        when 'price_desc' then -(f.listing).price_amount::double precision
        when 'year_desc' then -(f.listing).year::double precision
        when 'mileage_asc' then (f.listing).mileage_km::double precision
        when 'relevance' then -f.rank::double precision
        else f.distance_km
      end as sort_key
    from found f
    where not v_near or f.distance_km <= p_within_km
  )
  select k.listing, k.is_featured, k.sort_key, k.distance_km, k.rank
  from keyed k
  where p_after_id is null
    or (not k.is_featured, k.sort_key, k.id) > (not p_after_featured, p_after_sort_key, p_after_id)
  order by k.is_featured desc, k.sort_key, k.id
  limit p_limit;
end;
$$;

comment on function public.search_car_listings is
  'Search of active car listings: full text (p_query, websearch syntax, ranked), make, model, year, price, currency, mileage, fuel, transmission, city, distance from a point; featured first, then p_sort (newest, price_asc, price_desc, year_desc, mileage_asc, relevance, distance). Keyset pages: pass the last row''s is_featured, sort_key and listing id as p_after_featured, p_after_sort_key, p_after_id.';

revoke all on function public.search_car_listings(text, text, text, integer, integer, bigint, bigint, text, integer, public.fuel_type, public.car_transmission, text, double precision, double precision, double precision, text, integer, boolean, double precision, uuid) from public;
grant execute on function public.search_car_listings(text, text, text, integer, integer, bigint, bigint, text, integer, public.fuel_type, public.car_transmission, text, double precision, double precision, double precision, text, integer, boolean, double precision, uuid) to anon, authenticated, service_role;

create function public.search_part_listings(
  p_query text default null,
  p_category_id uuid default null,
  p_brand text default null,
  p_condition public.part_condition default null,
  p_price_min integer default null,
  p_price_max integer default null,
  p_currency text default null,
  p_fits_make text default null,
  p_fits_model text default null,
  p_fits_year integer default null,
  p_sort text default 'newest',
  p_limit integer default 20,
  p_after_featured boolean default null,
  p_after_sort_key double precision default null,
  p_after_id uuid default null
)
returns table (
  listing public.part_listings,
  is_featured boolean,
  sort_key double precision,
  rank real
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_query tsquery;
begin
  if p_sort is null or p_sort not in ('newest', 'price_asc', 'price_desc', 'relevance') then
    raise exception using errcode = '22023', message = pg_catalog.format('unknown sort "%s"', p_sort),
      hint = 'newest, price_asc, price_desc or relevance (with p_query)';
  end if;
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception using errcode = '22023', message = 'p_limit is between 1 and 100';
  end if;
  if p_price_min > p_price_max or p_price_min < 0 or p_price_max < 0 then
    raise exception using errcode = '22023', message = 'a price range is empty or negative';
  end if;
  if (p_fits_make is null) <> (p_fits_year is null) or (p_fits_model is not null and p_fits_make is null) then
    raise exception using errcode = '22023', message = 'a compatibility filter needs p_fits_make and p_fits_year (p_fits_model optional)';
  end if;
  if p_fits_year not between 1886 and 2100 then
    raise exception using errcode = '22023', message = 'model years are between 1886 and 2100';
  end if;
  if nullif(pg_catalog.btrim(p_query), '') is not null then
    v_query := pg_catalog.websearch_to_tsquery('english'::regconfig, p_query);
  elsif p_sort = 'relevance' then
    raise exception using errcode = '22023', message = 'sorting by relevance needs p_query';
  end if;
  if (p_after_sort_key is null) <> (p_after_id is null) or (p_after_id is not null and p_after_featured is null) then
    raise exception using errcode = '22023', message = 'the next page needs p_after_featured, p_after_sort_key and p_after_id of the last row';
  end if;

  return query
  with found as (
    select
      l as listing,
      coalesce(l.featured_until > now(), false) as is_featured,
      case when v_query is not null then pg_catalog.ts_rank_cd(l.search_vector, v_query) end as rank,
      case p_sort
        when 'newest' then -pg_catalog.date_part('epoch', l.created_at)
        when 'price_asc' then l.price_amount::double precision
        when 'price_desc' then -l.price_amount::double precision
        else -pg_catalog.ts_rank_cd(l.search_vector, v_query)::double precision
      end as sort_key,
      l.id
    from public.part_listings l
    where l.status = 'active'
      and (v_query is null or l.search_vector @@ v_query)
      and (p_category_id is null or l.category_id in (select private.part_category_subtree(p_category_id)))
      and (p_brand is null or pg_catalog.lower(l.brand) = pg_catalog.lower(pg_catalog.btrim(p_brand)))
      and (p_condition is null or l.condition = p_condition)
      and (p_price_min is null or l.price_amount >= p_price_min)
      and (p_price_max is null or l.price_amount <= p_price_max)
      and (p_currency is null or l.currency = p_currency)
      and (p_fits_make is null or exists (
        select 1 from public.part_compatibilities c
        where c.part_listing_id = l.id
          and pg_catalog.lower(c.make) = pg_catalog.lower(pg_catalog.btrim(p_fits_make))
          and (c.model is null or p_fits_model is null or pg_catalog.lower(c.model) = pg_catalog.lower(pg_catalog.btrim(p_fits_model)))
          and p_fits_year between c.year_from and c.year_to))
  )
  select f.listing, f.is_featured, f.sort_key, f.rank
  from found f
  where p_after_id is null
    or (not f.is_featured, f.sort_key, f.id) > (not p_after_featured, p_after_sort_key, p_after_id)
  order by f.is_featured desc, f.sort_key, f.id
  limit p_limit;
end;
$$;

comment on function public.search_part_listings is
  'Search of active part listings: full text (p_query, ranked), category with its subcategories, brand, condition, price, currency, and the car it must fit (p_fits_make, p_fits_model, p_fits_year); featured first, then p_sort (newest, price_asc, price_desc, relevance). Keyset pages as search_car_listings().';

revoke all on function public.search_part_listings(text, uuid, text, public.part_condition, integer, integer, text, text, text, integer, text, integer, boolean, double precision, uuid) from public;
grant execute on function public.search_part_listings(text, uuid, text, public.part_condition, integer, integer, text, text, text, integer, text, integer, boolean, double precision, uuid) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.wishlist_items, public.price_alerts from anon, authenticated;
grant all on public.wishlist_items, public.price_alerts to service_role;
grant select, insert, update, delete on public.wishlist_items, public.price_alerts to authenticated;

alter table public.wishlist_items enable row level security;
alter table public.price_alerts enable row level security;

create policy "wishlist_items: the member reads their own"
  on public.wishlist_items for select to authenticated
  using (user_id = (select auth.uid()));

create policy "wishlist_items: the member saves"
  on public.wishlist_items for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "wishlist_items: the member edits their note"
  on public.wishlist_items for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "wishlist_items: the member removes"
  on public.wishlist_items for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "price_alerts: the member reads their own"
  on public.price_alerts for select to authenticated
  using (user_id = (select auth.uid()));

create policy "price_alerts: the member creates"
  on public.price_alerts for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "price_alerts: the member changes their own"
  on public.price_alerts for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "price_alerts: the member deletes their own"
  on public.price_alerts for delete to authenticated
  using (user_id = (select auth.uid()));
