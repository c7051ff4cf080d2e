// Vehicles and telemetry: the garage, VIN checks, dongles, telemetry upload through the
// `telemetry` edge function (its body checked with the function's own schema) and reads.
import {
  type Args,
  type Insert,
  invoke,
  type PitlaneSupabase,
  rows,
  rpc,
  validate,
  sorted,
} from "../call.ts";
import { TelemetryBatch } from "../schemas/telemetry.ts";

/** The `telemetry` function's 202. */
export interface TelemetryReceipt {
  message: string;
  batchId: string;
  /** True when this idempotency key was already stored: nothing was written again. */
  duplicate: boolean;
  samples: number;
  odometer: number;
}

export interface UploadOptions {
  /** One key per batch, kept across retries, so a batch sent twice is stored once. */
  idempotencyKey?: string;
  /** A dongle posting for its vehicle (with the anon key) instead of the signed-in owner. */
  dongleToken?: string;
}

export function vehicles(client: PitlaneSupabase) {
  return {
    list: () =>
      rows(
        sorted(client.from("vehicles").select("*, obd_dongles(id, serial, connection_type)"), {
          created_at: "asc",
        }),
      ),
    get: (id: string) => rows(client.from("vehicles").select("*").eq("id", id).single()),
    add: (vehicle: Insert<"vehicles">) =>
      rows(client.from("vehicles").insert(vehicle).select().single()),
    /** Why a VIN is invalid, or null when it is valid. */
    vinProblem: (vin: string) => rpc(client, "vin_problem", { p_vin: vin }),
    linkDongle: (args: Args<"link_dongle">) => rpc(client, "link_dongle", args),
    uploadTelemetry: (batch: TelemetryBatch, options: UploadOptions = {}) =>
      invoke<TelemetryReceipt>(
        client,
        `telemetry/${encodeURIComponent(batch.vehicleId)}`,
        validate(TelemetryBatch, batch),
        {
          headers: {
            ...(options.idempotencyKey ? { "Idempotency-Key": options.idempotencyKey } : {}),
            ...(options.dongleToken ? { "X-Dongle-Token": options.dongleToken } : {}),
          },
        },
      ),
    aggregates: (args: Args<"telemetry_aggregates">) => rpc(client, "telemetry_aggregates", args),
    serviceDue: (vehicleId?: string) => rpc(client, "service_due", { p_vehicle_id: vehicleId }),
  };
}
