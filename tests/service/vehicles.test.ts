// Vehicles and OBD dongles (issue 15, items 1, 2 and 8; the vehicles migration): VIN validation,
// one member per VIN, the odometer that only moves forward except through a platform admin's
// recorded correction, and dongles linked to one vehicle at a time with a revocable token.
// supabase-js against the run's stack, people made through the admin API; the RLS matrix of these
// tables is in rls.test.ts.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  anonClient,
  ok,
  signedInPerson,
  type SignedInPerson,
} from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { addVehicle, randomVin, vinCheckDigit } from "./helpers.ts";

let owner: SignedInPerson;
let other: SignedInPerson;
let platformAdmin: SignedInPerson;

beforeAll(async () => {
  [owner, other, platformAdmin] = await Promise.all([
    signedInPerson("Vehicle Owner"),
    signedInPerson("Other Member"),
    signedInPerson("Support Admin"),
  ]);
  ok(
    await adminClient()
      .from("platform_admins")
      .insert({ user_id: platformAdmin.user.id, note: "vehicles test" }),
  );
});

const vehicleCount = async (vin: string) =>
  Number(
    (
      await sql<{ n: string }>("select count(*) as n from public.vehicles where vin = $1", [vin])
    )[0]!.n,
  );

describe("VIN validation", () => {
  const valid = randomVin();
  const wrongCheckDigit =
    valid.slice(0, 8) + (vinCheckDigit(valid) === "1" ? "2" : "1") + valid.slice(9);
  const cases: [string, string, string | null][] = [
    ["the seed's VIN", "1HGBH41JXMN109186", null],
    ["a known valid North American VIN", "1M8GDM9AXKP042788", null],
    ["a random VIN with its check digit", valid, null],
    ["a European VIN (no check digit rule)", "WVWZZZ1JZXW000001", null],
    ["16 characters", "1HGBH41JXMN10918", "a VIN has 17 characters, this one has 16"],
    ["18 characters", "1HGBH41JXMN1091861", "a VIN has 17 characters, this one has 18"],
    [
      "the letter I",
      "1HGBH41JXMN1091I6",
      "a VIN never contains the letters I, O or Q (they look like 1 and 0)",
    ],
    [
      "the letter O",
      "1HGBH41JXMNO09186",
      "a VIN never contains the letters I, O or Q (they look like 1 and 0)",
    ],
    [
      "the letter Q",
      "QHGBH41JXMN109186",
      "a VIN never contains the letters I, O or Q (they look like 1 and 0)",
    ],
    [
      "punctuation",
      "1HGBH41JXMN10918-",
      "a VIN has only the letters A-Z (without I, O, Q) and the digits 0-9",
    ],
    [
      "a wrong North American check digit",
      wrongCheckDigit,
      `the check digit (9th character) of this North American VIN should be ${vinCheckDigit(valid)}: check for a typo`,
    ],
    ["empty", "", "a VIN is required"],
  ];

  it.each(cases)("%s: %s", async (_label, vin, problem) => {
    const { data } = await owner.client.rpc("vin_problem", { p_vin: vin });
    expect(data).toBe(problem);
  });

  it("an invalid VIN is refused with 400 and the reason, and nothing is written", async () => {
    for (const [, vin, problem] of cases.filter(
      ([, , problem]) => problem !== null && problem !== "a VIN is required",
    )) {
      const result = await owner.client
        .from("vehicles")
        .insert({ vin, make: "Honda", model: "Civic", year: 2020 })
        .select();
      expect(result.status).toBe(400);
      expect(result.error?.message).toBe(problem);
      expect(await vehicleCount(vin)).toBe(0);
    }
  });

  it("a missing VIN is the seed's 'missing field' case: 400", async () => {
    const result = await owner.client
      .from("vehicles")
      .insert({ make: "Honda", model: "Civic", year: 2020 });
    expect(result.status).toBe(400);
    expect(result.error?.message).toBe("a VIN is required");
  });

  it("VINs are stored upper case and trimmed", async () => {
    const vin = randomVin();
    const vehicle = await addVehicle(owner.client, {
      vin: ` ${vin.toLowerCase()} `,
      license_plate: "abc 123",
    });
    expect(vehicle).toMatchObject({ vin, license_plate: "ABC 123", owner_id: owner.user.id });
  });

  it("a model year must be plausible", async () => {
    for (const year of [1885, new Date().getUTCFullYear() + 3]) {
      const result = await owner.client
        .from("vehicles")
        .insert({ vin: randomVin(), make: "Ford", model: "T", year });
      expect(result.status).toBe(400);
      expect(result.error?.message).toBe(`${year} is not a plausible model year`);
    }
  });
});

