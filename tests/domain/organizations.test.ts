// Organizations and invitations (sql/0002_organizations.sql): owners, the directory, invitations by
// email and by code, the person in charge.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anon, domainStack, pgError, slug, type Db, type DomainStack } from "./helpers.ts";
import { domainFixtures } from "./fixtures.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newOrganization } = domainFixtures(() => db);

describe("organizations and invitations", () => {
  it("the creator becomes owner, member_count follows, and the slug is unique", async () => {
    const org = await newOrganization();
    const [row] = await db.sql<{ member_count: number }>(
      "select member_count from public.organizations where id = $1",
      [org.id],
    );
    expect(row!.member_count).toBe(4);
    expect(
      await db.sql(
        "select role from public.organization_members where organization_id = $1 and user_id = $2",
        [org.id, org.owner.id],
      ),
    ).toEqual([{ role: "owner" }]);
    const [{ slug: taken }] = (await db.sql<{ slug: string }>(
      "select slug from public.organizations where id = $1",
      [org.id],
    )) as [{ slug: string }];
    expect(
      await pgError(
        db.query(
          org.member.claims,
          "insert into public.organizations (slug, display_name) values ($1, 'Copy')",
          [taken],
        ),
      ),
    ).toMatchObject({ code: "23505" });
  });

  it("the directory is searchable by name and city for signed-in users", async () => {
    const user = await db.createUser();
    const city = `City${randomUUID().slice(0, 6)}`;
    await db.query(
      user.claims,
      "insert into public.organizations (slug, display_name, city) values ($1, 'Searchable Motors', $2)",
      [slug("s"), city],
    );
    const found = await db.query(
      user.claims,
      "select display_name from public.organizations where display_name ilike '%searchable%' and city ilike $1",
      [city.toLowerCase()],
    );
    expect(found).toEqual([{ display_name: "Searchable Motors" }]);
  });

  it("an email invitation is accepted only by that address; a code invitation by whoever has the code, once", async () => {
    const org = await newOrganization();
    const invitee = await db.createUser();
    const stranger = await db.createUser();
    const [emailInvite] = await db.rpc<{ code: string; status: string }>(
      org.admin.claims,
      "create_organization_invitation",
      {
        p_organization_id: org.id,
        p_email: invitee.email.toUpperCase(),
        p_role: "staff",
      },
    );
    expect(emailInvite!.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    // The invitee sees it; a stranger does not, nor can accept it.
    expect(
      await db.query(
        invitee.claims,
        "select code from public.organization_invitations where organization_id = $1",
        [org.id],
      ),
    ).toHaveLength(1);
    expect(
      await db.query(
        stranger.claims,
        "select code from public.organization_invitations where organization_id = $1",
        [org.id],
      ),
    ).toHaveLength(0);
    expect(
      await pgError(
        db.rpc(stranger.claims, "accept_organization_invitation", { p_code: emailInvite!.code }),
      ),
    ).toMatchObject({ code: "42501" });
    const [member] = await db.rpc<{ role: string; invited_by: string }>(
      invitee.claims,
      "accept_organization_invitation",
      {
        p_code: emailInvite!.code.toLowerCase().replace(/(.{5})/, "$1-"),
      },
    );
    expect(member).toMatchObject({ role: "staff", invited_by: org.admin.id });
    expect(
      await pgError(
        db.rpc(invitee.claims, "accept_organization_invitation", { p_code: emailInvite!.code }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "this invitation was already accepted",
    });

    const [codeInvite] = await db.rpc<{ code: string }>(
      org.owner.claims,
      "create_organization_invitation",
      { p_organization_id: org.id },
    );
    const [declined] = await db.rpc<{ status: string }>(
      stranger.claims,
      "decline_organization_invitation",
      { p_code: codeInvite!.code },
    );
    expect(declined!.status).toBe("declined");
    expect(
      await pgError(
        db.rpc(stranger.claims, "accept_organization_invitation", { p_code: codeInvite!.code }),
      ),
    ).toMatchObject({ code: "PT409" });
    expect(
      await pgError(
        db.rpc(stranger.claims, "accept_organization_invitation", { p_code: "ZZZZZZZZZZ" }),
      ),
    ).toMatchObject({ code: "PT404" });
  });

  it("invitations expire, cannot make owners, and only admins and owners create them", async () => {
    const org = await newOrganization();
    const user = await db.createUser();
    expect(
      await pgError(
        db.rpc(org.staff.claims, "create_organization_invitation", { p_organization_id: org.id }),
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await pgError(db.rpc(anon, "create_organization_invitation", { p_organization_id: org.id })),
    ).toMatchObject({ code: "42501" });
    expect(
      await pgError(
        db.rpc(org.admin.claims, "create_organization_invitation", {
          p_organization_id: org.id,
          p_role: "owner",
        }),
      ),
    ).toMatchObject({ code: "22023" });
    expect(
      await pgError(
        db.rpc(org.admin.claims, "create_organization_invitation", {
          p_organization_id: org.id,
          p_email: org.member.email,
        }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "that person is already a member of the organization",
    });
    const [invite] = await db.rpc<{ id: string; code: string }>(
      org.admin.claims,
      "create_organization_invitation",
      { p_organization_id: org.id },
    );
    await db.sql(
      "update public.organization_invitations set created_at = now() - interval '20 days', expires_at = now() - interval '1 day' where id = $1",
      [invite!.id],
    );
    expect(
      await pgError(
        db.rpc(user.claims, "accept_organization_invitation", { p_code: invite!.code }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "this invitation has expired",
    });
    expect(
      await pgError(
        db.rpc(org.member.claims, "accept_organization_invitation", {
          p_code: (
            await db.rpc<{ code: string }>(org.admin.claims, "create_organization_invitation", {
              p_organization_id: org.id,
            })
          )[0]!.code,
        }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "you are already a member of this organization",
    });
  });

  it("set_person_in_charge moves the flag; only admins and owners may", async () => {
    const org = await newOrganization();
    await db.rpc(org.admin.claims, "set_person_in_charge", {
      p_organization_id: org.id,
      p_user_id: org.staff.id,
    });
    await db.rpc(org.owner.claims, "set_person_in_charge", {
      p_organization_id: org.id,
      p_user_id: org.member.id,
    });
    expect(
      await db.sql(
        "select user_id from public.organization_members where organization_id = $1 and is_person_in_charge",
        [org.id],
      ),
    ).toEqual([{ user_id: org.member.id }]);
    expect(
      await pgError(
        db.rpc(org.staff.claims, "set_person_in_charge", {
          p_organization_id: org.id,
          p_user_id: org.staff.id,
        }),
      ),
    ).toMatchObject({ code: "42501" });
    const outsider = await db.createUser();
    expect(
      await pgError(
        db.rpc(org.admin.claims, "set_person_in_charge", {
          p_organization_id: org.id,
          p_user_id: outsider.id,
        }),
      ),
    ).toMatchObject({ code: "PT404" });
  });
});
