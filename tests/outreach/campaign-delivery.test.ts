// A campaign end to end on a stack of its own whose functions send over SMTP into the stack's
// inbox: send_campaign → outbox → pg_net request after commit → email-delivery (template
// campaign, sender name, merge fields) → inbox; the open pixel and the click redirect through the
// campaign-tracking function; the one-click unsubscribe link withdrawing consent.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { emailsTo, type Email } from "../helpers/auth.ts";
import { claimsFor, Db } from "../helpers/db.ts";
import { freePort, spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";

let stack: SpawnedStack;
let db: Db;
let functionsDir: string;

beforeAll(async () => {
  const smtpPort = await freePort();
  functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-campaign-fn-"));
  await writeFile(
    path.join(functionsDir, ".env"),
    [
      "SMTP_HOST=127.0.0.1",
      `SMTP_PORT=${smtpPort}`,
      "SMTP_SECURE=false",
      `SMTP_SENDER="Pitlane <no-reply@pitlane.test>"`,
      "",
    ].join("\n"),
  );
  stack = await spawnStack({ smtpPort, args: ["--functions", functionsDir] });
  db = new Db(stack.dbUrl);
  // The seed's row points at the default port; this stack's function is elsewhere.
  await db.sql(
    "update private.email_delivery_endpoint set function_url = $1, service_role_key = $2",
    [`${stack.apiUrl}/functions/v1/email-delivery`, stack.serviceRoleKey],
  );
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  if (functionsDir) await rm(functionsDir, { recursive: true, force: true });
});

async function mailTo(address: string): Promise<Email> {
  for (let tries = 0; tries < 150; tries++) {
    const [mail] = await emailsTo(address, stack);
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail to ${address} within 30 s`);
}

it("delivers a tracked campaign, records its open and click, and unsubscribes in one click", async () => {
  const staff = await db.createUser({ full_name: "Campaign staff" });
  const [org] = await db.sql<{ id: string }>(
    "insert into public.organizations (slug, display_name, created_by) values ($1, 'Sentul Club', $2) returning id",
    [`club-${randomUUID().slice(0, 8)}`, staff.id],
  );
  const address = `fan-${randomUUID().slice(0, 8)}@example.test`;
  const claims = claimsFor(staff.id, staff.email);
  await db.rpc(claims, "import_contacts", {
    p_organization_id: org!.id,
    p_csv: `email,full_name,email_consent\n${address},Rina Wijaya,yes\n`,
  });
  const [campaign] = await db.query<{ id: string }>(
    claims,
    `insert into public.email_campaigns (organization_id, name, subject, sender_name, body, contact_ids, track_opens, track_clicks)
     select $1, 'Track day', 'Hi {{first_name}}', 'Sentul Events', 'Dear {{name}},\n\nBook at https://club.example.test/track?day=1 today.', array_agg(id), true, true
     from public.contacts where organization_id = $1 returning id`,
    [org!.id],
  );
  await db.rpc(claims, "send_campaign", { p_campaign_id: campaign!.id });

  const mail = await mailTo(address);
  expect(mail.subject).toBe("Hi Rina");
  expect(mail.text).toContain("Dear Rina Wijaya,");
  // The function records the send after the inbox has the mail: wait for the record.
  const recipientStatus = async () =>
    (
      await db.sql(
        "select status::text, sent_at is not null as sent from public.campaign_recipients where campaign_id = $1",
        [campaign!.id],
      )
    )[0];
  for (let tries = 0; tries < 50 && (await recipientStatus())?.status === "queued"; tries++)
    await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await recipientStatus()).toEqual({ status: "sent", sent: true });

  const tracking = `${stack.apiUrl}/functions/v1/campaign-tracking`;
  const pixel = /<img src="([^"]+)"/.exec(mail.html)![1]!;
  expect(pixel).toMatch(new RegExp(`^${tracking}/open/[0-9a-f-]{36}\\.gif$`));
  const opened = await fetch(pixel);
  expect(opened.headers.get("content-type")).toBe("image/gif");
  await opened.arrayBuffer();

  const click = /href="([^"]*\/click\/[^"]+)"/.exec(mail.html)![1]!.replaceAll("&amp;", "&");
  const followed = await fetch(click, { redirect: "manual" });
  expect(followed.status).toBe(302);
  expect(followed.headers.get("location")).toBe("https://club.example.test/track?day=1");
  // The redirect leads only to the campaign's own links, whole: a prefix of one names another host.
  for (const url of ["https://evil.example.test/", "https://club.example.te"]) {
    const forged = await fetch(click.replace(/u=[^&]+/, `u=${encodeURIComponent(url)}`), {
      redirect: "manual",
    });
    expect(forged.status, url).toBe(404);
    await forged.arrayBuffer();
  }
  const bad = await fetch(`${tracking}/click/not-a-uuid?u=x`, { redirect: "manual" });
  expect(bad.status).toBe(400);
  await bad.arrayBuffer();

  const [results] = await db.sql(
    "select opened_count, clicked_count, sent_count from public.email_campaigns where id = $1",
    [campaign!.id],
  );
  expect(results).toEqual({ opened_count: 1, clicked_count: 1, sent_count: 1 });

  const unsubscribe = /Unsubscribe: (\S+)/.exec(mail.text)![1]!;
  const done = await fetch(unsubscribe, { method: "POST", body: "List-Unsubscribe=One-Click" });
  expect(done.status).toBe(200);
  expect(await done.text()).toContain("emails from Sentul Club");
  const [contact] = await db.sql(
    "select consented_channels::text[] as channels from public.contacts where email = $1",
    [address],
  );
  expect(contact).toEqual({ channels: [] });
});
