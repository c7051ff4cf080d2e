-- People: a profile per auth user (created by a trigger on auth.users), private contact details,
-- platform admins, and the `private` schema of helpers that policies and RPCs share.
--
-- Conventions used by every domain migration:
-- - `private` is not exposed by the REST API (supabase/config.toml [api] schemas). Policies call its
--   small `security definer` helpers, so anon and authenticated may execute them, but nobody can
--   call them through /rest/v1/rpc.
-- - Grants are explicit on every table and function: nothing relies on Supabase's default
--   privileges (`auto_expose_new_tables`), so a table is reachable only as its grants say.
-- - Columns a user must not change (verification, suspension, counters, payment status, …) are
--   guarded by triggers that let through only "trusted" writers: the service role, the project
--   owner (migrations, Studio) and the security definer RPCs, which run as the owner.

create schema if not exists private;

revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Shared helpers
-- ---------------------------------------------------------------------------------------------

-- True when the statement runs as a role that may write guarded columns: anything but the two
-- API roles of end users. Security invoker on purpose: inside a security definer RPC current_user
-- is the function's owner, so RPCs are trusted and direct REST writes are not.
create function private.is_trusted()
returns boolean
language sql
stable
set search_path = ''
as $$
  select current_user not in ('anon', 'authenticated')
$$;

-- True for a caller acting as the system rather than as a person: the service role through the
-- API, or a direct database connection (an edge function using SUPABASE_DB_URL, a migration).
-- Unlike current_user, the `role` setting is not changed by security definer functions.
create function private.is_system_caller()
returns boolean
language sql
stable
set search_path = ''
as $$
  select (select auth.uid()) is null
    and coalesce(nullif(pg_catalog.current_setting('role', true), ''), 'none') not in ('anon', 'authenticated')
$$;

revoke all on function private.is_system_caller() from public;
grant execute on function private.is_system_caller() to anon, authenticated, service_role;

-- An unguessable URL-safe token (base64url without padding) of p_bytes random bytes.
create function private.random_token(p_bytes integer default 24)
returns text
language sql
volatile
set search_path = ''
as $$
  select pg_catalog.rtrim(
    pg_catalog.translate(pg_catalog.encode(extensions.gen_random_bytes(p_bytes), 'base64'), E'+/\n', '-_'),
    '='
  )
$$;

-- A random code of p_length characters from Crockford's base32 alphabet (no I, L, O, U): easy to
-- read out and type. Each character carries 5 random bits (256 is a multiple of 32: no bias).
create function private.random_code(p_length integer default 10)
returns text
language sql
volatile
set search_path = ''
as $$
  select pg_catalog.string_agg(
    pg_catalog.substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (pg_catalog.get_byte(bytes, i) % 32) + 1, 1),
    '' order by i
  )
  from (select extensions.gen_random_bytes(p_length) as bytes) as random,
    pg_catalog.generate_series(0, p_length - 1) as i
$$;

-- Normalises a code typed by a person: upper case, no spaces or dashes, and the Crockford look-alikes
-- (O → 0, I and L → 1).
create function private.normalize_code(p_code text)
returns text
language sql
immutable
set search_path = ''
as $$
  select pg_catalog.translate(pg_catalog.upper(pg_catalog.regexp_replace(coalesce(p_code, ''), '[\s-]', '', 'g')), 'OIL', '011')
$$;

-- A text cast to uuid, or null when it is not one (storage paths, user input).
create function private.try_uuid(p_value text)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
  return p_value::uuid;
exception
  when invalid_text_representation then
    return null;
end;
$$;

-- IANA time zone names, for check constraints (immutable enough: PostgreSQL's zone list changes
-- only with a server upgrade, and no stored value is reinterpreted by it).
create function private.is_valid_time_zone(p_time_zone text)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  perform pg_catalog.now() at time zone p_time_zone;
  return true;
exception
  when invalid_parameter_value then
    return false;
end;
$$;

-- Values the app can configure without a migration, such as the public site URL printed on
-- certificates. Not exposed; read by security definer functions only.
create table private.app_settings (
  key text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);

revoke all on private.app_settings from public, anon, authenticated;
grant all on private.app_settings to service_role;

