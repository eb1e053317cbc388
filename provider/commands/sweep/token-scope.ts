import type { ServiceTokenAccess } from "../../internal/api/schemas";
import { accessEntry } from "../../internal/api-token/outputs";
import { DATABASE_PERMISSIONS } from "../../internal/api-token/permissions";

const DATABASE_ACCESS: ReadonlySet<string> = new Set(DATABASE_PERMISSIONS);

/**
 * Why a token is not confined to `database` by its grants, or undefined when it is: it holds at
 * least one access on that database, none on another, and no database access at organization
 * level (which reaches every database, this one and all others). Organization accesses such as
 * `read_organization` go with any preview token and do not count. A token with no database access
 * at all belongs to no database.
 */
export function tokenDatabaseScope(
  accesses: readonly ServiceTokenAccess[],
  database: string,
): string | undefined {
  const entries = accesses.map(accessEntry);
  const others = [
    ...new Set(entries.flatMap((e) => (e.database !== null && e.database !== database ? [e.database] : []))),
  ];
  if (others.length > 0) return `its grants reach other databases too (${others.join(", ")})`;
  const orgWide = entries
    .filter((e) => e.database === null && DATABASE_ACCESS.has(e.access))
    .map((e) => e.access);
  if (orgWide.length > 0) return `organization-wide: it holds ${orgWide.join(", ")} on every database`;
  if (!entries.some((e) => e.database === database)) return `no grant names ${database}`;
  return undefined;
}
