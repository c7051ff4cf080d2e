import { defaultAudience, validateEmail } from "../accounts.ts";
import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import type { Db } from "../db.ts";
import { storedTokenMatches } from "../email-links.ts";
import { AuthError, badRequest, forbidden, oauthErrorName } from "../errors.ts";
import { authMethodForLinkType, issueAuthCode } from "../flow-state.ts";
import { hashPassword } from "../passwords.ts";
import { resolveRedirect } from "../redirects.ts";
import { newRandomPassword, tokenHash } from "../secrets.ts";
import { startSession, type TokenResponse } from "../sessions.ts";
import {
  clearOneTimeTokens,
  confirmEmail,
  findUserByEmail,
  findUserByToken,
  insertIdentity,
  isBanned,
  isConfirmed,
  refreshProviders,
  reloadUser,
  updateIdentityData,
  type TokenColumn,
  type User,
} from "../users.ts";
import { stringField, type AuthRequest } from "./request.ts";
import { redirect, respond } from "./respond.ts";
import { refusePhone, verifyPhoneCode } from "./unbuilt.ts";

/** The link types /verify accepts; `email` is the code from any email, confirmation or magic link. */
type LinkType = "signup" | "invite" | "recovery" | "magiclink" | "email_change" | "email";

const columnsFor: Record<LinkType, TokenColumn[]> = {
  email: ["confirmation_token", "recovery_token"],
  signup: ["confirmation_token"],
  invite: ["confirmation_token"],
  recovery: ["recovery_token"],
  magiclink: ["recovery_token"],
  email_change: ["email_change_token_new", "email_change_token_current"],
};

const sentAtFor = (user: User, column: TokenColumn) =>
  column === "confirmation_token"
    ? user.confirmation_sent_at
    : column === "recovery_token"
      ? user.recovery_sent_at
      : user.email_change_sent_at;

/** What a matching token says: whose it is and, for `email` codes, which kind of email it came from. */
interface Verified {
  user: User;
  type: Exclude<LinkType, "email">;
  column: TokenColumn;
}

const linkExpired = () => forbidden("otp_expired", "Email link is invalid or has expired");
const codeInvalid = () => forbidden("otp_expired", "Token has expired or is invalid");

function parseType(type: string): LinkType {
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  if (type in columnsFor) return type as LinkType;
  // sms and phone_change too, from a link: GoTrue's verifyTokenHash knows only email types.
  throw badRequest("validation_failed", "Invalid email verification type");
}

const resolvedType = (type: LinkType, column: TokenColumn): Verified["type"] =>
  type !== "email" ? type : column === "confirmation_token" ? "signup" : "magiclink";

/** A link's token_hash: the stored value itself, still within `otp_expiry`. */
async function byTokenHash(
  ctx: AuthContext,
  tx: Db,
  type: LinkType,
  hash: string,
): Promise<Verified> {
  const user = await findUserByToken(tx, columnsFor[type], [hash]);
  if (!user) throw linkExpired();
  if (isBanned(user)) throw forbidden("user_banned", "User is banned");
  const column = columnsFor[type].find((candidate) => user[candidate] === hash)!;
  const sentAt = sentAtFor(user, column);
  if (!sentAt || Date.now() > sentAt.getTime() + ctx.settings.email.otpExpirySeconds * 1000)
    throw linkExpired();
  return { user, type: resolvedType(type, column), column };
}

/** A typed code: the address's user, whose stored hash must equal sha224(address + code). */
async function byEmailAndCode(
  ctx: AuthContext,
  tx: Db,
  type: LinkType,
  email: string,
  code: string,
): Promise<Verified> {
  const hash = tokenHash(email, code);
  // The hash covers the address, so for an email change (sent to two addresses) it finds the user itself.
  const user =
    type === "email_change"
      ? await findUserByToken(tx, columnsFor.email_change, [hash, `pkce_${hash}`])
      : await findUserByEmail(tx, email, defaultAudience, true);
  if (!user) throw codeInvalid();
  if (isBanned(user)) throw forbidden("user_banned", "User is banned");
  const column = columnsFor[type].find((candidate) =>
    storedTokenMatches(ctx.settings, hash, user[candidate], sentAtFor(user, candidate)),
  );
  if (!column) throw codeInvalid();
  return { user, type: resolvedType(type, column), column };
}

