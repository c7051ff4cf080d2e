-- Pitlane's local stand-in for pg_cron 1.6 (github.com/citusdata/pg_cron), which the embedded
-- PostgreSQL lacks. pg_cron's SQL API, tables, grants and row security, so a migration written for
-- Supabase Cron runs unchanged; pg_cron's C functions are rewritten in SQL with the same checks
-- and messages. No background worker: the stack's scheduler (supabase/stack/cron/) reads cron.job
-- and records runs in cron.job_run_details as pg_cron's worker does.
--
-- Differences from pg_cron: it may be created in any database (pg_cron only in
-- cron.database_name), but the stack runs the jobs of its own database only; and a job's owner is
-- the session's role (see cron.pitlane_caller()).

\echo Use "CREATE EXTENSION pg_cron" to load this file. \quit

create schema cron;

create sequence cron.jobid_seq;

create table cron.job (
  jobid bigint primary key default pg_catalog.nextval('cron.jobid_seq'),
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport int not null default pg_catalog.inet_server_port(),
  database text not null default pg_catalog.current_database(),
  username text not null default current_user,
  active boolean not null default 'true',
  jobname text,
  constraint jobname_username_uniq unique (jobname, username)
);

grant select on cron.job to public;
alter table cron.job enable row level security;
create policy cron_job_policy on cron.job using (username operator(pg_catalog.=) current_user);

create sequence cron.runid_seq;

create table cron.job_run_details (
  jobid bigint,
  runid bigint primary key default pg_catalog.nextval('cron.runid_seq'),
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamptz,
  end_time timestamptz
);

grant select on cron.job_run_details to public;
grant delete on cron.job_run_details to public;
alter table cron.job_run_details enable row level security;
create policy cron_job_run_details_policy on cron.job_run_details using (username operator(pg_catalog.=) current_user);

-- pg_dump reads the sequences; this grants no nextval.
grant select on sequence cron.jobid_seq to public;
grant select on sequence cron.runid_seq to public;

select pg_catalog.pg_extension_config_dump('cron.job', '');
select pg_catalog.pg_extension_config_dump('cron.jobid_seq', '');
select pg_catalog.pg_extension_config_dump('cron.job_run_details', '');
select pg_catalog.pg_extension_config_dump('cron.runid_seq', '');

-- pg_cron's C functions act for the calling role (GetUserId()). A security definer function sees
-- its owner in current_user, so the caller is the session's role: the role set with SET ROLE (as
-- PostgREST does), else the session user. Inside another security definer function this is the
-- session's role, not that function's owner as in pg_cron.
create function cron.pitlane_caller()
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  select coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user::text)
$$;

-- pg_cron's GetRoleOidIfCanLogin: a job may be given to another role only if it can log in.
create function cron.pitlane_check_login(p_role text)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
  can_login boolean;
begin
  select r.rolcanlogin into can_login from pg_catalog.pg_roles r where r.rolname = p_role;
  if not found then
    raise exception using errcode = 'XX000', message = format('role "%s" does not exist', p_role);
  end if;
  if not can_login then
    raise exception using errcode = 'XX000', message = format('role "%s" can not log in', p_role),
      detail = 'Jobs may only be run by roles that have the LOGIN attribute.';
  end if;
end;
$$;

