// Service notifications (issue 15, items 3 and 7; the service notifications migration): a due
// service notified to the owner once, whether it fell due by date (the daily job) or by odometer as
// telemetry posted to the edge function moved it; appointment reminders the day before, once per
// appointment and start, none for a cancelled one; booked, moved and cancelled notices. The jobs
// are run as pg_cron runs them (their scheduled command); notifications are read as the app reads
// them, by the member through supabase-js.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { db, sql, stack } from "../helpers/db.ts";
import { addVehicle } from "./helpers.ts";

let owner: SignedInPerson;
let ownerToken: string;
/** A make of this run's own, so that its service intervals apply to no other suite's vehicles. */
const make = `Notify${randomUUID().slice(0, 6)}`;
let location: string;

interface Notice {
  id: string;
  type: string;
  title: string;
  body: string | null;
  subject_id: string | null;
  data: Record<string, unknown>;
}

/** The owner's notifications of a type, as the app lists them. */
async function notices(type: string): Promise<Notice[]> {
  return ok(
    await owner.client
      .from("notifications")
      .select("id, type, title, body, subject_id, data")
      .eq("type", type)
      .order("created_at"),
  );
}

const dueNotices = async (serviceCode: string) =>
  (await notices("service_due")).filter((n) => n.data.service_code === serviceCode);
const remindersOf = async (appointmentId: string) =>
  (await notices("appointment_reminder")).filter((n) => n.subject_id === appointmentId);

/** Runs a scheduled job's command, as pg_cron does. */
async function runJob(name: string): Promise<void> {
  const [job] = await sql<{ command: string }>("select command from cron.job where jobname = $1", [
    name,
  ]);
  expect(job, `the cron job ${name}`).toBeDefined();
  await sql(job!.command);
}

/** A service interval for this run's make, under a code of its own. */
async function interval(every: { months?: number; distance?: number }): Promise<string> {
  const code = `svc_${randomUUID().slice(0, 8)}`;
  await sql(
    `insert into public.service_intervals (service_code, name, make, every_months, every_distance)
     values ($1, 'Oil change', $2, $3, $4)`,
    [code, make, every.months ?? null, every.distance ?? null],
  );
  return code;
}

async function record(vehicleId: string, code: string, daysAgo: number, odometer?: number) {
  const [performed] = await sql<{ day: string }>("select (current_date - $1::int)::text as day", [
    daysAgo,
  ]);
  ok(
    await owner.client.from("service_records").insert({
      vehicle_id: vehicleId,
      performed_on: performed!.day,
      location_name: "Home garage",
      description: "Oil and filter",
      service_codes: [code],
      odometer: odometer ?? null,
    }),
  );
}

