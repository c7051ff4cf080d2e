// Service locations and appointments (issue 15, items 5-8; the service locations migration):
// availability from opening hours in the location's time zone (daylight-saving days included),
// booking, cancelling and rescheduling through RPCs, no double booking of a bay under concurrency,
// refusals with clear 4xx that write nothing. supabase-js against the run's stack.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  anonClient,
  ok,
  signedInPerson,
  type SignedInPerson,
} from "../helpers/auth.ts";
import { db, sql, stack } from "../helpers/db.ts";
import { signJwt, supabaseClient } from "../helpers/supabase.ts";
import { addVehicle, randomVin, type VehicleRow } from "./helpers.ts";

const zone = "America/New_York";
let member: SignedInPerson;
let other: SignedInPerson;
let staff: SignedInPerson;
let otherStaff: SignedInPerson;
let vehicle: VehicleRow;
let organizationId: string;
let location: string;

/** The local calendar date `days` from today in `timeZone`, as YYYY-MM-DD. */
function localDate(days: number, timeZone = zone): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(
    new Date(Date.now() + days * 86_400_000),
  );
}

/** The UTC instant of a local wall time at the location (PostgreSQL's zone data). */
async function at(date: string, time: string): Promise<string> {
  const [row] = await sql<{ instant: Date }>(
    "select ($1::date + $2::time) at time zone $3 as instant",
    [date, time, zone],
  );
  return row!.instant.toISOString();
}

/** The n-th Sunday of a month (1-based month) in a year, as YYYY-MM-DD. */
function nthSunday(year: number, month: number, n: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const day = 1 + ((7 - first.getUTCDay()) % 7) + (n - 1) * 7;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The next date (after a week from now) that is the `n`-th Sunday of `month` in New York: a DST change day. */
function nextChangeDay(month: number, n: number): string {
  const soon = localDate(7);
  const year = Number(soon.slice(0, 4));
  const candidate = nthSunday(year, month, n);
  return candidate > soon ? candidate : nthSunday(year + 1, month, n);
}

const dayBefore = (date: string) =>
  new Date(Date.parse(`${date}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const iso = (value: string) => new Date(value).toISOString();

async function newLocation(
  fields: Record<string, unknown>,
  hours: [string, string],
  bays = 3,
): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into public.service_locations (organization_id, name, address_line1, city, region, country_code, latitude, longitude, time_zone, currency, lead_time_minutes, booking_horizon_days)
     values ($1, $2, '500 Main St', 'Newark', 'NJ', 'US', 40.7357, -74.1724, $3, 'USD', $4, $5) returning id`,
    [
      organizationId,
      fields.name ?? "Test Garage",
      zone,
      fields.lead_time_minutes ?? 120,
      fields.booking_horizon_days ?? 400,
    ],
  );
  const id = row!.id;
  await sql(
    `insert into public.service_location_hours (location_id, weekday, opens_at, closes_at) select $1, d, $2::time, $3::time from generate_series(1, 7) d`,
    [id, ...hours],
  );
  await sql(
    `insert into public.service_bays (location_id, name) select $1, 'Bay ' || n from generate_series(1, $2::int) n`,
    [id, bays],
  );
  await sql(
    `insert into public.location_services (location_id, code, name, duration_minutes, price_amount) values
       ($1, 'oil_change', 'Oil change', 30, 4999), ($1, 'tire_rotation', 'Tire rotation', 30, 2500), ($1, 'brake_service', 'Brake service', 90, 18000)`,
    [id],
  );
  return id;
}

interface Slot {
  starts_at: string;
  ends_at: string;
  free_bays: number;
}

async function slots(
  client: SupabaseClient,
  locationId: string,
  date: string,
  services: string[] = [],
): Promise<Slot[]> {
  return (
    ok(
      await client.rpc("appointment_availability", {
        p_location_id: locationId,
        p_date: date,
        p_service_codes: services,
      }),
    ) as Slot[]
  ).map((s) => ({
    ...s,
    starts_at: iso(s.starts_at),
    ends_at: iso(s.ends_at),
  }));
}

const appointmentCount = async (vehicleId: string) =>
  Number(
    (
      await sql<{ n: string }>(
        "select count(*) as n from public.appointments where vehicle_id = $1",
        [vehicleId],
      )
    )[0]!.n,
  );

beforeAll(async () => {
  [member, other, staff, otherStaff] = await Promise.all([
    signedInPerson("Booking Member"),
    signedInPerson("Other Member"),
    signedInPerson("Garage Staff"),
    signedInPerson("Other Garage Staff"),
  ]);
  organizationId = randomUUID();
  const otherOrganization = randomUUID();
  const owner = await db().createUser({ full_name: "Garage Owner" });
  await sql(
    `insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Garage Co', $3), ($4, $5, 'Other Garage Co', $3)`,
    [
      organizationId,
      `garage-${organizationId.slice(0, 8)}`,
      owner.id,
      otherOrganization,
      `garage-${otherOrganization.slice(0, 8)}`,
    ],
  );
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff'), ($3, $4, 'staff')`,
    [organizationId, staff.user.id, otherOrganization, otherStaff.user.id],
  );
  location = await newLocation({}, ["08:00", "12:00"]);
  vehicle = await addVehicle(member.client);
});

