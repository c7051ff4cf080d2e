-- Outreach, part three: email campaigns (the seed's EmailCampaign) sent through the email outbox.
--
--   email_campaigns      subject and body with merge fields ({{first_name}}, {{name}}, {{email}},
--                        {{company}}, {{organization}}, {{event}}, {{event_date}}), sender name,
--                        an audience (a segment, or a list of contacts), optional open and click
--                        tracking, a rate; draft → scheduled → sending → sent, or cancelled before
--                        it finishes; results (recipients, sent, failed, skipped, opened, clicked)
--                        kept by the database
--   campaign_recipients  one row per campaign and contact, so nobody gets a campaign twice:
--                        queued → sent or failed (with the reason), or skipped (consent withdrawn)
--                        or cancelled; opens and clicks
--
-- Queuing is one statement: recipients and their outbox rows (template campaign, merge fields
-- filled in) are inserted together, due one after another at the campaign's rate, and only for
-- contacts whose consented_channels holds email. The email-delivery function sends them as it
-- sends every email; the outbox's status flows back to the recipient. Withdrawing consent (the
-- unsubscribe link in every campaign email, or staff) takes the contact's queued messages out of
-- the outbox in the same transaction, before any later send.

create type public.campaign_status as enum ('draft', 'scheduled', 'sending', 'sent', 'cancelled');
create type public.campaign_recipient_status as enum ('queued', 'sent', 'failed', 'skipped', 'cancelled');

create table public.email_campaigns (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null,
  subject text not null,
  sender_name text,
  body text not null,
  event_id uuid references public.events (id) on delete set null,
  segment_id uuid references public.contact_segments (id) on delete restrict,
  contact_ids uuid[],
  track_opens boolean not null default false,
  track_clicks boolean not null default false,
  rate_per_minute integer not null default 600,
  status public.campaign_status not null default 'draft',
  scheduled_at timestamptz,
  queued_at timestamptz,
  finished_at timestamptz,
  cancelled_at timestamptz,
  recipient_count integer not null default 0,
  sent_count integer not null default 0,
  failed_count integer not null default 0,
  skipped_count integer not null default 0,
  opened_count integer not null default 0,
  clicked_count integer not null default 0,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint email_campaigns_name check (char_length(btrim(name)) between 1 and 200),
  constraint email_campaigns_subject check (char_length(btrim(subject)) between 1 and 200),
  constraint email_campaigns_sender_name check (char_length(sender_name) <= 100 and sender_name !~ '[<>"\r\n]'),
  constraint email_campaigns_body check (char_length(btrim(body)) between 1 and 100000),
  constraint email_campaigns_audience check ((segment_id is null) <> (contact_ids is null)),
  constraint email_campaigns_contact_ids check (cardinality(contact_ids) between 1 and 100000),
  constraint email_campaigns_rate check (rate_per_minute between 1 and 100000),
  constraint email_campaigns_scheduled check ((status = 'scheduled') <= (scheduled_at is not null)),
  constraint email_campaigns_counts check (
    least(recipient_count, sent_count, failed_count, skipped_count, opened_count, clicked_count) >= 0
    and sent_count + failed_count + skipped_count <= recipient_count)
);

comment on table public.email_campaigns is
  'An organization''s email campaign (the seed''s EmailCampaign): subject and body with merge fields, an audience (segment_id or contact_ids), tracking and rate; sent with send_campaign(), cancelled with cancel_campaign(); the counts are its results, kept by the database. The organization''s staff and platform admins.';
comment on column public.email_campaigns.body is 'Plain text; blank lines separate paragraphs, URLs become links (tracked when track_clicks). Merge fields: {{first_name}} {{name}} {{email}} {{company}} {{organization}} {{event}} {{event_date}}.';
comment on column public.email_campaigns.contact_ids is 'The audience as a list of the organization''s contacts, when there is no segment_id.';
comment on column public.email_campaigns.rate_per_minute is 'How many messages become due per minute: the outbox rows are due one after another at this pace.';
comment on column public.email_campaigns.recipient_count is 'Recipients queued (contacts of the audience who consented to email when it was queued). Kept by the database, as are the other counts.';

