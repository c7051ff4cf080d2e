-- Supabase's grants on public: the API roles may use the schema, and everything the project
-- owner (postgres) or supabase_admin creates there is granted to them in full. What a request
-- may actually read or change is then decided by row level security, as on hosted Supabase.

set local client_min_messages = warning;

grant usage on schema public to postgres, anon, authenticated, service_role;

alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

grant create, usage on schema public to supabase_realtime_admin;
