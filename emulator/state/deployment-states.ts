/** Groups of the spec's deployment states, as the deploy queue and the routes read them. */
import type { DeploymentState } from "./records";

/** A deployment that has ended: it no longer holds the database's deploy queue. */
export const TERMINAL: ReadonlySet<DeploymentState> = new Set<DeploymentState>([
  "complete",
  "complete_cancel",
  "complete_error",
  "complete_revert",
  "complete_revert_error",
  "cancelled",
  "error",
]);

/** The states before a deploy was asked for (the request's changes still follow its branches). */
export const NOT_DEPLOYED: ReadonlySet<DeploymentState> = new Set<DeploymentState>([
  "pending",
  "ready",
  "no_changes",
]);

/** A deployment under way: queued, copying, waiting for or doing its cut-over, being cancelled. */
export const ACTIVE: ReadonlySet<DeploymentState> = new Set<DeploymentState>([
  "queued",
  "submitting",
  "in_progress",
  "pending_cutover",
  "in_progress_vschema",
  "in_progress_cancel",
  "in_progress_cutover",
]);