describe("owning a vehicle", () => {
  it("the owner is the caller, whatever the body says", async () => {
    const vehicle = await addVehicle(owner.client, { owner_id: other.user.id });
    expect(vehicle.owner_id).toBe(owner.user.id);
  });

  it("a VIN belongs to one member: a second claim, by anyone, is 409", async () => {
    const vehicle = await addVehicle(owner.client);
    for (const claimant of [owner, other]) {
      const result = await claimant.client
        .from("vehicles")
        .insert({ vin: vehicle.vin, make: "Honda", model: "Civic", year: 2020 });
      expect(result.status).toBe(409);
      expect(result.error?.message).toBe("this VIN is already registered");
    }
    expect(await vehicleCount(vehicle.vin)).toBe(1);
  });

  it("two members claiming the same VIN at once: exactly one gets it", async () => {
    const vin = randomVin();
    const results = await Promise.all(
      [owner, other, owner, other].map((claimant) =>
        claimant.client.from("vehicles").insert({ vin, make: "Mazda", model: "MX-5", year: 2019 }),
      ),
    );
    expect(results.filter((r) => r.error === null)).toHaveLength(1);
    for (const failed of results.filter((r) => r.error !== null)) expect(failed.status).toBe(409);
    expect(await vehicleCount(vin)).toBe(1);
  });

  it("only the owner and platform admins see, edit or remove a vehicle", async () => {
    const vehicle = await addVehicle(owner.client);
    expect(ok(await other.client.from("vehicles").select("id").eq("id", vehicle.id))).toEqual([]);
    expect((await anonClient().from("vehicles").select("id").eq("id", vehicle.id)).status).toBe(
      401,
    );
    expect(
      ok(
        await other.client
          .from("vehicles")
          .update({ make: "Stolen" })
          .eq("id", vehicle.id)
          .select(),
      ),
    ).toEqual([]);
    expect(ok(await other.client.from("vehicles").delete().eq("id", vehicle.id).select())).toEqual(
      [],
    );
    expect(
      ok(await platformAdmin.client.from("vehicles").select("id").eq("id", vehicle.id)),
    ).toHaveLength(1);
    expect(
      ok(
        await owner.client
          .from("vehicles")
          .update({ trim: "Sport" })
          .eq("id", vehicle.id)
          .select("trim")
          .single(),
      ),
    ).toEqual({ trim: "Sport" });
    const given = await owner.client
      .from("vehicles")
      .update({ owner_id: other.user.id })
      .eq("id", vehicle.id);
    expect(given.status).toBe(403);
    ok(await owner.client.from("vehicles").delete().eq("id", vehicle.id));
    expect(await vehicleCount(vehicle.vin)).toBe(0);
  });
});

