import { defaultAudience, defaultRole } from "../accounts.ts";
import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import { CommitThenThrow } from "../../database/session.ts";
import type { Db } from "../db.ts";
import { sendLinkEmail } from "../email-links.ts";
import { AuthError, forbidden, unprocessable } from "../errors.ts";
import type { Client } from "../sessions.ts";
import {
  confirmEmail,
  findUserById,
  insertIdentity,
  insertUser,
  isBanned,
  isConfirmed,
  refreshProviders,
  reloadUser,
  replaceUserMetadata,
  updateMetadata,
  type User,
} from "../users.ts";
import type { ProviderUser } from "./google.ts";

/**
 * GoTrue's account linking for an external sign-in: the same provider identity signs in its user;
 * otherwise a verified email shared with exactly one user links a new identity to that user;
 * otherwise a new user is created (without the email when it is unverified and already taken).
 */
async function findOrCreateUser(
  ctx: AuthContext,
  tx: Db,
  provider: string,
  person: ProviderUser,
  client: Client,
): Promise<{ user: User; identityId: string }> {
  const { claims } = person;
  const known = await tx.query<{ id: string; user_id: string }>(
    `select id, user_id from auth.identities where provider_id = $1 and provider = $2`,
    [claims.sub, provider],
  );
  if (known.rows[0]) {
    const { id, user_id } = known.rows[0];
    await tx.query(
      `update auth.identities set identity_data = $2, last_sign_in_at = now(), updated_at = now() where id = $1`,
      [id, JSON.stringify(claims)],
    );
    await updateMetadata(tx, user_id, "raw_user_meta_data", claims);
    await refreshProviders(tx, user_id);
    return { user: (await findUserById(tx, user_id))!, identityId: id };
  }

  const email = person.email.toLowerCase();
  const verified = person.email !== "" && (person.emailVerified || ctx.settings.email.autoconfirm);
  if (verified) {
    const owners = await tx.query<{ user_id: string }>(
      `select distinct user_id from auth.identities where email = $1
       union select id from auth.users where lower(email) = $1 and not is_sso_user`,
      [email],
    );
    if (owners.rows.length > 1)
      throw new AuthError(
        500,
        "unexpected_failure",
        "Multiple accounts with the same email address in the same linking domain detected: default",
      );
    if (owners.rows[0]) {
      const user = (await findUserById(tx, owners.rows[0].user_id))!;
      await insertIdentity(tx, user.id, provider, claims.sub, claims);
      await updateMetadata(tx, user.id, "raw_user_meta_data", claims);
      await refreshProviders(tx, user.id);
      await audit(tx, user, "identity_linked", client.ip, { provider, provider_id: claims.sub });
      const identity = await tx.query<{ id: string }>(
        `select id from auth.identities where provider_id = $1 and provider = $2`,
        [claims.sub, provider],
      );
      return { user: await reloadUser(tx, user), identityId: identity.rows[0]!.id };
    }
  }

  if (!ctx.settings.signupEnabled)
    throw unprocessable("signup_disabled", "Signups not allowed for this instance");
  const taken =
    email !== "" &&
    !!(await tx.query(`select 1 from auth.users where lower(email) = $1`, [email])).rowCount;
  const user = await insertUser(
    tx,
    {
      aud: defaultAudience,
      email: taken ? null : email || null,
      passwordHash: null,
      appMetadata: { provider, providers: [provider] },
      userMetadata: claims,
    },
    defaultRole,
  );
  await insertIdentity(tx, user.id, provider, claims.sub, claims);
  const identity = await tx.query<{ id: string }>(
    `select id from auth.identities where user_id = $1`,
    [user.id],
  );
  return { user: await reloadUser(tx, user), identityId: identity.rows[0]!.id };
}

/**
 * Signs a person in from an external provider, in the caller's transaction, and returns the user.
 * An unverified email on an unconfirmed account gets a confirmation email and a 422 instead.
 */
export async function signInExternally(
  ctx: AuthContext,
  tx: Db,
  provider: string,
  person: ProviderUser,
  client: Client,
): Promise<User> {
  const { user, identityId } = await findOrCreateUser(ctx, tx, provider, person, client);
  if (isBanned(user)) throw forbidden("user_banned", "User is banned");
  if (!user.email || isConfirmed(user)) {
    await audit(tx, user, "login", client.ip, { provider });
    return user;
  }
  // GoTrue's RemoveUnconfirmedIdentities: an unconfirmed account is taken over by the identity that
  // proves the address, so nobody who registered it first keeps a way in.
  const identity = user.identities.find((candidate) => candidate.id === identityId)!;
  await tx.query(
    `update auth.users set encrypted_password = null, updated_at = now() where id = $1`,
    [user.id],
  );
  await replaceUserMetadata(tx, user.id, identity.identity_data);
  await tx.query(`delete from auth.identities where user_id = $1 and id <> $2`, [
    user.id,
    identityId,
  ]);
  await refreshProviders(tx, user.id);
  if (person.emailVerified || ctx.settings.email.autoconfirm) {
    await audit(tx, user, "user_signedup", client.ip, { provider });
    await confirmEmail(tx, user.id);
    return reloadUser(tx, user);
  }
  await sendLinkEmail(ctx, tx, user, {
    kind: "signup",
    slot: "confirmation",
    flow: "implicit",
    redirectTo: ctx.settings.siteUrl,
  });
  throw new CommitThenThrow(
    unprocessable(
      "provider_email_needs_verification",
      `Unverified email with ${provider}. A confirmation email has been sent to your ${provider} email`,
    ),
  );
}
