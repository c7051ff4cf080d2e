import { defaultAudience } from "../accounts.ts";
import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import { AuthError, badRequest, notFound, unprocessable } from "../errors.ts";
import { findFlowState, isFlowStateExpired } from "../flow-state.ts";
import { idTokenGrant } from "../oauth/id-token.ts";
import { checkPasswordStrength, passwordMatches } from "../passwords.ts";
import { pkceChallengeMatches } from "../secrets.ts";
import {
  refreshSession,
  startSession,
  validateRefreshTokenShape,
  type AuthMethod,
} from "../sessions.ts";
import { findUserByEmail, findUserById, isBanned, isConfirmed } from "../users.ts";
import { stringField, type AuthRequest } from "./request.ts";
import { refusePhone, web3Grant } from "./unbuilt.ts";
import { respond } from "./respond.ts";

const invalidLogin = () => badRequest("invalid_credentials", "Invalid login credentials");

async function passwordGrant(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const email = stringField(r.body, "email");
  const phone = stringField(r.body, "phone");
  const password = stringField(r.body, "password");
  if (email && phone)
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided on login.",
    );
  if (!email && !phone) throw badRequest("validation_failed", "missing email or phone");
  if (phone)
    refusePhone(ctx, unprocessable("phone_provider_disabled", "Phone logins are disabled"));
  if (!ctx.settings.email.enabled)
    throw unprocessable("email_provider_disabled", "Email logins are disabled");

  const user = await findUserByEmail(ctx.db.pool, email, defaultAudience);
  const matches = await passwordMatches(password, user?.encrypted_password);
  if (!user || !user.encrypted_password) throw invalidLogin();
  if (isBanned(user)) throw badRequest("user_banned", "User is banned");
  if (!matches) throw invalidLogin();
  if (!isConfirmed(user)) throw badRequest("email_not_confirmed", "Email not confirmed");

  // A correct password that no longer meets the rules still signs in; the client is told why it is weak.
  let weakPassword: Record<string, unknown> | undefined;
  try {
    checkPasswordStrength(password, ctx.settings.password);
  } catch (error) {
    if (error instanceof AuthError && error.code === "weak_password") {
      weakPassword = { message: error.message, ...(error.extra.weak_password as object) };
    }
  }
  const tokens = await ctx.db.transaction(async (tx) => {
    await audit(tx, user, "login", r.client.ip, { provider: "email" });
    return startSession(tx, ctx.signer, user, "password", r.client);
  });
  respond(r, weakPassword ? { ...tokens, weak_password: weakPassword } : tokens);
}

/** grant_type=pkce: the auth code from a PKCE redirect, with the verifier only the app knows. */
async function pkceGrant(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const authCode = stringField(r.body, "auth_code");
  const verifier = stringField(r.body, "code_verifier");
  if (!authCode || !verifier)
    throw badRequest(
      "validation_failed",
      "invalid request: both auth code and code verifier should be non-empty",
    );
  const response = await ctx.db.transaction(async (tx) => {
    const flow = await findFlowState(tx, "auth_code", authCode, true);
    if (!flow || !flow.user_id)
      throw notFound("flow_state_not_found", "invalid flow state, no valid flow state found");
    if (isFlowStateExpired(flow, ctx.settings.flowStateExpirySeconds)) {
      throw unprocessable("flow_state_expired", "invalid flow state, flow state has expired");
    }
    const user = await findUserById(tx, flow.user_id);
    if (!user)
      throw notFound("flow_state_not_found", "invalid flow state, no valid flow state found");
    if (
      !pkceChallengeMatches(flow.code_challenge ?? "", flow.code_challenge_method ?? "", verifier)
    ) {
      throw badRequest(
        "bad_code_verifier",
        "code challenge does not match previously saved code verifier",
      );
    }
    await audit(tx, user, "login", r.client.ip, { provider_type: flow.provider_type });
    const tokens = await startSession(
      tx,
      ctx.signer,
      user,
      flow.authentication_method as AuthMethod,
      r.client,
    );
    await tx.query(`delete from auth.flow_state where id = $1`, [flow.id]);
    return {
      ...tokens,
      ...(flow.provider_access_token ? { provider_token: flow.provider_access_token } : {}),
      ...(flow.provider_refresh_token
        ? { provider_refresh_token: flow.provider_refresh_token }
        : {}),
    };
  });
  respond(r, response);
}

/** POST /token?grant_type=password|refresh_token|pkce|id_token */
export async function token(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const grantType = r.url.searchParams.get("grant_type") ?? stringField(r.body, "grant_type");
  const grants: Record<string, (ctx: AuthContext, r: AuthRequest) => Promise<void>> = {
    password: passwordGrant,
    pkce: pkceGrant,
    id_token: idTokenGrant,
    web3: web3Grant,
    refresh_token: async () => {
      const refreshToken = validateRefreshTokenShape(r.body.refresh_token);
      const { refreshTokenRotation: rotation, refreshTokenReuseSeconds: reuseIntervalSeconds } =
        ctx.settings;
      respond(
        r,
        await refreshSession(
          ctx.db,
          ctx.signer,
          refreshToken,
          { rotation, reuseIntervalSeconds },
          r.client,
        ),
      );
    },
  };
  const grant = grants[grantType];
  if (!grant) throw badRequest("invalid_credentials", "unsupported_grant_type");
  if (r.rateLimitKey)
    ctx.limiter.take(
      grantType === "refresh_token" ? "token_refresh" : "sign_in_sign_ups",
      r.rateLimitKey,
    );
  await grant(ctx, r);
}