describe("service locations", () => {
  it("every signed-in user reads locations, hours, bays and services; anon does not", async () => {
    const read = ok(
      await other.client
        .from("service_locations")
        .select(
          "name, time_zone, service_location_hours(weekday), service_bays(name), location_services(code, duration_minutes, price_amount)",
        )
        .eq("id", location)
        .single(),
    );
    expect(read.time_zone).toBe(zone);
    expect(read.service_location_hours).toHaveLength(7);
    expect(read.service_bays).toHaveLength(3);
    expect(read.location_services).toContainEqual({
      code: "oil_change",
      duration_minutes: 30,
      price_amount: 4999,
    });
    expect((await anonClient().from("service_locations").select("id")).status).toBe(401);
  });

  it("the organization's staff manage them; members and other organizations' staff do not", async () => {
    ok(
      await staff.client
        .from("location_services")
        .update({ price_amount: 5499 })
        .eq("location_id", location)
        .eq("code", "oil_change"),
    );
    expect(
      ok(
        await other.client
          .from("location_services")
          .update({ price_amount: 1 })
          .eq("location_id", location)
          .select(),
      ),
    ).toEqual([]);
    expect(
      ok(
        await otherStaff.client.from("service_bays").delete().eq("location_id", location).select(),
      ),
    ).toEqual([]);
    expect(
      (
        await otherStaff.client
          .from("service_bays")
          .insert({ location_id: location, name: "Sneaky bay" })
      ).status,
    ).toBe(403);
    const badZone = await staff.client
      .from("service_locations")
      .update({ time_zone: "Mars/Olympus_Mons" })
      .eq("id", location);
    expect(badZone.status).toBe(400);
    await sql(
      `update public.location_services set price_amount = 4999 where location_id = $1 and code = 'oil_change'`,
      [location],
    );
  });
});

