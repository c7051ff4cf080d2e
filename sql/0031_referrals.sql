-- Service membership: referrals and the register body (the seed's POST /api/auth/register/ with
-- name, phone and referralCode, and GET /api/referrals/me/).
--
-- - referral_codes: every profile gets a readable code REF-XXXXXX (no 0/O or 1/I), made by a
--   trigger; the link is referral_link_base (a setting) + code.
-- - Sign-up metadata (supabase.auth.signUp options.data): `name` (already the profile's display
--   name), `phone` in E.164 (into profile_contacts; anything else is ignored) and `referralCode`
--   (a pending referral; an unknown code is ignored so the sign-up never fails for it).
--   apply_referral_code() does the same later, for people who signed up another way.
-- - referrals: one per referred person, never oneself. pending → qualified when the referred
--   person's first membership payment activates a term (in the payment's own transaction, which
--   also queues a pg_net call to the `referrals` edge function) → credited by that function
--   through credit_referral(), which writes the rewards exactly once whatever the number of calls
--   → reversed when that payment is refunded within the plan's referral_refund_window_days.
--   A pg_cron job re-queues calls for referrals left qualified (a request that was lost).
-- - Rewards per plan: referrer_reward_points to the referrer, referee_reward_points to the new
--   member (0: none).

alter table public.membership_plans
  add column referrer_reward_points integer not null default 0,
  add column referee_reward_points integer not null default 0,
  add column referral_refund_window_days integer not null default 30,
  add constraint membership_plans_referral_rewards check (
    referrer_reward_points between 0 and 100000000 and referee_reward_points between 0 and 100000000),
  add constraint membership_plans_referral_refund_window check (referral_refund_window_days between 0 and 365);

comment on column public.membership_plans.referrer_reward_points is 'Reward points credited to the referrer when a referred person first pays for this plan.';
comment on column public.membership_plans.referee_reward_points is 'Reward points credited to the referred new member on that first payment (0: none).';
comment on column public.membership_plans.referral_refund_window_days is 'A refund of that first payment within this many days of it reverses the referral rewards.';

insert into private.app_settings (key, value) values ('referral_link_base', 'https://pitlane.app/r/') on conflict (key) do nothing;

-- ---------------------------------------------------------------------------------------------
-- Codes
-- ---------------------------------------------------------------------------------------------

create table public.referral_codes (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  code text not null,
  created_at timestamptz not null default now(),
  constraint referral_codes_code_key unique (code),
  constraint referral_codes_code_format check (code ~ '^REF-[2-9A-HJ-NP-Z]{6}$')
);

comment on table public.referral_codes is
  'Each person''s referral code (REF-XXXXXX), made when their profile is. The person and platform admins read it; my_referrals() gives it with its link.';

-- A new unused code: 6 characters of 32 (no 0, 1, I, O), retried on the rare collision.
create function private.new_referral_code()
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_alphabet constant text := '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  v_bytes bytea;
  v_code text;
begin
  loop
    v_bytes := extensions.gen_random_bytes(6);
    v_code := 'REF-';
    for i in 0..5 loop
      v_code := v_code || pg_catalog.substr(v_alphabet, (pg_catalog.get_byte(v_bytes, i) % 32) + 1, 1);
    end loop;
    exit when not exists (select 1 from public.referral_codes where code = v_code);
  end loop;
  return v_code;
end;
$$;

revoke all on function private.new_referral_code() from public;

comment on function private.new_referral_code() is 'A random unused referral code REF-XXXXXX.';

create function private.give_referral_code()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.referral_codes (user_id, code) values (new.id, private.new_referral_code())
  on conflict (user_id) do nothing;
  return null;
end;
$$;

revoke all on function private.give_referral_code() from public;

comment on function private.give_referral_code() is 'Trigger: every new profile gets a referral code.';

create trigger profiles_referral_code
  after insert on public.profiles
  for each row execute function private.give_referral_code();

insert into public.referral_codes (user_id, code)
select id, private.new_referral_code() from public.profiles
on conflict (user_id) do nothing;

-- ---------------------------------------------------------------------------------------------
-- Referrals
-- ---------------------------------------------------------------------------------------------

create type public.referral_status as enum ('pending', 'qualified', 'credited', 'reversed');

create table public.referrals (
  id uuid primary key default gen_random_uuid(),
  referrer_id uuid not null references public.profiles (id) on delete cascade,
  referred_id uuid not null references public.profiles (id) on delete cascade,
  code text not null,
  status public.referral_status not null default 'pending',
  invoice_id uuid references public.invoices (id) on delete set null,
  referrer_points integer not null default 0,
  referee_points integer not null default 0,
  qualified_at timestamptz,
  credited_at timestamptz,
  reversed_at timestamptz,
  created_at timestamptz not null default now(),
  constraint referrals_one_per_person unique (referred_id),
  constraint referrals_not_self check (referrer_id <> referred_id),
  constraint referrals_points check (referrer_points >= 0 and referee_points >= 0),
  constraint referrals_qualified check ((status = 'pending') = (qualified_at is null)),
  constraint referrals_credited check (status not in ('pending', 'qualified') or credited_at is null),
  constraint referrals_credited_at check (status <> 'credited' or credited_at is not null),
  constraint referrals_reversed check ((status = 'reversed') = (reversed_at is not null))
);