create index email_campaigns_organization_id_idx on public.email_campaigns (organization_id, created_at desc);
create index email_campaigns_event_id_idx on public.email_campaigns (event_id);
create index email_campaigns_segment_id_idx on public.email_campaigns (segment_id);
create index email_campaigns_created_by_idx on public.email_campaigns (created_by);
create index email_campaigns_due_idx on public.email_campaigns (scheduled_at) where status = 'scheduled';

create trigger email_campaigns_updated_at
  before update on public.email_campaigns
  for each row execute function extensions.moddatetime(updated_at);

create table public.campaign_recipients (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references public.email_campaigns (id) on delete cascade,
  contact_id uuid not null references public.contacts (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  email text not null,
  status public.campaign_recipient_status not null default 'queued',
  reason text,
  queued_at timestamptz not null default now(),
  sent_at timestamptz,
  first_opened_at timestamptz,
  open_count integer not null default 0,
  first_clicked_at timestamptz,
  click_count integer not null default 0,
  constraint campaign_recipients_once unique (campaign_id, contact_id),
  constraint campaign_recipients_sent check ((status = 'sent') = (sent_at is not null)),
  constraint campaign_recipients_counts check (open_count >= 0 and click_count >= 0),
  constraint campaign_recipients_reason check (char_length(reason) <= 1000)
);

comment on table public.campaign_recipients is
  'One per campaign and contact (so nobody gets a campaign twice): queued → sent or failed (reason), skipped when consent was withdrawn, cancelled with the campaign; opens and clicks. Written by the database only; the organization''s staff read them.';

create index campaign_recipients_contact_id_idx on public.campaign_recipients (contact_id, status);
create index campaign_recipients_organization_id_idx on public.campaign_recipients (organization_id);
create index campaign_recipients_status_idx on public.campaign_recipients (campaign_id, status);

alter table public.email_outbox
  add column campaign_recipient_id uuid references public.campaign_recipients (id) on delete cascade;

comment on column public.email_outbox.campaign_recipient_id is 'For a campaign message (template campaign): its recipient, whose status follows this row''s.';

create unique index email_outbox_campaign_recipient_id_idx on public.email_outbox (campaign_recipient_id);

-- ---------------------------------------------------------------------------------------------
-- Merge fields
-- ---------------------------------------------------------------------------------------------

-- The merge fields a text uses that do not exist (or {{event}} without an event), as text.
create function private.unknown_merge_fields(p_text text, p_has_event boolean)
returns text
language sql
immutable
set search_path = ''
as $$
  select pg_catalog.string_agg(distinct '{{' || m[1] || '}}', ', ')
  from pg_catalog.regexp_matches(p_text, '\{\{\s*([^{}]*?)\s*\}\}', 'g') m
  where m[1] not in ('first_name', 'name', 'email', 'company', 'organization')
    and not (p_has_event and m[1] in ('event', 'event_date'))
$$;

revoke all on function private.unknown_merge_fields(text, boolean) from public;
grant execute on function private.unknown_merge_fields(text, boolean) to authenticated, service_role;

comment on function private.unknown_merge_fields(text, boolean) is
  'The merge fields in a campaign text that are not known ({{event}} and {{event_date}} need an event). Granted to authenticated because the campaigns'' guard trigger runs as the writer.';

-- p_text with {{field}} replaced by p_fields' values (missing ones by nothing): one regular
-- expression to tidy the fields' spacing, then plain replace() calls, as a campaign to 10,000
-- contacts runs it 20,000 times in its one statement.
create function private.fill_merge_fields(p_text text, p_fields jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
  select pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
    pg_catalog.regexp_replace(p_text, '\{\{\s*([a-z_]+)\s*\}\}', '{{\1}}', 'g'),
    '{{first_name}}', coalesce(p_fields ->> 'first_name', '')),
    '{{name}}', coalesce(p_fields ->> 'name', '')),
    '{{email}}', coalesce(p_fields ->> 'email', '')),
    '{{company}}', coalesce(p_fields ->> 'company', '')),
    '{{organization}}', coalesce(p_fields ->> 'organization', '')),
    '{{event_date}}', coalesce(p_fields ->> 'event_date', '')),
    '{{event}}', coalesce(p_fields ->> 'event', ''))
