// The RLS matrix of the service-membership tables (vehicles, dongles, locations, appointments,
// telemetry, service book) × anon, another member, the vehicle's owner, location staff (an admin of
// an organization with a location the owner never booked), support staff (staff of the
// organization whose location the owner booked: it serves the member), platform support (assigned
// to the owner's open platform conversation: it serves the member too), a platform admin and the
// service role × select, insert, update and delete. Each cell runs as PostgREST runs a request
// (authenticator → role + JWT claims) in a transaction that is rolled back.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { attemptAs, describeRlsMatrix, type TableMatrix } from "../helpers/rls-matrix.ts";
import { anon, db, serviceRole, type Claims } from "../helpers/db.ts";
import { randomVin } from "./helpers.ts";

const roles = [
  "anon",
  "stranger",
  "owner",
  "location_staff",
  "support_staff",
  "platform_support",
  "platform_admin",
  "service_role",
] as const;
type Role = (typeof roles)[number];

const w = {
  claims: {} as Record<Role, Claims>,
  ids: {} as Record<string, string>,
};
const id = (name: string) => `'${w.ids[name]}'`;

beforeAll(async () => {
  const database = db();
  const [owner, stranger, locationStaff, supportStaff, platformSupport, platformAdmin] =
    await Promise.all(
      [
        "owner",
        "stranger",
        "location staff",
        "support staff",
        "platform support",
        "platform admin",
      ].map((name) => database.createUser({ full_name: `Service RLS ${name}` })),
    );
  w.claims = {
    anon,
    stranger: stranger!.claims,
    owner: owner!.claims,
    location_staff: locationStaff!.claims,
    support_staff: supportStaff!.claims,
    platform_support: platformSupport!.claims,
    platform_admin: platformAdmin!.claims,
    service_role: serviceRole,
  };
  for (const name of [
    "orgA",
    "orgB",
    "locationA",
    "locationB",
    "bayA",
    "vehicle",
    "appointment",
    "record",
  ])
    w.ids[name] = randomUUID();
  w.ids.owner = owner!.id;
  const sql = (text: string, params: unknown[] = []) => database.sql(text, params);
  const founder = await database.createUser({ full_name: "Service RLS founder" });
  await sql(`insert into public.platform_admins (user_id) values ($1)`, [platformAdmin!.id]);
  // Platform support serves the owner through an open platform conversation assigned to them.
  await sql(`insert into public.platform_support_staff (user_id) values ($1)`, [
    platformSupport!.id,
  ]);
  await sql(
    `with thread as (insert into public.chat_threads (member_id, subject, assigned_to) values ($1, 'RLS help', $2) returning id)
     insert into public.chat_participants (thread_id, user_id, role) select id, $1, 'member'::public.chat_participant_role from thread union all select id, $2, 'staff' from thread`,
    [owner!.id, platformSupport!.id],
  );
  await sql(
    `insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'RLS Garage A', $5), ($3, $4, 'RLS Garage B', $5)`,
    [
      w.ids.orgA,
      `rls-a-${w.ids.orgA!.slice(0, 8)}`,
      w.ids.orgB,
      `rls-b-${w.ids.orgB!.slice(0, 8)}`,
      founder.id,
    ],
  );
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff'), ($3, $4, 'admin')`,
    [w.ids.orgA, supportStaff!.id, w.ids.orgB, locationStaff!.id],
  );
  await sql(
    `insert into public.service_locations (id, organization_id, name, address_line1, city, country_code, time_zone) values
       ($1, $2, 'A', '1 A St', 'Austin', 'US', 'America/Chicago'), ($3, $4, 'B', '1 B St', 'Boston', 'US', 'America/New_York')`,
    [w.ids.locationA, w.ids.orgA, w.ids.locationB, w.ids.orgB],
  );
  await sql(`insert into public.service_bays (id, location_id, name) values ($1, $2, 'A1')`, [
    w.ids.bayA,
    w.ids.locationA,
  ]);
  await sql(`insert into public.service_bays (location_id, name) values ($1, 'B1')`, [
    w.ids.locationB,
  ]);
  await sql(
    `insert into public.service_location_hours (location_id, weekday, opens_at, closes_at) values ($1, 1, '08:00', '17:00')`,
    [w.ids.locationB],
  );
  await sql(
    `insert into public.service_location_exceptions (location_id, on_date, reason) values ($1, current_date + 30, 'Holiday')`,
    [w.ids.locationB],
  );
  const [serviceA] = await sql(
    `insert into public.location_services (location_id, code, name, duration_minutes, price_amount) values ($1, 'oil_change', 'Oil', 30, 4999) returning id`,
    [w.ids.locationA],
  );
  await sql(
    `insert into public.location_services (location_id, code, name, duration_minutes, price_amount) values ($1, 'oil_change', 'Oil', 30, 4999)`,
    [w.ids.locationB],
  );
  await sql(
    `insert into public.vehicles (id, owner_id, vin, make, model, year, odometer) values ($1, $2, $3, 'Honda', 'Civic', 2020, 1000)`,
    [w.ids.vehicle, owner!.id, randomVin()],
  );
  await sql(
    `insert into public.obd_dongles (serial, connection_type, owner_id, vehicle_id) values ($1, 'BLE', $2, $3)`,
    [`rls-${w.ids.vehicle!.slice(0, 8)}`, owner!.id, w.ids.vehicle],
  );
  await sql(
    `insert into public.vehicle_odometer_corrections (vehicle_id, previous_odometer, corrected_odometer, reason, corrected_by) values ($1, 1100, 1000, 'typo in the reading', $2)`,
    [w.ids.vehicle, platformAdmin!.id],
  );
  await sql(
    `insert into public.appointments (id, user_id, vehicle_id, location_id, bay_id, starts_at, ends_at, currency) values ($1, $2, $3, $4, $5, now() + interval '2 days', now() + interval '2 days 30 minutes', 'USD')`,
    [w.ids.appointment, owner!.id, w.ids.vehicle, w.ids.locationA, w.ids.bayA],
  );
  await sql(
    `insert into public.appointment_services (appointment_id, location_service_id, code, name, duration_minutes, price_amount) values ($1, $2, 'oil_change', 'Oil', 30, 4999)`,
    [w.ids.appointment, serviceA!.id],
  );
  const [batch] = await sql(
    `insert into public.telemetry_batches (vehicle_id, idempotency_key, posted_by, started_at, ended_at, sample_count) values ($1, 'k', $2, now() - interval '1 hour', now(), 1) returning id`,
    [w.ids.vehicle, owner!.id],
  );
  w.ids.batch = batch!.id;
  await sql(
    `insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id) values ($1, now() - interval '30 minutes', 50, 2, 1000, $2)`,
    [w.ids.vehicle, batch!.id],
  );
  await sql(
    `insert into public.service_records (id, vehicle_id, performed_on, location_id, odometer, description, service_codes) values ($1, $2, current_date, $3, 1000, 'Oil', '{oil_change}')`,
    [w.ids.record, w.ids.vehicle, w.ids.locationA],
  );
  await sql(
    `insert into public.service_record_documents (record_id, storage_path, file_name) values ($1::uuid, $2::text || '/' || $1::text || '/receipt.pdf', 'receipt.pdf')`,
    [w.ids.record, owner!.id],
  );
  const [interval] = await sql(
    `insert into public.service_intervals (service_code, name, make, every_months, distance_unit) values ('rls_check', 'RLS check', $1, 12, 'mi') returning id`,
    [`Rls${randomUUID().slice(0, 6)}`],
  );
  w.ids.interval = interval!.id;
});

