-- Database Webhooks, as the Supabase CLI's database image has them (supabase/supabase
-- docker/volumes/db/webhooks.sql): pg_net in `extensions`, the `supabase_functions` schema with
-- its migrations and hooks tables, and the supabase_functions.http_request() trigger function
-- that a webhook's trigger calls with (url, method, headers, params, timeout_ms[, retries]).
-- pg_net here is the stack's SQL-only stand-in (database/extensions/), whose requests the stack's
-- net service sends after commit. A DATABASE_URL server without pg_net gets the schema and the
-- function, which then fail naming net.http_post, as on a server without the extension.

set local client_min_messages = warning;

do $$
begin
  if exists (select from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;

create schema if not exists supabase_functions authorization supabase_admin;

grant usage on schema supabase_functions to postgres, anon, authenticated, service_role;
alter default privileges in schema supabase_functions grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges in schema supabase_functions grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema supabase_functions grant all on sequences to postgres, anon, authenticated, service_role;

create table if not exists supabase_functions.migrations (
  version text primary key,
  inserted_at timestamptz not null default now()
);

insert into supabase_functions.migrations (version) values ('initial') on conflict do nothing;

create table if not exists supabase_functions.hooks (
  id bigserial primary key,
  hook_table_id integer not null,
  hook_name text not null,
  created_at timestamptz not null default now(),
  request_id bigint
);

create index if not exists supabase_functions_hooks_request_id_idx on supabase_functions.hooks using btree (request_id);
create index if not exists supabase_functions_hooks_h_table_id_h_name_idx on supabase_functions.hooks using btree (hook_table_id, hook_name);

comment on table supabase_functions.hooks is 'Supabase Functions Hooks: Audit trail for triggered hooks.';

-- Supabase's trigger function, as it is (with its retries after errors raised while queueing).
create or replace function supabase_functions.http_request()
  returns trigger
  language plpgsql
  security definer
  set search_path to 'supabase_functions'
as $function$
  declare
    local_request_id bigint;
    payload jsonb;
    url text := TG_ARGV[0]::text;
    method text := TG_ARGV[1]::text;
    headers jsonb default '{}'::jsonb;
    params jsonb default '{}'::jsonb;
    timeout_ms integer;
    retry_count integer default 0;
    max_retries integer := coalesce(TG_ARGV[5]::integer, 0);
    succeeded boolean := false;
    retry_delays double precision[] := array[0, 0.250, 0.500, 1.000, 2.500, 5.000];
    status_code integer := 0;
  begin
    if url is null or url = 'null' then
      raise exception 'url argument is missing';
    end if;

    if method is null or method = 'null' then
      raise exception 'method argument is missing';
    end if;

    if TG_ARGV[2] is null or TG_ARGV[2] = 'null' then
      headers = '{"Content-Type": "application/json"}'::jsonb;
    else
      headers = TG_ARGV[2]::jsonb;
    end if;

    if TG_ARGV[3] is null or TG_ARGV[3] = 'null' then
      params = '{}'::jsonb;
    else
      params = TG_ARGV[3]::jsonb;
    end if;

    if TG_ARGV[4] is not null or TG_ARGV[4] <> 'null' then
      timeout_ms = TG_ARGV[4]::integer;
    end if;

    while not succeeded and retry_count <= max_retries loop
      perform pg_sleep(retry_delays[retry_count + 1]);
      if retry_delays[retry_count + 1] > 0 then
        raise warning 'Retrying HTTP request: {retry_attempt: %, url: "%", timeout_ms: %, retry_delay_ms: %}',
          retry_count, url, timeout_ms, retry_delays[retry_count + 1] * 1000;
      end if;
      retry_count := retry_count + 1;
      begin
        case
          when method = 'GET' then
            select http_get into local_request_id from net.http_get(
              url,
              params,
              headers,
              timeout_ms
            );
          when method = 'POST' then
            payload = jsonb_build_object(
              'old_record', OLD,
              'record', NEW,
              'type', TG_OP,
              'table', TG_TABLE_NAME,
              'schema', TG_TABLE_SCHEMA
            );

            select http_post into local_request_id from net.http_post(
              url,
              payload,
              params,
              headers,
              timeout_ms
            );
          else
            raise exception 'method argument % is invalid', method;
        end case;

        if local_request_id is not null then
          select (response).status_code::integer
            into status_code
            from net._http_collect_response(local_request_id);
          if status_code < 500 then
            succeeded := true;
          end if;
        end if;
        exit when succeeded;
      exception
        when others then
          if retry_count > max_retries then
            raise exception 'HTTP request failed after % retries. SQL Error: { %, % }',
              max_retries, SQLERRM, SQLSTATE;
          end if;
      end;
    end loop;
    insert into supabase_functions.hooks
      (hook_table_id, hook_name, request_id)
    values
      (TG_RELID, TG_NAME, local_request_id);
    return new;
  end
$function$;

grant all privileges on schema supabase_functions to supabase_functions_admin;
grant all privileges on all tables in schema supabase_functions to supabase_functions_admin;
grant all privileges on all sequences in schema supabase_functions to supabase_functions_admin;
alter role supabase_functions_admin set search_path = "supabase_functions";
alter table supabase_functions.migrations owner to supabase_functions_admin;
alter table supabase_functions.hooks owner to supabase_functions_admin;
alter function supabase_functions.http_request() owner to supabase_functions_admin;
grant supabase_functions_admin to postgres;

-- pg_net's functions run as their owner for every API role, as Supabase grants them.
create or replace function extensions.grant_pg_net_access()
returns event_trigger
language plpgsql
as $$
begin
  if exists (
    select 1
    from pg_event_trigger_ddl_commands() as ev
    join pg_extension as ext on ev.objid = ext.oid
    where ext.extname = 'pg_net'
  ) then
    grant usage on schema net to supabase_functions_admin, postgres, anon, authenticated, service_role;
    alter function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) security definer;
    alter function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) security definer;
    alter function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) set search_path = net;
    alter function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) set search_path = net;
    revoke all on function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) from public;
    revoke all on function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) from public;
    grant execute on function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) to supabase_functions_admin, postgres, anon, authenticated, service_role;
    grant execute on function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) to supabase_functions_admin, postgres, anon, authenticated, service_role;
  end if;
