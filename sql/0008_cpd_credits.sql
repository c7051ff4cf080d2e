-- The CPD credit ledger: credits earned by attending events and completing courses (written by
-- triggers, once per registration or enrollment) and activities members record themselves;
-- totals per period, and CSV exports for a member and for an organization.

create type public.cpd_source as enum ('event_attendance', 'course_completion', 'self_reported');

create table public.cpd_credit_entries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  organization_id uuid references public.organizations (id) on delete set null,
  source public.cpd_source not null default 'self_reported',
  registration_id uuid references public.event_registrations (id) on delete set null,
  enrollment_id uuid references public.course_enrollments (id) on delete set null,
  activity_title text not null,
  provider_name text,
  category text,
  credits numeric(6, 2) not null,
  earned_at timestamptz not null,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint cpd_credit_entries_registration_key unique (registration_id),
  constraint cpd_credit_entries_enrollment_key unique (enrollment_id),
  constraint cpd_credit_entries_credits check (credits > 0),
  constraint cpd_credit_entries_title_length check (char_length(activity_title) between 1 and 250),
  constraint cpd_credit_entries_notes_length check (char_length(notes) <= 2000),
  constraint cpd_credit_entries_self_reported check (
    source <> 'self_reported' or (registration_id is null and enrollment_id is null and organization_id is null)
  )
);

comment on table public.cpd_credit_entries is
  'The CPD credit ledger. event_attendance and course_completion entries are written by the database when a registration is first checked in or an enrollment completes; members add, change and remove their own self_reported entries.';

create index cpd_credit_entries_user_id_idx on public.cpd_credit_entries (user_id, earned_at);
create index cpd_credit_entries_organization_id_idx on public.cpd_credit_entries (organization_id, earned_at);

create trigger cpd_credit_entries_updated_at
  before update on public.cpd_credit_entries
  for each row execute function extensions.moddatetime(updated_at);

-- Direct writes (members) are self-reported entries of their own; the earned ones are the database's.
create function private.guard_cpd_credit_entry()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.is_trusted() then
    return new;
  end if;
  if new.source <> 'self_reported' or (tg_op = 'UPDATE' and old.source <> 'self_reported') then
    raise exception using errcode = '42501', message = 'only self-reported CPD entries can be written directly',
      hint = 'credits for events and courses are recorded by the platform';
  end if;
  if tg_op = 'UPDATE' and new.user_id <> old.user_id then
    raise exception using errcode = '42501', message = 'an entry cannot move to another person';
  end if;
  return new;
end;
$$;

create trigger cpd_credit_entries_guard
  before insert or update on public.cpd_credit_entries
  for each row execute function private.guard_cpd_credit_entry();

-- Earned credits: the first check-in of a registration for an event with credits.
create function private.record_attendance_credits()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.cpd_credit_entries (user_id, organization_id, source, registration_id, activity_title, provider_name, category, credits, earned_at)
  select new.user_id, e.organization_id, 'event_attendance', new.id, e.title, o.display_name, e.cpd_category, e.cpd_credits, new.attended_at
  from public.events e
  left join public.organizations o on o.id = e.organization_id
  where e.id = new.event_id
    and e.cpd_credits > 0
  on conflict (registration_id) do nothing;
  return null;
end;
$$;

revoke all on function private.record_attendance_credits() from public;

create trigger event_registrations_attendance_credits
  after update of attended_at on public.event_registrations
  for each row
  when (old.attended_at is null and new.attended_at is not null)
  execute function private.record_attendance_credits();

-- Earned credits: a completed course with credits.
create function private.record_completion_credits()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.cpd_credit_entries (user_id, organization_id, source, enrollment_id, activity_title, provider_name, category, credits, earned_at)
  select new.user_id, c.organization_id, 'course_completion', new.id, c.title, o.display_name, c.cpd_category, c.cpd_credits, new.completed_at
  from public.courses c
  join public.organizations o on o.id = c.organization_id
  where c.id = new.course_id
    and c.cpd_credits > 0
  on conflict (enrollment_id) do nothing;
  return null;
end;
$$;

revoke all on function private.record_completion_credits() from public;

create trigger course_enrollments_completion_credits
  after update of status on public.course_enrollments
  for each row
  when (new.status = 'completed' and old.status <> 'completed')
  execute function private.record_completion_credits();

-- ---------------------------------------------------------------------------------------------
-- Totals and exports
-- ---------------------------------------------------------------------------------------------

