import type { AuthContext } from "../context.ts";
import { AuthError, badRequest, OAuthError, oauthErrorName } from "../errors.ts";
import {
  createFlowState,
  findFlowState,
  isFlowStateExpired,
  isPkceFlow,
  validatePkce,
  type FlowStateRow,
} from "../flow-state.ts";
import { uuidPattern } from "../../database/session.ts";
import { requestedRedirect, type AuthRequest } from "../http/request.ts";
import { redirect } from "../http/respond.ts";
import { notBuilt, signInWith } from "../http/unbuilt.ts";
import { tokenRedirect } from "../http/verify.ts";
import { resolveRedirect } from "../redirects.ts";
import { startSession } from "../sessions.ts";
import { signInExternally } from "./external-accounts.ts";
import { googleUser } from "./google.ts";

/** Parameters of /authorize that are GoTrue's own; every other one is passed on to the provider. */
const ownParameters = new Set([
  "provider",
  "scopes",
  "redirect_to",
  "code_challenge",
  "code_challenge_method",
  "invite_token",
  "client_id",
  "redirect_uri",
  "response_type",
  "scope",
  "state",
]);

/** The OAuth providers GoTrue's /authorize knows (internal/api/external.go, API.Provider). */
const oauthProviders = new Set([
  "apple",
  "azure",
  "bitbucket",
  "discord",
  "facebook",
  "figma",
  "fly",
  "github",
  "gitlab",
  "google",
  "kakao",
  "keycloak",
  "linkedin",
  "linkedin_oidc",
  "notion",
  "snapchat",
  "spotify",
  "slack",
  "slack_oidc",
  "twitch",
  "twitter",
  "x",
  "vercel_marketplace",
  "workos",
  "zoom",
]);

/**
 * Which provider /authorize is asked for, refused as GoTrue refuses it: "Unsupported provider: " and
 * the reason (an unknown name, custom providers off, a provider off). Only Google is built: another
 * that config.toml enables answers that it is not implemented.
 */
function requestedProvider(ctx: AuthContext, r: AuthRequest): "google" {
  const name = (r.url.searchParams.get("provider") ?? "").toLowerCase();
  const unsupported = (reason: string) =>
    badRequest("validation_failed", `Unsupported provider: ${reason}`);
  if (name.startsWith("custom:")) throw unsupported("custom OAuth providers are disabled");
  if (!oauthProviders.has(name)) throw unsupported(`Provider ${name} could not be found`);
  if (name === "google" && ctx.settings.google.enabled) return name;
  if (ctx.settings.externalProvidersOn.includes(name)) throw notBuilt(signInWith(name));
  throw unsupported("provider is not enabled");
}

/** GET /authorize?provider=google: starts a flow state and sends the browser to the provider. */
export async function authorize(ctx: AuthContext, r: AuthRequest): Promise<void> {
  requestedProvider(ctx, r);
  const redirectTo = resolveRedirect(ctx.settings, requestedRedirect(r), r.req.headers.referer);
  const pkce = {
    codeChallenge: r.url.searchParams.get("code_challenge") ?? "",
    codeChallengeMethod: r.url.searchParams.get("code_challenge_method") ?? "",
  };
  validatePkce(pkce);
  const flow = await createFlowState(ctx.db.pool, {
    providerType: "google",
    authenticationMethod: "oauth",
    pkce,
    referrer: redirectTo,
  });
  const extra = new URLSearchParams(
    [...r.url.searchParams].filter(([key]) => !ownParameters.has(key.toLowerCase())),
  );
  redirect(
    r,
    await ctx.google.authorizationUrl(flow.id, r.url.searchParams.get("scopes") ?? "", extra),
    302,
  );
}

/** The flow named by `state`; problems here go back to the site URL, as the flow's own target is unknown. */
async function loadFlow(ctx: AuthContext, state: string): Promise<FlowStateRow> {
  if (!state) throw badRequest("bad_oauth_callback", "OAuth state parameter missing");
  if (!uuidPattern.test(state))
    throw badRequest("bad_oauth_state", "OAuth state parameter is invalid");
  const flow = await findFlowState(ctx.db.pool, "id", state);
  if (!flow) throw badRequest("bad_oauth_state", "OAuth state not found or expired");
  if (isFlowStateExpired(flow, ctx.settings.flowStateExpirySeconds))
    throw badRequest("bad_oauth_state", "OAuth state has expired");
  if (isPkceFlow(flow) && flow.user_id)
    throw badRequest("flow_state_already_used", "State has already been used");
  return flow;
}

