/**
 * GoTrue's answers for the features the stack does not build: SAML SSO, passkeys, the OAuth server,
 * Web3 sign-in, manual identity linking and phone sign-in. While config.toml leaves them off (as the
 * CLI's template does) each answers exactly as GoTrue does when it is off (internal/api/api.go and
 * middleware.go: the same status, error code and message, after the same authentication). Switched
 * on, the stack says so at start and answers as GoTrue does for a feature that is off (404,
 * `feature_disabled`) but in its own words, never with a silently different success. Not a 5xx:
 * auth-js takes those for network failures to retry, and drops the error code.
 */
import type { AuthContext } from "../context.ts";
import { badRequest, forbidden, notFound, unprocessable, type AuthError } from "../errors.ts";
import type { AuthSettings } from "../settings.ts";
import { requireAdmin, requireUser } from "./guard.ts";
import type { AuthRequest } from "./request.ts";
import { stringField } from "./request.ts";

type Handler = (ctx: AuthContext, r: AuthRequest) => Promise<void>;

export const notBuilt = (feature: string) =>
  notFound("feature_disabled", `${feature} is not implemented by the local stack`);

/** Each unbuilt feature: whether config.toml switches it on, the setting, and its name in answers. */
function unbuiltSwitches(settings: AuthSettings): [boolean, string, string][] {
  const { features, mfa } = settings;
  return [
    [features.phone, features.phoneSetting, "Phone sign-in"],
    [features.passkey, "[auth.passkey] enabled", "Passkey sign-in"],
    [features.oauthServer, "[auth.oauth_server] enabled", "The OAuth server"],
    [features.web3Solana, "[auth.web3.solana] enabled", "Web3 sign-in"],
    [features.web3Ethereum, "[auth.web3.ethereum] enabled", "Web3 sign-in"],
    [settings.manualLinkingEnabled, "[auth] enable_manual_linking", "Manual identity linking"],
    [mfa.phoneOn, "[auth.mfa.phone] enroll_enabled or verify_enabled", "MFA with phone factors"],
    [
      mfa.webAuthnOn,
      "[auth.mfa.web_authn] enroll_enabled or verify_enabled",
      "MFA with WebAuthn factors",
    ],
    ...settings.externalProvidersOn.map((name): [boolean, string, string] => [
      true,
      `[auth.external.${name}] enabled`,
      signInWith(name),
    ]),
  ];
}

/** How an unbuilt external provider is named in its answers. */
export const signInWith = (provider: string) => `Sign-in with ${provider}`;

/**
 * The start-up warnings for features config.toml switches on that the stack does not build. Third-party
 * auth has no endpoint to answer from: the CLI adds the provider's keys to every service's JWKS, the
 * stack does not, so its tokens are refused as tokens of an unknown key.
 */
export function unbuiltFeatureWarnings(settings: AuthSettings): string[] {
  return [
    ...unbuiltSwitches(settings)
      .filter(([on]) => on)
      .map(
        ([, setting, name]) =>
          `WARN: ${setting} is set, but ${name} is not implemented by the local stack: its requests answer 404 feature_disabled`,
      ),
    ...settings.thirdPartyOn.map(
      (name) =>
        `WARN: [auth.third_party.${name}] enabled is set, but third-party auth is not implemented by the local stack: every service refuses its tokens as signed by an unknown key`,
    ),
  ];
}

/** Phone sign-in is off unless [auth.sms] is enabled; on, the stack cannot send the SMS. */
export function refusePhone(ctx: AuthContext, whenOff: AuthError): never {
  throw ctx.settings.features.phone ? notBuilt("Phone sign-in") : whenOff;
}

const samlDisabled: Handler = () => {
  throw notFound("saml_provider_disabled", "SAML 2.0 is disabled");
};

const passkeys: Handler = (ctx) => {
  if (ctx.settings.features.passkey) throw notBuilt("Passkey sign-in");
  throw notFound("passkey_disabled", "Passkeys are disabled");
};

const oauthServerOff = (ctx: AuthContext) => {
  if (ctx.settings.features.oauthServer) throw notBuilt("The OAuth server");
  throw notFound("feature_disabled", "OAuth server is disabled");
};

const oauthServer: Handler = (ctx) => oauthServerOff(ctx);

/** /user/oauth/grants: GoTrue authenticates the user before it checks the switch. */
const userGrants: Handler = async (ctx, r) => {
  await requireUser(ctx, r);
  oauthServerOff(ctx);
};

/** /admin/oauth/clients…: the admin check comes first, as GoTrue's /admin route runs it. */
const adminOAuthClients: Handler = async (ctx, r) => {
  await requireAdmin(ctx, r);
  oauthServerOff(ctx);
};

/** linkIdentity and unlinkIdentity: a signed-in user, then the manual-linking switch. */
const identities: Handler = async (ctx, r) => {
  await requireUser(ctx, r);
  if (ctx.settings.manualLinkingEnabled) throw notBuilt("Manual identity linking");
  throw notFound("manual_linking_disabled", "Manual linking is disabled");
};

/** POST /token?grant_type=web3 (signInWithWeb3), as GoTrue's Web3Grant checks its switches. */
export const web3Grant: Handler = (ctx, r) => {
  const { web3Solana, web3Ethereum } = ctx.settings.features;
  if (!web3Solana && !web3Ethereum)
    throw unprocessable("web3_provider_disabled", "Web3 provider is disabled");
  const chain = stringField(r.body, "chain");
  if (chain === "solana" && !web3Solana)
    throw unprocessable("web3_provider_disabled", "Solana Web3 provider is disabled");
  if (chain === "ethereum" && !web3Ethereum)
    throw unprocessable("web3_provider_disabled", "Ethereum Web3 provider is disabled");
  if (chain !== "solana" && chain !== "ethereum")
    throw badRequest("web3_unsupported_chain", "Unsupported chain");
  throw notBuilt("Web3 sign-in");
};

/** The handler for an unbuilt feature's path, if `path` is one. */
export function unbuiltFeature(method: string, path: string): Handler | undefined {
  if (path === "/sso" || path === "/sso/saml/metadata" || path === "/sso/saml/acs")
    return samlDisabled;
  if (path === "/passkeys" || path.startsWith("/passkeys/")) return passkeys;
  if (path === "/.well-known/oauth-authorization-server" && method === "GET") return oauthServer;
  if (path.startsWith("/oauth/")) return oauthServer;
  if (path === "/user/oauth/grants") return userGrants;
  if (path === "/admin/oauth/clients" || path.startsWith("/admin/oauth/clients/"))
    return adminOAuthClients;
  if (
    (path === "/user/identities/authorize" && method === "GET") ||
    (path.startsWith("/user/identities/") && method === "DELETE")
  )
    return identities;
  return undefined;
}

/** GoTrue's validatePhone: without a leading "+" and spaces, E.164's digits. */
function validatePhone(phone: string): string {
  const digits = phone.replace(/^\+/, "").replaceAll(" ", "");
  if (!/^[1-9]\d{1,14}$/.test(digits))
    throw badRequest("validation_failed", "Invalid phone number format (E.164 required)");
  return digits;
}

/**
 * POST /verify with a phone: GoTrue finds no user with a code sent to that number (none is, while
 * phone sign-in is off) and answers as for a wrong code.
 */
export function verifyPhoneCode(ctx: AuthContext, phone: string): never {
  validatePhone(phone);
  return refusePhone(ctx, forbidden("otp_expired", "Token has expired or is invalid"));
}
