-- The load bench's seed (bench/load.ts): the club at scale. 20,000 members (real auth.users with
-- profiles, made through the sign-up triggers), 200 organizations with their staff and members,
-- 100,000 events over four years (three past, one ahead), 1,000,000 registrations and an invoice
-- for every registration of a paid event. Run as a superuser on a database with every migration.
--
-- Users go in with every trigger, as sign-ups do. Everything after that is history a live club
-- would have built up one RPC at a time: it is bulk loaded with triggers off
-- (session_replication_role = replica), which also skips foreign-key checks. So every column a
-- trigger keeps is written here (organization_id copies, invoice owners and totals) and the
-- counters (members, seats) are counted afterwards, and every reference is built from rows that
-- exist. Not made: the notifications and emails those RPCs would have sent over the years, and
-- check-ins (attended_at stays null). bench/load.ts vacuums and analyzes the tables afterwards.

begin;

-- Popularity and choices are random but repeatable from run to run.
select setseed(0.24);

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at
)
select
  '00000000-0000-0000-0000-000000000000',
  -- Ids derived from the number, so the bench finds member n without a lookup table.
  ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
  'authenticated',
  'authenticated',
  'member' || n || '@load.example.test',
  -- One bcrypt hash for all: the bench signs its own tokens, nobody signs in with a password.
  (select extensions.crypt('load-bench-password', extensions.gen_salt('bf', 4))),
  now() - interval '4 years' + n * interval '1 hour',
  '{"provider": "email", "providers": ["email"]}',
  jsonb_build_object('full_name', 'Member ' || n),
  now() - interval '4 years' + n * interval '1 hour',
  now() - interval '4 years' + n * interval '1 hour'
from generate_series(1, 20000) n;

insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true),
  'email', u.created_at, u.created_at
from auth.users u
where u.email like '%@load.example.test';

set local session_replication_role = replica;

-- Member n's id.
create temporary table load_members on commit drop as
select n, ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid as user_id
from generate_series(1, 20000) n;

-- Organization o is owned by member o; members 201..600 are staff, two per organization.
create temporary table load_organizations on commit drop as
select o, gen_random_uuid() as id from generate_series(1, 200) o;

insert into public.organizations (id, kind, slug, display_name, description, city, country_code, created_by, created_at)
select lo.id,
  (case when o % 10 = 0 then 'training_provider' else 'company' end)::public.organization_kind,
  'load-org-' || o,
  'Toyota supplier ' || o,
  'A manufacturer in the club.',
  (array['Jakarta', 'Karawang', 'Bekasi', 'Surabaya', 'Semarang'])[1 + o % 5],
  'ID',
  m.user_id,
  now() - interval '4 years'
from load_organizations lo
join load_members m on m.n = lo.o;

-- Every member belongs to one organization (a third to two); owners and staff to their own.
insert into public.organization_members (organization_id, user_id, role, is_person_in_charge, joined_at)
select distinct on (lo.id, m.user_id) lo.id, m.user_id,
  (case when m.n <= 200 then 'owner' when m.n <= 600 then 'staff' else 'member' end)::public.organization_role,
  m.n <= 200,
  now() - interval '4 years' + m.n * interval '1 hour'
from load_members m
cross join lateral (
  select case when m.n <= 200 then m.n when m.n <= 600 then 1 + (m.n - 201) % 200 else 1 + (m.n * 31) % 200 end
  union all
  select 1 + (m.n * 17 + 5) % 200 where m.n > 600 and m.n % 3 = 0
) pick(o)
join load_organizations lo on lo.o = pick.o
order by lo.id, m.user_id, m.n;

update public.organizations o
set member_count = (select count(*) from public.organization_members m where m.organization_id = o.id)
where o.slug like 'load-org-%';

-- Events: a few organizations run most of them; 5% are the platform's own. Starting from three
-- years ago to a year ahead: past ones completed (or cancelled), future ones published, some drafts
-- and cancellations. A quarter are paid, a third have no seat limit.
create temporary table load_events on commit drop as
select n,
  gen_random_uuid() as id,
  case when random() < 0.05 then null else 1 + floor(200 * power(random(), 2))::int end as o,
  date_trunc('hour', now() - interval '3 years' + random() * interval '4 years') as starts_at,
  random() as r_status,
  random() as r_price,
  random() as r_capacity,
  random() as r_format
from generate_series(1, 100000) n;