comment on table public.referrals is
  'Who referred whom (one referrer per person, never oneself) and where it stands: pending, qualified by the referred person''s first membership payment, credited by the referrals edge function, reversed by a refund of that payment within the plan''s window. The referrer, the referred person and platform admins read; written by the database.';
comment on column public.referrals.code is 'The referral code used (the referrer''s).';
comment on column public.referrals.invoice_id is 'The referred person''s first paid membership invoice, which qualified the referral.';
comment on column public.referrals.referrer_points is 'Reward points credited to the referrer (the seed''s rewardsApplied).';
comment on column public.referrals.referee_points is 'Reward points credited to the referred person.';

create index referrals_referrer_id_idx on public.referrals (referrer_id, created_at desc);
create index referrals_invoice_id_idx on public.referrals (invoice_id);
create index referrals_qualified_idx on public.referrals (qualified_at) where status = 'qualified';
create index reward_entries_referral_idx on public.reward_entries (((detail ->> 'referral_id')::uuid)) where detail ? 'referral_id';

-- Records that p_referred was referred by the owner of p_code. Unknown code: PT404; one's own:
-- 22023; already referred or already a paying member: PT409.
create function private.record_referral(p_referred uuid, p_code text)
returns public.referrals
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_code public.referral_codes;
  v_referral public.referrals;
begin
  select * into v_code from public.referral_codes where code = pg_catalog.upper(pg_catalog.btrim(p_code));
  if not found then
    raise exception using errcode = 'PT404', message = 'referral code not found';
  end if;
  if v_code.user_id = p_referred then
    raise exception using errcode = '22023', message = 'you cannot refer yourself';
  end if;
  if exists (select 1 from public.referrals where referred_id = p_referred) then
    raise exception using errcode = 'PT409', message = 'you were already referred';
  end if;
  if exists (select 1 from public.memberships where user_id = p_referred and invoice_id is not null and status <> 'pending_payment') then
    raise exception using errcode = 'PT409', message = 'a referral code applies before your first membership payment';
  end if;
  insert into public.referrals (referrer_id, referred_id, code)
  values (v_code.user_id, p_referred, v_code.code)
  on conflict (referred_id) do nothing
  returning * into v_referral;
  if v_referral.id is null then
    raise exception using errcode = 'PT409', message = 'you were already referred';
  end if;
  return v_referral;
end;
$$;

revoke all on function private.record_referral(uuid, text) from public;

comment on function private.record_referral(uuid, text) is 'Records a pending referral of a person by the owner of a code, refusing unknown codes, self-referrals, second referrals and people who already paid.';

-- The register body's phone and referral code, from the sign-up metadata. Runs after
-- on_auth_user_created (trigger names order them), which made the profile and its contacts row.
create function private.apply_signup_metadata()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_meta jsonb := coalesce(new.raw_user_meta_data, '{}'::jsonb);
  v_phone text := pg_catalog.regexp_replace(coalesce(v_meta ->> 'phone', ''), '[ ()-]', '', 'g');
  v_code text := nullif(pg_catalog.btrim(coalesce(v_meta ->> 'referralCode', v_meta ->> 'referral_code', '')), '');
begin
  if v_phone ~ '^\+[1-9][0-9]{6,14}$' then
    update public.profile_contacts set phone = v_phone where profile_id = new.id and phone is null;
  end if;
  if v_code is not null then
    begin
      perform private.record_referral(new.id, v_code);
    exception
      -- A mistyped or stale code must not stop anyone signing up.
      when sqlstate 'PT404' or sqlstate 'PT409' or sqlstate '22023' then
        null;
    end;
  end if;
  return new;
end;
$$;

revoke all on function private.apply_signup_metadata() from public;

comment on function private.apply_signup_metadata() is
  'Trigger on auth.users: the sign-up metadata''s phone (E.164) into profile_contacts and referralCode as a pending referral (an unknown code is ignored).';

create trigger on_auth_user_created_referral
  after insert on auth.users
  for each row execute function private.apply_signup_metadata();

-- ---------------------------------------------------------------------------------------------
-- Crediting: qualified in the payment's transaction, credited by the referrals edge function
-- ---------------------------------------------------------------------------------------------

