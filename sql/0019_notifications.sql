-- Notifications: one way to tell people things, in the app and by email.
--
--   notification_types         what can be notified (the marketplace seed's eleven and the existing
--                              domains' events), its defaults, whether it is essential (security,
--                              account and payment mail that ignores opt-outs) and the data keys
--                              its templates need
--   notifications              in-app notifications, read, marked read and deleted by their
--                              recipient only; in the supabase_realtime publication
--   notification_settings      per person: email frequency (instant, daily, weekly digest), quiet
--                              hours in an IANA time zone, email language; made for every profile
--   notification_preferences   per person and type: in-app and email on or off (a missing row
--                              means the type's defaults)
--   email_outbox               every email to send, delivered by the `email-delivery` edge
--                              function (claim with a lease, retry with backoff, give up)
--
-- Domains call private.notify(...) (from their RPCs or, as in 0015, from AFTER triggers); it
-- applies the recipients' preferences and quiet hours and writes the in-app rows and the outbox
-- rows in one statement. Nobody inserts notifications or emails any other way.

-- ---------------------------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------------------------

create type public.email_frequency as enum ('instant', 'daily', 'weekly');
create type public.email_status as enum ('held', 'pending', 'sending', 'sent', 'failed', 'digested');

create table public.notification_types (
  type text primary key,
  description text not null,
  essential boolean not null default false,
  default_in_app boolean not null default true,
  default_email boolean not null default true,
  required_data text[] not null default '{}',
  constraint notification_types_type_format check (type ~ '^[a-z][a-z0-9_]{0,62}$'),
  constraint notification_types_essential_email check (not essential or default_email)
);

comment on table public.notification_types is
  'What can be notified. Essential types (security, account and payment mail) are always emailed at once, whatever the person''s preferences, frequency and quiet hours. Domains add their types in their migrations.';
comment on column public.notification_types.required_data is
  'Keys private.notify() requires in the data of this type: the email templates use them.';

insert into public.notification_types (type, description, essential, default_email, required_data) values
  -- The marketplace seed's eleven.
  ('new_message', 'A new chat message', false, true, '{}'),
  ('listing_update', 'A listing you follow changed', false, false, '{}'),
  ('expert_response', 'An expert answered your question', false, true, '{}'),
  ('review_received', 'Someone reviewed you', false, true, '{}'),
  ('seller_response', 'A seller answered your review', false, true, '{}'),
  ('forum_reply', 'A reply in a thread you follow', false, false, '{}'),
  ('part_available', 'A part you wanted is available', false, true, '{}'),
  ('price_alert', 'A price you watch changed', false, true, '{}'),
  ('verification_status', 'Your verification was decided', false, true, '{}'),
  ('account_alert', 'Security and account changes', true, true, '{}'),
  ('system_announcement', 'Announcements from the platform', false, true, '{}'),
  -- Events and learning.
  ('registration_confirmed', 'Your event registration is confirmed', false, true, '{event_title,starts_at}'),
  ('registration_waitlisted', 'You are on an event''s waiting list', false, true, '{event_title}'),
  ('registration_offered', 'A seat was offered to you from the waiting list', false, true, '{event_title,offer_expires_at}'),
  ('registration_offer_expired', 'A seat offered to you expired', false, true, '{event_title}'),
  ('registration_cancelled', 'Your event registration was cancelled', false, true, '{event_title}'),
  ('course_completed', 'You completed a course', false, true, '{course_title}'),
  ('certificate_issued', 'A certificate was issued to you', false, true, '{certificate_number,title,verification_code}'),
  ('certificate_revoked', 'A certificate of yours was revoked', false, true, '{certificate_number,title,reason}'),
  -- Money: receipts and payment problems are essential.
  ('invoice_paid', 'Payment received', true, true, '{invoice_number,amount,currency}'),
  ('invoice_payment_failed', 'A payment failed', true, true, '{invoice_number}'),
  ('invoice_expiring', 'An unpaid invoice is about to expire', false, true, '{invoice_number,expires_at,amount,currency}'),
  ('invoice_refunded', 'A refund was made', true, true, '{invoice_number,amount_refunded,currency}'),
  -- Organizations: the invitation is also emailed to addresses without an account.
  ('invitation_received', 'You were invited to an organization', false, true, '{organization_name,code,role}');

alter table public.notification_types enable row level security;
-- Supabase's default privileges would give anon and authenticated everything: grants below are explicit.
revoke all on public.notification_types from anon, authenticated;

create policy notification_types_select_anon on public.notification_types
  for select to anon using (true);
create policy notification_types_select_authenticated on public.notification_types
  for select to authenticated using (true);

grant select on public.notification_types to anon, authenticated;
grant select, insert, update, delete on public.notification_types to service_role;

-- ---------------------------------------------------------------------------------------------
-- Notifications
-- ---------------------------------------------------------------------------------------------

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  type text not null references public.notification_types (type) on update cascade,
  title text not null,
  body text,
  data jsonb not null default '{}'::jsonb,
  subject_kind text,
  subject_id uuid,
  action_url text,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  constraint notifications_title_length check (char_length(title) between 1 and 200),
  constraint notifications_body_length check (char_length(body) <= 2000),
  constraint notifications_data_object check (jsonb_typeof(data) = 'object'),
  constraint notifications_subject check ((subject_kind is null) = (subject_id is null)),
  constraint notifications_subject_kind check (subject_kind ~ '^[a-z][a-z_]{0,39}$'),
  constraint notifications_action_url check (char_length(action_url) <= 2000)
);

