// Telemetry ingestion: the seed's POST /api/telematics/{vehicleId}/ with the same body.
//
//   POST /telemetry[/<vehicleId>]   {vehicleId, startTimestamp, endTimestamp, samples: [{t, speed, fuelRate, odometer}]}
//     Authorization: Bearer <the owner's access token>            the vehicle's owner, or
//     Authorization: Bearer <anon key> + X-Dongle-Token: <token>   its linked dongle (token from link_dongle)
//     Idempotency-Key: <key>   optional; without it the SHA-256 of the body is the key, so a batch
//                              sent twice (a retry after a lost answer) is stored once.
//   → 202 {"message": "Telemetry batch accepted", batchId, duplicate, samples, odometer}
//     Server-Timing: body, check, auth and db durations (what the benchmark reports per layer)
//   → 400 invalid_samples with one entry per invalid sample; nothing is stored
//   → 401 / 403 / 404 / 429 (with Retry-After) as the database decides (open_telemetry_batch)
//
// Every sample is checked before anything is written. The batch then goes to PostgreSQL on the
// function's own connection (SUPABASE_DB_URL) in one call, private.store_telemetry_batch(): the
// poster, the idempotency key and the rate limit (open_telemetry_batch), one INSERT of the
// samples, the odometer rule (settle_telemetry_batch). Sending them to the ingest_telemetry RPC
// instead cost a second HTTP hop and a JSON round trip (sql/ telemetry direct-write migration);
// the RPC remains for apps and tools.
import postgres from "postgres";
import type { z } from "zod";
// The body's schema is shared with the SDK's uploader.
import {
  isPlainSample,
  MAX_WINDOW_MS,
  TelemetryBatchEnvelope as Batch,
  TelemetrySample as Sample,
} from "../../clients/src/schemas/telemetry.ts";
import { HttpError, json, requireEnv, serve } from "../_shared/http.ts";
import { parseJson, readBytes } from "../_shared/input.ts";
import { callerClient } from "../_shared/supabase.ts";

/** Room for MAX_SAMPLES samples of about 100 bytes each. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Clock skew allowed between a device and the server. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

type SampleInput = z.infer<typeof Sample>;

interface SampleError {
  index: number;
  field: string;
  message: string;
}

/**
 * Checks each sample on its own (shape and ranges) and against the batch: inside its window, in
 * time order, the odometer never decreasing. Answers every problem, by sample index; order is checked against the previous valid sample.
 */
function checkSamples(batch: z.infer<typeof Batch>): {
  samples: SampleInput[];
  errors: SampleError[];
} {
  const errors: SampleError[] = [];
  const samples: SampleInput[] = [];
  let previous: SampleInput | undefined;
  batch.samples.forEach((raw, index) => {
    let sample: SampleInput;
    if (isPlainSample(raw)) sample = raw;
    else {
      const parsed = Sample.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          errors.push({ index, field: issue.path.join(".") || "sample", message: issue.message });
        return;
      }
      sample = parsed.data;
    }
    const found = errors.length;
    if (sample.t < batch.startTimestamp || sample.t > batch.endTimestamp) {
      errors.push({
        index,
        field: "t",
        message: "outside the batch's startTimestamp..endTimestamp",
      });
    } else if (previous && sample.t <= previous.t) {
      errors.push({ index, field: "t", message: "not after the previous valid sample's t" });
    }
    if (previous && sample.odometer < previous.odometer) {
      errors.push({
        index,
        field: "odometer",
        message: "lower than the previous valid sample's odometer",
      });
    }
    samples.push(sample);
    // An invalid sample is not the reference for the next one: one mistake is reported once.
    if (errors.length === found) previous = sample;
  });
  return { samples, errors };
}

