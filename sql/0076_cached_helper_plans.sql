-- The small helpers a registration calls plan their statements once per connection instead of on
-- every call (issue 24).
--
-- PostgreSQL 17 keeps no plan for a SQL-language function that it does not inline: each call parses,
-- analyses and plans its body again. It inlines none of these, as they are security definer or set
-- search_path, which the advisors require. pg_stat_statements (track = all) on the load's seed
-- counted one plan per call for each of them in every `register_for_event`: is_active_user 95–130
-- µs, is_suspended 35–42 µs, unsubscribe_token 25 µs, is_trusted, random_token and base64url 4–23
-- µs each; with the parsing that comes with it, 0.2–0.45 ms of the backend's 1.8–1.9 ms of CPU per
-- registration. The same bodies in PL/pgSQL keep their plans in the connection's plan cache (a body
-- without parameters from its first call, the others once the cache has chosen its generic plan).
-- inherit_organization_id's lookup (44–60 µs) stays a dynamic EXECUTE, planned on every run: one
-- trigger function serves every child table without a list of their parents to keep.
--
-- `create or replace` keeps each function's oid, so its owner, grants and comment stay as they
-- are; signatures, volatility, security and search_path are unchanged. The load's reads (events,
-- one's registrations and invoices) call no SQL helper, under their policies or otherwise.

create or replace function private.is_suspended(p_profile_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (
    select 1
    from public.profile_suspensions
    where profile_id = p_profile_id
      and suspended_at <= now()
      and (suspended_until is null or suspended_until > now())
  );
end;
$$;

create or replace function private.is_active_user()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (select 1 from public.profiles where id = (select auth.uid()))
    and not private.is_suspended((select auth.uid()));
end;
$$;

create or replace function private.is_trusted()
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  return current_user not in ('anon', 'authenticated');
end;
$$;

create or replace function private.random_token(p_bytes integer default 24)
returns text
language plpgsql
set search_path = ''
as $$
begin
  -- base64url()'s encoding, not a call to it: this runs as the inserting member (a column
  -- default), who may not execute base64url().
  return pg_catalog.rtrim(
    pg_catalog.translate(pg_catalog.encode(extensions.gen_random_bytes(p_bytes), 'base64'), E'+/\n', '-_'),
    '='
  );
end;
$$;

create or replace function private.base64url(p_bytes bytea)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(p_bytes, 'base64'), E'+/\n', '-_'), '=');
end;
$$;

create or replace function private.unsubscribe_token(p_user_id uuid, p_type text)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- notification_keys holds one row.
  return (
    select p_user_id::text || '.' || p_type || '.'
      || private.base64url(extensions.hmac(pg_catalog.convert_to(p_user_id::text || '.' || p_type, 'UTF8'), k.unsubscribe_key, 'sha256'))
    from private.notification_keys k
  );
end;
$$;
