-- Marketplace listings (issue 17, items 1-4): the cars, parts and company-store apps of the
-- marketplace seed (002), on the existing people, organizations, products and invoices.
--
-- Sellers: any signed-in person who is not suspended sells as themselves (seller_id); a company
-- sells through its store, an organization of kind 'store' (store_id), whose staff manage the
-- store's listings. Verification is the existing profiles.verification_status and
-- organizations.is_verified, both written by platform admins only. A suspension
-- (profile_suspensions, time-based) stops listing, commenting and reviewing until it ends.
--
-- Moderators are platform admins: they approve pending listings, archive any and feature some.
--
-- Status workflow (private.guard_listing):  pending → active → sold | archived
--   seller or store staff   pending → archived, active → sold | archived, archived → pending
--   platform admins         also pending → active (approval), archived → active, active → pending
--   A sold listing is frozen: nothing about it, its specification or its images changes again.
--
-- Parts are sold through the existing checkout: each part listing owns a product (sku
-- part-<listing id>) kept in step with it — name, price, currency, quantity as stock, on sale
-- while the listing is active — so checkout_products() reserves its units and no invoice oversells
-- them. A sale takes units off the product; the listing's quantity follows.
--
-- Images of both kinds of listing live in one table and one private bucket, `listing-images`
-- (<listing id>/<file>, 5 MB, png/jpeg/webp): readable by everyone while the listing is active or
-- sold, otherwise only by its seller, its store's staff and platform admins. Exactly one image of
-- a listing with images is primary: the first becomes primary, a new primary demotes the old one,
-- deleting the primary promotes the next; the unique index is the last word.

create type public.listing_status as enum ('pending', 'active', 'sold', 'archived');
create type public.car_transmission as enum ('manual', 'automatic', 'semi_automatic', 'cvt', 'dual_clutch');
create type public.car_condition as enum ('new', 'used', 'certified_pre_owned', 'damaged');
create type public.part_condition as enum ('new', 'refurbished', 'used');

-- ---------------------------------------------------------------------------------------------
-- Company store profiles
-- ---------------------------------------------------------------------------------------------

create table public.store_profiles (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  tagline text,
  banner_path text,
  contact_email text,
  contact_phone text,
  city text,
  country_code text,
  latitude double precision,
  longitude double precision,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint store_profiles_tagline_length check (char_length(tagline) <= 200),
  constraint store_profiles_banner_path check (banner_path like organization_id::text || '/%'),
  constraint store_profiles_contact_email check (contact_email = lower(contact_email) and contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  constraint store_profiles_contact_phone check (contact_phone ~ '^\+?[0-9 ()-]{5,30}$'),
  constraint store_profiles_country_code check (country_code ~ '^[A-Z]{2}$'),
  constraint store_profiles_coordinates check (
    (latitude is null) = (longitude is null) and latitude between -90 and 90 and longitude between -180 and 180
  )
);

comment on table public.store_profiles is
  'The shop front of a marketplace store (an organization of kind store): its name, slug, logo (organizations.logo_path) and verification (organizations.is_verified) stay on the organization; this adds the banner, contact and location. Its admins write it; everyone reads it. Ratings: seller_ratings by store_id.';
comment on column public.store_profiles.banner_path is 'The banner image in the organization-logos bucket, under <organization id>/ like the logo.';

create index store_profiles_city_idx on public.store_profiles (city);

create trigger store_profiles_updated_at
  before update on public.store_profiles
  for each row execute function extensions.moddatetime(updated_at);

-- ---------------------------------------------------------------------------------------------
-- Car listings
-- ---------------------------------------------------------------------------------------------

create table public.car_listings (
  id uuid primary key default gen_random_uuid(),
  seller_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  store_id uuid references public.organizations (id) on delete cascade,
  title text not null,
  make text not null,
  model text not null,
  year integer not null,
  mileage_km integer not null default 0,
  transmission public.car_transmission not null,
  fuel_type public.fuel_type not null,
  condition public.car_condition not null default 'used',
  price_amount bigint not null,
  currency text not null,
  city text not null,
  country_code text,
  latitude double precision,
  longitude double precision,
  description text,
  status public.listing_status not null default 'pending',
  featured_until timestamptz,
  published_at timestamptz,
  sold_at timestamptz,
  archived_at timestamptz,
  comment_count integer not null default 0,
  search_vector tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || make || ' ' || model), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint car_listings_title_length check (char_length(title) between 1 and 200),
  constraint car_listings_make_length check (char_length(make) between 1 and 60),
  constraint car_listings_model_length check (char_length(model) between 1 and 60),
  constraint car_listings_year check (year between 1886 and 2100),
  constraint car_listings_mileage check (mileage_km between 0 and 5000000),
  constraint car_listings_price check (price_amount >= 0),
  constraint car_listings_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint car_listings_city_length check (char_length(city) between 1 and 120),
  constraint car_listings_country_code check (country_code ~ '^[A-Z]{2}$'),
  constraint car_listings_coordinates check (
    (latitude is null) = (longitude is null) and latitude between -90 and 90 and longitude between -180 and 180
  ),
  constraint car_listings_description_length check (char_length(description) <= 20000),
  constraint car_listings_comment_count check (comment_count >= 0)
);

