-- Marketplace follow-ups (issue 17):
-- - A refunded purchase no longer verifies a review: a review of a car whose deposit was refunded
--   (or of a refunded part) stays the reviewer's opinion, but verified_purchase turns false when
--   the payments ledger refunds its invoice item (private.refund_invoice_item sets refunded_at),
--   and a refunded item cannot verify a new review. The review keeps invoice_item_id, so the same
--   purchase still cannot be reviewed twice.
-- - Platform admins revoke a seller's verification through the workflow (revoke_seller_verification)
--   with a reason: the revocation is a row of seller_verification_requests (status revoked), the
--   seller's status goes back to unverified (they may ask again) and the seller is notified.

-- ---------------------------------------------------------------------------------------------
-- Refunds and verified reviews
-- ---------------------------------------------------------------------------------------------

alter table public.seller_reviews
  drop constraint seller_reviews_verified,
  add constraint seller_reviews_verified check (not verified_purchase or invoice_item_id is not null);

comment on column public.seller_reviews.verified_purchase is
  'Set by the database: true when invoice_item_id is a paid purchase from this seller, false again once that purchase is refunded. Claiming it without one is refused (400).';

create function private.unverify_refunded_reviews()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.seller_reviews set verified_purchase = false
  where invoice_item_id = new.id and verified_purchase;
  return null;
end;
$$;

revoke all on function private.unverify_refunded_reviews() from public;
comment on function private.unverify_refunded_reviews() is
  'A refunded invoice item stops verifying the review of it (the review stays, unverified).';

create trigger invoice_items_unverify_refunded_reviews
  after update of refunded_at on public.invoice_items
  for each row
  when (old.refunded_at is null and new.refunded_at is not null)
  execute function private.unverify_refunded_reviews();

-- Runs after seller_reviews_guard (triggers fire in name order), which checked the purchase is the
-- reviewer's paid one; an invoice partly refunded is still paid, so its refunded items are refused here.
create function private.refuse_refunded_review_purchase()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.invoice_items where id = new.invoice_item_id and refunded_at is not null) then
    raise exception using errcode = '22023', message = 'that purchase was refunded',
      hint = 'a refunded purchase does not verify a review; leave out invoice_item_id to review the seller unverified';
  end if;
  return new;
end;
$$;

revoke all on function private.refuse_refunded_review_purchase() from public;
comment on function private.refuse_refunded_review_purchase() is
  'Refuses a review that names a refunded invoice item as its purchase (400).';

create trigger seller_reviews_refunded_purchase
  before insert on public.seller_reviews
  for each row
  when (new.invoice_item_id is not null)
  execute function private.refuse_refunded_review_purchase();

-- ---------------------------------------------------------------------------------------------
-- Revoking a seller's verification
-- ---------------------------------------------------------------------------------------------

alter type public.seller_verification_request_status add value 'revoked';
comment on type public.seller_verification_request_status is
  'A seller verification request: pending until a platform admin approves or rejects it (with a reason); revoked marks a platform admin''s withdrawal of a verification (with a reason).';

comment on table public.seller_verification_requests is
  'Requests to verify a seller — a person (profile_id) or a store (store_id) — and their decisions, kept as history: made with request_seller_verification, decided by platform admins with decide_seller_verification; a revocation (revoke_seller_verification) is a row of its own, status revoked. The person, the store''s admins and platform admins read them.';
comment on column public.seller_verification_requests.requested_by is
  'Who asked to be verified; for a revocation, the platform admin who revoked.';
comment on column public.seller_verification_requests.reason is
  'The platform admin''s reason, required for a rejection and a revocation; the requester reads it.';

create function public.revoke_seller_verification(p_reason text, p_profile_id uuid default null, p_store_id uuid default null)
returns public.seller_verification_requests
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_reason text := nullif(pg_catalog.btrim(p_reason), '');
  v_status public.verification_status;
  v_request public.seller_verification_requests;
  v_recipients uuid[];
begin
  if not private.is_platform_admin() then
    raise exception using errcode = '42501', message = 'only platform admins revoke a seller''s verification';
  end if;
  if pg_catalog.num_nonnulls(p_profile_id, p_store_id) <> 1 then
    raise exception using errcode = '22023', message = 'name the seller: p_profile_id for a person or p_store_id for a store';
  end if;
  if v_reason is null or pg_catalog.char_length(v_reason) > 2000 then
    raise exception using errcode = '22023', message = 'give the seller a reason for the revocation in up to 2,000 characters';
  end if;
  if p_store_id is null then
    select verification_status into v_status from public.profiles where id = p_profile_id for update;
  else
    select verification_status into v_status from public.organizations where id = p_store_id and kind = 'store' for update;
  end if;
  if not found then
    raise exception using errcode = 'PT404', message = 'seller not found';
  end if;
  if v_status <> 'verified' then
    raise exception using errcode = 'PT409', message = pg_catalog.format('this seller is %s, not verified', v_status);
  end if;

  insert into public.seller_verification_requests (profile_id, store_id, requested_by, details, status, decided_by, decided_at, reason)
  values (p_profile_id, p_store_id, v_user_id, 'Verification revoked by a platform admin', 'revoked', v_user_id, now(), v_reason)
  returning * into v_request;
  if p_store_id is null then
    update public.profiles set verification_status = 'unverified' where id = p_profile_id;
    v_recipients := array[p_profile_id];
  else
    update public.organizations set verification_status = 'unverified' where id = p_store_id;
    select pg_catalog.array_agg(user_id) into v_recipients
    from public.organization_members where organization_id = p_store_id and role >= 'admin';
  end if;
  perform private.notify(
    'verification_status', v_recipients,
    'Your seller verification was revoked'
      || case when p_store_id is not null
        then ': ' || (select display_name from public.organizations where id = p_store_id) else '' end,
    v_reason,
    pg_catalog.jsonb_build_object('request_id', v_request.id, 'status', v_request.status, 'store_id', p_store_id, 'reason', v_reason),
    'seller_verification', v_request.id, null);
  return v_request;
end;
$$;

revoke all on function public.revoke_seller_verification(text, uuid, uuid) from public;
grant execute on function public.revoke_seller_verification(text, uuid, uuid) to authenticated, service_role;
comment on function public.revoke_seller_verification(text, uuid, uuid) is
  'Platform admins withdraw a verified seller''s verification with a reason: a person (p_profile_id) or a store (p_store_id). The seller''s verification_status becomes unverified (they may ask again), the history gets a revoked row with the reason, and the person (a store''s admins) gets a verification_status notification. 403 for others, 404 for an unknown seller, 409 when not verified, 400 without a reason.';
