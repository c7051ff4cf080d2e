// Helpers for the service-membership suites (vehicles, dongles, locations, appointments,
// telemetry, service book): valid VINs, and members with vehicles made through supabase-js.
import { randomInt } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { ok } from "../helpers/auth.ts";

const vinAlphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
const transliteration: Record<string, number> = Object.fromEntries(
  [..."ABCDEFGHJKLMNPRSTUVWXYZ"].map((letter, i) => [
    letter,
    [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9][i]!,
  ]),
);
const weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** The North American check digit (49 CFR 565) of a 17-character VIN, computed independently of the database. */
export function vinCheckDigit(vin: string): string {
  const sum = [...vin].reduce(
    (total, char, i) =>
      total + (/\d/.test(char) ? Number(char) : transliteration[char]!) * weights[i]!,
    0,
  );
  const remainder = sum % 11;
  return remainder === 10 ? "X" : String(remainder);
}

/** A random valid North American VIN (first character 1, check digit set). */
export function randomVin(): string {
  const chars = [
    "1",
    ...Array.from({ length: 16 }, () => vinAlphabet[randomInt(vinAlphabet.length)]!),
  ];
  chars[8] = "0";
  chars[8] = vinCheckDigit(chars.join(""));
  return chars.join("");
}

export interface VehicleRow {
  id: string;
  owner_id: string;
  vin: string;
  odometer: number;
  [column: string]: unknown;
}

/** Adds a vehicle as `client`'s user, as the app's "add vehicle" form does. */
export async function addVehicle(
  client: SupabaseClient,
  fields: Record<string, unknown> = {},
): Promise<VehicleRow> {
  return ok(
    await client
      .from("vehicles")
      .insert({
        vin: randomVin(),
        make: "Honda",
        model: "Civic",
        trim: "EX",
        year: 2020,
        odometer: 15000.5,
        fuel_type: "gasoline",
        ...fields,
      })
      .select()
      .single<VehicleRow>(),
  );
}
