import type { Database } from "../api/schemas";

/** PlanetScale reports a database's readiness in `state` (current) and `ready` (older clients). */
export function isDatabaseReady(database: Pick<Database, "state" | "ready">): boolean {
  return database.state === "ready" || (database.state == null && database.ready === true);
}