create table private.referrals_endpoint (
  one boolean primary key default true check (one),
  function_url text not null,
  service_role_key text not null,
  constraint referrals_endpoint_url check (function_url ~ '^https?://')
);

revoke all on private.referrals_endpoint from public;

comment on table private.referrals_endpoint is
  'Where the referrals function is ($SUPABASE_URL/functions/v1/referrals) and the service role key to call it with. One row; none means referrals wait, qualified, until there is one.';

-- Queues a call to the referrals function for one referral (sent by pg_net after commit).
create function private.request_referral_crediting(p_referral_id uuid)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_endpoint private.referrals_endpoint;
begin
  select * into v_endpoint from private.referrals_endpoint;
  if not found or pg_catalog.to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    return null;
  end if;
  return net.http_post(
    url := v_endpoint.function_url,
    body := pg_catalog.jsonb_build_object('referral_id', p_referral_id),
    headers := pg_catalog.jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_endpoint.service_role_key),
    timeout_milliseconds := 30000);
end;
$$;

revoke all on function private.request_referral_crediting(uuid) from public;

comment on function private.request_referral_crediting(uuid) is 'Queues a pg_net POST {referral_id} to the referrals edge function, if its endpoint is configured.';

-- A paid term of the referred person qualifies their pending referral (once: the status moves
-- under the row lock) and queues the crediting call; a refunded one reverses it within the window.
create function private.referral_on_membership_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_referral public.referrals;
begin
  if new.status = 'active' and old.status = 'pending_payment' and new.invoice_id is not null then
    update public.referrals
    set status = 'qualified', invoice_id = new.invoice_id, qualified_at = now()
    where referred_id = new.user_id and status = 'pending'
    returning * into v_referral;
    if found then
      perform private.request_referral_crediting(v_referral.id);
    end if;
  elsif new.status = 'refunded' and new.invoice_id is not null then
    perform private.reverse_referral(r.id)
    from public.referrals r
    join public.invoices i on i.id = r.invoice_id
    join public.membership_plans p on p.id = new.plan_id
    where r.invoice_id = new.invoice_id and r.status in ('qualified', 'credited')
      and now() <= i.paid_at + pg_catalog.make_interval(days => p.referral_refund_window_days);
  end if;
  return null;
end;
$$;

