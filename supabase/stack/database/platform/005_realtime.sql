-- The realtime schema as Supabase Realtime leaves it, as far as a project's SQL can see it:
-- realtime.messages (broadcast from the database, authorized by RLS policies on it), the
-- postgres_changes subscription table, realtime.send(), realtime.broadcast_changes(),
-- realtime.topic(), and the supabase_realtime publication. Realtime's WAL-decoding internals
-- (apply_rls, list_changes and their helpers) are not here: the stack's own listener delivers.

set local client_min_messages = warning;

create schema if not exists realtime authorization supabase_admin;

grant usage on schema realtime to postgres with grant option;
grant usage on schema realtime to anon, authenticated, service_role;
grant all on schema realtime to supabase_realtime_admin with grant option;

alter default privileges for role supabase_admin in schema realtime
  grant all on tables to dashboard_user;
alter default privileges for role supabase_admin in schema realtime
  grant all on tables to postgres;
alter default privileges for role supabase_admin in schema realtime
  grant select, insert on tables to postgres with grant option;
alter default privileges for role supabase_admin in schema realtime
  grant all on sequences to postgres, dashboard_user;
alter default privileges for role supabase_admin in schema realtime
  grant all on routines to postgres, dashboard_user;

set local role supabase_admin;

-- Realtime's own migration bookkeeping, left empty: this schema is the stack's, not Realtime's.
create table if not exists realtime.schema_migrations (
  version bigint not null,
  inserted_at timestamp(0),
  constraint schema_migrations_pkey primary key (version)
);

revoke all on realtime.schema_migrations from postgres, dashboard_user;

set local role supabase_realtime_admin;

do $$
begin
  if not exists (select from pg_type where typname = 'action' and typnamespace = 'realtime'::regnamespace) then
    create type realtime.action as enum ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'ERROR');
  end if;

  if not exists (select from pg_type where typname = 'equality_op' and typnamespace = 'realtime'::regnamespace) then
    create type realtime.equality_op as enum (
      'eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'match', 'imatch', 'isdistinct'
    );
  end if;

  if not exists (
    select
    from pg_type
    where typname = 'user_defined_filter'
      and typnamespace = 'realtime'::regnamespace
  ) then
    create type realtime.user_defined_filter as (
      column_name text,
      op realtime.equality_op,
      value text,
      negate boolean
    );
  end if;

  if not exists (select from pg_type where typname = 'wal_column' and typnamespace = 'realtime'::regnamespace) then
    create type realtime.wal_column as (
      name text,
      type_name text,
      type_oid oid,
      value jsonb,
      is_pkey boolean,
      is_selectable boolean
    );
  end if;

  if not exists (select from pg_type where typname = 'wal_rls' and typnamespace = 'realtime'::regnamespace) then
    create type realtime.wal_rls as (
      wal jsonb,
      is_rls_enabled boolean,
      subscription_ids uuid[],
      errors text[]
    );
  end if;
end
$$;

-- Hosted Realtime partitions this table by day and creates each day's partition itself; with no
-- such process here it is one plain table with the same columns, key and RLS.
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  binary_payload bytea,
  constraint messages_pkey primary key (id, inserted_at),
  constraint messages_payload_exclusive check (payload is null or binary_payload is null)
);

create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;

alter table realtime.messages enable row level security;

-- Used in a generated column, so it has to be declared immutable.
create or replace function realtime.to_regrole(role_name text)
returns regrole
language sql
immutable
as $$
  select role_name::regrole
$$;

create table if not exists realtime.subscription (
  id bigint generated always as identity,
  subscription_id uuid not null,
  entity regclass not null,
  filters realtime.user_defined_filter[] not null default '{}',
  claims jsonb not null,
  claims_role regrole not null generated always as (realtime.to_regrole(claims ->> 'role')) stored,
  created_at timestamp not null default timezone('utc', now()),
  action_filter text default '*',
  selected_columns text[] default null,
  constraint pk_subscription primary key (id),
  constraint subscription_action_filter_check check (action_filter in ('*', 'INSERT', 'UPDATE', 'DELETE'))
);

create index if not exists ix_realtime_subscription_entity on realtime.subscription (entity);
-- Realtime's name for this index, as PostgreSQL's 63-byte limit truncates it.
create unique index if not exists subscription_subscription_id_entity_filters_action_filter_selec
  on realtime.subscription (subscription_id, entity, filters, action_filter, coalesce(selected_columns, '{}'));

-- The topic of the message being authorized, for RLS policies on realtime.messages.
create or replace function realtime.topic()
returns text
language sql
stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;

-- A failed send must not fail the caller's transaction, so errors become warnings.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  message_id uuid := gen_random_uuid();
begin
  begin
    perform set_config('realtime.topic', topic, true);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (
      message_id,
      case when payload ? 'id' then payload else jsonb_set(payload, '{id}', to_jsonb(message_id)) end,
      event,
      topic,
      private,
      'broadcast'
    );
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
begin
  begin
    perform set_config('realtime.topic', topic, true);

    insert into realtime.messages (id, binary_payload, event, topic, private, extension)
    values (gen_random_uuid(), payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

-- Called from a row trigger: broadcasts the change to topic_name as event_name.
create or replace function realtime.broadcast_changes(
  topic_name text,
  event_name text,
  operation text,
  table_name text,
  table_schema text,
  new record,
  old record,
  level text default 'ROW'
)
returns void
language plpgsql
as $$
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;

  if operation not in ('INSERT', 'UPDATE', 'DELETE') then
    raise exception 'Unexpected operation type: %', operation;
  end if;

  perform realtime.send(
    jsonb_build_object(
      'old_record', old,
      'record', new,
      'operation', operation,
      'table', table_name,
      'schema', table_schema
    ),
    event_name,
    topic_name
  );
exception
  when others then
    raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

grant select, insert, update on realtime.messages to anon, authenticated, service_role;
grant all on realtime.messages to postgres;
grant select, insert on realtime.messages to postgres with grant option;
grant all on realtime.messages to dashboard_user;

grant select on realtime.subscription to anon, authenticated, service_role;
grant all on realtime.subscription to postgres, dashboard_user;
grant usage on sequence realtime.subscription_id_seq to anon, authenticated, service_role;
grant all on sequence realtime.subscription_id_seq to postgres, dashboard_user;

grant execute on function realtime.to_regrole(text) to postgres, dashboard_user, anon, authenticated, service_role;
grant execute on function realtime.topic() to postgres, dashboard_user;
grant execute on function realtime.send(jsonb, text, text, boolean) to postgres, dashboard_user;
grant execute on function realtime.send_binary(bytea, text, text, boolean) to postgres, dashboard_user;
grant execute on function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to postgres, dashboard_user;

reset role;

do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end
$$;