comment on table public.notifications is
  'In-app notifications. Written only by private.notify(); the recipient reads them, marks them read (column read_at, or mark_notifications_read()) and deletes them. Delivered live through postgres_changes under RLS.';
comment on column public.notifications.subject_kind is 'What it is about (event_registration, invoice, certificate, …), with subject_id.';
comment on column public.notifications.action_url is 'Where the app takes the person: a path in the app, or an absolute URL.';

create index notifications_user_id_idx on public.notifications (user_id, created_at desc);
create index notifications_unread_idx on public.notifications (user_id, type) where read_at is null;
create index notifications_type_idx on public.notifications (type);
create index notifications_subject_idx on public.notifications (subject_kind, subject_id);

alter table public.notifications enable row level security;
-- Supabase's default privileges would give anon and authenticated everything: grants below are explicit.
revoke all on public.notifications from anon, authenticated, service_role;

create policy notifications_select_own on public.notifications
  for select to authenticated using (user_id = (select auth.uid()));
create policy notifications_update_own on public.notifications
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy notifications_delete_own on public.notifications
  for delete to authenticated using (user_id = (select auth.uid()));

-- Only read_at may change: the rest is what was said.
grant select, delete on public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;
grant select, update, delete on public.notifications to service_role;

-- ---------------------------------------------------------------------------------------------
-- Settings and preferences
-- ---------------------------------------------------------------------------------------------