/** Exchanges the provider's code, signs the person in, and returns where to send the browser. */
async function completeSignIn(
  ctx: AuthContext,
  r: AuthRequest,
  flow: FlowStateRow,
  params: URLSearchParams,
  target: string,
): Promise<string> {
  const providerError = params.get("error");
  if (providerError) throw new OAuthError(providerError, params.get("error_description") ?? "");
  const code = params.get("code");
  if (!code)
    throw badRequest(
      "bad_oauth_callback",
      "OAuth callback with missing authorization code missing",
    );
  let person;
  let tokens;
  try {
    tokens = await ctx.google.exchangeCode(code);
    const claims = await ctx.google.verifyIdToken(tokens.idToken);
    if (
      !ctx.settings.google.clientIds.some((id) =>
        (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).includes(id),
      )
    ) {
      throw new Error(`the ID token is for ${String(claims.aud)}, not this client`);
    }
    person = googleUser(claims);
  } catch (error) {
    ctx.log.error(`google callback: ${(error as Error).message}`);
    throw new AuthError(500, "unexpected_failure", "Unable to exchange external code");
  }
  if (!person.email)
    throw new AuthError(
      500,
      "unexpected_failure",
      "Error getting user email from external provider",
    );
  return ctx.db.transaction(async (tx) => {
    const user = await signInExternally(ctx, tx, "google", person, r.client);
    if (isPkceFlow(flow)) {
      const locked = await findFlowState(tx, "id", flow.id, true);
      if (!locked || locked.user_id)
        throw badRequest("flow_state_already_used", "State has already been used");
      await tx.query(
        `update auth.flow_state set user_id = $2, provider_access_token = $3, provider_refresh_token = $4, auth_code_issued_at = now(), updated_at = now() where id = $1`,
        [flow.id, user.id, tokens.accessToken, tokens.refreshToken],
      );
      const url = new URL(target);
      url.searchParams.set("code", flow.auth_code!);
      return url.toString();
    }
    const session = await startSession(tx, ctx.signer, user, "oauth", r.client);
    await tx.query(`delete from auth.flow_state where id = $1`, [flow.id]);
    return tokenRedirect(target, session, {
      provider_token: tokens.accessToken,
      ...(tokens.refreshToken ? { provider_refresh_token: tokens.refreshToken } : {}),
    });
  });
}

/** The OAuth error name for an error, as GoTrue's getErrorQueryString picks it. */
function oauthError(error: AuthError): string {
  if (["signup_disabled", "user_banned", "provider_email_needs_verification"].includes(error.code))
    return "access_denied";
  return oauthErrorName(error.status) ?? "server_error";
}

/** Errors after the flow is known go back to the app in both the query and the fragment. */
function callbackErrorRedirect(target: string, error: AuthError | OAuthError): string {
  const url = new URL(target);
  const params = new URLSearchParams(
    error instanceof OAuthError
      ? { error: error.error, error_description: error.description }
      : { error: oauthError(error), error_description: error.message, error_code: error.code },
  );
  for (const [key, value] of params) url.searchParams.set(key, value);
  params.set("sb", "");
  url.hash = params.toString();
  return url.toString();
}

/** GET or POST /callback: where the provider sends the browser back. */
export async function callback(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const params =
    r.method === "POST"
      ? new URLSearchParams(Object.entries(r.body).map(([key, value]) => [key, String(value)]))
      : r.url.searchParams;
  let flow: FlowStateRow;
  try {
    flow = await loadFlow(ctx, params.get("state") ?? "");
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const url = new URL(ctx.settings.siteUrl);
    url.searchParams.set("error", oauthError(error));
    url.searchParams.set("error_code", error.code);
    url.searchParams.set("error_description", error.message);
    return redirect(r, url.toString(), 303);
  }
  const target = flow.referrer || ctx.settings.siteUrl;
  try {
    redirect(r, await completeSignIn(ctx, r, flow, params, target), 302);
  } catch (error) {
    if (!(error instanceof AuthError || error instanceof OAuthError)) throw error;
    redirect(r, callbackErrorRedirect(target, error), 302);
  }
}