describe("availability", () => {
  it("lists slots in UTC from local opening hours, for the chosen services' total duration", async () => {
    const date = localDate(10);
    const single = await slots(member.client, location, date);
    expect(single[0]).toEqual({
      starts_at: await at(date, "08:00"),
      ends_at: await at(date, "08:30"),
      free_bays: 3,
    });
    expect(single).toHaveLength(8);
    const combined = await slots(member.client, location, date, ["oil_change", "tire_rotation"]);
    expect(combined).toHaveLength(7);
    expect(combined.at(-1)).toEqual({
      starts_at: await at(date, "11:00"),
      ends_at: await at(date, "12:00"),
      free_bays: 3,
    });
    expect(
      await slots(member.client, location, date, ["brake_service", "oil_change"]),
    ).toHaveLength(5);
  });

  it("is right across daylight-saving changes in the location's time zone", async () => {
    const night = await newLocation({ name: "Night Garage" }, ["00:00", "06:00"], 1);
    const spring = nextChangeDay(3, 2);
    const before = dayBefore(spring);
    // 08:00 is 13:00 UTC in winter (EST, -5) and 12:00 UTC from the change day on (EDT, -4).
    expect((await slots(member.client, location, before))[0]!.starts_at).toBe(
      `${before}T13:00:00.000Z`,
    );
    expect((await slots(member.client, location, spring))[0]!.starts_at).toBe(
      `${spring}T12:00:00.000Z`,
    );
    expect((await slots(member.client, location, spring)).at(-1)!.ends_at).toBe(
      `${spring}T16:00:00.000Z`,
    );
    // Open 00:00-06:00: six hours on a normal night, five when clocks go forward at 02:00, seven when they go back.
    const springNight = await slots(member.client, night, spring);
    expect(springNight).toHaveLength(10);
    expect(springNight[0]!.starts_at).toBe(`${spring}T05:00:00.000Z`);
    expect(springNight.at(-1)!.ends_at).toBe(`${spring}T10:00:00.000Z`);
    expect(await slots(member.client, night, before)).toHaveLength(12);
    const autumn = nextChangeDay(11, 1);
    const autumnNight = await slots(member.client, night, autumn);
    expect(autumnNight).toHaveLength(14);
    expect(autumnNight[0]!.starts_at).toBe(`${autumn}T04:00:00.000Z`);
    expect(autumnNight.at(-1)!.ends_at).toBe(`${autumn}T11:00:00.000Z`);
    // And a booking on the change day fits the local hours: 08:00 EDT is bookable, 07:30 EDT is not.
    const car = await addVehicle(member.client);
    ok(
      await member.client.rpc("book_appointment", {
        p_vehicle_id: car.id,
        p_location_id: location,
        p_starts_at: `${spring}T12:00:00Z`,
        p_service_codes: ["oil_change"],
      }),
    );
    const early = await member.client.rpc("book_appointment", {
      p_vehicle_id: car.id,
      p_location_id: location,
      p_starts_at: `${spring}T11:30:00Z`,
      p_service_codes: ["oil_change"],
    });
    expect(early.error?.message).toBe("the location is closed at that time");
  });

  it("holidays close a day; special hours replace the weekday's", async () => {
    const closed = localDate(12);
    const late = localDate(13);
    ok(
      await staff.client.from("service_location_exceptions").insert([
        { location_id: location, on_date: closed, reason: "Holiday" },
        {
          location_id: location,
          on_date: late,
          opens_at: "14:00",
          closes_at: "16:00",
          reason: "Late opening",
        },
      ]),
    );
    expect(await slots(member.client, location, closed)).toEqual([]);
    const lateSlots = await slots(member.client, location, late);
    expect(lateSlots).toHaveLength(4);
    expect(lateSlots[0]!.starts_at).toBe(await at(late, "14:00"));
  });

  it("bad arguments are 400/404 with a message", async () => {
    const bad = async (args: Record<string, unknown>) => {
      const result = await member.client.rpc("appointment_availability", {
        p_location_id: location,
        p_date: localDate(10),
        p_service_codes: [],
        ...args,
      });
      return { status: result.status, message: result.error?.message };
    };
    expect(await bad({ p_date: localDate(-2) })).toEqual({
      status: 400,
      message: "that date has passed",
    });
    expect(await bad({ p_date: localDate(500) })).toEqual({
      status: 400,
      message: "appointments can be booked up to 400 days ahead",
    });
    expect((await bad({ p_date: "15/01/2024" })).status).toBe(400);
    expect((await bad({ p_location_id: "nope" })).status).toBe(400);
    expect(await bad({ p_location_id: randomUUID() })).toEqual({
      status: 404,
      message: "service location not found",
    });
    expect(await bad({ p_service_codes: ["oil_change", "teleport"] })).toEqual({
      status: 400,
      message: "this location does not offer: teleport",
    });
    expect(
      (
        await anonClient().rpc("appointment_availability", {
          p_location_id: location,
          p_date: localDate(10),
        })
      ).status,
    ).toBe(401);
  });
});

