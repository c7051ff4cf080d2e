-- Service membership: offers by tier, vehicle and place (the seed's GET /api/offers/?vehicleId=&lat=&lng=).
--
-- - offers: title, description, terms, validity, the tiers they are for (membership plan codes;
--   none listed: every signed-in user), optional vehicle criteria (make, model, years, fuel types)
--   and whether the terms allow one redemption per member. A platform offer (no organization) is
--   managed by platform admins; an organization's offer also by that organization's admins.
-- - offer_locations: the service locations where an offer applies (none: everywhere). An
--   organization's offer applies only at its own locations.
-- - offer_redemptions: written by redeem_offer; once per member and offer when redeem_once.
-- - available_offers(vehicle, lat, lng): the caller's offers, sorted by the great-circle distance
--   to the nearest location where each applies (haversine on the locations' coordinates; no PostGIS
--   needed).

create table public.offers (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references public.organizations (id) on delete cascade,
  title text not null,
  description text,
  terms text,
  starts_at timestamptz not null default now(),
  expires_at timestamptz not null,
  eligible_tiers text[] not null default '{}',
  vehicle_make text,
  vehicle_model text,
  vehicle_year_from integer,
  vehicle_year_to integer,
  vehicle_fuel_types public.fuel_type[] not null default '{}',
  redeem_once boolean not null default false,
  is_active boolean not null default true,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint offers_title_length check (char_length(title) between 1 and 200),
  constraint offers_text_lengths check (char_length(description) <= 4000 and char_length(terms) <= 4000),
  constraint offers_validity check (expires_at > starts_at),
  constraint offers_eligible_tiers check (
    pg_catalog.cardinality(eligible_tiers) <= 20 and pg_catalog.array_position(eligible_tiers, null) is null
  ),
  constraint offers_vehicle_make_model check (
    char_length(vehicle_make) between 1 and 60 and char_length(vehicle_model) between 1 and 60
    and (vehicle_model is null or vehicle_make is not null)
  ),
  constraint offers_vehicle_years check (
    vehicle_year_from between 1886 and 2100 and vehicle_year_to between 1886 and 2100
    and vehicle_year_from <= vehicle_year_to
  )
);

comment on table public.offers is
  'Member offers: terms, validity, the membership tiers they are for, where (offer_locations) and for which vehicles. Platform admins and the offering organization''s admins manage them; signed-in users read the active ones; available_offers() lists those a member may use, nearest first.';
comment on column public.offers.organization_id is 'The offering organization (its admins manage the offer, which applies at its locations only); null for a platform offer.';
comment on column public.offers.eligible_tiers is 'Membership plan codes (membership_plans.code) the offer is for; empty: every signed-in user.';
comment on column public.offers.vehicle_make is 'Only for vehicles of this make (case-insensitive); null: any make.';
comment on column public.offers.vehicle_model is 'Only for this model of vehicle_make (case-insensitive); null: any model.';
comment on column public.offers.vehicle_year_from is 'Only for model years from this one; null: no lower bound.';
comment on column public.offers.vehicle_year_to is 'Only for model years up to this one; null: no upper bound.';
comment on column public.offers.vehicle_fuel_types is 'Only for these fuel types; empty: any.';
comment on column public.offers.redeem_once is 'The terms allow one redemption per member.';

create index offers_organization_id_idx on public.offers (organization_id);
create index offers_created_by_idx on public.offers (created_by);
create index offers_live_idx on public.offers (expires_at) where is_active;

create trigger offers_updated_at
  before update on public.offers
  for each row execute function extensions.moddatetime(updated_at);

create table public.offer_locations (
  offer_id uuid not null references public.offers (id) on delete cascade,
  location_id uuid not null references public.service_locations (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (offer_id, location_id)
);

comment on table public.offer_locations is 'The service locations where an offer applies; an offer without any applies everywhere.';

create index offer_locations_location_id_idx on public.offer_locations (location_id);

create table public.offer_redemptions (
  id uuid primary key default gen_random_uuid(),
  offer_id uuid not null references public.offers (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  location_id uuid references public.service_locations (id) on delete set null,
  vehicle_id uuid references public.vehicles (id) on delete set null,
  redeem_once boolean not null,
  redeemed_at timestamptz not null default now()
);

comment on table public.offer_redemptions is
  'Offers members used (redeem_offer). The member, the offer''s managers and platform admins read.';
comment on column public.offer_redemptions.redeem_once is 'Copied from the offer when redeemed: makes the once-per-member rule a unique index.';

create index offer_redemptions_offer_id_idx on public.offer_redemptions (offer_id);
create index offer_redemptions_user_id_idx on public.offer_redemptions (user_id, redeemed_at desc);
create index offer_redemptions_location_id_idx on public.offer_redemptions (location_id);
create index offer_redemptions_vehicle_id_idx on public.offer_redemptions (vehicle_id);
create unique index offer_redemptions_once_per_member on public.offer_redemptions (offer_id, user_id) where redeem_once;

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

create function private.can_manage_offer(p_offer_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_platform_admin() or exists (
    select 1 from public.offers o
    where o.id = p_offer_id
      and o.organization_id in (select private.organization_ids_with_role('admin')))
$$;

revoke all on function private.can_manage_offer(uuid) from public;
grant execute on function private.can_manage_offer(uuid) to authenticated, service_role;

comment on function private.can_manage_offer(uuid) is
  'Whether the caller manages the offer: a platform admin, or an admin of the offering organization. Granted to authenticated because the offer_locations and offer_redemptions policies call it.';

-- An organization's offer applies only at that organization's locations.
create function private.location_fits_offer(p_offer_id uuid, p_location_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.offers o, public.service_locations l
    where o.id = p_offer_id and l.id = p_location_id
      and (o.organization_id is null or o.organization_id = l.organization_id))
$$;

revoke all on function private.location_fits_offer(uuid, uuid) from public;
grant execute on function private.location_fits_offer(uuid, uuid) to authenticated, service_role;

comment on function private.location_fits_offer(uuid, uuid) is
  'Whether a location may carry the offer (a platform offer: any; an organization''s: its own). Granted to authenticated because the offer_locations insert policy calls it.';

-- Great-circle distance in kilometres (haversine, mean Earth radius).
create function private.great_circle_km(p_lat1 double precision, p_lng1 double precision, p_lat2 double precision, p_lng2 double precision)
returns double precision
language sql
immutable
parallel safe
set search_path = ''
as $$
  select 2 * 6371.0088 * pg_catalog.asin(pg_catalog.sqrt(
    pg_catalog.power(pg_catalog.sin(pg_catalog.radians(p_lat2 - p_lat1) / 2), 2)
    + pg_catalog.cos(pg_catalog.radians(p_lat1)) * pg_catalog.cos(pg_catalog.radians(p_lat2))
      * pg_catalog.power(pg_catalog.sin(pg_catalog.radians(p_lng2 - p_lng1) / 2), 2)))
$$;

revoke all on function private.great_circle_km(double precision, double precision, double precision, double precision) from public;

comment on function private.great_circle_km(double precision, double precision, double precision, double precision) is
  'Great-circle distance in km between two points in degrees (haversine, radius 6371.0088 km).';

-- The caller's current tier (plan code), or null without a current membership.
create function private.current_tier(p_user_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select p.code
  from public.memberships m join public.membership_plans p on p.id = m.plan_id
  where m.user_id = p_user_id and m.status = 'active' and m.starts_at <= now() and m.ends_at > now()
$$;

revoke all on function private.current_tier(uuid) from public;

comment on function private.current_tier(uuid) is 'The plan code of the person''s current membership term, or null.';

-- Whether a vehicle meets an offer's criteria.
create function private.offer_fits_vehicle(p_offer public.offers, p_vehicle public.vehicles)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select (p_offer.vehicle_make is null or pg_catalog.lower(p_offer.vehicle_make) = pg_catalog.lower(p_vehicle.make))
    and (p_offer.vehicle_model is null or pg_catalog.lower(p_offer.vehicle_model) = pg_catalog.lower(p_vehicle.model))
    and (p_offer.vehicle_year_from is null or p_vehicle.year >= p_offer.vehicle_year_from)
    and (p_offer.vehicle_year_to is null or p_vehicle.year <= p_offer.vehicle_year_to)
    and (pg_catalog.cardinality(p_offer.vehicle_fuel_types) = 0 or p_vehicle.fuel_type = any (p_offer.vehicle_fuel_types))
$$;

revoke all on function private.offer_fits_vehicle(public.offers, public.vehicles) from public;

comment on function private.offer_fits_vehicle(public.offers, public.vehicles) is 'Whether the vehicle meets the offer''s make, model, year and fuel criteria.';

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.available_offers(
  p_vehicle_id uuid default null,
  p_lat double precision default null,
  p_lng double precision default null
)
returns table (
  id uuid,
  title text,
  description text,
  terms text,
  expires_at timestamptz,
  eligible_tiers text[],
  location_ids uuid[],
  nearest_location_id uuid,
  distance_km double precision,
  redeem_once boolean,
  redeemed boolean,
  organization_id uuid,
  created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_vehicle public.vehicles;
  v_tier text;
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  if (p_lat is null) <> (p_lng is null) then
    raise exception using errcode = '22023', message = 'give both lat and lng, or neither';
  end if;
  if p_lat not between -90 and 90 or p_lng not between -180 and 180 then
    raise exception using errcode = '22023', message = 'lat is between -90 and 90 and lng between -180 and 180';
  end if;
  if p_vehicle_id is not null then
    select * into v_vehicle from public.vehicles v where v.id = p_vehicle_id and v.owner_id = v_user_id;
    if not found then
      raise exception using errcode = 'PT404', message = 'vehicle not found';
    end if;
  end if;
  v_tier := private.current_tier(v_user_id);
  return query
    select o.id, o.title, o.description, o.terms, o.expires_at, o.eligible_tiers,
      coalesce(places.location_ids, '{}'), places.nearest_location_id, places.distance_km,
      o.redeem_once,
      exists (select 1 from public.offer_redemptions r where r.offer_id = o.id and r.user_id = v_user_id),
      o.organization_id, o.created_at
    from public.offers o
    left join lateral (
      select pg_catalog.array_agg(l.id order by l.id) as location_ids,
        (pg_catalog.array_agg(l.id order by private.great_circle_km(p_lat, p_lng, l.latitude, l.longitude) nulls last, l.id)
          filter (where p_lat is not null and l.latitude is not null))[1] as nearest_location_id,
        min(private.great_circle_km(p_lat, p_lng, l.latitude, l.longitude)) as distance_km
      from public.offer_locations ol
      join public.service_locations l on l.id = ol.location_id and l.is_active
      where ol.offer_id = o.id
    ) as places on true
    where o.is_active and o.starts_at <= now() and o.expires_at > now()
      and (pg_catalog.cardinality(o.eligible_tiers) = 0 or v_tier = any (o.eligible_tiers))
      and (p_vehicle_id is null or private.offer_fits_vehicle(o, v_vehicle))
      -- An offer tied to locations that all closed applies nowhere.
      and (places.location_ids is not null or not exists (select 1 from public.offer_locations ol where ol.offer_id = o.id))
    order by places.distance_km nulls last, o.expires_at, o.id;
end;
$$;

comment on function public.available_offers(uuid, double precision, double precision) is
  'The seed''s GET /api/offers/: live offers for the caller''s membership tier (and for everyone), matching the vehicle when one is given, sorted by great-circle distance in km from (lat, lng) to the nearest active location where each applies (offers valid everywhere last).';

create function public.redeem_offer(p_offer_id uuid, p_location_id uuid default null, p_vehicle_id uuid default null)
returns public.offer_redemptions
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_offer public.offers;
  v_vehicle public.vehicles;
  v_redemption public.offer_redemptions;
begin
  select * into v_offer from public.offers where id = p_offer_id and is_active;
  if not found then
    raise exception using errcode = 'PT404', message = 'offer not found';
  end if;
  if v_offer.expires_at <= now() or v_offer.starts_at > now() then
    raise exception using errcode = 'PT409', message = 'this offer is not valid now',
      hint = format('valid from %s until %s', v_offer.starts_at, v_offer.expires_at);
  end if;
  if pg_catalog.cardinality(v_offer.eligible_tiers) > 0
    and not coalesce(private.current_tier(v_user_id) = any (v_offer.eligible_tiers), false) then
    raise exception using errcode = '42501', message = 'this offer is for other membership tiers',
      hint = 'for ' || pg_catalog.array_to_string(v_offer.eligible_tiers, ', ') || ' members';
  end if;
  if p_location_id is not null and exists (select 1 from public.offer_locations where offer_id = p_offer_id)
    and not exists (select 1 from public.offer_locations where offer_id = p_offer_id and location_id = p_location_id) then
    raise exception using errcode = '22023', message = 'this offer does not apply at that location';
  end if;
  if p_vehicle_id is not null then
    select * into v_vehicle from public.vehicles where id = p_vehicle_id and owner_id = v_user_id;
    if not found then
      raise exception using errcode = 'PT404', message = 'vehicle not found';
    end if;
    if not private.offer_fits_vehicle(v_offer, v_vehicle) then
      raise exception using errcode = 'PT409', message = 'this offer does not apply to that vehicle';
    end if;
  end if;
  begin
    insert into public.offer_redemptions (offer_id, user_id, location_id, vehicle_id, redeem_once)
    values (p_offer_id, v_user_id, p_location_id, p_vehicle_id, v_offer.redeem_once)
    returning * into v_redemption;
  exception
    when unique_violation then
      raise exception using errcode = 'PT409', message = 'you have already used this offer',
        hint = 'its terms allow one use per member';
  end;
  return v_redemption;
end;
$$;

comment on function public.redeem_offer(uuid, uuid, uuid) is
  'Records that the caller used an offer (optionally where and for which vehicle): checks validity, tier, location and vehicle; once per member when the offer''s terms say so (409 the second time).';

revoke all on function public.available_offers(uuid, double precision, double precision) from public, anon;
revoke all on function public.redeem_offer(uuid, uuid, uuid) from public, anon;
grant execute on function public.available_offers(uuid, double precision, double precision) to authenticated, service_role;
grant execute on function public.redeem_offer(uuid, uuid, uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.offers, public.offer_locations, public.offer_redemptions from anon, authenticated;
grant all on public.offers, public.offer_locations, public.offer_redemptions to service_role;
grant select, insert, update, delete on public.offers, public.offer_locations to authenticated;
grant select on public.offer_redemptions to authenticated;

alter table public.offers enable row level security;
alter table public.offer_locations enable row level security;
alter table public.offer_redemptions enable row level security;

create policy "offers: signed-in users read active ones, managers all"
  on public.offers for select to authenticated
  using (
    is_active
    or (select private.is_platform_admin())
    or organization_id in (select private.organization_ids_with_role('admin'))
  );

create policy "offers: platform admins and the organization's admins add"
  on public.offers for insert to authenticated
  with check (
    (select private.is_platform_admin())
    or organization_id in (select private.organization_ids_with_role('admin'))
  );

create policy "offers: platform admins and the organization's admins update"
  on public.offers for update to authenticated
  using (
    (select private.is_platform_admin())
    or organization_id in (select private.organization_ids_with_role('admin'))
  )
  with check (
    (select private.is_platform_admin())
    or organization_id in (select private.organization_ids_with_role('admin'))
  );

create policy "offers: platform admins and the organization's admins remove"
  on public.offers for delete to authenticated
  using (
    (select private.is_platform_admin())
    or organization_id in (select private.organization_ids_with_role('admin'))
  );

create policy "offer_locations: signed-in users read"
  on public.offer_locations for select to authenticated
  using (true);

create policy "offer_locations: the offer's managers add the right locations"
  on public.offer_locations for insert to authenticated
  with check (private.can_manage_offer(offer_id) and private.location_fits_offer(offer_id, location_id));

create policy "offer_locations: the offer's managers update"
  on public.offer_locations for update to authenticated
  using (private.can_manage_offer(offer_id))
  with check (private.can_manage_offer(offer_id) and private.location_fits_offer(offer_id, location_id));

create policy "offer_locations: the offer's managers remove"
  on public.offer_locations for delete to authenticated
  using (private.can_manage_offer(offer_id));

create policy "offer_redemptions: the member and the offer's managers read"
  on public.offer_redemptions for select to authenticated
  using (user_id = (select auth.uid()) or private.can_manage_offer(offer_id));
