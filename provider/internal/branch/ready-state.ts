import type { Branch as ApiBranch } from "../api/schemas";

/** PlanetScale reports readiness in `state` (current) and `ready` (older clients). */
export function isReady(branch: Pick<ApiBranch, "state" | "ready">): boolean {
  return branch.state === "ready" || (branch.state == null && branch.ready === true);
}