const attempt = (role: Role, statement: string) => attemptAs(db(), w.claims[role], statement);

const signedIn =
  "stranger owner location_staff support_staff platform_support platform_admin service_role";
const locationManagers = "location_staff platform_admin service_role";
const ownerSide = "owner platform_admin service_role";
const bookSide = "owner support_staff platform_admin service_role";
/** Whoever serves the owner: also platform support through an open conversation. */
const served = "owner support_staff platform_support platform_admin service_role";
const service = "service_role";

const specs: TableMatrix<Role>[] = [
  {
    table: "vehicles",
    target: () => `id = ${id("vehicle")}`,
    select: served,
    insert: {
      sql: () =>
        `insert into public.vehicles (owner_id, vin, make, model, year) values (coalesce(auth.uid(), ${id("owner")}), '${randomVin()}', 'Kia', 'Rio', 2021)`,
      allowed: signedIn,
    },
    update: { set: "trim = 'Sport'", allowed: ownerSide },
    delete: ownerSide,
  },
  {
    table: "vehicle_odometer_corrections",
    target: () => `vehicle_id = ${id("vehicle")}`,
    select: ownerSide,
    insert: {
      sql: () =>
        `insert into public.vehicle_odometer_corrections (vehicle_id, previous_odometer, corrected_odometer, reason) values (${id("vehicle")}, 1, 0, 'forged reason')`,
      allowed: service,
    },
    update: { set: "reason = 'changed reason'", allowed: service },
    delete: service,
  },
  {
    table: "obd_dongles",
    target: () => `vehicle_id = ${id("vehicle")}`,
    select: served,
    insert: {
      sql: () =>
        `insert into public.obd_dongles (serial, connection_type, owner_id) values ('rls-new-${randomUUID().slice(0, 6)}', 'BLE', ${id("owner")})`,
      allowed: service,
    },
    update: { set: "connection_type = 'WIFI'", allowed: service },
    delete: ownerSide,
  },
  {
    table: "service_locations",
    target: () => `id = ${id("locationB")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.service_locations (organization_id, name, address_line1, city, country_code, time_zone) values (${id("orgB")}, 'New', '2 B St', 'Boston', 'US', 'America/New_York')`,
      allowed: locationManagers,
    },
    update: { set: "phone = '+1 617 555 0100'", allowed: locationManagers },
    delete: locationManagers,
  },
  {
    table: "service_location_hours",
    target: () => `location_id = ${id("locationB")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.service_location_hours (location_id, weekday, opens_at, closes_at) values (${id("locationB")}, 2, '08:00', '17:00')`,
      allowed: locationManagers,
    },
    update: { set: "closes_at = '18:00'", allowed: locationManagers },
    delete: locationManagers,
  },
  {
    table: "service_location_exceptions",
    target: () => `location_id = ${id("locationB")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.service_location_exceptions (location_id, on_date) values (${id("locationB")}, current_date + 40)`,
      allowed: locationManagers,
    },
    update: { set: "reason = 'Moved holiday'", allowed: locationManagers },
    delete: locationManagers,
  },
  {
    table: "service_bays",
    target: () => `location_id = ${id("locationB")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.service_bays (location_id, name) values (${id("locationB")}, 'B2')`,
      allowed: locationManagers,
    },
    update: { set: "is_active = false", allowed: locationManagers },
    delete: locationManagers,
  },
  {
    table: "location_services",
    target: () => `location_id = ${id("locationB")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.location_services (location_id, code, name, duration_minutes, price_amount) values (${id("locationB")}, 'wash', 'Wash', 15, 900)`,
      allowed: locationManagers,
    },
    update: { set: "price_amount = 5999", allowed: locationManagers },
    delete: locationManagers,
  },
  {
    table: "appointments",
    target: () => `id = ${id("appointment")}`,
    select: bookSide,
    insert: {
      sql: () =>
        `insert into public.appointments (user_id, vehicle_id, location_id, bay_id, starts_at, ends_at, currency) values (${id("owner")}, ${id("vehicle")}, ${id("locationA")}, ${id("bayA")}, now() + interval '5 days', now() + interval '5 days 1 hour', 'USD')`,
      allowed: service,
    },
    update: { set: "notes = 'changed'", allowed: service },
    delete: service,
  },
  {
    table: "appointment_services",
    target: () => `appointment_id = ${id("appointment")}`,
    select: bookSide,
    insert: {
      sql: () =>
        `insert into public.appointment_services (appointment_id, location_service_id, code, name, duration_minutes, price_amount) select ${id("appointment")}, id, 'wash2', 'Wash', 10, 1 from public.location_services where location_id = ${id("locationB")} and code = 'oil_change'`,
      allowed: service,
    },
    update: { set: "price_amount = 0", allowed: service },
    delete: service,
  },
  {
    table: "telemetry_batches",
    target: () => `id = ${id("batch")}`,
    select: ownerSide,
    insert: {
      sql: () =>
        `insert into public.telemetry_batches (vehicle_id, idempotency_key, started_at, ended_at, sample_count) values (${id("vehicle")}, 'forged', now(), now(), 0)`,
      allowed: service,
    },
    update: { set: "sample_count = 99", allowed: service },
    delete: service,
  },
  {
    table: "telemetry_samples",
    target: () => `vehicle_id = ${id("vehicle")}`,
    select: ownerSide,
    insert: {
      sql: () =>
        `insert into public.telemetry_samples (vehicle_id, recorded_at, speed, fuel_rate, odometer, batch_id) values (${id("vehicle")}, now(), 1, 1, 1, ${id("batch")})`,
      allowed: service,
    },
    update: { set: "speed = 200", allowed: service },
    delete: service,
  },
  {
    table: "service_intervals",
    target: () => `id = ${id("interval")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.service_intervals (service_code, name, make, every_months, distance_unit) values ('rls_new', 'New', 'RlsMake${randomUUID().slice(0, 4)}', 6, 'mi')`,
      allowed: "platform_admin service_role",
    },
    update: { set: "every_months = 24", allowed: "platform_admin service_role" },
    delete: "platform_admin service_role",
  },
  {
    table: "service_records",
    target: () => `id = ${id("record")}`,
    select: served,
    insert: {
      sql: () =>
        `insert into public.service_records (vehicle_id, performed_on, location_id, description) values (${id("vehicle")}, current_date, ${id("locationA")}, 'Check')`,
      allowed: bookSide,
    },
    update: { set: "description = 'Oil and filter'", allowed: bookSide },
    delete: bookSide,
  },
  {
    table: "service_record_documents",
    target: () => `record_id = ${id("record")}`,
    select: served,
    insert: {
      sql: () =>
        `insert into public.service_record_documents (record_id, storage_path, file_name) values (${id("record")}, ${id("owner")} || '/' || ${id("record")} || '/second.pdf', 'second.pdf')`,
      allowed: bookSide,
    },
    update: { set: "file_name = 'renamed.pdf'", allowed: bookSide },
    delete: bookSide,
  },
];

