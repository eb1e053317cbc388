import type { DatabaseKind } from "./database-kind";

/**
 * Databases a `Database` resource of this run declares, with their kind (undefined while it is
 * not known yet, at preview). A program that declares a database and hangs branches or
 * credentials off it (`database: db.name`) previews them before the database exists: their checks
 * ask this first, instead of PlanetScale, which would answer 404 until `up` creates it. The
 * dynamic-provider host serves every resource of a run in one process, and a resource that takes
 * `db.name` is checked after the Database (it waits for that output), so the declaration is here
 * by then.
 */
const declared = new Map<string, { kind: DatabaseKind | undefined }>();

function key(organization: string, database: string): string {
  return `${organization}/${database}`;
}

/** Records that a Database resource of this run declares `organization/database`. */
export function declareDatabase(
  organization: string,
  database: string,
  kind: DatabaseKind | undefined,
): void {
  declared.set(key(organization, database), { kind });
}

/** What a Database resource of this run declared about `organization/database`, if anything. */
export function declaredDatabase(
  organization: string,
  database: string,
): { kind: DatabaseKind | undefined } | undefined {
  return declared.get(key(organization, database));
}