-- True when p_name is a time zone PostgreSQL knows (IANA names and abbreviations it lists).
create function private.is_time_zone(p_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (select 1 from pg_catalog.pg_timezone_names where name = p_name)
$$;

revoke all on function private.is_time_zone(text) from public;
-- The settings table's check constraint calls it as whoever writes the row.
grant execute on function private.is_time_zone(text) to anon, authenticated, service_role;

create table public.notification_settings (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  email_frequency public.email_frequency not null default 'instant',
  quiet_hours_start time,
  quiet_hours_end time,
  time_zone text not null default 'UTC',
  locale text not null default 'en',
  updated_at timestamptz not null default now(),
  constraint notification_settings_quiet_hours check (
    (quiet_hours_start is null and quiet_hours_end is null)
    or (quiet_hours_start is not null and quiet_hours_end is not null and quiet_hours_start <> quiet_hours_end)
  ),
  constraint notification_settings_time_zone check (private.is_time_zone(time_zone)),
  constraint notification_settings_locale check (locale in ('en', 'id'))
);

comment on table public.notification_settings is
  'How a person gets email: frequency (instant, or gathered into a daily or weekly digest), quiet hours during which instant emails wait, the time zone both are in, and the language of emails. Made with defaults for every profile; changed through set_notification_settings().';
comment on column public.notification_settings.quiet_hours_start is
  'Local time (in time_zone) from which non-essential instant email waits until quiet_hours_end; may span midnight.';

alter table public.notification_settings enable row level security;
-- Supabase's default privileges would give anon and authenticated everything: grants below are explicit.
revoke all on public.notification_settings from anon, authenticated;

create policy notification_settings_select_own on public.notification_settings
  for select to authenticated using (user_id = (select auth.uid()));

grant select on public.notification_settings to authenticated;
grant select, insert, update, delete on public.notification_settings to service_role;

create trigger notification_settings_updated_at
  before update on public.notification_settings
  for each row execute function extensions.moddatetime(updated_at);

create table public.notification_preferences (
  user_id uuid not null references public.profiles (id) on delete cascade,
  type text not null references public.notification_types (type) on update cascade on delete cascade,
  in_app boolean not null,
  email boolean not null,
  updated_at timestamptz not null default now(),
  primary key (user_id, type)
);

comment on table public.notification_preferences is
  'A person''s choice for one type, where it differs from the type''s defaults. Changed through set_notification_preference() and the unsubscribe link; essential types are always emailed.';

create index notification_preferences_type_idx on public.notification_preferences (type);

alter table public.notification_preferences enable row level security;
-- Supabase's default privileges would give anon and authenticated everything: grants below are explicit.
revoke all on public.notification_preferences from anon, authenticated;

create policy notification_preferences_select_own on public.notification_preferences
  for select to authenticated using (user_id = (select auth.uid()));

grant select on public.notification_preferences to authenticated;
grant select, insert, update, delete on public.notification_preferences to service_role;

create trigger notification_preferences_updated_at
  before update on public.notification_preferences
  for each row execute function extensions.moddatetime(updated_at);

-- Every person gets the default settings with their profile.
create function private.create_notification_settings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.notification_settings (user_id) values (new.id) on conflict do nothing;
  return null;
end;
$$;

revoke all on function private.create_notification_settings() from public;

create trigger profiles_notification_settings
  after insert on public.profiles
  for each row execute function private.create_notification_settings();

insert into public.notification_settings (user_id) select id from public.profiles on conflict do nothing;

-- ---------------------------------------------------------------------------------------------
-- Email outbox
-- ---------------------------------------------------------------------------------------------

create table public.email_outbox (
  id bigint generated always as identity primary key,
  user_id uuid references public.profiles (id) on delete cascade,
  notification_id uuid references public.notifications (id) on delete set null,
  to_email text not null,
  template text not null,
  locale text not null default 'en',
  data jsonb not null default '{}'::jsonb,
  status public.email_status not null default 'pending',
  due_at timestamptz,
  digest_period text,
  digest_id bigint references public.email_outbox (id) on delete set null,
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  claimed_until timestamptz,
  claim_id uuid,
  last_error text,
  message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  constraint email_outbox_to_email check (to_email ~ '^[^@\s]+@[^@\s]+$' and char_length(to_email) <= 320),
  constraint email_outbox_template check (template ~ '^[a-z][a-z0-9_]{0,62}$'),
  constraint email_outbox_locale check (locale in ('en', 'id')),
  constraint email_outbox_data_object check (jsonb_typeof(data) = 'object'),
  constraint email_outbox_due check ((status in ('held', 'digested')) = (due_at is null)),
  constraint email_outbox_sending check ((status = 'sending') = (claimed_until is not null and claim_id is not null)),
  constraint email_outbox_sent check ((status = 'sent') = (sent_at is not null)),
  constraint email_outbox_attempts check (attempts >= 0 and max_attempts >= 1 and attempts <= max_attempts),
  constraint email_outbox_digest check ((template = 'digest') = (digest_period is not null)),
  constraint email_outbox_last_error check (char_length(last_error) <= 1000)
);

comment on table public.email_outbox is
  'Every email to send. pending rows are due at due_at (later during quiet hours); held rows wait for the recipient''s digest, which marks them digested; the email-delivery function claims due rows (sending, with a lease in claimed_until), then marks them sent or back to pending with a backoff, or failed after max_attempts. Service role only.';
comment on column public.email_outbox.template is 'A notification type, or digest: the function renders it in locale from data.';
comment on column public.email_outbox.claim_id is 'The claim that holds a sending row; only that claim can record its outcome.';
comment on column public.email_outbox.message_id is 'The Message-ID the email was sent with, derived from the row so a resend after a lost confirmation is recognisable.';
comment on column public.email_outbox.digest_period is 'For a digest: its period (D2026-12-02, W2026-49), once per person.';

create index email_outbox_due_idx on public.email_outbox (due_at) where status = 'pending';
create index email_outbox_lease_idx on public.email_outbox (claimed_until) where status = 'sending';
create index email_outbox_held_idx on public.email_outbox (user_id) where status = 'held';
create index email_outbox_user_id_idx on public.email_outbox (user_id);
create index email_outbox_notification_id_idx on public.email_outbox (notification_id);
create index email_outbox_digest_id_idx on public.email_outbox (digest_id);
create unique index email_outbox_one_digest_per_period on public.email_outbox (user_id, digest_period) where digest_period is not null;

alter table public.email_outbox enable row level security;
-- Supabase's default privileges would give anon and authenticated everything: grants below are explicit.
revoke all on public.email_outbox from anon, authenticated;

-- No policies: the outbox holds unsubscribe tokens and other people's addresses.
grant select, insert, update, delete on public.email_outbox to service_role;

-- ---------------------------------------------------------------------------------------------
-- Unsubscribe tokens
-- ---------------------------------------------------------------------------------------------

-- The key that signs unsubscribe links, made once per database and never exposed.
create table private.notification_keys (
  one boolean primary key default true check (one),
  unsubscribe_key bytea not null default extensions.gen_random_bytes(32)
);

revoke all on private.notification_keys from public;
insert into private.notification_keys default values;

create function private.base64url(p_bytes bytea)
returns text
language sql
immutable
set search_path = ''
as $$
  select pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(p_bytes, 'base64'), E'+/\n', '-_'), '=')
