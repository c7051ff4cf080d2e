-- Organizations: one model for club companies, CPD training providers and marketplace stores, with
-- members (owner, admin, staff, member; a person in charge) and invitations by email or by code
-- (the club's "transaction number"), accepted or declined through RPCs.

create type public.organization_kind as enum ('company', 'training_provider', 'store');

-- Declared from least to most: `role >= 'staff'` means staff, admin or owner.
create type public.organization_role as enum ('member', 'staff', 'admin', 'owner');

create type public.invitation_status as enum ('pending', 'accepted', 'declined');

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  kind public.organization_kind not null default 'company',
  slug text not null,
  display_name text not null,
  description text,
  address text,
  city text,
  country_code text,
  contact_name text,
  contact_phone text,
  email text,
  website_url text,
  logo_path text,
  is_verified boolean not null default false,
  member_count integer not null default 0,
  created_by uuid not null default auth.uid() references public.profiles (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organizations_slug_key unique (slug),
  constraint organizations_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
  constraint organizations_display_name_length check (char_length(display_name) between 1 and 250),
  constraint organizations_email_format check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  constraint organizations_country_code check (country_code ~ '^[A-Z]{2}$'),
  constraint organizations_website_url check (website_url ~ '^https?://'),
  constraint organizations_member_count check (member_count >= 0)
);

comment on table public.organizations is
  'Club companies, CPD training providers and marketplace stores (kind). The creator becomes its owner. logo_path is an object in the organization-logos bucket.';
comment on column public.organizations.is_verified is 'Set by platform admins only.';
comment on column public.organizations.member_count is 'Kept by a trigger on organization_members.';

create index organizations_created_by_idx on public.organizations (created_by);
create index organizations_kind_idx on public.organizations (kind);
create index organizations_display_name_trgm on public.organizations using gin (display_name extensions.gin_trgm_ops);
create index organizations_city_trgm on public.organizations using gin (city extensions.gin_trgm_ops);

create trigger organizations_updated_at
  before update on public.organizations
  for each row execute function extensions.moddatetime(updated_at);

create table public.organization_members (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.organization_role not null default 'member',
  is_person_in_charge boolean not null default false,
  invited_by uuid references public.profiles (id) on delete set null,
  joined_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organization_members_unique unique (organization_id, user_id)
);

comment on table public.organization_members is
  'Membership of a person in an organization. Roles change only by owners and admins; an organization always keeps an owner.';
comment on column public.organization_members.is_person_in_charge is
  'The club''s PIC: at most one per organization, set with set_person_in_charge().';

create index organization_members_user_id_idx on public.organization_members (user_id, organization_id, role);
create index organization_members_invited_by_idx on public.organization_members (invited_by);
create unique index organization_members_one_person_in_charge
  on public.organization_members (organization_id)
  where is_person_in_charge;

create trigger organization_members_updated_at
  before update on public.organization_members
  for each row execute function extensions.moddatetime(updated_at);

create table public.organization_invitations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  email text,
  code text not null default private.random_code(10),
  role public.organization_role not null default 'member',
  is_person_in_charge boolean not null default false,
  message text,
  status public.invitation_status not null default 'pending',
  invited_by uuid references public.profiles (id) on delete set null,
  expires_at timestamptz not null default now() + interval '14 days',
  responded_at timestamptz,
  responded_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint organization_invitations_code_key unique (code),
  constraint organization_invitations_email_format check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  constraint organization_invitations_role check (role <> 'owner'),
  constraint organization_invitations_expiry check (expires_at > created_at),
  constraint organization_invitations_response check ((status = 'pending') = (responded_at is null)),
  constraint organization_invitations_message_length check (char_length(message) <= 2000)
);

comment on table public.organization_invitations is
  'An invitation to join an organization, addressed to an email or usable by whoever has its code (the club''s transaction number). Single use, expiring. Created, accepted and declined through RPCs; admins withdraw one by deleting it.';

create index organization_invitations_organization_id_idx on public.organization_invitations (organization_id, status);
create index organization_invitations_email_idx on public.organization_invitations (email) where email is not null;
create index organization_invitations_invited_by_idx on public.organization_invitations (invited_by);
create index organization_invitations_responded_by_idx on public.organization_invitations (responded_by);
create unique index organization_invitations_one_pending_per_email
  on public.organization_invitations (organization_id, email)
  where status = 'pending' and email is not null;

-- ---------------------------------------------------------------------------------------------
-- Membership helpers for policies and RPCs
-- ---------------------------------------------------------------------------------------------

