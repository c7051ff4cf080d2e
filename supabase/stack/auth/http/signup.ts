import { randomUUID } from "node:crypto";
import { createEmailUser, defaultAudience, defaultRole, validateEmail } from "../accounts.ts";
import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import { sendLinkEmail } from "../email-links.ts";
import { badRequest, unprocessable } from "../errors.ts";
import { createFlowState, validatePkce, type PkceParams } from "../flow-state.ts";
import { checkPasswordStrength, hashPassword } from "../passwords.ts";
import { startSession } from "../sessions.ts";
import {
  confirmEmail,
  findUserByEmail,
  insertUser,
  isConfirmed,
  reloadUser,
  userJson,
  type User,
} from "../users.ts";
import { objectField, requestedRedirect, stringField, type AuthRequest } from "./request.ts";
import { refusePhone } from "./unbuilt.ts";
import { respond } from "./respond.ts";
import { resolveRedirect } from "../redirects.ts";

/** POST /signup without email or phone: an anonymous user, when `enable_anonymous_sign_ins` is on. */
async function signUpAnonymously(
  ctx: AuthContext,
  r: AuthRequest,
  data: Record<string, unknown>,
): Promise<void> {
  if (!ctx.settings.anonymousSignInsEnabled)
    throw unprocessable("anonymous_provider_disabled", "Anonymous sign-ins are disabled");
  const tokens = await ctx.db.transaction(async (tx) => {
    const user = await insertUser(
      tx,
      {
        aud: defaultAudience,
        email: null,
        passwordHash: null,
        appMetadata: {},
        userMetadata: data,
        isAnonymous: true,
      },
      defaultRole,
    );
    await audit(tx, user, "user_signedup", r.client.ip, { provider: "anonymous" });
    return startSession(tx, ctx.signer, user, "anonymous", r.client);
  });
  respond(r, tokens);
}

/**
 * What a repeated sign-up of a confirmed address gets when confirmations are on: a made-up user that
 * looks like a fresh one, so the response does not reveal that the address is registered.
 */
function decoyUser(email: string, data: Record<string, unknown>) {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    aud: defaultAudience,
    role: "",
    email,
    phone: "",
    confirmation_sent_at: now,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: data,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}

export interface EmailRegistration {
  email: string;
  password: string;
  data: Record<string, unknown>;
  pkce: PkceParams;
  redirectTo: string;
}

/**
 * GoTrue's sign-up by email, shared with magic links for new addresses: a new user (or the existing
 * unconfirmed one), then either a session (no confirmations) or a confirmation email.
 */
export async function registerWithEmail(
  ctx: AuthContext,
  r: AuthRequest,
  registration: EmailRegistration,
): Promise<unknown> {
  const { settings } = ctx;
  if (!settings.signupEnabled)
    throw unprocessable("signup_disabled", "Signups not allowed for this instance");
  const flow = validatePkce(registration.pkce);
  const address = registration.email;
  const existing = await findUserByEmail(ctx.db.pool, address, defaultAudience);
  if (existing && isConfirmed(existing)) {
    await ctx.db.transaction((tx) =>
      audit(tx, existing, "user_repeated_signup", r.client.ip, { provider: "email" }),
    );
    if (settings.email.autoconfirm)
      throw unprocessable("user_already_exists", "User already registered");
    return decoyUser(address, registration.data);
  }
  // Hashing is slow, so it happens before the transaction takes its locks.
  const passwordHash = existing ? null : await hashPassword(registration.password);
  return ctx.db.transaction(async (tx) => {
    // An unconfirmed user keeps its password and data: the request has not proved who is asking.
    let user: User =
      existing ??
      (await createEmailUser(tx, { email: address, passwordHash, data: registration.data }));
    if (settings.email.autoconfirm) {
      await audit(tx, user, "user_signedup", r.client.ip, { provider: "email" });
      await confirmEmail(tx, user.id);
      user = await reloadUser(tx, user);
      await audit(tx, user, "login", r.client.ip, { provider: "email" });
      return startSession(tx, ctx.signer, user, "password", r.client);
    }
    await audit(tx, user, "user_confirmation_requested", r.client.ip, { provider: "email" });
    if (flow === "pkce") {
      await createFlowState(tx, {
        providerType: "email",
        authenticationMethod: "email/signup",
        pkce: registration.pkce,
        userId: user.id,
      });
    }
    await sendLinkEmail(ctx, tx, user, {
      kind: "signup",
      slot: "confirmation",
      flow,
      redirectTo: registration.redirectTo,
    });
    return userJson(await reloadUser(tx, user));
  });
}

/** GoTrue's `code_challenge` and `code_challenge_method` body fields. */
export const pkceParams = (body: Record<string, unknown>): PkceParams => ({
  codeChallenge: stringField(body, "code_challenge"),
  codeChallengeMethod: stringField(body, "code_challenge_method"),
});

/** POST /signup: email and password, `data` into user metadata, confirmation email when confirmations are on. */
export async function signup(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const { settings } = ctx;
  if (!settings.signupEnabled)
    throw unprocessable("signup_disabled", "Signups not allowed for this instance");
  const email = stringField(r.body, "email");
  const phone = stringField(r.body, "phone");
  const password = stringField(r.body, "password");
  const data = objectField(r.body, "data") ?? {};
  if (!email && !phone) return signUpAnonymously(ctx, r, data);
  if (r.rateLimitKey) ctx.limiter.take("sign_in_sign_ups", r.rateLimitKey);
  if (!password) throw badRequest("validation_failed", "Signup requires a valid password");
  checkPasswordStrength(password, settings.password);
  if (email && phone)
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided on signup.",
    );
  const pkce = pkceParams(r.body);
  validatePkce(pkce);
  if (phone) refusePhone(ctx, badRequest("phone_provider_disabled", "Phone signups are disabled"));
  if (!settings.email.enabled)
    throw badRequest("email_provider_disabled", "Email signups are disabled");
  const redirectTo = resolveRedirect(settings, requestedRedirect(r), r.req.headers.referer);
  respond(
    r,
    await registerWithEmail(ctx, r, {
      email: validateEmail(email),
      password,
      data,
      pkce,
      redirectTo,
    }),
  );
}
