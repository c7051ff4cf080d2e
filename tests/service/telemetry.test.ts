// Telemetry ingestion (issue 15, item 4; the telemetry migration and the `telemetry` edge
// function): the seed's body posted by the owner or by the linked dongle with its token, per-sample
// errors with nothing stored, a batch stored once per idempotency key, the odometer moving only
// forward, the per-vehicle rate limit, reads and aggregates for the owner, and retention.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { db, sql, stack } from "../helpers/db.ts";
import { isPlainSample, TelemetrySample } from "../../clients/src/schemas/telemetry.ts";
import { addVehicle, type VehicleRow } from "./helpers.ts";

let owner: SignedInPerson;
let other: SignedInPerson;
let ownerToken: string;

beforeAll(async () => {
  [owner, other] = await Promise.all([
    signedInPerson("Telemetry Owner"),
    signedInPerson("Telemetry Stranger"),
  ]);
  ownerToken = (await owner.client.auth.getSession()).data.session!.access_token;
});

interface Sample {
  t: number;
  speed: number;
  fuelRate: number;
  odometer: number;
}

/** A batch as the seed's app sends it: `count` samples a second apart, ending a minute ago. */
function batchFor(vehicleId: string, count = 10, fromOdometer = 15000.5, endsAgoMs = 60_000) {
  const end = Date.now() - endsAgoMs;
  const start = end - count * 1000;
  const samples: Sample[] = Array.from({ length: count }, (_, i) => ({
    t: start + i * 1000,
    speed: 40 + i,
    fuelRate: 2.3,
    odometer: fromOdometer + i * 0.1,
  }));
  return { vehicleId, startTimestamp: start, endTimestamp: end, samples };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function post(
  vehicleId: string,
  body: unknown,
  headers: Record<string, string> = { Authorization: `Bearer ${ownerToken}` },
): Promise<Answer> {
  const response = await fetch(`${stack().apiUrl}/functions/v1/telemetry/${vehicleId}`, {
    method: "POST",
    headers: { apikey: stack().anonKey, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const stored = async (vehicleId: string) =>
  (
    await sql<{ samples: number; batches: number }>(
      `select (select count(*)::int from public.telemetry_samples where vehicle_id = $1) as samples,
            (select count(*)::int from public.telemetry_batches where vehicle_id = $1) as batches`,
      [vehicleId],
    )
  )[0]!;
const odometerOf = async (vehicleId: string) =>
  Number(
    (
      await sql<{ odometer: string }>("select odometer from public.vehicles where id = $1", [
        vehicleId,
      ])
    )[0]!.odometer,
  );

describe("posting a batch", () => {
  let vehicle: VehicleRow;
  beforeAll(async () => {
    vehicle = await addVehicle(owner.client, { odometer: 15000.5 });
  });

  it("the owner posts the seed's body: 202 with the seed's message, samples stored, odometer moved forward", async () => {
    const batch = batchFor(vehicle.id, 10);
    const answer = await post(vehicle.id, batch);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      message: "Telemetry batch accepted",
      duplicate: false,
      samples: 10,
      odometer: 15001.4,
    });
    // Where the batch's time went, step by step (the benchmark's per-layer breakdown).
    expect(
      answer.headers
        .get("server-timing")
        ?.split(", ")
        .map((step) => step.split(";")[0])
        .sort(),
    ).toEqual(["auth", "auth-wait", "body", "check", "db"]);
    expect(await stored(vehicle.id)).toEqual({ samples: 10, batches: 1 });
    expect(await odometerOf(vehicle.id)).toBe(15001.4);
    // The owner reads the samples through REST in a time range, and the batch as a trip.
    const rows = ok(
      await owner.client
        .from("telemetry_samples")
        .select("recorded_at, speed, fuel_rate, odometer")
        .eq("vehicle_id", vehicle.id)
        .gte("recorded_at", new Date(batch.samples[2]!.t).toISOString())
        .order("recorded_at"),
    );
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual({
      recorded_at: expect.any(String),
      speed: 42,
      fuel_rate: 2.3,
      odometer: 15000.7,
    });
    expect(new Date(rows[0]!.recorded_at).getTime()).toBe(batch.samples[2]!.t);
    expect(
      ok(
        await owner.client
          .from("telemetry_batches")
          .select("sample_count, start_odometer, end_odometer, max_speed")
          .eq("vehicle_id", vehicle.id),
      ),
    ).toEqual([
      { sample_count: 10, start_odometer: 15000.5, end_odometer: 15001.4, max_speed: 49 },
    ]);
    expect(
      ok(
        await other.client
          .from("telemetry_samples")
          .select("recorded_at")
          .eq("vehicle_id", vehicle.id),
      ),
    ).toEqual([]);
    expect(
      ok(await other.client.from("telemetry_batches").select("id").eq("vehicle_id", vehicle.id)),
    ).toEqual([]);
  });

  it("supabase-js functions.invoke posts as the signed-in owner", async () => {
    const car = await addVehicle(owner.client, { odometer: 10 });
    const { data, error } = await owner.client.functions.invoke(`telemetry/${car.id}`, {
      body: batchFor(car.id, 3, 10),
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      message: "Telemetry batch accepted",
      duplicate: false,
      samples: 3,
    });
    expect(await stored(car.id)).toEqual({ samples: 3, batches: 1 });
  });

  it("a batch sent twice, or many times at once, is stored once", async () => {
    const car = await addVehicle(owner.client, { odometer: 100 });
    const batch = batchFor(car.id, 5, 100);
    const first = await post(car.id, batch);
    const again = await post(car.id, batch);
    expect(first.body.duplicate).toBe(false);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({
      message: "Telemetry batch accepted",
      duplicate: true,
      batchId: first.body.batchId,
    });
    expect(await stored(car.id)).toEqual({ samples: 5, batches: 1 });

    const keyed = batchFor(car.id, 5, 101, 30_000);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        post(car.id, keyed, {
          Authorization: `Bearer ${ownerToken}`,
          "Idempotency-Key": "trip-42",
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(await stored(car.id)).toEqual({ samples: 10, batches: 2 });
    // The key is what counts: another body under the same key is the same batch.
    const sameKey = await post(car.id, batchFor(car.id, 3, 102, 20_000), {
      Authorization: `Bearer ${ownerToken}`,
      "Idempotency-Key": "trip-42",
    });
    expect(sameKey.body.duplicate).toBe(true);
    expect(await stored(car.id)).toEqual({ samples: 10, batches: 2 });
  });

  it("instants already stored are skipped under another key: only the new ones count", async () => {
    const car = await addVehicle(owner.client, { odometer: 100 });
    const batch = batchFor(car.id, 5, 100);
    expect((await post(car.id, batch)).body).toMatchObject({ samples: 5, odometer: 100.4 });
    // The same instants again under another key (higher readings): nothing is stored, nothing moves.
    const replay = {
      ...batch,
      samples: batch.samples.map((sample) => ({ ...sample, odometer: sample.odometer + 50 })),
    };
    const again = await post(car.id, replay, {
      Authorization: `Bearer ${ownerToken}`,
      "Idempotency-Key": "replayed-trip",
    });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ duplicate: false, samples: 0, odometer: 100.4 });
    // Overlapping by two instants: the three new ones are stored and move the odometer.
    const last = batch.samples[4]!;
    const later = [1, 2, 3].map((n) => ({
      ...last,
      t: last.t + n * 1000,
      odometer: last.odometer + n * 0.1,
    }));
    const overlapping = {
      vehicleId: car.id,
      startTimestamp: batch.samples[3]!.t,
      endTimestamp: later[2]!.t,
      samples: [batch.samples[3]!, last, ...later],
    };
    const answer = await post(car.id, overlapping);
    expect(answer.body).toMatchObject({ duplicate: false, samples: 3, odometer: 100.7 });
    expect(await stored(car.id)).toEqual({ samples: 8, batches: 3 });
  });

  it("a sample written meanwhile by other means: the batch is stored around it", async () => {
    const car = await addVehicle(owner.client, { odometer: 100 });
    const batch = batchFor(car.id, 5, 100);
    // The service role writes the batch's third instant directly, not yet committed: the function
    // finds the window empty, and its INSERT waits for this transaction.
    const writer = await db().superuser.connect();
    try {
      await writer.query("begin");
      const [{ xid }] = (
        await writer.query<{ xid: string }>(
          `insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id)
           values ($1, to_timestamp($2::float8 / 1000), 10, 1, 100.2, gen_random_uuid())
           returning pg_current_xact_id()::xid::text as xid`,
          [car.id, batch.samples[2]!.t],
        )
      ).rows as [{ xid: string }];
      const posted = post(car.id, batch);
      await expect
        .poll(
          async () =>
            (
              await sql<{ waiting: boolean }>(
                `select exists (select 1 from pg_locks where locktype = 'transactionid' and transactionid::text = $1 and not granted) as waiting`,
                [xid],
              )
            )[0]!.waiting,
          { timeout: 30_000 },
        )
        .toBe(true);
      await writer.query("commit");
      const answer = await posted;
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ duplicate: false, samples: 4, odometer: 100.4 });
    } finally {
      writer.release();
    }
    expect(await stored(car.id)).toEqual({ samples: 5, batches: 1 });
  });

  it("overlapping batches under their own keys at once: each instant stored once, and counted once", async () => {
    const car = await addVehicle(owner.client, { odometer: 100 });
    // Four batches of six samples, each starting three instants after the one before: 15 instants.
    const trip = batchFor(car.id, 15, 100);
    const batches = [0, 3, 6, 9].map((first) => {
      const samples = trip.samples.slice(first, first + 6);
      return {
        vehicleId: car.id,
        startTimestamp: samples[0]!.t,
        endTimestamp: samples.at(-1)!.t,
        samples,
      };
    });
    const answers = await Promise.all(batches.map((batch) => post(car.id, batch)));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    const counted = answers.reduce((total, answer) => total + (answer.body.samples as number), 0);
    expect(counted).toBe(15);
    expect(await stored(car.id)).toEqual({ samples: 15, batches: 4 });
    expect(await odometerOf(car.id)).toBe(101.4);
  });

  it("invalid samples are answered one by one, and nothing is stored", async () => {
    const batch = batchFor(vehicle.id, 6, 16000);
    const samples: unknown[] = [...batch.samples];
    samples[1] = { ...batch.samples[1]!, speed: -5 };
    samples[2] = { ...batch.samples[2]!, t: batch.endTimestamp + 5000 };
    samples[3] = { t: batch.samples[3]!.t, speed: 10, fuelRate: 1 };
    samples[4] = { ...batch.samples[4]!, odometer: 15999 };
    samples[5] = "not a sample";
    const before = await stored(vehicle.id);
    const answer = await post(vehicle.id, { ...batch, samples });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("invalid_samples");
    expect(
      answer.body.error.samples.map((e: { index: number; field: string }) => [e.index, e.field]),
    ).toEqual([
      [1, "speed"],
      [2, "t"],
      [3, "odometer"],
      [4, "odometer"],
      [5, "sample"],
    ]);
    expect(await stored(vehicle.id)).toEqual(before);
  });

  it("bad bodies and requests are 4xx and store nothing", async () => {
    const before = await stored(vehicle.id);
    const batch = batchFor(vehicle.id, 2, 17000);
    expect((await post(vehicle.id, "{not json")).body.error.code).toBe("invalid_json");
    expect((await post(vehicle.id, { ...batch, vehicleId: undefined })).status).toBe(400);
    expect((await post(vehicle.id, { ...batch, vehicleId: "vehicle-uuid" })).status).toBe(400);
    expect((await post(randomUUID(), batch)).body.error.message).toBe(
      "vehicleId in the body differs from the one in the path",
    );
    expect((await post(vehicle.id, { ...batch, samples: [] })).status).toBe(400);
    expect(
      (await post(vehicle.id, { ...batch, endTimestamp: batch.startTimestamp - 1 })).body.error
        .message,
    ).toBe("endTimestamp is before startTimestamp");
    expect(
      (await post(vehicle.id, { ...batch, endTimestamp: Date.now() + 3_600_000 })).body.error
        .message,
    ).toBe("endTimestamp is in the future");
    const tooMany = batchFor(vehicle.id, 5001, 17000);
    expect((await post(vehicle.id, tooMany)).status).toBe(400);
    const get = await fetch(`${stack().apiUrl}/functions/v1/telemetry/${vehicle.id}`, {
      headers: { Authorization: `Bearer ${ownerToken}` },
    });
    expect(get.status).toBe(405);
    expect(await stored(vehicle.id)).toEqual(before);
  });

  it("the database refuses bad batches itself when ingest_telemetry is called directly", async () => {
    const car = await addVehicle(owner.client);
    const batch = batchFor(car.id, 3, 100);
    const call = (samples: unknown[], startedAt = batch.startTimestamp) =>
      owner.client.rpc("ingest_telemetry", {
        p_vehicle_id: car.id,
        p_idempotency_key: randomUUID(),
        p_started_at: new Date(startedAt).toISOString(),
        p_ended_at: new Date(batch.endTimestamp).toISOString(),
        p_samples: samples,
      });
    const outside = await call(batch.samples, batch.startTimestamp + 1500);
    expect({ status: outside.status, message: outside.error?.message }).toEqual({
      status: 400,
      message: "every sample's t must lie between startTimestamp and endTimestamp",
    });
    const negative = await call([{ ...batch.samples[0]!, speed: -1 }]);
    expect({ status: negative.status, message: negative.error?.message }).toEqual({
      status: 400,
      message: "every sample needs t (milliseconds), speed, fuelRate and odometer within range",
    });
    expect((await call([])).status).toBe(400);
    expect(await stored(car.id)).toEqual({ samples: 0, batches: 0 });
    const accepted = ok(await call(batch.samples).single<{ sample_count: number }>());
    expect(accepted.sample_count).toBe(3);
  });

  it("the odometer never moves back: older readings are stored, the vehicle keeps its highest", async () => {
    const car = await addVehicle(owner.client, { odometer: 500 });
    expect((await post(car.id, batchFor(car.id, 3, 600, 30_000))).status).toBe(202);
    expect(await odometerOf(car.id)).toBe(600.2);
    // A late batch from earlier in the day, with lower readings.
    expect((await post(car.id, batchFor(car.id, 3, 550, 3_600_000))).status).toBe(202);
    expect(await odometerOf(car.id)).toBe(600.2);
    expect(await stored(car.id)).toEqual({ samples: 6, batches: 2 });
  });
});

describe("the samples' quick check", () => {
  it("accepts exactly the samples the schema accepts, at and past every bound", () => {
    const good = { t: 1_700_000_000_000, speed: 50, fuelRate: 2.1, odometer: 1000.5 };
    const values: [keyof typeof good, unknown][] = [
      ...[0, 1, -1, 1.5, 8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, 1e21].map(
        (t) => ["t", t] as [keyof typeof good, unknown],
      ),
      ...(["speed", "fuelRate", "odometer"] as const).flatMap((field) =>
        [0, -0, -1e-9, 500, 500.01, 1000, 1000.01, 9999999, 9999999.1].map(
          (value) => [field, value] as [keyof typeof good, unknown],
        ),
      ),
      ...(["t", "speed", "fuelRate", "odometer"] as const).flatMap((field) =>
        [NaN, Infinity, -Infinity, "50", null, undefined, true, [50], {}].map(
          (value) => [field, value] as [keyof typeof good, unknown],
        ),
      ),
    ];
    const samples: unknown[] = [
      good,
      { ...good, extra: "ignored" },
      ...values.map(([field, value]) => ({ ...good, [field]: value })),
      null,
      [],
      "sample",
      42,
      Object.assign([], good),
    ];
    const disagreements = samples.filter(
      (sample) => isPlainSample(sample) !== TelemetrySample.safeParse(sample).success,
    );
    expect(disagreements).toEqual([]);
    // Both kinds occur, so the comparison is not vacuous.
    expect(samples.filter(isPlainSample).length).toBeGreaterThan(10);
    expect(samples.filter((sample) => !isPlainSample(sample)).length).toBeGreaterThan(10);
  });
});

describe("who may post", () => {
  it("not anonymous callers, not another member; a linked dongle with its token, until it is revoked", async () => {
    const car = await addVehicle(owner.client);
    const otherCar = await addVehicle(owner.client);
    const anonymous = await post(car.id, batchFor(car.id), {
      Authorization: `Bearer ${stack().anonKey}`,
    });
    expect(anonymous.status).toBe(401);
    const stranger = await post(car.id, batchFor(car.id), {
      Authorization: `Bearer ${(await other.client.auth.getSession()).data.session!.access_token}`,
    });
    expect({ status: stranger.status, message: stranger.body.error.message }).toEqual({
      status: 404,
      message: "vehicle not found",
    });

    const [dongle] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: car.id,
        p_serial: `obd-${randomUUID().slice(0, 8)}`,
        p_connection_type: "CLOUD",
      }),
    );
    const asDongle = (token: string) => ({
      Authorization: `Bearer ${stack().anonKey}`,
      "X-Dongle-Token": token,
    });
    const posted = await post(car.id, batchFor(car.id, 4), asDongle(dongle.token));
    expect(posted.status).toBe(202);
    expect(
      await sql("select dongle_id, posted_by from public.telemetry_batches where id = $1", [
        posted.body.batchId,
      ]),
    ).toEqual([{ dongle_id: dongle.id, posted_by: null }]);
    expect(
      ok(await owner.client.from("obd_dongles").select("last_seen_at").eq("id", dongle.id).single())
        .last_seen_at,
    ).not.toBeNull();

    const wrongVehicle = await post(otherCar.id, batchFor(otherCar.id), asDongle(dongle.token));
    expect({ status: wrongVehicle.status, message: wrongVehicle.body.error.message }).toEqual({
      status: 403,
      message: "this dongle is not linked to that vehicle",
    });
    const forged = await post(
      car.id,
      batchFor(car.id, 2, 16000, 10_000),
      asDongle(`${dongle.id}.forged-secret`),
    );
    expect({ status: forged.status, message: forged.body.error.message }).toEqual({
      status: 401,
      message: "invalid credentials: unknown or revoked dongle token",
    });

    ok(await owner.client.rpc("revoke_dongle_token", { p_dongle_id: dongle.id }));
    const revoked = await post(car.id, batchFor(car.id, 2, 16000, 10_000), asDongle(dongle.token));
    expect(revoked.status).toBe(401);
    expect(await stored(car.id)).toEqual({ samples: 4, batches: 1 });
    expect(await stored(otherCar.id)).toEqual({ samples: 0, batches: 0 });
  });
});

