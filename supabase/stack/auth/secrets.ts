import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** Same-length comparison that takes the same time wherever the strings differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** GoTrue's refresh tokens: 12 characters of lower-case base32 (a-z, 2-7). */
export function newRefreshToken(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return Array.from(randomBytes(12), (byte) => alphabet[byte % 32]).join("");
}

/** A numeric one-time code with leading zeros, uniformly random. */
export function newOtp(digits: number): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, "0");
}

/** What GoTrue stores for an emailed code and puts in links: sha224 of address + code, in hex. */
export function tokenHash(emailOrPhone: string, otp: string): string {
  return createHash("sha224")
    .update(emailOrPhone + otp)
    .digest("hex");
}

/** A password nobody knows, for users created by magic link, invite or admin without one. */
export function newRandomPassword(): string {
  return randomBytes(48).toString("base64url");
}

/** RFC 7636: the S256 challenge is base64url(sha256(verifier)); `plain` is the verifier itself. */
export function pkceChallengeMatches(challenge: string, method: string, verifier: string): boolean {
  const expected =
    method === "s256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return constantTimeEqual(challenge, expected);
}
