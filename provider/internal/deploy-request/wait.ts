import type { DeployRequest } from "../api/deploy-request-schemas";
import { PROGRESS_EVERY_MS, pollGap } from "../branch/readiness";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { stateWords } from "./states";

/** What {@link watch} waits for. */
export interface WatchOptions {
  /** How lines name the deploy request: "deploy request #3 (pr-42 → main) of acme/app". */
  subject: string;
  /** The deploy request just received: the first poll waits one gap, never sooner. */
  current: DeployRequest;
  /** Reads it again. */
  poll: () => Promise<DeployRequest>;
  isDone: (request: DeployRequest) => boolean;
  deadline: number;
  /** The error to throw at the deadline, given the last answer and the time waited. */
  onTimeout: (last: DeployRequest, waitedMs: number) => Error;
  ctx: Pick<ProviderContext, "log">;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Polls a deploy request until `isDone`, on the branch readiness schedule (`pollGap`: a state
 * reached at time T after waiting started is seen within max(0.3 s, 10% of T), with as many
 * requests as waiting for a branch that long), printing a progress line at every change of its
 * deployment state ("deploy request #3 …: in progress (12 s)") and every ~10 s in between.
 */
export async function watch(options: WatchOptions): Promise<DeployRequest> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const clock = options.now ?? Date.now;
  const started = clock();
  let value = options.current;
  let shown = value.deployment_state;
  let nextProgress = started + PROGRESS_EVERY_MS;
  for (;;) {
    if (options.isDone(value)) return value;
    const now = clock();
    if (now >= options.deadline) throw options.onTimeout(value, now - started);
    if (value.deployment_state !== shown || now >= nextProgress) {
      shown = value.deployment_state;
      options.ctx.log(`${options.subject}: ${stateWords(shown)} (${formatDuration(now - started)})`);
      nextProgress = now + PROGRESS_EVERY_MS;
    }
    await sleep(Math.min(pollGap(now - started), Math.max(0, options.deadline - now)));
    value = await options.poll();
  }
}
