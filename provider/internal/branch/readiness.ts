import { formatDuration } from "../duration";
import type { ProviderContext } from "../resource-implementation";

/** Polling cadence: start fast for quick branches, back off to spare the rate limit on slow ones. */
export const POLL_START_MS = 250;
export const POLL_FACTOR = 1.6;
export const POLL_CAP_MS = 5000;
/** How often a long wait prints a progress line. */
export const PROGRESS_EVERY_MS = 10_000;

export interface WaitOptions<T> {
  /** What is being waited for, for messages: "branch pr-12". */
  subject: string;
  /** Fetches the current state. */
  poll: () => Promise<T>;
  isDone: (value: T) => boolean;
  describe: (value: T) => string;
  deadline: number;
  ctx: Pick<ProviderContext, "log">;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class WaitTimeoutError extends Error {
  readonly last: unknown;
  constructor(message: string, last: unknown) {
    super(message);
    this.name = "WaitTimeoutError";
    this.last = last;
  }
}

/**
 * Polls until `isDone`, with adaptive backoff (250 ms growing to 5 s) and a progress line every
 * ~10 s ("branch pr-12 is pending (30 s)"). Throws {@link WaitTimeoutError} at the deadline.
 */
export async function waitFor<T>(options: WaitOptions<T>): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = options.now ?? Date.now;
  const started = clock();
  let delay = POLL_START_MS;
  let nextProgress = started + PROGRESS_EVERY_MS;
  for (;;) {
    const value = await options.poll();
    if (options.isDone(value)) return value;
    const now = clock();
    if (now >= options.deadline) {
      throw new WaitTimeoutError(
        `${options.subject} is still ${options.describe(value)} after ${formatDuration(now - started)}`,
        value,
      );
    }
    if (now >= nextProgress) {
      options.ctx.log(`${options.subject} is ${options.describe(value)} (${formatDuration(now - started)})`);
      nextProgress = now + PROGRESS_EVERY_MS;
    }
    await sleep(Math.min(delay, Math.max(0, options.deadline - now)));
    delay = Math.min(POLL_CAP_MS, Math.round(delay * POLL_FACTOR));
  }
}
