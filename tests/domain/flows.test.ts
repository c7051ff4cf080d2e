// The people-and-events domain as an app uses it: supabase-js against the run's stack — Auth,
// REST, RPCs, Storage, Realtime and the certificates edge function — with users made through the
// admin API (or signing up), never by writing SQL for them. Refusals are checked to change nothing.

import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FunctionsHttpError, type SupabaseClient } from "@supabase/supabase-js";
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { describe, expect, it } from "vitest";
import {
  anonClient,
  ok,
  signedInPerson,
  uniqueEmail,
  type SignedInPerson,
} from "../helpers/auth.ts";
import { tinyPng } from "../helpers/files.ts";
import { sql, stack, testPassword } from "../helpers/db.ts";
import { spawnStack } from "../../supabase/stack/spawn-stack.ts";
import { readPdf } from "./pdf.ts";

const newSlug = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** An organization created through REST by a new owner, with people joining by invitation code. */
async function organization(
  roles: ("admin" | "staff" | "member")[] = ["admin", "staff", "member"],
) {
  const owner = await signedInPerson("Olivia Owner");
  const org = ok(
    await owner.client
      .from("organizations")
      .insert({ slug: newSlug("org"), display_name: "Flow Motors Academy", city: "Jakarta" })
      .select()
      .single(),
  );
  const people: Partial<Record<"admin" | "staff" | "member", SignedInPerson>> = {};
  for (const role of roles) {
    const joiner = await signedInPerson(`${role[0]!.toUpperCase()}${role.slice(1)} SignedInPerson`);
    const invitation = ok(
      await owner.client.rpc("create_organization_invitation", {
        p_organization_id: org.id,
        p_role: role,
      }),
    );
    ok(await joiner.client.rpc("accept_organization_invitation", { p_code: invitation.code }));
    people[role] = joiner;
  }
  return {
    id: org.id as string,
    owner,
    ...(people as Record<"admin" | "staff" | "member", SignedInPerson>),
  };
}

/** A published free event of the organization, created and published by its staff through REST. */
async function event(
  staff: SupabaseClient,
  organizationId: string,
  values: Record<string, unknown> = {},
) {
  const startsAt = Date.now() + 36e5;
  return ok<{ id: string; status: string } | null>(
    await staff
      .from("events")
      .insert({
        organization_id: organizationId,
        slug: newSlug("event"),
        title: "Flow Diagnostics Day",
        venue_name: "Workshop",
        starts_at: new Date(startsAt).toISOString(),
        ends_at: new Date(startsAt + 4 * 36e5).toISOString(),
        status: "published",
        cpd_credits: 4,
        ...values,
      })
      .select()
      .single(),
  );
}

async function functionError(
  promise: Promise<{ data: unknown; error: unknown }>,
): Promise<{ status: number; body: { error: { code: string; message: string } } }> {
  const { error } = await promise;
  expect(error).toBeInstanceOf(FunctionsHttpError);
  const response = (error as FunctionsHttpError).context as Response;
  return { status: response.status, body: await response.json() };
}

