import { randomUUID } from "node:crypto";
import type { Db } from "./db.ts";

type Json = Record<string, unknown>;

/** A row of auth.users, as the handlers read it. */
export interface UserRow {
  id: string;
  aud: string;
  role: string;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  phone: string | null;
  phone_confirmed_at: Date | null;
  confirmation_token: string | null;
  confirmation_sent_at: Date | null;
  confirmed_at: Date | null;
  recovery_token: string | null;
  recovery_sent_at: Date | null;
  email_change_token_new: string | null;
  email_change_token_current: string | null;
  email_change: string | null;
  email_change_sent_at: Date | null;
  email_change_confirm_status: number | null;
  phone_change: string | null;
  phone_change_sent_at: Date | null;
  reauthentication_token: string | null;
  reauthentication_sent_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Json | null;
  raw_user_meta_data: Json | null;
  created_at: Date;
  updated_at: Date;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
  is_sso_user: boolean;
}

export interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Json;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date;
  updated_at: Date;
  email: string | null;
}

/** An MFA factor as GoTrue lists it (models.Factor's JSON), timestamps already ISO strings. */
export interface FactorJson {
  id: string;
  created_at: string;
  updated_at: string;
  status: "verified" | "unverified";
  friendly_name?: string;
  factor_type: string;
  last_challenged_at: string | null;
}

/** A user with its identities and MFA factors, as GoTrue loads it before answering. */
export interface User extends UserRow {
  identities: IdentityRow[];
  factors: FactorJson[];
}

/** A timestamp column as JavaScript's ISO form writes it (milliseconds, `Z`), for JSON built in SQL. */
const isoSql = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A factor's JSON, built in SQL so the user and its factors come in one query. Timestamps in
 * JavaScript's ISO form, as the rest of the user JSON writes them.
 */
export const factorJsonSql = (f: string) => `json_build_object(
  'id', ${f}.id,
  'created_at', ${isoSql(`${f}.created_at`)},
  'updated_at', ${isoSql(`${f}.updated_at`)},
  'status', ${f}.status,
  'friendly_name', nullif(${f}.friendly_name, ''),
  'factor_type', ${f}.factor_type,
  'last_challenged_at', ${isoSql(`${f}.last_challenged_at`)}
)`;

/** GoTrue keeps all users of a project under the nil instance id. */
const instanceId = "00000000-0000-0000-0000-000000000000";

export const isConfirmed = (user: UserRow) => user.email_confirmed_at !== null;
export const isBanned = (user: UserRow) =>
  user.banned_until !== null && user.banned_until.getTime() > Date.now();

/**
 * The select list of a user (`u`) with its MFA factors and identities, so that one query loads all
 * three; `userFromRow` turns a row of it into a User.
 */
export const userColumnsSql = `u.*,
  array(select ${factorJsonSql("f")} from auth.mfa_factors f
         where f.user_id = u.id order by f.created_at, f.id) as factors,
  array(select json_build_object('id', i.id, 'provider_id', i.provider_id, 'user_id', i.user_id,
                                 'identity_data', i.identity_data, 'provider', i.provider,
                                 'last_sign_in_at', ${isoSql("i.last_sign_in_at")},
                                 'created_at', ${isoSql("i.created_at")},
                                 'updated_at', ${isoSql("i.updated_at")}, 'email', i.email)
          from auth.identities i where i.user_id = u.id order by i.created_at, i.id) as identities`;

type IdentityJson = Omit<IdentityRow, "last_sign_in_at" | "created_at" | "updated_at"> & {
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
};

export type UserColumns = UserRow & { factors: FactorJson[]; identities: IdentityJson[] };

export function userFromRow({ identities, ...row }: UserColumns): User {
  return {
    ...row,
    identities: identities.map((identity) => ({
      ...identity,
      last_sign_in_at:
        identity.last_sign_in_at === null ? null : new Date(identity.last_sign_in_at),
      created_at: new Date(identity.created_at),
      updated_at: new Date(identity.updated_at),
    })),
  };
}

/** The first user matching `where` (on auth.users as `u`), with identities; `for update` locks it. */
async function findUser(
  db: Db,
  where: string,
  params: unknown[],
  lock = false,
): Promise<User | undefined> {
  const { rows } = await db.query<UserColumns>(
    `select ${userColumnsSql} from auth.users u where ${where} limit 1${lock ? " for update of u" : ""}`,
    params,
  );
  return rows[0] && userFromRow(rows[0]);
}

