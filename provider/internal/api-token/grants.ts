import { expandPermissions } from "./permissions";

/**
 * One grant of a token: the accesses it holds on the organization or on one database. The
 * `grants` output is a sorted list of these (by resource, then name; accesses sorted).
 * @inline
 */
export interface Grant {
  /** `organization` or `database`. */
  resource: "organization" | "database";
  /** The organization's or the database's name. */
  name: string;
  /** Access names, sorted. */
  accesses: string[];
}

/** One access as PlanetScale lists it: `database` null for an organization-level access. */
export interface AccessEntry {
  access: string;
  database: string | null;
}

/** A body for `POST`/`DELETE …/service-tokens/{id}/access`: no `database` means organization level. */
export interface AccessChange {
  database?: string;
  access: string[];
}

/**
 * The grants the inputs ask for. Without `databases` everything is one organization-level grant
 * (PlanetScale applies an organization-level database access to every database). With
 * `databases`, organization accesses stay at organization level and database accesses are granted
 * on each listed database.
 */
export function desiredGrants(
  organization: string,
  inputs: {
    scopes?: readonly string[] | undefined;
    permissions?: readonly string[] | undefined;
    databases?: readonly string[] | undefined;
  },
): Grant[] {
  const { organization: orgPart, database: dbPart } = expandPermissions(inputs.scopes, inputs.permissions);
  const entries: AccessEntry[] = [];
  if (inputs.databases === undefined) {
    for (const access of [...orgPart, ...dbPart]) entries.push({ access, database: null });
  } else {
    for (const access of orgPart) entries.push({ access, database: null });
    for (const database of inputs.databases) for (const access of dbPart) entries.push({ access, database });
  }
  return grantsFromAccesses(organization, entries);
}

/** Groups access entries into the sorted `grants` shape. */
export function grantsFromAccesses(organization: string, entries: readonly AccessEntry[]): Grant[] {
  return sortGrants(
    entries.map((e) => ({
      resource: e.database === null ? "organization" : "database",
      name: e.database ?? organization,
      accesses: [e.access],
    })),
  );
}

/** Sorts grants by resource then name, and each grant's accesses; drops empty grants. */
function sortGrants(grants: readonly Grant[]): Grant[] {
  const merged = new Map<string, Grant>();
  for (const g of grants) {
    const key = `${g.resource}\u0000${g.name}`;
    const into = merged.get(key);
    if (into) into.accesses.push(...g.accesses);
    else merged.set(key, { resource: g.resource, name: g.name, accesses: [...g.accesses] });
  }
  return [...merged.values()]
    .filter((g) => g.accesses.length > 0)
    .map((g) => ({ resource: g.resource, name: g.name, accesses: [...new Set(g.accesses)].sort() }))
    .sort((a, b) => compare(a.resource, b.resource) || compare(a.name, b.name));
}

/** The additions and removals that turn `actual` into `desired`, one body per resource. */
export function planChanges(
  desired: readonly Grant[],
  actual: readonly Grant[],
): { add: AccessChange[]; remove: AccessChange[] } {
  const want = toMap(desired);
  const have = toMap(actual);
  const add: AccessChange[] = [];
  const remove: AccessChange[] = [];
  for (const key of [...new Set([...want.keys(), ...have.keys()])].sort()) {
    const w = want.get(key);
    const h = have.get(key);
    const grant = (w ?? h) as Grant;
    const missing = (w?.accesses ?? []).filter((a) => !h?.accesses.includes(a));
    const extra = (h?.accesses ?? []).filter((a) => !w?.accesses.includes(a));
    if (missing.length > 0) add.push(body(grant, missing));
    if (extra.length > 0) remove.push(body(grant, extra));
  }
  return { add, remove };
}

/** True when both describe the same accesses (order does not matter). */
export function sameGrants(a: readonly Grant[], b: readonly Grant[]): boolean {
  const { add, remove } = planChanges(a, b);
  return add.length === 0 && remove.length === 0;
}

/** Reads a `grants` output back, tolerating anything malformed as "no grants". */
export function parseGrants(value: unknown): Grant[] {
  if (!Array.isArray(value)) return [];
  const grants: Grant[] = [];
  for (const item of value) {
    if (item === null || typeof item !== "object") continue;
    const { resource, name, accesses } = item as Record<string, unknown>;
    if (
      (resource !== "organization" && resource !== "database") ||
      typeof name !== "string" ||
      !Array.isArray(accesses)
    ) {
      continue;
    }
    grants.push({ resource, name, accesses: accesses.filter((a): a is string => typeof a === "string") });
  }
  return sortGrants(grants);
}

function body(grant: Grant, accesses: string[]): AccessChange {
  return grant.resource === "database" ? { database: grant.name, access: accesses } : { access: accesses };
}

function toMap(grants: readonly Grant[]): Map<string, Grant> {
  return new Map(sortGrants(grants).map((g) => [`${g.resource}\u0000${g.name}`, g]));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