$$;

revoke all on function private.fill_merge_fields(text, jsonb) from public;

comment on function private.fill_merge_fields(text, jsonb) is 'A campaign text with its merge fields filled in. For queuing campaigns.';

-- ---------------------------------------------------------------------------------------------
-- Guards
-- ---------------------------------------------------------------------------------------------

-- Security invoker on purpose: private.is_trusted() tells the RPCs and the database's own
-- triggers (running as the owner) from a member's direct write, and the existence checks read
-- what the writer may see.
create function private.guard_email_campaign()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_unknown text;
begin
  if tg_op = 'UPDATE' and not private.is_trusted() then
    if new.organization_id is distinct from old.organization_id then
      raise exception using errcode = '22023', message = 'a campaign cannot move to another organization';
    end if;
    if old.status <> 'draft' then
      raise exception using errcode = 'PT409', message = pg_catalog.format('the campaign is %s and can no longer be changed', old.status),
        hint = 'cancel_campaign() stops a scheduled or sending campaign';
    end if;
  end if;
  if tg_op = 'INSERT' or not private.is_trusted() then
    -- Before the checks below, which would otherwise answer 404 to someone who may not write here at all.
    if not private.is_trusted() and not private.can_manage(new.organization_id, 'staff') then
      raise exception using errcode = '42501', message = 'only the organization''s staff write its campaigns';
    end if;
    -- Status, times and results move only through send_campaign(), cancel_campaign() and the database.
    if tg_op = 'INSERT' then
      new.status := 'draft';
      new.scheduled_at := null; new.queued_at := null; new.finished_at := null; new.cancelled_at := null;
      new.recipient_count := 0; new.sent_count := 0; new.failed_count := 0; new.skipped_count := 0;
      new.opened_count := 0; new.clicked_count := 0;
    end if;
    v_unknown := private.unknown_merge_fields(new.subject || ' ' || new.body, new.event_id is not null);
    if v_unknown is not null then
      raise exception using errcode = '22023', message = pg_catalog.format('unknown merge fields: %s', v_unknown),
        hint = 'use {{first_name}}, {{name}}, {{email}}, {{company}}, {{organization}}, and {{event}} or {{event_date}} with an event';
    end if;
    if new.event_id is not null and not exists (
        select 1 from public.events e where e.id = new.event_id and e.organization_id = new.organization_id) then
      raise exception using errcode = 'PT404', message = 'the campaign''s event is not one of the organization''s events';
    end if;
    if new.segment_id is not null and not exists (
        select 1 from public.contact_segments s where s.id = new.segment_id and s.organization_id = new.organization_id) then
      raise exception using errcode = 'PT404', message = 'the campaign''s segment is not one of the organization''s segments';
    end if;
    if new.contact_ids is not null and exists (
        select 1 from pg_catalog.unnest(new.contact_ids) x
        where not exists (select 1 from public.contacts c where c.id = x and c.organization_id = new.organization_id)) then
      raise exception using errcode = 'PT404', message = 'the campaign''s list holds contacts the organization does not have';
    end if;
  end if;
  return new;
end;
$$;

revoke all on function private.guard_email_campaign() from public;

comment on function private.guard_email_campaign() is
  'Trigger on email_campaigns: merge fields, the event, segment and contacts must be the organization''s; status, times and results are the database''s; only drafts change.';

create trigger email_campaigns_guard
  before insert or update on public.email_campaigns
  for each row execute function private.guard_email_campaign();

-- ---------------------------------------------------------------------------------------------
-- Queuing
-- ---------------------------------------------------------------------------------------------

