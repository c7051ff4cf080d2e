// Seller verification as a workflow (migration seller_verification): a person or a store's admin
// asks, platform admins approve or reject with a reason, the history stays, the seller's status
// follows, the requester is notified; organizations.is_verified follows the store's status. Platform
// admins revoke a verification with a reason (migration marketplace_refunds_revocations).
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
  it("a platform admin revokes a person's verification with a reason: the history keeps it, the seller is told and may ask again", async () => {
    const [seller, bystander] = await Promise.all([
      signedInPerson("Revoked Seller"),
      signedInPerson("Revoke Bystander"),
    ]);
    const revoke = (as: SignedInPerson, args: Record<string, unknown>) =>
      as.client.rpc("revoke_seller_verification", args);
    const asked = ok(await request(seller, "Dealer licence TX-200")) as { id: string };
    // Not verified yet: nothing to revoke.
    expect(
      await revoke(admin, { p_profile_id: seller.user.id, p_reason: "Licence expired" }),
    ).toMatchObject({ status: 409, error: { code: "PT409" } });
    ok(await decide(asked.id, true));
    expect(
      await revoke(seller, { p_profile_id: seller.user.id, p_reason: "Changed my mind" }),
    ).toMatchObject({ status: 403, error: { code: "42501" } });
    expect(
      await revoke(bystander, { p_profile_id: seller.user.id, p_reason: "Looks fake" }),
    ).toMatchObject({ status: 403, error: { code: "42501" } });
    expect(await revoke(admin, { p_profile_id: seller.user.id, p_reason: " " })).toMatchObject({
      status: 400,
      error: { code: "22023" },
    });
    expect(await profileStatus(seller.user.id)).toBe("verified");

    const revoked = ok(
      await revoke(admin, { p_profile_id: seller.user.id, p_reason: "The licence was withdrawn" }),
    );
    expect(revoked).toMatchObject({
      profile_id: seller.user.id,
      store_id: null,
      status: "revoked",
      decided_by: admin.user.id,
      reason: "The licence was withdrawn",
    });
    expect(await profileStatus(seller.user.id)).toBe("unverified");
    expect(await revoke(admin, { p_profile_id: seller.user.id, p_reason: "Twice" })).toMatchObject({
      status: 409,
    });
    expect(
      ok(
        await seller.client
          .from("seller_verification_requests")
          .select("status, reason")
          .order("created_at"),
      ),
    ).toEqual([
      { status: "approved", reason: null },
      { status: "revoked", reason: "The licence was withdrawn" },
    ]);
    expect(
      (await notificationsOf(seller.user.id))
        .filter((n) => n.type === "verification_status")
        .map((n) => n.data.status),
    ).toEqual(["revoked", "approved"]);
    ok(await request(seller, "Licence TX-201, renewed"));
    expect(await profileStatus(seller.user.id)).toBe("pending");
  });

  it("revoking a store's verification tells its admins and turns is_verified off", async () => {
    const [owner, staff] = await Promise.all([
      signedInPerson("Revoked Store Owner"),
      signedInPerson("Revoked Store Staff"),
    ]);
    const [store] = await sql<{ id: string }>(
      `insert into public.organizations (kind, slug, display_name, created_by, is_verified)
       values ('store', 'revoke-' || substr(md5(random()::text), 1, 8), 'Revoke Motors', $1, true) returning id`,
      [owner.user.id],
    );
    await sql(
      `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'staff')
       on conflict (organization_id, user_id) do update set role = excluded.role`,
      [store!.id, owner.user.id, staff.user.id],
    );
    // Both subjects, or neither: 400.
    expect(
      await admin.client.rpc("revoke_seller_verification", {
        p_reason: "Closed",
        p_profile_id: owner.user.id,
        p_store_id: store!.id,
      }),
    ).toMatchObject({ status: 400, error: { code: "22023" } });
    ok(
      await admin.client.rpc("revoke_seller_verification", {
        p_reason: "The business registration lapsed",
        p_store_id: store!.id,
      }),
    );
    expect(
      await sql("select verification_status, is_verified from public.organizations where id = $1", [
        store!.id,
      ]),
    ).toEqual([{ verification_status: "unverified", is_verified: false }]);
    expect(
      (await notificationsOf(owner.user.id))
        .filter((n) => n.type === "verification_status")
        .map((n) => ({ status: n.data.status, reason: n.data.reason })),
    ).toEqual([{ status: "revoked", reason: "The business registration lapsed" }]);
    expect(
      (await notificationsOf(staff.user.id)).filter((n) => n.type === "verification_status"),
    ).toEqual([]);
    expect(
      ok(
        await owner.client
          .from("seller_verification_requests")
          .select("status, reason")
          .eq("store_id", store!.id),
      ),
    ).toEqual([{ status: "revoked", reason: "The business registration lapsed" }]);
  });
});
