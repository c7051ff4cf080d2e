// Certificates (sql/0007_certificates.sql): issuing, public verification, expiry and revocation,
// re-issue per CPD cycle, the document and the Open Badges export.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anon, domainStack, pgError, serviceRole, type Db, type DomainStack } from "./helpers.ts";
import { domainFixtures, soon } from "./fixtures.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newOrganization, newEvent, register } = domainFixtures(() => db);

describe("certificates", () => {
  async function attendedRegistration() {
    const org = await newOrganization();
    await db.sql(
      "insert into public.certificate_templates (organization_id, name, body, validity_months, is_default) values ($1, 'Default', 'Well done {{holder_name}}: {{title}} ({{verification_code}})', 12, true)",
      [org.id],
    );
    const eventId = await newEvent(org.id, {
      title: "Brake Systems Day",
      cpd_credits: 5,
      ...soon(),
    });
    const holder = await db.createUser({ full_name: "Holder Person" });
    const reg = await register(holder, eventId);
    await db.rpc(org.staff.claims, "check_in_by_token", { p_token: reg.check_in_token });
    return { org, eventId, holder, reg };
  }

  it("issues once for an attended registration; the holder or staff may ask; bulk issue returns the same", async () => {
    const { org, eventId, holder, reg } = await attendedRegistration();
    const stranger = await db.createUser();
    expect(
      await pgError(db.rpc(stranger.claims, "issue_certificate", { p_registration_id: reg.id })),
    ).toMatchObject({ code: "PT404" });
    const [first] = await db.rpc<{
      id: string;
      certificate_number: string;
      verification_code: string;
      expires_at: Date | null;
      holder_name: string;
    }>(holder.claims, "issue_certificate", { p_registration_id: reg.id });
    expect(first!.certificate_number).toMatch(/^PL-\d{4}-\d{6}$/);
    expect(first!.verification_code).toMatch(
      /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
    );
    expect(first!.expires_at).not.toBeNull();
    expect(first!.holder_name).toBe("Holder Person");
    const [second] = await db.rpc<{ id: string }>(org.staff.claims, "issue_certificate", {
      p_registration_id: reg.id,
    });
    expect(second!.id).toBe(first!.id);
    const bulk = await db.rpc<{ id: string }>(org.staff.claims, "issue_event_certificates", {
      p_event_id: eventId,
    });
    expect(bulk.map((c) => c.id)).toEqual([first!.id]);
    expect(
      await pgError(db.rpc(org.member.claims, "issue_event_certificates", { p_event_id: eventId })),
    ).toMatchObject({ code: "PT404" });
    expect(await pgError(db.rpc(holder.claims, "issue_certificate", {}))).toMatchObject({
      code: "22023",
    });

    // Not attended: refused.
    const absent = await register(await db.createUser(), eventId);
    expect(
      await pgError(
        db.rpc(org.staff.claims, "issue_certificate", { p_registration_id: absent.id }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "a certificate needs a confirmed registration that was checked in",
    });
  });

  it("public verification shows holder, what, when, issuer and valid, expired or revoked — nothing else", async () => {
    const { org, holder, reg } = await attendedRegistration();
    const [cert] = await db.rpc<{ id: string; verification_code: string }>(
      holder.claims,
      "issue_certificate",
      { p_registration_id: reg.id },
    );
    const verify = (code: string) =>
      db.rpc<Record<string, unknown>>(anon, "verify_certificate", { p_code: code });
    const [valid] = await verify(cert!.verification_code.toLowerCase().replaceAll("-", " "));
    expect(Object.keys(valid!).sort()).toEqual(
      [
        "achieved_at",
        "certificate_number",
        "expires_at",
        "holder_name",
        "issued_at",
        "issuer_name",
        "revoked_at",
        "status",
        "title",
      ].sort(),
    );
    expect(valid).toMatchObject({
      holder_name: "Holder Person",
      title: "Brake Systems Day",
      issuer_name: "Org",
      status: "valid",
    });

    expect(
      await pgError(
        db.rpc(org.staff.claims, "set_certificate_expiry", {
          p_certificate_id: cert!.id,
          p_expires_at: null,
        }),
      ),
    ).toMatchObject({ code: "PT404" });
    await db.sql(
      "update public.certificates set issued_at = now() - interval '2 days' where id = $1",
      [cert!.id],
    );
    await db.rpc(org.admin.claims, "set_certificate_expiry", {
      p_certificate_id: cert!.id,
      p_expires_at: new Date(Date.now() - 864e5).toISOString(),
    });
    expect((await verify(cert!.verification_code))[0]!.status).toBe("expired");

    expect(
      await pgError(
        db.rpc(org.staff.claims, "revoke_certificate", {
          p_certificate_id: cert!.id,
          p_reason: "x",
        }),
      ),
    ).toMatchObject({ code: "PT404" });
    expect(
      await pgError(
        db.rpc(org.admin.claims, "revoke_certificate", {
          p_certificate_id: cert!.id,
          p_reason: " ",
        }),
      ),
    ).toMatchObject({ code: "22023" });
    await db.rpc(org.owner.claims, "revoke_certificate", {
      p_certificate_id: cert!.id,
      p_reason: "issued in error",
    });
    expect((await verify(cert!.verification_code))[0]!.status).toBe("revoked");
    expect(
      await pgError(
        db.rpc(org.owner.claims, "revoke_certificate", {
          p_certificate_id: cert!.id,
          p_reason: "again",
        }),
      ),
    ).toMatchObject({ code: "PT409" });

    expect(await pgError(verify("AAAA-BBBB-CCCC"))).toMatchObject({ code: "PT404" });
    expect(await pgError(verify("short"))).toMatchObject({ code: "22023" });
  });

  it("re-issues per CPD cycle; the document and the Open Badges 3.0 export are for holder and staff", async () => {
    const { org, holder, reg } = await attendedRegistration();
    const [cert] = await db.rpc<{
      id: string;
      verification_code: string;
      certificate_number: string;
    }>(holder.claims, "issue_certificate", {
      p_registration_id: reg.id,
      p_cpd_cycle: "2025",
    });
    expect(
      await pgError(
        db.rpc(holder.claims, "reissue_certificate", {
          p_certificate_id: cert!.id,
          p_cpd_cycle: "2026",
        }),
      ),
    ).toMatchObject({ code: "PT404" });
    const [next] = await db.rpc<{
      id: string;
      reissue_of: string;
      cpd_cycle: string;
      certificate_number: string;
    }>(org.admin.claims, "reissue_certificate", {
      p_certificate_id: cert!.id,
      p_cpd_cycle: "2026",
    });
    expect(next).toMatchObject({ reissue_of: cert!.id, cpd_cycle: "2026" });
    expect(next!.certificate_number).not.toBe(cert!.certificate_number);
    expect(
      await pgError(
        db.rpc(org.admin.claims, "reissue_certificate", {
          p_certificate_id: cert!.id,
          p_cpd_cycle: "2026",
        }),
      ),
    ).toMatchObject({ code: "PT409" });

    const [{ certificate_document: doc }] = (await db.rpc<{
      certificate_document: Record<string, unknown>;
    }>(holder.claims, "certificate_document", {
      p_certificate_id: cert!.id,
    })) as [{ certificate_document: Record<string, unknown> }];
    expect(doc.body).toBe(
      `Well done Holder Person: Brake Systems Day (${cert!.verification_code})`,
    );
    expect(doc.verification_url).toMatch(
      new RegExp(`/certificates/verify/${cert!.verification_code}$`),
    );
    expect(doc.pdf_path).toBe(`${org.id}/${cert!.id}.pdf`);
    expect(
      await pgError(
        db.rpc(org.member.claims, "certificate_document", { p_certificate_id: cert!.id }),
      ),
    ).toMatchObject({ code: "PT404" });

    const [{ certificate_open_badge: badge }] = (await db.rpc<{
      certificate_open_badge: Record<string, any>;
    }>(org.staff.claims, "certificate_open_badge", {
      p_certificate_id: cert!.id,
    })) as [{ certificate_open_badge: Record<string, any> }];
    expect(badge["@context"]).toEqual([
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]);
    expect(badge.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(badge.issuer).toMatchObject({ type: ["Profile"], name: "Org" });
    expect(badge.credentialSubject.type).toEqual(["AchievementSubject"]);
    expect(badge.credentialSubject.achievement).toMatchObject({
      type: ["Achievement"],
      name: "Brake Systems Day",
    });
    expect(badge.validFrom).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(
      await pgError(db.rpc(anon, "certificate_open_badge", { p_certificate_id: cert!.id })),
    ).toMatchObject({ code: "42501" });

    // The edge function's hook.
    expect(
      await pgError(
        db.rpc(holder.claims, "attach_certificate_pdf", {
          p_certificate_id: cert!.id,
          p_pdf_path: `${org.id}/${cert!.id}.pdf`,
        }),
      ),
    ).toMatchObject({
      code: "42501",
    });
    const [attached] = await db.rpc<{ pdf_path: string }>(serviceRole, "attach_certificate_pdf", {
      p_certificate_id: cert!.id,
      p_pdf_path: `${org.id}/${cert!.id}.pdf`,
    });
    expect(attached!.pdf_path).toBe(`${org.id}/${cert!.id}.pdf`);
    expect(
      await pgError(
        db.rpc(serviceRole, "attach_certificate_pdf", {
          p_certificate_id: cert!.id,
          p_pdf_path: "../etc/passwd",
        }),
      ),
    ).toMatchObject({ code: "22023" });
  });
});
