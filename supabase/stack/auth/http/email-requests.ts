import { defaultAudience, validateEmail } from "../accounts.ts";
import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import { sendEmailChange, sendLinkEmail, type Flow } from "../email-links.ts";
import { badRequest, unprocessable } from "../errors.ts";
import { createFlowState, validatePkce, type PkceParams } from "../flow-state.ts";
import { resolveRedirect } from "../redirects.ts";
import { newRandomPassword } from "../secrets.ts";
import { findUserByEmail, isConfirmed, type User } from "../users.ts";
import { objectField, requestedRedirect, stringField, type AuthRequest } from "./request.ts";
import { refusePhone } from "./unbuilt.ts";
import { respond } from "./respond.ts";
import { pkceParams, registerWithEmail } from "./signup.ts";

const redirectOf = (ctx: AuthContext, r: AuthRequest) =>
  resolveRedirect(ctx.settings, requestedRedirect(r), r.req.headers.referer);

/** Every request that sends an email counts against `email_sent` for its client address. */
function takeEmailBudget(ctx: AuthContext, r: AuthRequest): void {
  if (r.rateLimitKey) ctx.limiter.take("email_sent", r.rateLimitKey);
}

async function startEmailFlow(
  ctx: AuthContext,
  user: User,
  flow: Flow,
  pkce: PkceParams,
  method: string,
  providerType = method,
): Promise<void> {
  if (flow === "pkce")
    await createFlowState(ctx.db.pool, {
      providerType,
      authenticationMethod: method,
      pkce,
      userId: user.id,
    });
}

/** POST /recover: a password reset link; the answer is the same whether or not the address has an account. */
export async function recover(ctx: AuthContext, r: AuthRequest): Promise<void> {
  takeEmailBudget(ctx, r);
  if (!ctx.settings.email.enabled)
    throw badRequest("email_provider_disabled", "Email logins are disabled");
  const email = stringField(r.body, "email");
  if (!email) throw badRequest("validation_failed", "Password recovery requires an email");
  const address = validateEmail(email);
  const pkce = pkceParams(r.body);
  const flow = validatePkce(pkce);
  const user = await findUserByEmail(ctx.db.pool, address, defaultAudience);
  if (!user) return respond(r, {});
  await startEmailFlow(ctx, user, flow, pkce, "recovery");
  await ctx.db.transaction(async (tx) => {
    await audit(tx, user, "user_recovery_requested", r.client.ip);
    await sendLinkEmail(ctx, tx, user, {
      kind: "recovery",
      slot: "recovery",
      flow,
      redirectTo: redirectOf(ctx, r),
    });
  });
  respond(r, {});
}

/**
 * A magic link (which carries a code too). A new or unconfirmed address is signed up first with a
 * password nobody knows: with confirmations on it gets the confirmation email instead.
 */
async function magicLink(
  ctx: AuthContext,
  r: AuthRequest,
  address: string,
  data: Record<string, unknown>,
  pkce: PkceParams,
): Promise<void> {
  if (!ctx.settings.email.enabled)
    throw unprocessable("email_provider_disabled", "Email logins are disabled");
  const flow = validatePkce(pkce);
  let user = await findUserByEmail(ctx.db.pool, address, defaultAudience);
  if (!user || !isConfirmed(user)) {
    await registerWithEmail(ctx, r, {
      email: address,
      password: newRandomPassword(),
      data,
      pkce,
      redirectTo: redirectOf(ctx, r),
    });
    if (!ctx.settings.email.autoconfirm) return;
    user = await findUserByEmail(ctx.db.pool, address, defaultAudience);
    if (!user) throw new Error(`the user signed up for ${address} cannot be found`);
  }
  const confirmed = user;
  await startEmailFlow(ctx, confirmed, flow, pkce, "magiclink");
  await ctx.db.transaction(async (tx) => {
    await audit(tx, confirmed, "user_recovery_requested", r.client.ip);
    await sendLinkEmail(ctx, tx, confirmed, {
      kind: "magiclink",
      slot: "recovery",
      flow,
      redirectTo: redirectOf(ctx, r),
    });
  });
}

/** POST /otp (signInWithOtp) and its older name POST /magiclink, for email addresses. */
export async function otp(ctx: AuthContext, r: AuthRequest): Promise<void> {
  takeEmailBudget(ctx, r);
  const email = stringField(r.body, "email");
  const phone = stringField(r.body, "phone");
  if (email && phone)
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided",
    );
  if (email && stringField(r.body, "channel"))
    throw badRequest("validation_failed", "Channel should only be specified with Phone OTP");
  const pkce = pkceParams(r.body);
  validatePkce(pkce);
  if (phone) refusePhone(ctx, badRequest("phone_provider_disabled", "Unsupported phone provider"));
  if (!email) throw badRequest("validation_failed", "One of email or phone must be set");
  const address = validateEmail(email);
  // GoTrue's default is to create the user; `create_user: false` refuses unknown addresses.
  if (
    r.body.create_user === false &&
    !(await findUserByEmail(ctx.db.pool, address, defaultAudience))
  ) {
    throw unprocessable("otp_disabled", "Signups not allowed for otp");
  }
  await magicLink(ctx, r, address, objectField(r.body, "data") ?? {}, pkce);
  respond(r, {});
}

/** POST /resend: the signup confirmation or the email-change links again, within `max_frequency`. */
export async function resend(ctx: AuthContext, r: AuthRequest): Promise<void> {
  takeEmailBudget(ctx, r);
  const type = stringField(r.body, "type");
  const pkce = pkceParams(r.body);
  if (type === "sms" || type === "phone_change")
    refusePhone(ctx, badRequest("phone_provider_disabled", "Phone logins are disabled"));
  if (type !== "signup" && type !== "email_change") {
    throw badRequest(
      "validation_failed",
      "Missing one of these types: signup, email_change, sms, phone_change",
    );
  }
  const flow = validatePkce(pkce);
  const email = stringField(r.body, "email");
  if (!email && type === "signup")
    throw badRequest("validation_failed", "Type provided requires an email address");
  if (!email) throw badRequest("validation_failed", "Missing email address or phone number");
  if (!ctx.settings.email.enabled)
    throw badRequest("email_provider_disabled", "Email logins are disabled");
  const user = await findUserByEmail(ctx.db.pool, validateEmail(email), defaultAudience);
  if (
    !user ||
    (type === "signup" && isConfirmed(user)) ||
    (type === "email_change" && !user.email_change)
  )
    return respond(r, {});
  const redirectTo = redirectOf(ctx, r);
  await ctx.db.transaction(async (tx) => {
    if (type === "signup") {
      await audit(tx, user, "user_confirmation_requested", r.client.ip);
      if (flow === "pkce")
        await createFlowState(tx, {
          providerType: "email/signup",
          authenticationMethod: "email/signup",
          pkce,
          userId: user.id,
        });
      await sendLinkEmail(ctx, tx, user, {
        kind: "signup",
        slot: "confirmation",
        flow,
        redirectTo,
      });
    } else {
      if (flow === "pkce")
        await createFlowState(tx, {
          providerType: "email_change",
          authenticationMethod: "email_change",
          pkce,
          userId: user.id,
        });
      await sendEmailChange(ctx, tx, user, user.email_change!, flow, redirectTo);
    }
  });
  respond(r, {});
}