$$;

revoke all on function private.base64url(bytea) from public;

-- "<user id>.<type>.<signature>": turns off one type's email for one person, without signing in.
create function private.unsubscribe_token(p_user_id uuid, p_type text)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select p_user_id::text || '.' || p_type || '.'
    || private.base64url(extensions.hmac(pg_catalog.convert_to(p_user_id::text || '.' || p_type, 'UTF8'), k.unsubscribe_key, 'sha256'))
  from private.notification_keys k
$$;

revoke all on function private.unsubscribe_token(uuid, text) from public;

-- ---------------------------------------------------------------------------------------------
-- The entry point
-- ---------------------------------------------------------------------------------------------

-- When an email to someone with these quiet hours may go, if it were sent at p_at: p_at itself
-- outside the hours, else the moment they end (in the person's time zone, across midnight too).
create function private.after_quiet_hours(p_start time, p_end time, p_time_zone text, p_at timestamptz)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  v_local timestamp := p_at at time zone p_time_zone;
  v_time time := v_local::time;
  v_end timestamptz;
begin
  if p_start is null or p_end is null then
    return p_at;
  end if;
  if (p_start < p_end and v_time >= p_start and v_time < p_end)
    or (p_start > p_end and (v_time >= p_start or v_time < p_end)) then
    v_end := (v_local::date + p_end) at time zone p_time_zone;
    if v_end <= p_at then
      v_end := ((v_local::date + 1) + p_end) at time zone p_time_zone;
    end if;
    return v_end;
  end if;
  return p_at;
end;
$$;

revoke all on function private.after_quiet_hours(time, time, text, timestamptz) from public;

-- Notifies people of one thing: for each recipient, an in-app row if they want this type in the
-- app, and an email if they want it by email (now, after their quiet hours, or held for their
-- digest; essential types always and at once). p_email_addresses are people without an account
-- (an invitation): they get the email only. Everything in one statement; returns the number of
-- in-app notifications written. Unknown types and data without the type's keys are refused (400).
create function private.notify(
  p_type text,
  p_recipients uuid[],
  p_title text,
  p_body text default null,
  p_data jsonb default '{}'::jsonb,
  p_subject_kind text default null,
  p_subject_id uuid default null,
  p_action_url text default null,
  p_email_addresses text[] default '{}'
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_type public.notification_types;
  v_missing text[];
  v_count integer;
begin
  select * into v_type from public.notification_types where type = p_type;
  if not found then
    raise exception using errcode = '22023', message = pg_catalog.format('unknown notification type "%s"', p_type),
      hint = 'use one of the types in public.notification_types';
  end if;
  if p_data is null or pg_catalog.jsonb_typeof(p_data) <> 'object' then
    raise exception using errcode = '22023', message = 'notification data must be a JSON object';
  end if;
  select pg_catalog.array_agg(k) into v_missing from pg_catalog.unnest(v_type.required_data) k where not p_data ? k;
  if v_missing is not null then
    raise exception using errcode = '22023',
      message = pg_catalog.format('a %s notification needs %s in its data', p_type, pg_catalog.array_to_string(v_missing, ', '));
  end if;
  if p_title is null or pg_catalog.btrim(p_title) = '' then
    raise exception using errcode = '22023', message = 'a notification needs a title';
  end if;

  with recipients as (
    select
      u.id as user_id,
      u.email,
      coalesce(s.locale, 'en') as locale,
      coalesce(pr.in_app, v_type.default_in_app) as in_app,
      v_type.essential or coalesce(pr.email, v_type.default_email) as by_email,
      case
        when v_type.essential or coalesce(s.email_frequency, 'instant') = 'instant' then null
        else s.email_frequency
      end as digest,
      case
        when v_type.essential or s.user_id is null then now()
        else private.after_quiet_hours(s.quiet_hours_start, s.quiet_hours_end, s.time_zone, now())
      end as due_at
    from (select distinct r from pg_catalog.unnest(p_recipients) r where r is not null) ids (id)
    join public.profiles p on p.id = ids.id
    join auth.users u on u.id = ids.id
    left join public.notification_settings s on s.user_id = ids.id
    left join public.notification_preferences pr on pr.user_id = ids.id and pr.type = p_type
  ),
  written as (
    insert into public.notifications (user_id, type, title, body, data, subject_kind, subject_id, action_url)
    select user_id, p_type, p_title, p_body, p_data, p_subject_kind, p_subject_id, p_action_url
    from recipients
    where in_app
    returning id, user_id
  ),
  emails as (
    insert into public.email_outbox (user_id, notification_id, to_email, template, locale, data, status, due_at)
    select
      r.user_id,
      w.id,
      r.email,
      p_type,
      r.locale,
      p_data || pg_catalog.jsonb_build_object(
        'title', p_title, 'body', p_body, 'action_url', p_action_url,
        'unsubscribe_token', case when not v_type.essential then private.unsubscribe_token(r.user_id, p_type) end),
      case when r.digest is null then 'pending' else 'held' end::public.email_status,
      case when r.digest is null then r.due_at end
    from recipients r
    left join written w on w.user_id = r.user_id
    where r.by_email and r.email is not null
    union all
    select null, null, pg_catalog.lower(a), p_type, 'en',
      p_data || pg_catalog.jsonb_build_object('title', p_title, 'body', p_body, 'action_url', p_action_url),
      'pending', now()
    from (select distinct pg_catalog.lower(a) as a from pg_catalog.unnest(p_email_addresses) a where a is not null) addresses (a)
  )
  select count(*) into v_count from written;
  return v_count;
end;
$$;

revoke all on function private.notify(text, uuid[], text, text, jsonb, text, uuid, text, text[]) from public;

comment on function private.notify(text, uuid[], text, text, jsonb, text, uuid, text, text[]) is
  'The one way to notify: applies each recipient''s preferences, frequency and quiet hours and writes the in-app notifications and the outbox emails in one statement.';

-- ---------------------------------------------------------------------------------------------
-- RPCs for people
-- ---------------------------------------------------------------------------------------------

-- Marks the caller's notifications read: the given ones (all must be theirs and exist), or all
-- unread ones when p_ids is null. Returns how many changed.
create function public.mark_notifications_read(p_ids uuid[] default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_found integer;
  v_count integer;
begin
  if p_ids is null then
    update public.notifications set read_at = now() where user_id = v_user_id and read_at is null;
    get diagnostics v_count = row_count;
    return v_count;
  end if;
  select count(*) into v_found from public.notifications
  where id = any (p_ids) and user_id = v_user_id;
  if v_found <> (select count(distinct i) from pg_catalog.unnest(p_ids) i) then
    raise exception using errcode = 'PT404', message = 'notification not found',
      hint = 'some of these notifications do not exist or are not yours';
  end if;
  update public.notifications set read_at = now()
  where id = any (p_ids) and user_id = v_user_id and read_at is null;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

comment on function public.mark_notifications_read(uuid[]) is
  'Marks the caller''s notifications read: the ids given (404 if any is not theirs), or every unread one when called without ids. Returns the number changed.';

-- The caller's unread notifications per type (types with none are left out).
create function public.unread_notification_counts()
returns table (type text, unread bigint)
language sql
stable
set search_path = ''
as $$
  select n.type, count(*)
  from public.notifications n
  where n.user_id = (select auth.uid()) and n.read_at is null
  group by n.type
  order by n.type
$$;

comment on function public.unread_notification_counts() is 'The caller''s unread notifications, counted per type.';

-- The caller's settings and, for every type, what they get.
create function public.get_notification_preferences()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'email_frequency', s.email_frequency,
    'quiet_hours_start', s.quiet_hours_start,
    'quiet_hours_end', s.quiet_hours_end,
    'time_zone', s.time_zone,
    'locale', s.locale,
    'types', (
      select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
        'type', t.type,
        'description', t.description,
        'essential', t.essential,
        'in_app', coalesce(p.in_app, t.default_in_app),
        'email', t.essential or coalesce(p.email, t.default_email)
      ) order by t.type)
      from public.notification_types t
      left join public.notification_preferences p on p.user_id = s.user_id and p.type = t.type
    )
  )
  from public.notification_settings s
  where s.user_id = private.require_active_user()
