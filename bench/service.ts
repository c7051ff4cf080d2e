import { randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { Db } from "../tests/helpers/db.ts";
import { projectRoot, spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
import { randomVin } from "../tests/service/helpers.ts";
import { row, type BenchRow } from "./rows.ts";

const batchSize = 1000;
const batches = 20;
/** Vehicles posting at once (as many dongles do), each its share of the batches in turn. */
const posters = 4;
const availabilityCalls = 60;

/** The bench stack's signing key: its tokens are ES256 with this `kid`. */
interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

async function ownerWithVehicles(
  key: SigningKey,
  db: Db,
  count: number,
): Promise<{ token: string; vehicleIds: string[] }> {
  const user = await db.createUser({ full_name: "Bench Driver" });
  const vehicleIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const [vehicle] = await db.sql<{ id: string }>(
      `insert into public.vehicles (owner_id, vin, make, model, year) values ($1, $2, 'Bench', 'Car', 2022) returning id`,
      [user.id, randomVin()],
    );
    vehicleIds.push(vehicle!.id);
  }
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ ...user.claims, iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
  return { token, vehicleIds };
}

/** `count` batches of `batchSize` samples a second apart, ending an hour ago. */
function telemetryBatches(vehicleId: string, count = batches) {
  const end = Date.now() - 3_600_000;
  const first = end - count * batchSize * 1000;
  return Array.from({ length: count }, (_, b) => {
    const start = first + b * batchSize * 1000;
    const samples = Array.from({ length: batchSize }, (_, i) => ({
      t: start + i * 1000,
      speed: 50 + (i % 30),
      fuelRate: 2.1,
      odometer: 1000 + (b * batchSize + i) * 0.01,
    }));
    return {
      vehicleId,
      startTimestamp: start,
      endTimestamp: start + (batchSize - 1) * 1000,
      samples,
    };
  });
}

/** Rounds of the telemetry comparison: each posts through both paths, then COPYs as many rows. */
const rounds = 3;

type Batch = ReturnType<typeof telemetryBatches>[number];

/**
 * Where a batch's time goes through the function, summed over the measured batches: the function's
 * own steps from its Server-Timing header, and the whole request as the client saw it.
 */
class Layers {
  private readonly sums = new Map<string, number>();
  private batches = 0;

  add(totalMs: number, serverTiming: string | null): void {
    this.batches++;
    this.sum("request", totalMs);
    for (const entry of (serverTiming ?? "").split(",")) {
      const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(entry);
      if (match) this.sum(match[1]!, Number(match[2]));
    }
  }

  /** Mean milliseconds per batch; "transport" is the request less the function's steps. */
  report(): string {
    const mean = (name: string) => (this.sums.get(name) ?? 0) / this.batches;
    const steps = ["body", "check", "auth-wait", "db"];
    const inside = steps.reduce((total, name) => total + mean(name), 0);
    const parts = [
      `transport ${(mean("request") - inside).toFixed(1)}`,
      ...steps.map((name) => `${name} ${mean(name).toFixed(1)}`),
    ];
    return `telemetry function, mean ms per batch of ${batchSize}: request ${mean("request").toFixed(1)} = ${parts.join(" + ")} (auth ${mean("auth").toFixed(1)}, alongside body and check)`;
  }

  private sum(name: string, ms: number): void {
    this.sums.set(name, (this.sums.get(name) ?? 0) + ms);
  }
}

/**
 * Samples per second through the telemetry function (batches of 1,000, four vehicles posting at
 * once, each its batches one after another) and through the ingest_telemetry RPC over REST (the
 * same batches as jsonb), next to COPY of as many rows into the same table from a CSV file the
 * server reads. The three alternate in rounds, so that a busy moment of a shared machine weighs on
 * each alike. Every path's input is made before its clock starts, as COPY's file is: request
 * bodies are serialized beforehand, so the figures are the server's work, not the bench client's
 * JSON.stringify on the same two cores.
 */
async function telemetryRows(stack: SpawnedStack, db: Db, key: SigningKey): Promise<BenchRow[]> {
  const { token, vehicleIds } = await ownerWithVehicles(key, db, rounds * (2 * posters + 1));
  let layers = new Layers();
  const post = async (vehicleId: string, body: string) => {
    const started = performance.now();
    const response = await fetch(`${stack.apiUrl}/functions/v1/telemetry/${vehicleId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body,
    });
    const answer = await response.text();
    if (response.status !== 202)
      throw new Error(`telemetry answered ${response.status}: ${answer}`);
    layers.add(performance.now() - started, response.headers.get("server-timing"));
  };
  const functionBody = (batch: Batch) => JSON.stringify(batch);
  const rpc = async (_vehicleId: string, body: string) => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/rpc/ingest_telemetry`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        apikey: stack.anonKey,
        "content-type": "application/json",
      },
      body,
    });
    if (!response.ok) throw new Error(`ingest_telemetry answered ${response.status}`);
    await response.text();
  };
  const rpcBody = (batch: Batch) =>
    JSON.stringify({
      p_vehicle_id: batch.vehicleId,
      p_idempotency_key: randomUUID(),
      p_started_at: new Date(batch.startTimestamp).toISOString(),
      p_ended_at: new Date(batch.endTimestamp).toISOString(),
      p_samples: batch.samples,
    });
  /** Seconds for `posters` vehicles to send their share of the batches at once. */
  const streamed = async (
    vehicles: string[],
    serialize: (batch: Batch) => string,
    send: (vehicleId: string, body: string) => Promise<void>,
  ) => {
    const streams = vehicles.map((vehicleId) => ({
      vehicleId,
      bodies: telemetryBatches(vehicleId, batches / posters).map(serialize),
    }));
    const started = performance.now();
    await Promise.all(
      streams.map(async ({ vehicleId, bodies }) => {
        for (const body of bodies) await send(vehicleId, body);
      }),
    );
    return (performance.now() - started) / 1000;
  };
  const copied = async (vehicleId: string) => {
    const csv = path.join(tmpdir(), `pitlane-bench-telemetry-${randomUUID()}.csv`);
    const batchId = randomUUID();
    await writeFile(
      csv,
      telemetryBatches(vehicleId)
        .flatMap((batch) =>
          batch.samples.map(
            (s) =>
              `${vehicleId},${new Date(s.t).toISOString()},${s.speed},${s.fuelRate},${s.odometer},${batchId}`,
          ),
        )
        .join("\n"),
    );
    const started = performance.now();
    await db.sql(
      `copy public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id) from '${csv}' with (format csv)`,
    );
    const seconds = (performance.now() - started) / 1000;
    await rm(csv, { force: true });
    return seconds;
  };

  // One batch through each path first, so that the function's worker and its connections are up.
  const warm = vehicleIds.at(-1)!;
  const [first] = telemetryBatches(warm, 1);
  await post(warm, functionBody(first!));
  const shifted = (t: number) => t - 500;
  await rpc(
    warm,
    rpcBody({
      ...first!,
      startTimestamp: shifted(first!.startTimestamp),
      endTimestamp: shifted(first!.endTimestamp),
      samples: first!.samples.map((s) => ({ ...s, t: shifted(s.t) })),
    }),
  );
  await db.sql("delete from public.telemetry_samples where vehicle_id = $1", [warm]);
  layers = new Layers();

  const seconds = { function: 0, rpc: 0, copy: 0 };
  for (let round = 0; round < rounds; round++) {
    const mine = vehicleIds.slice(round * (2 * posters + 1), (round + 1) * (2 * posters + 1));
    seconds.function += await streamed(mine.slice(0, posters), functionBody, post);
    seconds.rpc += await streamed(mine.slice(posters, 2 * posters), rpcBody, rpc);
    seconds.copy += await copied(mine[2 * posters]!);
  }
  process.stderr.write(`${layers.report()}\n`);
  const total = rounds * batches * batchSize;
  return [
    row(
      `telemetry function, batches of ${batchSize}, ${posters} vehicles at once (ES256 tokens)`,
      total / seconds.function,
      "COPY into the same table",
      total / seconds.copy,
      "samples/s",
    ),
    row(
      `ingest_telemetry RPC through REST, the same batches`,
      total / seconds.rpc,
      "COPY into the same table",
      total / seconds.copy,
      "samples/s",
    ),
  ];
}