describeRlsMatrix(specs, roles, attempt);

describe("RLS: private tables and storage", () => {
  it("dongle token hashes and rate-limit counters are out of every API role's reach", async () => {
    for (const role of ["anon", "owner", "platform_admin"] as const) {
      expect(await attempt(role, `select 1 from private.dongle_tokens`)).toMatchObject({
        code: "42501",
      });
      expect(await attempt(role, `select 1 from private.telemetry_rate_windows`)).toMatchObject({
        code: "42501",
      });
    }
  });

  it("service-documents: the owner and support staff upload under the owner's folder; others cannot", async () => {
    const upload = (role: Role, folder: string) =>
      attempt(
        role,
        `insert into storage.objects (bucket_id, name) values ('service-documents', '${folder}/${w.ids.record}/scan.pdf')`,
      );
    expect(await upload("owner", w.ids.owner!)).toEqual({ rows: 1 });
    expect(await upload("support_staff", w.ids.owner!)).toEqual({ rows: 1 });
    expect(await upload("stranger", w.ids.owner!)).toMatchObject({ code: "42501" });
    expect(await upload("location_staff", w.ids.owner!)).toMatchObject({ code: "42501" });
    expect(await upload("owner", randomUUID())).toMatchObject({ code: "42501" });
  });
});
