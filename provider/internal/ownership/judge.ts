import type { PlanetScaleClient } from "../client/client";
import { claimedBy } from "./run-registry";

/**
 * Allowance for PlanetScale's clock when no answer has shown it yet (every answer carries a `Date`
 * header, so this only matters for a server that sends none).
 */
const FALLBACK_SKEW_MS = 5_000;

/** What a lookup after an unknown outcome found: the facts PlanetScale gives about an object. */
export interface FoundObject {
  id: string;
  /** `created_at` as PlanetScale sent it. */
  createdAt: string;
  /** Id of who created it (`actor.id` of a branch, `actor_id` of a token), when reported. */
  actorId?: string | null | undefined;
}

/** Whether a found object is the one our request created, and if not, why. */
export type Verdict =
  | { ours: true }
  | { ours: false; why: "existed-before" | "claimed" | "other-actor"; detail: string };

/**
 * Decides, after a create whose outcome is unknown, whether `found` is what that create made. It
 * is ours only if all hold:
 * - it did not exist before our request: its `created_at` is not earlier than the earliest server
 *   time our request's start can correspond to (PlanetScale's clock is tracked from the `Date`
 *   headers of its answers, so the skew between the machines does not matter);
 * - no other resource of this run created or adopted it (see `run-registry`);
 * - it was created by our credential, when PlanetScale names the creator and we know our id.
 * @param kind registry kind (`branch`, `serviceToken`).
 * @param startedAt local time (ms) just before our request was sent.
 */
export function judge(
  client: PlanetScaleClient,
  kind: string,
  found: FoundObject,
  startedAt: number,
): Verdict {
  const owner = claimedBy(kind, found.id);
  if (owner !== undefined) {
    return { ours: false, why: "claimed", detail: `it belongs to ${owner} of this run` };
  }
  const created = Date.parse(found.createdAt);
  const { earliest } = client.serverClock.range(startedAt, FALLBACK_SKEW_MS);
  if (Number.isNaN(created) || created < earliest) {
    return {
      ours: false,
      why: "existed-before",
      detail: `it was created at ${found.createdAt}, before this request was sent (${new Date(earliest).toISOString()} at the earliest, in PlanetScale's clock)`,
    };
  }
  const credential = client.settings.credential;
  if (found.actorId && credential.kind === "serviceToken" && found.actorId !== credential.id) {
    return {
      ours: false,
      why: "other-actor",
      detail: `it was created by ${found.actorId}, not by the service token Pulumi uses (${credential.id})`,
    };
  }
  return { ours: true };
}
