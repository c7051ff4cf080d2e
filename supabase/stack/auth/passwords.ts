import bcrypt from "bcryptjs";
import { AuthError, badRequest } from "./errors.ts";
import type { AuthSettings } from "./settings.ts";

/** bcrypt reads only the first 72 bytes, so GoTrue refuses longer passwords rather than truncating them. */
const maxPasswordLength = 72;

/** GoTrue's cost (Go's bcrypt.DefaultCost). */
const bcryptCost = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, bcryptCost);
}

/** Compared against when there is no hash, so unknown addresses answer as slowly as wrong passwords. */
let decoyHash: Promise<string> | undefined;

/**
 * False for users without a password (OAuth, magic link) as well as for a wrong one; always one
 * bcrypt comparison, so the time taken does not tell which addresses exist.
 */
export async function passwordMatches(
  password: string,
  hash: string | null | undefined,
): Promise<boolean> {
  if (!hash) {
    await bcrypt.compare(password, await (decoyHash ??= bcrypt.hash("no password", bcryptCost)));
    return false;
  }
  return bcrypt.compare(password, hash);
}

/** GoTrue's strength check: a 400 for too long, a 422 `weak_password` listing every reason. */
export function checkPasswordStrength(password: string, rules: AuthSettings["password"]): void {
  if (password.length > maxPasswordLength) {
    throw badRequest(
      "validation_failed",
      `Password cannot be longer than ${maxPasswordLength} characters`,
    );
  }
  const reasons: string[] = [];
  const messages: string[] = [];
  if (password.length < rules.minLength) {
    reasons.push("length");
    messages.push(`Password should be at least ${rules.minLength} characters.`);
  }
  if (rules.requiredCharacters.some((set) => ![...set].some((char) => password.includes(char)))) {
    reasons.push("characters");
    messages.push(
      `Password should contain at least one character of each: ${rules.requiredCharacters.join(", ")}.`,
    );
  }
  if (reasons.length > 0) {
    throw new AuthError(422, "weak_password", messages.join(" "), { weak_password: { reasons } });
  }
}
