import { callerSettings, legacyClaimSettings, setConfigList, type Caller } from "../database/session.ts";
import type { Claims } from "./tokens.ts";

/** Who a channel acts as in the database: the JWT's role and claims. */
export interface Identity extends Caller {
  claims: Claims;
}

/**
 * The settings Realtime sets before it checks policies: the caller's, the legacy per-claim ones,
 * `realtime.topic` for RLS on realtime.messages, and empty request headers.
 */
export function realtimeSettings(identity: Identity, topic: string | null = null): Record<string, string> {
  return callerSettings(identity, { ...legacyClaimSettings(identity), "realtime.topic": topic ?? "", "request.headers": "{}" });
}

/** The names `realtimeSettings` sets, in its order. */
const settingNames = Object.keys(realtimeSettings({ role: "", claims: { role: "", exp: 0 } }));

/**
 * `realtimeSettings` as a select list over SQL text expressions, so a PL/pgSQL loop over many
 * identities sets exactly what a statement for one sets.
 */
export function identitySettings(role: string, claims: string, sub: string, topic: string): string {
  return setConfigList(settingNames, [role, claims, sub, role, topic, "'{}'"]);
}
