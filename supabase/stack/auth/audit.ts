import { randomUUID } from "node:crypto";
import type { Db } from "./db.ts";

/** GoTrue's audit actions and the log type each is filed under. */
const logTypes = {
  login: "account",
  logout: "account",
  user_signedup: "team",
  user_invited: "team",
  user_deleted: "team",
  token_revoked: "token",
  token_refreshed: "token",
  user_modified: "user",
  user_recovery_requested: "user",
  user_confirmation_requested: "user",
  user_repeated_signup: "user",
  user_updated_password: "user",
  user_reauthenticate_requested: "user",
  identity_linked: "user",
  factor_in_progress: "factor",
  factor_unenrolled: "factor",
  challenge_created: "factor",
  verification_attempted: "factor",
  factor_deleted: "factor",
} as const;

export type AuditAction = keyof typeof logTypes;

/** Who did it: the user, or for the admin API the service role (GoTrue logs the role as the actor). */
export interface Actor {
  id: string;
  email?: string | null;
  phone?: string | null;
  is_sso_user?: boolean;
  raw_user_meta_data?: Record<string, unknown> | null;
}

export const serviceRoleActor: Actor = {
  id: "00000000-0000-0000-0000-000000000000",
  email: "service_role",
};

/** GoTrue's payload of an audit entry, as auth.audit_log_entries.payload holds it. */
export function auditPayload(
  actor: Actor,
  action: AuditAction,
  traits?: Record<string, unknown>,
): string {
  const payload: Record<string, unknown> = {
    actor_id: actor.id,
    actor_via_sso: actor.is_sso_user ?? false,
    actor_username: actor.phone || actor.email || "",
    action,
    log_type: logTypes[action],
  };
  const fullName = actor.raw_user_meta_data?.full_name;
  if (fullName !== undefined) payload.actor_name = fullName;
  if (traits) payload.traits = traits;
  return JSON.stringify(payload);
}

/** Writes one row of auth.audit_log_entries, in the request's transaction. */
export async function audit(
  db: Db,
  actor: Actor,
  action: AuditAction,
  ip: string,
  traits?: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, now(), $3)`,
    [randomUUID(), auditPayload(actor, action, traits), ip],
  );
}
