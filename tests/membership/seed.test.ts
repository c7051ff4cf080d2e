// The membership demo data (seed/0005_memberships_offers_chat.sql) as the seeded people see it
// through supabase-js: eko's Plus membership and referral, his offers nearest first, his support
// conversation, and member01's granted Basic membership; seed/0009: member10 on platform support.
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { ok, signedInClient } from "../helpers/auth.ts";

let eko: SupabaseClient;
let dewi: SupabaseClient;
let member01: SupabaseClient;
let member10: SupabaseClient;

beforeAll(async () => {
  const signIn = (email: string) => signedInClient({ email, password: "pitlane-demo" });
  [eko, dewi, member01, member10] = await Promise.all([
    signIn("eko@nusantara-club.test"),
    signIn("dewi@nusantara-club.test"),
    signIn("member01@example.test"),
    signIn("member10@example.test"),
  ]);
});

describe("seeded memberships, offers, referrals and chat", () => {
  it("eko is a Plus member who referred member02; member01 has a granted Basic membership", async () => {
    expect(ok(await eko.rpc("my_membership"))).toMatchObject({ tier: "plus", status: "active" });
    expect(ok(await member01.rpc("my_membership"))).toMatchObject({
      tier: "basic",
      status: "active",
    });
    const referrals = ok(await eko.rpc("my_referrals")) as {
      code: string;
      referrals: { status: string }[];
    };
    expect(referrals.code).toMatch(/^REF-/);
    expect(referrals.referrals).toEqual([expect.objectContaining({ status: "pending" })]);
  });

  it("eko's offers for his Civic near Jakarta, nearest first, without the Premium one", async () => {
    const offers = ok(
      await eko.rpc("available_offers", {
        p_vehicle_id: "e6000000-0000-4000-8000-000000000001",
        p_lat: -6.2,
        p_lng: 106.8,
      }),
    ) as { title: string; distance_km: number | null }[];
    const seeded = offers.filter((offer) =>
      [
        "Honda Care Week",
        "Spring Maintenance Special",
        "Welcome coffee",
        "Premium detailing",
      ].includes(offer.title),
    );
    expect(seeded.map((offer) => offer.title)).toEqual([
      "Honda Care Week",
      "Spring Maintenance Special",
      "Welcome coffee",
    ]);
    expect(seeded[0]!.distance_km).toBeLessThan(20);
    expect(seeded[2]!.distance_km).toBeNull();
  });

  it("eko's support conversation is answered by dewi, and unread for eko", async () => {
    const [thread] = ok(await eko.rpc("my_chat_threads")) as { id: string; unread_count: number }[];
    expect(thread).toMatchObject({ unread_count: 1 });
    const messages = ok(
      await dewi
        .from("chat_messages")
        .select("body")
        .eq("thread_id", thread!.id)
        .order("created_at"),
    );
    expect(messages).toHaveLength(2);
  });

  it("member10 is platform support, answering member01's dongle question, and sees member01's Corolla", async () => {
    expect(ok(await member10.from("platform_support_staff").select("user_id"))).toHaveLength(1);
    const [thread] = ok(await member01.rpc("my_chat_threads")) as {
      id: string;
      unread_count: number;
    }[];
    expect(thread).toMatchObject({ unread_count: 1 });
    expect(
      ok(await member10.from("chat_messages").select("body").eq("thread_id", thread!.id)),
    ).toHaveLength(2);
    expect(
      ok(await member10.from("vehicles").select("make, model").eq("license_plate", "NJ 4RT 771")),
    ).toEqual([{ make: "Toyota", model: "Corolla" }]);
  });
});
