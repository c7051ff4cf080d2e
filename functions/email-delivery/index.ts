// Email delivery: POST /email-delivery (service role only), called every minute by pg_cron and
// right after new mail is queued by the outbox's pg_net trigger (sql/ email delivery migration).
// Claims due rows of public.email_outbox with a lease (claim_due_emails: FOR UPDATE SKIP LOCKED,
// so two runs never take the same row; a run that dies leaves its rows to be claimed again when
// the lease ends), renders each (templates.ts), sends it over SMTP with nodemailer, and records
// the outcome: sent (never sent again), retried later with backoff, or failed for good after the
// attempts run out, when the server refuses the recipient (5xx) or when the data is malformed.
// Each message's Message-ID comes from its row, so a resend after a lost confirmation can be
// recognised as the same message.
//
// Secrets: SMTP_HOST, SMTP_PORT (465 means implicit TLS, which hosted Supabase allows; 25 and 587
// are blocked there), SMTP_USER, SMTP_PASSWORD, SMTP_SENDER ("Name <address>"), optional
// SMTP_SECURE (true/false, default: port 465), PUBLIC_SITE_URL (the app, for links).
// @deno-types="npm:@types/nodemailer@6"
import nodemailer from "nodemailer";
import { z } from "zod";
import { errorResponse, HttpError, json, requireEnv, serve } from "../_shared/http.ts";
import { readJson } from "../_shared/input.ts";
import { adminClient } from "../_shared/supabase.ts";
import { MalformedTemplateData, render, type Locale } from "./templates.ts";

const Input = z.object({
  limit: z.number().int().min(1).max(500).optional(),
  lease_seconds: z.number().int().min(5).max(3600).optional(),
});

interface OutboxRow {
  id: number;
  claim_id: string;
  to_email: string;
  template: string;
  locale: Locale;
  data: Record<string, unknown> & { unsubscribe_token?: string | null };
  attempts: number;
}

function smtpSettings() {
  const host = Deno.env.get("SMTP_HOST");
  const sender = Deno.env.get("SMTP_SENDER");
  if (!host || !sender) return undefined;
  const port = Number(Deno.env.get("SMTP_PORT") ?? "465");
  const secure = (Deno.env.get("SMTP_SECURE") ?? String(port === 465)) === "true";
  const user = Deno.env.get("SMTP_USER");
  return {
    host,
    port,
    secure,
    sender,
    auth: user ? { user, pass: Deno.env.get("SMTP_PASSWORD") ?? "" } : undefined,
  };
}

/** The address of SMTP_SENDER ("Name <address>" or a bare address). */
const senderAddress = (sender: string) => /<([^>]+)>/.exec(sender)?.[1] ?? sender;

/** 5xx replies are the server refusing for good (no such mailbox, policy); anything else may pass later. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

serve(async (req) => {
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "POST to deliver due email");
  if (req.headers.get("Authorization") !== `Bearer ${requireEnv("SUPABASE_SERVICE_ROLE_KEY")}`) {
    throw new HttpError(403, "forbidden", "only the service role delivers email");
  }
  const input = req.headers.get("content-length") === "0" ? {} : await readJson(req, Input);
  const smtp = smtpSettings();
  if (!smtp)
    return errorResponse(
      503,
      "not_configured",
      "set SMTP_HOST and SMTP_SENDER (and SMTP_PORT, SMTP_USER, SMTP_PASSWORD) to send email",
    );

  const db = adminClient();
  const site = Deno.env.get("PUBLIC_SITE_URL") ?? "http://localhost:3000";
  const unsubscribeBase = `${requireEnv("SUPABASE_URL")}/functions/v1/unsubscribe`;
  const tracking = `${requireEnv("SUPABASE_URL")}/functions/v1/campaign-tracking`;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.auth,
    pool: true,
    maxConnections: 4,
  });
  const outcome = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
  try {
    const { data: rows, error } = await db.rpc("claim_due_emails", {
      p_limit: input.limit ?? 50,
      p_lease_seconds: input.lease_seconds ?? 120,
    });
    if (error) throw new Error(`claim_due_emails: ${error.message}`);
    outcome.claimed = rows.length;
    await Promise.all(
      (rows as OutboxRow[]).map(async (row) => {
        const token = row.data.unsubscribe_token;
        const unsubscribe = token
          ? `${unsubscribeBase}?token=${encodeURIComponent(token)}`
          : undefined;
        try {
          const message = render(row.template, row.locale, row.data, {
            site,
            unsubscribe,
            tracking,
          });
          const messageId = `<outbox-${row.id}@pitlane>`;
          await transport.sendMail({
            // A campaign goes out under its sender name, from the project's address.
            from:
              row.template === "campaign" && typeof row.data.sender_name === "string"
                ? { name: row.data.sender_name, address: senderAddress(smtp.sender) }
                : smtp.sender,
            to: row.to_email,
            subject: message.subject,
            text: message.text,
            html: message.html,
            messageId,
            headers: unsubscribe
              ? {
                  "List-Unsubscribe": `<${unsubscribe}>`,
                  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
              : {},
          });
          const { error: markError } = await db.rpc("mark_email_sent", {
            p_id: row.id,
            p_claim_id: row.claim_id,
            p_message_id: messageId,
          });
          if (markError) throw new Error(`mark_email_sent: ${markError.message}`);
          outcome.sent += 1;
        } catch (error) {
          const permanent = error instanceof MalformedTemplateData || isPermanent(error);
          const { data: status, error: markError } = await db.rpc("mark_email_failed", {
            p_id: row.id,
            p_claim_id: row.claim_id,
            p_error: (error as Error).message,
            p_permanent: permanent,
          });
          if (markError)
            throw new Error(`mark_email_failed: ${markError.message}`, { cause: error });
          if (status === "failed") outcome.failed += 1;
          else outcome.retrying += 1;
        }
      }),
    );
  } finally {
    transport.close();
  }
  return json(outcome);
});