/** The 95th percentile (the value below which 95% of the others are). */
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

async function millisecondsEach(calls: number, call: () => Promise<Response>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const response = await call();
    await response.text();
    if (!response.ok) throw new Error(`answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * appointment_availability through REST for a location with 20 bays and 500 bookings that day, next
 * to a plain indexed select of the same day's bookings through REST.
 */
async function availabilityRows(stack: SpawnedStack, db: Db, key: SigningKey): Promise<BenchRow[]> {
  const { token, vehicleIds } = await ownerWithVehicles(key, db, 500);
  const [org] = await db.sql<{ id: string }>(
    `insert into public.organizations (slug, display_name, created_by) select 'bench-' || substr(md5(random()::text), 1, 8), 'Bench Garage', owner_id from public.vehicles where id = $1 returning id`,
    [vehicleIds[0]],
  );
  const [location] = await db.sql<{ id: string }>(
    `insert into public.service_locations (organization_id, name, address_line1, city, country_code, time_zone, slot_minutes, booking_horizon_days)
     values ($1, 'Bench Garage', '1 Bench St', 'Austin', 'US', 'America/Chicago', 15, 30) returning id`,
    [org!.id],
  );
  await db.sql(
    `insert into public.service_location_hours (location_id, weekday, opens_at, closes_at) select $1, d, '06:00', '22:00' from generate_series(1, 7) d`,
    [location!.id],
  );
  await db.sql(
    `insert into public.service_bays (location_id, name) select $1, 'Bay ' || lpad(n::text, 2, '0') from generate_series(1, 20) n`,
    [location!.id],
  );
  await db.sql(
    `insert into public.location_services (location_id, code, name, duration_minutes, price_amount) values ($1, 'oil_change', 'Oil change', 30, 4999)`,
    [location!.id],
  );
  // 25 back-to-back thirty-minute bookings per bay from 07:00 local, three days ahead.
  const [{ day } = { day: "" }] = await db.sql<{ day: string }>(
    `select to_char((now() at time zone 'America/Chicago')::date + 3, 'YYYY-MM-DD') as day`,
  );
  await db.sql(
    `insert into public.appointments (user_id, vehicle_id, location_id, bay_id, starts_at, ends_at, currency)
     select v.owner_id, v.id, $1, b.id, s.starts_at, s.starts_at + interval '30 minutes', 'USD'
     from (select id, owner_id, row_number() over (order by id) - 1 as n from public.vehicles where id = any($2::uuid[])) v
     join (select id, row_number() over (order by name) - 1 as n from public.service_bays where location_id = $1) b on b.n = v.n % 20
     cross join lateral (select (($3::date + time '07:00') at time zone 'America/Chicago') + make_interval(mins => 30 * (v.n / 20)::int) as starts_at) s`,
    [location!.id, vehicleIds, day],
  );
  const headers = {
    authorization: `Bearer ${token}`,
    apikey: stack.anonKey,
    "content-type": "application/json",
  };
  const [{ from, to } = { from: "", to: "" }] = await db.sql<{ from: string; to: string }>(
    `select (($1::date + time '00:00') at time zone 'America/Chicago')::text as from, (($1::date + 1 + time '00:00') at time zone 'America/Chicago')::text as to`,
    [day],
  );
  const service = { authorization: `Bearer ${stack.serviceRoleKey}`, apikey: stack.serviceRoleKey };
  const availability = () =>
    fetch(`${stack.apiUrl}/rest/v1/rpc/appointment_availability`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        p_location_id: location!.id,
        p_date: day,
        p_service_codes: ["oil_change"],
      }),
    });
  const plain = () =>
    fetch(
      `${stack.apiUrl}/rest/v1/appointments?location_id=eq.${location!.id}&starts_at=gte.${encodeURIComponent(from)}&starts_at=lt.${encodeURIComponent(to)}&select=bay_id,starts_at,ends_at`,
      { headers: service },
    );
  await millisecondsEach(5, availability);
  await millisecondsEach(5, plain);
  const rpc = await millisecondsEach(availabilityCalls, availability);
  const select = await millisecondsEach(availabilityCalls, plain);
  return [
    row(
      "availability, 20 bays, 500 bookings (p95)",
      p95(rpc),
      "indexed select of the day's bookings (p95)",
      p95(select),
      "ms",
    ),
  ];
}

/**
 * The project's config.toml with an ES256 key in `[auth] signing_keys_path`, as Supabase projects
 * are made now: the telemetry function's getClaims() then checks tokens against the JWKS it caches,
 * where an HS256 token costs it a call to Auth per batch. The file sits in the git-ignored tmp/
 * beside supabase/, so the config's paths (../functions, ../seed) resolve as from supabase/.
 */
async function signingKeyConfig(): Promise<{
  key: SigningKey;
  configFile: string;
  files: string[];
}> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const key = { kid: `bench-${randomUUID()}`, privateKey };
  const keysFile = path.join(tmpdir(), `pitlane-bench-service-keys-${randomUUID()}.json`);
  await writeFile(
    keysFile,
    JSON.stringify([{ ...(await exportJWK(privateKey)), kid: key.kid, alg: "ES256" }]),
  );
  const configFile = path.join(projectRoot, "tmp", `bench-service-${randomUUID()}.toml`);
  await mkdir(path.dirname(configFile), { recursive: true });
  const config = await readFile(path.join(projectRoot, "supabase", "config.toml"), "utf8");
  if (!/^\[auth\]$/m.test(config)) throw new Error("supabase/config.toml has no [auth] table");
  await writeFile(
    configFile,
    config.replace(/^\[auth\]$/m, `[auth]\nsigning_keys_path = ${JSON.stringify(keysFile)}`),
  );
  return { key, configFile, files: [keysFile, configFile] };
}

export async function benchService(): Promise<BenchRow[]> {
  const { key, configFile, files } = await signingKeyConfig();
  try {
    const stack = await spawnStack({ args: ["--config", configFile] });
    const db = new Db(stack.dbUrl);
    try {
      // Availability first: the telemetry rounds leave the server busy writing for a while after.
      const availability = await availabilityRows(stack, db, key);
      return [...(await telemetryRows(stack, db, key)), ...availability];
    } finally {
      await db.end();
      await stack.stop();
      await rm(stack.dataDir, { recursive: true, force: true });
    }
  } finally {
    await Promise.all(files.map((file) => rm(file, { force: true })));
  }
}