-- Takes back a referral's rewards (as much as is left of each balance) and marks it reversed.
create function private.reverse_referral(p_referral_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_entry public.reward_entries;
  v_left integer;
begin
  perform 1 from public.referrals where id = p_referral_id for update;
  for v_entry in
    select e.* from public.reward_entries e
    where (e.detail ->> 'referral_id')::uuid = p_referral_id and e.points > 0
      and not exists (select 1 from public.reward_entries r where r.reverses_entry_id = e.id)
    order by e.id
  loop
    select least(v_entry.points, coalesce(b.balance, 0)) into v_left from public.reward_balances b where b.user_id = v_entry.user_id;
    if coalesce(v_left, 0) > 0 then
      insert into public.reward_entries (user_id, points, reason, invoice_id, reverses_entry_id, detail)
      values (v_entry.user_id, -v_left, 'referral_reversal', v_entry.invoice_id, v_entry.id,
        pg_catalog.jsonb_build_object('referral_id', p_referral_id, 'reversed_points', v_entry.points));
    end if;
  end loop;
  update public.referrals set status = 'reversed', reversed_at = now()
  where id = p_referral_id and status in ('qualified', 'credited');
end;
$$;

revoke all on function private.referral_on_membership_change() from public;
revoke all on function private.reverse_referral(uuid) from public;

comment on function private.referral_on_membership_change() is
  'Trigger on memberships: a term paid by the referred person qualifies their pending referral and queues the referrals function; a refunded one within the plan''s window reverses the referral.';
comment on function private.reverse_referral(uuid) is
  'Reverses a referral: a negative entry per reward it credited (no more than the balance left) and status reversed.';

create trigger memberships_referral
  after update of status on public.memberships
  for each row execute function private.referral_on_membership_change();

-- The referrals function's one write: credits a qualified referral. Idempotent: only the call
-- that finds it qualified (under the row lock) writes; every other answers what happened.
create function public.credit_referral(p_referral_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_referral public.referrals;
  v_plan public.membership_plans;
begin
  select * into v_referral from public.referrals where id = p_referral_id for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'referral not found';
  end if;
  if v_referral.status <> 'qualified' then
    return pg_catalog.jsonb_build_object('referral_id', v_referral.id, 'status', v_referral.status, 'credited_now', false);
  end if;
  select p.* into v_plan
  from public.memberships m join public.membership_plans p on p.id = m.plan_id
  where m.invoice_id = v_referral.invoice_id
  limit 1;
  if v_plan.referrer_reward_points > 0 then
    insert into public.reward_entries (user_id, points, reason, invoice_id, detail)
    values (v_referral.referrer_id, v_plan.referrer_reward_points, 'referral_referrer', v_referral.invoice_id,
      pg_catalog.jsonb_build_object('referral_id', v_referral.id, 'referred_id', v_referral.referred_id));
  end if;
  if v_plan.referee_reward_points > 0 then
    insert into public.reward_entries (user_id, points, reason, invoice_id, detail)
    values (v_referral.referred_id, v_plan.referee_reward_points, 'referral_referee', v_referral.invoice_id,
      pg_catalog.jsonb_build_object('referral_id', v_referral.id, 'referrer_id', v_referral.referrer_id));
  end if;
  update public.referrals
  set status = 'credited', credited_at = now(),
    referrer_points = coalesce(v_plan.referrer_reward_points, 0), referee_points = coalesce(v_plan.referee_reward_points, 0)
  where id = p_referral_id
  returning * into v_referral;
  return pg_catalog.jsonb_build_object('referral_id', v_referral.id, 'status', v_referral.status, 'credited_now', true,
    'referrer_points', v_referral.referrer_points, 'referee_points', v_referral.referee_points);
end;
$$;

comment on function public.credit_referral(uuid) is
  'Service role (the referrals edge function): credits a qualified referral''s rewards exactly once; any other state answers credited_now false.';

-- Scheduled: referrals qualified more than a minute ago whose call was lost are requested again.
create function private.retry_referral_crediting()
returns integer
language sql
security definer
set search_path = ''
as $$
  select count(private.request_referral_crediting(id))::integer
  from public.referrals
  where status = 'qualified' and qualified_at < now() - interval '1 minute'
$$;

revoke all on function private.retry_referral_crediting() from public;

comment on function private.retry_referral_crediting() is 'Scheduled (pg_cron job referral-crediting, every minute): calls the referrals function again for referrals still qualified.';

select cron.schedule('referral-crediting', '* * * * *', $$select private.retry_referral_crediting()$$);

-- ---------------------------------------------------------------------------------------------
-- RPCs for people
-- ---------------------------------------------------------------------------------------------

create function public.apply_referral_code(p_code text)
returns public.referrals
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
begin
  if coalesce(pg_catalog.btrim(p_code), '') = '' then
    raise exception using errcode = '22023', message = 'give a referral code', hint = 'codes look like REF-ABC234';
  end if;
  return private.record_referral(v_user_id, p_code);
end;
$$;

comment on function public.apply_referral_code(text) is
  'The caller was referred by the owner of a code (for people who did not give one at sign-up): 404 unknown code, 400 one''s own, 409 already referred or already paid for a membership.';

-- The seed's GET /api/referrals/me/ in one call.
create function public.my_referrals()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_code text;
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  select code into v_code from public.referral_codes where user_id = v_user_id;
  return pg_catalog.jsonb_build_object(
    'code', v_code,
    'link', (select value from private.app_settings where key = 'referral_link_base') || v_code,
    'referrals', coalesce((
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'id', r.id, 'referrer_id', r.referrer_id, 'referred_id', r.referred_id, 'referred_name', p.display_name,
          'code', r.code, 'status', r.status, 'rewards_applied', pg_catalog.jsonb_build_object('points', r.referrer_points),
          'created_at', r.created_at, 'credited_at', r.credited_at)
        order by r.created_at desc)
      from public.referrals r join public.profiles p on p.id = r.referred_id
      where r.referrer_id = v_user_id), '[]'::jsonb),
    'referred_by', (select r.referrer_id from public.referrals r where r.referred_id = v_user_id),
    'rewards_balance', coalesce((select balance from public.reward_balances where user_id = v_user_id), 0));
end;
$$;

comment on function public.my_referrals() is
  'The seed''s GET /api/referrals/me/: the caller''s code and link, the people they referred with each referral''s status and points, who referred them, and their rewards balance.';

revoke all on function public.credit_referral(uuid) from public, anon, authenticated;
revoke all on function public.apply_referral_code(text) from public, anon;
revoke all on function public.my_referrals() from public, anon;
grant execute on function public.credit_referral(uuid) to service_role;
grant execute on function public.apply_referral_code(text) to authenticated, service_role;
grant execute on function public.my_referrals() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.referral_codes, public.referrals from anon, authenticated;
grant all on public.referral_codes, public.referrals to service_role;
grant select on public.referral_codes, public.referrals to authenticated;

alter table public.referral_codes enable row level security;
alter table public.referrals enable row level security;

create policy "referral_codes: the person and platform admins read"
  on public.referral_codes for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "referrals: both people and platform admins read"
  on public.referrals for select to authenticated
  using (
    referrer_id = (select auth.uid())
    or referred_id = (select auth.uid())
    or (select private.is_platform_admin())
  );
