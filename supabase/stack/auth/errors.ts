import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http/json.ts";

/** GoTrue's error codes the stack returns (internal/api/apierrors/errorcode.go). */
export type ErrorCode =
  | "unexpected_failure"
  | "validation_failed"
  | "bad_json"
  | "email_exists"
  | "bad_jwt"
  | "not_admin"
  | "no_authorization"
  | "user_not_found"
  | "session_not_found"
  | "session_expired"
  | "refresh_token_not_found"
  | "refresh_token_already_used"
  | "flow_state_not_found"
  | "flow_state_expired"
  | "flow_state_already_used"
  | "signup_disabled"
  | "user_banned"
  | "provider_email_needs_verification"
  | "bad_oauth_state"
  | "bad_oauth_callback"
  | "oauth_provider_not_supported"
  | "email_provider_disabled"
  | "phone_provider_disabled"
  | "phone_exists"
  | "provider_disabled"
  | "manual_linking_disabled"
  | "email_not_confirmed"
  | "user_already_exists"
  | "same_password"
  | "reauthentication_needed"
  | "reauthentication_not_valid"
  | "otp_expired"
  | "otp_disabled"
  | "weak_password"
  | "over_request_rate_limit"
  | "over_email_send_rate_limit"
  | "bad_code_verifier"
  | "anonymous_provider_disabled"
  | "invalid_credentials"
  | "conflict"
  | "request_entity_too_large"
  | "saml_provider_disabled"
  | "passkey_disabled"
  | "feature_disabled"
  | "web3_provider_disabled"
  | "web3_unsupported_chain"
  | "too_many_enrolled_mfa_factors"
  | "mfa_factor_name_conflict"
  | "mfa_factor_not_found"
  | "mfa_ip_address_mismatch"
  | "mfa_challenge_expired"
  | "mfa_verification_failed"
  | "mfa_totp_enroll_not_enabled"
  | "mfa_totp_verify_not_enabled"
  | "mfa_phone_verify_not_enabled"
  | "mfa_phone_enroll_not_enabled"
  | "mfa_webauthn_enroll_not_enabled"
  | "mfa_webauthn_verify_not_enabled"
  | "insufficient_aal";

/** GoTrue's HTTPError: a status, an error code and a message for people. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** Extra fields of the body, such as `weak_password.reasons`. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The OAuth2-style error GoTrue answers some token grants with: always 400, `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

export const badRequest = (code: ErrorCode, message: string) => new AuthError(400, code, message);
export const forbidden = (code: ErrorCode, message: string) => new AuthError(403, code, message);
export const notFound = (code: ErrorCode, message: string) => new AuthError(404, code, message);
export const unprocessable = (code: ErrorCode, message: string) =>
  new AuthError(422, code, message);
export const tooManyRequests = (code: ErrorCode, message: string) =>
  new AuthError(429, code, message);

/** auth-js sends this header; from 2024-01-01 on GoTrue answers `{code, message}` instead of `{code: status, error_code, msg}`. */
const apiVersionHeader = "x-supabase-api-version";

function usesDatedErrors(req: IncomingMessage): boolean {
  const version = req.headers[apiVersionHeader];
  return (
    typeof version === "string" && /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= "2024-01-01"
  );
}

/** GoTrue's JSON answers: the gateway's sendJson, with GoTrue's `content-type` (no charset). */
export function sendAuthJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, body, { "content-type": "application/json", ...headers });
}

/** Writes an error the way GoTrue does for the API version the client asked for. */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  error: AuthError | OAuthError,
): void {
  if (error instanceof OAuthError) {
    sendAuthJson(res, 400, { error: error.error, error_description: error.description });
    return;
  }
  const headers: Record<string, string> = { "x-sb-error-code": error.code };
  if (usesDatedErrors(req)) {
    headers[apiVersionHeader] = "2024-01-01";
    sendAuthJson(
      res,
      error.status,
      { code: error.code, message: error.message, ...error.extra },
      headers,
    );
  } else {
    sendAuthJson(
      res,
      error.status,
      { code: error.status, error_code: error.code, msg: error.message, ...error.extra },
      headers,
    );
  }
}

/** The OAuth2 error name GoTrue pairs with an HTTP status when it sends an error back in a redirect. */
export function oauthErrorName(status: number): string | undefined {
  return (
    {
      400: "invalid_request",
      401: "unauthorized_client",
      403: "access_denied",
      500: "server_error",
      503: "temporarily_unavailable",
    } as Record<number, string>
  )[status];
}
