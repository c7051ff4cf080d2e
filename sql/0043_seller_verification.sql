-- Seller verification as a workflow (issue 17, items 1 and 4): a person selling on their own, or
-- an admin of a store, asks to be verified with details for the reviewer; platform admins approve
-- or reject with a reason; every request and decision stays as history in
-- seller_verification_requests, and the outcome is the seller's status: profiles.verification_status
-- for a person, and the new organizations.verification_status for a store (is_verified, which
-- apps and seeds already use, follows it). The requester is notified (verification_status).

alter table public.organizations
  add column verification_status public.verification_status not null default 'unverified';

comment on column public.organizations.verification_status is
  'The store''s (or any organization''s) verification: unverified, pending (a request awaits review), verified or rejected; moved by request_seller_verification and decide_seller_verification, or by platform admins. is_verified follows it.';
comment on column public.organizations.is_verified is
  'True exactly when verification_status is verified, kept by the database; setting it (platform admins, seeds) sets verification_status to verified or unverified.';

update public.organizations set verification_status = 'verified' where is_verified;

-- is_verified and verification_status say the same thing; whichever a writer changes, the other
-- follows. The guard of 0002 already keeps is_verified to platform admins and trusted writers.
create function private.keep_organization_verification()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.verification_status is distinct from old.verification_status
    and not (private.is_trusted() or private.is_platform_admin()) then
    raise exception using errcode = '42501', message = 'verification is decided by platform admins',
      hint = 'ask for it with request_seller_verification';
  end if;
  if tg_op = 'INSERT' and not (private.is_trusted() or private.is_platform_admin()) then
    new.verification_status := 'unverified';
  end if;
  if (tg_op = 'INSERT' and new.is_verified and new.verification_status <> 'verified')
    or (tg_op = 'UPDATE' and new.is_verified is distinct from old.is_verified and new.verification_status is not distinct from old.verification_status) then
    new.verification_status := case when new.is_verified then 'verified' else 'unverified' end;
  end if;
  new.is_verified := new.verification_status = 'verified';
  return new;
end;
$$;

revoke all on function private.keep_organization_verification() from public;
grant execute on function private.keep_organization_verification() to authenticated, service_role;
comment on function private.keep_organization_verification() is
  'Keeps organizations.is_verified and verification_status in step and verification_status to platform admins and trusted code. Granted to authenticated because it runs as the caller''s own insert or update.';

-- Named to run after organizations_guard (triggers fire in name order).
create trigger organizations_verification
  before insert or update on public.organizations
  for each row execute function private.keep_organization_verification();

create type public.seller_verification_request_status as enum ('pending', 'approved', 'rejected');
comment on type public.seller_verification_request_status is 'A seller verification request: pending until a platform admin approves or rejects it (with a reason).';

create table public.seller_verification_requests (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid references public.profiles (id) on delete cascade,
  store_id uuid references public.organizations (id) on delete cascade,
  requested_by uuid not null references public.profiles (id) on delete cascade,
  details text not null,
  status public.seller_verification_request_status not null default 'pending',
  decided_by uuid references public.profiles (id) on delete set null,
  decided_at timestamptz,
  reason text,
  created_at timestamptz not null default now(),
  constraint seller_verification_requests_subject check (num_nonnulls(profile_id, store_id) = 1),
  constraint seller_verification_requests_details check (char_length(btrim(details)) between 1 and 5000),
  constraint seller_verification_requests_decided check ((status = 'pending') = (decided_at is null)),
  constraint seller_verification_requests_reason check (status <> 'rejected' or reason is not null),
  constraint seller_verification_requests_reason_length check (char_length(reason) <= 2000)
);

comment on table public.seller_verification_requests is
  'Requests to verify a seller — a person (profile_id) or a store (store_id) — and their decisions, kept as history: made with request_seller_verification, decided by platform admins with decide_seller_verification. The person, the store''s admins and platform admins read them.';
comment on column public.seller_verification_requests.details is 'What the seller tells the reviewer: registration numbers, links to documents, how to check them.';
comment on column public.seller_verification_requests.reason is 'The platform admin''s reason, required for a rejection; the requester reads it.';

-- One open request per seller.
create unique index seller_verification_requests_one_pending
  on public.seller_verification_requests (coalesce(store_id, profile_id)) where status = 'pending';
create index seller_verification_requests_profile_idx on public.seller_verification_requests (profile_id, created_at desc);
create index seller_verification_requests_store_idx on public.seller_verification_requests (store_id, created_at desc);
create index seller_verification_requests_requested_by_idx on public.seller_verification_requests (requested_by);
create index seller_verification_requests_decided_by_idx on public.seller_verification_requests (decided_by);
create index seller_verification_requests_queue_idx on public.seller_verification_requests (created_at) where status = 'pending';

alter table public.seller_verification_requests enable row level security;
revoke all on public.seller_verification_requests from anon, authenticated;
grant select on public.seller_verification_requests to authenticated;
grant all on public.seller_verification_requests to service_role;

