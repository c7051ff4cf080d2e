import type { AuthContext } from "../context.ts";
import { sendAuthJson } from "../errors.ts";
import type { AuthRequest } from "./request.ts";
import { respond } from "./respond.ts";

/** The external providers GoTrue lists in /settings; only email and Google can be on locally. */
const providers = [
  "anonymous_users",
  "apple",
  "azure",
  "bitbucket",
  "discord",
  "facebook",
  "snapchat",
  "figma",
  "fly",
  "github",
  "gitlab",
  "google",
  "keycloak",
  "kakao",
  "linkedin",
  "linkedin_oidc",
  "notion",
  "spotify",
  "slack",
  "slack_oidc",
  "workos",
  "twitch",
  "twitter",
  "email",
  "phone",
  "zoom",
];

/** GET /settings, which clients read to learn which sign-in methods are on. */
export function settings(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const enabled: Record<string, boolean> = {
    anonymous_users: ctx.settings.anonymousSignInsEnabled,
    email: ctx.settings.email.enabled,
    google: ctx.settings.google.enabled,
  };
  respond(r, {
    external: Object.fromEntries(providers.map((name) => [name, enabled[name] ?? false])),
    disable_signup: !ctx.settings.signupEnabled,
    mailer_autoconfirm: ctx.settings.email.autoconfirm,
    phone_autoconfirm: false,
    sms_provider: "",
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  });
  return Promise.resolve();
}

/** GET /health, with GoTrue's name and description. */
export function health(_ctx: AuthContext, r: AuthRequest): Promise<void> {
  respond(r, {
    version: "pitlane",
    name: "GoTrue",
    description: "GoTrue is a user registration and authentication API",
  });
  return Promise.resolve();
}

/**
 * GET /.well-known/jwks.json: the public halves of the signing keys, as GoTrue publishes them (the
 * HS256 secret never; so no keys at all without `signing_keys_path`), cacheable for ten minutes.
 */
export function jwks(ctx: AuthContext, r: AuthRequest): Promise<void> {
  sendAuthJson(
    r.res,
    200,
    { keys: ctx.keys.signingKeys.map((key) => key.publicJwk) },
    { "cache-control": "public, max-age=600" },
  );
  return Promise.resolve();
}

/**
 * GET /.well-known/openid-configuration, which GoTrue serves whether or not its OAuth server is on
 * (internal/api/jwks.go): the issuer's endpoints and what it supports, in its order.
 */
export function openIdConfiguration(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const issuer = ctx.settings.jwtIssuer;
  const base = issuer.replace(/\/+$/, "");
  sendAuthJson(
    r.res,
    200,
    {
      issuer,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      userinfo_endpoint: `${base}/oauth/userinfo`,
      scopes_supported: ["openid", "profile", "email", "phone", "offline_access"],
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256", "HS256", "ES256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      claims_supported: [
        "sub",
        "aud",
        "iss",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "email",
        "email_verified",
        "phone_number",
        "phone_number_verified",
        "name",
        "picture",
        "preferred_username",
        "updated_at",
      ],
      code_challenge_methods_supported: ["S256", "plain"],
    },
    { "cache-control": "public, max-age=600" },
  );
  return Promise.resolve();
}
