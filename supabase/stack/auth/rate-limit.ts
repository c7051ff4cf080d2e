import { tooManyRequests } from "./errors.ts";

/** The [auth.rate_limit] budgets the stack enforces, each over its own window. */
export type Budget = "sign_in_sign_ups" | "token_refresh" | "token_verifications" | "email_sent";

const windowMs: Record<Budget, number> = {
  sign_in_sign_ups: 5 * 60_000,
  token_refresh: 5 * 60_000,
  token_verifications: 5 * 60_000,
  email_sent: 60 * 60_000,
};

const mfaBurst = 30;
const mfaPerMinute = 15;

/**
 * Counts requests per budget and client address in fixed windows and refuses the one over the
 * limit with GoTrue's 429. Memory is dropped with the window, so it does not grow without bound.
 */
export class RateLimiter {
  private windows = new Map<string, { startedAt: number; count: number }>();
  private mfaBuckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly limits: Record<Budget, number>) {}

  take(budget: Budget, clientKey: string): void {
    const now = Date.now();
    const key = `${budget}\u0000${clientKey}`;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= windowMs[budget]) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
      this.forgetExpired(now);
    }
    window.count++;
    if (window.count > this.limits[budget])
      throw tooManyRequests("over_request_rate_limit", "Request rate limit reached");
  }

  /**
   * GoTrue's limit on MFA challenges and verifications, per client address: a token bucket of 30
   * that refills at 15 a minute (GOTRUE_MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY's default, with
   * tollbooth's burst of 30), each of /challenge and /verify counted on its own.
   */
  takeMfa(route: "challenge" | "verify", clientKey: string): void {
    const now = Date.now();
    const key = `${route}\u0000${clientKey}`;
    const bucket = this.mfaBuckets.get(key) ?? { tokens: mfaBurst, at: now };
    bucket.tokens = Math.min(mfaBurst, bucket.tokens + ((now - bucket.at) / 60_000) * mfaPerMinute);
    bucket.at = now;
    this.mfaBuckets.set(key, bucket);
    if (bucket.tokens < 1)
      throw tooManyRequests("over_request_rate_limit", "Request rate limit reached");
    bucket.tokens -= 1;
  }

  private forgetExpired(now: number): void {
    for (const [key, window] of this.windows) {
      const budget = key.slice(0, key.indexOf("\u0000")) as Budget;
      if (now - window.startedAt >= windowMs[budget]) this.windows.delete(key);
    }
    // A bucket untouched for two minutes is full again: the same as no bucket.
    for (const [key, bucket] of this.mfaBuckets) {
      if (now - bucket.at >= (mfaBurst / mfaPerMinute) * 60_000) this.mfaBuckets.delete(key);
    }
  }
}