/** The batch's envelope from the body's bytes: JSON, the schema and its window. */
function parseBatch(raw: Uint8Array): z.infer<typeof Batch> {
  const batch = parseJson(new TextDecoder().decode(raw), Batch);
  if (batch.endTimestamp < batch.startTimestamp)
    throw new HttpError(400, "invalid_request", "endTimestamp is before startTimestamp");
  if (batch.endTimestamp - batch.startTimestamp > MAX_WINDOW_MS)
    throw new HttpError(400, "invalid_request", "a batch covers at most 24 hours");
  if (batch.endTimestamp > Date.now() + FUTURE_SKEW_MS)
    throw new HttpError(400, "invalid_request", "endTimestamp is in the future");
  return batch;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

class RateLimited extends HttpError {
  constructor(
    message: string,
    readonly retryAfter: string,
  ) {
    super(429, "rate_limited", message);
  }
}

/** The function's error code for a 4xx status the database chose with SQLSTATE PTxyz. */
const errorCodes: Record<string, string> = {
  "400": "rejected",
  "401": "unauthorized",
  "403": "forbidden",
  "404": "not_found",
  "409": "conflict",
};

/**
 * The database's refusal as the function's answer, by the convention PostgREST applies to the same
 * errors (sql/README.md, "Errors"): PTxyz → xyz, the rate limit's PGRST raise → 429 with its
 * Retry-After, 42501 (no caller) → 401, a value a constraint refuses → 400. Anything else is a 500.
 */
function refusal(error: unknown): unknown {
  if (!(error instanceof postgres.PostgresError)) return error;
  const chosen = /^PT(4\d\d)$/.exec(error.code)?.[1];
  if (chosen) return new HttpError(Number(chosen), errorCodes[chosen] ?? "rejected", error.message);
  if (error.code === "PGRST") {
    const raised = JSON.parse(error.message) as { message: string; hint?: string };
    const seconds = /retry in (\d+) seconds/.exec(raised.hint ?? "")?.[1] ?? "60";
    return new RateLimited(raised.message, seconds);
  }
  if (error.code === "42501")
    return new HttpError(
      401,
      "unauthorized",
      "sign in as the vehicle's owner, or post with the dongle's X-Dongle-Token",
    );
  if (error.code.startsWith("22") || error.code.startsWith("23"))
    return new HttpError(400, "rejected", error.message);
  return error;
}

let connection: postgres.Sql | undefined;

/** The function's connection to its project's database (a few per worker), opened on first use. */
function database(): postgres.Sql {
  connection ??= postgres(requireEnv("SUPABASE_DB_URL"), {
    // A transaction-mode pooler (Supavisor on hosted Supabase) cannot keep prepared statements.
    prepare: false,
    max: 4,
    idle_timeout: 60,
    onnotice: () => {},
  });
  return connection;
}

type Stored = {
  batch_id: string;
  duplicate: boolean;
  sample_count: number;
  vehicle_odometer: string;
};

/**
 * The owner's id from their access token, or null for the anon key or a token Auth refuses.
 * getClaims() checks an asymmetrically signed token against the project's cached JWKS, with no
 * request; a token signed with the shared secret (the local stack's, older projects') costs a call
 * to Auth, as getUser() does. The database then checks the person and the vehicle.
 */
async function signedInUser(req: Request): Promise<string | null> {
  const token = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
  const { data } = await callerClient(req).auth.getClaims(token);
  return data?.claims.role === "authenticated" ? data.claims.sub : null;
}

/**
 * Opens the batch, writes its samples and closes it, in one call and so one transaction: all of it
 * or nothing (private.store_telemetry_batch). The samples go as four arrays unnested by one INSERT,
 * so an instant already stored (a trip re-sent under another key) is skipped as ingest_telemetry()
 * skips it.
 */
async function store(
  userId: string | null,
  dongleToken: string | null,
  batch: z.infer<typeof Batch>,
  samples: SampleInput[],
  idempotencyKey: string,
): Promise<Stored> {
  const [stored] = await database()<Stored[]>`
    select * from private.store_telemetry_batch(${userId}, ${dongleToken}, ${batch.vehicleId}, ${idempotencyKey},
      ${new Date(batch.startTimestamp).toISOString()}, ${new Date(batch.endTimestamp).toISOString()},
      ${arrayLiteral(samples.map((s) => s.t))}::bigint[], ${arrayLiteral(samples.map((s) => s.speed))}::real[],
      ${arrayLiteral(samples.map((s) => s.fuelRate))}::real[], ${arrayLiteral(samples.map((s) => s.odometer))}::numeric[])`;
  return stored!;
}

/**
 * PostgreSQL's array literal of checked, finite numbers (JavaScript writes each as PostgreSQL reads
 * it). postgres.js's own array parameters cost the function about twice as much per batch: it
 * serializes each element through its type inference.
 */
function arrayLiteral(values: number[]): string {
  return `{${values.join(",")}}`;
}

/**
 * Milliseconds per step of an accepted batch, for the Server-Timing header: reading the body,
 * checking it (JSON, samples, key), identifying the caller (alongside the first two) and the
 * database's call. The benchmark reads it to report where a batch's time goes.
 */
class Steps {
  private readonly durations: string[] = [];
  private last = performance.now();

  /** Ends the step begun at the previous call (or at construction). */
  end(name: string): void {
    const now = performance.now();
    this.add(name, now - this.last);
    this.last = now;
  }

  /** `promise`, its duration recorded once it settles. */
  around<T>(name: string, promise: Promise<T>): Promise<T> {
    const started = performance.now();
    return promise.finally(() => this.add(name, performance.now() - started));
  }

  get header(): string {
    return this.durations.join(", ");
  }

  private add(name: string, ms: number): void {
    this.durations.push(`${name};dur=${ms.toFixed(1)}`);
  }
}

serve(async (req) => {
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "POST a telemetry batch");
  const steps = new Steps();
  const pathId = new URL(req.url).pathname.split("/").filter(Boolean)[1];
  const dongleToken = req.headers.get("x-dongle-token");
  // Auth reads the token while the body is read and checked (a refused body leaves it unused).
  const user = dongleToken ? Promise.resolve(null) : steps.around("auth", signedInUser(req));
  user.catch(() => undefined);
  // The raw bytes are the default idempotency key. A full batch (MAX_SAMPLES) is larger than most
  // functions accept.
  const raw = await readBytes(req, MAX_BODY_BYTES);
  steps.end("body");
  const batch = parseBatch(raw);
  if (pathId !== undefined && pathId !== batch.vehicleId)
    throw new HttpError(
      400,
      "invalid_request",
      "vehicleId in the body differs from the one in the path",
    );

  const { samples, errors } = checkSamples(batch);
  if (errors.length > 0) {
    return json(
      {
        error: {
          code: "invalid_samples",
          message: `${errors.length} problem(s) in the samples; nothing was stored`,
          samples: errors,
        },
      },
      400,
    );
  }

  const idempotencyKey = req.headers.get("idempotency-key") ?? `sha256:${await sha256Hex(raw)}`;
  if (idempotencyKey.length < 1 || idempotencyKey.length > 200)
    throw new HttpError(400, "invalid_request", "Idempotency-Key is 1 to 200 characters");

  steps.end("check");
  const userId = await user;
  steps.end("auth-wait");
  let stored: Stored;
  try {
    stored = await store(userId, dongleToken, batch, samples, idempotencyKey);
    steps.end("db");
  } catch (error) {
    const failure = refusal(error);
    if (failure instanceof RateLimited) {
      return json({ error: { code: failure.code, message: failure.message } }, 429, {
        "Retry-After": failure.retryAfter,
      });
    }
    throw failure;
  }
  return json(
    {
      message: "Telemetry batch accepted",
      batchId: stored.batch_id,
      duplicate: stored.duplicate,
      samples: stored.sample_count,
      odometer: Number(stored.vehicle_odometer),
    },
    202,
    { "Server-Timing": steps.header },
  );
});
