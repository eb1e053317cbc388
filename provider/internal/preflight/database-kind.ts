import type { ProviderContext } from "../dynamic/resource-implementation";
import { declaredDatabase } from "./declared";
import { type DatabaseUse, verifyDatabase } from "./preflight";

/** PlanetScale's two kinds of database (the spec's `kind` enum): Vitess/MySQL or Postgres. */
export type DatabaseKind = "mysql" | "postgresql";

/**
 * The kind of a database: the one a Database resource of this run declares for it, else the one
 * from the same cached `GET /organizations/{org}/databases/{db}`
 * that the preview check ({@link verifyDatabase}) makes, so a run asks once per database for both.
 * Databases that report no kind predate Postgres support, so they are MySQL. `use` names the input
 * and the accesses in the message when the database cannot be seen.
 */
export async function databaseKind(
  ctx: ProviderContext,
  organization: string,
  database: string,
  use?: DatabaseUse,
): Promise<DatabaseKind> {
  // A database a Database resource of this run declares has the kind it declares (it may not
  // exist yet at preview); while that kind is not known, the callers' checks wait for `up`.
  const declared = declaredDatabase(organization, database);
  if (declared !== undefined) {
    if (declared.kind !== undefined) return declared.kind;
    throw new Error(`the kind of database ${organization}/${database} is not known yet`);
  }
  const found = await verifyDatabase(ctx.client(), organization, database, use);
  return found.kind === "postgresql" ? "postgresql" : "mysql";
}

/** "MySQL (Vitess)" or "Postgres": how messages name a kind. */
export function kindName(kind: DatabaseKind): string {
  return kind === "mysql" ? "MySQL (Vitess)" : "Postgres";
}