/** Signup and invite links confirm the address; an invited user without a password gets one nobody knows. */
async function confirmSignup(tx: Db, user: User, ip: string): Promise<void> {
  if (!user.encrypted_password && user.invited_at) {
    await tx.query(
      `update auth.users set encrypted_password = $2, updated_at = now() where id = $1`,
      [user.id, await hashPassword(newRandomPassword())],
    );
  }
  await audit(tx, user, "user_signedup", ip, { provider: "email" });
  await confirmEmail(tx, user.id);
  for (const identity of user.identities) {
    if (identity.email && identity.email === user.email)
      await updateIdentityData(tx, identity.id, { email_verified: true });
  }
}

/** Recovery and magic links sign in; an unconfirmed address is confirmed by following one. */
async function confirmRecovery(tx: Db, user: User, ip: string): Promise<void> {
  await tx.query(`update auth.users set recovery_token = '', updated_at = now() where id = $1`, [
    user.id,
  ]);
  await clearOneTimeTokens(tx, user.id);
  if (!isConfirmed(user)) {
    await audit(tx, user, "user_signedup", ip, { provider: "email" });
    await confirmEmail(tx, user.id);
  } else {
    await audit(tx, user, "login", ip);
  }
}

/**
 * With `double_confirm_changes` (and confirmations on), the first of the two links only records
 * itself and returns false; the change happens with the second, or with the only one otherwise.
 */
async function confirmEmailChange(
  ctx: AuthContext,
  tx: Db,
  user: User,
  column: TokenColumn,
  ip: string,
): Promise<boolean> {
  const { email } = ctx.settings;
  if (
    !email.autoconfirm &&
    email.secureEmailChange &&
    !user.email_change_confirm_status &&
    user.email
  ) {
    await tx.query(
      `update auth.users set email_change_confirm_status = 1, ${column} = '', updated_at = now() where id = $1`,
      [user.id],
    );
    await clearOneTimeTokens(tx, user.id, column);
    return false;
  }
  const newEmail = user.email_change ?? "";
  await audit(tx, user, "user_modified", ip);
  const identity = user.identities.find((candidate) => candidate.provider === "email");
  if (identity)
    await updateIdentityData(tx, identity.id, { email: newEmail, email_verified: true });
  else
    await insertIdentity(tx, user.id, "email", user.id, {
      sub: user.id,
      email: newEmail,
      email_verified: true,
      phone_verified: false,
    });
  await tx.query(
    `update auth.users set email = $2, email_change = '', email_change_token_current = '', email_change_token_new = '',
            email_change_confirm_status = 0, is_anonymous = false, updated_at = now() where id = $1`,
    [user.id, newEmail],
  );
  await clearOneTimeTokens(tx, user.id);
  if (!isConfirmed(user)) await confirmEmail(tx, user.id);
  return true;
}

/** Applies what the link is for; false when an email change still waits for its second link. */
async function applyLink(
  ctx: AuthContext,
  tx: Db,
  verified: Verified,
  ip: string,
): Promise<boolean> {
  const { user, type, column } = verified;
  if (type === "signup" || type === "invite") await confirmSignup(tx, user, ip);
  else if (type === "recovery" || type === "magiclink") await confirmRecovery(tx, user, ip);
  else if (!(await confirmEmailChange(ctx, tx, user, column, ip))) return false;
  await refreshProviders(tx, user.id);
  return true;
}

const singleConfirmationAccepted =
  "Confirmation link accepted. Please proceed to confirm link sent to the other email";

/** Fragment (and for PKCE query) parameters carrying an error back to the app, as GoTrue writes them. */
function errorRedirect(target: string, error: AuthError, alsoInQuery: boolean): string {
  const url = new URL(target);
  const params = new URLSearchParams();
  const name = oauthErrorName(error.status);
  if (name) params.set("error", name);
  params.set("error_code", error.code);
  params.set("error_description", error.message);
  if (alsoInQuery) for (const [key, value] of params) url.searchParams.set(key, value);
  params.set("sb", "");
  url.hash = params.toString();
  return url.toString();
}

