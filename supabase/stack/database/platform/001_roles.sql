-- Roles of Supabase's PostgreSQL image, with the attributes, settings and memberships a hosted
-- project has. Roles are global to the server, so every step converges an existing role
-- instead of assuming a fresh cluster. `postgres` stays the superuser it was made by initdb.

set local client_min_messages = warning;

do $$
declare
  r record;
begin
  for r in
    select *
    from (
      values
        ('anon', 'nosuperuser inherit nocreaterole nocreatedb nologin noreplication nobypassrls'),
        ('authenticated', 'nosuperuser inherit nocreaterole nocreatedb nologin noreplication nobypassrls'),
        ('service_role', 'nosuperuser inherit nocreaterole nocreatedb nologin noreplication bypassrls'),
        ('authenticator', 'nosuperuser noinherit nocreaterole nocreatedb login noreplication nobypassrls'),
        ('supabase_admin', 'superuser inherit createrole createdb login replication bypassrls'),
        ('supabase_auth_admin', 'nosuperuser noinherit nocreaterole nocreatedb login noreplication nobypassrls'),
        ('supabase_storage_admin', 'nosuperuser noinherit createrole nocreatedb login noreplication nobypassrls'),
        ('supabase_realtime_admin', 'nosuperuser noinherit createrole nocreatedb login replication nobypassrls'),
        ('supabase_functions_admin', 'nosuperuser noinherit createrole nocreatedb login noreplication nobypassrls'),
        ('supabase_replication_admin', 'nosuperuser inherit nocreaterole nocreatedb login replication nobypassrls'),
        ('supabase_read_only_user', 'nosuperuser inherit nocreaterole nocreatedb login noreplication bypassrls'),
        ('supabase_etl_admin', 'nosuperuser inherit nocreaterole nocreatedb login replication bypassrls'),
        ('dashboard_user', 'nosuperuser inherit createrole createdb nologin replication nobypassrls'),
        ('pgbouncer', 'nosuperuser inherit nocreaterole nocreatedb login noreplication nobypassrls')
    ) as roles (name, attributes)
  loop
    if not exists (select from pg_roles where rolname = r.name) then
      execute format('create role %I', r.name);
    end if;
    execute format('alter role %I with %s', r.name, r.attributes);
  end loop;

  -- The Supabase CLI's local password for every login role; a password someone already set is kept.
  for r in
    select rolname
    from pg_authid
    where rolcanlogin
      and rolpassword is null
      and rolname in (
        'authenticator', 'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin',
        'supabase_realtime_admin', 'supabase_functions_admin', 'supabase_replication_admin',
        'supabase_read_only_user', 'supabase_etl_admin', 'pgbouncer'
      )
  loop
    execute format('alter role %I with password %L', r.rolname, 'postgres');
  end loop;
end
$$;

-- PostgREST logs in as authenticator and switches to the role named in the JWT.
grant anon, authenticated, service_role to authenticator;

-- Storage API connects as its admin and then acts as the request's role through authenticator.
grant authenticator to supabase_storage_admin;
grant anon, authenticated, service_role to supabase_realtime_admin;

grant pg_read_all_data, pg_monitor to supabase_read_only_user;
grant pg_read_all_data, pg_monitor to supabase_etl_admin;

-- What the project owner (postgres) is given on hosted Supabase, where it is not a superuser.
grant anon, authenticated, service_role, authenticator to postgres with admin option;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres with admin option;

do $$
begin
  if exists (select from pg_roles where rolname = 'pg_create_subscription') then
    grant pg_create_subscription to postgres with admin option;
  end if;
end
$$;

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
-- Hosted also preloads supautils and safeupdate for authenticator; neither ships with a plain
-- PostgreSQL, and a preload of a missing library would refuse every authenticator login.

alter role postgres set search_path = "$user", public, extensions;
alter role supabase_admin set search_path = "$user", public, auth, extensions;
alter role supabase_admin set log_statement = 'none';
alter role supabase_auth_admin set search_path = auth;
alter role supabase_auth_admin set idle_in_transaction_session_timeout = 60000;
alter role supabase_auth_admin set log_statement = 'none';
alter role supabase_storage_admin set search_path = storage;
alter role supabase_storage_admin set log_statement = 'none';
alter role supabase_realtime_admin set search_path = public, extensions, realtime;
alter role supabase_read_only_user set default_transaction_read_only = on;

-- realtime.list_changes lowers log_min_messages for itself.
grant set on parameter log_min_messages to supabase_realtime_admin;

do $$
begin
  execute format('grant all on database %I to dashboard_user', current_database());
  execute format(
    'grant create on database %I to supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin',
    current_database()
  );
end
$$;