insert into public.events (
  id, organization_id, slug, title, summary, level, format, venue_name, venue_address, starts_at,
  ends_at, time_zone, capacity, price_amount, currency, members_only, status, published_at,
  completed_at, cancelled_at, cancellation_reason, cpd_credits, created_by, created_at
)
select e.id, lo.id, 'load-event-' || e.n,
  (array['Kaizen', 'Lean', 'Quality circle', 'Safety', 'Supplier', 'Hybrid powertrain', 'Logistics', 'Welding'])[1 + e.n % 8]
    || ' ' || (array['workshop', 'seminar', 'plant visit', 'forum', 'training'])[1 + (e.n / 8) % 5] || ' #' || e.n,
  'An event of the club''s calendar.',
  (array['all_levels', 'beginner', 'intermediate', 'advanced'])[1 + e.n % 4]::public.skill_level,
  (case when e.r_format < 0.7 then 'in_person' when e.r_format < 0.85 then 'online' else 'hybrid' end)::public.event_format,
  case when e.r_format < 0.7 or e.r_format >= 0.85 then 'Hall ' || (1 + e.n % 40) end,
  case when e.r_format < 0.7 or e.r_format >= 0.85 then 'Jl. Industri ' || (1 + e.n % 300) || ', Karawang' end,
  e.starts_at,
  e.starts_at + (2 + e.n % 7) * interval '1 hour',
  'Asia/Jakarta',
  case when e.r_capacity < 0.33 then null else 20 + floor(e.r_capacity * 480)::int end,
  case when e.r_price < 0.25 then (50 + floor(e.r_price * 1800)::int) * 1000 else 0 end,
  case when e.r_price < 0.25 then 'IDR' end,
  e.starts_at > now() and e.o is not null and e.n % 10 = 0,
  st.status,
  case when st.status <> 'draft' then e.starts_at - interval '30 days' end,
  case when st.status = 'completed' then e.starts_at + interval '1 day' end,
  case when st.status = 'cancelled' then e.starts_at - interval '3 days' end,
  case when st.status = 'cancelled' then 'The venue was not available.' end,
  (e.n % 5)::numeric,
  coalesce(om.user_id, (select user_id from load_members where n = 1)),
  e.starts_at - interval '45 days'
from load_events e
left join load_organizations lo on lo.o = e.o
left join load_members om on om.n = e.o
cross join lateral (
  select (case
    when e.starts_at <= now() then case when e.r_status < 0.05 then 'cancelled' else 'completed' end
    when e.r_status < 0.05 then 'draft'
    when e.r_status < 0.08 then 'cancelled'
    else 'published'
  end)::public.event_status as status
) st;

-- Multi-session events: every tenth has two or three sessions.
insert into public.event_sessions (event_id, organization_id, title, starts_at, ends_at, venue_name, position)
select e.id, e.organization_id, 'Part ' || p, e.starts_at + (p - 1) * interval '1 day',
  e.starts_at + (p - 1) * interval '1 day' + interval '2 hours', e.venue_name, p
from public.events e
join load_events le on le.id = e.id and le.n % 10 = 0
cross join generate_series(1, 2 + le.n % 2) p;

