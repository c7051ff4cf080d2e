-- Events: owned by an organization (or the platform when organization_id is null), in person,
-- online or hybrid, with sessions, capacity, a price, a registration window and a manual close,
-- a status workflow, media in Storage, CPD credits and references.

create type public.event_status as enum ('draft', 'published', 'completed', 'cancelled');
create type public.event_format as enum ('in_person', 'online', 'hybrid');
create type public.skill_level as enum ('all_levels', 'beginner', 'intermediate', 'advanced');
create type public.media_kind as enum ('image', 'video', 'document');

create table public.events (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references public.organizations (id) on delete restrict,
  slug text not null,
  title text not null,
  summary text,
  description text,
  level public.skill_level not null default 'all_levels',
  format public.event_format not null default 'in_person',
  venue_name text,
  venue_address text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  time_zone text not null default 'UTC',
  capacity integer,
  price_amount integer not null default 0,
  currency text,
  is_free boolean generated always as (price_amount = 0) stored,
  registration_opens_at timestamptz,
  registration_closes_at timestamptz,
  registration_closed boolean not null default false,
  members_only boolean not null default false,
  allow_transfers boolean not null default true,
  payment_hold_minutes integer not null default 30,
  waitlist_claim_minutes integer not null default 1440,
  status public.event_status not null default 'draft',
  published_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  cancellation_reason text,
  main_image_path text,
  cpd_credits numeric(6, 2) not null default 0,
  cpd_category text,
  confirmed_count integer not null default 0,
  held_count integer not null default 0,
  waitlist_count integer not null default 0,
  attended_count integer not null default 0,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint events_slug_key unique (slug),
  constraint events_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  constraint events_title_length check (char_length(title) between 1 and 250),
  constraint events_summary_length check (char_length(summary) <= 500),
  constraint events_venue check (format = 'online' or venue_name is not null),
  constraint events_time_range check (ends_at > starts_at),
  constraint events_time_zone check (private.is_valid_time_zone(time_zone)),
  constraint events_capacity_positive check (capacity > 0),
  constraint events_price check (price_amount >= 0 and (price_amount = 0 or currency is not null)),
  constraint events_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint events_registration_window check (registration_closes_at > registration_opens_at),
  constraint events_registration_closes_before_end check (registration_closes_at <= ends_at),
  constraint events_payment_hold check (payment_hold_minutes between 1 and 10080),
  constraint events_waitlist_claim check (waitlist_claim_minutes between 1 and 20160),
  constraint events_cpd_credits check (cpd_credits >= 0),
  constraint events_counters check (confirmed_count >= 0 and held_count >= 0 and waitlist_count >= 0 and attended_count >= 0),
  -- Confirmed seats plus seats held for payment or offered to the waiting list never exceed capacity.
  constraint events_capacity check (capacity is null or confirmed_count + held_count <= capacity),
  constraint events_published_at check ((status = 'draft') or published_at is not null),
  constraint events_cancelled_at check ((status = 'cancelled') = (cancelled_at is not null))
);

comment on table public.events is
  'An event of an organization, or of the platform when organization_id is null. Drafts are visible to the organization''s staff; published, completed and cancelled events to everyone.';
comment on column public.events.capacity is 'Seats; null means unlimited.';
comment on column public.events.price_amount is 'Price in minor units of currency; 0 is a free event.';
comment on column public.events.registration_closed is 'Manual close by staff, on top of the registration window.';
comment on column public.events.registration_closes_at is 'End of the registration window; when null, registration closes when the event starts.';
comment on column public.events.payment_hold_minutes is 'How long a seat is held for an unpaid registration of a paid event.';
comment on column public.events.waitlist_claim_minutes is 'How long the first person on the waiting list has to claim a freed seat.';
comment on column public.events.held_count is 'Seats held for pending payments and waiting-list offers; kept by the database.';
comment on column public.events.main_image_path is 'An object in the event-media bucket, under <event id>/.';

create index events_organization_id_idx on public.events (organization_id, status);
create index events_status_starts_at_idx on public.events (status, starts_at);
create index events_created_by_idx on public.events (created_by);
create index events_title_trgm on public.events using gin (title extensions.gin_trgm_ops);

create trigger events_updated_at
  before update on public.events
  for each row execute function extensions.moddatetime(updated_at);

-- Join details of online and hybrid events, kept apart from the public event: visible to staff
-- and, once registrations exist, to confirmed registrants.
create table public.event_join_details (
  event_id uuid primary key references public.events (id) on delete cascade,
  organization_id uuid,
  join_url text not null,
  meeting_id text,
  passcode text,
  instructions text,
  updated_at timestamptz not null default now(),
  constraint event_join_details_url check (join_url ~ '^https?://')
);

comment on table public.event_join_details is 'How to join an online or hybrid event: staff and confirmed registrants only.';