-- Everything a campaign's email carries, for one contact.
create function private.campaign_message(p_campaign public.email_campaigns, p_contact public.contacts, p_organization text, p_event jsonb)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with fields as (
    select pg_catalog.jsonb_build_object(
      'first_name', coalesce(pg_catalog.split_part(pg_catalog.btrim(p_contact.full_name), ' ', 1), ''),
      'name', coalesce(p_contact.full_name, ''),
      'email', p_contact.email,
      'company', coalesce(p_contact.company, ''),
      'organization', p_organization) || coalesce(p_event, '{}'::jsonb) as f
  )
  select pg_catalog.jsonb_build_object(
    'title', private.fill_merge_fields(p_campaign.subject, f),
    'body', private.fill_merge_fields(p_campaign.body, f),
    'sender_name', coalesce(p_campaign.sender_name, p_organization),
    'organization', p_organization,
    'track_opens', p_campaign.track_opens,
    'track_clicks', p_campaign.track_clicks)
  from fields
$$;

revoke all on function private.campaign_message(public.email_campaigns, public.contacts, text, jsonb) from public;

comment on function private.campaign_message(public.email_campaigns, public.contacts, text, jsonb) is
  'A campaign email''s outbox data for one contact: subject and body with merge fields filled in, sender, tracking. For queuing.';