-- The organizations where the current user has at least p_min_role. Policies use it as
-- `organization_id in (select private.organization_ids_with_role('staff'))`, evaluated once per
-- statement.
create function private.organization_ids_with_role(p_min_role public.organization_role)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select organization_id
  from public.organization_members
  where user_id = (select auth.uid())
    and role >= p_min_role
$$;

create function private.has_organization_role(p_organization_id uuid, p_min_role public.organization_role)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.organization_members
    where organization_id = p_organization_id
      and user_id = (select auth.uid())
      and role >= p_min_role
  )
$$;

-- Staff-level management of something owned by p_organization_id, or by the platform when it is
-- null: organization roles at or above p_min_role, and platform admins everywhere.
create function private.can_manage(p_organization_id uuid, p_min_role public.organization_role default 'staff')
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_platform_admin()
    or (p_organization_id is not null and private.has_organization_role(p_organization_id, p_min_role))
$$;

revoke all on function private.organization_ids_with_role(public.organization_role) from public;
revoke all on function private.has_organization_role(uuid, public.organization_role) from public;
revoke all on function private.can_manage(uuid, public.organization_role) from public;
grant execute on function private.organization_ids_with_role(public.organization_role) to anon, authenticated, service_role;
grant execute on function private.has_organization_role(uuid, public.organization_role) to anon, authenticated, service_role;
grant execute on function private.can_manage(uuid, public.organization_role) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

-- The creator becomes the owner.
create function private.add_organization_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.organization_members (organization_id, user_id, role)
  values (new.id, new.created_by, 'owner');
  return new;
end;
$$;

revoke all on function private.add_organization_owner() from public;

create trigger organizations_add_owner
  after insert on public.organizations
  for each row execute function private.add_organization_owner();

create function private.guard_organization()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if not (private.is_trusted() or private.is_platform_admin()) then
      new.is_verified := false;
    end if;
    if not private.is_trusted() then
      new.member_count := 0;
      new.created_by := (select auth.uid());
    end if;
    return new;
  end if;
  if private.is_trusted() then
    return new;
  end if;
  if new.created_by is distinct from old.created_by
    or new.member_count is distinct from old.member_count
    or new.created_at is distinct from old.created_at
    or (new.is_verified is distinct from old.is_verified and not private.is_platform_admin()) then
    raise exception using errcode = '42501',
      message = 'created_by, member_count and is_verified cannot be changed here',
      hint = 'is_verified is set by platform admins; member_count is kept by the database';
  end if;
  return new;
end;
$$;

create trigger organizations_guard
  before insert or update on public.organizations
  for each row execute function private.guard_organization();

create function private.count_organization_members()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.organizations set member_count = member_count + 1 where id = new.organization_id;
  elsif tg_op = 'DELETE' then
    update public.organizations set member_count = member_count - 1 where id = old.organization_id;
  end if;
  return null;
end;
$$;

revoke all on function private.count_organization_members() from public;

create trigger organization_members_count
  after insert or delete on public.organization_members
  for each row execute function private.count_organization_members();

-- Role rules for direct writes (RLS already limits them to admins and owners):
-- only owners (and platform admins) grant, change or remove the owner role; membership rows
-- never move between organizations or people; the last owner cannot leave or be demoted.
create function private.guard_organization_member()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_org_id uuid := coalesce(new.organization_id, old.organization_id);
  v_is_owner boolean;
begin
  if tg_op = 'UPDATE' and (new.organization_id <> old.organization_id or new.user_id <> old.user_id) then
    raise exception using errcode = '42501', message = 'a membership cannot move to another organization or person',
      hint = 'remove it and invite the person instead';
  end if;

  if not (private.is_trusted() or private.is_platform_admin()) then
    v_is_owner := private.has_organization_role(v_org_id, 'owner');
    if not v_is_owner
      and ((tg_op <> 'INSERT' and old.role = 'owner') or (tg_op <> 'DELETE' and new.role = 'owner')) then
      raise exception using errcode = '42501', message = 'only an owner can grant, change or remove the owner role',
        hint = 'ask an owner of the organization';
    end if;
  end if;

  -- The last owner: checked under a lock on the organization so two owners cannot both step down.
  -- Skipped when the organization itself or the person's profile is being deleted (cascades).
  if tg_op in ('UPDATE', 'DELETE') and old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner') then
    perform 1 from public.organizations where id = v_org_id for update;
    if found
      and exists (select 1 from public.profiles where id = old.user_id)
      and not exists (
        select 1
        from public.organization_members
        where organization_id = v_org_id
          and role = 'owner'
          and id <> old.id
      ) then
      raise exception using errcode = 'P0001', message = 'an organization must keep at least one owner',
        hint = 'make another member an owner first, or delete the organization';
    end if;
  end if;

  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end;
