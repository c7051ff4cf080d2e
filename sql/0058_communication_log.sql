-- Outreach, part four: the communication log (the seed's CommunicationLog), one timeline per
-- contact of everything the organization said to them and did with them:
--   contact_activities   staff's own entries: calls, meetings, notes, emails and messages sent
--                        outside Pitlane
--   contact_timeline()   those entries, the contact's campaign messages (with their status, opens
--                        and clicks), consent given and withdrawn, and, for a contact linked to an
--                        account, the notifications (and whether each was emailed) about the
--                        organization's own registrations, enrollments and certificates
-- The timeline is computed from the tables that hold each kind of message, so nothing is written
-- twice and nothing can drift; only the organization's staff (and platform admins) read it.

create type public.contact_activity_kind as enum ('call', 'meeting', 'note', 'email', 'message');

create table public.contact_activities (
  id uuid primary key default gen_random_uuid(),
  contact_id uuid not null references public.contacts (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  kind public.contact_activity_kind not null,
  subject text not null,
  body text,
  occurred_at timestamptz not null default now(),
  recorded_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint contact_activities_subject check (char_length(btrim(subject)) between 1 and 200),
  constraint contact_activities_body check (char_length(body) <= 10000)
);

comment on table public.contact_activities is
  'Staff''s manual entries in a contact''s communication log: calls, meetings, notes, emails and messages sent outside Pitlane. contact_timeline() shows them with everything Pitlane sent. The organization''s staff and platform admins; an entry is changed or deleted by whoever recorded it or the organization''s admins.';
comment on column public.contact_activities.organization_id is 'The contact''s organization, set by the database.';

create index contact_activities_contact_id_idx on public.contact_activities (contact_id, occurred_at desc);
create index contact_activities_organization_id_idx on public.contact_activities (organization_id);
create index contact_activities_recorded_by_idx on public.contact_activities (recorded_by);

create trigger contact_activities_updated_at
  before update on public.contact_activities
  for each row execute function extensions.moddatetime(updated_at);

create function private.prepare_contact_activity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.contact_id is distinct from old.contact_id then
    raise exception using errcode = '22023', message = 'an entry stays with its contact';
  end if;
  select c.organization_id into new.organization_id from public.contacts c where c.id = new.contact_id;
  return new;
end;
$$;

revoke all on function private.prepare_contact_activity() from public;

comment on function private.prepare_contact_activity() is 'Trigger on contact_activities: the organization is the contact''s.';

create trigger contact_activities_prepare
  before insert or update on public.contact_activities
  for each row execute function private.prepare_contact_activity();

alter table public.contact_activities enable row level security;

revoke all on public.contact_activities from anon, authenticated, service_role;
grant select, delete on public.contact_activities to authenticated;
grant insert (contact_id, kind, subject, body, occurred_at) on public.contact_activities to authenticated;
grant update (kind, subject, body, occurred_at) on public.contact_activities to authenticated;
grant select, insert, update, delete on public.contact_activities to service_role;

create policy contact_activities_select on public.contact_activities for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contact_activities_insert on public.contact_activities for insert to authenticated
  with check (
    (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
    and recorded_by = (select auth.uid()));
create policy contact_activities_update on public.contact_activities for update to authenticated
  using (
    (organization_id in (select private.organization_ids_with_role('staff')) and recorded_by = (select auth.uid()))
    or organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contact_activities_delete on public.contact_activities for delete to authenticated
  using (
    (organization_id in (select private.organization_ids_with_role('staff')) and recorded_by = (select auth.uid()))
    or organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));

-- One contact's timeline, newest first, paged by p_before.
create function public.contact_timeline(p_contact_id uuid, p_limit integer default 100, p_before timestamptz default null)
returns table (
  at timestamptz,
  kind text,
  channel text,
  title text,
  detail text,
  status text,
  source_id text
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_contact public.contacts;
begin
  perform private.require_active_user();
  if p_limit is null or p_limit not between 1 and 500 then
    raise exception using errcode = '22023', message = 'ask for 1 to 500 entries';
  end if;
  select * into v_contact from public.contacts where id = p_contact_id;
  if not found or not private.can_manage(v_contact.organization_id, 'staff') then
    raise exception using errcode = 'PT404', message = 'contact not found';
  end if;
  return query
  select t.at, t.kind, t.channel, t.title, t.detail, t.status, t.source_id
  from (
    select a.occurred_at as at, a.kind::text as kind,
      case a.kind when 'call' then 'phone' when 'meeting' then 'in_person' when 'note' then null when 'email' then 'email' else 'message' end as channel,
      a.subject as title, a.body as detail, null::text as status, a.id::text as source_id
    from public.contact_activities a
    where a.contact_id = v_contact.id
    union all
    select coalesce(r.sent_at, r.queued_at), 'campaign', 'email', c.subject, c.name,
      r.status::text
        || case when r.first_opened_at is not null then ', opened' else '' end
        || case when r.first_clicked_at is not null then ', clicked' else '' end
        || coalesce(' (' || r.reason || ')', ''),
      c.id::text
    from public.campaign_recipients r
    join public.email_campaigns c on c.id = r.campaign_id
    where r.contact_id = v_contact.id
    union all
    select k.recorded_at, 'consent', k.channel::text,
      case when k.granted then 'consent given' else 'consent withdrawn' end,
      k.note, k.method::text, k.id::text
    from public.contact_consents k
    where k.contact_id = v_contact.id
    union all
    select n.created_at, 'notification', case when o.id is null then 'in_app' else 'email' end, n.title, n.body,
      coalesce(o.status::text, case when n.read_at is null then 'unread' else 'read' end), n.id::text
    from public.notifications n
    left join lateral (
      select x.id, x.status from public.email_outbox x where x.notification_id = n.id order by x.id desc limit 1
    ) o on true
    where v_contact.profile_id is not null and n.user_id = v_contact.profile_id
      and (
        (n.subject_kind = 'event_registration' and exists (
          select 1 from public.event_registrations g where g.id = n.subject_id and g.organization_id = v_contact.organization_id))
        or (n.subject_kind = 'course_enrollment' and exists (
          select 1 from public.course_enrollments g where g.id = n.subject_id and g.organization_id = v_contact.organization_id))
        or (n.subject_kind = 'certificate' and exists (
          select 1 from public.certificates g where g.id = n.subject_id and g.organization_id = v_contact.organization_id)))
  ) t
  where p_before is null or t.at < p_before
  order by t.at desc, t.kind, t.source_id
  limit p_limit;
end;
$$;

comment on function public.contact_timeline(uuid, integer, timestamptz) is
  'Staff: one contact''s communication log, newest first (p_before pages): manual entries, campaign messages with status, opens and clicks, consent changes, and the linked account''s notifications about the organization''s registrations, enrollments and certificates (emailed or in the app).';

revoke all on function public.contact_timeline(uuid, integer, timestamptz) from public, anon;
grant execute on function public.contact_timeline(uuid, integer, timestamptz) to authenticated, service_role;