-- Queues a campaign now, in one statement: a recipient and an outbox row per contact of the
-- audience who consented to email, due one after another at the campaign's rate. Returns how many.
create function private.queue_campaign(p_campaign_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_campaign public.email_campaigns;
  v_organization text;
  v_event jsonb;
  v_count integer;
begin
  select * into v_campaign from public.email_campaigns where id = p_campaign_id for update;
  if v_campaign.status not in ('draft', 'scheduled') then
    return 0;
  end if;
  select o.display_name into v_organization from public.organizations o where o.id = v_campaign.organization_id;
  select pg_catalog.jsonb_build_object('event', e.title, 'event_date', pg_catalog.to_char(e.starts_at at time zone 'UTC', 'FMDD Mon YYYY HH24:MI "UTC"'))
  into v_event from public.events e where e.id = v_campaign.event_id;

  with audience as (
    select c.* from public.contacts c
    where c.organization_id = v_campaign.organization_id
      and 'email' = any(c.consented_channels)
      and (c.id = any(v_campaign.contact_ids)
        or c.id in (select private.segment_contact_ids(v_campaign.organization_id, s.rules)
                    from public.contact_segments s where s.id = v_campaign.segment_id))
  ),
  recipients as (
    insert into public.campaign_recipients (campaign_id, contact_id, organization_id, email)
    select v_campaign.id, a.id, a.organization_id, a.email from audience a
    order by a.email
    on conflict (campaign_id, contact_id) do nothing
    returning id, contact_id, email
  ),
  numbered as (
    select r.*, pg_catalog.row_number() over (order by r.email) - 1 as n from recipients r
  )
  insert into public.email_outbox (user_id, to_email, template, data, status, due_at, max_attempts, campaign_recipient_id)
  select a.profile_id, r.email, 'campaign',
    private.campaign_message(v_campaign, a, v_organization, v_event)
      || pg_catalog.jsonb_build_object('recipient_id', r.id, 'unsubscribe_token', private.unsubscribe_token(a.id, 'campaign')),
    'pending', now() + pg_catalog.make_interval(secs => r.n * 60.0 / v_campaign.rate_per_minute), 3, r.id
  -- Joined to the table, not to the audience: the planner cannot estimate a CTE's rows and would
  -- pair the two CTEs in a nested loop (10,000 × 10,000 comparisons for a campaign of 10,000).
  from numbered r join public.contacts a on a.id = r.contact_id;
  get diagnostics v_count = row_count;

  update public.email_campaigns
  set status = case when v_count = 0 then 'sent' else 'sending' end::public.campaign_status,
    queued_at = now(), finished_at = case when v_count = 0 then now() end
  where id = v_campaign.id;
  return v_count;
end;
$$;

revoke all on function private.queue_campaign(uuid) from public;

comment on function private.queue_campaign(uuid) is
  'Queues a draft or scheduled campaign: recipients and outbox rows for the audience''s email-consented contacts, in one statement, due at the campaign''s rate. For send_campaign() and the campaign-jobs cron job.';

-- Scheduled campaigns whose time has come (the cron job campaign-jobs, every minute).
create function private.queue_due_campaigns()
returns integer
language sql
security definer
set search_path = ''
as $$
  select coalesce(pg_catalog.sum(private.queue_campaign(c.id)), 0)::integer
  from public.email_campaigns c
  where c.status = 'scheduled' and c.scheduled_at <= now()
$$;

revoke all on function private.queue_due_campaigns() from public;

comment on function private.queue_due_campaigns() is 'Queues the scheduled campaigns that are due. Run every minute by the cron job campaign-jobs.';

select cron.schedule('campaign-jobs', '* * * * *', $$select private.queue_due_campaigns()$$);

-- ---------------------------------------------------------------------------------------------
-- Kept by the database
-- ---------------------------------------------------------------------------------------------

-- The outbox's outcome flows back to the recipient.
create function private.sync_campaign_recipient()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.campaign_recipients r
  set status = new.status::text::public.campaign_recipient_status,
    sent_at = new.sent_at,
    reason = case when new.status = 'failed' then new.last_error end
  where r.id = new.campaign_recipient_id and r.status = 'queued';
  return null;
end;
$$;

revoke all on function private.sync_campaign_recipient() from public;

comment on function private.sync_campaign_recipient() is 'Trigger on email_outbox: a campaign message sent or failed for good marks its recipient.';

create trigger email_outbox_campaign_recipient
  after update of status on public.email_outbox
  for each row
  when (new.campaign_recipient_id is not null and new.status in ('sent', 'failed') and old.status is distinct from new.status)
  execute function private.sync_campaign_recipient();

-- The campaign's results, by statement (a campaign of 10,000 queues in one).
create function private.count_campaign_recipients()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  with delta as (
    select campaign_id, sum(d.recipients) as recipients, sum(d.sent) as sent, sum(d.failed) as failed,
      sum(d.skipped) as skipped, sum(d.opened) as opened, sum(d.clicked) as clicked
    from (
      select n.campaign_id, 1 as recipients, (n.status = 'sent')::integer as sent, (n.status = 'failed')::integer as failed,
        (n.status in ('skipped', 'cancelled'))::integer as skipped,
        (n.first_opened_at is not null)::integer as opened, (n.first_clicked_at is not null)::integer as clicked
      from new_rows n
      union all
      select o.campaign_id, -1, -(o.status = 'sent')::integer, -(o.status = 'failed')::integer,
        -(o.status in ('skipped', 'cancelled'))::integer,
        -(o.first_opened_at is not null)::integer, -(o.first_clicked_at is not null)::integer
      from old_rows o
    ) d
    group by campaign_id
  )
  update public.email_campaigns c
  set recipient_count = c.recipient_count + d.recipients,
    sent_count = c.sent_count + d.sent, failed_count = c.failed_count + d.failed,
    skipped_count = c.skipped_count + d.skipped, opened_count = c.opened_count + d.opened,
    clicked_count = c.clicked_count + d.clicked
  from delta d
  where c.id = d.campaign_id;
  -- A sending campaign with nothing left queued is finished.
  update public.email_campaigns c
  set status = 'sent', finished_at = now()
  where c.status = 'sending' and c.id in (select campaign_id from new_rows)
    and not exists (select 1 from public.campaign_recipients r where r.campaign_id = c.id and r.status = 'queued');
  return null;
end;
$$;

revoke all on function private.count_campaign_recipients() from public;

comment on function private.count_campaign_recipients() is 'Statement trigger on campaign_recipients: keeps the campaign''s counts and marks it sent when nothing is queued.';

-- new_rows alone for INSERT; for UPDATE old_rows too (the function reads both, so INSERT gets an empty old_rows).
create function private.count_new_campaign_recipients()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.email_campaigns c
  set recipient_count = c.recipient_count + d.n
  from (select campaign_id, pg_catalog.count(*)::integer as n from new_rows group by campaign_id) d
  where c.id = d.campaign_id;
  return null;
end;
$$;

revoke all on function private.count_new_campaign_recipients() from public;

comment on function private.count_new_campaign_recipients() is 'Statement trigger on campaign_recipients: counts queued recipients into the campaign.';

create trigger campaign_recipients_count_insert
  after insert on public.campaign_recipients
  referencing new table as new_rows
  for each statement execute function private.count_new_campaign_recipients();

create trigger campaign_recipients_count_update
  after update on public.campaign_recipients
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.count_campaign_recipients();

-- Consent to email withdrawn: the contact's queued campaign messages leave the outbox now.
create function private.withdraw_campaign_messages()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if 'email' = any(old.consented_channels) and not 'email' = any(new.consented_channels) then
    delete from public.email_outbox o
    using public.campaign_recipients r
    where r.contact_id = new.id and r.status = 'queued' and o.campaign_recipient_id = r.id and o.status = 'pending';
    update public.campaign_recipients r
    set status = 'skipped', reason = 'consent to email withdrawn'
    where r.contact_id = new.id and r.status = 'queued'
      and not exists (select 1 from public.email_outbox o where o.campaign_recipient_id = r.id);
  end if;
  return null;
end;
$$;

revoke all on function private.withdraw_campaign_messages() from public;

comment on function private.withdraw_campaign_messages() is 'Trigger on contacts: when consent to email is withdrawn, the contact''s queued campaign messages are taken out of the outbox and skipped.';

create trigger contacts_withdraw_campaign_messages
  after update of consented_channels on public.contacts
  for each row execute function private.withdraw_campaign_messages();

-- ---------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------

alter table public.email_campaigns enable row level security;
alter table public.campaign_recipients enable row level security;

revoke all on public.email_campaigns, public.campaign_recipients from anon, authenticated, service_role;
grant select, delete on public.email_campaigns to authenticated;
grant insert (organization_id, name, subject, sender_name, body, event_id, segment_id, contact_ids, track_opens, track_clicks, rate_per_minute)
  on public.email_campaigns to authenticated;
grant update (name, subject, sender_name, body, event_id, segment_id, contact_ids, track_opens, track_clicks, rate_per_minute)
  on public.email_campaigns to authenticated;
grant select on public.campaign_recipients to authenticated;
grant select, insert, update, delete on public.email_campaigns, public.campaign_recipients to service_role;

create policy email_campaigns_select on public.email_campaigns for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy email_campaigns_insert on public.email_campaigns for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy email_campaigns_update on public.email_campaigns for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
-- A campaign that went out stays, with its results: only drafts are deleted.
create policy email_campaigns_delete on public.email_campaigns for delete to authenticated
  using ((organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin())) and status = 'draft');

