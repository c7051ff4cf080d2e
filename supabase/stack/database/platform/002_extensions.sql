-- The extensions schema and the extensions a project's SQL expects in it, the graphql_public
-- schema PostgREST exposes by default, PgBouncer's auth lookup, and the event triggers that tell
-- PostgREST to reload its schema cache.

set local client_min_messages = warning;

create schema if not exists extensions;

grant usage on schema extensions to anon, authenticated, service_role;
grant all on schema extensions to dashboard_user;

-- An extension already installed elsewhere is left where it is: moving it could break the SQL
-- that uses it.
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists citext with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists btree_gist with schema extensions;
create extension if not exists moddatetime with schema extensions;

-- pg_stat_statements is on every hosted project, but only works when the server preloads it.
do $$
begin
  if current_setting('shared_preload_libraries') ~ '(^|[ ,])pg_stat_statements($|[ ,])' then
    create extension if not exists pg_stat_statements with schema extensions;
  end if;
end
$$;

grant all on all tables in schema extensions to dashboard_user;
grant all on all sequences in schema extensions to dashboard_user;
grant all on all routines in schema extensions to dashboard_user;

alter default privileges for role supabase_admin in schema extensions
  grant all on tables to postgres with grant option;
alter default privileges for role supabase_admin in schema extensions
  grant all on routines to postgres with grant option;
alter default privileges for role supabase_admin in schema extensions
  grant all on sequences to postgres with grant option;

-- graphql_public is in the default exposed schemas. pg_graphql is off by default on hosted
-- projects, which then carry this placeholder that answers every query with an error.
create schema if not exists graphql_public authorization supabase_admin;

grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

alter default privileges for role supabase_admin in schema graphql_public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema graphql_public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema graphql_public
  grant all on sequences to postgres, anon, authenticated, service_role;

set local role supabase_admin;

do $$
begin
  if not exists (
    select
    from pg_proc
    where proname = 'graphql'
      and pronamespace = 'graphql_public'::regnamespace
  ) then
    create function graphql_public.graphql(
      "operationName" text default null,
      query text default null,
      variables jsonb default null,
      extensions jsonb default null
    )
    returns jsonb
    language plpgsql
    as $fn$
    begin
      return jsonb_build_object(
        'errors', jsonb_build_array(
          jsonb_build_object('message', 'pg_graphql extension is not enabled.')
        )
      );
    end;
    $fn$;
  end if;
end
$$;

-- PgBouncer (Supavisor on hosted) looks up login passwords through this function.
create schema if not exists pgbouncer authorization pgbouncer;

create or replace function pgbouncer.get_auth(p_usename text)
returns table (username text, password text)
language plpgsql
security definer
set search_path = ''
as $$
begin
  raise debug 'PgBouncer auth request: %', p_usename;

  return query
  select
    a.rolname::text,
    case when a.rolvaliduntil < now() then null else a.rolpassword::text end
  from pg_catalog.pg_authid a
  where a.rolname = p_usename
    and a.rolcanlogin;
end;
$$;

revoke all on function pgbouncer.get_auth(text) from public;
grant execute on function pgbouncer.get_auth(text) to pgbouncer;

-- PostgREST listens on the "pgrst" channel and reloads its schema cache on "reload schema".
create or replace function extensions.pgrst_ddl_watch()
returns event_trigger
language plpgsql
set search_path = ''
as $$
declare
  cmd record;
begin
  for cmd in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
    if cmd.command_tag in (
      'CREATE SCHEMA', 'ALTER SCHEMA',
      'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE',
      'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE',
      'CREATE VIEW', 'ALTER VIEW',
      'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW',
      'CREATE FUNCTION', 'ALTER FUNCTION',
      'CREATE TRIGGER',
      'CREATE TYPE', 'ALTER TYPE',
      'CREATE RULE',
      'COMMENT'
    )
    and cmd.schema_name is distinct from 'pg_temp' then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end;
$$;

create or replace function extensions.pgrst_drop_watch()
returns event_trigger
language plpgsql
set search_path = ''
as $$
declare
  obj record;
begin
  for obj in select * from pg_catalog.pg_event_trigger_dropped_objects() loop
    if obj.object_type in (
      'schema', 'table', 'foreign table', 'view', 'materialized view',
      'function', 'trigger', 'type', 'rule'
    )
    and obj.is_temporary is false then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end;
$$;

do $$
begin
  if not exists (select from pg_event_trigger where evtname = 'pgrst_ddl_watch') then
    create event trigger pgrst_ddl_watch on ddl_command_end
      execute function extensions.pgrst_ddl_watch();
  end if;
  if not exists (select from pg_event_trigger where evtname = 'pgrst_drop_watch') then
    create event trigger pgrst_drop_watch on sql_drop
      execute function extensions.pgrst_drop_watch();
  end if;
end
$$;

reset role;
