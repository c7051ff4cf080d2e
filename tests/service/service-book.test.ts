// The service book (issue 15, item 3; the service book migration): records with where, when,
// odometer, cost and parts, receipts in the private service-documents bucket, intervals by make and
// model, and the one "what is due" call (service_due) by date and by odometer.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { addVehicle } from "./helpers.ts";

const BUCKET = "service-documents";
const pdf = Buffer.from("%PDF-1.4\n% receipt\n");
let owner: SignedInPerson;
let other: SignedInPerson;
let staff: SignedInPerson;
let otherStaff: SignedInPerson;
let platformAdmin: SignedInPerson;
let location: string;

/** YYYY-MM-DD `days` from today (UTC). */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  [owner, other, staff, otherStaff, platformAdmin] = await Promise.all([
    signedInPerson("Book Owner"),
    signedInPerson("Book Stranger"),
    signedInPerson("Book Staff"),
    signedInPerson("Book Other Staff"),
    signedInPerson("Book Admin"),
  ]);
  ok(
    await adminClient()
      .from("platform_admins")
      .insert({ user_id: platformAdmin.user.id, note: "service book test" }),
  );
  const [org, otherOrg] = [randomUUID(), randomUUID()];
  await sql(
    `insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Book Garage', $3), ($4, $5, 'Other Book Garage', $6)`,
    [
      org,
      `book-${org.slice(0, 8)}`,
      staff.user.id,
      otherOrg,
      `book-${otherOrg.slice(0, 8)}`,
      otherStaff.user.id,
    ],
  );
  const [row] = await sql<{ id: string }>(
    `insert into public.service_locations (organization_id, name, address_line1, city, country_code, time_zone) values ($1, 'Book Garage', '1 Main St', 'Austin', 'US', 'America/Chicago') returning id`,
    [org],
  );
  location = row!.id;
});

