// The SDK's offline pieces (issue 21, item 3): the check-in scanner's queue synced once through
// sync_offline_check_ins, and the telemetry uploader's idempotency keys and backoff on 429 and 5xx.
// Network faults are injected with supabase-js's own `global.fetch` option; the 429 is the
// database's real rate limit.
import { randomUUID } from "node:crypto";
import {
  CheckInQueue,
  createPitlaneClient,
  memoryStore,
  PitlaneError,
  type PitlaneClient,
  type QueuedScan,
  TelemetryUploader,
} from "@pitlane/sdk";
import { beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createUser, sql, stack, type TestUser } from "../helpers/db.ts";
import { randomVin } from "../service/helpers.ts";

async function signedIn(user: TestUser, fetch?: typeof globalThis.fetch): Promise<PitlaneClient> {
  const client = createPitlaneClient(stack().apiUrl, stack().anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
    global: fetch ? { fetch } : {},
  });
  const { error } = await client.auth.signInWithPassword(user);
  if (error) throw error;
  return client;
}

/** A network that can be switched off after signing in. */
function switchable() {
  const network = { up: true };
  const fetchThrough: typeof fetch = (input, init) =>
    network.up ? fetch(input, init) : Promise.reject(new TypeError("fetch failed: network down"));
  return { network, fetchThrough };
}

describe("the check-in scanner's queue", () => {
  let staffUser: TestUser;
  let eventId: string;
  const tokens: string[] = [];

  beforeAll(async () => {
    staffUser = await createUser({ full_name: "Scanner Staff" });
    const founder = await createUser({ full_name: "Scanner Founder" });
    const [organization] = await sql<{ id: string }>(
      `insert into public.organizations (slug, display_name, created_by) values ($1, 'Scan Club', $2) returning id`,
      [`scan-${randomUUID().slice(0, 8)}`, founder.id],
    );
    await sql(
      `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff')`,
      [organization!.id, staffUser.id],
    );
    const [event] = await sql<{ id: string }>(
      `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, status)
       values ($1, $2, 'Scan Day', 'Hall', now() + interval '1 hour', now() + interval '3 hours', 'published')
       returning id`,
      [organization!.id, `scan-day-${randomUUID().slice(0, 8)}`],
    );
    eventId = event!.id;
    for (const name of ["Ann", "Ben"]) {
      const attendee = await signedIn(await createUser({ full_name: name }));
      tokens.push((await attendee.events.register(eventId)).check_in_token);
    }
  });

  it("keeps scans made offline, and syncs each once when back online", async () => {
    const deviceId = `scanner-${randomUUID().slice(0, 8)}`;
    const online = await signedIn(staffUser);
    const store = memoryStore<QueuedScan>();
    const { network, fetchThrough } = switchable();
    const away = new CheckInQueue(await signedIn(staffUser, fetchThrough), deviceId, store);
    network.up = false;
    const refs = [
      await away.scan(tokens[0]!, { eventId }),
      await away.scan(tokens[0]!, { eventId }),
      await away.scan("not-a-token", { eventId }),
    ];

    const failure = await away.sync().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PitlaneError);
    expect((failure as PitlaneError).status).toBe(0);
    expect(await away.pending()).toBe(3);

    // The same stored queue, on a scanner that is online again.
    const back = new CheckInQueue(online, deviceId, store);
    const [first, second] = await Promise.all([back.sync(), back.sync()]);
    expect(second).toBe(first);
    expect(first.map((answer) => [answer.client_ref, answer.result])).toEqual([
      [refs[0], "checked_in"],
      [refs[1], "already_checked_in"],
      [refs[2], "invalid_token"],
    ]);
    expect(await back.pending()).toBe(0);
    expect(await back.sync()).toEqual([]);
    const rows = await sql(
      `select method, device_id from public.event_check_ins where event_id = $1`,
      [eventId],
    );
    expect(rows).toEqual([{ method: "offline", device_id: deviceId }]);
  });
});