create policy campaign_recipients_select on public.campaign_recipients for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function private.campaign_for_staff(p_campaign_id uuid)
returns public.email_campaigns
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_campaign public.email_campaigns;
begin
  perform private.require_active_user();
  select * into v_campaign from public.email_campaigns where id = p_campaign_id for update;
  if not found or not private.can_manage(v_campaign.organization_id, 'staff') then
    raise exception using errcode = 'PT404', message = 'campaign not found';
  end if;
  return v_campaign;
end;
$$;

revoke all on function private.campaign_for_staff(uuid) from public;

comment on function private.campaign_for_staff(uuid) is 'The campaign, locked, when the caller is its organization''s staff; PT404 otherwise. For the campaign RPCs.';

-- Sends a draft now (p_at null or past) or schedules it. Refuses an audience with nobody who
-- consented to email.
create function public.send_campaign(p_campaign_id uuid, p_at timestamptz default null)
returns public.email_campaigns
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_campaign public.email_campaigns := private.campaign_for_staff(p_campaign_id);
begin
  if v_campaign.status <> 'draft' then
    raise exception using errcode = 'PT409', message = pg_catalog.format('the campaign is %s, not a draft', v_campaign.status);
  end if;
  if p_at > now() + interval '1 year' then
    raise exception using errcode = '22023', message = 'schedule a campaign at most a year ahead';
  end if;
  if not exists (
      select 1 from public.contacts c
      where c.organization_id = v_campaign.organization_id and 'email' = any(c.consented_channels)
        and (c.id = any(v_campaign.contact_ids)
          or c.id in (select private.segment_contact_ids(v_campaign.organization_id, s.rules)
                      from public.contact_segments s where s.id = v_campaign.segment_id))) then
    raise exception using errcode = 'PT409', message = 'nobody in the campaign''s audience consented to email',
      hint = 'preview_segment() counts the audience and how many consented';
  end if;
  if p_at > now() then
    update public.email_campaigns set status = 'scheduled', scheduled_at = p_at where id = p_campaign_id;
  else
    perform private.queue_campaign(p_campaign_id);
  end if;
  select * into v_campaign from public.email_campaigns where id = p_campaign_id;
  return v_campaign;
