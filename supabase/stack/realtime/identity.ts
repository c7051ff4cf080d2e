import { callerSettings, legacyClaimSettings, type Caller } from "../database/session.ts";
import type { Claims } from "./tokens.ts";

/** Who a channel acts as in the database: the JWT's role and claims. */
export interface Identity extends Caller {
  claims: Claims;
}

/**
 * The settings Realtime sets before it checks policies: the caller's, the legacy per-claim ones,
 * `realtime.topic` for RLS on realtime.messages, and empty request headers. The RLS check of
 * postgres_changes (realtime.visible_rows, platform SQL) sets the same for each subscriber.
 */
export function realtimeSettings(
  identity: Identity,
  topic: string | null = null,
): Record<string, string> {
  return callerSettings(identity, {
    ...legacyClaimSettings(identity),
    "realtime.topic": topic ?? "",
    "request.headers": "{}",
  });
}