$$;

create trigger organization_members_guard
  before insert or update or delete on public.organization_members
  for each row execute function private.guard_organization_member();

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- Invites a person by email (only that account can accept) or, with no email, by code (whoever
-- has the code can accept once). Admins and owners; admins cannot invite owners (nobody can: use
-- a role change after joining).
create function public.create_organization_invitation(
  p_organization_id uuid,
  p_role public.organization_role default 'member',
  p_email text default null,
  p_expires_in interval default interval '14 days',
  p_is_person_in_charge boolean default false,
  p_message text default null
)
returns public.organization_invitations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_email text := nullif(lower(pg_catalog.btrim(p_email)), '');
  v_invitation public.organization_invitations;
begin
  if not exists (select 1 from public.organizations where id = p_organization_id) then
    raise exception using errcode = 'P0002', message = 'organization not found';
  end if;
  if not private.can_manage(p_organization_id, 'admin') then
    raise exception using errcode = '42501', message = 'only owners and admins of the organization can invite',
      hint = 'ask an admin of the organization';
  end if;
  if p_role = 'owner' then
    raise exception using errcode = 'P0001', message = 'an invitation cannot make someone an owner',
      hint = 'invite as admin, then have an owner change the role';
  end if;
  if p_expires_in is null or p_expires_in <= interval '0' or p_expires_in > interval '90 days' then
    raise exception using errcode = 'P0001', message = 'an invitation must expire within 90 days',
      hint = 'pass p_expires_in between 1 minute and 90 days';
  end if;
  if v_email is not null and exists (
    select 1
    from public.organization_members m
    join auth.users u on u.id = m.user_id
    where m.organization_id = p_organization_id
      and lower(u.email) = v_email
  ) then
    raise exception using errcode = 'P0001', message = 'that person is already a member of the organization';
  end if;
  if v_email is not null and exists (
    select 1
    from public.organization_invitations
    where organization_id = p_organization_id
      and email = v_email
      and status = 'pending'
      and expires_at > now()
  ) then
    raise exception using errcode = 'P0001', message = 'that email already has a pending invitation',
      hint = 'delete it first to send a new one';
  end if;
  -- An expired pending invitation for the same email is replaced.
  delete from public.organization_invitations
  where organization_id = p_organization_id
    and email = v_email
    and status = 'pending';

  insert into public.organization_invitations (organization_id, email, role, is_person_in_charge, message, invited_by, expires_at)
  values (p_organization_id, v_email, p_role, coalesce(p_is_person_in_charge, false), p_message, v_user_id, now() + p_expires_in)
  returning * into v_invitation;
  return v_invitation;
end;
$$;

-- Finds a pending, unexpired invitation for the caller by code, locked.
create function private.open_invitation(p_code text)
returns public.organization_invitations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.organization_invitations;
  v_email text;
begin
  select * into v_invitation
  from public.organization_invitations
  where code = private.normalize_code(p_code)
  for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'no invitation has that code',
      hint = 'check the code; it is 10 letters and digits';
  end if;
  if v_invitation.email is not null then
    select lower(email) into v_email from auth.users where id = (select auth.uid());
    if v_email is distinct from v_invitation.email then
      raise exception using errcode = '42501', message = 'this invitation was sent to another email address',
        hint = 'sign in with the address the invitation was sent to';
    end if;
  end if;
  if v_invitation.status <> 'pending' then
    raise exception using errcode = 'P0001', message = format('this invitation was already %s', v_invitation.status);
  end if;
  if v_invitation.expires_at <= now() then
    raise exception using errcode = 'P0001', message = 'this invitation has expired',
      hint = 'ask the organization for a new one';
  end if;
  return v_invitation;
end;
$$;

revoke all on function private.open_invitation(text) from public;

create function public.accept_organization_invitation(p_code text)
returns public.organization_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_invitation public.organization_invitations := private.open_invitation(p_code);
  v_member public.organization_members;
