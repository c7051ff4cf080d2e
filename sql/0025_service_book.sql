-- Service membership: the service book of each vehicle and what is due next.
--
-- - service_records: what was done (description, service codes such as "oil_change"), when, where
--   (a service location or free text), at what odometer, for how much, with which parts. Written by
--   the vehicle's owner and platform admins, and by a location's staff for a member they serve at
--   that location; read by the owner, platform admins and staff serving the member. A record's
--   odometer moves the vehicle's forward.
-- - service_record_documents: receipts and reports, objects in the private `service-documents`
--   bucket at <owner id>/<record id>/<file>.
-- - service_intervals: how often a service is due, by months and/or distance, for every vehicle or
--   for a make or a make and model (the most specific wins). Platform admins manage them.
-- - service_due(): the one "what is due" call: per vehicle and service, the last time it was done
--   and when it is due next by date and by odometer (the odometer that telemetry moves forward).
--   A reminder sender (the notifications system) reads it with the service role; sending is not
--   part of this migration.

create table public.service_intervals (
  id uuid primary key default gen_random_uuid(),
  service_code text not null,
  name text not null,
  make text,
  model text,
  every_months integer,
  every_distance numeric(10, 1),
  distance_unit public.odometer_unit not null default 'mi',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint service_intervals_code_format check (service_code ~ '^[a-z][a-z0-9_]{1,39}$'),
  constraint service_intervals_name_length check (char_length(name) between 1 and 120),
  constraint service_intervals_model_needs_make check (model is null or make is not null),
  constraint service_intervals_something check (every_months is not null or every_distance is not null),
  constraint service_intervals_months check (every_months between 1 and 240),
  constraint service_intervals_distance check (every_distance > 0 and every_distance <= 1000000)
);

comment on table public.service_intervals is
  'How often a service falls due, by months and/or distance: for all vehicles (make null), a make, or a make and model; the most specific applies. Platform admins manage them; signed-in users read them.';
comment on column public.service_intervals.make is 'Matched case-insensitively against vehicles.make; null for every vehicle.';

create unique index service_intervals_scope_key on public.service_intervals (service_code, lower(coalesce(make, '')), lower(coalesce(model, '')));

create trigger service_intervals_updated_at
  before update on public.service_intervals
  for each row execute function extensions.moddatetime(updated_at);

create table public.service_records (
  id uuid primary key default gen_random_uuid(),
  vehicle_id uuid not null references public.vehicles (id) on delete cascade,
  performed_on date not null,
  location_id uuid references public.service_locations (id) on delete set null,
  location_name text,
  odometer numeric(10, 1),
  description text not null,
  service_codes text[] not null default '{}',
  cost_amount integer,
  currency text,
  parts jsonb not null default '[]'::jsonb,
  appointment_id uuid references public.appointments (id) on delete set null,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint service_records_where check (location_id is not null or location_name is not null),
  constraint service_records_location_name_length check (char_length(location_name) between 1 and 200),
  constraint service_records_description_length check (char_length(description) between 1 and 4000),
  constraint service_records_codes check (array_position(service_codes, null) is null and cardinality(service_codes) <= 20),
  constraint service_records_odometer check (odometer between 0 and 9999999),
  constraint service_records_cost check (cost_amount >= 0 and (cost_amount is null) = (currency is null)),
  constraint service_records_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint service_records_parts check (jsonb_typeof(parts) = 'array' and jsonb_array_length(parts) <= 100)
);

comment on table public.service_records is
  'The service book: work done on a vehicle, when, where (a location or free text), odometer, cost in minor units, parts. The owner, platform admins and the staff of a location serving the member write; the same plus staff serving the member read.';
comment on column public.service_records.service_codes is 'Codes of the services done (location_services.code, service_intervals.service_code): what service_due() counts from.';
comment on column public.service_records.parts is 'Parts used: a JSON array such as [{"name": "Oil filter", "part_number": "15400-PLM-A02", "quantity": 1, "unit_amount": 899}].';

create index service_records_vehicle_id_idx on public.service_records (vehicle_id, performed_on desc);
create index service_records_location_id_idx on public.service_records (location_id);
create index service_records_appointment_id_idx on public.service_records (appointment_id);
create index service_records_created_by_idx on public.service_records (created_by);
create index service_records_codes_idx on public.service_records using gin (service_codes);

create trigger service_records_updated_at
  before update on public.service_records
  for each row execute function extensions.moddatetime(updated_at);

create table public.service_record_documents (
  id uuid primary key default gen_random_uuid(),
  record_id uuid not null references public.service_records (id) on delete cascade,
  storage_path text not null,
  file_name text not null,
  content_type text,
  created_at timestamptz not null default now(),
  constraint service_record_documents_path_key unique (storage_path),
  constraint service_record_documents_path check (storage_path like '%/' || record_id::text || '/%'),
  constraint service_record_documents_file_name_length check (char_length(file_name) between 1 and 200)
);

