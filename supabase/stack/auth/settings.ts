import type { ProjectConfig } from "../config/project-config.ts";
import { dbEncryptionFromEnv, type DbEncryption } from "./encryption.ts";

/** What the Supabase CLI's `password_requirements` values mean, as GoTrue's required character sets. */
const requiredCharacterSets: Record<ProjectConfig["auth"]["password_requirements"], string[]> = {
  "": [],
  letters_digits: ["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"],
  lower_upper_letters_digits: [
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
  ],
  lower_upper_letters_digits_symbols: [
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    "!@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~",
  ],
};

export interface GoogleSettings {
  enabled: boolean;
  /** GoTrue accepts several client ids (web, iOS, Android) separated by commas. */
  clientIds: string[];
  secret: string;
  redirectUri: string;
  /** OpenID issuer; its discovery document gives the authorization, token and JWKS URLs. */
  issuer: string;
  skipNonceCheck: boolean;
}

/** The [auth] section of config.toml, resolved into the values the handlers use. */
export interface AuthSettings {
  siteUrl: string;
  redirectAllowList: string[];
  /** Public URL of /auth/v1, used in email links and as the OAuth callback. */
  externalUrl: string;
  jwtIssuer: string;
  jwtExpirySeconds: number;
  refreshTokenRotation: boolean;
  refreshTokenReuseSeconds: number;
  signupEnabled: boolean;
  anonymousSignInsEnabled: boolean;
  manualLinkingEnabled: boolean;
  password: { minLength: number; requiredCharacters: string[] };
  email: {
    enabled: boolean;
    autoconfirm: boolean;
    secureEmailChange: boolean;
    securePasswordChange: boolean;
    maxFrequencyMs: number;
    otpLength: number;
    otpExpirySeconds: number;
  };
  rateLimits: ProjectConfig["auth"]["rate_limit"];
  google: GoogleSettings;
  /** Switches of features the stack answers for only as GoTrue does while they are off. */
  features: {
    phone: boolean;
    /** The config.toml key that switched phone sign-in, for the start-up warning. */
    phoneSetting: string;
    passkey: boolean;
    oauthServer: boolean;
    web3Solana: boolean;
    web3Ethereum: boolean;
  };
  mfa: {
    maxEnrolledFactors: number;
    totpEnroll: boolean;
    totpVerify: boolean;
    /** Phone and WebAuthn factors are not built: only whether config.toml switches them on. */
    phoneOn: boolean;
    webAuthnOn: boolean;
  };
  /** `[auth.external.<name>]` providers other than Google that config.toml enables: none is built. */
  externalProvidersOn: string[];
  /** `[auth.third_party.<name>]` providers config.toml enables: not built either. */
  thirdPartyOn: string[];
  /** How long an OAuth or PKCE flow state stays usable, as GoTrue's default. */
  flowStateExpirySeconds: number;
  /** GoTrue's encryption of TOTP secrets at rest, from GOTRUE_SECURITY_DB_ENCRYPTION_*. */
  dbEncryption: DbEncryption;
}

/** Go's duration syntax ("1s", "1m30s", "500ms"), which the Supabase CLI uses for max_frequency. */
export function parseGoDuration(text: string): number {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text.trim()) {
    throw new Error(`auth.email.max_frequency: "${text}" is not a duration such as "1s" or "1m"`);
  }
  return parts.reduce((total, part) => total + Number(part[1]) * units[part[2]!]!, 0);
}

/**
 * [auth.email] and [auth.sms] switch their provider (GoTrue's GOTRUE_EXTERNAL_EMAIL_ENABLED and
 * GOTRUE_EXTERNAL_PHONE_ENABLED) with `enable_signup`, as the CLI's config names it; Pitlane's
 * config.toml spells it `enabled`. Either is read; both set and disagreeing is refused rather than one
 * silently winning.
 */
function providerSwitch(
  section: "email" | "sms",
  values: { enable_signup?: boolean | undefined; enabled?: boolean | undefined },
  fallback: boolean,
): { on: boolean; setting: string } {
  const { enable_signup: signup, enabled } = values;
  if (signup !== undefined && enabled !== undefined && signup !== enabled)
    throw new Error(
      `[auth.${section}] enable_signup = ${signup} and enabled = ${enabled} disagree: set only one`,
    );
  return {
    on: signup ?? enabled ?? fallback,
    setting: `[auth.${section}] ${enabled !== undefined && signup === undefined ? "enabled" : "enable_signup"}`,
  };
}

const enabledNames = (sections: Record<string, { enabled: boolean }>) =>
  Object.entries(sections)
    .filter(([, section]) => section.enabled)
    .map(([name]) => name);

export function authSettings(config: ProjectConfig, apiUrl: string): AuthSettings {
  const auth = config.auth;
  const phone = providerSwitch("sms", auth.sms, false);
  const externalUrl = (auth.external_url || `${apiUrl}/auth/v1`).replace(/\/+$/, "");
  const google = auth.external.google;
  return {
    siteUrl: auth.site_url,
    redirectAllowList: auth.additional_redirect_urls,
    externalUrl,
    jwtIssuer: auth.jwt_issuer || externalUrl,
    jwtExpirySeconds: auth.jwt_expiry,
    refreshTokenRotation: auth.enable_refresh_token_rotation,
    refreshTokenReuseSeconds: auth.refresh_token_reuse_interval,
    signupEnabled: auth.enable_signup,
    anonymousSignInsEnabled: auth.enable_anonymous_sign_ins,
    manualLinkingEnabled: auth.enable_manual_linking,
    password: {
      minLength: auth.minimum_password_length,
      requiredCharacters: requiredCharacterSets[auth.password_requirements],
    },
    email: {
      enabled: providerSwitch("email", auth.email, true).on,
      autoconfirm: !auth.email.enable_confirmations,
      secureEmailChange: auth.email.double_confirm_changes,
      securePasswordChange: auth.email.secure_password_change,
      maxFrequencyMs: parseGoDuration(auth.email.max_frequency),
      otpLength: auth.email.otp_length,
      otpExpirySeconds: auth.email.otp_expiry,
    },
    rateLimits: auth.rate_limit,
    google: {
      enabled: google?.enabled ?? false,
      clientIds: (google?.client_id ?? "")
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
      secret: google?.secret ?? "",
      redirectUri: google?.redirect_uri || `${externalUrl}/callback`,
      // GoTrue ignores `url` for Google; the stack reads it as the issuer so tests can run their own provider.
      issuer: (google?.url || "https://accounts.google.com").replace(/\/+$/, ""),
      skipNonceCheck: google?.skip_nonce_check ?? false,
    },
    flowStateExpirySeconds: 300,
    dbEncryption: dbEncryptionFromEnv(process.env),
    externalProvidersOn: enabledNames(auth.external).filter((name) => name !== "google"),
    thirdPartyOn: enabledNames(auth.third_party),
    features: {
      phone: phone.on,
      phoneSetting: phone.setting,
      passkey: auth.passkey.enabled,
      oauthServer: auth.oauth_server.enabled,
      web3Solana: auth.web3.solana.enabled,
      web3Ethereum: auth.web3.ethereum.enabled,
    },
    mfa: {
      maxEnrolledFactors: auth.mfa.max_enrolled_factors,
      totpEnroll: auth.mfa.totp.enroll_enabled,
      totpVerify: auth.mfa.totp.verify_enabled,
      phoneOn: auth.mfa.phone.enroll_enabled || auth.mfa.phone.verify_enabled,
      webAuthnOn: auth.mfa.web_authn.enroll_enabled || auth.mfa.web_authn.verify_enabled,
    },
  };
}
