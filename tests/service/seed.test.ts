// The service-membership demo data (seed/0004_service_membership.sql) as the seeded members see it
// through supabase-js: the seed's GET /api/vehicles/ (with the dongle), upcoming appointments,
// what is due, telemetry, and what the service organization's staff see.
import { beforeAll, describe, expect, it } from "vitest";
import type { SupabaseClient } from "@supabase/supabase-js";
import { ok, signedInClient } from "../helpers/auth.ts";

let eko: SupabaseClient;
let dewi: SupabaseClient;
let member01: SupabaseClient;

beforeAll(async () => {
  const signIn = (email: string) => signedInClient({ email, password: "pitlane-demo" });
  [eko, dewi, member01] = await Promise.all([
    signIn("eko@nusantara-club.test"),
    signIn("dewi@nusantara-club.test"),
    signIn("member01@example.test"),
  ]);
});

describe("seeded service membership", () => {
  it("eko lists his vehicles as the seed's GET /api/vehicles/ does, the Civic with its dongle", async () => {
    const vehicles = ok(
      await eko
        .from("vehicles")
        .select(
          "vin, make, model, trim, year, odometer, fuel_type, obd_dongles(serial, connection_type)",
        )
        .order("created_at"),
    );
    expect(vehicles).toHaveLength(2);
    expect(vehicles[0]).toMatchObject({
      vin: "1HGBH41JXMN109186",
      make: "Honda",
      model: "Civic",
      trim: "EX",
      year: 2020,
      fuel_type: "gasoline",
      obd_dongles: { serial: "OBD-DEMO-0001", connection_type: "BLE" },
    });
    // The seeded drive moved the odometer forward from the seed's 15000.5.
    expect(vehicles[0]!.odometer).toBe(15006.5);
  });

  it("members have upcoming appointments at the two locations; locations list services and hours", async () => {
    const mine = ok(
      await eko
        .rpc("upcoming_appointments")
        .select("status, total_amount, currency, service_locations(name, time_zone)"),
    ) as any[];
    expect(mine).toEqual([
      {
        status: "booked",
        total_amount: 60000000,
        currency: "IDR",
        service_locations: { name: "Pitlane Service Sunter", time_zone: "Asia/Jakarta" },
      },
    ]);
    const theirs = ok(
      await member01.rpc("upcoming_appointments").select("service_locations(name)"),
    ) as any[];
    expect(theirs).toEqual([{ service_locations: { name: "Pitlane Service Newark" } }]);
    const locations = ok(
      await member01
        .from("service_locations")
        .select("name, currency, location_services(code), service_bays(name)")
        .eq("organization_id", "e0000000-0000-4000-8000-000000000003")
        .order("name"),
    );
    expect(locations.map((l) => [l.name, l.currency, l.service_bays.length])).toEqual([
      ["Pitlane Service Newark", "USD", 2],
      ["Pitlane Service Sunter", "IDR", 3],
    ]);
  });

  it("eko's oil change is due, and his drive is readable as samples and aggregates", async () => {
    const due = ok(
      await eko
        .rpc("service_due", { p_vehicle_id: "e6000000-0000-4000-8000-000000000001" })
        .eq("is_due", true),
    ) as any[];
    expect(due.map((d) => d.service_code)).toContain("oil_change");
    const counted = await eko
      .from("telemetry_samples")
      .select("recorded_at", { count: "exact", head: true })
      .eq("vehicle_id", "e6000000-0000-4000-8000-000000000001");
    expect(counted.count).toBe(61);
    const minutes = ok(
      await eko.rpc("telemetry_aggregates", {
        p_vehicle_id: "e6000000-0000-4000-8000-000000000001",
        p_from: new Date(Date.now() - 86_400_000).toISOString(),
        p_to: new Date().toISOString(),
      }),
    ) as any[];
    expect(minutes.reduce((total, m) => total + m.samples, 0)).toBe(61);
  });

  it("dewi, staff of the service organization, sees its bookings and the vehicles of the members it serves", async () => {
    const bookings = ok(await dewi.from("appointments").select("vehicle_id").order("starts_at"));
    expect(bookings.map((b) => b.vehicle_id).sort()).toEqual([
      "e6000000-0000-4000-8000-000000000001",
      "e6000000-0000-4000-8000-000000000003",
    ]);
    const vehicles = ok(await dewi.from("vehicles").select("vin").order("vin"));
    expect(vehicles.map((v) => v.vin)).toEqual([
      "1HGBH41JXMN109186",
      "2T1BURHE6KC123456",
      "MHFM1BA3J0K123456",
    ]);
  });
});