comment on table public.service_record_documents is
  'A receipt or report of a service record: an object in the private service-documents bucket at <owner id>/<record id>/<file>.';

create index service_record_documents_record_id_idx on public.service_record_documents (record_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers and triggers
-- ---------------------------------------------------------------------------------------------

-- Who may read a vehicle's service book: the owner, platform admins, staff serving the member.
create function private.can_read_service_book(p_vehicle_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.vehicles v
    where v.id = p_vehicle_id
      and (v.owner_id = (select auth.uid()) or private.is_platform_admin() or private.serves_member(v.owner_id))
  )
$$;

-- Who may write a record: the owner and platform admins; a location's staff for work at their
-- location on the vehicle of a member they serve.
create function private.can_write_service_record(p_vehicle_id uuid, p_location_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.owns_vehicle_or_admin(p_vehicle_id)
    or (p_location_id is not null
      and private.can_manage_location(p_location_id)
      and private.serves_member(private.vehicle_owner(p_vehicle_id)))
$$;

-- The record a document path points at (<owner id>/<record id>/<file>), when the caller may write it.
create function private.can_write_record_document(p_record_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.service_records r
    where r.id = p_record_id and private.can_write_service_record(r.vehicle_id, r.location_id)
  )
$$;

-- The owner of the vehicle a record belongs to: the first folder of its documents' paths.
create function private.service_record_owner(p_record_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select v.owner_id from public.service_records r join public.vehicles v on v.id = r.vehicle_id where r.id = p_record_id
$$;

create function private.can_read_record_document(p_record_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.service_records r
    where r.id = p_record_id and private.can_read_service_book(r.vehicle_id)
  )
$$;

revoke all on function private.can_read_service_book(uuid) from public;
revoke all on function private.can_write_service_record(uuid, uuid) from public;
revoke all on function private.can_write_record_document(uuid) from public;
revoke all on function private.can_read_record_document(uuid) from public;
revoke all on function private.service_record_owner(uuid) from public;
grant execute on function private.service_record_owner(uuid) to authenticated, service_role;
grant execute on function private.can_read_service_book(uuid) to authenticated, service_role;
grant execute on function private.can_write_service_record(uuid, uuid) to authenticated, service_role;
grant execute on function private.can_write_record_document(uuid) to authenticated, service_role;
grant execute on function private.can_read_record_document(uuid) to authenticated, service_role;

-- A record cannot be dated in the future, its author is the caller, and its odometer reading moves
-- the vehicle's odometer forward (as telemetry does).
create function private.guard_service_record()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.performed_on > (pg_catalog.now() at time zone 'UTC')::date + 1 then
    raise exception using errcode = 'PT400', message = 'a service record cannot be dated in the future',
      hint = 'book an appointment for future work';
  end if;
  if tg_op = 'INSERT' and (select auth.uid()) is not null then
    new.created_by := (select auth.uid());
  elsif tg_op = 'UPDATE' then
    new.created_by := old.created_by;
    if new.vehicle_id <> old.vehicle_id then
      raise exception using errcode = 'PT400', message = 'a service record cannot move to another vehicle';
    end if;
  end if;
  if new.odometer is not null then
    update public.vehicles set odometer = new.odometer where id = new.vehicle_id and odometer < new.odometer;
  end if;
  return new;
end;
$$;

revoke all on function private.guard_service_record() from public;

create trigger service_records_guard
  before insert or update on public.service_records
  for each row execute function private.guard_service_record();

-- ---------------------------------------------------------------------------------------------
-- What is due
-- ---------------------------------------------------------------------------------------------

-- Per visible vehicle (or one) and each service with an interval for it: when it was last done and
-- when it is due next. Due by date: last time (or, never done, the vehicle's registration) plus
-- every_months. Due by odometer: the last time's reading plus every_distance (in the vehicle's
-- unit); unknown until the service was recorded once with an odometer. Security invoker: the
-- caller's policies decide which vehicles; the service role (a reminder sender) sees all.
create function public.service_due(p_vehicle_id uuid default null)
returns table (
  vehicle_id uuid,
  owner_id uuid,
  service_code text,
  service_name text,
  last_performed_on date,
  last_odometer numeric,
  due_on date,
  due_odometer numeric,
  odometer numeric,
  odometer_unit public.odometer_unit,
  is_due boolean
)
language sql
stable
set search_path = ''
as $$
  with intervals as (
    select distinct on (v.id, i.service_code) v.id as vehicle_id, i.*
    from public.vehicles v
    join public.service_intervals i
      on (i.make is null or lower(i.make) = lower(v.make))
      and (i.model is null or lower(i.model) = lower(v.model))
    where p_vehicle_id is null or v.id = p_vehicle_id
    order by v.id, i.service_code, (i.model is not null) desc, (i.make is not null) desc
  ),
  due as (
    select v.id, v.owner_id, i.service_code, i.name, last.performed_on, last.odometer as last_odometer,
      (coalesce(last.performed_on, v.created_at::date) + pg_catalog.make_interval(months => i.every_months))::date as due_on,
      last.odometer + i.every_distance * case
        when i.distance_unit = v.odometer_unit then 1
        when i.distance_unit = 'km' then 1 / 1.609344
        else 1.609344
      end as due_odometer,
      v.odometer, v.odometer_unit
    from intervals i
    join public.vehicles v on v.id = i.vehicle_id
    left join lateral (
      select r.performed_on, r.odometer
      from public.service_records r
      where r.vehicle_id = v.id and i.service_code = any (r.service_codes)
      order by r.performed_on desc, r.odometer desc nulls last
      limit 1
    ) last on true
  )
  select id, owner_id, service_code, name, performed_on, last_odometer, due_on, round(due_odometer, 1), odometer, odometer_unit,
    coalesce(due_on <= current_date, false) or coalesce(due_odometer <= odometer, false)
  from due
  order by id, coalesce(due_on, 'infinity'::date), service_code
$$;

comment on function public.service_due(uuid) is
  'What is due: per vehicle the caller can see (or p_vehicle_id) and each service with an interval, the last service and the next due date and odometer; is_due when either has come. Filter with .eq("is_due", true).';

revoke all on function public.service_due(uuid) from public, anon;
grant execute on function public.service_due(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.service_intervals, public.service_records, public.service_record_documents from anon, authenticated;
grant all on public.service_intervals, public.service_records, public.service_record_documents to service_role;
grant select, insert, update, delete on public.service_intervals, public.service_records, public.service_record_documents to authenticated;

alter table public.service_intervals enable row level security;
alter table public.service_records enable row level security;
alter table public.service_record_documents enable row level security;

create policy "service_intervals: signed-in users read"
  on public.service_intervals for select to authenticated
  using (true);

create policy "service_intervals: platform admins add"
  on public.service_intervals for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "service_intervals: platform admins update"
  on public.service_intervals for update to authenticated
  using ((select private.is_platform_admin()))
  with check ((select private.is_platform_admin()));

create policy "service_intervals: platform admins remove"
  on public.service_intervals for delete to authenticated
  using ((select private.is_platform_admin()));

create policy "service_records: owner, admins, staff serving the member read"
  on public.service_records for select to authenticated
  using (private.can_read_service_book(vehicle_id));

create policy "service_records: owner, admins, serving location staff add"
  on public.service_records for insert to authenticated
  with check (private.can_write_service_record(vehicle_id, location_id));

create policy "service_records: owner, admins, serving location staff update"
  on public.service_records for update to authenticated
  using (private.can_write_service_record(vehicle_id, location_id))
  with check (private.can_write_service_record(vehicle_id, location_id));

create policy "service_records: owner, admins, serving location staff remove"
  on public.service_records for delete to authenticated
  using (private.can_write_service_record(vehicle_id, location_id));

create policy "service_record_documents: whoever reads the record reads"
  on public.service_record_documents for select to authenticated
  using (private.can_read_record_document(record_id));

create policy "service_record_documents: whoever writes the record adds"
  on public.service_record_documents for insert to authenticated
  with check (private.can_write_record_document(record_id));

create policy "service_record_documents: whoever writes the record updates"
  on public.service_record_documents for update to authenticated
  using (private.can_write_record_document(record_id))
  with check (private.can_write_record_document(record_id));

create policy "service_record_documents: whoever writes the record removes"
  on public.service_record_documents for delete to authenticated
  using (private.can_write_record_document(record_id));

-- ---------------------------------------------------------------------------------------------
-- Storage: service-documents (private)
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('service-documents', 'service-documents', false, 10485760, array['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/heic'])
on conflict (id) do update
set public = excluded.public,
  file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

create policy "service-documents: whoever reads the record reads"
  on storage.objects for select to authenticated
  using (bucket_id = 'service-documents' and private.can_read_record_document(private.try_uuid((storage.foldername(name))[2])));

create policy "service-documents: whoever writes the record uploads"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'service-documents'
    and private.try_uuid((storage.foldername(name))[1]) = private.service_record_owner(private.try_uuid((storage.foldername(name))[2]))
    and private.can_write_record_document(private.try_uuid((storage.foldername(name))[2]))
  );

create policy "service-documents: whoever writes the record replaces"
  on storage.objects for update to authenticated
  using (bucket_id = 'service-documents' and private.can_write_record_document(private.try_uuid((storage.foldername(name))[2])))
  with check (bucket_id = 'service-documents' and private.can_write_record_document(private.try_uuid((storage.foldername(name))[2])));

create policy "service-documents: whoever writes the record deletes"
  on storage.objects for delete to authenticated
  using (bucket_id = 'service-documents' and private.can_write_record_document(private.try_uuid((storage.foldername(name))[2])));