create policy "seller_verification_requests: the seller, store admins and platform admins read"
  on public.seller_verification_requests for select to authenticated
  using (
    profile_id = (select auth.uid())
    or requested_by = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

create function public.request_seller_verification(p_details text, p_store_id uuid default null)
returns public.seller_verification_requests
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_details text := nullif(pg_catalog.btrim(p_details), '');
  v_status public.verification_status;
  v_request public.seller_verification_requests;
begin
  if v_details is null or pg_catalog.char_length(v_details) > 5000 then
    raise exception using errcode = '22023', message = 'tell the reviewer how to verify you in up to 5,000 characters';
  end if;
  if p_store_id is null then
    select verification_status into v_status from public.profiles where id = v_user_id for update;
  else
    select verification_status into v_status from public.organizations where id = p_store_id and kind = 'store' for update;
    if not found then
      raise exception using errcode = 'PT404', message = 'store not found';
    end if;
    if not private.has_organization_role(p_store_id, 'admin') then
      raise exception using errcode = '42501', message = 'only the store''s admins ask to verify it';
    end if;
  end if;
  if v_status = 'verified' then
    raise exception using errcode = 'PT409', message = 'already verified';
  end if;
  if v_status = 'pending' or exists (
    select 1 from public.seller_verification_requests
    where coalesce(store_id, profile_id) = coalesce(p_store_id, v_user_id) and status = 'pending'
  ) then
    raise exception using errcode = 'PT409', message = 'a verification request is already waiting for review';
  end if;

  insert into public.seller_verification_requests (profile_id, store_id, requested_by, details)
  values (case when p_store_id is null then v_user_id end, p_store_id, v_user_id, v_details)
  returning * into v_request;
  if p_store_id is null then
    update public.profiles set verification_status = 'pending' where id = v_user_id;
  else
    update public.organizations set verification_status = 'pending' where id = p_store_id;
  end if;
  return v_request;
end;
$$;

revoke all on function public.request_seller_verification(text, uuid) from public;
grant execute on function public.request_seller_verification(text, uuid) to authenticated, service_role;
comment on function public.request_seller_verification(text, uuid) is
  'A seller asks to be verified: themselves, or (p_store_id) a store they are an admin of, with details for the reviewer. The seller''s status becomes pending. 409 when verified already or a request is waiting; 403 for a store the caller does not administer.';

create function public.decide_seller_verification(p_request_id uuid, p_approve boolean, p_reason text default null)
returns public.seller_verification_requests
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_reason text := nullif(pg_catalog.btrim(p_reason), '');
  v_request public.seller_verification_requests;
  v_status public.verification_status := case when p_approve then 'verified' else 'rejected' end;
  v_recipients uuid[];
begin
  if not private.is_platform_admin() then
    raise exception using errcode = '42501', message = 'only platform admins verify sellers';
  end if;
  if p_approve is null then
    raise exception using errcode = '22023', message = 'approve or reject the request';
  end if;
  if not p_approve and v_reason is null then
    raise exception using errcode = '22023', message = 'give the seller a reason for the rejection';
  end if;
  if pg_catalog.char_length(v_reason) > 2000 then
    raise exception using errcode = '22023', message = 'the reason can be at most 2,000 characters';
  end if;
  select * into v_request from public.seller_verification_requests where id = p_request_id for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'verification request not found';
  end if;
  if v_request.status <> 'pending' then
    raise exception using errcode = 'PT409', message = pg_catalog.format('this request was already %s', v_request.status);
  end if;

  update public.seller_verification_requests
  set status = case when p_approve then 'approved' else 'rejected' end::public.seller_verification_request_status,
    decided_by = v_user_id, decided_at = now(), reason = v_reason
  where id = p_request_id
  returning * into v_request;
  if v_request.store_id is null then
    update public.profiles set verification_status = v_status where id = v_request.profile_id;
    v_recipients := array[v_request.profile_id];
  else
    update public.organizations set verification_status = v_status where id = v_request.store_id;
    select pg_catalog.array_agg(user_id) into v_recipients
    from public.organization_members where organization_id = v_request.store_id and role >= 'admin';
  end if;
  perform private.notify(
    'verification_status', v_recipients,
    case when p_approve then 'You are a verified seller' else 'Your seller verification was not approved' end
      || case when v_request.store_id is not null
        then ': ' || (select display_name from public.organizations where id = v_request.store_id) else '' end,
    v_reason,
    pg_catalog.jsonb_build_object('request_id', v_request.id, 'status', v_request.status, 'store_id', v_request.store_id, 'reason', v_reason),
    'seller_verification', v_request.id, null);
  return v_request;
end;
$$;

revoke all on function public.decide_seller_verification(uuid, boolean, text) from public;
grant execute on function public.decide_seller_verification(uuid, boolean, text) to authenticated, service_role;
comment on function public.decide_seller_verification(uuid, boolean, text) is
  'Platform admins approve or reject (with a reason) a pending seller verification request: the person''s or store''s verification_status becomes verified or rejected, the request keeps the decision, and the requester (a store''s admins) gets a verification_status notification. 409 when already decided.';