/** Tokens in the URL fragment for the implicit flow, sorted as Go's url.Values encodes them. */
export function tokenRedirect(
  target: string,
  tokens: TokenResponse,
  extra: Record<string, string>,
): string {
  const params: Record<string, string> = {
    ...extra,
    access_token: tokens.access_token,
    expires_at: String(tokens.expires_at),
    expires_in: String(tokens.expires_in),
    refresh_token: tokens.refresh_token,
    token_type: tokens.token_type,
    sb: "",
  };
  const sorted = Object.keys(params)
    .sort()
    .map((key) => [key, params[key]!]);
  return `${target}#${new URLSearchParams(sorted)}`;
}

/** GET /verify: the link in an email. Redirects to `redirect_to` with tokens, a PKCE code, or the error. */
async function verifyLink(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const type = parseType(r.url.searchParams.get("type") ?? "");
  const token = r.url.searchParams.get("token") ?? "";
  if (!token) throw badRequest("validation_failed", "Verify requires a token or a token hash");
  const redirectTo = resolveRedirect(
    ctx.settings,
    r.url.searchParams.get("redirect_to"),
    r.req.headers.referer,
  );
  const pkce = token.startsWith("pkce_");
  let location: string;
  try {
    location = await ctx.db.transaction(async (tx) => {
      const verified = await byTokenHash(ctx, tx, type, token);
      if (!(await applyLink(ctx, tx, verified, r.client.ip))) {
        const url = new URL(redirectTo);
        if (pkce) url.searchParams.set("message", singleConfirmationAccepted);
        url.hash = new URLSearchParams({ message: singleConfirmationAccepted, sb: "" }).toString();
        return url.toString();
      }
      const user = await reloadUser(tx, verified.user);
      if (pkce) {
        const url = new URL(redirectTo);
        url.searchParams.set(
          "code",
          await issueAuthCode(tx, user.id, authMethodForLinkType(verified.type)),
        );
        return url.toString();
      }
      return tokenRedirect(redirectTo, await startSession(tx, ctx.signer, user, "otp", r.client), {
        type: verified.type,
      });
    });
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    location = errorRedirect(redirectTo, error, pkce);
  }
  redirect(r, location, 303);
}

/** POST /verify: a typed code (with the email) or a token_hash; answers with a session. */
async function verifyCode(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const rawType = stringField(r.body, "type");
  const token = stringField(r.body, "token");
  const hash = stringField(r.body, "token_hash");
  const email = stringField(r.body, "email");
  // A code sent by SMS: none was, so GoTrue finds no user for it (after checking the number's format).
  if ((rawType === "sms" || rawType === "phone_change") && !email) {
    if (token && hash)
      throw badRequest("validation_failed", "Verify requires either a token or a token hash");
    if (token) verifyPhoneCode(ctx, stringField(r.body, "phone"));
    if (hash) refusePhone(ctx, codeInvalid());
  }
  const type = parseType(rawType);
  if (!token === !hash)
    throw badRequest("validation_failed", "Verify requires either a token or a token hash");
  if (hash && (email || stringField(r.body, "phone") || stringField(r.body, "redirect_to"))) {
    throw badRequest("validation_failed", "Only the token_hash and type should be provided");
  }
  if (token && stringField(r.body, "phone") && !email)
    verifyPhoneCode(ctx, stringField(r.body, "phone"));
  if (token && !email)
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided on verify",
    );
  let address = "";
  if (token) {
    try {
      address = validateEmail(email);
    } catch {
      throw new AuthError(422, "validation_failed", "Invalid email format");
    }
  }
  const result = await ctx.db.transaction(async (tx) => {
    const verified = hash
      ? await byTokenHash(ctx, tx, type, hash)
      : await byEmailAndCode(ctx, tx, type, address, token);
    if (!(await applyLink(ctx, tx, verified, r.client.ip)))
      return { msg: singleConfirmationAccepted, code: "200" };
    return startSession(tx, ctx.signer, await reloadUser(tx, verified.user), "otp", r.client);
  });
  respond(r, result);
}

export function verify(ctx: AuthContext, r: AuthRequest): Promise<void> {
  if (r.rateLimitKey) ctx.limiter.take("token_verifications", r.rateLimitKey);
  return r.method === "GET" ? verifyLink(ctx, r) : verifyCode(ctx, r);
}
