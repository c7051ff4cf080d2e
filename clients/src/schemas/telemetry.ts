// The telemetry batch (the service seed's POST /api/telematics/{vehicleId}/), one definition for
// the `telemetry` edge function, which parses every request with it, and for the SDK's uploader,
// which checks a batch before queueing it.
import { z } from "zod";

/** The most samples one batch carries. */
export const MAX_SAMPLES = 5000;
/** The longest window one batch may cover. */
export const MAX_WINDOW_MS = 24 * 3600 * 1000;

const millis = z.number().int().positive().max(8.64e15);

/** One reading: milliseconds since the epoch, km/h, l/h, the odometer in the vehicle's unit. */
export const TelemetrySample = z.object({
  t: millis,
  speed: z.number().min(0).max(500),
  fuelRate: z.number().min(0).max(1000),
  odometer: z.number().min(0).max(9999999),
});

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
