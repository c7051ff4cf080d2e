/**
 * Multi-factor authentication with TOTP, as GoTrue's internal/api/mfa.go answers it: enroll,
 * challenge, verify (which raises the session to aal2), unenroll, and the admin API's list and
 * delete. Phone and WebAuthn factors are not built: they answer as GoTrue does while
 * [auth.mfa.phone] and [auth.mfa.web_authn] are off, and as unbuilt.ts says when switched on.
 */
import { randomUUID } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import type { Db } from "../db.ts";
import { AuthError, badRequest, forbidden, notFound, unprocessable } from "../errors.ts";
import { opened, sealed } from "../encryption.ts";
import { upgradeSession } from "../sessions.ts";
import { factorJson, factorJsonSql, findUserById, type FactorJson, type User } from "../users.ts";
import { uuidPattern } from "../../database/session.ts";
import { requireAdmin, requireUser, type SignedIn } from "./guard.ts";
import { notBuilt } from "./unbuilt.ts";
import { stringField, type AuthRequest } from "./request.ts";
import { respond } from "./respond.ts";

/** GoTrue's defaults: a challenge lives 300 s; an unverified factor is dropped after 300 s. */
const challengeExpirySeconds = 300;
const unverifiedFactorExpirySeconds = 300;
const maxVerifiedFactors = 10;

interface FactorRow {
  id: string;
  user_id: string;
  factor_type: string;
  status: "verified" | "unverified";
  secret: string | null;
  json: FactorJson;
}

/** RFC 6238 as GoTrue's pquerna/otp validates it: SHA-1, 6 digits, 30 s steps, one step of skew. */
const totpFor = (secret: string, issuer = "", label = "") =>
  new TOTP({
    issuer,
    label,
    algorithm: "SHA1",
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  });

const factorColumns = `f.id, f.user_id, f.factor_type, f.status, f.secret, ${factorJsonSql("f")} as json`;

async function ownedFactors(db: Db, userId: string): Promise<FactorRow[]> {
  const { rows } = await db.query<FactorRow>(
    `select ${factorColumns} from auth.mfa_factors f where f.user_id = $1 order by f.created_at, f.id`,
    [userId],
  );
  return rows;
}

/** GoTrue's loadFactor: a UUID, and a factor of this user. */
async function loadFactor(db: Db, user: User, id: string): Promise<FactorRow> {
  if (!uuidPattern.test(id)) throw notFound("validation_failed", "factor_id must be an UUID");
  const { rows } = await db.query<FactorRow>(
    `select ${factorColumns} from auth.mfa_factors f where f.id = $1 and f.user_id = $2`,
    [id, user.id],
  );
  if (!rows[0]) throw notFound("mfa_factor_not_found", "Factor not found");
  return rows[0];
}

/** The session of the token, which factors need (GoTrue: "A valid session … is required"). */
function sessionOf(signedIn: SignedIn) {
  if (!signedIn.session)
    throw new AuthError(
      500,
      "unexpected_failure",
      "A valid session and a registered user are required to enroll a factor",
    );
  return signedIn.session;
}

function requireNotAnonymous(signedIn: SignedIn): void {
  if (signedIn.claims.is_anonymous === true)
    throw forbidden("no_authorization", "Anonymous user not allowed to perform these actions");
}

/** GoTrue's validateFactors: expired unverified factors go first, then names, counts and aal. */
async function validateNewFactor(
  ctx: AuthContext,
  user: User,
  friendlyName: string,
  aal: string | null,
): Promise<void> {
  await ctx.db.pool.query(
    `delete from auth.mfa_factors where user_id = $1 and status = 'unverified'
        and created_at < now() - make_interval(secs => $2)`,
    [user.id, unverifiedFactorExpirySeconds],
  );
  const factors = await ownedFactors(ctx.db.pool, user.id);
  if (factors.some((factor) => (factor.json.friendly_name ?? "") === friendlyName))
    throw unprocessable(
      "mfa_factor_name_conflict",
      `A factor with the friendly name ${JSON.stringify(friendlyName)} for this user already exists`,
    );
  const verified = factors.filter((factor) => factor.status === "verified").length;
  if (factors.length >= ctx.settings.mfa.maxEnrolledFactors || verified >= maxVerifiedFactors)
    throw unprocessable(
      "too_many_enrolled_mfa_factors",
      "Maximum number of verified factors reached, unenroll to continue",
    );
  if (verified > 0 && aal !== "aal2")
    throw forbidden("insufficient_aal", "AAL2 required to enroll a new factor");
}