-- Registrations: 56 picks a member among published and completed events, popular ones far more
-- often (the pick's index is skewed towards the front of a shuffled list), each event once per
-- member, members-only events only by their members; the first million.
create temporary table load_open_events on commit drop as
select row_number() over (order by random()) as k, e.id, e.organization_id, e.starts_at, e.price_amount,
  e.currency, e.members_only, e.status
from public.events e
join load_events le on le.id = e.id
where e.status in ('published', 'completed');

create temporary table load_registrations on commit drop as
with draws as (
  select m.user_id, 1 + floor((select count(*) from load_open_events) * power(random(), 1.6))::bigint as k
  from load_members m
  cross join generate_series(1, 56)
),
picks as (
  select distinct on (d.user_id, oe.id) d.user_id, oe.id as event_id, oe.organization_id,
    oe.starts_at, oe.price_amount, oe.currency, oe.status as event_status
  from draws d
  join load_open_events oe on oe.k = d.k
  where not oe.members_only
    or exists (select 1 from public.organization_members om where om.organization_id = oe.organization_id and om.user_id = d.user_id)
  order by d.user_id, oe.id
)
select p.*, random() as r, gen_random_uuid() as id,
  p.starts_at - random() * interval '30 days' as registered_at
from picks p
order by random()
limit 1000000;

alter table load_registrations add column status public.registration_status;
update load_registrations set status = (case
  when r < 0.08 then 'cancelled'
  when r < 0.10 and price_amount > 0 and event_status = 'completed' then 'refunded'
  when r < 0.10 then 'cancelled'
  when r < 0.13 and event_status = 'published' and price_amount > 0 then 'pending_payment'
  when r < 0.15 and event_status = 'published' then 'waitlisted'
  else 'confirmed'
end)::public.registration_status;
alter table load_registrations add column invoice_id uuid;
update load_registrations set invoice_id = gen_random_uuid() where price_amount > 0 and status <> 'waitlisted';

insert into public.event_registrations (
  id, event_id, organization_id, user_id, status, price_amount, currency, hold_expires_at,
  waitlisted_at, confirmed_at, paid_at, payment_reference, invoice_id, cancelled_at, cancelled_by,
  cancellation_reason, refunded_at, created_at, updated_at
)
select r.id, r.event_id, r.organization_id, r.user_id, r.status, r.price_amount, r.currency,
  -- A week, so that the cron job that expires unpaid holds finds none due while the bench runs
  -- (bench/load.ts rebuilds its copy of this seed every few days).
  case when r.status = 'pending_payment' then now() + interval '7 days' end,
  case when r.status = 'waitlisted' then r.registered_at end,
  case when r.status in ('confirmed', 'refunded') then r.registered_at end,
  case when r.price_amount > 0 and r.status in ('confirmed', 'refunded') then r.registered_at + interval '10 minutes' end,
  case when r.price_amount > 0 and r.status in ('confirmed', 'refunded') then 'FP' || replace(r.id::text, '-', '') end,
  r.invoice_id,
  case when r.status = 'cancelled' then r.registered_at + interval '2 days' end,
  case when r.status = 'cancelled' then r.user_id end,
  case when r.status = 'cancelled' then 'Cannot attend.' end,
  case when r.status = 'refunded' then r.registered_at + interval '3 days' end,
  r.registered_at,
  r.registered_at
from load_registrations r;

-- An invoice for every registration of a paid event: paid (confirmed), open (pending payment),
-- refunded, or void (cancelled before paying).
insert into public.invoices (
  id, user_id, organization_id, status, description, currency, total_amount, amount_paid,
  amount_refunded, provider, channel, provider_payment_id, expires_at, paid_at, voided_at,
  refunded_at, created_at, updated_at
)
select r.invoice_id, r.user_id, r.organization_id, st.status, 'Event registration', r.currency,
  r.price_amount,
  case when st.status in ('paid', 'refunded') then r.price_amount else 0 end,
  case when st.status = 'refunded' then r.price_amount else 0 end,
  case when st.status in ('paid', 'refunded') then 'faspay'::public.payment_provider end,
  case when st.status in ('paid', 'refunded') then 'bca_va' end,
  case when st.status in ('paid', 'refunded') then 'FP' || replace(r.id::text, '-', '') end,
  case when st.status = 'open' then now() + interval '7 days' else r.registered_at + interval '30 minutes' end,
  case when st.status in ('paid', 'refunded') then r.registered_at + interval '10 minutes' end,
  case when st.status = 'void' then r.registered_at + interval '2 days' end,
  case when st.status = 'refunded' then r.registered_at + interval '3 days' end,
  r.registered_at,
  r.registered_at
from load_registrations r
cross join lateral (
  select (case r.status when 'confirmed' then 'paid' when 'pending_payment' then 'open'
    when 'refunded' then 'refunded' else 'void' end)::public.invoice_status as status
) st
where r.invoice_id is not null;

insert into public.invoice_items (
  invoice_id, user_id, organization_id, kind, event_registration_id, description, unit_amount,
  currency, fulfilled_at, refunded_at, created_at
)
select r.invoice_id, r.user_id, r.organization_id, 'event_registration', r.id, 'Event registration',
  r.price_amount, r.currency,
  case when r.status in ('confirmed', 'refunded') then r.registered_at + interval '10 minutes' end,
  case when r.status = 'refunded' then r.registered_at + interval '3 days' end,
  r.registered_at
from load_registrations r
where r.invoice_id is not null;

-- The invoices' log, as the status trigger writes it.
insert into public.invoice_events (invoice_id, user_id, organization_id, kind, detail, created_at)
select i.id, i.user_id, i.organization_id, 'created',
  jsonb_build_object('number', i.number, 'expires_at', i.expires_at), i.created_at
from public.invoices i
join load_registrations r on r.invoice_id = i.id
union all
select i.id, i.user_id, i.organization_id, 'status_changed',
  jsonb_build_object('from', 'open', 'to', i.status, 'amount_paid', i.amount_paid, 'amount_refunded', i.amount_refunded),
  coalesce(i.refunded_at, i.paid_at, i.voided_at)
from public.invoices i
join load_registrations r on r.invoice_id = i.id
where i.status <> 'open';

-- The seat counters, as the registration trigger keeps them; an event with a waiting list is
-- full, and no event has fewer seats than it gave.
update public.events e
set confirmed_count = c.confirmed, held_count = c.held, waitlist_count = c.waitlisted,
  capacity = case
    when c.waitlisted > 0 then greatest(1, c.confirmed + c.held)
    when e.capacity is not null then greatest(e.capacity, c.confirmed + c.held)
  end
from (
  select event_id,
    count(*) filter (where status = 'confirmed') as confirmed,
    count(*) filter (where status in ('pending_payment', 'offered')) as held,
    count(*) filter (where status = 'waitlisted') as waitlisted
  from public.event_registrations
  group by event_id
) c
where c.event_id = e.id;

commit;
