// The demo outreach of seed/0012_outreach.sql, read as the Automotive Skills Academy's staff
// member Hadi: the contact book with consent, the "EV interested" segment's counts, the sent and
// draft campaigns, Rudi's communication log, and the masterclass's Zoom meeting.
import { expect, it } from "vitest";
import { accessTokenForEmail, ok } from "../helpers/auth.ts";
import { db, stack } from "../helpers/db.ts";
import { supabaseClient } from "../helpers/supabase.ts";

const academy = "e0000000-0000-4000-8000-000000000002";

it("seeds contacts, consent, a segment, campaigns, a log and a Zoom meeting", async () => {
  const hadi = supabaseClient(stack().anonKey, {
    accessToken: await accessTokenForEmail(db(), "hadi@skills-academy.test"),
  });
  const contacts = ok(
    await hadi
      .from("contacts")
      .select("email, consented_channels, profile_id")
      .eq("organization_id", academy)
      .order("email"),
  );
  expect(contacts.map((c) => [c.email, c.consented_channels, c.profile_id !== null])).toEqual([
    ["indah@skills-academy.test", ["email"], true],
    ["member01@example.test", ["email"], true],
    ["rudi@bengkel-rudi.test", ["email"], false],
    ["sari@autoparts.test", [], false],
    ["tono@garage.test", [], false],
  ]);
  expect(
    ok(await hadi.rpc("preview_segment", { p_organization_id: academy, p_rules: { tag: "ev" } })),
  ).toMatchObject({
    count: 3,
    email_consented: 2,
  });
  const campaigns = ok(
    await hadi
      .from("email_campaigns")
      .select("name, status, recipient_count")
      .eq("organization_id", academy)
      .order("name"),
  );
  expect(campaigns).toEqual([
    {
      name: "Hybrid masterclass invitation",
      status: expect.stringMatching(/^(sending|sent)$/),
      recipient_count: 2,
    },
    { name: "January newsletter", status: "draft", recipient_count: 0 },
  ]);
  const timeline = ok(
    await hadi.rpc("contact_timeline", { p_contact_id: "ea000000-0000-4000-8000-000000000003" }),
  ) as { kind: string }[];
  expect(new Set(timeline.map((entry) => entry.kind))).toEqual(
    new Set(["call", "campaign", "consent"]),
  );
  const [meeting] = ok(
    await hadi.from("zoom_meetings").select("zoom_meeting_id, duration_minutes"),
  );
  expect(meeting).toEqual({ zoom_meeting_id: "85512345678", duration_minutes: 1440 });
});
