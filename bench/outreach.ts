import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, projectRoot, spawnStack } from "../supabase/stack/spawn-stack.ts";
import { bareSmtpSeconds, deliverySeconds, seconds } from "./notifications.ts";
import { median, row, type BenchRow } from "./rows.ts";

const contacts = 10_000;
const runs = 3;

/**
 * A campaign to 10,000 consenting contacts: queued by send_campaign's one statement (segment
 * evaluated, recipients and outbox rows with merge fields filled in, due at the rate) beside a
 * bare INSERT … SELECT of the same outbox rows; then delivered by the email-delivery function into
 * the local inbox beside a bare SMTP client sending as many messages in the same run.
 */
export async function benchOutreach(): Promise<BenchRow[]> {
  const smtpPort = await freePort();
  const functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-bench-outreach-"));
  await writeFile(
    path.join(functionsDir, ".env"),
    `SMTP_HOST=127.0.0.1\nSMTP_PORT=${smtpPort}\nSMTP_SECURE=false\nSMTP_SENDER="Pitlane <no-reply@pitlane.test>"\n`,
  );
  const stack = await spawnStack({
    smtpPort,
    args: ["--functions", functionsDir, "--seed", path.join(projectRoot, "tests/fixtures/no-seed")],
  });
  const db = new pg.Pool({ connectionString: stack.dbUrl, max: 2 });
  try {
    // Nothing is delivered behind the measurements' backs: no endpoint, no scheduled jobs.
    await db.query("delete from private.email_delivery_endpoint");
    await db.query("select cron.alter_job(jobid, active := false) from cron.job");
    await db.query(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-00000000be01', 'authenticated', 'authenticated',
               'bench-owner@example.test', now(), '{}', '{}', now(), now())`,
    );
    const {
      rows: [org],
    } = await db.query<{ id: string }>(
      `insert into public.organizations (slug, display_name, created_by)
       values ('bench-outreach', 'Bench Academy', '00000000-0000-4000-8000-00000000be01') returning id`,
    );
    await db.query(
      `with c as (
         insert into public.contacts (organization_id, email, full_name, tags, source)
         select $1, 'contact-' || i || '@example.test', 'Contact ' || i || ' Bench', '{bench}', 'import'
         from generate_series(1, $2) i returning id)
       insert into public.contact_consents (contact_id, granted, method) select id, true, 'import' from c`,
      [org!.id, contacts],
    );
    const {
      rows: [segment],
    } = await db.query<{ id: string }>(
      `insert into public.contact_segments (organization_id, name, rules) values ($1, 'All', '{"all": [{"tag": "bench"}, {"consented": "email"}]}') returning id`,
      [org!.id],
    );
    const campaign = async () =>
      (
        await db.query<{ id: string }>(
          `insert into public.email_campaigns (organization_id, name, subject, body, segment_id, rate_per_minute)
           values ($1, 'Bench', 'Hello {{first_name}}', E'Dear {{name}},\\n\\nNews from {{organization}}.', $2, 100000) returning id`,
          [org!.id, segment!.id],
        )
      ).rows[0]!.id;
    const clear = () =>
      db.query("delete from public.email_outbox; delete from public.email_campaigns");

    const queue: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      await clear();
      const id = await campaign();
      queue.push(await seconds(() => db.query("select private.queue_campaign($1)", [id])));
      await clear();
      bare.push(
        await seconds(() =>
          db.query(
            `insert into public.email_outbox (to_email, template, data, due_at)
             select c.email, 'campaign', jsonb_build_object('title', 'Hello', 'body', 'News', 'organization', 'Bench Academy'), now()
             from public.contacts c where c.organization_id = $1`,
            [org!.id],
          ),
        ),
      );
    }

    // The last campaign queued again for delivery; the rate is a cap, so all of it is made due.
    await clear();
    const id = await campaign();
    await db.query("select private.queue_campaign($1)", [id]);
    await db.query("update public.email_outbox set due_at = now()");
    const elapsed = await deliverySeconds(stack, contacts);
    const {
      rows: [result],
    } = await db.query<{ sent_count: number; status: string }>(
      "select sent_count, status from public.email_campaigns where id = $1",
      [id],
    );
    if (result!.sent_count !== contacts || result!.status !== "sent")
      throw new Error(`the campaign ended ${result!.status} with ${result!.sent_count} sent`);
    const smtp = await bareSmtpSeconds(smtpPort, contacts);
    return [
      row(
        "campaign to 10,000 queued (one statement)",
        contacts / median(queue),
        "bare INSERT … SELECT of the outbox rows",
        contacts / median(bare),
        "msg/s",
      ),
      row(
        "campaign to 10,000 delivered into the inbox",
        contacts / elapsed,
        "bare SMTP client",
        contacts / smtp,
        "msg/s",
      ),
    ];
  } finally {
    await db.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
    await rm(functionsDir, { recursive: true, force: true });
  }
}
