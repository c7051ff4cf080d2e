// Telemetry ingestion: the seed's POST /api/telematics/{vehicleId}/ with the same body.
//
//   POST /telemetry[/<vehicleId>]   {vehicleId, startTimestamp, endTimestamp, samples: [{t, speed, fuelRate, odometer}]}
//     Authorization: Bearer <the owner's access token>            the vehicle's owner, or
//     Authorization: Bearer <anon key> + X-Dongle-Token: <token>   its linked dongle (token from link_dongle)
//     Idempotency-Key: <key>   optional; without it the SHA-256 of the body is the key, so a batch
//                              sent twice (a retry after a lost answer) is stored once.
//   → 202 {"message": "Telemetry batch accepted", batchId, duplicate, samples, odometer}
//   → 400 invalid_samples with one entry per invalid sample; nothing is stored
//   → 401 / 403 / 404 / 429 (with Retry-After) as the database decides (ingest_telemetry)
//
// Every sample is checked before anything is written; the database stores the batch with one
// INSERT … SELECT and applies the rate limit, the idempotency key and the odometer rule itself.
import type { PostgrestError } from "@supabase/supabase-js";
import type { z } from "zod";
// The body's schema is shared with the SDK's uploader.
import {
  MAX_WINDOW_MS,
  TelemetryBatchEnvelope as Batch,
  TelemetrySample as Sample,
} from "../../clients/src/schemas/telemetry.ts";
import { HttpError, json, serve } from "../_shared/http.ts";
import { parseJson, readText } from "../_shared/input.ts";
import { adminClient, callerClient, fromPostgrest } from "../_shared/supabase.ts";

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
    const parsed = Sample.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({ index, field: issue.path.join(".") || "sample", message: issue.message });
      return;
    }
    const sample = parsed.data;
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

async function readBatch(req: Request): Promise<{ batch: z.infer<typeof Batch>; raw: string }> {
  // The raw text is the default idempotency key. A full batch (MAX_SAMPLES) is larger than most
  // functions accept.
  const raw = await readText(req, MAX_BODY_BYTES);
  const batch = parseJson(raw, Batch);
  if (batch.endTimestamp < batch.startTimestamp)
    throw new HttpError(400, "invalid_request", "endTimestamp is before startTimestamp");
  if (batch.endTimestamp - batch.startTimestamp > MAX_WINDOW_MS)
    throw new HttpError(400, "invalid_request", "a batch covers at most 24 hours");
  if (batch.endTimestamp > Date.now() + FUTURE_SKEW_MS)
    throw new HttpError(400, "invalid_request", "endTimestamp is in the future");
  return { batch, raw };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The database's refusal as the function's answer: 4xx keep their status and message. */
function refusal(error: PostgrestError, status: number): HttpError | Error {
  if (status === 429) {
    const seconds = /retry in (\d+) seconds/.exec(error.hint ?? "")?.[1] ?? "60";
    return new RateLimited(error.message, seconds);
  }
  if (error.code === "42501")
    return new HttpError(
      401,
      "unauthorized",
      "sign in as the vehicle's owner, or post with the dongle's X-Dongle-Token",
    );
  return fromPostgrest(error);
}

class RateLimited extends HttpError {
  constructor(
    message: string,
    readonly retryAfter: string,
  ) {
    super(429, "rate_limited", message);
  }
}

serve(async (req) => {
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "POST a telemetry batch");
  const pathId = new URL(req.url).pathname.split("/").filter(Boolean)[1];
  const dongleToken = req.headers.get("x-dongle-token");
  const { batch, raw } = await readBatch(req);
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

  const client = dongleToken ? adminClient() : callerClient(req);
  const { data, error, status } = await client
    .rpc("ingest_telemetry", {
      p_vehicle_id: batch.vehicleId,
      p_idempotency_key: idempotencyKey,
      p_started_at: new Date(batch.startTimestamp).toISOString(),
      p_ended_at: new Date(batch.endTimestamp).toISOString(),
      p_samples: samples,
      p_dongle_token: dongleToken ?? undefined,
    })
    .single<{
      batch_id: string;
      duplicate: boolean;
      sample_count: number;
      vehicle_odometer: number;
    }>();
  if (error) {
    const failure = refusal(error, status);
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
      batchId: data.batch_id,
      duplicate: data.duplicate,
      samples: data.sample_count,
      odometer: data.vehicle_odometer,
    },
    202,
  );
});
