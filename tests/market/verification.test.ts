// Seller verification as a workflow (migration seller_verification): a person or a store's admin
// asks, platform admins approve or reject with a reason, the history stays, the seller's status
// follows, the requester is notified; organizations.is_verified follows the store's status.
import { beforeAll, describe, expect, it } from "vitest";
import { ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { notificationsOf, platformAdmin } from "./helpers.ts";

let admin: SignedInPerson;

beforeAll(async () => {
  admin = await platformAdmin("Verification Admin");
});

const request = (person: SignedInPerson, details: string, storeId?: string) =>
  person.client.rpc("request_seller_verification", { p_details: details, p_store_id: storeId });
const decide = (id: string, approve: boolean, reason?: string) =>
  admin.client.rpc("decide_seller_verification", {
    p_request_id: id,
    p_approve: approve,
    p_reason: reason,
  });
const profileStatus = async (id: string) =>
  (
    await sql<{ verification_status: string }>(
      "select verification_status from public.profiles where id = $1",
      [id],
    )
  )[0]?.verification_status;

describe("seller verification", () => {
  it("a person asks, is rejected with a reason, asks again and is verified; the history and notifications tell it", async () => {
    const seller = await signedInPerson("Verifying Seller");
    const first = ok(await request(seller, "Dealer licence TX-123")) as { id: string };
    expect(await profileStatus(seller.user.id)).toBe("pending");
    expect(await request(seller, "again")).toMatchObject({
      status: 409,
      error: { code: "PT409" },
    });
    // The seller cannot decide, nor set the status by hand.
    expect(
      await seller.client.rpc("decide_seller_verification", {
        p_request_id: first.id,
        p_approve: true,
      }),
    ).toMatchObject({ status: 403, error: { code: "42501" } });
    expect(
      await seller.client
        .from("profiles")
        .update({ verification_status: "verified" })
        .eq("id", seller.user.id),
    ).toMatchObject({ status: 403 });
    expect(await decide(first.id, false)).toMatchObject({ status: 400, error: { code: "22023" } });
    ok(await decide(first.id, false, "The licence number does not match the name."));
    expect(await profileStatus(seller.user.id)).toBe("rejected");
    expect(await decide(first.id, true)).toMatchObject({ status: 409 });

    const second = ok(await request(seller, "Licence TX-124 in my own name")) as { id: string };
    ok(await decide(second.id, true));
    expect(await profileStatus(seller.user.id)).toBe("verified");
    expect(await request(seller, "once more")).toMatchObject({ status: 409 });

    expect(
      ok(
        await seller.client
          .from("seller_verification_requests")
          .select("status, reason")
          .order("created_at"),
      ),
    ).toEqual([
      { status: "rejected", reason: "The licence number does not match the name." },
      { status: "approved", reason: null },
    ]);
    expect(
      (await notificationsOf(seller.user.id))
        .filter((n) => n.type === "verification_status")
        .map((n) => n.data.status),
    ).toEqual(["approved", "rejected"]);
  });

  it("a store's admin asks for the store; members who are not admins cannot; is_verified follows the status", async () => {
    const [owner, staff, outsider] = await Promise.all([
      signedInPerson("Verified Store Owner"),
      signedInPerson("Verified Store Staff"),
      signedInPerson("Verified Store Outsider"),
    ]);
    const [store] = await sql<{ id: string }>(
      `insert into public.organizations (kind, slug, display_name, created_by)
       values ('store', 'verify-' || substr(md5(random()::text), 1, 8), 'Verify Motors', $1) returning id`,
      [owner.user.id],
    );
    await sql(
      `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'staff')
       on conflict (organization_id, user_id) do update set role = excluded.role`,
      [store!.id, owner.user.id, staff.user.id],
    );
    expect(await request(staff, "NPWP 01.234", store!.id)).toMatchObject({
      status: 403,
      error: { code: "42501" },
    });
    expect(await request(outsider, "NPWP 01.234", store!.id)).toMatchObject({ status: 403 });
    const asked = ok(await request(owner, "NPWP 01.234", store!.id)) as {
      id: string;
      store_id: string;
      profile_id: string | null;
    };
    expect(asked).toMatchObject({ store_id: store!.id, profile_id: null });
    expect(
      ok(await staff.client.from("seller_verification_requests").select("id").eq("id", asked.id)),
    ).toEqual([]);
    ok(await decide(asked.id, true));
    expect(
      await sql("select verification_status, is_verified from public.organizations where id = $1", [
        store!.id,
      ]),
    ).toEqual([{ verification_status: "verified", is_verified: true }]);
    expect(
      (await notificationsOf(owner.user.id)).filter((n) => n.type === "verification_status"),
    ).toHaveLength(1);
    // The store's admins cannot change the status themselves; a platform admin can withdraw it.
    expect(
      await owner.client
        .from("organizations")
        .update({ verification_status: "rejected" })
        .eq("id", store!.id),
    ).toMatchObject({ status: 403 });
    ok(
      await admin.client
        .from("organizations")
        .update({ is_verified: false })
        .eq("id", store!.id)
        .select(),
    );
    expect(
      await sql("select verification_status, is_verified from public.organizations where id = $1", [
        store!.id,
      ]),
    ).toEqual([{ verification_status: "unverified", is_verified: false }]);
  });
});
