-- Which profile fields are whose. `profiles` is readable by every signed-in user (a row-level
-- policy cannot hide columns), so it keeps only what anyone may see; what is for the person and
-- platform admins only lives in tables of its own, with owner-or-admin policies:
--
--   profiles             public to signed-in users: id, display_name, avatar_url, headline, bio,
--                        city, verification_status, verified_at (the "verified" badge), created_at,
--                        updated_at
--   profile_contacts     the person and platform admins: phone, postal address (0001)
--   profile_suspensions  the person and platform admins: when a suspension starts and ends, why,
--                        and who decided it (new here; the suspension columns leave profiles)
--
-- Separate tables rather than column privileges, so `from('profiles').select('*')` keeps working
-- for every signed-in user: with a column left out of a SELECT grant, `select=*` is refused
-- whole (42501).

create table public.profile_suspensions (
  profile_id uuid primary key references public.profiles (id) on delete cascade,
  suspended_at timestamptz not null default now(),
  suspended_until timestamptz,
  reason text,
  suspended_by uuid default auth.uid() references public.profiles (id) on delete set null,
  updated_at timestamptz not null default now(),
  constraint profile_suspensions_ends_after_start check (suspended_until is null or suspended_until > suspended_at),
  constraint profile_suspensions_reason_length check (char_length(reason) <= 2000)
);

comment on table public.profile_suspensions is
  'A person''s suspension, at most one: a suspended user can read but not create or change content. Visible to the person and platform admins; written by platform admins. Lift it by deleting the row or by setting suspended_until.';
comment on column public.profile_suspensions.suspended_at is
  'When the suspension starts (it may be scheduled ahead).';
comment on column public.profile_suspensions.suspended_until is
  'When the suspension ends by itself; null for until lifted.';
comment on column public.profile_suspensions.reason is
  'Why, in words the person is shown. Never visible to other members.';
comment on column public.profile_suspensions.suspended_by is
  'The platform admin who suspended the person (the caller; null for the service role).';

create index profile_suspensions_suspended_by_idx on public.profile_suspensions (suspended_by);

create trigger profile_suspensions_updated_at
  before update on public.profile_suspensions
  for each row execute function extensions.moddatetime(updated_at);

insert into public.profile_suspensions (profile_id, suspended_at, suspended_until, reason, suspended_by)
select id, suspended_at, suspended_until, suspension_reason, null
from public.profiles
where suspended_at is not null;

-- True while p_profile_id is suspended.
create function private.is_suspended(p_profile_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.profile_suspensions
    where profile_id = p_profile_id
      and suspended_at <= now()
      and (suspended_until is null or suspended_until > now())
  )
$$;

revoke all on function private.is_suspended(uuid) from public;
grant execute on function private.is_suspended(uuid) to anon, authenticated, service_role;

create or replace function private.is_active_user()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.profiles where id = (select auth.uid()))
    and not private.is_suspended((select auth.uid()))
$$;

-- Verification is set by platform admins (or trusted code) only; suspension now has its own table.
create or replace function private.guard_profile()
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
    or new.created_at is distinct from old.created_at then
    raise exception using errcode = '42501',
      message = 'verification can only be changed by a platform admin',
      hint = 'update display_name, avatar_url, headline, bio or city';
  end if;
  return new;
end;
$$;

-- transfer_registration read the recipient's suspension from profiles; the rest is as 0004 left
-- it, with the error codes of 0014.
create or replace function public.transfer_registration(p_registration_id uuid, p_recipient_id uuid)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_registration public.event_registrations;
  v_event public.events;
begin
  v_registration := private.lock_registration(p_registration_id);
  if v_registration.user_id <> v_user_id and not private.can_manage(v_registration.organization_id) then
    raise exception using errcode = 'PT404', message = 'registration not found';
  end if;
  select * into v_event from public.events where id = v_registration.event_id;
  if not v_event.allow_transfers then
    raise exception using errcode = 'PT409', message = 'this event does not allow transfers';
  end if;
  if v_registration.status <> 'confirmed' then
    raise exception using errcode = 'PT409', message = 'only a confirmed registration can be transferred',
      hint = format('this registration is %s', v_registration.status);
  end if;
  if v_registration.attended_at is not null then
    raise exception using errcode = 'PT409', message = 'a registration that was checked in cannot be transferred';
  end if;
  if v_event.starts_at <= now() then
    raise exception using errcode = 'PT409', message = 'the event has started: registrations can no longer be transferred';
  end if;
  if p_recipient_id is null or p_recipient_id = v_registration.user_id then
    raise exception using errcode = '22023', message = 'transfer to someone else',
      hint = 'p_recipient_id is the profile id of the new attendee';
  end if;
  if not exists (select 1 from public.profiles where id = p_recipient_id) or private.is_suspended(p_recipient_id) then
    raise exception using errcode = 'PT404', message = 'the recipient does not exist or is suspended';
  end if;
  if v_event.members_only and not exists (
    select 1
    from public.organization_members
    where organization_id = v_event.organization_id
      and user_id = p_recipient_id
  ) then
    raise exception using errcode = 'PT409', message = 'the recipient must be a member of the organization',
      hint = 'this event is for members only';
  end if;
  if exists (
    select 1
    from public.event_registrations
    where event_id = v_registration.event_id
      and user_id = p_recipient_id
      and status in ('pending_payment', 'confirmed', 'waitlisted', 'offered')
  ) then
    raise exception using errcode = 'PT409', message = 'the recipient is already registered for this event';
  end if;

  update public.event_registrations
  set user_id = p_recipient_id,
    transferred_from_user_id = user_id,
    transferred_at = now(),
    check_in_token = private.random_token(24),
    invited_by = case when invited_by = p_recipient_id then null else invited_by end
  where id = p_registration_id
  returning * into v_registration;
  return v_registration;
end;
$$;

alter table public.profiles drop constraint profiles_suspension;
alter table public.profiles
  drop column suspended_at,
  drop column suspended_until,
  drop column suspension_reason;

comment on table public.profiles is
  'A person: one row per auth.users row, created by a trigger. Every column is public to signed-in users; phone and address are in profile_contacts, suspensions in profile_suspensions (the person and platform admins only).';
comment on column public.profiles.verification_status is
  'Public on purpose (the "verified" badge); set by platform admins only.';

-- Privileges and policies: the person reads their own suspension; platform admins read and write
-- all of them; suspended_by is always the caller (its default), never written by hand.
revoke all on public.profile_suspensions from anon, authenticated;
grant all on public.profile_suspensions to service_role;
grant select, delete on public.profile_suspensions to authenticated;
grant insert (profile_id, suspended_at, suspended_until, reason) on public.profile_suspensions to authenticated;
grant update (suspended_at, suspended_until, reason) on public.profile_suspensions to authenticated;

alter table public.profile_suspensions enable row level security;

create policy "profile_suspensions: the person or a platform admin reads"
  on public.profile_suspensions for select to authenticated
  using (profile_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "profile_suspensions: platform admin suspends"
  on public.profile_suspensions for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "profile_suspensions: platform admin changes"
  on public.profile_suspensions for update to authenticated
  using ((select private.is_platform_admin()))
  with check ((select private.is_platform_admin()));

create policy "profile_suspensions: platform admin lifts"
  on public.profile_suspensions for delete to authenticated
  using ((select private.is_platform_admin()));

comment on function private.is_suspended(uuid) is
  'True while the person has a suspension in force (started, not yet ended). For policies and RPCs; suspension details stay in profile_suspensions.';
