import * as z from "zod";
import { parseDuration } from "./duration";

/** Twenty minutes: long enough for most restores from backup and new databases. */
export const DEFAULT_READY_TIMEOUT_MS = 20 * 60 * 1000;
const MAX_READY_TIMEOUT_MS = 24 * 60 * 60 * 1000;

const READY_TIMEOUT_RULE =
  "readyTimeout must be a duration between 1 s and 24 h: seconds as a number, or text like '90s', '20m', '2h'";

/**
 * The `readyTimeout` input every resource that waits for readiness takes (branches, databases):
 * seconds, or text like `"20m"`, from 1 s to 24 h.
 */
export function readyTimeout() {
  return z.union([z.number(), z.string()], { error: READY_TIMEOUT_RULE }).refine(
    (v) => {
      const ms = parseDuration(v);
      return ms !== undefined && ms > 0 && ms <= MAX_READY_TIMEOUT_MS;
    },
    { error: READY_TIMEOUT_RULE },
  );
}

/** Milliseconds to wait for readiness: `readyTimeout`, else {@link DEFAULT_READY_TIMEOUT_MS}. */
export function readyTimeoutMs(inputs: { readyTimeout?: number | string | undefined }): number {
  return inputs.readyTimeout === undefined
    ? DEFAULT_READY_TIMEOUT_MS
    : (parseDuration(inputs.readyTimeout) ?? DEFAULT_READY_TIMEOUT_MS);
}
