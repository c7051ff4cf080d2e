import type pg from "pg";
import type { Hub } from "./hub.ts";
import type { VerificationKeys } from "../http/jwt.ts";

/** What every socket and channel of the service shares. */
export interface RealtimeContext {
  /** Connections as supabase_admin, the login hosted Realtime uses for its checks. */
  pool: pg.Pool;
  hub: Hub;
  jwtKeys: VerificationKeys;
  log(line: string): void;
}