insert into private.app_settings (key, value)
values ('site_url', 'http://localhost:3000');

create function private.setting(p_key text)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select value from private.app_settings where key = p_key
$$;

revoke all on function private.setting(text) from public;
grant execute on function private.setting(text) to service_role;

-- ---------------------------------------------------------------------------------------------
-- Profiles
-- ---------------------------------------------------------------------------------------------

create type public.verification_status as enum ('unverified', 'pending', 'verified', 'rejected');

-- Public fields of a person, readable by every signed-in user. Phone and address are in
-- profile_contacts. Referral codes and rewards balances belong to the service-membership domain,
-- which adds them in its own migration.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null,
  avatar_url text,
  headline text,
  bio text,
  city text,
  verification_status public.verification_status not null default 'unverified',
  verified_at timestamptz,
  suspended_at timestamptz,
  suspended_until timestamptz,
  suspension_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_display_name_length check (char_length(display_name) between 1 and 120),
  constraint profiles_headline_length check (char_length(headline) <= 160),
  constraint profiles_bio_length check (char_length(bio) <= 4000),
  constraint profiles_city_length check (char_length(city) <= 120),
  constraint profiles_verified_at check ((verification_status = 'verified') = (verified_at is not null)),
  constraint profiles_suspension check (
    (suspended_at is not null or (suspended_until is null and suspension_reason is null))
    and (suspended_until is null or suspended_until > suspended_at)
  )
);

comment on table public.profiles is
  'A person: one row per auth.users row, created by a trigger. Public fields only; phone and address are in profile_contacts.';
comment on column public.profiles.suspended_at is
  'Set by a platform admin: a suspended user can read but not create content. Ends at suspended_until when set.';

create index profiles_display_name_trgm on public.profiles using gin (display_name extensions.gin_trgm_ops);

create trigger profiles_updated_at
  before update on public.profiles
  for each row execute function extensions.moddatetime(updated_at);

-- Phone and address: only the person and platform admins.
create table public.profile_contacts (
  profile_id uuid primary key references public.profiles (id) on delete cascade,
  phone text,
  address_line1 text,
  address_line2 text,
  postal_code text,
  region text,
  country_code text,
  updated_at timestamptz not null default now(),
  constraint profile_contacts_phone_format check (phone ~ '^\+?[0-9 ()-]{5,32}$'),
  constraint profile_contacts_country_code check (country_code ~ '^[A-Z]{2}$'),
  constraint profile_contacts_lengths check (
    char_length(address_line1) <= 200
    and char_length(address_line2) <= 200
    and char_length(postal_code) <= 20
    and char_length(region) <= 120
  )
);

comment on table public.profile_contacts is 'A person''s phone and postal address: visible to the person and platform admins only.';

create trigger profile_contacts_updated_at
  before update on public.profile_contacts
  for each row execute function extensions.moddatetime(updated_at);

-- ---------------------------------------------------------------------------------------------
-- Platform admins (the CPD "super admin"): granted only by another admin or the service role.
-- ---------------------------------------------------------------------------------------------

create table public.platform_admins (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  granted_by uuid default auth.uid() references public.profiles (id) on delete set null,
  note text,
  granted_at timestamptz not null default now()
);

comment on table public.platform_admins is
  'Platform administrators. Rows are inserted by another platform admin (RLS) or by the service role; nobody can grant themselves.';

create index platform_admins_granted_by_idx on public.platform_admins (granted_by);

create function private.is_platform_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.platform_admins where user_id = (select auth.uid()))
$$;

-- Signed in and not suspended: the condition for creating anything.
create function private.is_active_user()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.profiles
    where id = (select auth.uid())
      and (suspended_at is null or suspended_at > now() or suspended_until <= now())
  )
$$;

revoke all on function private.is_platform_admin() from public;
revoke all on function private.is_active_user() from public;
grant execute on function private.is_platform_admin() to anon, authenticated, service_role;
grant execute on function private.is_active_user() to anon, authenticated, service_role;

-- Raised by RPCs for a missing JWT or a suspended account.
create function private.require_active_user()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first', hint = 'this needs an authenticated user';
  end if;
  if not private.is_active_user() then
    raise exception using errcode = '42501', message = 'your account is suspended',
      hint = 'a suspended account can read but not create or change anything';
  end if;
  return v_user_id;
