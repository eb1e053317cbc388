import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { NotReadyError } from "../resource-errors";

/**
 * Polling cadence, from the moment waiting starts: the gap before the next poll is
 * {@link POLL_FRACTION} of the time waited so far, at least {@link POLL_MIN_MS} and at most
 * {@link POLL_CAP_MS}. So readiness at time R is seen within max(0.3 s, 10% of R) (up to R = 5 min,
 * then within 30 s), with about 10 polls in the first 3 s, 30 by 20 s and 66 by 10 minutes. Nothing
 * tells us R in advance (PlanetScale gives no estimate), so the schedule must be good for every R;
 * a schedule with fewer polls is only possible with a wider worst case (e.g. 15 polls by 20 s means
 * seeing readiness up to ~30% of R late).
 */
export const POLL_MIN_MS = 300;
export const POLL_FRACTION = 0.1;
export const POLL_CAP_MS = 30_000;
/** How often a long wait prints a progress line. */
export const PROGRESS_EVERY_MS = 10_000;

/** The wait before the next poll, `elapsed` ms after waiting started. */
export function pollGap(elapsed: number): number {
  return Math.min(POLL_CAP_MS, Math.max(POLL_MIN_MS, Math.round(POLL_FRACTION * elapsed)));
}

export interface WaitOptions<T> {
  /** What is being waited for, for messages: "branch pr-12". */
  subject: string;
  /** The state just received (e.g. the create's answer): the first poll waits one gap, never sooner. */
  current: T;
  /** Fetches the current state. */
  poll: () => Promise<T>;
  isDone: (value: T) => boolean;
  describe: (value: T) => string;
  deadline: number;
  ctx: Pick<ProviderContext, "log">;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Polls until `isDone`, on the {@link pollGap} schedule, with a progress line every ~10 s ("branch
 * pr-12 is pending (30 s)"). Throws {@link NotReadyError} at the deadline.
 */
export async function waitFor<T>(options: WaitOptions<T>): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = options.now ?? Date.now;
  const started = clock();
  let nextProgress = started + PROGRESS_EVERY_MS;
  let value = options.current;
  for (;;) {
    if (options.isDone(value)) return value;
    const now = clock();
    if (now >= options.deadline) {
      throw new NotReadyError(
        `${options.subject} is still ${options.describe(value)} after ${formatDuration(now - started)}`,
        value,
      );
    }
    if (now >= nextProgress) {
      options.ctx.log(`${options.subject} is ${options.describe(value)} (${formatDuration(now - started)})`);
      nextProgress = now + PROGRESS_EVERY_MS;
    }
    await sleep(Math.min(pollGap(now - started), Math.max(0, options.deadline - now)));
    value = await options.poll();
  }
}
