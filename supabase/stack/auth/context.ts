import type { ApiKeys } from "../config/keys.ts";
import type { Logger } from "../logger.ts";
import type { AuthDb } from "./db.ts";
import type { Inbox } from "./mail/inbox.ts";
import type { GoogleProvider } from "./oauth/google.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { AuthSettings } from "./settings.ts";
import type { TokenSigner } from "./tokens.ts";

/** What every handler works with; built once when the stack starts. */
export interface AuthContext {
  db: AuthDb;
  settings: AuthSettings;
  keys: ApiKeys;
  signer: TokenSigner;
  inbox: Inbox;
  limiter: RateLimiter;
  google: GoogleProvider;
  log: Logger;
}