/** POST /factors: a TOTP factor, unverified until its first code; the secret and QR code once. */
async function enroll(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const signedIn = await requireUser(ctx, r);
  requireNotAnonymous(signedIn);
  const session = sessionOf(signedIn);
  const factorType = stringField(r.body, "factor_type");
  if (factorType === "phone") {
    if (ctx.settings.mfa.phoneOn) throw notBuilt("MFA with phone factors");
    throw unprocessable("mfa_phone_enroll_not_enabled", "MFA enroll is disabled for Phone");
  }
  if (factorType === "webauthn") {
    if (ctx.settings.mfa.webAuthnOn) throw notBuilt("MFA with WebAuthn factors");
    throw unprocessable("mfa_webauthn_enroll_not_enabled", "MFA enroll is disabled for WebAuthn");
  }
  if (factorType !== "totp")
    throw badRequest("validation_failed", "factor_type needs to be totp, phone, or webauthn");
  if (!ctx.settings.mfa.totpEnroll)
    throw unprocessable("mfa_totp_enroll_not_enabled", "MFA enroll is disabled for TOTP");
  const { user } = signedIn;
  const friendlyName = stringField(r.body, "friendly_name");
  const issuer = stringField(r.body, "issuer") || new URL(ctx.settings.siteUrl).host;
  await validateNewFactor(ctx, user, friendlyName, session.aal);
  // pquerna/otp's default: a 20-byte secret, base32 without padding.
  const secret = new Secret({ size: 20 }).base32;
  const uri = totpFor(secret, issuer, user.email ?? "").toString();
  // Imported on enrolment only: most stacks never enrol a TOTP factor.
  const { default: QRCode } = await import("qrcode");
  const qrCode = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "H" });
  const id = randomUUID();
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
       values ($1, $2, $3, 'totp', 'unverified', now(), now(), $4)`,
      [id, user.id, friendlyName, sealed(ctx.settings.dbEncryption, id, secret)],
    );
    await audit(tx, user, "factor_in_progress", r.client.ip, { factor_id: id });
  });
  // The SVG itself: auth-js makes it a data URI (data:image/svg+xml;utf-8,…), as for GoTrue.
  respond(r, {
    id,
    type: "totp",
    friendly_name: friendlyName,
    totp: { qr_code: qrCode, secret, uri },
  });
}

/**
 * Only TOTP factors verify; a phone or WebAuthn factor (only a row written by hand can be one) is
 * refused with GoTrue's codes, which for WebAuthn at /verify reuse the enroll code.
 */
function requireTotpVerification(
  ctx: AuthContext,
  factor: FactorRow,
  route: "challenge" | "verify",
): void {
  if (factor.factor_type === "phone")
    throw unprocessable("mfa_phone_verify_not_enabled", "MFA verification is disabled for Phone");
  if (factor.factor_type !== "totp")
    throw unprocessable(
      route === "verify" ? "mfa_webauthn_enroll_not_enabled" : "mfa_webauthn_verify_not_enabled",
      "MFA verification is disabled for WebAuthn",
    );
  if (!ctx.settings.mfa.totpVerify)
    throw unprocessable("mfa_totp_verify_not_enabled", "MFA verification is disabled for TOTP");
}

/** POST /factors/{id}/challenge: a challenge bound to the caller's address, valid 300 s. */
async function challenge(ctx: AuthContext, r: AuthRequest, factorId: string): Promise<void> {
  const signedIn = await requireUser(ctx, r);
  requireNotAnonymous(signedIn);
  const factor = await loadFactor(ctx.db.pool, signedIn.user, factorId);
  if (r.rateLimitKey) ctx.limiter.takeMfa("challenge", r.rateLimitKey);
  requireTotpVerification(ctx, factor, "challenge");
  const id = randomUUID();
  const { rows } = await ctx.db.transaction(async (tx) => {
    await tx.query(`update auth.mfa_factors set last_challenged_at = now() where id = $1`, [
      factor.id,
    ]);
    await audit(tx, signedIn.user, "challenge_created", r.client.ip, {
      factor_id: factor.id,
      factor_status: factor.status,
    });
    return tx.query<{ expires_at: string }>(
      `insert into auth.mfa_challenges (id, factor_id, created_at, ip_address) values ($1, $2, now(), $3)
       returning extract(epoch from created_at)::bigint + $4 as expires_at`,
      [id, factor.id, r.client.ip || "0.0.0.0", challengeExpirySeconds],
    );
  });
  respond(r, { id, type: "totp", expires_at: Number(rows[0]!.expires_at) });
}

/** POST /factors/{id}/verify: a code for a live challenge; the session becomes aal2. */
async function verify(ctx: AuthContext, r: AuthRequest, factorId: string): Promise<void> {
  const signedIn = await requireUser(ctx, r);
  requireNotAnonymous(signedIn);
  const session = sessionOf(signedIn);
  const factor = await loadFactor(ctx.db.pool, signedIn.user, factorId);
  if (r.rateLimitKey) ctx.limiter.takeMfa("verify", r.rateLimitKey);
  const code = stringField(r.body, "code");
  if (!code) throw badRequest("validation_failed", "Code needs to be non-empty");
  requireTotpVerification(ctx, factor, "verify");
  const challengeId = stringField(r.body, "challenge_id");
  const { rows } = uuidPattern.test(challengeId)
    ? await ctx.db.pool.query<{ verified: boolean; ip: string; expired: boolean }>(
        `select verified_at is not null as verified, host(ip_address) as ip,
                created_at < now() - make_interval(secs => $3) as expired
           from auth.mfa_challenges where id = $1 and factor_id = $2`,
        [challengeId, factor.id, challengeExpirySeconds],
      )
    : { rows: [] };
  const found = rows[0];
  if (!found)
    throw unprocessable(
      "mfa_factor_not_found",
      "MFA factor with the provided challenge ID not found",
    );
  if (found.verified || found.ip !== (r.client.ip || "0.0.0.0"))
    throw unprocessable("mfa_ip_address_mismatch", "Challenge and verify IP addresses mismatch.");
  if (found.expired) {
    await ctx.db.pool.query(`delete from auth.mfa_challenges where id = $1`, [challengeId]);
    throw unprocessable(
      "mfa_challenge_expired",
      `MFA challenge ${challengeId} has expired, verify against another challenge or create a new challenge.`,
    );
  }
  const secret = opened(ctx.settings.dbEncryption, factor.id, factor.secret ?? "");
  if (totpFor(secret.plain).validate({ token: code, window: 1 }) === null)
    throw unprocessable("mfa_verification_failed", "Invalid TOTP code entered");
  const response = await ctx.db.transaction(async (tx) => {
    await audit(tx, signedIn.user, "verification_attempted", r.client.ip, {
      factor_id: factor.id,
      challenge_id: challengeId,
      factor_type: factor.factor_type,
    });
    await tx.query(`update auth.mfa_challenges set verified_at = now() where id = $1`, [
      challengeId,
    ]);
    await tx.query(
      `update auth.mfa_factors set status = 'verified', updated_at = now() where id = $1 and status <> 'verified'`,
      [factor.id],
    );
    if (secret.reseal)
      await tx.query(`update auth.mfa_factors set secret = $2 where id = $1`, [
        factor.id,
        sealed(ctx.settings.dbEncryption, factor.id, secret.plain),
      ]);
    const user = (await findUserById(tx, signedIn.user.id))!;
    const tokens = await upgradeSession(tx, ctx.signer, user, session.id, factor.id, "totp");
    // GoTrue signs the user's other aal1 sessions out and drops their unfinished factors of the type.
    await tx.query(`delete from auth.sessions where user_id = $1 and aal = 'aal1'`, [user.id]);
    await tx.query(
      `delete from auth.mfa_factors where user_id = $1 and factor_type = $2 and status = 'unverified'`,
      [user.id, factor.factor_type],
    );
    return tokens;
  });
  respond(r, response);
}

/**
 * GoTrue's DowngradeSessionsToAAL1: the sessions raised by a removed factor lose its amr entry and
 * go back to aal1.
 */
async function removeFactor(tx: Db, factor: FactorRow): Promise<void> {
  await tx.query(
    `delete from auth.mfa_amr_claims c using auth.sessions s
      where c.session_id = s.id and s.factor_id = $1 and c.authentication_method = $2`,
    [factor.id, factor.factor_type],
  );
  await tx.query(
    `update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now() where factor_id = $1`,
    [factor.id],
  );
  await tx.query(`delete from auth.mfa_factors where id = $1`, [factor.id]);
}

/** DELETE /factors/{id}: a verified factor only from an aal2 session. */
async function unenroll(ctx: AuthContext, r: AuthRequest, factorId: string): Promise<void> {
  const signedIn = await requireUser(ctx, r);
  requireNotAnonymous(signedIn);
  const factor = await loadFactor(ctx.db.pool, signedIn.user, factorId);
  const session = signedIn.session;
  if (!session)
    throw new AuthError(
      500,
      "unexpected_failure",
      "A valid session and factor are required to unenroll a factor",
    );
  if (factor.status === "verified" && session.aal !== "aal2")
    throw unprocessable("insufficient_aal", "AAL2 required to unenroll verified factor");
  await ctx.db.transaction(async (tx) => {
    await removeFactor(tx, factor);
    await audit(tx, signedIn.user, "factor_unenrolled", r.client.ip, {
      factor_id: factor.id,
      factor_status: factor.status,
      session_id: session.id,
    });
  });
  respond(r, { id: factor.id });
}

/** GET /admin/users/{id}/factors and DELETE /admin/users/{id}/factors/{factor_id}. */
async function adminFactors(
  ctx: AuthContext,
  r: AuthRequest,
  userId: string,
  factorId: string | undefined,
): Promise<void> {
  await requireAdmin(ctx, r);
  if (!uuidPattern.test(userId)) throw notFound("validation_failed", "user_id must be an UUID");
  const user = await findUserById(ctx.db.pool, userId);
  if (!user) throw notFound("user_not_found", "User not found");
  if (factorId === undefined) {
    if (r.method !== "GET") throw new AuthError(405, "validation_failed", "Method not allowed");
    return respond(
      r,
      (await ownedFactors(ctx.db.pool, user.id)).map((factor) => factorJson(factor.json)),
    );
  }
  const factor = await loadFactor(ctx.db.pool, user, factorId);
  if (r.method !== "DELETE") throw new AuthError(405, "validation_failed", "Method not allowed");
  await ctx.db.transaction(async (tx) => {
    await audit(tx, user, "factor_deleted", r.client.ip, {
      user_id: user.id,
      factor_id: factor.id,
    });
    await removeFactor(tx, factor);
  });
  respond(r, factorJson(factor.json));
}

type Handler = (ctx: AuthContext, r: AuthRequest) => Promise<void>;

/** The MFA routes, if `path` is one of them. */
export function mfaRoute(method: string, path: string): Handler | undefined {
  if (path === "/factors" && method === "POST") return enroll;
  const own = /^\/factors\/([^/]+)(?:\/(challenge|verify))?$/.exec(path);
  if (own) {
    const id = decodeURIComponent(own[1]!);
    if (own[2] === "challenge" && method === "POST") return (ctx, r) => challenge(ctx, r, id);
    if (own[2] === "verify" && method === "POST") return (ctx, r) => verify(ctx, r, id);
    if (own[2] === undefined && method === "DELETE") return (ctx, r) => unenroll(ctx, r, id);
    return undefined;
  }
  const admin = /^\/admin\/users\/([^/]+)\/factors(?:\/([^/]+))?$/.exec(path);
  if (admin) {
    const userId = decodeURIComponent(admin[1]!);
    const factorId = admin[2] === undefined ? undefined : decodeURIComponent(admin[2]);
    return (ctx, r) => adminFactors(ctx, r, userId, factorId);
  }
  return undefined;
}
