import type { AuthContext } from "./context.ts";
import type { Db } from "./db.ts";
import { tooManyRequests } from "./errors.ts";
import { authEmail, type EmailKind } from "./mail/auth-emails.ts";
import { constantTimeEqual, newOtp, tokenHash } from "./secrets.ts";
import type { AuthSettings } from "./settings.ts";
import type { TokenColumn, UserRow } from "./users.ts";

/** Implicit links carry tokens in the URL fragment; PKCE links end in a code the app exchanges. */
export type Flow = "implicit" | "pkce";

/** Where each kind of emailed token lives: its auth.users columns and its auth.one_time_tokens type. */
const slots = {
  confirmation: {
    column: "confirmation_token",
    sentAt: "confirmation_sent_at",
    type: "confirmation_token",
  },
  recovery: { column: "recovery_token", sentAt: "recovery_sent_at", type: "recovery_token" },
  email_change_new: {
    column: "email_change_token_new",
    sentAt: "email_change_sent_at",
    type: "email_change_token_new",
  },
  email_change_current: {
    column: "email_change_token_current",
    sentAt: "email_change_sent_at",
    type: "email_change_token_current",
  },
  reauthentication: {
    column: "reauthentication_token",
    sentAt: "reauthentication_sent_at",
    type: "reauthentication_token",
  },
} as const satisfies Record<
  string,
  { column: TokenColumn | "reauthentication_token"; sentAt: keyof UserRow; type: string }
>;

export type Slot = keyof typeof slots;

export interface IssuedToken {
  otp: string;
  /** What is stored and put in links: sha224(address + otp), with `pkce_` in front for PKCE flows. */
  stored: string;
}

/** Stores a new emailed token for `address` (GoTrue's token columns plus one auth.one_time_tokens row). */
export async function issueEmailToken(
  settings: AuthSettings,
  db: Db,
  userId: string,
  slot: Slot,
  address: string,
  flow: Flow,
): Promise<IssuedToken> {
  const { column, sentAt, type } = slots[slot];
  const otp = newOtp(settings.email.otpLength);
  const hash = tokenHash(address, otp);
  const stored = flow === "pkce" ? `pkce_${hash}` : hash;
  await db.query(
    `update auth.users set ${column} = $2, ${sentAt} = now(), updated_at = now() where id = $1`,
    [userId, stored],
  );
  await db.query(`delete from auth.one_time_tokens where user_id = $1 and token_type = $2`, [
    userId,
    type,
  ]);
  await db.query(
    `insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, $3, $4, now(), now())`,
    [userId, type, stored, address],
  );
  return { otp, stored };
}

/** GoTrue's action link: /verify on the public auth URL with the stored token, its type and where to go next. */
export function actionLink(
  settings: AuthSettings,
  stored: string,
  type: EmailKind | "email_change",
  redirectTo: string,
): string {
  const query = new URLSearchParams({ token: stored, type });
  if (redirectTo) query.set("redirect_to", redirectTo);
  return `${settings.externalUrl}/verify?${query}`;
}

/** GoTrue's per-address resend limit (`max_frequency`): a 429 naming the seconds left. */
function checkFrequency(settings: AuthSettings, sentAt: Date | null): void {
  if (!sentAt) return;
  const left = sentAt.getTime() + settings.email.maxFrequencyMs - Date.now();
  if (left > 0) {
    throw tooManyRequests(
      "over_email_send_rate_limit",
      `For security purposes, you can only request this after ${Math.floor(left / 1000)} seconds.`,
    );
  }
}

export interface LinkEmail {
  kind: EmailKind;
  slot: Slot;
  flow: Flow;
  redirectTo: string;
}

/**
 * Sends one link email (confirmation, invite, recovery or magic link) to the user's address, once
 * `max_frequency` has passed since the last one of its kind.
 */
export async function sendLinkEmail(
  ctx: AuthContext,
  db: Db,
  user: UserRow,
  email: LinkEmail,
): Promise<void> {
  const address = user.email ?? "";
  if (email.kind !== "invite") checkFrequency(ctx.settings, user[slots[email.slot].sentAt]);
  const { otp, stored } = await issueEmailToken(
    ctx.settings,
    db,
    user.id,
    email.slot,
    address,
    email.flow,
  );
  ctx.inbox.send(
    authEmail(email.kind, {
      to: address,
      otp,
      confirmationUrl: actionLink(ctx.settings, stored, email.kind, email.redirectTo),
    }),
  );
}

/**
 * Email change: a link to the new address and, with `double_confirm_changes`, one to the current
 * address too; the change happens once every link sent has been followed.
 */
export async function sendEmailChange(
  ctx: AuthContext,
  db: Db,
  user: UserRow,
  newEmail: string,
  flow: Flow,
  redirectTo: string,
): Promise<void> {
  checkFrequency(ctx.settings, user.email_change_sent_at);
  await db.query(
    `update auth.users set email_change = $2, email_change_token_current = '', email_change_confirm_status = 0, updated_at = now() where id = $1`,
    [user.id, newEmail],
  );
  await db.query(
    `delete from auth.one_time_tokens where user_id = $1 and token_type = 'email_change_token_current'`,
    [user.id],
  );
  const toNew = await issueEmailToken(
    ctx.settings,
    db,
    user.id,
    "email_change_new",
    newEmail,
    flow,
  );
  ctx.inbox.send(
    authEmail("email_change", {
      to: newEmail,
      newEmail,
      otp: toNew.otp,
      confirmationUrl: actionLink(ctx.settings, toNew.stored, "email_change", redirectTo),
    }),
  );
  if (ctx.settings.email.secureEmailChange && user.email) {
    const toCurrent = await issueEmailToken(
      ctx.settings,
      db,
      user.id,
      "email_change_current",
      user.email,
      flow,
    );
    ctx.inbox.send(
      authEmail("email_change", {
        to: user.email,
        newEmail,
        otp: toCurrent.otp,
        confirmationUrl: actionLink(ctx.settings, toCurrent.stored, "email_change", redirectTo),
      }),
    );
  }
}

/** The code a signed-in user types to prove it is them before a sensitive change (GET /reauthenticate). */
export async function sendReauthentication(ctx: AuthContext, db: Db, user: UserRow): Promise<void> {
  checkFrequency(ctx.settings, user.reauthentication_sent_at);
  const { otp } = await issueEmailToken(
    ctx.settings,
    db,
    user.id,
    "reauthentication",
    user.email ?? "",
    "implicit",
  );
  ctx.inbox.send(authEmail("reauthentication", { to: user.email ?? "", otp }));
}

/**
 * GoTrue's isOtpValid: a code's hash matches what was stored (with or without the `pkce_` prefix)
 * and the email went out less than `otp_expiry` seconds ago.
 */
export function storedTokenMatches(
  settings: AuthSettings,
  hash: string,
  stored: string | null,
  sentAt: Date | null,
): boolean {
  if (!stored || !sentAt) return false;
  if (Date.now() > sentAt.getTime() + settings.email.otpExpirySeconds * 1000) return false;
  return constantTimeEqual(hash, stored) || constantTimeEqual(`pkce_${hash}`, stored);
}
