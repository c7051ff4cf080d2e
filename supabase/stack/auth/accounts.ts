import type { Db } from "./db.ts";
import { badRequest, unprocessable } from "./errors.ts";
import {
  basicIdentityData,
  findUserByEmail,
  insertIdentity,
  insertUser,
  refreshProviders,
  reloadUser,
  replaceUserMetadata,
  type User,
} from "./users.ts";

/** Users signing up themselves get the `authenticated` role and audience, as GoTrue's defaults. */
export const defaultAudience = "authenticated";
export const defaultRole = "authenticated";

export interface EmailSignup {
  email: string;
  passwordHash: string | null;
  data: Record<string, unknown>;
  /**
   * Made by the admin API (invite, generate_link): GoTrue's admin paths keep `data` as the user
   * metadata exactly and give the identity only sub and email, instead of merging the two.
   */
  byAdmin?: boolean;
}

/**
 * A new user with an email identity, written in GoTrue's order: the user row (user metadata as
 * given, so insert triggers see it), the role, the identity, then user metadata replaced by the
 * identity's data (sub, email, email_verified…) and app_metadata.providers from the identities.
 */
export async function createEmailUser(
  db: Db,
  signup: EmailSignup,
  role = defaultRole,
): Promise<User> {
  const user = await insertUser(
    db,
    {
      aud: defaultAudience,
      email: signup.email,
      passwordHash: signup.passwordHash,
      appMetadata: { provider: "email", providers: ["email"] },
      userMetadata: signup.data,
    },
    role,
  );
  if (signup.byAdmin) {
    await insertIdentity(db, user.id, "email", user.id, basicIdentityData(user.id, user.email));
  } else {
    const identityData = basicIdentityData(user.id, user.email, signup.data);
    await insertIdentity(db, user.id, "email", user.id, identityData);
    await replaceUserMetadata(db, user.id, identityData);
  }
  await refreshProviders(db, user.id);
  return reloadUser(db, user);
}

/** checkmail's format rule, which GoTrue applies before lower-casing the address. */
const emailPattern =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function validateEmail(email: string): string {
  if (!email) throw badRequest("validation_failed", "An email address is required");
  if (email.length > 255) throw badRequest("validation_failed", "An email address is too long");
  if (!emailPattern.test(email))
    throw badRequest("validation_failed", "Unable to validate email address: invalid format");
  return email.toLowerCase();
}

/** GoTrue's check before an address is given to a user: no other user (than `except`) may hold it. */
export async function emailTaken(db: Db, email: string, except?: string): Promise<void> {
  const other = await findUserByEmail(db, email, defaultAudience);
  if (other && other.id !== except)
    throw unprocessable(
      "email_exists",
      "A user with this email address has already been registered",
    );
}
