import * as organizations from "./api/organizations";
import type { ProviderContext } from "./resource-implementation";

/** PlanetScale's two kinds of database (the spec's `kind` enum): Vitess/MySQL or Postgres. */
export type DatabaseKind = "mysql" | "postgresql";

/**
 * Kinds already looked up by this provider process, keyed by API URL, organization and database.
 * A database never changes kind, so one `GET` per database per run is enough.
 */
const known = new Map<string, Promise<DatabaseKind>>();

/**
 * The kind of a database (`GET /organizations/{org}/databases/{db}`, cached per process).
 * Databases that report no kind predate Postgres support, so they are MySQL.
 */
export function databaseKind(
  ctx: ProviderContext,
  organization: string,
  database: string,
): Promise<DatabaseKind> {
  const key = `${ctx.settings().apiUrl}\u0000${organization}\u0000${database}`;
  let kind = known.get(key);
  if (kind === undefined) {
    kind = organizations
      .getDatabase(ctx.client(), organization, database)
      .then((db) => (db.kind === "postgresql" ? "postgresql" : "mysql"));
    // A failed lookup is not remembered: the next caller asks again.
    kind.catch(() => known.delete(key));
    known.set(key, kind);
  }
  return kind;
}

/** "MySQL (Vitess)" or "Postgres": how messages name a kind. */
export function kindName(kind: DatabaseKind): string {
  return kind === "mysql" ? "MySQL (Vitess)" : "Postgres";
}