$$;

comment on function public.get_notification_preferences() is
  'The caller''s email frequency, quiet hours, time zone and language, and for every type whether they get it in the app and by email.';

-- Changes the caller's settings; a null argument leaves that setting as it is, and
-- p_clear_quiet_hours removes the quiet hours.
create function public.set_notification_settings(
  p_email_frequency public.email_frequency default null,
  p_quiet_hours_start time default null,
  p_quiet_hours_end time default null,
  p_time_zone text default null,
  p_locale text default null,
  p_clear_quiet_hours boolean default false
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
begin
  if p_time_zone is not null and not private.is_time_zone(p_time_zone) then
    raise exception using errcode = '22023', message = pg_catalog.format('unknown time zone "%s"', p_time_zone),
      hint = 'use an IANA time zone name such as Asia/Jakarta or America/New_York';
  end if;
  if (p_quiet_hours_start is null) <> (p_quiet_hours_end is null) then
    raise exception using errcode = '22023', message = 'quiet hours need both a start and an end';
  end if;
  if p_quiet_hours_start = p_quiet_hours_end then
    raise exception using errcode = '22023', message = 'quiet hours must start and end at different times';
  end if;
  if p_clear_quiet_hours and p_quiet_hours_start is not null then
    raise exception using errcode = '22023', message = 'either clear the quiet hours or set them, not both';
  end if;
  if p_locale is not null and p_locale not in ('en', 'id') then
    raise exception using errcode = '22023', message = pg_catalog.format('unsupported language "%s"', p_locale),
      hint = 'emails are written in en or id';
  end if;
  insert into public.notification_settings (user_id) values (v_user_id) on conflict do nothing;
  update public.notification_settings set
    email_frequency = coalesce(p_email_frequency, email_frequency),
    quiet_hours_start = case when p_clear_quiet_hours then null else coalesce(p_quiet_hours_start, quiet_hours_start) end,
    quiet_hours_end = case when p_clear_quiet_hours then null else coalesce(p_quiet_hours_end, quiet_hours_end) end,
    time_zone = coalesce(p_time_zone, time_zone),
    locale = coalesce(p_locale, locale)
  where user_id = v_user_id;
  return public.get_notification_preferences();
end;
$$;

comment on function public.set_notification_settings(public.email_frequency, time, time, text, text, boolean) is
  'Changes the caller''s email frequency, quiet hours (local start and end, in time_zone), time zone (IANA) or email language (en, id); null leaves a setting unchanged. Returns get_notification_preferences().';

-- Turns one type on or off in the app and by email for the caller (null leaves a channel as it is).
create function public.set_notification_preference(p_type text, p_in_app boolean default null, p_email boolean default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_type public.notification_types;
begin
  select * into v_type from public.notification_types where type = p_type;
  if not found then
    raise exception using errcode = '22023', message = pg_catalog.format('unknown notification type "%s"', p_type);
  end if;
  if v_type.essential and p_email = false then
    raise exception using errcode = '22023', message = pg_catalog.format('%s emails cannot be turned off', p_type),
      hint = 'security, account and payment emails are always sent';
  end if;
  insert into public.notification_preferences as np (user_id, type, in_app, email)
  values (v_user_id, p_type, coalesce(p_in_app, v_type.default_in_app), coalesce(p_email, v_type.default_email))
  on conflict (user_id, type) do update
  set in_app = coalesce(p_in_app, np.in_app), email = coalesce(p_email, np.email);
  return public.get_notification_preferences();
end;
$$;

comment on function public.set_notification_preference(text, boolean, boolean) is
  'Turns one notification type on or off for the caller, in the app and by email (essential types'' email stays on). Returns get_notification_preferences().';

-- The one-click unsubscribe link (no sign-in): turns off the email of the token's type for the
-- token's person. Idempotent; a forged or malformed token is refused.
create function public.unsubscribe_from_email(p_token text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_parts text[] := pg_catalog.string_to_array(p_token, '.');
  v_user_id uuid;
  v_type public.notification_types;
begin
  if p_token is null or pg_catalog.cardinality(v_parts) <> 3 or v_parts[1] !~ '^[0-9a-f-]{36}$' then
    raise exception using errcode = '22023', message = 'this unsubscribe link is not valid';
  end if;
  v_user_id := v_parts[1]::uuid;
  if private.unsubscribe_token(v_user_id, v_parts[2]) is distinct from p_token then
    raise exception using errcode = 'PT403', message = 'this unsubscribe link is not valid',
      hint = 'open the link from the email, or change your preferences in the app';
  end if;
  select * into v_type from public.notification_types where type = v_parts[2];
  if not found or v_type.essential or not exists (select 1 from public.profiles where id = v_user_id) then
    raise exception using errcode = 'PT404', message = 'there is nothing to unsubscribe from';
  end if;
  insert into public.notification_preferences as np (user_id, type, in_app, email)
  values (v_user_id, v_type.type, v_type.default_in_app, false)
  on conflict (user_id, type) do update set email = false;
  return pg_catalog.jsonb_build_object('type', v_type.type, 'description', v_type.description, 'email', false);
end;
$$;

comment on function public.unsubscribe_from_email(text) is
  'One-click unsubscribe (List-Unsubscribe): turns off one type''s email for the person the signed token names, without signing in.';

-- A platform admin tells every active person something, in one statement.
create function public.send_system_announcement(p_title text, p_body text default null, p_action_url text default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_active_user();
  if not private.is_platform_admin() then
    raise exception using errcode = 'PT403', message = 'only platform admins can send announcements';
  end if;
  return private.notify(
    'system_announcement',
    array(
      select p.id from public.profiles p
      where not exists (
        select 1 from public.profile_suspensions s
        where s.profile_id = p.id and s.suspended_at <= now() and (s.suspended_until is null or s.suspended_until > now()))),
    p_title, p_body, '{}'::jsonb, null, null, p_action_url);
end;
$$;

comment on function public.send_system_announcement(text, text, text) is
  'Platform admins: a system_announcement to every active person (in the app and by email, as each prefers). Returns the number of in-app notifications.';

-- ---------------------------------------------------------------------------------------------
-- Delivery (service role: the email-delivery edge function)
-- ---------------------------------------------------------------------------------------------

-- Claims up to p_limit due emails for one worker: pending ones whose time has come and sending
-- ones whose worker's lease ran out (it died). SKIP LOCKED keeps two workers off the same row;
-- each claim counts as an attempt and gets a new claim_id that alone may record the outcome.
create function public.claim_due_emails(p_limit integer default 20, p_lease_seconds integer default 120)
returns setof public.email_outbox
language plpgsql
set search_path = ''
as $$
begin
  if p_limit not between 1 and 500 or p_lease_seconds not between 5 and 3600 then
    raise exception using errcode = '22023', message = 'claim between 1 and 500 emails for 5 to 3600 seconds';
  end if;
  -- A row whose lease ran out on its last attempt failed: nobody confirmed it and no attempt is left.
  update public.email_outbox
  set status = 'failed', claimed_until = null, claim_id = null,
    last_error = 'the worker sending it stopped before confirming'
  where status = 'sending' and claimed_until < now() and attempts >= max_attempts;
  return query
  with due as (
    select id from public.email_outbox
    where (status = 'pending' and due_at <= now()) or (status = 'sending' and claimed_until < now())
    order by due_at, id
    limit p_limit
    for update skip locked
  )
  update public.email_outbox o
  set status = 'sending', attempts = o.attempts + 1, claim_id = extensions.gen_random_uuid(),
    claimed_until = now() + pg_catalog.make_interval(secs => p_lease_seconds)
  from due
  where o.id = due.id
  returning o.*;
end;
$$;

comment on function public.claim_due_emails(integer, integer) is
  'Service role: claims due emails (and ones whose worker''s lease ran out) for one delivery worker, without two workers taking the same row.';

-- Records a claimed email as sent. Only the claim that holds it may; a second call is a no-op.
create function public.mark_email_sent(p_id bigint, p_claim_id uuid, p_message_id text)
returns boolean
language sql
set search_path = ''
as $$
  update public.email_outbox
  set status = 'sent', sent_at = now(), message_id = p_message_id, claimed_until = null, claim_id = null, last_error = null
  where id = p_id and claim_id = p_claim_id and status = 'sending'
  returning true
$$;

comment on function public.mark_email_sent(bigint, uuid, text) is
  'Service role: the email the claim holds was accepted by the mail server. False when the claim no longer holds it.';

-- Records a failed attempt: back to pending after a backoff (30 s, 1, 2, 4 … minutes, at most an
-- hour), or failed for good after max_attempts or when p_permanent (the server refused the address).
create function public.mark_email_failed(p_id bigint, p_claim_id uuid, p_error text, p_permanent boolean default false)
returns public.email_status
language sql
set search_path = ''
as $$
  update public.email_outbox
  set status = case when p_permanent or attempts >= max_attempts then 'failed' else 'pending' end::public.email_status,
    due_at = case when p_permanent or attempts >= max_attempts then due_at
      else now() + least(interval '1 hour', interval '30 seconds' * pg_catalog.power(2, attempts - 1)) end,
    last_error = pg_catalog.left(coalesce(p_error, 'unknown error'), 1000),
    claimed_until = null, claim_id = null
  where id = p_id and claim_id = p_claim_id and status = 'sending'
  returning status
$$;

comment on function public.mark_email_failed(bigint, uuid, text, boolean) is
  'Service role: an attempt failed. Retried after a backoff, or failed for good after max_attempts or when permanent.';

revoke all on function public.claim_due_emails(integer, integer) from public, anon, authenticated;
revoke all on function public.mark_email_sent(bigint, uuid, text) from public, anon, authenticated;
revoke all on function public.mark_email_failed(bigint, uuid, text, boolean) from public, anon, authenticated;
grant execute on function public.claim_due_emails(integer, integer) to service_role;
grant execute on function public.mark_email_sent(bigint, uuid, text) to service_role;
grant execute on function public.mark_email_failed(bigint, uuid, text, boolean) to service_role;

revoke all on function public.mark_notifications_read(uuid[]) from public, anon;
revoke all on function public.unread_notification_counts() from public, anon;
revoke all on function public.get_notification_preferences() from public, anon;
revoke all on function public.set_notification_settings(public.email_frequency, time, time, text, text, boolean) from public, anon;
revoke all on function public.set_notification_preference(text, boolean, boolean) from public, anon;
revoke all on function public.send_system_announcement(text, text, text) from public, anon;
revoke all on function public.unsubscribe_from_email(text) from public;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated;
grant execute on function public.unread_notification_counts() to authenticated;
grant execute on function public.get_notification_preferences() to authenticated;
grant execute on function public.set_notification_settings(public.email_frequency, time, time, text, text, boolean) to authenticated;
grant execute on function public.set_notification_preference(text, boolean, boolean) to authenticated;
grant execute on function public.send_system_announcement(text, text, text) to authenticated;
grant execute on function public.unsubscribe_from_email(text) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Digests
-- ---------------------------------------------------------------------------------------------

-- Gathers held emails into one digest per person and period, once the period's digest is due in
-- the person's time zone: daily at 08:00 local, weekly on Monday at 08:00 local. A period gets one
-- digest (a unique index); what arrives after it waits for the next. Returns digests queued.
create function private.queue_digests(p_at timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  with due as (
    select s.user_id, s.locale,
      case s.email_frequency
        when 'daily' then 'D' || pg_catalog.to_char(p_at at time zone s.time_zone, 'YYYY-MM-DD')
        else 'W' || pg_catalog.to_char(p_at at time zone s.time_zone, 'IYYY-IW')
      end as period
    from public.notification_settings s
    where s.email_frequency in ('daily', 'weekly')
      and (p_at at time zone s.time_zone)::time >= time '08:00'
      and exists (select 1 from public.email_outbox h where h.user_id = s.user_id and h.status = 'held' and h.created_at <= p_at)
  ),
  digests as (
    insert into public.email_outbox (user_id, to_email, template, locale, data, status, due_at, digest_period)
    select d.user_id, u.email, 'digest', d.locale,
      pg_catalog.jsonb_build_object('period', d.period, 'items', (
        select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
          'type', h.template, 'title', h.data ->> 'title', 'body', h.data ->> 'body',
          'action_url', h.data ->> 'action_url', 'created_at', h.created_at) order by h.created_at, h.id)
        from public.email_outbox h where h.user_id = d.user_id and h.status = 'held' and h.created_at <= p_at)),
      'pending', p_at, d.period
    from due d
    join auth.users u on u.id = d.user_id
    where u.email is not null
    on conflict (user_id, digest_period) where digest_period is not null do nothing
    returning id, user_id
  ),
  gathered as (
    update public.email_outbox h
    set status = 'digested', digest_id = d.id
    from digests d
    where h.user_id = d.user_id and h.status = 'held' and h.created_at <= p_at
    returning 1
  )
  select count(*) into v_count from digests;
  return v_count;
end;
$$;

revoke all on function private.queue_digests(timestamptz) from public;

comment on function private.queue_digests(timestamptz) is
  'Scheduled: gathers held emails into each person''s daily or weekly digest once it is due in their time zone, one per period.';

alter publication supabase_realtime add table public.notifications;