describe("the odometer", () => {
  it("moves forward; a lower reading is 409 and changes nothing", async () => {
    const vehicle = await addVehicle(owner.client, { odometer: 1000 });
    expect(
      ok(
        await owner.client
          .from("vehicles")
          .update({ odometer: 1200.4 })
          .eq("id", vehicle.id)
          .select("odometer")
          .single(),
      ),
    ).toEqual({ odometer: 1200.4 });
    const back = await owner.client
      .from("vehicles")
      .update({ odometer: 900, trim: "changed" })
      .eq("id", vehicle.id);
    expect(back.status).toBe(409);
    expect(back.error?.message).toBe("the odometer cannot go back (it reads 1200.4)");
    // Not even the service role lowers it outside a correction.
    expect(
      (await adminClient().from("vehicles").update({ odometer: 900 }).eq("id", vehicle.id)).status,
    ).toBe(409);
    expect(
      await sql("select odometer::float as odometer, trim from public.vehicles where id = $1", [
        vehicle.id,
      ]),
    ).toEqual([{ odometer: 1200.4, trim: "EX" }]);
  });

  it("a platform admin corrects it with a reason, which is recorded and visible to the owner", async () => {
    const vehicle = await addVehicle(owner.client, { odometer: 52000 });
    const byOwner = await owner.client.rpc("correct_vehicle_odometer", {
      p_vehicle_id: vehicle.id,
      p_odometer: 5200,
      p_reason: "typo: one zero too many",
    });
    expect(byOwner.status).toBe(403);
    const noReason = await platformAdmin.client.rpc("correct_vehicle_odometer", {
      p_vehicle_id: vehicle.id,
      p_odometer: 5200,
      p_reason: " ",
    });
    expect(noReason.status).toBe(400);
    const missing = await platformAdmin.client.rpc("correct_vehicle_odometer", {
      p_vehicle_id: randomUUID(),
      p_odometer: 5200,
      p_reason: "typo: one zero too many",
    });
    expect(missing.status).toBe(404);
    expect(
      await sql("select odometer::float as odometer from public.vehicles where id = $1", [
        vehicle.id,
      ]),
    ).toEqual([{ odometer: 52000 }]);

    const correction = ok(
      await platformAdmin.client.rpc("correct_vehicle_odometer", {
        p_vehicle_id: vehicle.id,
        p_odometer: 5200,
        p_reason: "typo: one zero too many",
      }),
    );
    expect(correction).toMatchObject({
      vehicle_id: vehicle.id,
      previous_odometer: 52000,
      corrected_odometer: 5200,
      corrected_by: platformAdmin.user.id,
    });
    expect(
      ok(await owner.client.from("vehicles").select("odometer").eq("id", vehicle.id).single()),
    ).toEqual({ odometer: 5200 });
    expect(
      ok(
        await owner.client
          .from("vehicle_odometer_corrections")
          .select("reason")
          .eq("vehicle_id", vehicle.id),
      ),
    ).toEqual([{ reason: "typo: one zero too many" }]);
    expect(
      ok(
        await other.client
          .from("vehicle_odometer_corrections")
          .select("reason")
          .eq("vehicle_id", vehicle.id),
      ),
    ).toEqual([]);
    // After the correction the rule holds again.
    expect(
      (await owner.client.from("vehicles").update({ odometer: 5000 }).eq("id", vehicle.id)).status,
    ).toBe(409);
  });
});

