import { defaultAudience, emailTaken, validateEmail } from "../accounts.ts";
import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import type { Db } from "../db.ts";
import { sendEmailChange, sendReauthentication, storedTokenMatches } from "../email-links.ts";
import { badRequest, forbidden, unprocessable } from "../errors.ts";
import { createFlowState, validatePkce } from "../flow-state.ts";
import { checkPasswordStrength, hashPassword, passwordMatches } from "../passwords.ts";
import { resolveRedirect } from "../redirects.ts";
import { tokenHash } from "../secrets.ts";
import { endSessions, type SessionRow } from "../sessions.ts";
import {
  clearOneTimeTokens,
  isConfirmed,
  reloadUser,
  updateMetadata,
  userJson,
  type User,
} from "../users.ts";
import { requireUser } from "./guard.ts";
import { objectField, requestedRedirect, stringField, type AuthRequest } from "./request.ts";
import { respond } from "./respond.ts";
import { pkceParams } from "./signup.ts";

/** GET /user */
export async function getUser(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const { user, claims } = await requireUser(ctx, r);
  const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (audience !== defaultAudience)
    throw badRequest("validation_failed", "Token audience doesn't match request audience");
  respond(r, userJson(user));
}

/** `secure_password_change`: a session older than a day must show the code from GET /reauthenticate. */
async function checkReauthentication(
  ctx: AuthContext,
  tx: Db,
  user: User,
  session: SessionRow | undefined,
  nonce: string,
): Promise<void> {
  if (session && Date.now() < session.created_at.getTime() + 24 * 3600 * 1000) return;
  if (!nonce)
    throw badRequest("reauthentication_needed", "Password update requires reauthentication");
  const matches = storedTokenMatches(
    ctx.settings,
    tokenHash(user.email ?? "", nonce),
    user.reauthentication_token,
    user.reauthentication_sent_at,
  );
  if (!matches)
    throw unprocessable("reauthentication_not_valid", "Nonce has expired or is invalid");
  await tx.query(
    `update auth.users set reauthentication_token = '', updated_at = now() where id = $1`,
    [user.id],
  );
  await clearOneTimeTokens(tx, user.id);
}

/**
 * GoTrue's UpdatePassword: the new hash, every pending emailed token cleared, and every other
 * session signed out (all of them when the request has no session).
 */
async function storePassword(
  tx: Db,
  user: User,
  hash: string,
  keepSession: string | undefined,
): Promise<void> {
  await tx.query(
    `update auth.users set encrypted_password = $2, confirmation_token = '', confirmation_sent_at = null, recovery_token = '', recovery_sent_at = null,
            email_change_token_current = '', email_change_token_new = '', email_change_sent_at = null, phone_change_token = '',
            phone_change_sent_at = null, reauthentication_token = '', reauthentication_sent_at = null, updated_at = now()
      where id = $1`,
    [user.id, hash],
  );
  await clearOneTimeTokens(tx, user.id);
  await endSessions(tx, user.id, keepSession ? "others" : "global", keepSession);
}

/** PUT /user: user metadata, password, and email (changed once the emailed links are followed). */
export async function updateUser(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const { user, session } = await requireUser(ctx, r);
  const { settings } = ctx;
  const email = stringField(r.body, "email") ? validateEmail(stringField(r.body, "email")) : "";
  const password =
    r.body.password === undefined || r.body.password === null
      ? undefined
      : stringField(r.body, "password");
  const data = objectField(r.body, "data");
  if (password !== undefined) checkPasswordStrength(password, settings.password);
  if (objectField(r.body, "app_metadata"))
    throw forbidden("not_admin", "Updating app_metadata requires admin privileges");
  if (stringField(r.body, "phone"))
    throw badRequest(
      "phone_provider_disabled",
      "Phone changes are not supported by the local stack",
    );
  if (user.is_anonymous && password && !email) {
    throw unprocessable(
      "validation_failed",
      "Updating password of an anonymous user without an email or phone is not allowed",
    );
  }
  const pkce = pkceParams(r.body);
  const flow = validatePkce(pkce);
  const changingEmail = email !== "" && email !== user.email;
  if (changingEmail) await emailTaken(ctx.db.pool, email, user.id);
  let newHash: string | undefined;
  if (password) {
    if (await passwordMatches(password, user.encrypted_password || null)) {
      throw unprocessable(
        "same_password",
        "New password should be different from the old password.",
      );
    }
    newHash = await hashPassword(password);
  }

  const updated = await ctx.db.transaction(async (tx) => {
    if (password !== undefined) {
      if (settings.email.securePasswordChange)
        await checkReauthentication(ctx, tx, user, session, stringField(r.body, "nonce"));
      // An empty password removes it, as GoTrue allows for users who sign in another way.
      await storePassword(tx, user, newHash ?? "", session?.id);
      await audit(tx, user, "user_updated_password", r.client.ip);
    }
    if (data) await updateMetadata(tx, user.id, "raw_user_meta_data", data);
    if (changingEmail) {
      if (flow === "pkce")
        await createFlowState(tx, {
          providerType: "email_change",
          authenticationMethod: "email_change",
          pkce,
          userId: user.id,
        });
      const redirectTo = resolveRedirect(settings, requestedRedirect(r), r.req.headers.referer);
      await sendEmailChange(ctx, tx, await reloadUser(tx, user), email, flow, redirectTo);
    }
    await audit(tx, user, "user_modified", r.client.ip);
    return reloadUser(tx, user);
  });
  respond(r, userJson(updated));
}

/** GET /reauthenticate: emails a code that PUT /user accepts as `nonce`. */
export async function reauthenticate(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const { user } = await requireUser(ctx, r);
  if (!user.email)
    throw badRequest(
      "validation_failed",
      "Reauthentication requires the user to have an email or a phone number",
    );
  if (!isConfirmed(user))
    throw unprocessable("email_not_confirmed", "Please verify your email first.");
  await ctx.db.transaction(async (tx) => {
    await audit(tx, user, "user_reauthenticate_requested", r.client.ip);
    await sendReauthentication(ctx, tx, user);
  });
  respond(r, {});
}
