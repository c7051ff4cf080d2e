-- The telemetry function's write without the costs that buy nothing for most batches (issue 15's
-- benchmark: samples through the function at least half COPY's rate).
--
-- Measured per batch of 1,000 samples, backend CPU, against a bare INSERT … SELECT unnest(…) of
-- the same rows: store_telemetry_batch() (0050) cost about 5 ms more, of which ON CONFLICT DO
-- NOTHING about 3.5 ms (a speculative insertion per row: a pre-check of the primary key, a
-- confirmation WAL record) and close_telemetry_batch()'s second read of the samples just written
-- most of the rest. Now:
--
-- - ON CONFLICT only when the batch's window already holds a sample of the vehicle. Without one
--   nothing can clash: open_telemetry_batch() has updated the vehicle's telemetry_rate_windows
--   row, whose lock, held to commit, keeps every other batch of the vehicle (this function's and
--   ingest_telemetry()'s) from writing until then, and the check's snapshot sees what the batches
--   before it committed. A sample written meanwhile some other way (a service-role INSERT) makes
--   the plain INSERT fail with unique_violation: the batch is then written again with ON CONFLICT.
-- - The figures (count, first and last odometer, top speed) come from the INSERT's RETURNING,
--   not from reading the samples back: private.settle_telemetry_batch() records them.
--   close_telemetry_batch() (ingest_telemetry()'s second half) measures and then settles the same
--   way.
-- - Instants from the milliseconds in float8 (exact below 2^53 ms, and to_timestamp() takes float8
--   anyway), not through numeric division.

create function private.settle_telemetry_batch(
  p_batch_id uuid,
  p_stored integer,
  p_start_odometer numeric,
  p_end_odometer numeric,
  p_max_speed real
)
returns table (batch_id uuid, duplicate boolean, sample_count integer, vehicle_odometer numeric)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_vehicle_id uuid;
  v_dongle_id uuid;
  v_odometer numeric;
begin
  update public.telemetry_batches b
  set sample_count = p_stored, start_odometer = p_start_odometer, end_odometer = p_end_odometer, max_speed = p_max_speed
  where b.id = p_batch_id
  returning b.vehicle_id, b.dongle_id into v_vehicle_id, v_dongle_id;
  if not found then
    raise exception using errcode = 'PT404', message = 'telemetry batch not found';
  end if;
  update public.vehicles v set odometer = p_end_odometer
  where v.id = v_vehicle_id and v.odometer < p_end_odometer
  returning v.odometer into v_odometer;
  if not found then
    select v.odometer into v_odometer from public.vehicles v where v.id = v_vehicle_id;
  end if;
  if v_dongle_id is not null then
    update public.obd_dongles d set last_seen_at = pg_catalog.now() where d.id = v_dongle_id;
  end if;
  return query select p_batch_id, false, p_stored, v_odometer;
end;
$$;

comment on function private.settle_telemetry_batch(uuid, integer, numeric, numeric, real) is
  'Last step of storing a telemetry batch: records what was stored with it (count, first and last odometer, top speed), moves the vehicle''s odometer forward (never back) and the dongle''s last_seen_at.';

revoke all on function private.settle_telemetry_batch(uuid, integer, numeric, numeric, real) from public, anon, authenticated;
grant execute on function private.settle_telemetry_batch(uuid, integer, numeric, numeric, real) to service_role;

create or replace function private.close_telemetry_batch(p_batch_id uuid)
returns table (batch_id uuid, duplicate boolean, sample_count integer, vehicle_odometer numeric)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_batch public.telemetry_batches;
  v_stored integer;
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
  return query select * from private.settle_telemetry_batch(p_batch_id, v_stored, v_batch.start_odometer, v_batch.end_odometer, v_batch.max_speed);
end;
$$;

comment on function private.close_telemetry_batch(uuid) is
  'Second half of storing a telemetry batch (ingest_telemetry()): measures the samples stored with it and settles the batch (settle_telemetry_batch: figures, odometer forward, dongle''s last_seen_at).';

create or replace function private.store_telemetry_batch(
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
  v_stored integer;
  v_start_odometer numeric;
  v_end_odometer numeric;
  v_max_speed real;
  v_window_used boolean;
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

  -- No other batch of the vehicle writes before this one commits (the rate window's row lock, see
  -- the top of the migration): an empty window stays empty but for this batch.
  v_window_used := exists (
    select 1 from public.telemetry_samples s
    where s.vehicle_id = p_vehicle_id and s.recorded_at between p_started_at and p_ended_at
  );
  if not v_window_used then
    begin
      with stored as (
        insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id)
        select p_vehicle_id, pg_catalog.to_timestamp(s.t::float8 / 1000), s.speed, s.fuel_rate, s.odometer, v_opened.batch_id
        from unnest(p_t, p_speed, p_fuel_rate, p_odometer) as s (t, speed, fuel_rate, odometer)
        returning odometer, speed
      )
      select count(*)::integer, min(odometer), max(odometer), max(speed)
      into v_stored, v_start_odometer, v_end_odometer, v_max_speed
      from stored;
    exception
      when unique_violation then
        -- A sample written meanwhile outside the batches' lock: undone here, written below.
        v_window_used := true;
    end;
  end if;
  if v_window_used then
    -- Instants already stored (a trip re-sent under another key) are skipped, as ingest_telemetry()
    -- skips them.
    with stored as (
      insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id)
      select p_vehicle_id, pg_catalog.to_timestamp(s.t::float8 / 1000), s.speed, s.fuel_rate, s.odometer, v_opened.batch_id
      from unnest(p_t, p_speed, p_fuel_rate, p_odometer) as s (t, speed, fuel_rate, odometer)
      on conflict on constraint telemetry_samples_pkey do nothing
      returning odometer, speed
    )
    select count(*)::integer, min(odometer), max(odometer), max(speed)
    into v_stored, v_start_odometer, v_end_odometer, v_max_speed
    from stored;
  end if;
  return query select * from private.settle_telemetry_batch(v_opened.batch_id, v_stored, v_start_odometer, v_end_odometer, v_max_speed);
end;
$$;

comment on function private.store_telemetry_batch(uuid, text, uuid, text, timestamptz, timestamptz, bigint[], real[], real[], numeric[]) is
  'The telemetry function''s write of a batch it checked, in one call: as the user Auth identified or with a dongle token, open_telemetry_batch, the samples from four parallel arrays (ON CONFLICT only when the batch''s window already holds samples of the vehicle), settle_telemetry_batch with the figures of what was inserted.';