end;
$$;

comment on function public.send_campaign(uuid, timestamptz) is
  'Staff: sends a draft campaign now (queued at its rate to the audience''s email-consented contacts, once each) or schedules it for p_at. 409 when it is not a draft or nobody in the audience consented.';

-- Stops a campaign before it finishes: what is still queued is taken out of the outbox.
create function public.cancel_campaign(p_campaign_id uuid)
returns public.email_campaigns
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_campaign public.email_campaigns := private.campaign_for_staff(p_campaign_id);
begin
  if v_campaign.status not in ('draft', 'scheduled', 'sending') then
    raise exception using errcode = 'PT409', message = pg_catalog.format('the campaign is %s already', v_campaign.status);
  end if;
  delete from public.email_outbox o
  using public.campaign_recipients r
  where r.campaign_id = p_campaign_id and r.status = 'queued' and o.campaign_recipient_id = r.id and o.status = 'pending';
  update public.campaign_recipients r
  set status = 'cancelled', reason = 'the campaign was cancelled'
  where r.campaign_id = p_campaign_id and r.status = 'queued'
    and not exists (select 1 from public.email_outbox o where o.campaign_recipient_id = r.id);
  update public.email_campaigns set status = 'cancelled', cancelled_at = now(), finished_at = now()
  where id = p_campaign_id
  returning * into v_campaign;
  return v_campaign;
end;
$$;

comment on function public.cancel_campaign(uuid) is
  'Staff: cancels a draft, scheduled or sending campaign; queued messages not yet being sent are taken out of the outbox (their recipients cancelled). 409 once sent or cancelled.';

-- The campaign to the caller's own address, merge fields filled from their profile.
create function public.send_campaign_test(p_campaign_id uuid)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_campaign public.email_campaigns := private.campaign_for_staff(p_campaign_id);
  v_user auth.users;
  v_contact public.contacts;
  v_organization text;
  v_event jsonb;
  v_id bigint;
begin
  select * into v_user from auth.users where id = (select auth.uid());
  if v_user.email is null then
    raise exception using errcode = 'PT409', message = 'your account has no email address';
  end if;
  v_contact.email := pg_catalog.lower(v_user.email);
  v_contact.full_name := (select p.display_name from public.profiles p where p.id = v_user.id);
  select o.display_name into v_organization from public.organizations o where o.id = v_campaign.organization_id;
  select pg_catalog.jsonb_build_object('event', e.title, 'event_date', pg_catalog.to_char(e.starts_at at time zone 'UTC', 'FMDD Mon YYYY HH24:MI "UTC"'))
  into v_event from public.events e where e.id = v_campaign.event_id;
  insert into public.email_outbox (user_id, to_email, template, data, status, due_at)
  values (v_user.id, v_contact.email, 'campaign',
    private.campaign_message(v_campaign, v_contact, v_organization, v_event)
      || pg_catalog.jsonb_build_object('title', '[Test] ' || private.fill_merge_fields(v_campaign.subject,
        pg_catalog.jsonb_build_object('first_name', pg_catalog.split_part(coalesce(v_contact.full_name, ''), ' ', 1),
          'name', coalesce(v_contact.full_name, ''), 'email', v_contact.email, 'company', '', 'organization', v_organization)
        || coalesce(v_event, '{}'::jsonb)), 'track_opens', false, 'track_clicks', false),
    'pending', now())
  returning id into v_id;
  return v_id;
end;
$$;

comment on function public.send_campaign_test(uuid) is
  'Staff: sends the campaign once to the caller''s own email (subject prefixed [Test], merge fields from their profile, no tracking). Returns the outbox id.';

-- Opens and clicks, recorded by the campaign-tracking edge function (service role).
create function public.record_campaign_open(p_recipient_id uuid)
returns boolean
language sql
security definer
set search_path = ''
as $$
  update public.campaign_recipients r
  set open_count = r.open_count + 1, first_opened_at = coalesce(r.first_opened_at, now())
  where r.id = p_recipient_id
    and exists (select 1 from public.email_campaigns c where c.id = r.campaign_id and c.track_opens)
  returning true