describe("the telemetry uploader", () => {
  let owner: TestUser;
  let vehicleId: string;

  beforeAll(async () => {
    owner = await createUser({ full_name: "Uploader Owner" });
    const client = await signedIn(owner);
    vehicleId = (
      await client.vehicles.add({
        vin: randomVin(),
        make: "Toyota",
        model: "Avanza",
        year: 2021,
        odometer: 1000,
        fuel_type: "gasoline",
      })
    ).id;
  });

  let clock = Date.now() - 3_600_000;
  const batch = () => {
    const start = (clock += 10_000);
    return {
      vehicleId,
      startTimestamp: start,
      endTimestamp: start + 1000,
      samples: [{ t: start + 500, speed: 30, fuelRate: 1.5, odometer: 1000 + (clock % 1e6) / 1e5 }],
    };
  };

  it("backs off on a 503, waits out a 429's Retry-After, and stores each batch once", async () => {
    let calls = 0;
    let answersLost = 0;
    // The first upload meets a failing gateway; the third's answer is lost after the server
    // stored it, as a dropped connection would lose it.
    const flaky: typeof fetch = async (input, init) => {
      if (!String(input instanceof Request ? input.url : input).includes("/functions/v1/telemetry"))
        return fetch(input, init);
      calls += 1;
      if (calls === 1)
        return new Response(JSON.stringify({ error: { code: "unavailable", message: "down" } }), {
          status: 503,
          headers: { "content-type": "application/json" },
        });
      const response = await fetch(input, init);
      if (calls === 4) {
        answersLost += 1;
        throw new TypeError("fetch failed: connection reset");
      }
      return response;
    };
    const pauses: number[] = [];
    const uploader = new TelemetryUploader(await signedIn(owner, flaky), {
      sleep: async (ms) => {
        pauses.push(ms);
        // The wait for the 429 (the second pause): the minute the rate limit counts has passed.
        if (pauses.length === 2)
          await sql(`delete from private.telemetry_rate_windows where vehicle_id = $1`, [
            vehicleId,
          ]);
      },
    });
    const keys = [await uploader.enqueue(batch()), await uploader.enqueue(batch())];
    // The window inserted below must still be the current minute when the upload comes, or the
    // upload opens a new one and is stored (as a CI run once met): not in a minute's last 10 s.
    await vi.waitUntil(
      async () =>
        (await sql<{ second: number }>(`select extract(second from now())::float8 as second`))[0]!
          .second < 50,
      { timeout: 15_000, interval: 250 },
    );
    // This vehicle has used up its minute: the first real upload is answered 429.
    await sql(
      `insert into private.telemetry_rate_windows (vehicle_id, window_start, batches)
       values ($1, date_trunc('minute', now()), 1000000)`,
      [vehicleId],
    );

    const receipts = await uploader.flush();
    // 503 → backoff; 429 → Retry-After (whole seconds); stored; stored but answer lost → retry.
    expect(calls).toBe(5);
    expect(answersLost).toBe(1);
    expect(pauses).toHaveLength(3);
    expect(pauses[1]! % 1000).toBe(0);
    expect(pauses[1]).toBeGreaterThanOrEqual(1000);
    expect(receipts.map((receipt) => receipt.duplicate)).toEqual([false, true]);
    expect(await uploader.pending()).toBe(0);
    const stored = await sql<{ idempotency_key: string }>(
      `select idempotency_key from public.telemetry_batches where vehicle_id = $1 order by started_at`,
      [vehicleId],
    );
    expect(stored.map((row) => row.idempotency_key)).toEqual(keys);
  });

  it("refuses an invalid batch before queueing, and drops one the server refuses for good", async () => {
    const stranger = await signedIn(await createUser({ full_name: "Uploader Stranger" }));
    const rejected: PitlaneError[] = [];
    const uploader = new TelemetryUploader(stranger, {
      onRejected: (_, error) => rejected.push(error),
    });
    const invalid = await uploader
      .enqueue({ ...batch(), samples: [] })
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({ status: 400, service: "input" });
    await uploader.enqueue(batch());
    expect(await uploader.flush()).toEqual([]);
    expect(rejected.map((error) => error.status)).toEqual([404]);
    expect(await uploader.pending()).toBe(0);
  });
});