begin
  if exists (
    select 1
    from public.organization_members
    where organization_id = v_invitation.organization_id
      and user_id = v_user_id
  ) then
    raise exception using errcode = 'P0001', message = 'you are already a member of this organization',
      hint = 'an admin can change your role';
  end if;
  if v_invitation.is_person_in_charge then
    update public.organization_members
    set is_person_in_charge = false
    where organization_id = v_invitation.organization_id
      and is_person_in_charge;
  end if;
  insert into public.organization_members (organization_id, user_id, role, is_person_in_charge, invited_by)
  values (v_invitation.organization_id, v_user_id, v_invitation.role, v_invitation.is_person_in_charge, v_invitation.invited_by)
  returning * into v_member;
  update public.organization_invitations
  set status = 'accepted', responded_at = now(), responded_by = v_user_id
  where id = v_invitation.id;
  return v_member;
end;
$$;

create function public.decline_organization_invitation(p_code text)
returns public.organization_invitations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_invitation public.organization_invitations := private.open_invitation(p_code);
begin
  update public.organization_invitations
  set status = 'declined', responded_at = now(), responded_by = v_user_id
  where id = v_invitation.id
  returning * into v_invitation;
  return v_invitation;
end;
$$;

-- Makes p_user_id the organization's person in charge, clearing the previous one.
create function public.set_person_in_charge(p_organization_id uuid, p_user_id uuid)
returns public.organization_members
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_member public.organization_members;
begin
  perform private.require_active_user();
  if not private.can_manage(p_organization_id, 'admin') then
    raise exception using errcode = '42501', message = 'only owners and admins of the organization can set the person in charge';
  end if;
  perform 1 from public.organizations where id = p_organization_id for update;
  if not exists (select 1 from public.organization_members where organization_id = p_organization_id and user_id = p_user_id) then
    raise exception using errcode = 'P0002', message = 'that person is not a member of the organization';
  end if;
  update public.organization_members
  set is_person_in_charge = false
  where organization_id = p_organization_id
    and is_person_in_charge
    and user_id <> p_user_id;
  update public.organization_members
  set is_person_in_charge = true
  where organization_id = p_organization_id
    and user_id = p_user_id
  returning * into v_member;
  return v_member;
end;
$$;

revoke all on function public.create_organization_invitation(uuid, public.organization_role, text, interval, boolean, text) from public, anon;
revoke all on function public.accept_organization_invitation(text) from public, anon;
revoke all on function public.decline_organization_invitation(text) from public, anon;
revoke all on function public.set_person_in_charge(uuid, uuid) from public, anon;
grant execute on function public.create_organization_invitation(uuid, public.organization_role, text, interval, boolean, text) to authenticated, service_role;
grant execute on function public.accept_organization_invitation(text) to authenticated, service_role;
grant execute on function public.decline_organization_invitation(text) to authenticated, service_role;
grant execute on function public.set_person_in_charge(uuid, uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.organizations, public.organization_members, public.organization_invitations from anon, authenticated;
grant all on public.organizations, public.organization_members, public.organization_invitations to service_role;
grant select on public.organizations to anon;
grant select, insert, update, delete on public.organizations to authenticated;
grant select, insert, update, delete on public.organization_members to authenticated;
grant select, delete on public.organization_invitations to authenticated;

alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;
alter table public.organization_invitations enable row level security;

-- The directory: every signed-in user. Anonymous visitors see no organization directly; published
-- events and courses name their organizer (added with those tables).
create policy "organizations: signed-in users read"
  on public.organizations for select to authenticated
  using (true);

create policy "organizations: active users create, becoming owner"
  on public.organizations for insert to authenticated
  with check (created_by = (select auth.uid()) and (select private.is_active_user()));

create policy "organizations: admins update"
  on public.organizations for update to authenticated
  using (id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()))
  with check (id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));

create policy "organizations: owners delete"
  on public.organizations for delete to authenticated
  using (id in (select private.organization_ids_with_role('owner')) or (select private.is_platform_admin()));

-- Members: fellow members see each other; admins change roles; a member leaves, admins remove.
-- New memberships come from invitations (RPC) or a platform admin.
create policy "organization_members: fellow members read"
  on public.organization_members for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('member')) or (select private.is_platform_admin()));

create policy "organization_members: platform admins add"
  on public.organization_members for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "organization_members: admins update"
  on public.organization_members for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));

create policy "organization_members: members leave, admins remove"
  on public.organization_members for delete to authenticated
  using (
    user_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

-- Invitations: the organization's admins, and the person an email invitation is addressed to.
-- Code invitations are visible to admins only: the code is the secret.
create policy "organization_invitations: admins and the invitee read"
  on public.organization_invitations for select to authenticated
  using (
    organization_id in (select private.organization_ids_with_role('admin'))
    or email = lower((select auth.jwt()) ->> 'email')
    or (select private.is_platform_admin())
  );

create policy "organization_invitations: admins withdraw"
  on public.organization_invitations for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));