describe("booking", () => {
  it("books a free bay, prices it from the location's services, and shows it as upcoming and taken", async () => {
    const date = localDate(20);
    const start = await at(date, "09:00");
    const appointment = ok(
      await member.client.rpc("book_appointment", {
        p_vehicle_id: vehicle.id,
        p_location_id: location,
        p_starts_at: start,
        p_service_codes: ["oil_change", "tire_rotation"],
      }),
    );
    expect(appointment).toMatchObject({
      user_id: member.user.id,
      vehicle_id: vehicle.id,
      status: "booked",
      total_amount: 7499,
      currency: "USD",
    });
    expect(iso(appointment.ends_at)).toBe(await at(date, "10:00"));
    const upcoming = ok(
      await member.client
        .rpc("upcoming_appointments")
        .select("id, appointment_services(code, price_amount)"),
    );
    expect(upcoming).toContainEqual({
      id: appointment.id,
      appointment_services: expect.arrayContaining([
        { code: "oil_change", price_amount: 4999 },
        { code: "tire_rotation", price_amount: 2500 },
      ]),
    });
    const taken = (await slots(member.client, location, date)).find((s) => s.starts_at === start);
    expect(taken?.free_bays).toBe(2);
    // The location's staff see it (and the member's vehicle, as an organization serving them); others do not.
    expect(
      ok(await staff.client.from("appointments").select("id").eq("id", appointment.id)),
    ).toHaveLength(1);
    expect(ok(await staff.client.from("vehicles").select("id").eq("id", vehicle.id))).toHaveLength(
      1,
    );
    expect(
      ok(await otherStaff.client.from("appointments").select("id").eq("id", appointment.id)),
    ).toEqual([]);
    expect(ok(await otherStaff.client.from("vehicles").select("id").eq("id", vehicle.id))).toEqual(
      [],
    );
    expect(
      ok(
        await other.client
          .from("appointment_services")
          .select("code")
          .eq("appointment_id", appointment.id),
      ),
    ).toEqual([]);
  });

  it("refuses times outside hours, in the past, inside the lead time or beyond the horizon, and bad input; nothing is written", async () => {
    const car = await addVehicle(member.client);
    const date = localDate(21);
    const book = async (args: Record<string, unknown>, client = member.client) => {
      const result = await client.rpc("book_appointment", {
        p_vehicle_id: car.id,
        p_location_id: location,
        p_starts_at: await at(date, "09:00"),
        p_service_codes: ["oil_change"],
        ...args,
      });
      return { status: result.status, message: result.error?.message };
    };
    expect(await book({ p_starts_at: await at(date, "07:30") })).toEqual({
      status: 400,
      message: "the location is closed at that time",
    });
    expect(
      await book({ p_starts_at: await at(date, "11:30"), p_service_codes: ["brake_service"] }),
    ).toEqual({ status: 400, message: "the location is closed at that time" });
    expect(await book({ p_starts_at: new Date(Date.now() - 3_600_000).toISOString() })).toEqual({
      status: 400,
      message: "that time has passed",
    });
    expect(await book({ p_starts_at: new Date(Date.now() + 30 * 60_000).toISOString() })).toEqual({
      status: 400,
      message: "appointments must be booked at least 120 minutes ahead",
    });
    expect(await book({ p_starts_at: await at(localDate(450), "09:00") })).toEqual({
      status: 400,
      message: "appointments can be booked up to 400 days ahead",
    });
    expect(await book({ p_service_codes: [] })).toEqual({
      status: 400,
      message: "choose at least one service",
    });
    expect(await book({ p_service_codes: ["valet"] })).toEqual({
      status: 400,
      message: "this location does not offer: valet",
    });
    expect((await book({ p_starts_at: "tomorrow-ish" })).status).toBe(400);
    expect((await book({ p_vehicle_id: "123" })).status).toBe(400);
    expect(await book({ p_vehicle_id: randomUUID() })).toEqual({
      status: 404,
      message: "vehicle not found",
    });
    expect(await book({ p_location_id: randomUUID() })).toEqual({
      status: 404,
      message: "service location not found",
    });
    // Another member's vehicle is not found: its existence is not theirs to learn.
    expect(await book({}, other.client)).toEqual({
      status: 404,
      message: "vehicle not found",
    });
    expect((await book({}, anonClient())).status).toBe(401);
    expect(await appointmentCount(car.id)).toBe(0);
  });

  it("a vehicle cannot be in two appointments at once", async () => {
    const car = await addVehicle(member.client);
    const start = await at(localDate(22), "10:00");
    ok(
      await member.client.rpc("book_appointment", {
        p_vehicle_id: car.id,
        p_location_id: location,
        p_starts_at: start,
        p_service_codes: ["oil_change"],
      }),
    );
    const again = await member.client.rpc("book_appointment", {
      p_vehicle_id: car.id,
      p_location_id: location,
      p_starts_at: start,
      p_service_codes: ["tire_rotation"],
    });
    expect({ status: again.status, message: again.error?.message }).toEqual({
      status: 409,
      message: "this vehicle already has an appointment at that time",
    });
    expect(await appointmentCount(car.id)).toBe(1);
  });

  it("the exclusion constraint refuses a double booking of a bay even from the service role", async () => {
    const start = await at(localDate(23), "10:00");
    const booked = ok(
      await member.client.rpc("book_appointment", {
        p_vehicle_id: vehicle.id,
        p_location_id: location,
        p_starts_at: start,
        p_service_codes: ["oil_change"],
      }),
    );
    const car = await addVehicle(other.client);
    const forced = await adminClient().from("appointments").insert({
      user_id: other.user.id,
      vehicle_id: car.id,
      location_id: location,
      bay_id: booked.bay_id,
      starts_at: start,
      ends_at: booked.ends_at,
      currency: "USD",
    });
    // PostgREST answers an exclusion violation with 400 (only 23503 and 23505 are 409); the RPCs
    // turn it into 409 "no bay is free at that time".
    expect(forced.error?.code).toBe("23P01");
    expect(forced.status).toBe(400);
  });

  it("members and location staff cancel and reschedule; others cannot; a cancelled slot is free again", async () => {
    const date = localDate(24);
    const booked = ok(
      await member.client.rpc("book_appointment", {
        p_vehicle_id: vehicle.id,
        p_location_id: location,
        p_starts_at: await at(date, "08:00"),
        p_service_codes: ["oil_change"],
      }),
    );
    expect(
      (await other.client.rpc("cancel_appointment", { p_appointment_id: booked.id })).status,
    ).toBe(404);
    expect(
      (
        await otherStaff.client.rpc("reschedule_appointment", {
          p_appointment_id: booked.id,
          p_starts_at: await at(date, "09:00"),
        })
      ).status,
    ).toBe(404);

    const moved = ok(
      await staff.client.rpc("reschedule_appointment", {
        p_appointment_id: booked.id,
        p_starts_at: await at(date, "10:30"),
      }),
    );
    expect({ start: iso(moved.starts_at), end: iso(moved.ends_at), bay: moved.bay_id }).toEqual({
      start: await at(date, "10:30"),
      end: await at(date, "11:00"),
      bay: booked.bay_id,
    });
    const closed = await member.client.rpc("reschedule_appointment", {
      p_appointment_id: booked.id,
      p_starts_at: await at(date, "12:00"),
    });
    expect({ status: closed.status, message: closed.error?.message }).toEqual({
      status: 400,
      message: "the location is closed at that time",
    });

    const cancelled = ok(
      await member.client.rpc("cancel_appointment", {
        p_appointment_id: booked.id,
        p_reason: "plans changed",
      }),
    );
    expect(cancelled).toMatchObject({
      status: "cancelled",
      cancelled_by: member.user.id,
      cancellation_reason: "plans changed",
    });
    const twice = await member.client.rpc("cancel_appointment", { p_appointment_id: booked.id });
    expect({ status: twice.status, message: twice.error?.message }).toEqual({
      status: 409,
      message: "this appointment is cancelled",
    });
    expect(
      (await slots(member.client, location, date)).find((s) => s.starts_at === iso(moved.starts_at))
        ?.free_bays,
    ).toBe(3);
    expect(
      (ok(await member.client.rpc("upcoming_appointments").select("id")) as { id: string }[]).map(
        (a: { id: string }) => a.id,
      ),
    ).not.toContain(booked.id);
  });

  it("tomorrow's appointments are listed for a reminder sender (service role only)", async () => {
    const car = await addVehicle(member.client);
    const tomorrow = localDate(1);
    const booked = ok(
      await member.client.rpc("book_appointment", {
        p_vehicle_id: car.id,
        p_location_id: location,
        p_starts_at: await at(tomorrow, "11:00"),
        p_service_codes: ["oil_change"],
      }),
    );
    const due = ok(await adminClient().rpc("appointments_for_reminders", { p_days_ahead: 1 })) as {
      appointment_id: string;
      user_id: string;
    }[];
    expect(due).toContainEqual(
      expect.objectContaining({ appointment_id: booked.id, user_id: member.user.id }),
    );
    expect(
      (
        ok(await adminClient().rpc("appointments_for_reminders", { p_days_ahead: 2 })) as {
          appointment_id: string;
        }[]
      ).map((a) => a.appointment_id),
    ).not.toContain(booked.id);
    expect((await member.client.rpc("appointments_for_reminders")).status).toBe(403);
  });
});