describe("people and organizations", () => {
  it("signing up creates a profile with the name given; the user cannot verify themselves", async () => {
    const client = anonClient();
    const email = uniqueEmail("signup");
    const { data, error } = await client.auth.signUp({
      email,
      password: testPassword,
      options: { data: { full_name: "Sam Signup" } },
    });
    expect(error).toBeNull();
    expect(data.session).not.toBeNull();
    const profile = ok(
      await client
        .from("profiles")
        .select("id, display_name, verification_status")
        .eq("id", data.user!.id)
        .single(),
    );
    expect(profile).toEqual({
      id: data.user!.id,
      display_name: "Sam Signup",
      verification_status: "unverified",
    });

    ok(await client.from("profiles").update({ display_name: "Sam S." }).eq("id", data.user!.id));
    const refused = await client
      .from("profiles")
      .update({ verification_status: "verified", verified_at: new Date().toISOString() })
      .eq("id", data.user!.id);
    expect(refused.error).not.toBeNull();
    expect(
      ok(
        await client
          .from("profiles")
          .select("display_name, verification_status")
          .eq("id", data.user!.id)
          .single(),
      ),
    ).toEqual({
      display_name: "Sam S.",
      verification_status: "unverified",
    });
  });

  it("the creator of an organization becomes its owner; a code invitation is accepted once", async () => {
    const owner = await signedInPerson("Owen Owner");
    const org = ok(
      await owner.client
        .from("organizations")
        .insert({ slug: newSlug("org"), display_name: "Owen's Garage", city: "Bandung" })
        .select()
        .single(),
    );
    expect(
      ok(
        await owner.client
          .from("organization_members")
          .select("user_id, role")
          .eq("organization_id", org.id),
      ),
    ).toEqual([{ user_id: owner.user.id, role: "owner" }]);

    const invitation = ok(
      await owner.client.rpc("create_organization_invitation", {
        p_organization_id: org.id,
        p_role: "staff",
      }),
    );
    expect(invitation.code).toMatch(/^[0-9A-Z]{10}$/);
    const joiner = await signedInPerson("Jo Joiner");
    expect(
      ok(
        await joiner.client.rpc("accept_organization_invitation", {
          p_code: invitation.code.toLowerCase(),
        }),
      ),
    ).toMatchObject({
      organization_id: org.id,
      user_id: joiner.user.id,
      role: "staff",
    });
    const again = await (
      await signedInPerson("Late Comer")
    ).client.rpc("accept_organization_invitation", { p_code: invitation.code });
    expect(again.error).toMatchObject({
      code: "PT409",
      message: "this invitation was already accepted",
    });
    const unknown = await joiner.client.rpc("accept_organization_invitation", {
      p_code: "ZZZZZZZZZZ",
    });
    expect(unknown.error).toMatchObject({ code: "PT404" });

    // A staff member cannot invite: only owners and admins.
    const refused = await joiner.client.rpc("create_organization_invitation", {
      p_organization_id: org.id,
    });
    expect(refused.error).toMatchObject({ code: "42501" });
    expect(
      ok(
        await owner.client
          .from("organization_members")
          .select("role")
          .eq("organization_id", org.id)
          .order("role"),
      ),
    ).toEqual([{ role: "staff" }, { role: "owner" }]);
  });

  it("an organization's admins upload its logo to Storage; members cannot", async () => {
    const org = await organization(["admin", "member"]);
    const path = `${org.id}/logo.png`;
    const denied = await org.member.client.storage
      .from("organization-logos")
      .upload(path, tinyPng, { contentType: "image/png" });
    expect(denied.error).not.toBeNull();
    ok(
      await org.admin.client.storage
        .from("organization-logos")
        .upload(path, tinyPng, { contentType: "image/png" }),
    );
    ok(await org.admin.client.from("organizations").update({ logo_path: path }).eq("id", org.id));

    const { publicUrl } = org.member.client.storage
      .from("organization-logos")
      .getPublicUrl(path).data;
    const response = await fetch(publicUrl);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(tinyPng);
    // Another organization's folder is refused even to this admin.
    const other = await organization([]);
    const elsewhere = await org.admin.client.storage
      .from("organization-logos")
      .upload(`${other.id}/logo.png`, tinyPng, { contentType: "image/png" });
    expect(elsewhere.error).not.toBeNull();
  });
});

