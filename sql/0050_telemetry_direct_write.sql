-- Telemetry written by the telemetry function on its own database connection (issue 15's
-- benchmark).
--
-- Measured per batch of 1,000 samples on one stack, layer by layer: the database's own work in
-- ingest_telemetry() was within about 1.3× of COPY and a bare INSERT … SELECT from jsonb within
-- 1.1×, while the function took about twice the RPC's time through REST: the second HTTP hop,
-- the samples serialized to JSON again, read by PostgREST and parsed into jsonb by PostgreSQL. The
-- function now writes on its own connection (SUPABASE_DB_URL, as Supabase's guide to direct
-- database access from functions does), with one call of private.store_telemetry_batch(): it opens
-- the batch, inserts the samples from four arrays with one INSERT … SELECT unnest(…) and closes the
-- batch. ingest_telemetry() stays the RPC for apps and tools and shares both halves:
--
-- - private.open_telemetry_batch(): who may post (the owner by auth.uid(), or a system caller
--   holding a linked dongle's token), the idempotency key, the window and the rate limit; inserts
--   the batch row, or answers the stored twin as a duplicate.
-- - private.close_telemetry_batch(): measures the samples stored with the batch, moves the
--   vehicle's odometer forward (never back) and the dongle's last_seen_at.

create function private.open_telemetry_batch(
  p_vehicle_id uuid,
  p_idempotency_key text,
  p_started_at timestamptz,
  p_ended_at timestamptz,
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
  return query select v_batch.id, false, 0, (select odometer from public.vehicles where id = p_vehicle_id);
end;
$$;

comment on function private.open_telemetry_batch(uuid, text, timestamptz, timestamptz, text) is
  'First half of storing a telemetry batch (ingest_telemetry() and the telemetry function): checks the poster (owner or dongle token), the key and the window, applies the rate limit (429), and inserts the batch row or answers its stored twin as a duplicate.';

create function private.close_telemetry_batch(p_batch_id uuid)
returns table (batch_id uuid, duplicate boolean, sample_count integer, vehicle_odometer numeric)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_batch public.telemetry_batches;
  v_stored integer;
  v_odometer numeric;
begin
  select * into v_batch from public.telemetry_batches b where b.id = p_batch_id;
  if not found then
    raise exception using errcode = 'PT404', message = 'telemetry batch not found';
  end if;
  -- The batch's samples lie in its window: the primary key's range scan finds them.
  select count(*)::integer, min(s.odometer), max(s.odometer), max(s.speed)
  into v_stored, v_batch.start_odometer, v_batch.end_odometer, v_batch.max_speed
  from public.telemetry_samples s
  where s.vehicle_id = v_batch.vehicle_id and s.recorded_at between v_batch.started_at and v_batch.ended_at
    and s.batch_id = p_batch_id;
  v_odometer := v_batch.end_odometer;

  update public.telemetry_batches b
  set sample_count = v_stored, start_odometer = v_batch.start_odometer, end_odometer = v_batch.end_odometer, max_speed = v_batch.max_speed
  where b.id = p_batch_id;

  update public.vehicles v set odometer = v_odometer where v.id = v_batch.vehicle_id and v.odometer < v_odometer;
  if v_batch.dongle_id is not null then
    update public.obd_dongles d set last_seen_at = pg_catalog.now() where d.id = v_batch.dongle_id;
  end if;
  return query select p_batch_id, false, v_stored, (select odometer from public.vehicles where id = v_batch.vehicle_id);
end;
$$;

comment on function private.close_telemetry_batch(uuid) is
  'Second half of storing a telemetry batch: counts and measures the samples stored with it and moves the vehicle''s odometer forward (never back) and the dongle''s last_seen_at.';

revoke all on function private.open_telemetry_batch(uuid, text, timestamptz, timestamptz, text) from public, anon, authenticated;
revoke all on function private.close_telemetry_batch(uuid) from public, anon, authenticated;
grant execute on function private.open_telemetry_batch(uuid, text, timestamptz, timestamptz, text) to service_role;
grant execute on function private.close_telemetry_batch(uuid) to service_role;

create or replace function public.ingest_telemetry(
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
  v_opened record;
  v_outside integer;
begin
  -- Opening first: who may post is decided before anything about the body is answered. A refusal
  -- below rolls the opened batch back with everything else.
  select * into v_opened from private.open_telemetry_batch(p_vehicle_id, p_idempotency_key, p_started_at, p_ended_at, p_dongle_token);
  if pg_catalog.jsonb_typeof(p_samples) is distinct from 'array' or pg_catalog.jsonb_array_length(p_samples) not between 1 and 5000 then
    raise exception using errcode = 'PT400', message = 'samples must be an array of 1 to 5000 samples';
  end if;
  if v_opened.duplicate then
    return query select v_opened.batch_id, true, v_opened.sample_count, v_opened.vehicle_odometer;
    return;
  end if;

  begin
    with samples as (
      select pg_catalog.to_timestamp(s.t / 1000.0) as recorded_at, s.speed, s."fuelRate" as fuel_rate, s.odometer
      from pg_catalog.jsonb_to_recordset(p_samples) as s(t bigint, speed real, "fuelRate" real, odometer numeric)
    ),
    stored as (
      insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id)
      select p_vehicle_id, recorded_at, speed, fuel_rate, odometer, v_opened.batch_id from samples
      on conflict on constraint telemetry_samples_pkey do nothing
    )
    select count(*) filter (where recorded_at < p_started_at or recorded_at > p_ended_at)::integer into v_outside from samples;
  exception
    when not_null_violation or check_violation or invalid_text_representation or numeric_value_out_of_range then
      raise exception using errcode = 'PT400', message = 'every sample needs t (milliseconds), speed, fuelRate and odometer within range';
  end;
  if v_outside > 0 then
    raise exception using errcode = 'PT400', message = 'every sample''s t must lie between startTimestamp and endTimestamp';
  end if;
  return query select * from private.close_telemetry_batch(v_opened.batch_id);
end;
$$;

comment on function public.ingest_telemetry(uuid, text, timestamptz, timestamptz, jsonb, text) is
  'Stores a telemetry batch sent as jsonb, once per idempotency key: the owner''s JWT, or the service role with a dongle token. Moves the vehicle''s odometer forward; 429 past the per-vehicle rate limit. The telemetry function writes the same batches on its own connection (private.open_telemetry_batch / close_telemetry_batch).';

-- The telemetry function's write, in one call (one round trip on its connection): the poster (a
-- user Auth identified, or a dongle token), open, the samples from four arrays with one
-- INSERT … SELECT unnest(…) (instants already stored are skipped, as ingest_telemetry() skips
-- them), close.
create function private.store_telemetry_batch(
  p_user_id uuid,
  p_dongle_token text,
  p_vehicle_id uuid,
  p_idempotency_key text,
  p_started_at timestamptz,
  p_ended_at timestamptz,
  p_t bigint[],
  p_speed real[],
  p_fuel_rate real[],
  p_odometer numeric[]
)
returns table (batch_id uuid, duplicate boolean, sample_count integer, vehicle_odometer numeric)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_opened record;
begin
  if p_user_id is not null then
    -- The poster as auth.uid() sees it, for this transaction only.
    perform pg_catalog.set_config('request.jwt.claims', pg_catalog.json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
  end if;
  select * into v_opened from private.open_telemetry_batch(p_vehicle_id, p_idempotency_key, p_started_at, p_ended_at, p_dongle_token);
  if v_opened.duplicate then
    return query select v_opened.batch_id, true, v_opened.sample_count, v_opened.vehicle_odometer;
    return;
  end if;
  insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id)
  select p_vehicle_id, pg_catalog.to_timestamp(s.t / 1000.0), s.speed, s.fuel_rate, s.odometer, v_opened.batch_id
  from unnest(p_t, p_speed, p_fuel_rate, p_odometer) as s (t, speed, fuel_rate, odometer)
  on conflict on constraint telemetry_samples_pkey do nothing;
  return query select * from private.close_telemetry_batch(v_opened.batch_id);
end;
$$;

comment on function private.store_telemetry_batch(uuid, text, uuid, text, timestamptz, timestamptz, bigint[], real[], real[], numeric[]) is
  'The telemetry function''s write of a batch it checked, in one call: as the user Auth identified or with a dongle token, open_telemetry_batch, the samples from four parallel arrays, close_telemetry_batch.';

revoke all on function private.store_telemetry_batch(uuid, text, uuid, text, timestamptz, timestamptz, bigint[], real[], real[], numeric[]) from public, anon, authenticated;
grant execute on function private.store_telemetry_batch(uuid, text, uuid, text, timestamptz, timestamptz, bigint[], real[], real[], numeric[]) to service_role;