comment on table public.car_listings is
  'A car for sale (the seed''s /api/cars/): by a person (seller_id) or a store (store_id, managed by its staff). Status pending → active → sold | archived (see sql/0034); everyone reads active and sold listings, the seller, the store''s staff and platform admins all of theirs. Search: search_car_listings() or REST filters, each on an index.';
comment on column public.car_listings.price_amount is 'Price in minor units of currency (bigint: a car in IDR is tens of billions of sen).';
comment on column public.car_listings.year is 'Model year, from 1886 to next year.';
comment on column public.car_listings.featured_until is 'Featured (shown first) until then; set by platform admins only.';
comment on column public.car_listings.published_at is 'When the listing first became active; set by the database.';
comment on column public.car_listings.sold_at is 'When it was sold; a sold listing is frozen.';
comment on column public.car_listings.comment_count is 'Comments (not replies) on the listing; kept by the database.';
comment on column public.car_listings.search_vector is 'Full-text document of title, make, model (weight A) and description (B), for search_car_listings().';
comment on column public.car_listings.latitude is 'WGS 84 latitude of the car, for distance search.';

create index car_listings_seller_status_idx on public.car_listings (seller_id, status);
create index car_listings_store_status_idx on public.car_listings (store_id, status);
create index car_listings_make_model_year_idx on public.car_listings (status, lower(make), lower(model), year);
create index car_listings_price_idx on public.car_listings (status, price_amount, id);
-- REST's case-sensitive make filter with a price sort (the common search): make, then price order.
create index car_listings_make_price_idx on public.car_listings (status, make, price_amount, id);
create index car_listings_city_idx on public.car_listings (status, lower(city));
create index car_listings_created_at_idx on public.car_listings (status, created_at desc, id);
-- The other search filters, each on its own index (combined with the others by bitmap scans).
create index car_listings_year_idx on public.car_listings (status, year);
create index car_listings_mileage_idx on public.car_listings (status, mileage_km);
create index car_listings_fuel_transmission_idx on public.car_listings (status, fuel_type, transmission);
create index car_listings_location_idx on public.car_listings (latitude, longitude) where status = 'active';
create index car_listings_featured_idx on public.car_listings (featured_until) where featured_until is not null;
create index car_listings_search_idx on public.car_listings using gin (search_vector);

create trigger car_listings_updated_at
  before update on public.car_listings
  for each row execute function extensions.moddatetime(updated_at);

create table public.car_specifications (
  car_listing_id uuid primary key references public.car_listings (id) on delete cascade,
  horsepower integer,
  torque_nm integer,
  acceleration_0_100_s numeric(4, 1),
  top_speed_kmh integer,
  fuel_consumption_l_100km numeric(4, 1),
  electric_range_km integer,
  co2_g_km integer,
  length_mm integer,
  width_mm integer,
  height_mm integer,
  wheelbase_mm integer,
  curb_weight_kg integer,
  seats integer,
  doors integer,
  warranty_months integer,
  warranty_description text,
  has_full_service_history boolean,
  previous_owners integer,
  service_history text,
  updated_at timestamptz not null default now(),
  constraint car_specifications_positive check (
    horsepower between 1 and 5000 and torque_nm between 1 and 10000 and acceleration_0_100_s between 1 and 60
    and top_speed_kmh between 1 and 600 and fuel_consumption_l_100km between 0 and 100 and electric_range_km between 0 and 3000
    and co2_g_km between 0 and 1000 and length_mm between 1000 and 30000 and width_mm between 500 and 5000
    and height_mm between 500 and 5000 and wheelbase_mm between 500 and 20000 and curb_weight_kg between 100 and 60000
    and seats between 1 and 100 and doors between 0 and 10 and warranty_months between 0 and 240 and previous_owners between 0 and 100
  ),
  constraint car_specifications_text_length check (char_length(warranty_description) <= 2000 and char_length(service_history) <= 20000)
);

comment on table public.car_specifications is
  'The detailed specification of a car listing (the seed''s CarSpecification): performance, efficiency, dimensions and weight, warranty and service history. Written and read as its listing.';
comment on column public.car_specifications.service_history is 'The service history as the seller tells it (dates, mileage, work done).';

create trigger car_specifications_updated_at
  before update on public.car_specifications
  for each row execute function extensions.moddatetime(updated_at);

-- ---------------------------------------------------------------------------------------------
-- Part categories and part listings
-- ---------------------------------------------------------------------------------------------

create table public.part_categories (
  id uuid primary key default gen_random_uuid(),
  parent_id uuid references public.part_categories (id) on delete restrict,
  slug text not null,
  name text not null,
  description text,
  icon text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint part_categories_slug_key unique (slug),
  constraint part_categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
  constraint part_categories_name_length check (char_length(name) between 1 and 120),
  constraint part_categories_description_length check (char_length(description) <= 2000),
  constraint part_categories_icon_length check (char_length(icon) <= 200),
  constraint part_categories_not_own_parent check (parent_id <> id)
);

