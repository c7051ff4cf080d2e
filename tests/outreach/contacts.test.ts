// Contacts and consent (0055_contacts): the contact book an organization's staff keep, CSV import
// (validated row by row, whole or nothing, duplicates merged) and export, accounts linked by
// confirmed email, and the consent history deciding consented_channels.
import { beforeAll, describe, expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { db } from "../helpers/db.ts";
import { organization, person } from "../surveys/helpers.ts";

type Org = Awaited<ReturnType<typeof organization>>;
let org: Org;

beforeAll(async () => {
  org = await organization(db());
});

const contactsOf = async (organizationId: string) =>
  db().sql<{
    email: string;
    full_name: string | null;
    company: string | null;
    tags: string[];
    custom_fields: Record<string, string>;
    consented_channels: string[];
    profile_id: string | null;
  }>(
    `select email, full_name, company, tags, custom_fields, consented_channels::text[] as consented_channels, profile_id from public.contacts where organization_id = $1 order by email`,
    [organizationId],
  );

describe("CSV import", () => {
  it("imports, merges duplicates by email, records consent and links confirmed accounts", async () => {
    const { id, staff } = await organization(db());
    const account = await person(db(), "Contact with account");
    const csv = [
      "Email,Name,Company,Tags,email_consent,city",
      `${account.email.toUpperCase()},Bob,ACME,vip;events,yes,Oslo`,
      'ann@example.test,"Ann, PhD",,,no,',
      "",
      `${account.email},,"ACME ""Two""",new,,Bergen`,
    ].join("\r\n");
    const result = ok(
      await staff.client.rpc("import_contacts", { p_organization_id: id, p_csv: csv }),
    );
    expect(result).toEqual({ rows: 3, created: 2, merged: 0, consents_recorded: 1 });
    expect(await contactsOf(id)).toEqual([
      {
        email: "ann@example.test",
        full_name: "Ann, PhD",
        company: null,
        tags: [],
        custom_fields: {},
        consented_channels: [],
        profile_id: null,
      },
      {
        email: account.email,
        full_name: "Bob",
        company: 'ACME "Two"',
        tags: ["events", "new", "vip"],
        custom_fields: { city: "Bergen" },
        consented_channels: ["email"],
        profile_id: account.id,
      },
    ]);

    // A second import merges into the book; the export imports again unchanged.
    const again = ok(
      await staff.client.rpc("import_contacts", {
        p_organization_id: id,
        p_csv: "email,full_name,phone\nann@example.test,Annie,+4712345678\n",
      }),
    );
    expect(again).toMatchObject({ created: 0, merged: 1 });
    const exported = ok(
      await staff.client.rpc("export_contacts_csv", { p_organization_id: id }),
    ) as string;
    expect(exported.split("\n")[0]).toBe(
      "email,full_name,phone,company,tags,email_consent,source,city",
    );
    // The phone's leading + is defused for spreadsheets, and the import takes the quote off again.
    expect(exported).toContain('"ann@example.test","Annie","\'+4712345678",,"",no,import,');
    const before = await contactsOf(id);
    const reimport = ok(
      await staff.client.rpc("import_contacts", { p_organization_id: id, p_csv: exported }),
    );
    expect(reimport).toMatchObject({ created: 0, merged: 2, consents_recorded: 0 });
    expect(await contactsOf(id)).toEqual(before);
  });

  it("refuses a file with bad rows whole, listing each row's errors", async () => {
    const { id, staff } = await organization(db());
    const csv =
      "email,name\nok@example.test,Fine\nnot-an-email,X\nthird@example.test,Y,extra\n,Z\n";
    const { error } = await staff.client.rpc("import_contacts", {
      p_organization_id: id,
      p_csv: csv,
    });
    expect(error).toMatchObject({
      code: "22023",
      message: "3 rows of the CSV are not valid; nothing was imported",
    });
    expect(JSON.parse(error!.details)).toEqual([
      { row: 3, errors: ["not-an-email is not an email address"] },
      { row: 4, errors: ["has 3 fields, the header 2"] },
      { row: 5, errors: ["email is missing"] },
    ]);
    expect(await contactsOf(id)).toEqual([]);
  });

  it.each([
    ["an unclosed quote", 'email\n"a@example.test\n', "the CSV is malformed"],
    ["a quote inside a field", 'email,name\na@example.test,Bo"b\n', "the CSV is malformed"],
    ["no email column", "name\nBob\n", "the CSV has no email column"],
    ["a header only", "email\n", "the CSV has no rows below its header"],
    [
      "a column named twice",
      "email,tags,Tags\na@example.test,x,y\n",
      "the CSV names a column twice",
    ],
    ["an empty file", "", "the CSV is empty"],
  ])("refuses %s with 400", async (_case, csv, message) => {
    const { error, status } = await org.staff.client.rpc("import_contacts", {
      p_organization_id: org.id,
      p_csv: csv,
    });
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: "22023", message });
    expect(await contactsOf(org.id)).toEqual([]);
  });

  it("is for the organization's staff only", async () => {
    const outsider = await organization(db());
    const csv = "email\nx@example.test\n";
    for (const client of [org.member.client, outsider.staff.client]) {
      const { status } = await client.rpc("import_contacts", {
        p_organization_id: org.id,
        p_csv: csv,
      });
      expect(status).toBe(403);
      const exported = await client.rpc("export_contacts_csv", { p_organization_id: org.id });
      expect(exported.status).toBe(403);
    }
    expect(await contactsOf(org.id)).toEqual([]);
  });
});