create index event_join_details_organization_id_idx on public.event_join_details (organization_id);

create trigger event_join_details_updated_at
  before update on public.event_join_details
  for each row execute function extensions.moddatetime(updated_at);

create table public.event_sessions (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.events (id) on delete cascade,
  organization_id uuid,
  title text not null,
  description text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  venue_name text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint event_sessions_title_length check (char_length(title) between 1 and 250),
  constraint event_sessions_time_range check (ends_at > starts_at)
);

comment on table public.event_sessions is 'The sessions of a multi-session event; attendance is recorded per session.';

create index event_sessions_event_id_idx on public.event_sessions (event_id, starts_at);
create index event_sessions_organization_id_idx on public.event_sessions (organization_id);

-- The club's ReferenceEventModel: reading material and links attached to an event.
create table public.event_references (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.events (id) on delete cascade,
  organization_id uuid,
  title text not null,
  url text not null,
  description text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint event_references_title_length check (char_length(title) between 1 and 250),
  constraint event_references_url check (url ~ '^https?://')
);

create index event_references_event_id_idx on public.event_references (event_id, position);
create index event_references_organization_id_idx on public.event_references (organization_id);

-- The gallery: objects in the event-media bucket under <event id>/.
create table public.event_media (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references public.events (id) on delete cascade,
  organization_id uuid,
  kind public.media_kind not null default 'image',
  storage_path text not null,
  caption text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint event_media_path check (storage_path like event_id::text || '/%'),
  constraint event_media_path_key unique (storage_path)
);

create index event_media_event_id_idx on public.event_media (event_id, position);
create index event_media_organization_id_idx on public.event_media (organization_id);

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

-- Copies organization_id from the parent row named by the trigger's arguments (table, foreign
-- key column), so policies on child tables need no join. The parent cannot change afterwards.
create function private.inherit_organization_id()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_parent_id uuid := (pg_catalog.to_jsonb(new) ->> tg_argv[1])::uuid;
  v_organization_id uuid;
begin
  if tg_op = 'UPDATE' and (pg_catalog.to_jsonb(old) ->> tg_argv[1]) is distinct from (pg_catalog.to_jsonb(new) ->> tg_argv[1]) then
    raise exception using errcode = '42501', message = format('%s cannot be changed', tg_argv[1]),
      hint = 'delete the row and create a new one';
  end if;
  execute format('select organization_id from public.%I where id = $1', tg_argv[0])
    into v_organization_id
    using v_parent_id;
  new.organization_id := v_organization_id;
  return new;
end;
$$;

revoke all on function private.inherit_organization_id() from public;

create trigger event_join_details_organization
  before insert or update on public.event_join_details
  for each row execute function private.inherit_organization_id('events', 'event_id');
create trigger event_sessions_organization
  before insert or update on public.event_sessions
  for each row execute function private.inherit_organization_id('events', 'event_id');
create trigger event_references_organization
  before insert or update on public.event_references
  for each row execute function private.inherit_organization_id('events', 'event_id');
create trigger event_media_organization
  before insert or update on public.event_media
  for each row execute function private.inherit_organization_id('events', 'event_id');

-- Counters, ownership and the status workflow:
--   draft → published | cancelled; published → completed | cancelled | draft (only with no
--   registrations); completed and cancelled are final.
create function private.guard_event()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if not private.is_trusted() then
      new.created_by := (select auth.uid());
      new.confirmed_count := 0;
      new.held_count := 0;
      new.waitlist_count := 0;
      new.attended_count := 0;
    end if;
    if new.status not in ('draft', 'published') then
      raise exception using errcode = 'P0001', message = 'a new event is a draft or published';
    end if;
    if new.status = 'published' then
      new.published_at := coalesce(new.published_at, now());
    end if;
    return new;
  end if;

  if not private.is_trusted() and (
    new.organization_id is distinct from old.organization_id
    or new.created_by is distinct from old.created_by
    or new.created_at is distinct from old.created_at
    or new.confirmed_count <> old.confirmed_count
    or new.held_count <> old.held_count
    or new.waitlist_count <> old.waitlist_count
    or new.attended_count <> old.attended_count
  ) then
    raise exception using errcode = '42501',
      message = 'organization_id, created_by and the counters of an event cannot be changed',
      hint = 'counters are kept by the database';
  end if;

  if new.status <> old.status then
    if (old.status, new.status) not in (
      ('draft'::public.event_status, 'published'::public.event_status),
      ('draft', 'cancelled'),
      ('published', 'completed'),
      ('published', 'cancelled'),
      ('published', 'draft')
    ) then
      raise exception using errcode = 'P0001', message = format('an event cannot go from %s to %s', old.status, new.status),
        hint = 'draft → published → completed; draft or published → cancelled';
    end if;
    if new.status = 'draft' and old.confirmed_count + old.held_count + old.waitlist_count > 0 then
      raise exception using errcode = 'P0001', message = 'an event with registrations cannot go back to draft',
        hint = 'cancel the event instead';
    end if;
    if new.status = 'completed' and new.starts_at > now() then
      raise exception using errcode = 'P0001', message = 'an event cannot be completed before it starts';
    end if;
    case new.status
      when 'published' then new.published_at := coalesce(new.published_at, now());
      when 'completed' then new.completed_at := now();
      when 'cancelled' then new.cancelled_at := now();
      else null;
    end case;
  end if;
  return new;
