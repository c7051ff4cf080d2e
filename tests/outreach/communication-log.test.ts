// The communication log (0058_communication_log): staff's manual entries beside the campaign
// messages, consent changes and the linked account's notifications about the organization's own
// registrations, in one timeline per contact.
import { expect, it } from "vitest";
import { ok } from "../helpers/auth.ts";
import { db } from "../helpers/db.ts";
import { domainFixtures } from "../domain/fixtures.ts";
import { organization, person } from "../surveys/helpers.ts";

const { newEvent, register } = domainFixtures(db);

interface Entry {
  at: string;
  kind: string;
  channel: string | null;
  title: string;
  status: string | null;
}

it("puts calls, campaign messages, consent and the member's notifications about this organization in one timeline", async () => {
  const org = await organization(db());
  const other = await organization(db());
  const member = await person(db(), "Logged Member");
  // A registration with this organization and one with another: only the first is this log's.
  await register(member, await newEvent(org.id, { title: "Brake clinic" }));
  await register(member, await newEvent(other.id, { title: "Elsewhere" }));
  ok(
    await org.staff.client.rpc("import_contacts", {
      p_organization_id: org.id,
      p_csv: `email,full_name,email_consent\n${member.email},Logged Member,yes\n`,
    }),
  );
  const contact = ok(
    await org.staff.client
      .from("contacts")
      .select("id, profile_id")
      .eq("organization_id", org.id)
      .single<{ id: string; profile_id: string }>(),
  );
  expect(contact.profile_id).toBe(member.id);
  ok(
    await org.staff.client.from("contact_activities").insert({
      contact_id: contact.id,
      kind: "call",
      subject: "Asked about the brake clinic",
      occurred_at: new Date(Date.now() + 60_000).toISOString(),
    }),
  );
  const campaign = ok(
    await org.staff.client
      .from("email_campaigns")
      .insert({
        organization_id: org.id,
        name: "Invite",
        subject: "Hi {{first_name}}",
        body: "Come along.",
        contact_ids: [contact.id],
      })
      .select("id")
      .single<{ id: string }>(),
  );
  ok(await org.staff.client.rpc("send_campaign", { p_campaign_id: campaign.id }));

  const timeline = ok(
    await org.staff.client.rpc("contact_timeline", { p_contact_id: contact.id }),
  ) as Entry[];
  const summary = timeline.map(({ kind, channel, title, status }) => ({
    kind,
    channel,
    title,
    status,
  }));
  expect(summary[0]).toEqual({
    kind: "call",
    channel: "phone",
    title: "Asked about the brake clinic",
    status: null,
  });
  expect(summary).toContainEqual({
    kind: "campaign",
    channel: "email",
    title: "Hi {{first_name}}",
    status: "queued",
  });
  expect(summary).toContainEqual({
    kind: "consent",
    channel: "email",
    title: "consent given",
    status: "import",
  });
  const notifications = summary.filter((entry) => entry.kind === "notification");
  expect(notifications).toHaveLength(1);
  expect(notifications[0]!.title).toContain("Brake clinic");

  // Paged by time; another organization's staff and the member see nothing.
  const older = ok(
    await org.staff.client.rpc("contact_timeline", {
      p_contact_id: contact.id,
      p_before: timeline[0]!.at,
    }),
  ) as Entry[];
  expect(older).toHaveLength(timeline.length - 1);
  for (const client of [other.staff.client, member.client]) {
    const { status } = await client.rpc("contact_timeline", { p_contact_id: contact.id });
    expect(status).toBe(404);
  }
});
