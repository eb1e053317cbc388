/** Share of a minute's allowance that may be spent at once (a burst). */
export const DEFAULT_BURST_FRACTION = 0.1;

/**
 * Token bucket: `requestsPerMinute` tokens per minute, holding at most `burst` (default 10% of a
 * minute's allowance). Callers *reserve* a token and are told how long to wait for it; reservations
 * may run the bucket negative, which queues callers fairly in arrival order without timers of its own.
 * One limiter is shared by every client using the same credential (see `getRateLimiter`), so many
 * resources in one `pulumi up` stay under PlanetScale's 600 requests per minute together.
 */
export class RateLimiter {
  /** Largest number of requests sent back to back. */
  readonly burst: number;
  /** Tokens added per millisecond. */
  private readonly perMs: number;
  private tokens: number;
  private last: number | undefined;

  constructor(
    readonly requestsPerMinute: number,
    options: { burst?: number } = {},
  ) {
    if (!(requestsPerMinute > 0)) throw new RangeError("requestsPerMinute must be positive");
    this.burst = Math.max(1, Math.floor(options.burst ?? requestsPerMinute * DEFAULT_BURST_FRACTION));
    this.perMs = requestsPerMinute / 60_000;
    this.tokens = this.burst;
  }

  /**
   * Takes one token at time `now` (ms) and returns how many ms the caller must wait before sending
   * (0 when a token is available now).
   */
  reserve(now: number): number {
    if (this.last === undefined) this.last = now;
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
    }
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.perMs);
  }
}

const limiters = new Map<string, RateLimiter>();

/**
 * The process-wide limiter for a credential (identified by a fingerprint, never the secret) at a
 * given API URL and rate; undefined when the rate is 0 (disabled) or not finite.
 */
export function getRateLimiter(key: string, requestsPerMinute: number): RateLimiter | undefined {
  if (!(requestsPerMinute > 0) || !Number.isFinite(requestsPerMinute)) return undefined;
  const fullKey = `${key}|${requestsPerMinute}`;
  let limiter = limiters.get(fullKey);
  if (!limiter) {
    limiter = new RateLimiter(requestsPerMinute);
    limiters.set(fullKey, limiter);
  }
  return limiter;
}

/** Forgets all shared limiters (with `closeAllClients`). */
export function resetRateLimiters(): void {
  limiters.clear();
}