$$;

comment on function public.record_campaign_open(uuid) is
  'Service role (the campaign-tracking function): the recipient opened the email (the tracking pixel loaded). False for an unknown recipient or a campaign without open tracking.';

-- Only a link the campaign's body holds is followed, so the redirect cannot send anyone elsewhere.
create function public.record_campaign_click(p_recipient_id uuid, p_url text)
returns boolean
language sql
security definer
set search_path = ''
as $$
  update public.campaign_recipients r
  set click_count = r.click_count + 1, first_clicked_at = coalesce(r.first_clicked_at, now()),
    open_count = greatest(r.open_count, 1), first_opened_at = coalesce(r.first_opened_at, now())
  where r.id = p_recipient_id
    and exists (
      select 1 from public.email_campaigns c
      where c.id = r.campaign_id and c.track_clicks and p_url ~ '^https?://'
        and pg_catalog.strpos(c.body, p_url) > 0)
  returning true
$$;

comment on function public.record_campaign_click(uuid, text) is
  'Service role (the campaign-tracking function): the recipient followed p_url, a link in the campaign''s body (a click counts as an open too). False otherwise: the function then refuses to redirect.';

-- ---------------------------------------------------------------------------------------------
-- One-click unsubscribe from campaigns
-- ---------------------------------------------------------------------------------------------

-- Campaign emails carry "<contact id>.campaign.<signature>": the same signed token as
-- notification emails, with campaign as its type, which withdraws the contact's consent to email.
create or replace function public.unsubscribe_from_email(p_token text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_parts text[] := pg_catalog.string_to_array(p_token, '.');
  v_user_id uuid;
  v_type public.notification_types;
  v_contact public.contacts;
begin
  if p_token is null or pg_catalog.cardinality(v_parts) <> 3 or v_parts[1] !~ '^[0-9a-f-]{36}$' then
    raise exception using errcode = '22023', message = 'this unsubscribe link is not valid';
  end if;
  v_user_id := v_parts[1]::uuid;
  if private.unsubscribe_token(v_user_id, v_parts[2]) is distinct from p_token then
    raise exception using errcode = 'PT403', message = 'this unsubscribe link is not valid',
      hint = 'open the link from the email, or change your preferences in the app';
  end if;
  if v_parts[2] = 'campaign' then
    select * into v_contact from public.contacts where id = v_user_id;
    if not found then
      raise exception using errcode = 'PT404', message = 'there is nothing to unsubscribe from';
    end if;
    if 'email' = any(v_contact.consented_channels) then
      insert into public.contact_consents (contact_id, channel, granted, method, note, recorded_by)
      values (v_contact.id, 'email', false, 'unsubscribe_link', 'one-click unsubscribe from a campaign email', null);
    end if;
    return pg_catalog.jsonb_build_object('type', 'campaign', 'email', false,
      'description', 'emails from ' || (select o.display_name from public.organizations o where o.id = v_contact.organization_id));
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
  'One-click unsubscribe (List-Unsubscribe): turns off one type''s email for the person the signed token names, or, for a campaign email''s token, withdraws the contact''s consent to email (queued campaign messages are dropped at once). No sign-in.';

revoke all on function public.send_campaign(uuid, timestamptz) from public, anon;
revoke all on function public.cancel_campaign(uuid) from public, anon;
revoke all on function public.send_campaign_test(uuid) from public, anon;
revoke all on function public.record_campaign_open(uuid) from public, anon, authenticated;
revoke all on function public.record_campaign_click(uuid, text) from public, anon, authenticated;
grant execute on function public.send_campaign(uuid, timestamptz) to authenticated, service_role;
grant execute on function public.cancel_campaign(uuid) to authenticated, service_role;
grant execute on function public.send_campaign_test(uuid) to authenticated, service_role;
grant execute on function public.record_campaign_open(uuid) to service_role;
grant execute on function public.record_campaign_click(uuid, text) to service_role;