describe("service records", () => {
  it("the owner records work with parts and cost; the odometer moves forward; strangers neither read nor write", async () => {
    const vehicle = await addVehicle(owner.client, { odometer: 20000 });
    const record = ok(
      await owner.client
        .from("service_records")
        .insert({
          vehicle_id: vehicle.id,
          performed_on: day(-3),
          location_name: "Joe's Garage, Austin",
          odometer: 21000,
          description: "Oil and filter change",
          service_codes: ["oil_change"],
          cost_amount: 6499,
          currency: "USD",
          parts: [
            { name: "Oil filter", part_number: "15400-PLM-A02", quantity: 1, unit_amount: 899 },
          ],
        })
        .select()
        .single(),
    );
    expect(record).toMatchObject({ created_by: owner.user.id, odometer: 21000 });
    expect(
      ok(await owner.client.from("vehicles").select("odometer").eq("id", vehicle.id).single()),
    ).toEqual({ odometer: 21000 });
    expect(ok(await other.client.from("service_records").select("id").eq("id", record.id))).toEqual(
      [],
    );
    const forged = await other.client.from("service_records").insert({
      vehicle_id: vehicle.id,
      performed_on: day(-1),
      location_name: "x",
      description: "fake",
    });
    expect(forged.status).toBe(403);
    const future = await owner.client.from("service_records").insert({
      vehicle_id: vehicle.id,
      performed_on: day(10),
      location_name: "x",
      description: "later",
    });
    expect({ status: future.status, message: future.error?.message }).toEqual({
      status: 400,
      message: "a service record cannot be dated in the future",
    });
    const nowhere = await owner.client
      .from("service_records")
      .insert({ vehicle_id: vehicle.id, performed_on: day(-1), description: "somewhere" });
    expect(nowhere.status).toBe(400);
    const badParts = await owner.client.from("service_records").insert({
      vehicle_id: vehicle.id,
      performed_on: day(-1),
      location_name: "x",
      description: "d",
      parts: { name: "not a list" },
    });
    expect(badParts.status).toBe(400);
    expect(
      Number(
        (
          await sql<{ n: string }>(
            "select count(*) as n from public.service_records where vehicle_id = $1",
            [vehicle.id],
          )
        )[0]!.n,
      ),
    ).toBe(1);
  });

  it("receipts live in the private bucket: the owner uploads and downloads; strangers cannot", async () => {
    const vehicle = await addVehicle(owner.client);
    const record = ok(
      await owner.client
        .from("service_records")
        .insert({
          vehicle_id: vehicle.id,
          performed_on: day(0),
          location_name: "Dealer",
          description: "Brakes",
        })
        .select()
        .single(),
    );
    const path = `${owner.user.id}/${record.id}/receipt.pdf`;
    expect(
      (
        await other.client.storage
          .from(BUCKET)
          .upload(`${other.user.id}/${record.id}/receipt.pdf`, pdf, {
            contentType: "application/pdf",
          })
      ).error,
    ).not.toBeNull();
    expect(
      (
        await owner.client.storage
          .from(BUCKET)
          .upload(`${owner.user.id}/${record.id}/notes.txt`, Buffer.from("hi"), {
            contentType: "text/plain",
          })
      ).error,
    ).not.toBeNull();
    ok(
      await owner.client.storage.from(BUCKET).upload(path, pdf, { contentType: "application/pdf" }),
    );
    ok(
      await owner.client.from("service_record_documents").insert({
        record_id: record.id,
        storage_path: path,
        file_name: "receipt.pdf",
        content_type: "application/pdf",
      }),
    );
    const downloaded = ok(await owner.client.storage.from(BUCKET).download(path));
    expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(pdf);
    expect((await other.client.storage.from(BUCKET).download(path)).error).not.toBeNull();
    expect(
      ok(
        await other.client.from("service_record_documents").select("id").eq("record_id", record.id),
      ),
    ).toEqual([]);
    expect(
      (
        await other.client.from("service_record_documents").insert({
          record_id: record.id,
          storage_path: `${owner.user.id}/${record.id}/x.pdf`,
          file_name: "x.pdf",
        })
      ).status,
    ).toBe(403);
  });

  it("staff of a location serving the member read the book and record work done there; other staff cannot", async () => {
    const vehicle = await addVehicle(owner.client);
    ok(
      await owner.client.from("service_records").insert({
        vehicle_id: vehicle.id,
        performed_on: day(-30),
        location_name: "Home",
        description: "Wipers",
      }),
    );
    const attempt = () =>
      staff.client.from("service_records").insert({
        vehicle_id: vehicle.id,
        performed_on: day(0),
        location_id: location,
        description: "Inspection",
        service_codes: ["inspection"],
      });
    expect((await attempt()).status).toBe(403);
    expect(
      ok(await staff.client.from("service_records").select("id").eq("vehicle_id", vehicle.id)),
    ).toEqual([]);
    // The member books at the location: the organization now serves them.
    const [bay] = await sql<{ id: string }>(
      `insert into public.service_bays (location_id, name) values ($1, $2) returning id`,
      [location, `Bay ${randomUUID().slice(0, 4)}`],
    );
    await sql(
      `insert into public.appointments (user_id, vehicle_id, location_id, bay_id, starts_at, ends_at, currency) values ($1, $2, $3, $4, now() + interval '3 days', now() + interval '3 days 1 hour', 'USD')`,
      [owner.user.id, vehicle.id, location, bay!.id],
    );
    expect(
      ok(await staff.client.from("service_records").select("id").eq("vehicle_id", vehicle.id)),
    ).toHaveLength(1);
    expect((await attempt()).status).toBe(201);
    expect(
      ok(await otherStaff.client.from("service_records").select("id").eq("vehicle_id", vehicle.id)),
    ).toEqual([]);
    expect(
      (
        await otherStaff.client.from("service_records").insert({
          vehicle_id: vehicle.id,
          performed_on: day(0),
          location_id: location,
          description: "x",
        })
      ).status,
    ).toBe(403);
  });
});