end;
$$;

revoke all on function private.require_active_user() from public;
grant execute on function private.require_active_user() to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Profile creation on sign-up, and the guard on privileged columns
-- ---------------------------------------------------------------------------------------------

-- Name and avatar from the sign-up metadata: `full_name`/`name`/`display_name` and
-- `avatar_url`/`picture` (what Google sign-in puts there), else the email's local part.
create function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_meta jsonb := coalesce(new.raw_user_meta_data, '{}'::jsonb);
  v_name text;
begin
  v_name := pg_catalog.btrim(coalesce(
    nullif(pg_catalog.btrim(v_meta ->> 'full_name'), ''),
    nullif(pg_catalog.btrim(v_meta ->> 'name'), ''),
    nullif(pg_catalog.btrim(v_meta ->> 'display_name'), ''),
    nullif(pg_catalog.split_part(coalesce(new.email, ''), '@', 1), ''),
    'Member'
  ));
  insert into public.profiles (id, display_name, avatar_url)
  values (
    new.id,
    pg_catalog.left(v_name, 120),
    coalesce(nullif(v_meta ->> 'avatar_url', ''), nullif(v_meta ->> 'picture', ''))
  )
  on conflict (id) do nothing;
  insert into public.profile_contacts (profile_id, phone)
  values (new.id, case when new.phone ~ '^\+?[0-9 ()-]{5,32}$' then new.phone end)
  on conflict (profile_id) do nothing;
  return new;
end;
$$;

revoke all on function private.handle_new_user() from public;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_user();

-- Verification and suspension are set by platform admins (or trusted code) only.
create function private.guard_profile()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.is_trusted() or private.is_platform_admin() then
    if new.verification_status is distinct from old.verification_status then
      new.verified_at := case when new.verification_status = 'verified' then coalesce(new.verified_at, now()) end;
    end if;
    return new;
  end if;
  if new.id is distinct from old.id
    or new.verification_status is distinct from old.verification_status
    or new.verified_at is distinct from old.verified_at
    or new.suspended_at is distinct from old.suspended_at
    or new.suspended_until is distinct from old.suspended_until
    or new.suspension_reason is distinct from old.suspension_reason
    or new.created_at is distinct from old.created_at then
    raise exception using errcode = '42501',
      message = 'verification and suspension can only be changed by a platform admin',
      hint = 'update display_name, avatar_url, headline, bio or city';
  end if;
  return new;
end;
$$;

create trigger profiles_guard
  before update on public.profiles
  for each row execute function private.guard_profile();

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.profiles, public.profile_contacts, public.platform_admins from anon, authenticated;
grant all on public.profiles, public.profile_contacts, public.platform_admins to service_role;
grant select, update on public.profiles to authenticated;
grant select, update on public.profile_contacts to authenticated;
grant select, insert, delete on public.platform_admins to authenticated;

alter table public.profiles enable row level security;
alter table public.profile_contacts enable row level security;
alter table public.platform_admins enable row level security;

-- Profiles: public fields for every signed-in user; the owner and platform admins edit.
create policy "profiles: signed-in users read"
  on public.profiles for select to authenticated
  using (true);

create policy "profiles: owner or platform admin updates"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()) or (select private.is_platform_admin()))
  with check (id = (select auth.uid()) or (select private.is_platform_admin()));

-- Contacts: the owner and platform admins.
create policy "profile_contacts: owner or platform admin reads"
  on public.profile_contacts for select to authenticated
  using (profile_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "profile_contacts: owner or platform admin updates"
  on public.profile_contacts for update to authenticated
  using (profile_id = (select auth.uid()) or (select private.is_platform_admin()))
  with check (profile_id = (select auth.uid()) or (select private.is_platform_admin()));

-- Platform admins: a user sees whether they are one; admins see, grant and revoke.
create policy "platform_admins: self or platform admin reads"
  on public.platform_admins for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "platform_admins: platform admin grants"
  on public.platform_admins for insert to authenticated
  with check ((select private.is_platform_admin()) and granted_by = (select auth.uid()));

create policy "platform_admins: platform admin revokes"
  on public.platform_admins for delete to authenticated
  using ((select private.is_platform_admin()));