comment on table public.part_categories is
  'The tree of part categories (the seed''s /api/part-categories/): a parent and children, never a cycle. Platform admins write it; everyone reads it.';
comment on column public.part_categories.icon is 'An icon name or URL the apps show beside the category.';

create index part_categories_parent_idx on public.part_categories (parent_id, position);

create table public.part_listings (
  id uuid primary key default gen_random_uuid(),
  seller_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  store_id uuid references public.organizations (id) on delete cascade,
  category_id uuid not null references public.part_categories (id) on delete restrict,
  product_id uuid references public.products (id) on delete restrict,
  title text not null,
  brand text not null,
  part_number text,
  condition public.part_condition not null,
  price_amount integer not null,
  currency text not null,
  quantity integer not null default 1,
  warranty_months integer not null default 0,
  city text,
  description text,
  status public.listing_status not null default 'pending',
  featured_until timestamptz,
  published_at timestamptz,
  sold_at timestamptz,
  archived_at timestamptz,
  comment_count integer not null default 0,
  review_count integer not null default 0,
  rating_sum integer not null default 0,
  average_rating numeric(3, 2) generated always as (case when review_count > 0 then round(rating_sum::numeric / review_count, 2) end) stored,
  search_vector tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, title || ' ' || brand || ' ' || coalesce(part_number, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint part_listings_product_key unique (product_id),
  constraint part_listings_title_length check (char_length(title) between 1 and 200),
  constraint part_listings_brand_length check (char_length(brand) between 1 and 80),
  constraint part_listings_part_number_length check (char_length(part_number) <= 80),
  constraint part_listings_price check (price_amount >= 0),
  constraint part_listings_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint part_listings_quantity check (quantity >= 0),
  constraint part_listings_warranty check (warranty_months between 0 and 240),
  constraint part_listings_city_length check (char_length(city) <= 120),
  constraint part_listings_description_length check (char_length(description) <= 20000),
  constraint part_listings_comment_count check (comment_count >= 0),
  constraint part_listings_reviews check (review_count >= 0 and rating_sum between review_count and 5 * review_count)
);

comment on table public.part_listings is
  'A part for sale (the seed''s /api/parts/): by a person or a store, in a category, with inventory. Bought through checkout_products() with its product_id, which reserves units so nothing is oversold. Status workflow and visibility as car_listings.';
comment on column public.part_listings.product_id is 'The product the database keeps in step with this listing (sku part-<id>): buy it with checkout_products([{product_id, quantity}]). Embed products(stock_available) for what can still be bought.';
comment on column public.part_listings.quantity is 'Units on hand, never negative; the seller sets it, a paid invoice takes units off. Cannot go below the units open invoices hold (products.reserved).';
comment on column public.part_listings.price_amount is 'Price of one unit in minor units of currency.';
comment on column public.part_listings.featured_until is 'Featured until then; set by platform admins only.';
comment on column public.part_listings.published_at is 'When the listing first became active; set by the database.';
comment on column public.part_listings.sold_at is 'When it was marked sold; a sold listing is frozen.';
comment on column public.part_listings.comment_count is 'Comments (not replies) on the listing; kept by the database.';
comment on column public.part_listings.review_count is 'Reviews of purchases of this part (seller_reviews.part_listing_id); kept by the database.';
comment on column public.part_listings.rating_sum is 'Sum of those reviews'' stars, so that average_rating stays exact; kept by the database.';
comment on column public.part_listings.average_rating is 'rating_sum / review_count to two places; null without reviews.';
comment on column public.part_listings.search_vector is 'Full-text document of title, brand, part number (weight A) and description (B), for search_part_listings().';

create index part_listings_seller_status_idx on public.part_listings (seller_id, status);
create index part_listings_store_status_idx on public.part_listings (store_id, status);
create index part_listings_category_idx on public.part_listings (category_id, status, price_amount);
create index part_listings_brand_idx on public.part_listings (status, lower(brand));
create index part_listings_price_idx on public.part_listings (status, price_amount, id);
create index part_listings_condition_idx on public.part_listings (status, condition);
create index part_listings_created_at_idx on public.part_listings (status, created_at desc, id);
create index part_listings_search_idx on public.part_listings using gin (search_vector);

create trigger part_listings_updated_at
  before update on public.part_listings
  for each row execute function extensions.moddatetime(updated_at);

create table public.part_compatibilities (
  id uuid primary key default gen_random_uuid(),
  part_listing_id uuid not null references public.part_listings (id) on delete cascade,
  make text not null,
  model text,
  year_from integer not null,
  year_to integer not null,
  notes text,
  created_at timestamptz not null default now(),
  constraint part_compatibilities_make_length check (char_length(make) between 1 and 60),
  constraint part_compatibilities_model_length check (char_length(model) between 1 and 60),
  constraint part_compatibilities_years check (year_from between 1886 and 2100 and year_to between year_from and 2100),
  constraint part_compatibilities_notes_length check (char_length(notes) <= 2000)
);

comment on table public.part_compatibilities is
  'The compatibility matrix of a part: the makes, models (null: every model of the make) and year ranges it fits, with notes. parts_that_fit() answers "parts that fit my car".';

create index part_compatibilities_part_idx on public.part_compatibilities (part_listing_id);
create index part_compatibilities_vehicle_idx on public.part_compatibilities (lower(make), lower(model), year_from, year_to);

-- ---------------------------------------------------------------------------------------------
-- Images
-- ---------------------------------------------------------------------------------------------

create table public.listing_images (
  id uuid primary key default gen_random_uuid(),
  car_listing_id uuid references public.car_listings (id) on delete cascade,
  part_listing_id uuid references public.part_listings (id) on delete cascade,
  listing_id uuid generated always as (coalesce(car_listing_id, part_listing_id)) stored,
  storage_path text not null,
  alt_text text,
  is_primary boolean not null default false,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint listing_images_one_listing check (num_nonnulls(car_listing_id, part_listing_id) = 1),
  constraint listing_images_path check (storage_path like coalesce(car_listing_id, part_listing_id)::text || '/_%'),
  constraint listing_images_path_key unique (storage_path),
  constraint listing_images_alt_length check (char_length(alt_text) <= 300),
  constraint listing_images_position check (position >= 0)
);

comment on table public.listing_images is
  'Images of a car or part listing, in order: objects in the private listing-images bucket under <listing id>/. Exactly one primary per listing with images, kept by the database: the first image is primary, a new primary demotes the old one, deleting the primary promotes the next.';
comment on column public.listing_images.listing_id is 'The car or part listing (generated from the one that is set).';
comment on column public.listing_images.is_primary is 'The cover image. Set it on another image to change the cover; it cannot be cleared on its own.';

create index listing_images_car_idx on public.listing_images (car_listing_id);
create index listing_images_part_idx on public.listing_images (part_listing_id);
create index listing_images_listing_idx on public.listing_images (listing_id, position);
create unique index listing_images_one_primary on public.listing_images (listing_id) where is_primary;

-- ---------------------------------------------------------------------------------------------
-- Helpers for policies
-- ---------------------------------------------------------------------------------------------

-- Whether anyone may see the listing (car or part) and its images: it is active or sold.
create function private.is_listing_public(p_listing_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.car_listings where id = p_listing_id and status in ('active', 'sold'))
    or exists (select 1 from public.part_listings where id = p_listing_id and status in ('active', 'sold'))
$$;

comment on function private.is_listing_public(uuid) is
  'Whether a car or part listing is active or sold, so that everyone may see it, its images and its comments. Granted to anon and authenticated because RLS and storage policies call it.';

revoke all on function private.is_listing_public(uuid) from public;
grant execute on function private.is_listing_public(uuid) to anon, authenticated, service_role;

-- Whether the caller manages the listing: its seller, staff of its store, or a platform admin.
create function private.can_manage_listing(p_listing_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_platform_admin()
    or exists (
      select 1 from public.car_listings
      where id = p_listing_id
        and (seller_id = (select auth.uid()) or private.has_organization_role(store_id, 'staff'))
    )
    or exists (
      select 1 from public.part_listings
      where id = p_listing_id
        and (seller_id = (select auth.uid()) or private.has_organization_role(store_id, 'staff'))
    )
$$;

comment on function private.can_manage_listing(uuid) is
  'Whether the caller manages a car or part listing: its seller, staff of its store, or a platform admin. Granted to anon and authenticated because RLS and storage policies call it.';

revoke all on function private.can_manage_listing(uuid) from public;
grant execute on function private.can_manage_listing(uuid) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- The status workflow and guarded columns of both kinds of listing
-- ---------------------------------------------------------------------------------------------

create function private.guard_listing()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_admin boolean := private.is_platform_admin();
  v_allowed boolean;
begin
  if new.store_id is not null and (tg_op = 'INSERT' or new.store_id is distinct from old.store_id)
    and not exists (select 1 from public.organizations where id = new.store_id and kind = 'store') then
    raise exception using errcode = '22023', message = 'listings are sold through an organization of kind store',
      hint = 'create a store organization, or list as yourself without store_id';
  end if;
  -- A model year may be next year's, not later (a check constraint cannot look at the clock).
  if tg_table_name = 'car_listings' then
    if (pg_catalog.to_jsonb(new) ->> 'year')::integer > pg_catalog.date_part('year', now())::integer + 1 then
      raise exception using errcode = '22023',
        message = pg_catalog.format('a model year of %s is in the future', pg_catalog.to_jsonb(new) ->> 'year');
    end if;
  end if;

  if tg_op = 'INSERT' then
    if not private.is_trusted() then
      if not private.is_active_user() then
        raise exception using errcode = '42501', message = 'your account is suspended',
          hint = 'a suspended account cannot list anything until the suspension ends';
      end if;
      new.status := 'pending';
      new.comment_count := 0;
      -- Review counts of a part listing (keys a car listing does not have are ignored).
      new := pg_catalog.jsonb_populate_record(new, '{"review_count": 0, "rating_sum": 0}'::jsonb);
      new.published_at := null;
      new.sold_at := null;
      new.archived_at := null;
      if not v_admin then
        new.featured_until := null;
      end if;
    end if;
    if new.status = 'active' then
      new.published_at := coalesce(new.published_at, now());
    end if;
    return new;
  end if;

  if old.status = 'sold' and not private.is_trusted() then
    raise exception using errcode = 'PT409', message = 'a sold listing cannot change',
      hint = 'it is kept as it was when it sold';
  end if;

  if not private.is_trusted() then
    if not v_admin and not private.is_active_user() then
      raise exception using errcode = '42501', message = 'your account is suspended',
        hint = 'a suspended account cannot change its listings until the suspension ends';
    end if;
    if new.seller_id <> old.seller_id or new.store_id is distinct from old.store_id then
      raise exception using errcode = '22023', message = 'a listing stays with its seller and store';
    end if;
    if tg_table_name = 'part_listings' then
      if (pg_catalog.to_jsonb(new) ->> 'review_count', pg_catalog.to_jsonb(new) ->> 'rating_sum')
        is distinct from (pg_catalog.to_jsonb(old) ->> 'review_count', pg_catalog.to_jsonb(old) ->> 'rating_sum') then
        raise exception using errcode = '42501', message = 'review counts are kept by the database';
      end if;
    end if;
    if new.comment_count <> old.comment_count or new.published_at is distinct from old.published_at
      or new.sold_at is distinct from old.sold_at or new.archived_at is distinct from old.archived_at then
      raise exception using errcode = '42501', message = 'counters and status times are kept by the database';
    end if;
    if new.featured_until is distinct from old.featured_until and not v_admin then
      raise exception using errcode = '42501', message = 'only platform admins feature listings';
    end if;
    if new.status <> old.status then
      v_allowed := (old.status, new.status) in (
        ('pending'::public.listing_status, 'archived'::public.listing_status),
        ('active', 'sold'), ('active', 'archived'), ('archived', 'pending'))
        or (v_admin and (old.status, new.status) in (
          ('pending'::public.listing_status, 'active'::public.listing_status),
          ('archived', 'active'), ('active', 'pending')));
      if not v_allowed then
        raise exception using errcode = 'PT409',
          message = pg_catalog.format('a listing cannot move from %s to %s', old.status, new.status),
          hint = case
            when new.status = 'active' and not v_admin then 'a moderator approves a pending listing'
            else 'pending → active → sold or archived; an archived listing can be submitted again (pending)'
          end;
      end if;
    end if;
  end if;

  if new.status <> old.status then
    case new.status
      when 'active' then new.published_at := coalesce(old.published_at, now());
      when 'sold' then new.sold_at := now();
      when 'archived' then new.archived_at := now();
      else null;
    end case;
  end if;
  return new;
end;
$$;

comment on function private.guard_listing() is
  'The status workflow of car and part listings and their guarded columns (featured_until, counters, status times, seller and store); a sold listing is frozen; a suspended seller cannot list or edit. Granted to authenticated because it runs as the caller''s own insert or update.';

revoke all on function private.guard_listing() from public;
grant execute on function private.guard_listing() to authenticated, service_role;

create trigger car_listings_guard
  before insert or update on public.car_listings
  for each row execute function private.guard_listing();

create trigger part_listings_guard
  before insert or update on public.part_listings
  for each row execute function private.guard_listing();

-- A specification changes with its listing: not once it is sold.
create function private.guard_car_specification()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.car_listing_id <> old.car_listing_id then
    raise exception using errcode = '22023', message = 'a specification stays with its listing';
  end if;
  -- The role setting is the API caller's even inside security definer code and cascades.
  if current_setting('role', true) in ('anon', 'authenticated') and exists (
    select 1 from public.car_listings where id = coalesce(new.car_listing_id, old.car_listing_id) and status = 'sold'
  ) then
    raise exception using errcode = 'PT409', message = 'a sold listing cannot change';
  end if;
  return coalesce(new, old);
end;
$$;

revoke all on function private.guard_car_specification() from public;

create trigger car_specifications_guard
  before insert or update or delete on public.car_specifications
  for each row execute function private.guard_car_specification();

-- ---------------------------------------------------------------------------------------------
-- Part categories: no cycles
-- ---------------------------------------------------------------------------------------------

create function private.guard_part_category()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.parent_id is not null and exists (
    with recursive ancestors (id) as (
      select new.parent_id
      union
      select c.parent_id from public.part_categories c join ancestors a on c.id = a.id where c.parent_id is not null
    )
    select 1 from ancestors where id = new.id
  ) then
    raise exception using errcode = '22023', message = 'a category cannot be inside itself',
      hint = 'choose a parent that is not this category or one of its subcategories';
  end if;
  return new;
end;
$$;

revoke all on function private.guard_part_category() from public;

create trigger part_categories_no_cycles
  before insert or update of parent_id on public.part_categories
  for each row execute function private.guard_part_category();

-- The category and all its subcategories.
create function private.part_category_subtree(p_category_id uuid)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  with recursive tree (id) as (
    select id from public.part_categories where id = p_category_id
    union
    select c.id from public.part_categories c join tree t on c.parent_id = t.id
  )
  select id from tree
$$;

comment on function private.part_category_subtree(uuid) is
  'A part category and every category below it, for search by category. Granted to anon and authenticated because search_part_listings() runs as the caller.';

revoke all on function private.part_category_subtree(uuid) from public;
grant execute on function private.part_category_subtree(uuid) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Parts sold through the existing checkout: the listing's product
-- ---------------------------------------------------------------------------------------------

-- Creates the listing's product, and keeps it in step: name, price, currency, stock, on sale while
-- active. Lowering the quantity below what open invoices hold fails on products_reserved (400).
create function private.sync_part_product()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into public.products (sku, name, description, price_amount, currency, is_active, stock, created_by)
    values ('part-' || new.id, pg_catalog.left(new.title, 200), pg_catalog.left(new.description, 10000),
      new.price_amount, new.currency, new.status = 'active', new.quantity, new.seller_id)
    returning id into new.product_id;
    return new;
  end if;
  if new.product_id is distinct from old.product_id then
    raise exception using errcode = '42501', message = 'a part listing keeps its product';
  end if;
  -- private.sync_part_quantity must not write back to the row being updated here.
  perform pg_catalog.set_config('pitlane.syncing_part_product', 'on', true);
  update public.products
  set name = pg_catalog.left(new.title, 200),
    description = pg_catalog.left(new.description, 10000),
    price_amount = new.price_amount,
    currency = new.currency,
    is_active = new.status = 'active',
    stock = new.quantity
  where id = new.product_id
    and (name, description, price_amount, currency, is_active, stock)
      is distinct from (pg_catalog.left(new.title, 200), pg_catalog.left(new.description, 10000), new.price_amount, new.currency, new.status = 'active', new.quantity);
  perform pg_catalog.set_config('pitlane.syncing_part_product', 'off', true);
  return new;
end;
$$;

revoke all on function private.sync_part_product() from public;

create trigger part_listings_sync_product
  before insert or update on public.part_listings
  for each row execute function private.sync_part_product();

-- A deleted part listing's product stops being sold; it stays for the invoices that name it.
create function private.retire_part_product()
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

revoke all on function private.retire_part_product() from public;

create trigger part_listings_retire_product
  after delete on public.part_listings
  for each row execute function private.retire_part_product();

-- A sale (or a refund) moves the product's stock: the listing's quantity follows.
create function private.sync_part_quantity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if pg_catalog.current_setting('pitlane.syncing_part_product', true) = 'on' then
    return null;
  end if;
  update public.part_listings set quantity = new.stock
  where product_id = new.id and quantity is distinct from new.stock and new.stock is not null;
  return null;
end;
$$;

revoke all on function private.sync_part_quantity() from public;

create trigger products_sync_part_quantity
  after update of stock on public.products
  for each row
  when (new.sku like 'part-%')
  execute function private.sync_part_quantity();

-- ---------------------------------------------------------------------------------------------
-- One primary image per listing
-- ---------------------------------------------------------------------------------------------

create function private.keep_one_primary_image()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_listing_id uuid := coalesce(new.car_listing_id, new.part_listing_id, old.car_listing_id, old.part_listing_id);
  v_status public.listing_status;
begin
  if tg_op = 'UPDATE' and (new.car_listing_id is distinct from old.car_listing_id or new.part_listing_id is distinct from old.part_listing_id) then
    raise exception using errcode = '22023', message = 'an image stays with its listing',
      hint = 'upload the image to the other listing instead';
  end if;
  -- Promotions of one listing's images queue on the listing's row, so each sees the one before it
  -- and demotes it. Nothing else takes that lock: the row being updated or deleted is already
  -- locked by its statement, and a promotion waiting to demote it would deadlock with it.
  if tg_op <> 'DELETE' and new.is_primary and (tg_op = 'INSERT' or not old.is_primary) or tg_op = 'INSERT' then
    select status into v_status from public.car_listings where id = v_listing_id for update;
    if not found then
      select status into v_status from public.part_listings where id = v_listing_id for update;
    end if;
  else
    select status into v_status from public.car_listings where id = v_listing_id;
    if not found then
      select status into v_status from public.part_listings where id = v_listing_id;
    end if;
  end if;
  if v_status = 'sold' and current_setting('role', true) in ('anon', 'authenticated') then
    raise exception using errcode = 'PT409', message = 'a sold listing cannot change';
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  if tg_op = 'INSERT' and not new.is_primary
    and not exists (select 1 from public.listing_images where listing_id = v_listing_id and is_primary) then
    new.is_primary := true;
  end if;
  if tg_op = 'UPDATE' and old.is_primary and not new.is_primary and pg_catalog.pg_trigger_depth() = 1 then
    raise exception using errcode = 'PT409', message = 'a listing keeps one primary image',
      hint = 'make another image primary instead';
  end if;
  if new.is_primary and (tg_op = 'INSERT' or not old.is_primary) then
    update public.listing_images set is_primary = false
    where listing_id = v_listing_id and is_primary and id <> new.id;
  end if;
  return new;
end;
$$;

revoke all on function private.keep_one_primary_image() from public;

create trigger listing_images_one_primary
  before insert or update or delete on public.listing_images
  for each row execute function private.keep_one_primary_image();

-- Deleting the primary promotes the next image.
create function private.promote_next_image()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.is_primary then
    update public.listing_images set is_primary = true
    where id = (
      select id from public.listing_images
      where listing_id = old.listing_id
      order by position, created_at, id
      limit 1
    );
  end if;
  return null;
end;
$$;

revoke all on function private.promote_next_image() from public;

create trigger listing_images_promote_next
  after delete on public.listing_images
  for each row execute function private.promote_next_image();

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.store_profiles, public.car_listings, public.car_specifications, public.part_categories,
  public.part_listings, public.part_compatibilities, public.listing_images from anon, authenticated;
grant all on public.store_profiles, public.car_listings, public.car_specifications, public.part_categories,
  public.part_listings, public.part_compatibilities, public.listing_images to service_role;
grant select on public.store_profiles, public.car_listings, public.car_specifications, public.part_categories,
  public.part_listings, public.part_compatibilities, public.listing_images to anon;
grant select, insert, update, delete on public.store_profiles, public.car_listings, public.car_specifications,
  public.part_categories, public.part_listings, public.part_compatibilities, public.listing_images to authenticated;

alter table public.store_profiles enable row level security;
alter table public.car_listings enable row level security;
alter table public.car_specifications enable row level security;
alter table public.part_categories enable row level security;
alter table public.part_listings enable row level security;
alter table public.part_compatibilities enable row level security;
alter table public.listing_images enable row level security;

-- store_profiles
create policy "store_profiles: everyone reads"
  on public.store_profiles for select to anon, authenticated
  using (true);

create policy "store_profiles: store admins create"
  on public.store_profiles for insert to authenticated
  with check (
    private.can_manage(organization_id, 'admin')
    and exists (select 1 from public.organizations o where o.id = organization_id and o.kind = 'store')
  );

create policy "store_profiles: store admins update"
  on public.store_profiles for update to authenticated
  using (private.can_manage(organization_id, 'admin'))
  with check (private.can_manage(organization_id, 'admin'));

create policy "store_profiles: store admins delete"
  on public.store_profiles for delete to authenticated
  using (private.can_manage(organization_id, 'admin'));

-- car_listings and part_listings
create policy "car_listings: everyone reads active and sold, managers all"
  on public.car_listings for select to anon, authenticated
  using (
    status in ('active', 'sold')
    or seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "car_listings: sellers and store staff create"
  on public.car_listings for insert to authenticated
  with check (
    seller_id = (select auth.uid())
    and (store_id is null or store_id in (select private.organization_ids_with_role('staff')))
  );

create policy "car_listings: managers update"
  on public.car_listings for update to authenticated
  using (
    seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  )
  with check (
    seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "car_listings: managers delete unsold"
  on public.car_listings for delete to authenticated
  using (
    (status <> 'sold' and (seller_id = (select auth.uid()) or store_id in (select private.organization_ids_with_role('staff'))))
    or (select private.is_platform_admin())
  );

create policy "part_listings: everyone reads active and sold, managers all"
  on public.part_listings for select to anon, authenticated
  using (
    status in ('active', 'sold')
    or seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "part_listings: sellers and store staff create"
  on public.part_listings for insert to authenticated
  with check (
    seller_id = (select auth.uid())
    and (store_id is null or store_id in (select private.organization_ids_with_role('staff')))
  );

create policy "part_listings: managers update"
  on public.part_listings for update to authenticated
  using (
    seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  )
  with check (
    seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "part_listings: managers delete unsold"
  on public.part_listings for delete to authenticated
  using (
    (status <> 'sold' and (seller_id = (select auth.uid()) or store_id in (select private.organization_ids_with_role('staff'))))
    or (select private.is_platform_admin())
  );

-- car_specifications, part_compatibilities, listing_images: as their listing
create policy "car_specifications: readers of the listing read"
  on public.car_specifications for select to anon, authenticated
  using (private.is_listing_public(car_listing_id) or private.can_manage_listing(car_listing_id));

create policy "car_specifications: listing managers create"
  on public.car_specifications for insert to authenticated
  with check (private.can_manage_listing(car_listing_id));

create policy "car_specifications: listing managers update"
  on public.car_specifications for update to authenticated
  using (private.can_manage_listing(car_listing_id))
  with check (private.can_manage_listing(car_listing_id));

create policy "car_specifications: listing managers delete"
  on public.car_specifications for delete to authenticated
  using (private.can_manage_listing(car_listing_id));

create policy "part_compatibilities: readers of the listing read"
  on public.part_compatibilities for select to anon, authenticated
  using (private.is_listing_public(part_listing_id) or private.can_manage_listing(part_listing_id));

create policy "part_compatibilities: listing managers create"
  on public.part_compatibilities for insert to authenticated
  with check (private.can_manage_listing(part_listing_id));

create policy "part_compatibilities: listing managers update"
  on public.part_compatibilities for update to authenticated
  using (private.can_manage_listing(part_listing_id))
  with check (private.can_manage_listing(part_listing_id));

create policy "part_compatibilities: listing managers delete"
  on public.part_compatibilities for delete to authenticated
  using (private.can_manage_listing(part_listing_id));

create policy "listing_images: readers of the listing read"
  on public.listing_images for select to anon, authenticated
  using (private.is_listing_public(listing_id) or private.can_manage_listing(listing_id));

create policy "listing_images: listing managers add"
  on public.listing_images for insert to authenticated
  with check (private.can_manage_listing(coalesce(car_listing_id, part_listing_id)));

create policy "listing_images: listing managers update"
  on public.listing_images for update to authenticated
  using (private.can_manage_listing(listing_id))
  with check (private.can_manage_listing(coalesce(car_listing_id, part_listing_id)));

create policy "listing_images: listing managers delete"
  on public.listing_images for delete to authenticated
  using (private.can_manage_listing(listing_id));

-- part_categories
create policy "part_categories: everyone reads"
  on public.part_categories for select to anon, authenticated
  using (true);

create policy "part_categories: platform admins create"
  on public.part_categories for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "part_categories: platform admins update"
  on public.part_categories for update to authenticated
  using ((select private.is_platform_admin()))
  with check ((select private.is_platform_admin()));

create policy "part_categories: platform admins delete"
  on public.part_categories for delete to authenticated
  using ((select private.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- Storage: listing-images (private; public while the listing is active or sold)
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('listing-images', 'listing-images', false, 5242880, array['image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update
set public = excluded.public,
  file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

create policy "listing-images: anyone reads images of active and sold listings"
  on storage.objects for select to anon
  using (
    bucket_id = 'listing-images'
    and private.is_listing_public(private.try_uuid((storage.foldername(name))[1]))
  );

create policy "listing-images: members read public listings' images, managers"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'listing-images'
    and (
      private.is_listing_public(private.try_uuid((storage.foldername(name))[1]))
      or private.can_manage_listing(private.try_uuid((storage.foldername(name))[1]))
    )
  );

create policy "listing-images: listing managers upload"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'listing-images'
    and private.can_manage_listing(private.try_uuid((storage.foldername(name))[1]))
  );

create policy "listing-images: listing managers replace"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'listing-images'
    and private.can_manage_listing(private.try_uuid((storage.foldername(name))[1]))
  )
  with check (
    bucket_id = 'listing-images'
    and private.can_manage_listing(private.try_uuid((storage.foldername(name))[1]))
  );

create policy "listing-images: listing managers delete"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'listing-images'
    and private.can_manage_listing(private.try_uuid((storage.foldername(name))[1]))
  );

-- ---------------------------------------------------------------------------------------------
-- "Parts that fit my car"
-- ---------------------------------------------------------------------------------------------

create function public.parts_that_fit(
  p_make text default null,
  p_model text default null,
  p_year integer default null,
  p_vehicle_id uuid default null,
  p_category_id uuid default null
)
returns setof public.part_listings
language plpgsql
stable
set search_path = ''
as $$
declare
  v_make text := p_make;
  v_model text := p_model;
  v_year integer := p_year;
begin
  if p_vehicle_id is not null then
    select make, model, year into v_make, v_model, v_year from public.vehicles where id = p_vehicle_id;
    if not found then
      raise exception using errcode = 'PT404', message = 'vehicle not found';
    end if;
  end if;
  if v_make is null or pg_catalog.btrim(v_make) = '' or v_year is null then
    raise exception using errcode = '22023', message = 'say which car: a make and a year (and a model), or one of your vehicles',
      hint = 'p_make, p_model, p_year or p_vehicle_id';
  end if;
  if v_year not between 1886 and 2100 then
    raise exception using errcode = '22023', message = pg_catalog.format('%s is not a model year', v_year);
  end if;
  return query
    select l.*
    from public.part_listings l
    where l.status = 'active'
      and (p_category_id is null or l.category_id in (select private.part_category_subtree(p_category_id)))
      and exists (
        select 1 from public.part_compatibilities c
        where c.part_listing_id = l.id
          and pg_catalog.lower(c.make) = pg_catalog.lower(pg_catalog.btrim(v_make))
          and (c.model is null or v_model is null or pg_catalog.lower(c.model) = pg_catalog.lower(pg_catalog.btrim(v_model)))
          and v_year between c.year_from and c.year_to
      )
    order by l.created_at desc, l.id;
end;
$$;

comment on function public.parts_that_fit is
  'Active part listings that fit a car: by make, model (optional) and year, or by one of the caller''s vehicles (p_vehicle_id), optionally within a category and its subcategories. A compatibility row without a model fits every model of its make. Chain REST filters, order and range on it like a table.';

revoke all on function public.parts_that_fit(text, text, integer, uuid, uuid) from public;
grant execute on function public.parts_that_fit(text, text, integer, uuid, uuid) to anon, authenticated, service_role;
