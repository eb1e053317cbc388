/**
 * PlanetScale's 429s for one credential, as this process saw them. After a 429, no request of the
 * credential is sent before the instant the server gave (`Retry-After`): every request sent sooner
 * would only get another 429. Nothing waits while the API accepts. Per process: the stacks of a
 * team run on separate CI runners, where nothing shared on one machine would reach the others;
 * each process learns the limit from its own 429s (see `client.ts` for the jitter that spreads the
 * requests that waited together).
 */
export class RateLimitGate {
  /** No request before this instant (ms since the epoch). */
  private until = 0;
  /** Last instant a request of the credential got an answer other than 429. */
  private answeredAt = 0;

  /** How long a request must wait at `now` before it may be sent (0: go). */
  wait(now: number): number {
    return Math.max(0, this.until - now);
  }

  /** The server answered 429 at `now` and asked to wait `waitMs`. */
  rateLimited(now: number, waitMs: number): void {
    this.until = Math.max(this.until, now + waitMs);
  }

  /** A request of the credential got an answer other than 429 at `now`. */
  answered(now: number): void {
    this.answeredAt = Math.max(this.answeredAt, now);
  }

  /**
   * The last instant a request of the credential got through: a request waiting on 429s gives up
   * only after the patience passed without one.
   */
  lastProgress(): number {
    return this.answeredAt;
  }
}

const gates = new Map<string, RateLimitGate>();

/** The process-wide gate of a credential (`key` names the API origin and the credential, never its secret). */
export function getRateLimitGate(key: string): RateLimitGate {
  let gate = gates.get(key);
  if (!gate) {
    gate = new RateLimitGate();
    gates.set(key, gate);
  }
  return gate;
}

/** Forgets all gates (with `closeAllClients`). */
export function resetRateLimitGates(): void {
  gates.clear();
}