describe("the rate limit", () => {
  it("answers 429 with Retry-After past the per-vehicle limit, and other vehicles go on", async () => {
    const otherCar = await addVehicle(owner.client);
    await sql(
      `update private.app_settings set value = '3' where key = 'telemetry_batches_per_minute'`,
    );
    try {
      // The window is the database's clock minute. Four quick posts share one unless a minute
      // turns while they are sent: then they are sent again for another vehicle.
      const minute = async () =>
        (await sql<{ m: string }>("select date_trunc('minute', now())::text as m"))[0]!.m;
      let car: VehicleRow;
      let answers: Answer[];
      for (let attempt = 1; ; attempt++) {
        car = await addVehicle(owner.client);
        const startedIn = await minute();
        answers = [];
        for (let i = 0; i < 4; i++)
          answers.push(await post(car.id, batchFor(car.id, 2, 15000 + i, 60_000 - i * 5000)));
        if ((await minute()) === startedIn || attempt === 3) break;
      }
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429]);
      const limited = answers[3]!;
      expect(limited.body.error.code).toBe("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(await stored(car.id)).toEqual({ samples: 6, batches: 3 });
      expect((await post(otherCar.id, batchFor(otherCar.id, 2))).status).toBe(202);
    } finally {
      await sql(
        `update private.app_settings set value = '60' where key = 'telemetry_batches_per_minute'`,
      );
    }
  });
});

