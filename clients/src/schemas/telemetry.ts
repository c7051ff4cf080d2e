// The telemetry batch (the service seed's POST /api/telematics/{vehicleId}/), one definition for
// the `telemetry` edge function, which parses every request with it, and for the SDK's uploader,
// which checks a batch before queueing it.
import { z } from "zod";

/** The most samples one batch carries. */
export const MAX_SAMPLES = 5000;
/** The longest window one batch may cover. */
export const MAX_WINDOW_MS = 24 * 3600 * 1000;

/** The latest instant JavaScript dates (and so PostgreSQL's timestamps from them) reach, in ms. */
const MAX_MILLIS = 8.64e15;
const millis = z.number().int().positive().max(MAX_MILLIS);

/** Each reading's range, both ends included: km/h, l/h, the odometer in the vehicle's unit. */
const SAMPLE_RANGES = {
  speed: [0, 500],
  fuelRate: [0, 1000],
  odometer: [0, 9999999],
} as const;

const inRange = ([min, max]: readonly [number, number]) => z.number().min(min).max(max);

/** One reading: milliseconds since the epoch, km/h, l/h, the odometer in the vehicle's unit. */
export const TelemetrySample = z.object({
  t: millis,
  speed: inRange(SAMPLE_RANGES.speed),
  fuelRate: inRange(SAMPLE_RANGES.fuelRate),
  odometer: inRange(SAMPLE_RANGES.odometer),
});

/**
 * Whether `value` is a sample TelemetrySample accepts, without building zod's result: the same
 * rules, for the common case of a batch where every sample is valid (a thousand safeParse calls
 * were a measurable share of the telemetry function's time). Whatever this refuses is then
 * checked with TelemetrySample, whose issues say what is wrong.
 */
export function isPlainSample(value: unknown): value is z.infer<typeof TelemetrySample> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { t, speed, fuelRate, odometer } = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(t) &&
    (t as number) > 0 &&
    (t as number) <= MAX_MILLIS &&
    within(speed, SAMPLE_RANGES.speed) &&
    within(fuelRate, SAMPLE_RANGES.fuelRate) &&
    within(odometer, SAMPLE_RANGES.odometer)
  );
}

function within(value: unknown, [min, max]: readonly [number, number]): boolean {
  // NaN fails both comparisons, as zod refuses it.
  return typeof value === "number" && value >= min && value <= max;
}

/**
 * The batch's envelope. Samples are `unknown` here so that the function can report every invalid
 * sample by index (checking each against TelemetrySample) rather than the first.
 */
export const TelemetryBatchEnvelope = z.object({
  vehicleId: z.uuid(),
  startTimestamp: millis,
  endTimestamp: millis,
  samples: z.array(z.unknown()).min(1).max(MAX_SAMPLES),
});

/** A batch as an app builds it: the envelope with every sample checked. */
export const TelemetryBatch = TelemetryBatchEnvelope.extend({
  samples: z.array(TelemetrySample).min(1).max(MAX_SAMPLES),
}).refine((batch) => batch.endTimestamp >= batch.startTimestamp, {
  message: "endTimestamp is before startTimestamp",
  path: ["endTimestamp"],
});

export type TelemetrySample = z.infer<typeof TelemetrySample>;
export type TelemetryBatch = z.infer<typeof TelemetryBatch>;
