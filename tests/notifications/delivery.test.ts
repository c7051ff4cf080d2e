// Email delivery end to end on a stack of its own whose functions send over SMTP into the stack's
// inbox: private.notify() → outbox → pg_net request after commit → email-delivery function →
// SMTP → inbox (read through its Mailpit API), in English and Indonesian; one-click unsubscribe;
// malformed rows failed for good; concurrent runs sending each email once; the cron job.

import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../helpers/db.ts";
import { freePort, spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";

let stack: SpawnedStack;
let db: Db;
let functionsDir: string;

beforeAll(async () => {
  const smtpPort = await freePort();
  functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-delivery-fn-"));
  await writeFile(
    path.join(functionsDir, ".env"),
    [
      `SMTP_HOST=127.0.0.1`,
      `SMTP_PORT=${smtpPort}`,
      "SMTP_SECURE=false",
      `SMTP_SENDER="Pitlane <no-reply@pitlane.test>"`,
      "PUBLIC_SITE_URL=https://app.pitlane.test",
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
  // Seeded mail goes out first, so that what the tests count is theirs.
  await db.sql(
    "select cron.alter_job(jobid, active := false) from cron.job where jobname = 'notification-jobs'",
  );
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  if (functionsDir) await rm(functionsDir, { recursive: true, force: true });
});

interface Mail {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
}

async function mailTo(address: string, count = 1): Promise<any[]> {
  for (let tries = 0; tries < 150; tries++) {
    const response = await fetch(
      `http://127.0.0.1:${stack.inboxPort}/api/v1/search?query=${encodeURIComponent(`to:${address}`)}`,
    );
    const { messages } = (await response.json()) as { messages: Mail[] };
    if (messages.length >= count) {
      return Promise.all(
        messages.map(async (m) =>
          (await fetch(`http://127.0.0.1:${stack.inboxPort}/api/v1/message/${m.ID}`)).json(),
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail to ${address} within 30 s`);
}

const user = () =>
  db.createUser({ full_name: "Reader" }, `reader-${randomUUID().slice(0, 8)}@example.test`);
const statusOf = async (address: string) =>
  db.sql<{
    status: string;
    attempts: number;
    last_error: string | null;
    message_id: string | null;
  }>(
    "select status, attempts, last_error, message_id from public.email_outbox where to_email = $1 order by id",
    [address],
  );
const deliver = (key = stack.serviceRoleKey) =>
  fetch(`${stack.apiUrl}/functions/v1/email-delivery`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: "{}",
  });

describe("delivery", () => {
  it("a notification's email arrives right after commit, with text, HTML, a stable Message-ID and a one-click unsubscribe link", async () => {
    const person = await user();
    await db.sql(
      "select private.notify('price_alert', $1::uuid[], 'Brake pads are cheaper', 'Now IDR 450,000', '{}'::jsonb, null, null, '/parts/42')",
      [[person.id]],
    );
    const [mail] = await mailTo(person.email);
    expect(mail).toMatchObject({
      Subject: "Brake pads are cheaper",
      From: { Address: "no-reply@pitlane.test" },
    });
    expect(mail.Text).toContain("Now IDR 450,000");
    expect(mail.Text).toContain("https://app.pitlane.test/parts/42");
    expect(mail.HTML).toContain('<a href="https://app.pitlane.test/parts/42">Open in Pitlane</a>');
    const [row] = await statusOf(person.email);
    expect(row).toMatchObject({ status: "sent", attempts: 1, last_error: null });
    expect(`<${mail.MessageID}>`).toBe(row!.message_id);

    const link: string = mail.ListUnsubscribe.Links[0];
    expect(link).toMatch(new RegExp(`^${stack.apiUrl}/functions/v1/unsubscribe\\?token=`));
    expect(mail.ListUnsubscribe.HeaderPost).toBe("List-Unsubscribe=One-Click");
    // Opening the link changes nothing; the one-click POST turns the type's email off.
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<form method="post"');
    expect(
      await db.sql("select email from public.notification_preferences where user_id = $1", [
        person.id,
      ]),
    ).toEqual([]);
    const clicked = await fetch(link, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(clicked.status).toBe(200);
    expect(await clicked.text()).toContain("You are unsubscribed");
    expect(
      await db.sql(
        "select email from public.notification_preferences where user_id = $1 and type = 'price_alert'",
        [person.id],
      ),
    ).toEqual([{ email: false }]);
    // A forged link is refused and changes nothing.
    const forged = await fetch(link.replace(person.id, randomUUID()), { method: "POST" });
    expect(forged.status).toBe(403);
  });

  it("Indonesian emails, essential ones without an unsubscribe link, and a digest", async () => {
    const person = await user();
    await db.sql("update public.notification_settings set locale = 'id' where user_id = $1", [
      person.id,
    ]);
    await db.sql(
      `select private.notify('invoice_paid', $1::uuid[], 'Payment received', null,
         '{"invoice_number": "I1ABC", "amount": 150000, "currency": "IDR", "formatted_amount": "IDR 150,000"}'::jsonb)`,
      [[person.id]],
    );
    const [receipt] = await mailTo(person.email);
    expect(receipt.Subject).toBe("Pembayaran diterima: tagihan I1ABC");
    expect(receipt.Text).toContain("Kami telah menerima IDR 150,000. Terima kasih.");
    expect(receipt.HTML).toContain('lang="id"');
    expect(receipt.ListUnsubscribe).toBeUndefined();

    await db.sql(
      "update public.notification_settings set email_frequency = 'daily', time_zone = 'Asia/Jakarta' where user_id = $1",
      [person.id],
    );
    await db.sql(
      "select private.notify('price_alert', $1::uuid[], 'Harga turun', null, '{}'::jsonb)",
      [[person.id]],
    );
    await db.sql(
      "select private.notify('system_announcement', $1::uuid[], 'Servis gratis', null, '{}'::jsonb)",
      [[person.id]],
    );
    // Tomorrow at 09:00 in Jakarta, when that day's digest is due.
    await db.sql(
      "select private.queue_digests((((now() at time zone 'Asia/Jakarta')::date + 1) + time '09:00') at time zone 'Asia/Jakarta')",
    );
    await db.sql(
      "update public.email_outbox set due_at = now() where user_id = $1 and template = 'digest'",
      [person.id],
    );
    expect((await deliver()).status).toBe(200);
    const mails = await mailTo(person.email, 2);
    const digest = mails.find((m) => m.Subject.startsWith("Ringkasan harian"));
    expect(digest.Subject).toBe("Ringkasan harian Pitlane Anda (2)");
    expect(digest.Text).toContain("- Harga turun");
    expect(digest.Text).toContain("- Servis gratis");
  });

  it("an invitation reaches an address without an account, with its accept link", async () => {
    const owner = await user();
    const [org] = await db.sql<{ id: string }>(
      "insert into public.organizations (slug, display_name, created_by) values ($1, 'Sentul Club', $2) returning id",
      [`club-${randomUUID().slice(0, 8)}`, owner.id],
    );
    const address = `guest-${randomUUID().slice(0, 8)}@example.test`;
    const [invitation] = await db.sql<{ code: string }>(
      "insert into public.organization_invitations (organization_id, email, invited_by) values ($1, $2, $3) returning code",
      [org!.id, address, owner.id],
    );
    const [mail] = await mailTo(address);
    expect(mail.Subject).toBe("You're invited to join Sentul Club");
    expect(mail.Text).toContain(
      `Accept the invitation: https://app.pitlane.test/invitations/accept?code=${invitation!.code}`,
    );
  });

  it("a row whose data does not fit its template fails for good with the reason", async () => {
    const address = `broken-${randomUUID().slice(0, 8)}@example.test`;
    await db.sql(
      "insert into public.email_outbox (to_email, template, data, due_at) values ($1, 'registration_confirmed', '{\"title\": \"x\"}', now())",
      [address],
    );
    for (let tries = 0; tries < 100 && (await statusOf(address))[0]!.status !== "failed"; tries++)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await statusOf(address)).toEqual([
      {
        status: "failed",
        attempts: 1,
        message_id: null,
        last_error:
          "malformed template data for registration_confirmed: event_title: Invalid input: expected string, received undefined",
      },
    ]);
  });

  it("runs at the same time send every email once", async () => {
    // Queued without the instant request (as the every-minute job finds them), then three runs at once.
    await db.sql("alter table public.email_outbox disable trigger email_outbox_deliver");
    const people = await Promise.all(Array.from({ length: 12 }, () => user()));
    try {
      await db.sql(
        "select private.notify('system_announcement', $1::uuid[], 'Track day moved', null, '{}'::jsonb)",
        [people.map((p) => p.id)],
      );
    } finally {
      await db.sql("alter table public.email_outbox enable trigger email_outbox_deliver");
    }
    const runs = await Promise.all(
      [deliver(), deliver(), deliver()].map(async (r) => (await r).json()),
    );
    expect(runs.reduce((sum, run) => sum + run.sent, 0)).toBe(12);
    for (const person of people) expect(await mailTo(person.email)).toHaveLength(1);
  });

  it("answers only the service role; the every-minute job is scheduled", async () => {
    const response = await deliver(stack.anonKey);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: "forbidden", message: "only the service role delivers email" },
    });
    expect(
      await db.sql("select schedule, active from cron.job where jobname = 'deliver-email'"),
    ).toEqual([{ schedule: "* * * * *", active: true }]);
  });
});