describe("events and registrations", () => {
  it("a draft is invisible to anon and to outsiders; once published, everyone sees it", async () => {
    const org = await organization(["staff"]);
    const draft = await event(org.staff.client, org.id, { status: "draft" });
    const outsider = await signedInPerson("Outsider");
    expect(ok(await anonClient().from("events").select("id").eq("id", draft.id))).toEqual([]);
    expect(ok(await outsider.client.from("events").select("id").eq("id", draft.id))).toEqual([]);
    expect(ok(await org.staff.client.from("events").select("id").eq("id", draft.id))).toEqual([
      { id: draft.id },
    ]);
    const registering = await outsider.client.rpc("register_for_event", { p_event_id: draft.id });
    expect(registering.error).toMatchObject({ code: "PT404", message: "event not found" });

    // An outsider cannot publish it.
    expect(
      ok(
        await outsider.client
          .from("events")
          .update({ status: "published" })
          .eq("id", draft.id)
          .select(),
      ),
    ).toEqual([]);
    ok(await org.staff.client.from("events").update({ status: "published" }).eq("id", draft.id));
    expect(ok(await anonClient().from("events").select("id, status").eq("id", draft.id))).toEqual([
      { id: draft.id, status: "published" },
    ]);
  });

  it("free → confirmed, full → waitlisted; a cancellation offers the seat, which is claimed; then transferred", async () => {
    const org = await organization(["staff"]);
    const full = await event(org.staff.client, org.id, { capacity: 1 });
    const [ana, ben, cy] = await Promise.all([
      signedInPerson("Ana Attendee"),
      signedInPerson("Ben Waiting"),
      signedInPerson("Cy Recipient"),
    ]);

    const first = ok(await ana.client.rpc("register_for_event", { p_event_id: full.id }));
    expect(first).toMatchObject({ status: "confirmed", user_id: ana.user.id });
    expect(first.check_in_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const second = ok(await ben.client.rpc("register_for_event", { p_event_id: full.id }));
    expect(second).toMatchObject({ status: "waitlisted" });
    const twice = await ana.client.rpc("register_for_event", { p_event_id: full.id });
    expect(twice.error).toMatchObject({
      code: "PT409",
      message: "you are already registered for this event",
    });

    // Claiming before any offer is refused and changes nothing.
    const early = await ben.client.rpc("claim_waitlist_offer", { p_registration_id: second.id });
    expect(early.error).toMatchObject({ code: "PT409" });

    expect(
      ok(
        await ana.client.rpc("cancel_registration", {
          p_registration_id: first.id,
          p_reason: "cannot come",
        }),
      ),
    ).toMatchObject({ status: "cancelled" });
    const offered = ok(
      await ben.client
        .from("event_registrations")
        .select("status, offer_expires_at")
        .eq("id", second.id)
        .single(),
    );
    expect(offered.status).toBe("offered");
    expect(offered.offer_expires_at).not.toBeNull();
    // Someone else cannot claim Ben's offer.
    expect(
      (await cy.client.rpc("claim_waitlist_offer", { p_registration_id: second.id })).error,
    ).toMatchObject({ code: "PT404" });
    expect(
      ok(await ben.client.rpc("claim_waitlist_offer", { p_registration_id: second.id })),
    ).toMatchObject({ status: "confirmed" });

    // Staff see the event's registrants; a registrant sees only their own.
    expect(
      ok(
        await org.staff.client
          .from("event_registrations")
          .select("user_id, status")
          .eq("event_id", full.id)
          .order("created_at"),
      ),
    ).toEqual([
      { user_id: ana.user.id, status: "cancelled" },
      { user_id: ben.user.id, status: "confirmed" },
    ]);
    expect(
      ok(await cy.client.from("event_registrations").select("id").eq("event_id", full.id)),
    ).toEqual([]);

    const self = await ben.client.rpc("transfer_registration", {
      p_registration_id: second.id,
      p_recipient_id: ben.user.id,
    });
    expect(self.error).toMatchObject({ code: "22023", message: "transfer to someone else" });
    const transferred = ok(
      await ben.client.rpc("transfer_registration", {
        p_registration_id: second.id,
        p_recipient_id: cy.user.id,
      }),
    );
    expect(transferred).toMatchObject({
      user_id: cy.user.id,
      transferred_from_user_id: ben.user.id,
      status: "confirmed",
    });
    expect(transferred.check_in_token).not.toBe(second.check_in_token);
    expect(
      ok(await cy.client.from("event_registrations").select("id").eq("event_id", full.id)),
    ).toEqual([{ id: second.id }]);
    expect(
      ok(await ben.client.from("event_registrations").select("id").eq("id", second.id)),
    ).toEqual([]);
  });

  it("a registrant is told through Realtime when a waiting-list seat is offered to them", async () => {
    const org = await organization(["staff"]);
    const full = await event(org.staff.client, org.id, { capacity: 1 });
    const [ana, ben] = await Promise.all([
      signedInPerson("Ana Realtime"),
      signedInPerson("Ben Realtime"),
    ]);
    const first = ok(await ana.client.rpc("register_for_event", { p_event_id: full.id }));
    const waiting = ok(await ben.client.rpc("register_for_event", { p_event_id: full.id }));

    await ben.client.realtime.setAuth(
      (await ben.client.auth.getSession()).data.session!.access_token,
    );
    const changes: { status: string; id: string }[] = [];
    const offered = new Promise<void>((resolve, reject) => {
      const channel = ben.client
        .channel(`registrations-${waiting.id}`)
        .on(
          "postgres_changes",
          {
            event: "UPDATE",
            schema: "public",
            table: "event_registrations",
            filter: `user_id=eq.${ben.user.id}`,
          },
          (payload) => {
            changes.push(payload.new as { status: string; id: string });
            if ((payload.new as { status: string }).status === "offered") resolve();
          },
        )
        .subscribe((status, error) => {
          if (status === "SUBSCRIBED")
            void ana.client.rpc("cancel_registration", { p_registration_id: first.id }).then(ok);
          if (status === "CHANNEL_ERROR" || status === "TIMED_OUT")
            reject(error ?? new Error(status));
        });
      void channel;
    });
    await offered;
    await ben.client.removeAllChannels();
    expect(changes.at(-1)).toMatchObject({ id: waiting.id, status: "offered" });
  });

  it("staff check in by token once; a second scan answers already checked in; others cannot scan", async () => {
    const org = await organization(["staff", "member"]);
    const day = await event(org.staff.client, org.id);
    const attendee = await signedInPerson("Ida Attendee");
    const registration = ok(
      await attendee.client.rpc("register_for_event", { p_event_id: day.id }),
    );

    const byMember = await org.member.client.rpc("check_in_by_token", {
      p_token: registration.check_in_token,
    });
    expect(byMember.error).toMatchObject({ code: "PT404" });
    const first = ok(
      await org.staff.client.rpc("check_in_by_token", { p_token: registration.check_in_token }),
    );
    expect(first).toMatchObject({ result: "checked_in", registration_id: registration.id });
    const second = ok(
      await org.staff.client.rpc("check_in_by_token", { p_token: registration.check_in_token }),
    );
    expect(second).toMatchObject({
      result: "already_checked_in",
      registration_id: registration.id,
      checked_in_at: first.checked_in_at,
    });
    expect(
      ok(
        await attendee.client
          .from("event_registrations")
          .select("attended_at")
          .eq("id", registration.id)
          .single(),
      ).attended_at,
    ).not.toBeNull();
    const bogus = await org.staff.client.rpc("check_in_by_token", { p_token: "not-a-token" });
    expect(bogus.error).toMatchObject({ code: "PT404" });
  });
});

describe("certificates through the edge function", () => {
  /** An organization with a certificate template (signature image in Storage) and an attended event. */
  async function attendedEvent(attendees = 1) {
    const org = await organization(["admin", "staff", "member"]);
    const signaturePath = `${org.id}/templates/signature.png`;
    ok(
      await org.admin.client.storage
        .from("certificates")
        .upload(signaturePath, tinyPng, { contentType: "image/png" }),
    );
    ok(
      await org.admin.client.from("certificate_templates").insert({
        organization_id: org.id,
        name: "Default",
        title: "Certificate of Attendance",
        body: "{{holder_name}} attended {{title}} at {{organization}} and earned {{credits}} CPD credits.",
        primary_color: "#102A43",
        accent_color: "#D64545",
        signature_image_path: signaturePath,
        signatory_name: "Siti Signatory",
        signatory_title: "Head of Training",
        is_default: true,
      }),
    );
    const day = await event(org.staff.client, org.id);
    const people: (SignedInPerson & { registrationId: string })[] = [];
    for (let i = 0; i < attendees; i++) {
      const attendee = await signedInPerson(`Hana Holder ${String.fromCharCode(65 + i)}`);
      const registration = ok(
        await attendee.client.rpc("register_for_event", { p_event_id: day.id }),
      );
      ok(await org.staff.client.rpc("check_in_by_token", { p_token: registration.check_in_token }));
      people.push({ ...attendee, registrationId: registration.id });
    }
    return { org, event: day, attendees: people };
  }

  async function download(signedUrl: string): Promise<Uint8Array> {
    const response = await fetch(signedUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/pdf/);
    return new Uint8Array(await response.arrayBuffer());
  }

  it("issues a PDF with the holder's name, number, code and a QR code of the verification URL; issuing twice returns the same", async () => {
    const { org, attendees } = await attendedEvent();
    const holder = attendees[0]!;
    const { data, error } = await holder.client.functions.invoke("certificates/issue", {
      body: { registration_id: holder.registrationId },
    });
    expect(error).toBeNull();
    const { certificate, pdf } = data;
    expect(certificate).toMatchObject({
      holder_id: holder.user.id,
      holder_name: "Hana Holder A",
      registration_id: holder.registrationId,
      organization_id: org.id,
    });
    expect(certificate.verification_code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(pdf.path).toBe(`${org.id}/${certificate.id}.pdf`);

    const read = await readPdf(await download(pdf.signed_url));
    expect(read.pageCount).toBe(1);
    const url = (
      await sql<{ url: string }>("select private.verification_url($1) as url", [
        certificate.verification_code,
      ])
    )[0]!.url;
    expect(read.lines).toEqual(
      expect.arrayContaining([
        "Certificate of Attendance",
        "Hana Holder A",
        "Siti Signatory",
        `Certificate No. ${certificate.certificate_number}`,
        `Verification code: ${certificate.verification_code}`,
        url,
      ]),
    );
    expect(read.lines.join(" ")).toContain(
      "Hana Holder A attended Flow Diagnostics Day at Flow Motors Academy and earned 4 CPD credits.",
    );
    expect(read.qr).toBe(url);
    expect(read.images).toBe(1); // the signature from Storage
    expect(read.keywords).toContain(certificate.verification_code);

    // Issuing again, by the holder or by staff, returns the same certificate and PDF.
    const again = ok(
      await org.staff.client.functions.invoke("certificates/issue", {
        body: { registration_id: holder.registrationId },
      }),
    );
    expect(again.certificate).toMatchObject({
      id: certificate.id,
      verification_code: certificate.verification_code,
      pdf_path: pdf.path,
    });
    expect(again.certificate.pdf_generated_at).toBe(
      ok(
        await holder.client
          .from("certificates")
          .select("pdf_generated_at")
          .eq("id", certificate.id)
          .single(),
      ).pdf_generated_at,
    );
    expect(
      ok(
        await holder.client
          .from("certificates")
          .select("id")
          .eq("registration_id", holder.registrationId),
      ),
    ).toHaveLength(1);

    // The PDF itself is private: the bucket refuses outsiders, anon and the public URL.
    const outsider = await signedInPerson("Nosy Outsider");
    expect(
      (await outsider.client.storage.from("certificates").download(pdf.path)).error,
    ).not.toBeNull();
    expect(
      (await anonClient().storage.from("certificates").download(pdf.path)).error,
    ).not.toBeNull();
    expect(
      (await fetch(anonClient().storage.from("certificates").getPublicUrl(pdf.path).data.publicUrl))
        .status,
    ).toBeGreaterThanOrEqual(400);
    // A fresh signed URL for the holder, through the function.
    const link = ok(
      await holder.client.functions.invoke(`certificates/${certificate.id}/pdf`, { method: "GET" }),
    );
    expect((await readPdf(await download(link.pdf.signed_url))).lines).toContain("Hana Holder A");
  });

  it("refuses what the database refuses: someone else's registration, no check-in, bad input", async () => {
    const { org, event: day, attendees } = await attendedEvent();
    const outsider = await signedInPerson("Olga Outsider");
    const foreign = await functionError(
      outsider.client.functions.invoke("certificates/issue", {
        body: { registration_id: attendees[0]!.registrationId },
      }),
    );
    expect(foreign).toEqual({
      status: 404,
      body: { error: { code: "not_found", message: "registration not found" } },
    });

    const absent = await signedInPerson("Abe Absent");
    const registration = ok(await absent.client.rpc("register_for_event", { p_event_id: day.id }));
    const notAttended = await functionError(
      absent.client.functions.invoke("certificates/issue", {
        body: { registration_id: registration.id },
      }),
    );
    expect(notAttended).toEqual({
      status: 409,
      body: {
        error: {
          code: "conflict",
          message: "a certificate needs a confirmed registration that was checked in",
        },
      },
    });

    const both = await functionError(
      absent.client.functions.invoke("certificates/issue", {
        body: { registration_id: registration.id, enrollment_id: registration.id },
      }),
    );
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe("invalid_request");
    const notUuid = await functionError(
      absent.client.functions.invoke("certificates/issue", { body: { registration_id: "42" } }),
    );
    expect(notUuid.body.error).toMatchObject({
      code: "invalid_request",
      message: expect.stringContaining("registration_id"),
    });
    const route = await functionError(
      absent.client.functions.invoke("certificates/nothing-here", { body: {} }),
    );
    expect(route.status).toBe(404);
    // Anon may not issue: the RPC is not granted to anon.
    const anonymous = await functionError(
      anonClient().functions.invoke("certificates/issue", {
        body: { registration_id: attendees[0]!.registrationId },
      }),
    );
    expect(anonymous.status).toBe(403);

    const [{ count }] = (await sql<{ count: string }>(
      "select count(*) from public.certificates c join public.event_registrations r on r.id = c.registration_id where r.event_id = $1",
      [day.id],
    )) as [{ count: string }];
    expect(Number(count)).toBe(0);
    void org;
  });

  it("verifies publicly by code: valid, then revoked; another expired; only the public fields", async () => {
    const { org, attendees } = await attendedEvent(2);
    const [first, second] = attendees as [
      SignedInPerson & { registrationId: string },
      SignedInPerson & { registrationId: string },
    ];
    const a = ok(
      await first.client.functions.invoke("certificates/issue", {
        body: { registration_id: first.registrationId },
      }),
    ).certificate;
    const b = ok(
      await second.client.functions.invoke("certificates/issue", {
        body: { registration_id: second.registrationId },
      }),
    ).certificate;

    const anon = anonClient();
    const valid = ok(
      await anon.functions.invoke(
        `certificates/verify/${a.verification_code.toLowerCase().replaceAll("-", " ")}`,
        { method: "GET" },
      ),
    );
    expect(valid.verification).toEqual({
      holder_name: "Hana Holder A",
      title: "Flow Diagnostics Day",
      achieved_at: expect.any(String),
      issued_at: expect.any(String),
      expires_at: null,
      issuer_name: "Flow Motors Academy",
      certificate_number: a.certificate_number,
      status: "valid",
      revoked_at: null,
    });
    // The same answer through the RPC an app calls directly.
    expect(ok(await anon.rpc("verify_certificate", { p_code: a.verification_code }))).toEqual([
      valid.verification,
    ]);

    // Only admins of the issuing organization revoke; staff and the holder cannot.
    const byStaff = await functionError(
      org.staff.client.functions.invoke("certificates/revoke", {
        body: { certificate_id: a.id, reason: "error" },
      }),
    );
    expect(byStaff.status).toBe(404);
    const byHolder = await functionError(
      first.client.functions.invoke("certificates/revoke", {
        body: { certificate_id: a.id, reason: "error" },
      }),
    );
    expect(byHolder.status).toBe(404);
    expect(
      ok(
        await anon.functions.invoke(`certificates/verify/${a.verification_code}`, {
          method: "GET",
        }),
      ).verification.status,
    ).toBe("valid");
    const revoked = ok(
      await org.admin.client.functions.invoke("certificates/revoke", {
        body: { certificate_id: a.id, reason: "issued in error" },
      }),
    );
    expect(revoked.certificate).toMatchObject({ id: a.id, revocation_reason: "issued in error" });
    const afterRevocation = ok(
      await anon.functions.invoke("certificates/verify", { body: { code: a.verification_code } }),
    ).verification;
    expect(afterRevocation).toMatchObject({
      status: "revoked",
      revoked_at: expect.any(String),
      holder_name: "Hana Holder A",
    });
    expect(afterRevocation).not.toHaveProperty("revocation_reason");
    const revokeAgain = await functionError(
      org.admin.client.functions.invoke("certificates/revoke", {
        body: { certificate_id: a.id, reason: "again" },
      }),
    );
    expect(revokeAgain.body.error.message).toBe("this certificate is already revoked");

    // Expiry: the admin sets it to just after issue, so it has passed.
    const expiresAt = new Date(new Date(b.issued_at).getTime() + 1).toISOString();
    const badExpiry = await functionError(
      org.admin.client.functions.invoke("certificates/expiry", {
        body: { certificate_id: b.id, expires_at: "2000-01-01T00:00:00Z" },
      }),
    );
    expect(badExpiry).toEqual({
      status: 400,
      body: {
        error: { code: "rejected", message: "a certificate must expire after it was issued" },
      },
    });
    ok(
      await org.admin.client.functions.invoke("certificates/expiry", {
        body: { certificate_id: b.id, expires_at: expiresAt },
      }),
    );
    const expired = ok(
      await anon.functions.invoke(`certificates/verify/${b.verification_code}`, { method: "GET" }),
    ).verification;
    expect(expired).toMatchObject({
      status: "expired",
      holder_name: "Hana Holder B",
      revoked_at: null,
    });
    expect(new Date(expired.expires_at).getTime()).toBe(new Date(expiresAt).getTime());

    const unknown = await functionError(
      anon.functions.invoke("certificates/verify/AAAA-BBBB-CCCC", { method: "GET" }),
    );
    expect(unknown).toEqual({
      status: 404,
      body: { error: { code: "not_found", message: "no certificate has this verification code" } },
    });
    const malformed = await functionError(
      anon.functions.invoke("certificates/verify/123", { method: "GET" }),
    );
    expect(malformed.status).toBe(400);
  });

  it("bulk-issues for an event's attendees (staff only), re-issues for a new CPD cycle and exports Open Badges 3.0", async () => {
    const { org, event: day, attendees } = await attendedEvent(2);
    const refused = await functionError(
      attendees[0]!.client.functions.invoke("certificates/issue-event", {
        body: { event_id: day.id },
      }),
    );
    expect(refused.status).toBe(404);

    const bulk = ok(
      await org.staff.client.functions.invoke("certificates/issue-event", {
        body: { event_id: day.id },
      }),
    );
    expect(bulk.certificates).toHaveLength(2);
    expect(
      bulk.certificates
        .map((entry: { certificate: { holder_id: string } }) => entry.certificate.holder_id)
        .sort(),
    ).toEqual(attendees.map((attendee) => attendee.user.id).sort());
    for (const entry of bulk.certificates as {
      certificate: { holder_name: string; verification_code: string };
      pdf: { signed_url: string };
    }[]) {
      const read = await readPdf(await download(entry.pdf.signed_url));
      expect(read.lines).toContain(entry.certificate.holder_name);
      expect(read.lines).toContain(`Verification code: ${entry.certificate.verification_code}`);
    }
    // Bulk issue again: the same certificates.
    const again = ok(
      await org.staff.client.functions.invoke("certificates/issue-event", {
        body: { event_id: day.id },
      }),
    );
    expect(
      again.certificates
        .map((entry: { certificate: { id: string } }) => entry.certificate.id)
        .sort(),
    ).toEqual(
      bulk.certificates
        .map((entry: { certificate: { id: string } }) => entry.certificate.id)
        .sort(),
    );

    const original = bulk.certificates[0].certificate;
    const byStaff = await functionError(
      org.staff.client.functions.invoke("certificates/reissue", {
        body: { certificate_id: original.id, cpd_cycle: "2027" },
      }),
    );
    expect(byStaff.status).toBe(404);
    const reissued = ok(
      await org.admin.client.functions.invoke("certificates/reissue", {
        body: { certificate_id: original.id, cpd_cycle: "2027" },
      }),
    );
    expect(reissued.certificate).toMatchObject({
      reissue_of: original.id,
      cpd_cycle: "2027",
      holder_id: original.holder_id,
    });
    expect(reissued.certificate.verification_code).not.toBe(original.verification_code);
    const reissuedPdf = await readPdf(await download(reissued.pdf.signed_url));
    expect(reissuedPdf.lines).toContain(
      `Verification code: ${reissued.certificate.verification_code}`,
    );
    expect(reissuedPdf.lines.join(" ")).toContain("CPD cycle: 2027");
    const twice = await functionError(
      org.admin.client.functions.invoke("certificates/reissue", {
        body: { certificate_id: original.id, cpd_cycle: "2027" },
      }),
    );
    expect(twice.body.error.message).toBe("a certificate was already issued for the 2027 cycle");

    const holder = attendees.find((attendee) => attendee.user.id === original.holder_id)!;
    const badge = ok(
      await holder.client.functions.invoke(`certificates/${original.id}/badge`, { method: "GET" }),
    );
    expect(badge).toMatchObject({
      "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
      ],
      id: `urn:uuid:${original.id}`,
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: { type: ["Profile"], name: "Flow Motors Academy" },
      credentialSubject: {
        type: ["AchievementSubject"],
        achievement: { type: ["Achievement"], name: "Flow Diagnostics Day" },
      },
    });
    expect(badge.evidence[0].id).toContain(original.verification_code);
    const outsider = await signedInPerson("Badge Outsider");
    expect(
      (
        await functionError(
          outsider.client.functions.invoke(`certificates/${original.id}/badge`, { method: "GET" }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await functionError(
          anonClient().functions.invoke(`certificates/${original.id}/badge`, { method: "GET" }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await functionError(
          outsider.client.functions.invoke(`certificates/${original.id}/badge?format=jwt`, {
            method: "GET",
          }),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await functionError(
          anonClient().functions.invoke(`certificates/${original.id}/badge?format=jwt`, {
            method: "GET",
          }),
        )
      ).status,
    ).toBe(403);
    const badFormat = await functionError(
      holder.client.functions.invoke(`certificates/${original.id}/badge?format=xml`, {
        method: "GET",
      }),
    );
    expect(badFormat.body.error).toMatchObject({
      code: "invalid_request",
      message: expect.stringContaining("format"),
    });
  });

  it("signs the Open Badges 3.0 credential as a VC-JWT that verifies against the published JWKS", async () => {
    const { org, attendees } = await attendedEvent();
    const holder = attendees[0]!;
    const { certificate } = ok(
      await holder.client.functions.invoke("certificates/issue", {
        body: { registration_id: holder.registrationId },
      }),
    );
    const badge = ok(
      await holder.client.functions.invoke(`certificates/${certificate.id}/badge`, {
        method: "GET",
      }),
    );
    const token = ok<string | null>(
      await holder.client.functions.invoke(`certificates/${certificate.id}/badge?format=jwt`, {
        method: "GET",
      }),
    );
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    // The JOSE header as Open Badges 3.0 allows it: alg, a kid URL that dereferences to the JWK, typ JWT.
    const header = decodeProtectedHeader(token);
    expect(Object.keys(header).sort()).toEqual(["alg", "kid", "typ"]);
    expect(header).toMatchObject({ alg: "EdDSA", typ: "JWT" });
    const kid = new URL(header.kid!);
    expect(`${kid.origin}${kid.pathname}`).toBe(
      `${new URL(stack().apiUrl).origin}/functions/v1/certificates/.well-known/jwks.json`,
    );
    expect(kid.hash.length).toBeGreaterThan(1);

    // Dereference the kid as a verifier does, with no key at all: the JWKS is public.
    const response = await fetch(`${kid.origin}${kid.pathname}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/jwk-set\+json/);
    const { keys } = (await response.json()) as { keys: JWK[] };
    expect(keys).toHaveLength(1);
    const jwk = keys.find((key) => key.kid === header.kid)!;
    expect(jwk).toMatchObject({
      kty: "OKP",
      crv: "Ed25519",
      alg: "EdDSA",
      use: "sig",
      x: expect.any(String),
    });
    expect(jwk).not.toHaveProperty("d");

    const issuedAt = Math.floor(new Date(certificate.issued_at).getTime() / 1000);
    const expected = {
      issuer: badge.issuer.id as string,
      subject: `urn:uuid:${holder.user.id}`,
      algorithms: ["EdDSA"],
      typ: "JWT",
    };
    const { payload } = await jwtVerify(token, await importJWK(jwk, "EdDSA"), expected);
    // The registered claims mirror the credential (Open Badges 3.0 with VCDM 2.0)...
    expect(payload).toMatchObject({
      iss: expected.issuer,
      sub: expected.subject,
      jti: `urn:uuid:${certificate.id}`,
      nbf: issuedAt,
    });
    expect(payload).not.toHaveProperty("exp");
    expect(payload.iss).toMatch(/\/organizations\//);
    // ...and the payload is the credential itself: holder, achievement, issuer and dates.
    expect(payload).toMatchObject(badge);
    expect(payload).toMatchObject({
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: { name: "Flow Motors Academy" },
      validFrom: new Date(issuedAt * 1000).toISOString().replace(".000Z", "Z"),
      credentialSubject: {
        id: `urn:uuid:${holder.user.id}`,
        identifier: [{ identityType: "name", identityHash: "Hana Holder A" }],
        achievement: { name: "Flow Diagnostics Day", achievementType: "Certificate" },
      },
    });
    expect(payload).not.toHaveProperty("proof");

    // A JOSE library verifying through the JWKS URL (kid matching) accepts it too; the Accept
    // header asks for the same token.
    const remote = createRemoteJWKSet(new URL(`${kid.origin}${kid.pathname}`), {
      headers: { apikey: stack().anonKey },
    });
    const byAccept = ok<string | null>(
      await holder.client.functions.invoke(`certificates/${certificate.id}/badge`, {
        method: "GET",
        headers: { Accept: "application/vc+jwt" },
      }),
    );
    expect((await jwtVerify(byAccept, remote, expected)).payload).toEqual(payload);

    // Tampering fails: another name in the payload under the same signature...
    const [encodedHeader, , signature] = token.split(".");
    const forged = {
      ...payload,
      credentialSubject: {
        ...(payload.credentialSubject as object),
        identifier: [
          { type: "IdentityObject", identityType: "name", hashed: false, identityHash: "Mallory" },
        ],
      },
    };
    const tampered = `${encodedHeader}.${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;
    await expect(jwtVerify(tampered, remote, expected)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
    // ...and so does a token signed by another key that claims the issuer's kid.
    const other = generateKeyPairSync("ed25519").privateKey;
    const impostor = await new SignJWT(forged)
      .setProtectedHeader({ alg: "EdDSA", kid: header.kid!, typ: "JWT" })
      .sign(other);
    await expect(jwtVerify(impostor, remote, expected)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });

    // An expiry becomes validUntil and the exp claim; a revocation is signed into the credential.
    const expiresAt = new Date((issuedAt + 365 * 86400) * 1000).toISOString();
    ok(
      await org.admin.client.functions.invoke("certificates/expiry", {
        body: { certificate_id: certificate.id, expires_at: expiresAt },
      }),
    );
    ok(
      await org.admin.client.functions.invoke("certificates/revoke", {
        body: { certificate_id: certificate.id, reason: "issued in error" },
      }),
    );
    const later = ok<string | null>(
      await org.staff.client.functions.invoke(`certificates/${certificate.id}/badge?format=jwt`, {
        method: "GET",
      }),
    );
    const { payload: revoked } = await jwtVerify(later, remote, expected);
    expect(revoked).toMatchObject({
      exp: issuedAt + 365 * 86400,
      validUntil: expiresAt.replace(".000Z", "Z"),
      credentialStatus: { revoked: true },
    });
  });

  it("answers 503 for the signed badge and the JWKS when no signing key is configured", async () => {
    // A stack whose functions have no secrets at all (an empty functions folder for their .env).
    const functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-nokey-fn-"));
    const bare = await spawnStack({ args: ["--functions", functionsDir] });
    try {
      const call = async (route: string, headers: Record<string, string> = {}) => {
        const response = await fetch(`${bare.apiUrl}/functions/v1/certificates/${route}`, {
          headers: { apikey: bare.anonKey, ...headers },
        });
        return { status: response.status, body: await response.json() };
      };
      const jwks = await call(".well-known/jwks.json");
      expect(jwks.status).toBe(503);
      expect(jwks.body.error).toMatchObject({
        code: "signing_not_configured",
        message: expect.stringContaining("CERTIFICATES_SIGNING_KEY"),
      });
      const signed = await call(`${randomUUID()}/badge?format=jwt`);
      expect(signed).toEqual(jwks);
      expect((await call(`${randomUUID()}/badge`, { Accept: "application/vc+jwt" })).status).toBe(
        503,
      );
      // The unsigned JSON form needs no key: it goes on to the database (anon may not read badges).
      expect((await call(`${randomUUID()}/badge`)).status).toBe(403);

      // A key that cannot sign is refused as clearly, and never echoed (the functions reload their .env).
      await writeFile(
        path.join(functionsDir, ".env"),
        `CERTIFICATES_SIGNING_KEY='{"kty":"oct","k":"c2VjcmV0LXNlY3JldA"}'\n`,
      );
      await expect
        .poll(async () => (await call(".well-known/jwks.json")).body.error?.message, {
          timeout: 20_000,
          interval: 250,
        })
        .toMatch(/must be an Ed25519 \(OKP\), P-256 \(EC\) or RSA key/);
      expect(JSON.stringify(await call(".well-known/jwks.json"))).not.toContain(
        "c2VjcmV0LXNlY3JldA",
      );
      const publicOnly = JSON.stringify(
        generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }),
      );
      await writeFile(
        path.join(functionsDir, ".env"),
        `CERTIFICATES_SIGNING_KEY='${publicOnly}'\n`,
      );
      await expect
        .poll(async () => (await call(".well-known/jwks.json")).body.error?.message, {
          timeout: 20_000,
          interval: 250,
        })
        .toMatch(/no private part/);
    } finally {
      await bare.stop();
      await rm(bare.dataDir, { recursive: true, force: true });
      await rm(functionsDir, { recursive: true, force: true });
    }
  }, 180_000);

  it("needs a JWT on every route but the JWKS, and refuses a forged one", async () => {
    const missing = await fetch(
      `${stack().apiUrl}/functions/v1/certificates/verify/AAAA-BBBB-CCCC`,
    );
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: "unauthorized" } });
    const forged = await new SignJWT({ role: "service_role" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("not-the-project-secret-not-the-project-secret"));
    const refused = await fetch(
      `${stack().apiUrl}/functions/v1/certificates/verify/AAAA-BBBB-CCCC`,
      {
        headers: { Authorization: `Bearer ${forged}`, apikey: stack().anonKey },
      },
    );
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});