describe("reading telemetry", () => {
  it("aggregates per minute and per hour for the owner; strangers get 404; bad ranges 400", async () => {
    const car = await addVehicle(owner.client, { odometer: 0 });
    // 120 samples, one every second for two minutes, starting on a minute boundary.
    const start = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    const samples = Array.from({ length: 120 }, (_, i) => ({
      t: start + i * 1000,
      speed: i < 60 ? 30 : 60,
      fuelRate: i < 60 ? 1 : 3,
      odometer: 10 + i * 0.1,
    }));
    expect(
      (
        await post(car.id, {
          vehicleId: car.id,
          startTimestamp: start,
          endTimestamp: start + 119_000,
          samples,
        })
      ).status,
    ).toBe(202);
    const range = {
      p_vehicle_id: car.id,
      p_from: new Date(start).toISOString(),
      p_to: new Date(start + 3_600_000).toISOString(),
    };
    const minutes = ok(
      await owner.client.rpc("telemetry_aggregates", { ...range, p_bucket: "minute" }),
    ) as any[];
    expect(
      minutes.map((m) => ({
        samples: m.samples,
        avg_speed: m.avg_speed,
        max_speed: m.max_speed,
        avg_fuel_rate: m.avg_fuel_rate,
      })),
    ).toEqual([
      { samples: 60, avg_speed: 30, max_speed: 30, avg_fuel_rate: 1 },
      { samples: 60, avg_speed: 60, max_speed: 60, avg_fuel_rate: 3 },
    ]);
    expect(new Date(minutes[1].bucket_start).getTime()).toBe(start + 60_000);
    const hours = ok(
      await owner.client.rpc("telemetry_aggregates", { ...range, p_bucket: "hour" }),
    ) as any[];
    expect(hours.reduce((total, h) => total + h.samples, 0)).toBe(120);
    expect(
      (await other.client.rpc("telemetry_aggregates", { ...range, p_bucket: "minute" })).status,
    ).toBe(404);
    expect(
      (await owner.client.rpc("telemetry_aggregates", { ...range, p_bucket: "second" })).status,
    ).toBe(400);
    expect(
      (await owner.client.rpc("telemetry_aggregates", { ...range, p_to: range.p_from })).status,
    ).toBe(400);
  });

  it("retention: the nightly job purges samples and batches older than the retention period", async () => {
    const car = await addVehicle(owner.client);
    const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
    const batchId = randomUUID();
    await sql(
      `insert into public.telemetry_batches (id, vehicle_id, idempotency_key, started_at, ended_at, sample_count) values ($1, $2, 'old', $3, $3, 1)`,
      [batchId, car.id, old],
    );
    await sql(
      `insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id) values ($1, $2, 1, 1, 1, $3)`,
      [car.id, old, batchId],
    );
    expect((await post(car.id, batchFor(car.id, 2))).status).toBe(202);
    expect(await stored(car.id)).toEqual({ samples: 3, batches: 2 });
    expect(
      await sql(`select schedule, command from cron.job where jobname = 'purge-old-telemetry'`),
    ).toEqual([{ schedule: "17 3 * * *", command: "select public.purge_old_telemetry()" }]);
    await sql(`select public.purge_old_telemetry()`);
    expect(await stored(car.id)).toEqual({ samples: 2, batches: 1 });
  });
});