export const findUserById = (db: Db, id: string, lock = false) =>
  findUser(db, "u.id = $1", [id], lock);

/** Email addresses are matched case-insensitively, and SSO users never by email, as in GoTrue. */
export const findUserByEmail = (db: Db, email: string, aud: string, lock = false) =>
  findUser(
    db,
    "lower(u.email) = lower($1) and u.aud = $2 and u.is_sso_user = false",
    [email, aud],
    lock,
  );

export type TokenColumn =
  "confirmation_token" | "recovery_token" | "email_change_token_new" | "email_change_token_current";

/** The user holding one of `hashes` in one of the token columns; locked, as it is about to be consumed. */
export const findUserByToken = (db: Db, columns: TokenColumn[], hashes: string[]) =>
  findUser(
    db,
    `(${columns.map((column) => `u.${column} = any($1::text[])`).join(" or ")})`,
    [hashes],
    true,
  );

export async function reloadUser(db: Db, user: UserRow): Promise<User> {
  const fresh = await findUserById(db, user.id);
  if (!fresh) throw new Error(`user ${user.id} disappeared during the request`);
  return fresh;
}

const iso = (date: Date | null | undefined) => date?.toISOString();

/** Drops keys whose value is undefined, as Go's `omitempty` does. */
function compact(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function identityJson(identity: IdentityRow): Json {
  return compact({
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
    identity_data: identity.identity_data,
    provider: identity.provider,
    last_sign_in_at: iso(identity.last_sign_in_at),
    created_at: iso(identity.created_at),
    updated_at: iso(identity.updated_at),
    email: identity.email ?? undefined,
  });
}

/** A factor without a friendly name leaves the key out (`omitempty`). */
export function factorJson({ friendly_name, ...factor }: FactorJson): Json {
  return friendly_name ? { ...factor, friendly_name } : factor;
}

/** GoTrue's JSON for a user: secrets left out, unset timestamps omitted, email and phone "" when null. */
export function userJson(user: User): Json {
  return compact({
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? "",
    email_confirmed_at: iso(user.email_confirmed_at),
    invited_at: iso(user.invited_at),
    phone: user.phone ?? "",
    phone_confirmed_at: iso(user.phone_confirmed_at),
    confirmation_sent_at: iso(user.confirmation_sent_at),
    confirmed_at: iso(user.confirmed_at),
    recovery_sent_at: iso(user.recovery_sent_at),
    new_email: user.email_change || undefined,
    email_change_sent_at: iso(user.email_change_sent_at),
    new_phone: user.phone_change || undefined,
    phone_change_sent_at: iso(user.phone_change_sent_at),
    reauthentication_sent_at: iso(user.reauthentication_sent_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: user.identities.map(identityJson),
    // GoTrue's `factors,omitempty`: absent until the user enrolls one.
    factors: user.factors.length > 0 ? user.factors.map(factorJson) : undefined,
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    banned_until: iso(user.banned_until),
    deleted_at: iso(user.deleted_at),
    is_anonymous: user.is_anonymous,
  });
}

export interface NewUser {
  id?: string;
  aud: string;
  email: string | null;
  phone?: string | null;
  passwordHash: string | null;
  appMetadata: Json;
  userMetadata: Json;
  isAnonymous?: boolean;
  isSsoUser?: boolean;
}

/**
 * Inserts a user the way GoTrue does: one insert with an empty role and every token column set to
 * "", then the role update. Triggers on auth.users see the same rows and order as on Supabase.
 */
export async function insertUser(db: Db, fields: NewUser, role: string): Promise<User> {
  const id = fields.id ?? randomUUID();
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password, raw_app_meta_data, raw_user_meta_data,
                             confirmation_token, recovery_token, email_change_token_new, email_change_token_current, email_change,
                             phone_change, phone_change_token, reauthentication_token, email_change_confirm_status,
                             is_sso_user, is_anonymous, created_at, updated_at)
     values ($1, $2, $3, '', $4, $5, $6, $7, $8, '', '', '', '', '', '', '', '', 0, $9, $10, now(), now())`,
    [
      instanceId,
      id,
      fields.aud,
      fields.email?.toLowerCase() ?? null,
      fields.phone ?? null,
      fields.passwordHash ?? "",
      JSON.stringify(fields.appMetadata),
      JSON.stringify(fields.userMetadata),
      fields.isSsoUser ?? false,
      fields.isAnonymous ?? false,
    ],
  );
  await db.query(`update auth.users set role = $2, updated_at = now() where id = $1`, [id, role]);
  const user = await findUserById(db, id);
  if (!user) throw new Error(`the user ${id} just inserted cannot be read back`);
  return user;
}

/** GoTrue's identity data for an email or phone identity: the subject plus what the user gave. */
export function basicIdentityData(subject: string, email: string | null, extra: Json = {}): Json {
  return {
    ...extra,
    sub: subject,
    ...(email ? { email } : {}),
    email_verified: false,
    phone_verified: false,
  };
}

export async function insertIdentity(
  db: Db,
  userId: string,
  provider: string,
  providerId: string,
  data: Json,
): Promise<void> {
  const normalized =
    typeof data.email === "string" ? { ...data, email: data.email.toLowerCase() } : data;
  await db.query(
    `insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, now(), now(), now())`,
    [randomUUID(), providerId, userId, JSON.stringify(normalized), provider],
  );
}

/** Merges into identity_data; a null value removes the key. */
export async function updateIdentityData(db: Db, identityId: string, patch: Json): Promise<void> {
  const { set, remove } = splitPatch(patch);
  await db.query(
    `update auth.identities set identity_data = (identity_data || $2::jsonb) - $3::text[], updated_at = now() where id = $1`,
    [identityId, JSON.stringify(set), remove],
  );
}

function splitPatch(patch: Json): { set: Json; remove: string[] } {
  const entries = Object.entries(patch);
  return {
    set: Object.fromEntries(entries.filter(([, value]) => value !== null)),
    remove: entries.filter(([, value]) => value === null).map(([key]) => key),
  };
}

/** GoTrue's metadata update: keys merge in, a null value deletes the key. */
export async function updateMetadata(
  db: Db,
  userId: string,
  column: "raw_user_meta_data" | "raw_app_meta_data",
  patch: Json,
): Promise<void> {
  const { set, remove } = splitPatch(patch);
  await db.query(
    `update auth.users set ${column} = (coalesce(${column}, '{}'::jsonb) || $2::jsonb) - $3::text[], updated_at = now() where id = $1`,
    [userId, JSON.stringify(set), remove],
  );
}

/** Replaces user metadata outright, as GoTrue does when an unconfirmed user's identity takes over. */
export async function replaceUserMetadata(db: Db, userId: string, metadata: Json): Promise<void> {
  await db.query(
    `update auth.users set raw_user_meta_data = $2, updated_at = now() where id = $1`,
    [userId, JSON.stringify(metadata)],
  );
}

/** Keeps app_metadata.provider and .providers in step with the user's identities. */
export async function refreshProviders(db: Db, userId: string): Promise<void> {
  await db.query(
    `update auth.users u set raw_app_meta_data = coalesce(u.raw_app_meta_data, '{}'::jsonb) || jsonb_build_object('providers', p.providers)
                                                 || case when jsonb_array_length(p.providers) > 0
                                                         then jsonb_build_object('provider', p.providers -> 0) else '{}'::jsonb end,
            updated_at = now()
       from (select coalesce(jsonb_agg(provider order by first_created), '[]'::jsonb) as providers
               from (select provider, min(created_at) as first_created from auth.identities where user_id = $1 group by provider) i) p
      where u.id = $1`,
    [userId],
  );
}

/** One-time tokens are single use: any confirmation, recovery or change clears them all. */
export async function clearOneTimeTokens(
  db: Db,
  userId: string,
  tokenType?: string,
): Promise<void> {
  if (tokenType)
    await db.query(`delete from auth.one_time_tokens where user_id = $1 and token_type = $2`, [
      userId,
      tokenType,
    ]);
  else await db.query(`delete from auth.one_time_tokens where user_id = $1`, [userId]);
}

/** Marks the email confirmed (GoTrue's User.Confirm). */
export async function confirmEmail(db: Db, userId: string): Promise<void> {
  await db.query(
    `update auth.users set confirmation_token = '', email_confirmed_at = now(), updated_at = now() where id = $1`,
    [userId],
  );
  await updateMetadata(db, userId, "raw_user_meta_data", { email_verified: true });
  await clearOneTimeTokens(db, userId);
}

export async function touchLastSignIn(db: Db, userId: string): Promise<void> {
  await db.query(
    `update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1`,
    [userId],
  );
}