/** Posts a telemetry batch to the edge function as the owner, the odometer rising to `to`. */
async function drive(vehicleId: string, to: number): Promise<void> {
  const end = Date.now() - 1000;
  const samples = [2, 1, 0].map((back) => ({
    t: end - back * 1000,
    speed: 50,
    fuelRate: 2.1,
    odometer: to - back * 0.5,
  }));
  const response = await fetch(`${stack().apiUrl}/functions/v1/telemetry/${vehicleId}`, {
    method: "POST",
    headers: {
      apikey: stack().anonKey,
      Authorization: `Bearer ${ownerToken}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ vehicleId, startTimestamp: end - 2000, endTimestamp: end, samples }),
  });
  expect(response.status, await response.text()).toBe(202);
}

beforeAll(async () => {
  owner = await signedInPerson("Notified Owner");
  ownerToken = (await owner.client.auth.getSession()).data.session!.access_token;
  // The jobs run only when a test runs them.
  await sql(
    `select cron.alter_job(jobid, active := false) from cron.job
     where jobname in ('service-due-notifications', 'appointment-reminders')`,
  );

  const organization = randomUUID();
  const founder = await db().createUser({ full_name: "Reminder Garage Owner" });
  await sql(
    "insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Reminder Garage', $3)",
    [organization, `reminders-${organization.slice(0, 8)}`, founder.id],
  );
  const [row] = await sql<{ id: string }>(
    `insert into public.service_locations (organization_id, name, address_line1, city, country_code, time_zone, currency, lead_time_minutes, booking_horizon_days)
     values ($1, 'Reminder Garage', '2 Main St', 'Springfield', 'US', 'UTC', 'USD', 60, 30) returning id`,
    [organization],
  );
  location = row!.id;
  await sql(
    `insert into public.service_location_hours (location_id, weekday, opens_at, closes_at)
     select $1, d, '08:00', '18:00' from generate_series(1, 7) d`,
    [location],
  );
  await sql(
    "insert into public.service_bays (location_id, name) select $1, 'Bay ' || n from generate_series(1, 2) n",
    [location],
  );
  await sql(
    `insert into public.location_services (location_id, code, name, duration_minutes, price_amount)
     values ($1, 'oil_change', 'Oil change', 30, 4999)`,
    [location],
  );
});

describe("a service falling due", () => {
  it("by date: the daily job tells the owner once, and not again once the service is done", async () => {
    const code = await interval({ months: 12 });
    const car = await addVehicle(owner.client, { make });
    await record(car.id, code, 400);
    expect(await dueNotices(code)).toEqual([]);

    await runJob("service-due-notifications");
    const [notice, ...more] = await dueNotices(code);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({
      title: `Oil change is due for your ${make} Civic`,
      subject_id: car.id,
      data: { vehicle_id: car.id, service_code: code, service_name: "Oil change" },
    });
    // The "what is due" call says the same.
    const due = ok(await owner.client.rpc("service_due", { p_vehicle_id: car.id })) as {
      service_code: string;
      is_due: boolean;
    }[];
    expect(due.find((d) => d.service_code === code)?.is_due).toBe(true);

    await runJob("service-due-notifications");
    expect(await dueNotices(code)).toHaveLength(1);

    // Done today: nothing is due, and the job says nothing more.
    await record(car.id, code, 0);
    await runJob("service-due-notifications");
    expect(await dueNotices(code)).toHaveLength(1);
  });

  it("by odometer: telemetry crossing the interval tells the owner once", async () => {
    const code = await interval({ months: 12, distance: 5000 });
    const car = await addVehicle(owner.client, { make, odometer: 10000 });
    await record(car.id, code, 30, 10000);
    await drive(car.id, 14000);
    await runJob("service-due-notifications");
    expect(await dueNotices(code)).toEqual([]);

    await drive(car.id, 15001);
    const [notice, ...more] = await dueNotices(code);
    expect(more).toEqual([]);
    expect(notice!.data).toMatchObject({ due_odometer: 15000, odometer: 15001 });
    expect(notice!.body).toContain("Due at 15000.0 mi");

    await drive(car.id, 15100);
    await runJob("service-due-notifications");
    expect(await dueNotices(code)).toHaveLength(1);
  });

  it("recording the service past its odometer does not announce it; the next one is", async () => {
    const code = await interval({ distance: 5000 });
    const car = await addVehicle(owner.client, { make, odometer: 14000 });
    await record(car.id, code, 60, 10000);
    // The record moves the odometer past 15000 (due), but it is the service that was due.
    await record(car.id, code, 0, 15500);
    expect(
      Number(
        ok(await owner.client.from("vehicles").select("odometer").eq("id", car.id).single())
          .odometer,
      ),
    ).toBe(15500);
    expect(await dueNotices(code)).toEqual([]);

    // Due again at 20500: the next crossing is told, once.
    await drive(car.id, 20600);
    const due = await dueNotices(code);
    expect(due.map((n) => n.data.last_performed_on)).toHaveLength(1);
    expect(due[0]!.data).toMatchObject({ due_odometer: 20500, odometer: 20600 });
  });
});

describe("appointments", () => {
  /** Books `vehicleId` at a UTC wall time `days` from today, as the member. */
  async function book(vehicleId: string, days: number, time: string): Promise<string> {
    const [start] = await sql<{ at: Date }>(
      "select (current_date + $1::int + $2::time) at time zone 'UTC' as at",
      [days, time],
    );
    const appointment = ok(
      await owner.client.rpc("book_appointment", {
        p_vehicle_id: vehicleId,
        p_location_id: location,
        p_starts_at: start!.at.toISOString(),
        p_service_codes: ["oil_change"],
      }),
    ) as { id: string };
    return appointment.id;
  }

  it("tomorrow's appointment is reminded once; moved, it is reminded again for its new start", async () => {
    const car = await addVehicle(owner.client, { make });
    const appointment = await book(car.id, 1, "10:00");
    const later = await book(car.id, 2, "10:00");
    expect((await notices("appointment_booked")).map((n) => n.subject_id)).toEqual(
      expect.arrayContaining([appointment, later]),
    );
    expect(await remindersOf(appointment)).toEqual([]);

    await runJob("appointment-reminders");
    const [reminder, ...more] = await remindersOf(appointment);
    expect(more).toEqual([]);
    expect(reminder).toMatchObject({
      title: "Tomorrow: your appointment at Reminder Garage",
      data: { appointment_id: appointment, location_name: "Reminder Garage" },
    });
    expect(reminder!.body).toMatch(/^At \d{4}-\d\d-\d\d 10:00 \(UTC\)\.$/);
    // The day after tomorrow's is not reminded yet.
    expect(await remindersOf(later)).toEqual([]);

    await runJob("appointment-reminders");
    expect(await remindersOf(appointment)).toHaveLength(1);

    const [newStart] = await sql<{ at: Date }>(
      "select (current_date + 1 + time '15:00') at time zone 'UTC' as at",
    );
    ok(
      await owner.client.rpc("reschedule_appointment", {
        p_appointment_id: appointment,
        p_starts_at: newStart!.at.toISOString(),
      }),
    );
    expect(
      (await notices("appointment_rescheduled")).filter((n) => n.subject_id === appointment),
    ).toHaveLength(1);
    await runJob("appointment-reminders");
    await runJob("appointment-reminders");
    const reminders = await remindersOf(appointment);
    expect(reminders.map((r) => r.data.local_starts_at)).toEqual([
      expect.stringMatching(/ 10:00$/),
      expect.stringMatching(/ 15:00$/),
    ]);
  });

  it("a cancelled appointment gets no reminder, and its member hears it was cancelled", async () => {
    const car = await addVehicle(owner.client, { make });
    const appointment = await book(car.id, 1, "12:00");
    ok(
      await owner.client.rpc("cancel_appointment", {
        p_appointment_id: appointment,
        p_reason: "car sold",
      }),
    );
    await runJob("appointment-reminders");
    expect(await remindersOf(appointment)).toEqual([]);
    const cancelled = (await notices("appointment_cancelled")).filter(
      (n) => n.subject_id === appointment,
    );
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.body).toContain("car sold");
  });
});
