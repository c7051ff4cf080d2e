-- Service membership: telemetry (the seed's POST /api/telematics/{id}/), ingested by the
-- `telemetry` edge function through ingest_telemetry().
--
-- - telemetry_batches: one row per accepted batch (a trip segment: its window, sample count,
--   distance), unique per vehicle and idempotency key, so a batch sent twice is stored once.
-- - telemetry_samples: the time series, keyed (vehicle_id, recorded_at) so one sample per instant,
--   with a BRIN index on recorded_at (rows arrive roughly in time order: a tiny index that serves
--   time-range scans and the retention purge). Written with one INSERT … SELECT per batch.
-- - The vehicle's odometer moves to the highest reading (never back).
-- - Per-vehicle rate limit: at most private.app_settings 'telemetry_batches_per_minute' (default 60)
--   accepted batches a minute, answered 429 with Retry-After (PostgREST's raise-PGRST response).
-- - Retention: purge_old_telemetry() deletes samples and batches older than
--   'telemetry_retention_days' (default 365), every night at 03:17 UTC (Supabase Cron).
-- Owners (and platform admins) read batches and samples through REST and per-minute or per-hour
-- aggregates through telemetry_aggregates().

create table public.telemetry_batches (
  id uuid primary key default gen_random_uuid(),
  vehicle_id uuid not null references public.vehicles (id) on delete cascade,
  idempotency_key text not null,
  dongle_id uuid references public.obd_dongles (id) on delete set null,
  posted_by uuid references public.profiles (id) on delete set null,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  sample_count integer not null,
  start_odometer numeric(10, 1),
  end_odometer numeric(10, 1),
  max_speed real,
  received_at timestamptz not null default now(),
  constraint telemetry_batches_idempotency_key unique (vehicle_id, idempotency_key),
  constraint telemetry_batches_key_length check (char_length(idempotency_key) between 1 and 200),
  constraint telemetry_batches_window check (ended_at >= started_at),
  constraint telemetry_batches_poster check (num_nonnulls(dongle_id, posted_by) <= 1),
  constraint telemetry_batches_sample_count check (sample_count >= 0)
);

comment on table public.telemetry_batches is
  'An accepted telemetry batch (a trip segment), once per vehicle and idempotency key. Written by ingest_telemetry(); the owner and platform admins read it.';
comment on column public.telemetry_batches.idempotency_key is 'The Idempotency-Key header, or the SHA-256 of the request body: the same batch sent again is answered as a duplicate and not stored twice.';
comment on column public.telemetry_batches.dongle_id is 'The dongle that posted it with its token; null when the owner posted it (posted_by).';
comment on column public.telemetry_batches.sample_count is 'Samples stored from this batch (samples at an instant already stored are skipped).';

create index telemetry_batches_vehicle_id_idx on public.telemetry_batches (vehicle_id, started_at desc);
create index telemetry_batches_dongle_id_idx on public.telemetry_batches (dongle_id);
create index telemetry_batches_posted_by_idx on public.telemetry_batches (posted_by);
create index telemetry_batches_received_at_brin on public.telemetry_batches using brin (received_at);

create table public.telemetry_samples (
  vehicle_id uuid not null references public.vehicles (id) on delete cascade,
  recorded_at timestamptz not null,
  speed real not null,
  fuel_rate real not null,
  odometer numeric(10, 1) not null,
  batch_id uuid not null,
  primary key (vehicle_id, recorded_at),
  constraint telemetry_samples_speed check (speed between 0 and 500),
  constraint telemetry_samples_fuel_rate check (fuel_rate between 0 and 1000),
  constraint telemetry_samples_odometer check (odometer between 0 and 9999999)
);

comment on table public.telemetry_samples is
  'Telemetry time series: one row per vehicle and instant (the seed''s samples: speed, fuelRate, odometer). Written by ingest_telemetry(); read by the owner and platform admins; purged after the retention period.';
comment on column public.telemetry_samples.speed is 'Speed in the vehicle''s distance unit per hour.';
comment on column public.telemetry_samples.fuel_rate is 'Fuel rate as the dongle reports it (e.g. litres or gallons per hour).';
comment on column public.telemetry_samples.batch_id is 'The telemetry_batches row it came with (no foreign key: batches and samples are purged by time separately).';

create index telemetry_samples_recorded_at_brin on public.telemetry_samples using brin (recorded_at);

-- Accepted batches per vehicle in the current minute: the rate limit's counter.
create table private.telemetry_rate_windows (
  vehicle_id uuid primary key references public.vehicles (id) on delete cascade,
  window_start timestamptz not null,
  batches integer not null
);

comment on table private.telemetry_rate_windows is 'Per-vehicle count of accepted telemetry batches in the current minute (fixed window).';

revoke all on private.telemetry_rate_windows from public, anon, authenticated;
grant all on private.telemetry_rate_windows to service_role;

insert into private.app_settings (key, value)
values ('telemetry_batches_per_minute', '60'), ('telemetry_retention_days', '365')
on conflict (key) do nothing;

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- The vehicles the caller owns: for policies over large tables (evaluated once per statement).
create function private.own_vehicle_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select id from public.vehicles where owner_id = (select auth.uid())
$$;

revoke all on function private.own_vehicle_ids() from public;
grant execute on function private.own_vehicle_ids() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- Stores one batch. Callers: the vehicle's owner (their JWT), or the service role on behalf of a
-- dongle that presented p_dongle_token (the telemetry function). The samples are validated in
-- detail by the function (per-sample errors); here the same rules hold as constraints and checks,
-- so nothing half-valid is stored whoever calls.
create function public.ingest_telemetry(
  p_vehicle_id uuid,
  p_idempotency_key text,
  p_started_at timestamptz,
  p_ended_at timestamptz,
  p_samples jsonb,
  p_dongle_token text default null
)
returns table (batch_id uuid, duplicate boolean, sample_count integer, vehicle_odometer numeric)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user_id uuid := (select auth.uid());
  v_dongle_id uuid;
  v_token_vehicle uuid;
  v_batch public.telemetry_batches;
  v_limit integer := coalesce(private.setting('telemetry_batches_per_minute')::integer, 60);
  v_window timestamptz := pg_catalog.date_trunc('minute', pg_catalog.now());
  v_batches integer;
  v_retry_after integer;
  v_stored integer;
  v_odometer numeric;
  v_outside integer;
begin
  if v_user_id is not null then
    perform private.require_active_user();
    if private.vehicle_owner(p_vehicle_id) is distinct from v_user_id then
      raise exception using errcode = 'PT404', message = 'vehicle not found';
    end if;
  elsif p_dongle_token is not null and private.is_system_caller() then
    select t.dongle_id, t.vehicle_id into v_dongle_id, v_token_vehicle from private.dongle_for_token(p_dongle_token) t;
    if v_dongle_id is null then
      raise exception using errcode = 'PT401', message = 'invalid credentials: unknown or revoked dongle token';
    end if;
    if v_token_vehicle <> p_vehicle_id then
      raise exception using errcode = 'PT403', message = 'this dongle is not linked to that vehicle';
    end if;
  else
    raise exception using errcode = '42501', message = 'sign in first, or post with a dongle token';
  end if;

  if p_idempotency_key is null or pg_catalog.char_length(p_idempotency_key) not between 1 and 200 then
    raise exception using errcode = 'PT400', message = 'an idempotency key of 1 to 200 characters is required';
  end if;
  if p_started_at is null or p_ended_at is null or p_ended_at < p_started_at then
    raise exception using errcode = 'PT400', message = 'the batch needs a start and an end, the end not before the start';
  end if;
  if pg_catalog.jsonb_typeof(p_samples) is distinct from 'array' or pg_catalog.jsonb_array_length(p_samples) not between 1 and 5000 then
    raise exception using errcode = 'PT400', message = 'samples must be an array of 1 to 5000 samples';
  end if;

  -- A batch seen before is answered as it was stored; this also waits for a concurrent twin.
  select * into v_batch from public.telemetry_batches b where b.vehicle_id = p_vehicle_id and b.idempotency_key = p_idempotency_key;
  if found then
    return query select v_batch.id, true, v_batch.sample_count, (select odometer from public.vehicles where id = p_vehicle_id);
    return;
  end if;

  insert into private.telemetry_rate_windows as r (vehicle_id, window_start, batches)
  values (p_vehicle_id, v_window, 1)
  on conflict (vehicle_id) do update
  set batches = case when r.window_start = excluded.window_start then r.batches + 1 else 1 end,
    window_start = excluded.window_start
  returning r.batches into v_batches;
  if v_batches > v_limit then
    v_retry_after := greatest(1, ceil(extract(epoch from (v_window + interval '1 minute' - pg_catalog.now())))::integer);
    raise sqlstate 'PGRST' using
      message = pg_catalog.json_build_object('code', 'PT429', 'message', pg_catalog.format('too many telemetry batches for this vehicle: at most %s a minute', v_limit),
        'details', null, 'hint', pg_catalog.format('retry in %s seconds', v_retry_after))::text,
      detail = pg_catalog.json_build_object('status', 429, 'headers', pg_catalog.json_build_object('Retry-After', v_retry_after::text))::text;
  end if;

  insert into public.telemetry_batches as b (vehicle_id, idempotency_key, dongle_id, posted_by, started_at, ended_at, sample_count)
  values (p_vehicle_id, p_idempotency_key, v_dongle_id, v_user_id, p_started_at, p_ended_at, 0)
  on conflict on constraint telemetry_batches_idempotency_key do nothing
  returning * into v_batch;
  if v_batch.id is null then
    -- A twin committed between the look-up and the insert.
    select * into v_batch from public.telemetry_batches b where b.vehicle_id = p_vehicle_id and b.idempotency_key = p_idempotency_key;
    return query select v_batch.id, true, v_batch.sample_count, (select odometer from public.vehicles where id = p_vehicle_id);
    return;
  end if;

  -- One pass over the samples: store them and measure the batch (and its window) from the same rows.
  begin
    with samples as (
      select pg_catalog.to_timestamp(s.t / 1000.0) as recorded_at, s.speed, s."fuelRate" as fuel_rate, s.odometer
      from pg_catalog.jsonb_to_recordset(p_samples) as s(t bigint, speed real, "fuelRate" real, odometer numeric)
    ),
    stored as (
      insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id)
      select p_vehicle_id, recorded_at, speed, fuel_rate, odometer, v_batch.id from samples
      on conflict on constraint telemetry_samples_pkey do nothing
      returning odometer
    )
    select (select count(*)::integer from stored), (select max(odometer) from stored),
      min(odometer), max(odometer), max(speed),
      count(*) filter (where recorded_at < p_started_at or recorded_at > p_ended_at)::integer
    into v_stored, v_odometer, v_batch.start_odometer, v_batch.end_odometer, v_batch.max_speed, v_outside
    from samples;
  exception
    when not_null_violation or check_violation or invalid_text_representation or numeric_value_out_of_range then
      raise exception using errcode = 'PT400', message = 'every sample needs t (milliseconds), speed, fuelRate and odometer within range';
  end;
  if v_outside > 0 then
    raise exception using errcode = 'PT400', message = 'every sample''s t must lie between startTimestamp and endTimestamp';
  end if;

  update public.telemetry_batches b
  set sample_count = v_stored, start_odometer = v_batch.start_odometer, end_odometer = v_batch.end_odometer, max_speed = v_batch.max_speed
  where b.id = v_batch.id;

  update public.vehicles v set odometer = v_odometer where v.id = p_vehicle_id and v.odometer < v_odometer;
  if v_dongle_id is not null then
    update public.obd_dongles d set last_seen_at = pg_catalog.now() where d.id = v_dongle_id;
  end if;
  return query select v_batch.id, false, v_stored, (select odometer from public.vehicles where id = p_vehicle_id);
end;
$$;

comment on function public.ingest_telemetry(uuid, text, timestamptz, timestamptz, jsonb, text) is
  'Stores a telemetry batch once per idempotency key (the telemetry edge function''s write): the owner''s JWT, or the service role with a dongle token. Moves the vehicle''s odometer forward; 429 past the per-vehicle rate limit.';

-- Per-minute or per-hour aggregates of a vehicle's samples in [p_from, p_to).
create function public.telemetry_aggregates(p_vehicle_id uuid, p_from timestamptz, p_to timestamptz, p_bucket text default 'minute')
returns table (bucket_start timestamptz, samples integer, avg_speed double precision, max_speed real, avg_fuel_rate double precision, min_odometer numeric, max_odometer numeric)
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_bucket is null or p_bucket not in ('minute', 'hour') then
    raise exception using errcode = 'PT400', message = 'the bucket is minute or hour';
  end if;
  if p_from is null or p_to is null or p_to <= p_from then
    raise exception using errcode = 'PT400', message = 'give a time range: p_from before p_to';
  end if;
  if p_to - p_from > (case p_bucket when 'minute' then interval '7 days' else interval '366 days' end) then
    raise exception using errcode = 'PT400', message = 'the range is too long: at most 7 days by minute, 366 days by hour';
  end if;
  -- RLS decides: a vehicle the caller cannot see is not found.
  if not exists (select 1 from public.vehicles where id = p_vehicle_id) then
    raise exception using errcode = 'PT404', message = 'vehicle not found';
  end if;
  return query
    select pg_catalog.date_trunc(p_bucket, s.recorded_at), count(*)::integer, avg(s.speed)::double precision, max(s.speed),
      avg(s.fuel_rate)::double precision, min(s.odometer), max(s.odometer)
    from public.telemetry_samples s
    where s.vehicle_id = p_vehicle_id and s.recorded_at >= p_from and s.recorded_at < p_to
    group by 1
    order by 1;
end;
$$;

comment on function public.telemetry_aggregates(uuid, timestamptz, timestamptz, text) is
  'Downsampled telemetry of a vehicle the caller may read: per minute (ranges up to 7 days) or per hour (up to 366 days).';

-- Deletes telemetry older than the retention period; answers how many samples went.
create function public.purge_old_telemetry()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_cutoff timestamptz := pg_catalog.now() - pg_catalog.make_interval(days => coalesce(private.setting('telemetry_retention_days')::integer, 365));
  v_deleted integer;
begin
  delete from public.telemetry_samples where recorded_at < v_cutoff;
  get diagnostics v_deleted = row_count;
  delete from public.telemetry_batches where ended_at < v_cutoff;
  return v_deleted;
end;
$$;

comment on function public.purge_old_telemetry() is 'Retention: deletes telemetry samples and batches older than the telemetry_retention_days setting (Supabase Cron job purge-old-telemetry).';

revoke all on function public.ingest_telemetry(uuid, text, timestamptz, timestamptz, jsonb, text) from public, anon;
revoke all on function public.telemetry_aggregates(uuid, timestamptz, timestamptz, text) from public, anon;
revoke all on function public.purge_old_telemetry() from public, anon, authenticated;
grant execute on function public.ingest_telemetry(uuid, text, timestamptz, timestamptz, jsonb, text) to authenticated, service_role;
grant execute on function public.telemetry_aggregates(uuid, timestamptz, timestamptz, text) to authenticated, service_role;
grant execute on function public.purge_old_telemetry() to service_role;

select cron.schedule('purge-old-telemetry', '17 3 * * *', $$select public.purge_old_telemetry()$$);

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.telemetry_batches, public.telemetry_samples from anon, authenticated;
grant all on public.telemetry_batches, public.telemetry_samples to service_role;
grant select on public.telemetry_batches, public.telemetry_samples to authenticated;

alter table public.telemetry_batches enable row level security;
alter table public.telemetry_samples enable row level security;

create policy "telemetry_batches: the vehicle's owner and platform admins read"
  on public.telemetry_batches for select to authenticated
  using (vehicle_id in (select private.own_vehicle_ids()) or (select private.is_platform_admin()));

create policy "telemetry_samples: the vehicle's owner and platform admins read"
  on public.telemetry_samples for select to authenticated
  using (vehicle_id in (select private.own_vehicle_ids()) or (select private.is_platform_admin()));