end;
$$;

create trigger events_guard
  before insert or update on public.events
  for each row execute function private.guard_event();

-- Organizations with something public (published, completed or cancelled events): anonymous
-- visitors may read those, so an event page can name its organizer. Replaced by the learning
-- migration to add published courses.
create function private.public_organization_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select distinct organization_id
  from public.events
  where status <> 'draft'
    and organization_id is not null
$$;

revoke all on function private.public_organization_ids() from public;
grant execute on function private.public_organization_ids() to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.events, public.event_join_details, public.event_sessions, public.event_references, public.event_media
  from anon, authenticated;
grant all on public.events, public.event_join_details, public.event_sessions, public.event_references, public.event_media
  to service_role;
grant select on public.events, public.event_sessions, public.event_references, public.event_media to anon;
grant select, insert, update, delete on public.events, public.event_join_details, public.event_sessions,
  public.event_references, public.event_media to authenticated;

alter table public.events enable row level security;
alter table public.event_join_details enable row level security;
alter table public.event_sessions enable row level security;
alter table public.event_references enable row level security;
alter table public.event_media enable row level security;

create policy "organizations: anonymous visitors read organizers of public events"
  on public.organizations for select to anon
  using (id in (select private.public_organization_ids()));

-- Events: published, completed and cancelled events for everyone; drafts for the organization's
-- staff (platform events: platform admins). Staff create and edit; admins delete drafts.
create policy "events: anonymous visitors read public events"
  on public.events for select to anon
  using (status <> 'draft');

create policy "events: signed-in users read public events, staff read drafts"
  on public.events for select to authenticated
  using (
    status <> 'draft'
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "events: staff create"
  on public.events for insert to authenticated
  with check (
    (select private.is_active_user())
    and (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  );

create policy "events: staff update"
  on public.events for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "events: admins delete drafts"
  on public.events for delete to authenticated
  using (
    status = 'draft'
    and (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()))
  );

-- Sessions, references and media follow the event's visibility (the subquery runs under the
-- caller's policies on events) and its staff.
create policy "event_sessions: anonymous visitors read those of public events"
  on public.event_sessions for select to anon
  using (exists (select 1 from public.events e where e.id = event_id));

create policy "event_sessions: signed-in users read those of visible events"
  on public.event_sessions for select to authenticated
  using (exists (select 1 from public.events e where e.id = event_id));

create policy "event_sessions: staff create"
  on public.event_sessions for insert to authenticated
  with check (
    exists (
      select 1
      from public.events e
      where e.id = event_id
        and (e.organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
    )
  );

create policy "event_sessions: staff update"
  on public.event_sessions for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "event_sessions: staff delete"
  on public.event_sessions for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "event_references: anonymous visitors read those of public events"
  on public.event_references for select to anon
  using (exists (select 1 from public.events e where e.id = event_id));

create policy "event_references: signed-in users read those of visible events"
  on public.event_references for select to authenticated
  using (exists (select 1 from public.events e where e.id = event_id));

create policy "event_references: staff create"
  on public.event_references for insert to authenticated
  with check (
    exists (
      select 1
      from public.events e
      where e.id = event_id
        and (e.organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
    )
  );

create policy "event_references: staff update"
  on public.event_references for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "event_references: staff delete"
  on public.event_references for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "event_media: anonymous visitors read those of public events"
  on public.event_media for select to anon
  using (exists (select 1 from public.events e where e.id = event_id));

create policy "event_media: signed-in users read those of visible events"
  on public.event_media for select to authenticated
  using (exists (select 1 from public.events e where e.id = event_id));

create policy "event_media: staff create"
  on public.event_media for insert to authenticated
  with check (
    exists (
      select 1
      from public.events e
      where e.id = event_id
        and (e.organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
    )
  );

create policy "event_media: staff update"
  on public.event_media for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "event_media: staff delete"
  on public.event_media for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- Join details: staff here; confirmed registrants are added with registrations.
create policy "event_join_details: staff create"
  on public.event_join_details for insert to authenticated
  with check (
    exists (
      select 1
      from public.events e
      where e.id = event_id
        and (e.organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
    )
  );

create policy "event_join_details: staff update"
  on public.event_join_details for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "event_join_details: staff delete"
  on public.event_join_details for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