describe("contacts and consent", () => {
  it("keeps consented_channels from the latest consent per channel, with the history readable by staff", async () => {
    const { id, staff, member } = await organization(db());
    const contact = ok(
      await staff.client
        .from("contacts")
        .insert({
          organization_id: id,
          email: " Carol@Example.TEST ",
          tags: ["Track Day", "track day "],
        })
        .select("id, email, tags, consented_channels")
        .single<{ id: string; email: string; tags: string[]; consented_channels: string[] }>(),
    );
    expect(contact).toMatchObject({
      email: "carol@example.test",
      tags: ["track day"],
      consented_channels: [],
    });
    for (const [channel, granted] of [
      ["email", true],
      ["sms", true],
      ["sms", false],
    ] as const)
      ok(
        await staff.client
          .from("contact_consents")
          .insert({ contact_id: contact.id, channel, granted, method: "form" }),
      );
    const after = ok(
      await staff.client
        .from("contacts")
        .select("consented_channels")
        .eq("id", contact.id)
        .single(),
    );
    expect(after.consented_channels).toEqual(["email"]);
    const history = ok(
      await staff.client
        .from("contact_consents")
        .select("channel, granted, method, recorded_by")
        .eq("contact_id", contact.id)
        .order("id"),
    );
    expect(history).toEqual([
      { channel: "email", granted: true, method: "form", recorded_by: staff.id },
      { channel: "sms", granted: true, method: "form", recorded_by: staff.id },
      { channel: "sms", granted: false, method: "form", recorded_by: staff.id },
    ]);
    // consented_channels and profile_id are the database's, and members see nothing.
    const { error } = await staff.client
      .from("contacts")
      .update({ consented_channels: ["sms"] })
      .eq("id", contact.id);
    expect(error).toMatchObject({ code: "42501" });
    expect(ok(await member.client.from("contacts").select("id").eq("organization_id", id))).toEqual(
      [],
    );
  });

  it("links an account that confirms the contact's email later", async () => {
    const { id, staff } = await organization(db());
    const email = `later-${Date.now()}@example.test`;
    ok(await staff.client.from("contacts").insert({ organization_id: id, email }));
    expect((await contactsOf(id))[0]!.profile_id).toBeNull();
    const account = await db().createUser({}, email);
    expect((await contactsOf(id))[0]!.profile_id).toBe(account.id);
  });
});
