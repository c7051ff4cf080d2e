// Offers (sql/0030): available_offers() as the seed's GET /api/offers/?vehicleId=&lat=&lng= —
// filtered by the caller's tier, validity and vehicle, sorted by great-circle distance to the
// nearest location where each applies — and redeem_offer() with its once-per-member rule.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { addVehicle, type VehicleRow } from "../service/helpers.ts";
import { person, plan, type Plan } from "./helpers.ts";

/** Haversine distance in km, computed independently of the database. */
function kmBetween(a: [number, number], b: [number, number]): number {
  const rad = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = rad(b[0] - a[0]);
  const dLng = rad(b[1] - a[1]);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[0])) * Math.cos(rad(b[0])) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

const manhattan: [number, number] = [40.7128, -74.006];
const places = {
  newark: [40.7357, -74.1724] as [number, number],
  philadelphia: [39.9526, -75.1652] as [number, number],
  jakarta: [-6.1388, 106.865] as [number, number],
};

interface OfferRow {
  id: string;
  title: string;
  distance_km: number | null;
  nearest_location_id: string | null;
  location_ids: string[];
  redeem_once: boolean;
  redeemed: boolean;
}

const w = {
  plus: undefined as unknown as Plan,
  premium: undefined as unknown as Plan,
  member: undefined as unknown as SignedInPerson,
  outsider: undefined as unknown as SignedInPerson,
  vehicle: undefined as unknown as VehicleRow,
  locations: {} as Record<keyof typeof places, string>,
  offers: {} as Record<string, string>,
};

async function offer(
  name: string,
  fields: Record<string, unknown>,
  locations: (keyof typeof places)[] = [],
) {
  const values: Record<string, unknown> = {
    title: name,
    expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    ...fields,
  };
  const columns = Object.keys(values);
  const [row] = await sql<{ id: string }>(
    `insert into public.offers (${columns.join(", ")})
     values (${columns.map((_, i) => `$${i + 1}`).join(", ")}) returning id`,
    columns.map((column) => values[column]),
  );
  for (const place of locations)
    await sql(`insert into public.offer_locations (offer_id, location_id) values ($1, $2)`, [
      row!.id,
      w.locations[place],
    ]);
  w.offers[name] = row!.id;
}

beforeAll(async () => {
  [w.plus, w.premium] = await Promise.all([plan("plus"), plan("premium")]);
  const admin = await person("offers admin", true);
  [w.member, w.outsider] = await Promise.all([person("offers member"), person("offers outsider")]);
  ok(
    await admin.client.rpc("grant_membership", {
      p_user_id: w.member.user.id,
      p_plan_id: w.plus.id,
      p_reason: "offers test",
    }),
  );
  w.vehicle = await addVehicle(w.member.client, {
    make: "Honda",
    model: "Civic",
    year: 2020,
    fuel_type: "gasoline",
  });

  const [organization] = await sql<{ id: string }>(
    `insert into public.organizations (slug, display_name, created_by) values ($1, 'Offer Garages', $2) returning id`,
    [`offer-garages-${randomUUID().slice(0, 8)}`, admin.user.id],
  );
  for (const [name, [lat, lng]] of Object.entries(places)) {
    const [location] = await sql<{ id: string }>(
      `insert into public.service_locations (organization_id, name, address_line1, city, country_code, time_zone, latitude, longitude)
       values ($1, $2, '1 Main St', $2, 'US', 'America/New_York', $3, $4) returning id`,
      [organization!.id, name, lat, lng],
    );
    w.locations[name as keyof typeof places] = location!.id;
  }

  const plusTiers = [w.plus.code];
  await offer("far plus offer", { eligible_tiers: plusTiers }, ["jakarta"]);
  await offer(
    "near plus offer",
    { eligible_tiers: [w.plus.code, w.premium.code], redeem_once: true },
    ["philadelphia", "newark"],
  );
  await offer("offer for everyone, everywhere", {});
  await offer("premium only", { eligible_tiers: [w.premium.code] }, ["newark"]);
  await offer(
    "expired",
    { eligible_tiers: plusTiers, starts_at: "2020-01-01", expires_at: "2020-02-01" },
    ["newark"],
  );
  await offer("inactive", { eligible_tiers: plusTiers, is_active: false }, ["newark"]);
  await offer("Toyota owners", { vehicle_make: "Toyota" }, ["newark"]);
  await offer(
    "Civics of 2019-2021",
    {
      vehicle_make: "honda",
      vehicle_model: "CIVIC",
      vehicle_year_from: 2019,
      vehicle_year_to: 2021,
    },
    ["philadelphia"],
  );
  await offer("older Hondas", { vehicle_make: "Honda", vehicle_year_to: 2015 }, ["newark"]);
  await offer("electric cars", { vehicle_fuel_types: ["electric"] }, ["newark"]);
});

const mine = (rows: OfferRow[]) => {
  const ours = new Set(Object.values(w.offers));
  return rows.filter((row) => ours.has(row.id));
};
const titles = (rows: OfferRow[]) => mine(rows).map((row) => row.title);