-- pg_cron's ParseSchedule (Vixie cron's grammar, '$' for the last day of the month, the @ macros,
-- or '[1-59] seconds'). supabase/stack/cron/schedule.ts parses the same grammar to run the jobs;
-- tests/cron/schedule.test.ts checks that both accept the same schedules.
create function cron.pitlane_schedule_is_valid(p_schedule text)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
  spec text := btrim(p_schedule, E' \t\r\n');
  lows constant int[] := array[0, 0, 1, 1, 0];
  highs constant int[] := array[59, 23, 31, 12, 7];
  months constant text[] := array['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  days constant text[] := array['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  fields text[];
  element text;
  parts text[];
  bound text;
  n numeric;
begin
  parts := regexp_match(spec, '^([0-9]+)[ \t]*seconds?$', 'i');
  if parts is not null then
    return parts[1]::numeric between 1 and 59;
  end if;
  if spec like '@%' then
    return substring(spec from '^@([^ \t\n]*)') in
      ('reboot', 'restart', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'midnight', 'hourly');
  end if;
  -- Five fields; like crontab, anything after the fifth is ignored (it was the command).
  fields := regexp_split_to_array(spec, '[ \t]+');
  if coalesce(array_length(fields, 1), 0) < 5 then
    return false;
  end if;
  for i in 1..5 loop
    continue when i = 3 and fields[i] = '$';
    foreach element in array string_to_array(fields[i], ',') loop
      parts := regexp_match(element, '^(?:(\*)|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:/([0-9]+))?$', 'i');
      if parts is null or (parts[1] is null and parts[3] is null and parts[4] is not null) then
        -- Not a list element, or a step after a single number ('1/5'), which cron refuses.
        return false;
      end if;
      -- Vixie cron accepts a range whose start is after its end (it matches nothing).
      if parts[1] is null then
        foreach bound in array array[parts[2], coalesce(parts[3], parts[2])] loop
          n := case
            when i = 4 and lower(bound) = any (months) then array_position(months, lower(bound))
            when i = 5 and lower(bound) = any (days) then array_position(days, lower(bound)) - 1
            when bound ~ '^[0-9]+$' then bound::numeric
          end;
          if n is null or n < lows[i] or n > highs[i] then
            return false;
          end if;
        end loop;
      end if;
      if parts[4] is not null and (parts[4]::numeric < 1 or parts[4]::numeric > highs[i]) then
        return false;
      end if;
    end loop;
  end loop;
  return true;
end;
$$;

-- pg_cron's ScheduleCronJob: checks, then insert (or update by job name and owner).
create function cron.pitlane_schedule_job(
  p_job_name text,
  p_schedule text,
  p_command text,
  p_database text,
  p_username text,
  p_active boolean
)
returns bigint
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
  caller text := cron.pitlane_caller();
  job_user text := caller;
  job_database text := coalesce(p_database, current_database());
  job_id bigint;
begin
  if p_schedule is null then
    raise exception using errcode = 'XX000', message = 'schedule can not be NULL';
  end if;
  if p_command is null then
    raise exception using errcode = 'XX000', message = 'command can not be NULL';
  end if;
  if not cron.pitlane_schedule_is_valid(p_schedule) then
    raise exception using errcode = '22023', message = format('invalid schedule: %s', p_schedule),
      hint = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
  end if;
  if p_username is not null then
    if not exists (select from pg_catalog.pg_roles r where r.rolname = caller and r.rolsuper) then
      raise exception using errcode = 'XX000', message = 'must be superuser to create a job for another role';
    end if;
    perform cron.pitlane_check_login(p_username);
    job_user := p_username;
  end if;
  if not exists (select from pg_catalog.pg_database d where d.datname = job_database) then
    raise exception using errcode = '3D000', message = format('database "%s" does not exist', job_database);
  end if;
  if not has_database_privilege(job_user, job_database, 'CONNECT') then
    raise exception using errcode = 'XX000', message = format('User %s does not have CONNECT privilege on %s', job_user, job_database);
  end if;

  if p_job_name is null then
    insert into cron.job (schedule, command, nodename, nodeport, database, username, active)
    values (p_schedule, p_command, 'localhost', current_setting('port')::int, job_database, job_user, p_active)
    returning jobid into job_id;
  else
    insert into cron.job (schedule, command, nodename, nodeport, database, username, active, jobname)
    values (p_schedule, p_command, 'localhost', current_setting('port')::int, job_database, job_user, p_active, p_job_name)
    on conflict on constraint jobname_username_uniq do update
      set schedule = excluded.schedule, command = excluded.command, database = excluded.database
    returning jobid into job_id;
  end if;
  return job_id;
end;
$$;

create function cron.schedule(schedule text, command text)
returns bigint
language sql
strict
security definer
set search_path = pg_catalog, pg_temp
as $$
  select cron.pitlane_schedule_job(null, $1, $2, null, null, true)
$$;
comment on function cron.schedule(text, text) is 'schedule a pg_cron job';

create function cron.schedule(job_name text, schedule text, command text)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if job_name is null then
    raise exception using errcode = 'XX000', message = 'job_name can not be NULL';
  end if;
  return cron.pitlane_schedule_job(job_name, schedule, command, null, null, true);
end;
$$;
comment on function cron.schedule(text, text, text) is 'schedule a pg_cron job';

create function cron.schedule_in_database(
  job_name text,
  schedule text,
  command text,
  database text,
  username text default null,
  active boolean default 'true'
)
returns bigint
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if job_name is null then
    raise exception using errcode = 'XX000', message = 'job_name can not be NULL';
  end if;
  return cron.pitlane_schedule_job(job_name, schedule, command, database, username, coalesce(active, true));
end;
$$;
comment on function cron.schedule_in_database(text, text, text, text, text, boolean) is 'schedule a pg_cron job';
-- As in pg_cron: an admin decides whether to grant it.
revoke all on function cron.schedule_in_database(text, text, text, text, text, boolean) from public;

create function cron.unschedule(job_id bigint)
returns boolean
language plpgsql
strict
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  caller text := cron.pitlane_caller();
  owner text;
begin
  select j.username into owner from cron.job j where j.jobid = job_id;
  if not found then
    raise exception using errcode = 'XX000', message = format('could not find valid entry for job %s', job_id);
  end if;
  -- Someone else's job needs DELETE on cron.job, as in pg_cron.
  if owner is distinct from caller and not has_table_privilege(caller, 'cron.job', 'DELETE') then
    raise exception using errcode = '42501', message = 'permission denied for table job';
  end if;
  delete from cron.job j where j.jobid = job_id;
  return true;
end;
$$;
comment on function cron.unschedule(bigint) is 'unschedule a pg_cron job';

create function cron.unschedule(job_name text)
returns boolean
language plpgsql
strict
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- By name, only the caller's own job: names are unique per owner.
  delete from cron.job j where j.jobname = job_name and j.username = cron.pitlane_caller();
  if not found then
    raise exception using errcode = 'XX000', message = format('could not find valid entry for job ''%s''', job_name);
  end if;
  return true;
end;
$$;
comment on function cron.unschedule(text) is 'unschedule a pg_cron job';

create function cron.alter_job(
  job_id bigint,
  schedule text default null,
  command text default null,
  database text default null,
  username text default null,
  active boolean default null
)
returns void
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  caller text := cron.pitlane_caller();
  caller_is_superuser boolean := exists (select from pg_catalog.pg_roles r where r.rolname = caller and r.rolsuper);
  acl_user text := caller;
begin
  if alter_job.job_id is null then
    raise exception using errcode = 'XX000', message = 'job_id can not be NULL';
  end if;
  if alter_job.username is not null then
    if not caller_is_superuser then
      raise exception using errcode = 'XX000', message = 'must be superuser to alter username';
    end if;
    perform cron.pitlane_check_login(alter_job.username);
    acl_user := alter_job.username;
  end if;
  if alter_job.database is not null then
    if not exists (select from pg_catalog.pg_database d where d.datname = alter_job.database) then
      raise exception using errcode = '3D000', message = format('database "%s" does not exist', alter_job.database);
    end if;
    if not has_database_privilege(acl_user, alter_job.database, 'CONNECT') then
      raise exception using errcode = 'XX000',
        message = format('User %s does not have CONNECT privilege on %s', acl_user, alter_job.database);
    end if;
  end if;
  if alter_job.schedule is not null and not cron.pitlane_schedule_is_valid(alter_job.schedule) then
    raise exception using errcode = '22023', message = format('invalid schedule: %s', alter_job.schedule),
      hint = 'Use cron format (e.g. 5 4 * * *), or interval format ''[1-59] seconds''';
  end if;
  if num_nonnulls(alter_job.schedule, alter_job.command, alter_job.database, alter_job.username, alter_job.active) = 0 then
    raise exception using errcode = 'XX000', message = 'no updates specified',
      hint = 'You must specify at least one job attribute to change when calling alter_job';
  end if;

  update cron.job j
  set schedule = coalesce(alter_job.schedule, j.schedule),
      command = coalesce(alter_job.command, j.command),
      database = coalesce(alter_job.database, j.database),
      username = coalesce(alter_job.username, j.username),
      active = coalesce(alter_job.active, j.active)
  where j.jobid = alter_job.job_id
    and (caller_is_superuser or j.username = caller);
  if not found then
    raise exception using errcode = 'XX000', message = format('Job %s does not exist or you don''t own it', alter_job.job_id);
  end if;
end;
$$;
comment on function cron.alter_job(bigint, text, text, text, text, boolean)
  is 'Alter the job identified by job_id. Any option left as NULL will not be modified.';
-- As in pg_cron: an admin decides whether alter_job is safe by granting it.
revoke all on function cron.alter_job(bigint, text, text, text, text, boolean) from public;

-- The helpers act only through the functions above.
revoke all on function cron.pitlane_caller() from public;
revoke all on function cron.pitlane_check_login(text) from public;
revoke all on function cron.pitlane_schedule_is_valid(text) from public;
revoke all on function cron.pitlane_schedule_job(text, text, text, text, text, boolean) from public;