describe("concurrency", () => {
  it("50 members booking the same slot with 3 free bays: exactly 3 succeed, 47 get 409", async () => {
    const start = await at(localDate(30), "09:00");
    const people = await Promise.all(
      Array.from({ length: 50 }, () => db().createUser({ full_name: "Racer" })),
    );
    const vehicleIds = await Promise.all(
      people.map(async (person) => {
        const [row] = await sql<{ id: string }>(
          `insert into public.vehicles (owner_id, vin, make, model, year) values ($1, $2, 'Kia', 'Rio', 2021) returning id`,
          [person.id, randomVin()],
        );
        return row!.id;
      }),
    );
    const clients = await Promise.all(
      people.map(async (person) =>
        supabaseClient(stack().anonKey, {
          accessToken: await signJwt({
            ...person.claims,
            exp: Math.floor(Date.now() / 1000) + 600,
          }),
        }),
      ),
    );
    const results = await Promise.all(
      clients.map((client, i) =>
        client.rpc("book_appointment", {
          p_vehicle_id: vehicleIds[i],
          p_location_id: location,
          p_starts_at: start,
          p_service_codes: ["tire_rotation"],
        }),
      ),
    );
    expect(results.filter((r) => r.error === null)).toHaveLength(3);
    const refused = results.filter((r) => r.error !== null);
    expect(refused).toHaveLength(47);
    for (const result of refused)
      expect({ status: result.status, message: result.error?.message }).toEqual({
        status: 409,
        message: "no bay is free at that time",
      });
    const rows = await sql<{ bay_id: string }>(
      `select bay_id from public.appointments where location_id = $1 and starts_at = $2 and status = 'booked'`,
      [location, start],
    );
    expect(new Set(rows.map((r) => r.bay_id)).size).toBe(3);
    expect(rows).toHaveLength(3);
  });
});