describe("what is due", () => {
  it("by date and by odometer, from the most specific interval, as telemetry or edits move the odometer", async () => {
    const make = `Make${randomUUID().slice(0, 6)}`;
    expect(
      (
        await owner.client
          .from("service_intervals")
          .insert({ service_code: "oil_change", name: "Oil change", make, every_months: 1 })
      ).status,
    ).toBe(403);
    ok(
      await platformAdmin.client.from("service_intervals").insert([
        {
          service_code: "oil_change",
          name: "Oil change",
          make,
          every_months: 6,
          every_distance: 5000,
          distance_unit: "mi",
        },
        {
          service_code: "oil_change",
          name: "Oil change (turbo)",
          make,
          model: "Turbo",
          every_months: 3,
          every_distance: 3000,
          distance_unit: "mi",
        },
        {
          service_code: "tire_rotation",
          name: "Tire rotation",
          make,
          every_distance: 10000,
          distance_unit: "km",
        },
        {
          service_code: "timing_belt",
          name: "Timing belt",
          make,
          every_months: 60,
          distance_unit: "mi",
        },
      ]),
    );
    const turbo = await addVehicle(owner.client, { make, model: "Turbo", odometer: 19000 });
    const plain = await addVehicle(owner.client, { make, model: "Basic", odometer: 19000 });
    for (const vehicle of [turbo, plain]) {
      ok(
        await owner.client.from("service_records").insert([
          {
            vehicle_id: vehicle.id,
            performed_on: day(-120),
            location_name: "Dealer",
            odometer: 19500,
            description: "Oil",
            service_codes: ["oil_change"],
          },
          {
            vehicle_id: vehicle.id,
            performed_on: day(-1),
            location_name: "Dealer",
            odometer: 20000,
            description: "Tires",
            service_codes: ["tire_rotation"],
          },
        ]),
      );
    }
    const due = async (vehicleId: string) =>
      Object.fromEntries(
        (ok(await owner.client.rpc("service_due", { p_vehicle_id: vehicleId })) as any[]).map(
          (row) => [
            row.service_code,
            {
              due_on: row.due_on,
              due_odometer: row.due_odometer,
              is_due: row.is_due,
              name: row.service_name,
            },
          ],
        ),
      );
    const created = (
      await sql<{ day: string }>(
        `select to_char(created_at, 'YYYY-MM-DD') as day from public.vehicles where id = $1`,
        [turbo.id],
      )
    )[0]!.day;
    const addMonths = (date: string, months: number) =>
      sql<{ d: string }>(
        `select to_char($1::date + make_interval(months => $2), 'YYYY-MM-DD') as d`,
        [date, months],
      ).then((r) => r[0]!.d);

    // Turbo: its model's 3-month interval makes the oil change due (done 120 days ago); the plain one has 6 months.
    expect((await due(turbo.id)).oil_change).toEqual({
      due_on: await addMonths(day(-120), 3),
      due_odometer: 22500,
      is_due: true,
      name: "Oil change (turbo)",
    });
    expect((await due(plain.id)).oil_change).toEqual({
      due_on: await addMonths(day(-120), 6),
      due_odometer: 24500,
      is_due: false,
      name: "Oil change",
    });
    // 10,000 km after 20,000 mi is 26,213.7 mi; never-done services count from registration.
    expect((await due(plain.id)).tire_rotation).toEqual({
      due_on: null,
      due_odometer: 26213.7,
      is_due: false,
      name: "Tire rotation",
    });
    expect((await due(plain.id)).timing_belt).toEqual({
      due_on: await addMonths(created, 60),
      due_odometer: null,
      is_due: false,
      name: "Timing belt",
    });

    // The odometer moves (telemetry does the same through ingest_telemetry): the oil change falls due by distance.
    ok(await owner.client.from("vehicles").update({ odometer: 24600 }).eq("id", plain.id));
    expect((await due(plain.id)).oil_change.is_due).toBe(true);
    expect((await due(plain.id)).tire_rotation.is_due).toBe(false);

    // One call for all of the caller's vehicles, filtered to what is due; a reminder sender sees everyone's.
    const mine = ok(await owner.client.rpc("service_due").eq("is_due", true)) as any[];
    expect(mine.map((r) => [r.vehicle_id, r.service_code]).sort()).toEqual(
      [
        [plain.id, "oil_change"],
        [turbo.id, "oil_change"],
      ].sort(),
    );
    expect(ok(await other.client.rpc("service_due", { p_vehicle_id: plain.id }))).toEqual([]);
    const everyone = ok(
      await adminClient().rpc("service_due").eq("is_due", true).eq("owner_id", owner.user.id),
    ) as any[];
    expect(everyone.length).toBe(mine.length);
  });
});