-- The caller's credits per period ('month', 'quarter' or 'year', in p_time_zone) from p_from
-- (inclusive) to p_to (exclusive), both optional; with the share of each source.
create function public.cpd_credit_totals(
  p_period text default 'year',
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_time_zone text default 'UTC'
)
returns table (
  period_start date,
  credits numeric,
  event_credits numeric,
  course_credits numeric,
  self_reported_credits numeric,
  entry_count integer
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if (select auth.uid()) is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  if p_period not in ('month', 'quarter', 'year') then
    raise exception using errcode = '22023', message = 'p_period must be month, quarter or year';
  end if;
  if not private.is_valid_time_zone(p_time_zone) then
    raise exception using errcode = '22023', message = format('%s is not a time zone', p_time_zone),
      hint = 'use an IANA name such as Asia/Jakarta';
  end if;
  return query
  select
    pg_catalog.date_trunc(p_period, e.earned_at at time zone p_time_zone)::date,
    sum(e.credits),
    coalesce(sum(e.credits) filter (where e.source = 'event_attendance'), 0),
    coalesce(sum(e.credits) filter (where e.source = 'course_completion'), 0),
    coalesce(sum(e.credits) filter (where e.source = 'self_reported'), 0),
    count(*)::integer
  from public.cpd_credit_entries e
  where e.user_id = (select auth.uid())
    and (p_from is null or e.earned_at >= p_from)
    and (p_to is null or e.earned_at < p_to)
  group by 1
  order by 1;
end;
$$;

-- One CSV field: quoted when needed, and a leading = + - @ defused so spreadsheets do not run it.
create function private.csv_field(p_value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_value is null then ''
    else '"' || pg_catalog.replace(
      case when p_value ~ '^[=+\-@\t\r]' then '''' || p_value else p_value end,
      '"', '""'
    ) || '"'
  end
$$;

revoke all on function private.csv_field(text) from public;
grant execute on function private.csv_field(text) to authenticated, service_role;

-- The caller's ledger as CSV (header line first, CRLF line ends as RFC 4180 says).
create function public.export_cpd_credits_csv(p_from timestamptz default null, p_to timestamptz default null)
returns text
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if (select auth.uid()) is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  return (
    select 'earned_at,activity,provider,source,category,credits,certificate_number' || E'\r\n'
      || coalesce(pg_catalog.string_agg(
        pg_catalog.concat_ws(',',
          pg_catalog.to_char(e.earned_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          private.csv_field(e.activity_title),
          private.csv_field(e.provider_name),
          e.source::text,
          private.csv_field(e.category),
          pg_catalog.trim_scale(e.credits)::text,
          private.csv_field(c.certificate_number)
        ) || E'\r\n',
        '' order by e.earned_at, e.id
      ), '')
    from public.cpd_credit_entries e
    left join lateral (
      select cert.certificate_number
      from public.certificates cert
      where (cert.registration_id = e.registration_id or cert.enrollment_id = e.enrollment_id)
        and cert.revoked_at is null
      order by cert.issued_at desc
      limit 1
    ) c on true
    where e.user_id = (select auth.uid())
      and (p_from is null or e.earned_at >= p_from)
      and (p_to is null or e.earned_at < p_to)
  );
end;
$$;

-- An organization's credits awarded to its learners and attendees, as CSV: admins and owners.
create function public.export_organization_cpd_credits_csv(
  p_organization_id uuid,
  p_from timestamptz default null,
  p_to timestamptz default null
)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.can_manage(p_organization_id, 'admin') then
    raise exception using errcode = '42501', message = 'only admins of the organization can export its CPD credits';
  end if;
  return (
    select 'earned_at,member_id,member_name,activity,source,category,credits' || E'\r\n'
      || coalesce(pg_catalog.string_agg(
        pg_catalog.concat_ws(',',
          pg_catalog.to_char(e.earned_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          e.user_id::text,
          private.csv_field(p.display_name),
          private.csv_field(e.activity_title),
          e.source::text,
          private.csv_field(e.category),
          pg_catalog.trim_scale(e.credits)::text
        ) || E'\r\n',
        '' order by e.earned_at, e.id
      ), '')
    from public.cpd_credit_entries e
    join public.profiles p on p.id = e.user_id
    where e.organization_id = p_organization_id
      and (p_from is null or e.earned_at >= p_from)
      and (p_to is null or e.earned_at < p_to)
  );
end;
$$;

revoke all on function public.cpd_credit_totals(text, timestamptz, timestamptz, text) from public, anon;
revoke all on function public.export_cpd_credits_csv(timestamptz, timestamptz) from public, anon;
revoke all on function public.export_organization_cpd_credits_csv(uuid, timestamptz, timestamptz) from public, anon;
grant execute on function public.cpd_credit_totals(text, timestamptz, timestamptz, text) to authenticated, service_role;
grant execute on function public.export_cpd_credits_csv(timestamptz, timestamptz) to authenticated, service_role;
grant execute on function public.export_organization_cpd_credits_csv(uuid, timestamptz, timestamptz) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.cpd_credit_entries from anon, authenticated;
grant all on public.cpd_credit_entries to service_role;
grant select, insert, update, delete on public.cpd_credit_entries to authenticated;

alter table public.cpd_credit_entries enable row level security;

create policy "cpd_credit_entries: member, issuing organization's staff and platform admins read"
  on public.cpd_credit_entries for select to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "cpd_credit_entries: members record their own activities"
  on public.cpd_credit_entries for insert to authenticated
  with check (user_id = (select auth.uid()) and source = 'self_reported' and (select private.is_active_user()));

create policy "cpd_credit_entries: members change their own activities"
  on public.cpd_credit_entries for update to authenticated
  using (user_id = (select auth.uid()) and source = 'self_reported')
  with check (user_id = (select auth.uid()) and source = 'self_reported');

create policy "cpd_credit_entries: members remove their own activities"
  on public.cpd_credit_entries for delete to authenticated
  using (user_id = (select auth.uid()) and source = 'self_reported');