end;
$$;

comment on function extensions.grant_pg_net_access is 'Grants access to pg_net';

do $$
begin
  if not exists (select from pg_event_trigger where evtname = 'issue_pg_net_access') then
    create event trigger issue_pg_net_access on ddl_command_end when tag in ('CREATE EXTENSION')
      execute procedure extensions.grant_pg_net_access();
  end if;
end
$$;

-- The extension created above, before the event trigger existed, gets the same grants.
do $$
begin
  if exists (select from pg_extension where extname = 'pg_net') then
    grant usage on schema net to supabase_functions_admin, postgres, anon, authenticated, service_role;
    alter function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) security definer;
    alter function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) security definer;
    alter function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) set search_path = net;
    alter function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) set search_path = net;
    revoke all on function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) from public;
    revoke all on function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) from public;
    grant execute on function net.http_get(url text, params jsonb, headers jsonb, timeout_milliseconds integer) to supabase_functions_admin, postgres, anon, authenticated, service_role;
    grant execute on function net.http_post(url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer) to supabase_functions_admin, postgres, anon, authenticated, service_role;
  end if;
end
$$;

insert into supabase_functions.migrations (version) values ('20210809183423_update_grants') on conflict do nothing;
alter function supabase_functions.http_request() security definer;
alter function supabase_functions.http_request() set search_path = supabase_functions;
revoke all on function supabase_functions.http_request() from public;
grant execute on function supabase_functions.http_request() to postgres, anon, authenticated, service_role;
insert into supabase_functions.migrations (version) values ('20240115163000_add_retry_to_http_request') on conflict do nothing;
