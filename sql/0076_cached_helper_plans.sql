-- The small helpers a registration calls plan their statements once per connection instead of on
-- every call (issue 24).
--
-- PostgreSQL 17 keeps no plan for a SQL-language function that it does not inline: each call parses,
-- analyses and plans its body again. It inlines none of these, as they are security definer or set
-- search_path, which the advisors require. pg_stat_statements (track = all) on the load's seed
-- counted one plan per call for each of them in every `register_for_event`: is_active_user 95–130
-- µs, the organization lookup of inherit_organization_id 44–60 µs (a dynamic EXECUTE, planned each
-- time too), is_suspended 35–42 µs, unsubscribe_token 25 µs, is_trusted, random_token and base64url
-- 4–23 µs each; with the parsing that comes with it, 0.25–0.5 ms of the backend's 1.8–1.9 ms of CPU
-- per registration. The same bodies in PL/pgSQL keep their plans in the connection's plan cache (a
-- body without parameters from its first call, the others once the cache has chosen its generic
-- plan).
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

-- One static lookup per parent table rather than an EXECUTE, which PL/pgSQL plans on every run: a
-- trigger on a new child table needs its parent's line here.
create or replace function private.inherit_organization_id()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_parent_id uuid := (pg_catalog.to_jsonb(new) ->> tg_argv[1])::uuid;
  v_organization_id uuid;
begin
  if tg_op = 'UPDATE' and (pg_catalog.to_jsonb(old) ->> tg_argv[1]) is distinct from (pg_catalog.to_jsonb(new) ->> tg_argv[1]) then
    raise exception using errcode = '42501', message = format('%s cannot be changed', tg_argv[1]),
      hint = 'delete the row and create a new one';
  end if;
  case tg_argv[0]
    when 'events' then
      select organization_id into v_organization_id from public.events where id = v_parent_id;
    when 'courses' then
      select organization_id into v_organization_id from public.courses where id = v_parent_id;
    when 'course_enrollments' then
      select organization_id into v_organization_id from public.course_enrollments where id = v_parent_id;
    when 'assessments' then
      select organization_id into v_organization_id from public.assessments where id = v_parent_id;
    when 'assessment_questions' then
      select organization_id into v_organization_id from public.assessment_questions where id = v_parent_id;
    when 'learning_paths' then
      select organization_id into v_organization_id from public.learning_paths where id = v_parent_id;
    when 'surveys' then
      select organization_id into v_organization_id from public.surveys where id = v_parent_id;
    when 'blog_posts' then
      select organization_id into v_organization_id from public.blog_posts where id = v_parent_id;
    when 'about_pages' then
      select organization_id into v_organization_id from public.about_pages where id = v_parent_id;
    else
      raise exception using errcode = 'XX000',
        message = format('inherit_organization_id() has no lookup for parent table %s', tg_argv[0]);
  end case;
  new.organization_id := v_organization_id;
  return new;
end;
$$;
