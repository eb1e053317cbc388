/**
 * PlanetScale's deployment states (the spec's `deployment_state`) in the groups the DeployRequest
 * resource decides by. A state PlanetScale adds later is none of these: waited for, as in progress.
 */

/** Not deployed: being checked (`pending`), checked, or checked without changes. */
export const NOT_DEPLOYED: ReadonlySet<string> = new Set(["pending", "ready", "no_changes"]);

/** Its changes are live in the target branch: revertible for a while, then for good. */
export const LIVE: ReadonlySet<string> = new Set(["complete_pending_revert", "complete"]);

/** The deployment ended without its changes live; it can be deployed again (cancelled, failed). */
export const ENDED_UNDEPLOYED: ReadonlySet<string> = new Set([
  "complete_cancel",
  "cancelled",
  "complete_error",
  "error",
]);

/** It was deployed and then reverted (or is being reverted): its changes are not live. */
export const REVERTED: ReadonlySet<string> = new Set([
  "in_progress_revert",
  "in_progress_revert_vschema",
  "complete_revert",
  "complete_revert_error",
]);

/** Waiting for someone to cut it over (auto cut-over off). */
export const PENDING_CUTOVER = "pending_cutover";

/** What a progress line says about a state. */
export function stateWords(state: string): string {
  switch (state) {
    case "pending":
      return "being checked by PlanetScale";
    case "queued":
    case "submitting":
      return "queued";
    case "in_progress":
    case "in_progress_vschema":
      return "in progress (copying the changed tables)";
    case "pending_cutover":
      return "ready, waiting for its cut-over";
    case "in_progress_cutover":
      return "cutting over";
    case "complete_pending_revert":
      return "live (revertible for now)";
    case "complete":
      return "complete";
    case "in_progress_cancel":
      return "being cancelled";
    default:
      return state;
  }
}