describe("available_offers", () => {
  it("lists the caller's tier's live offers for the vehicle, nearest first, with the distance", async () => {
    const rows = ok(
      await w.member.client.rpc("available_offers", {
        p_vehicle_id: w.vehicle.id,
        p_lat: manhattan[0],
        p_lng: manhattan[1],
      }),
    ) as OfferRow[];
    expect(titles(rows)).toEqual([
      "near plus offer",
      "Civics of 2019-2021",
      "far plus offer",
      "offer for everyone, everywhere",
    ]);
    const [near, civics, far, everywhere] = mine(rows);
    expect(near!.nearest_location_id).toBe(w.locations.newark);
    expect(near!.distance_km).toBeCloseTo(kmBetween(manhattan, places.newark), 6);
    expect(near!.location_ids.sort()).toEqual(
      [w.locations.newark, w.locations.philadelphia].sort(),
    );
    expect(civics!.distance_km).toBeCloseTo(kmBetween(manhattan, places.philadelphia), 6);
    expect(far!.distance_km).toBeCloseTo(kmBetween(manhattan, places.jakarta), 6);
    expect(everywhere).toMatchObject({
      distance_km: null,
      nearest_location_id: null,
      location_ids: [],
    });
  });

  it("without a vehicle, vehicle criteria do not filter; without a place, no distance", async () => {
    const rows = ok(await w.member.client.rpc("available_offers")) as OfferRow[];
    expect(new Set(titles(rows))).toEqual(
      new Set([
        "near plus offer",
        "far plus offer",
        "offer for everyone, everywhere",
        "Toyota owners",
        "Civics of 2019-2021",
        "older Hondas",
        "electric cars",
      ]),
    );
    expect(mine(rows).every((row) => row.distance_km === null)).toBe(true);
  });

  it("shows a person without a membership only the offers for everyone", async () => {
    const rows = ok(
      await w.outsider.client.rpc("available_offers", { p_lat: manhattan[0], p_lng: manhattan[1] }),
    ) as OfferRow[];
    expect(titles(rows)).not.toContain("near plus offer");
    expect(titles(rows)).not.toContain("premium only");
    expect(titles(rows)).toContain("offer for everyone, everywhere");
  });

  it("refuses bad arguments, someone else's vehicle and anonymous callers", async () => {
    const call = (client = w.outsider.client, args: Record<string, unknown> = {}) =>
      client.rpc("available_offers", args);
    expect(await call(undefined, { p_lat: 40 })).toMatchObject({
      status: 400,
      error: { code: "22023" },
    });
    expect(await call(undefined, { p_lat: 91, p_lng: 0 })).toMatchObject({ status: 400 });
    expect(await call(undefined, { p_vehicle_id: w.vehicle.id })).toMatchObject({
      status: 404,
      error: { code: "PT404" },
    });
    expect(await call(anonClient())).toMatchObject({ status: 401 });
  });
});

describe("redeem_offer", () => {
  it("records a redemption once per member when the terms say so", async () => {
    const redeem = () =>
      w.member.client.rpc("redeem_offer", {
        p_offer_id: w.offers["near plus offer"],
        p_location_id: w.locations.newark,
        p_vehicle_id: w.vehicle.id,
      });
    expect(ok(await redeem())).toMatchObject({ user_id: w.member.user.id, redeem_once: true });
    expect(await redeem()).toMatchObject({ status: 409, error: { code: "PT409" } });
    const listed = mine(ok(await w.member.client.rpc("available_offers")) as OfferRow[]);
    expect(listed.find((row) => row.title === "near plus offer")).toMatchObject({ redeemed: true });

    // An offer without the rule can be used again.
    for (let i = 0; i < 2; i++)
      ok(
        await w.member.client.rpc("redeem_offer", {
          p_offer_id: w.offers["offer for everyone, everywhere"],
        }),
      );
    const rows = ok(await w.member.client.from("offer_redemptions").select("offer_id"));
    expect(
      rows.filter((row) => row.offer_id === w.offers["offer for everyone, everywhere"]),
    ).toHaveLength(2);
    expect(rows.filter((row) => row.offer_id === w.offers["near plus offer"])).toHaveLength(1);
  });

  it("refuses the wrong tier, place, vehicle or time, and records nothing", async () => {
    const redeem = (name: string, args: Record<string, unknown> = {}, client = w.member.client) =>
      client.rpc("redeem_offer", { p_offer_id: w.offers[name], ...args });
    expect(await redeem("premium only")).toMatchObject({ status: 403, error: { code: "42501" } });
    expect(await redeem("near plus offer", {}, w.outsider.client)).toMatchObject({ status: 403 });
    expect(await redeem("far plus offer", { p_location_id: w.locations.newark })).toMatchObject({
      status: 400,
    });
    expect(await redeem("Toyota owners", { p_vehicle_id: w.vehicle.id })).toMatchObject({
      status: 409,
    });
    expect(await redeem("expired")).toMatchObject({ status: 409 });
    expect(await redeem("inactive")).toMatchObject({ status: 404 });
    expect(await redeem("far plus offer", { p_vehicle_id: randomUUID() })).toMatchObject({
      status: 404,
    });
    const [redemptions] = await sql<{ count: number }>(
      `select count(*)::integer as count from public.offer_redemptions where offer_id = any($1)`,
      [
        ["premium only", "far plus offer", "Toyota owners", "expired", "inactive"].map(
          (name) => w.offers[name],
        ),
      ],
    );
    expect(redemptions!.count).toBe(0);
  });
});
