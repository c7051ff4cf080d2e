import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { denoExecutable } from "../supabase/stack/edge-runtime/runtime.ts";
import {
  freePort,
  projectRoot,
  spawnStack,
  type SpawnedStack,
} from "../supabase/stack/spawn-stack.ts";
import { median, row, type BenchRow } from "./rows.ts";

const people = 10_000;
const runs = 3;
const emails = 300;

export async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/**
 * A system announcement to 10,000 people through private.notify() (in-app rows and outbox rows in
 * one statement, preferences applied), beside a bare INSERT … SELECT of the same rows.
 */
async function announcementRows(db: pg.Pool): Promise<BenchRow[]> {
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'bench-' || i || '@example.test', now(),
            '{"provider":"email","providers":["email"]}', '{}', now(), now()
     from generate_series(1, $1) i`,
    [people],
  );
  const clear = () => db.query("delete from public.email_outbox; delete from public.notifications");
  const notify: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    await clear();
    notify.push(
      await seconds(() =>
        db.query(
          "select private.notify('system_announcement', array(select id from public.profiles), 'Track closed on Sunday', 'Maintenance', '{}'::jsonb)",
        ),
      ),
    );
    await clear();
    bare.push(
      await seconds(() =>
        db.query(`with rows as (
            insert into public.notifications (user_id, type, title, body)
            select p.id, 'system_announcement', 'Track closed on Sunday', 'Maintenance' from public.profiles p
            returning id, user_id)
          insert into public.email_outbox (user_id, notification_id, to_email, template, data, due_at)
          select r.user_id, r.id, u.email, 'system_announcement', '{"title": "Track closed on Sunday"}', now()
          from rows r join auth.users u on u.id = r.user_id`),
      ),
    );
  }
  await clear();
  const rowsWritten = 2 * people;
  return [
    row(
      "announcement to 10,000 (in-app + email rows)",
      rowsWritten / median(notify),
      "bare INSERT … SELECT",
      rowsWritten / median(bare),
      "rows/s",
    ),
  ];
}

/** A bare SMTP client (nodemailer on Deno, as the function uses it) sending `count` messages to the inbox. */
export async function bareSmtpSeconds(smtpPort: number, count: number): Promise<number> {
  const script = `
    import nodemailer from "npm:nodemailer@7";
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: ${smtpPort}, secure: false, pool: true, maxConnections: 4 });
    const started = performance.now();
    await Promise.all(Array.from({ length: ${count} }, (_, i) => transport.sendMail({
      from: "Pitlane <no-reply@pitlane.test>", to: "bare-" + i + "@example.test", subject: "Track closed on Sunday",
      text: "Maintenance", html: "<p>Maintenance</p>" })));
    console.log((performance.now() - started) / 1000);
    transport.close();`;
  const child = spawn(denoExecutable(), ["run", "--no-config", "-A", "-"], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, DENO_NO_PACKAGE_JSON: "1" },
  });
  child.stdin.end(script);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await new Promise((resolve) => child.once("exit", resolve));
  return Number(output.trim());
}

/**
 * Seconds for the email-delivery function to send `count` due emails, 500 per call, timed after
 * its worker has booted (and nodemailer loaded).
 */
export async function deliverySeconds(
  stack: Pick<SpawnedStack, "apiUrl" | "anonKey" | "serviceRoleKey">,
  count: number,
): Promise<number> {
  const deliver = async () => {
    const response = await fetch(`${stack.apiUrl}/functions/v1/email-delivery`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${stack.serviceRoleKey}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ limit: 500 }),
    });
    return ((await response.json()) as { sent: number }).sent;
  };
  await fetch(`${stack.apiUrl}/functions/v1/email-delivery`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.anonKey}` },
  });
  return seconds(async () => {
    let sent = 0;
    while (sent < count) sent += await deliver();
  });
}

/** Due emails delivered by the email-delivery function into the inbox, beside a bare SMTP client. */
async function deliveryRows(
  stack: SpawnedStack,
  db: pg.Pool,
  smtpPort: number,
): Promise<BenchRow[]> {
  await db.query(
    "select private.notify('system_announcement', array(select id from public.profiles limit $1), 'Track closed on Sunday', 'Maintenance', '{}'::jsonb)",
    [emails],
  );
  const elapsed = await deliverySeconds(stack, emails);
  const bare = await bareSmtpSeconds(smtpPort, emails);
  return [
    row(
      `email delivery, ${emails} messages into the inbox`,
      emails / elapsed,
      "bare SMTP client",
      emails / bare,
      "msg/s",
    ),
  ];
}

export async function benchNotifications(): Promise<BenchRow[]> {
  const smtpPort = await freePort();
  const functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-bench-mail-"));
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
    return [...(await announcementRows(db)), ...(await deliveryRows(stack, db, smtpPort))];
  } finally {
    await db.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
    await rm(functionsDir, { recursive: true, force: true });
  }
}
