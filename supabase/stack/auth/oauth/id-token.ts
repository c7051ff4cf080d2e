import { createHash } from "node:crypto";
import type { AuthContext } from "../context.ts";
import { AuthError, badRequest, OAuthError } from "../errors.ts";
import type { AuthRequest } from "../http/request.ts";
import { stringField } from "../http/request.ts";
import { respond } from "../http/respond.ts";
import { notBuilt, signInWith } from "../http/unbuilt.ts";
import { startSession } from "../sessions.ts";
import { signInExternally } from "./external-accounts.ts";
import { googleUser } from "./google.ts";

/** The ID-token providers GoTrue knows by a fixed issuer (internal/api/token_oidc.go). */
const fixedIssuers: Record<string, string> = {
  facebook: "https://www.facebook.com",
  kakao: "https://kauth.kakao.com",
  vercel_marketplace: "https://marketplace.vercel.com",
  snapchat: "https://accounts.snapchat.com/accounts/oauth2/token",
};

/**
 * An ID token of a provider other than Google: not built, so one config.toml enables answers so; one
 * with a fixed issuer that is off answers as GoTrue does. Apple's and Azure's issuers GoTrue reads from
 * the token, and Keycloak's is its configured URL: those fall through to the custom-provider refusal.
 */
function refuseOtherProvider(ctx: AuthContext, provider: string): void {
  if (ctx.settings.externalProvidersOn.includes(provider)) throw notBuilt(signInWith(provider));
  const issuer = fixedIssuers[provider];
  if (issuer) throw badRequest("provider_disabled", `Provider (issuer "${issuer}") is not enabled`);
}

/**
 * grant_type=id_token (signInWithIdToken): a Google ID token obtained by a mobile app. Signature,
 * issuer and expiry, then audience (one of the client ids) and nonce (sha256 of the one the app sent).
 */
export async function idTokenGrant(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const idToken = stringField(r.body, "id_token");
  const provider = stringField(r.body, "provider");
  const issuer = stringField(r.body, "issuer");
  const nonce = stringField(r.body, "nonce");
  if (!idToken) throw new OAuthError("invalid request", "id_token required");
  if (!provider && (!stringField(r.body, "client_id") || !issuer))
    throw new OAuthError("invalid request", "provider or client_id and issuer required");
  if (r.body.link_identity === true)
    throw badRequest("validation_failed", "link_identity is not supported by the local stack");
  const google = ctx.google.settings;
  if (provider !== "google" && issuer !== google.issuer) {
    refuseOtherProvider(ctx, provider);
    throw badRequest(
      "validation_failed",
      `Custom OIDC provider "${provider || issuer}" not allowed`,
    );
  }
  if (!google.enabled)
    throw badRequest("provider_disabled", `Provider (issuer "${google.issuer}") is not enabled`);

  let claims;
  try {
    claims = await ctx.google.verifyIdToken(idToken);
  } catch {
    throw new OAuthError("invalid request", "Bad ID token");
  }
  if (!claims.sub) throw new OAuthError("invalid request", "Missing sub claim in id_token");
  const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
  if (!google.clientIds.some((id) => audiences.includes(id))) {
    throw new OAuthError(
      "invalid request",
      `Unacceptable audience in id_token: [${audiences.join(" ")}]`,
    );
  }
  if (!google.skipNonceCheck) {
    const tokenNonce = typeof claims.nonce === "string" ? claims.nonce : "";
    if (!tokenNonce !== !nonce)
      throw new OAuthError(
        "invalid request",
        "Passed nonce and nonce in id_token should either both exist or not.",
      );
    if (nonce && createHash("sha256").update(nonce).digest("hex") !== tokenNonce)
      throw new OAuthError("invalid nonce", "Nonces mismatch");
  }
  const person = googleUser(claims);
  try {
    const tokens = await ctx.db.transaction(async (tx) =>
      startSession(
        tx,
        ctx.signer,
        await signInExternally(ctx, tx, "google", person, r.client),
        "oauth",
        r.client,
      ),
    );
    respond(r, tokens);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    ctx.log.error(`id_token sign-in failed: ${(error as Error).stack ?? String(error)}`);
    throw new OAuthError("server_error", "Internal Server Error");
  }
}