describe("OBD dongles", () => {
  const serial = () => `dongle-${randomUUID().slice(0, 8)}`;
  const tokenIsValid = async (token: string) =>
    (
      await sql<{ vehicle_id: string }>("select vehicle_id from private.dongle_for_token($1)", [
        token,
      ])
    )[0]?.vehicle_id ?? null;

  it("linking returns a token shown once and stored only as a hash; the vehicle embeds its dongle as the seed lists it", async () => {
    const vehicle = await addVehicle(owner.client);
    const id = serial();
    const [linked] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: vehicle.id,
        p_serial: id,
        p_connection_type: "BLE",
      }),
    );
    expect(linked).toMatchObject({ serial: id, connection_type: "BLE", vehicle_id: vehicle.id });
    expect(linked.token).toMatch(new RegExp(`^${linked.id}\\.[A-Za-z0-9_-]{40,}$`));
    const stored = await sql<{ token_hash: Buffer }>(
      "select token_hash from private.dongle_tokens where dongle_id = $1",
      [linked.id],
    );
    expect(stored[0]!.token_hash.toString("hex")).not.toContain(
      Buffer.from(linked.token).toString("hex"),
    );
    expect(await tokenIsValid(linked.token)).toBe(vehicle.id);
    expect(await tokenIsValid(`${linked.id}.not-the-token`)).toBeNull();

    const listed = ok(
      await owner.client
        .from("vehicles")
        .select("id, vin, obd_dongles(serial, connection_type)")
        .eq("id", vehicle.id)
        .single(),
    );
    expect(listed.obd_dongles).toEqual({ serial: id, connection_type: "BLE" });
  });

  it("a dongle on another member's vehicle cannot be taken; its owner moves it between their vehicles", async () => {
    const first = await addVehicle(owner.client);
    const second = await addVehicle(owner.client);
    const theirs = await addVehicle(other.client);
    const id = serial();
    const [linked] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: first.id,
        p_serial: id,
        p_connection_type: "WIFI",
      }),
    );

    const taken = await other.client.rpc("link_dongle", {
      p_vehicle_id: theirs.id,
      p_serial: id,
      p_connection_type: "WIFI",
    });
    expect(taken.status).toBe(409);
    expect(taken.error?.message).toBe("this dongle is linked to another member's vehicle");
    const notMine = await other.client.rpc("link_dongle", {
      p_vehicle_id: first.id,
      p_serial: serial(),
      p_connection_type: "BLE",
    });
    expect(notMine.status).toBe(404);

    const [moved] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: second.id,
        p_serial: id,
        p_connection_type: "CLOUD",
      }),
    );
    expect(moved).toMatchObject({ id: linked.id, vehicle_id: second.id, connection_type: "CLOUD" });
    expect(await tokenIsValid(linked.token)).toBeNull();
    expect(await tokenIsValid(moved.token)).toBe(second.id);
    expect(
      ok(await owner.client.from("obd_dongles").select("serial").eq("vehicle_id", first.id)),
    ).toEqual([]);

    // Unlinked, it is free for the next owner (a sold dongle).
    ok(await owner.client.rpc("unlink_dongle", { p_dongle_id: linked.id }));
    expect(await tokenIsValid(moved.token)).toBeNull();
    const [resold] = ok(
      await other.client.rpc("link_dongle", {
        p_vehicle_id: theirs.id,
        p_serial: id,
        p_connection_type: "BLE",
      }),
    );
    expect(resold).toMatchObject({ id: linked.id, vehicle_id: theirs.id });
    expect(ok(await owner.client.from("obd_dongles").select("id").eq("id", linked.id))).toEqual([]);
  });

  it("a vehicle has one dongle: linking another replaces it and ends the old one's token", async () => {
    const vehicle = await addVehicle(owner.client);
    const [old] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: vehicle.id,
        p_serial: serial(),
        p_connection_type: "BLE",
      }),
    );
    const [replacement] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: vehicle.id,
        p_serial: serial(),
        p_connection_type: "BLE",
      }),
    );
    expect(await tokenIsValid(old.token)).toBeNull();
    expect(await tokenIsValid(replacement.token)).toBe(vehicle.id);
    expect(
      ok(
        await owner.client
          .from("obd_dongles")
          .select("id, vehicle_id, token_revoked_at")
          .eq("id", old.id)
          .single(),
      ),
    ).toMatchObject({ vehicle_id: null });
  });

  it("the owner revokes a token; linking again issues a new one; strangers cannot revoke", async () => {
    const vehicle = await addVehicle(owner.client);
    const [linked] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: vehicle.id,
        p_serial: serial(),
        p_connection_type: "BLE",
      }),
    );
    expect((await other.client.rpc("revoke_dongle_token", { p_dongle_id: linked.id })).status).toBe(
      404,
    );
    expect(await tokenIsValid(linked.token)).toBe(vehicle.id);
    const revoked = ok(await owner.client.rpc("revoke_dongle_token", { p_dongle_id: linked.id }));
    expect(revoked).toMatchObject({ vehicle_id: vehicle.id, token_issued_at: null });
    expect(revoked.token_revoked_at).not.toBeNull();
    expect(await tokenIsValid(linked.token)).toBeNull();
    const [again] = ok(
      await owner.client.rpc("link_dongle", {
        p_vehicle_id: vehicle.id,
        p_serial: linked.serial,
        p_connection_type: "BLE",
      }),
    );
    expect(await tokenIsValid(again.token)).toBe(vehicle.id);
  });

  it("bad serials, connection types and ids are 400/404 and link nothing", async () => {
    const vehicle = await addVehicle(owner.client);
    const badSerial = await owner.client.rpc("link_dongle", {
      p_vehicle_id: vehicle.id,
      p_serial: "bad serial!",
      p_connection_type: "BLE",
    });
    expect(badSerial.status).toBe(400);
    const badType = await owner.client.rpc("link_dongle", {
      p_vehicle_id: vehicle.id,
      p_serial: serial(),
      p_connection_type: "ZIGBEE",
    });
    expect(badType.status).toBe(400);
    const badId = await owner.client.rpc("link_dongle", {
      p_vehicle_id: "not-a-uuid",
      p_serial: serial(),
      p_connection_type: "BLE",
    });
    expect(badId.status).toBe(400);
    const missing = await owner.client.rpc("link_dongle", {
      p_vehicle_id: randomUUID(),
      p_serial: serial(),
      p_connection_type: "BLE",
    });
    expect(missing.status).toBe(404);
    expect(missing.error?.message).toBe("vehicle not found");
    expect(
      (
        await anonClient().rpc("link_dongle", {
          p_vehicle_id: vehicle.id,
          p_serial: serial(),
          p_connection_type: "BLE",
        })
      ).status,
    ).toBe(401);
    expect(
      await sql("select 1 from public.obd_dongles where vehicle_id = $1", [vehicle.id]),
    ).toEqual([]);
  });
});
