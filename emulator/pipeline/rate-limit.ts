/**
 * The stage that limits each credential to PlanetScale's requests per minute (a sliding window):
 * past it, 429 `rate_limited` with `Retry-After`. Requests that fail authentication do not count.
 */
import { ApiError } from "../http/errors";
import { errorAnswer, type Stage, setEarlier } from "./exchange";

/** Sliding one-minute window of request times per key (credential id). */
export class RateLimiter {
  private limit: number;
  private readonly windows = new Map<string, number[]>();
  private static readonly WINDOW_MS = 60_000;

  constructor(limitPerMinute: number) {
    this.limit = limitPerMinute;
  }

  /**
   * Records a request for `key` at `now` if it fits in the window and returns null, or returns
   * how many whole seconds to wait before the oldest request leaves the window.
   */
  take(key: string, now: number): number | null {
    const cutoff = now - RateLimiter.WINDOW_MS;
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && times[drop]! <= cutoff) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length >= this.limit) {
      const oldest = times[0] ?? now;
      return Math.max(1, Math.ceil((oldest + RateLimiter.WINDOW_MS - now) / 1000));
    }
    times.push(now);
    return null;
  }

  /** The configured limit. */
  get perMinute(): number {
    return this.limit;
  }
}

/** Answers 429 once the caller's window is full; `limiter()` is read per request, so it can be replaced. */
export function rateLimit(limiter: () => RateLimiter): Stage {
  return (next) => async (exchange) => {
    const credential = setEarlier(exchange.credential, "credential", "authenticate");
    const now = setEarlier(exchange.now, "now", "authenticate");
    const current = limiter();
    const retryAfter = current.take(credential.id, now);
    if (retryAfter === null) return next(exchange);
    return errorAnswer(
      new ApiError(
        429,
        "rate_limited",
        `Rate limit exceeded: at most ${current.perMinute} requests per minute per credential`,
        undefined,
        { "retry-after": String(retryAfter) },
      ),
    );
  };
}
