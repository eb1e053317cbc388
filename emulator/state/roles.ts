/**
 * What Postgres roles own and who takes it over: each branch's default `postgres` role, the
 * successor a role is named by, and reassigning a role's objects before it is dropped. PlanetScale
 * refuses to drop a role that still owns objects (`422 "Role is still referenced and cannot be
 * dropped."`, quoted in anomalyco/sst PR #6932).
 */
import { credentialSecret, hashSecret, publicId } from "./ids";
import type { BranchRecord, RoleRecord } from "./records";
import type { Store } from "./store";

/** The base username of every branch's default role; `successor: "postgres"` names it. */
export const DEFAULT_ROLE_NAME = "postgres";

/** A role's username without the `.<branch id>` suffix PlanetScale routes connections by. */
export function baseUsername(role: RoleRecord): string {
  return role.username.split(".")[0] ?? role.username;
}

/** The roles of `branch`, the default one included. */
export function rolesOf(store: Store, branch: BranchRecord): RoleRecord[] {
  return store.data.roles.filter(
    (role) =>
      role.organization === branch.organization &&
      role.database === branch.database &&
      role.branchId === branch.id,
  );
}

/**
 * The branch's default `postgres` role, added the first time it is asked for. Its password is
 * random and shown to nobody until `reset_default_role` sets a new one. `created` says whether the
 * store changed.
 */
export function defaultRoleOf(
  store: Store,
  branch: BranchRecord,
  now: number,
): { role: RoleRecord; created: boolean } {
  const existing = rolesOf(store, branch).find((role) => role.isDefault);
  if (existing) return { role: existing, created: false };
  const role: RoleRecord = {
    id: publicId(),
    organization: branch.organization,
    database: branch.database,
    branchId: branch.id,
    name: DEFAULT_ROLE_NAME,
    username: `${DEFAULT_ROLE_NAME}.${branch.id}`,
    secretHash: hashSecret(credentialSecret()),
    createdAt: now,
    updatedAt: now,
    expiresAt: null,
    ttlSeconds: null,
    actor: null,
    inheritedRoles: [],
    withReplication: false,
    requireWhereOnDelete: "off",
    requireWhereOnUpdate: "off",
    isDefault: true,
    ownedObjects: [],
  };
  store.data.roles.push(role);
  return { role, created: true };
}

/**
 * The role of `branch` that `key` names, as the spec's `successor` accepts it: its id, or its
 * username with or without the branch id suffix (`postgres` is the default role).
 */
export function findRole(
  store: Store,
  branch: BranchRecord,
  key: string,
  now: number,
): { role: RoleRecord; created: boolean } | undefined {
  if (key === DEFAULT_ROLE_NAME || key === `${DEFAULT_ROLE_NAME}.${branch.id}`) {
    return defaultRoleOf(store, branch, now);
  }
  const role = rolesOf(store, branch).find(
    (candidate) => candidate.id === key || candidate.username === key || baseUsername(candidate) === key,
  );
  return role ? { role, created: false } : undefined;
}

/** Gives every object `from` owns to `to` (`REASSIGN OWNED BY from TO to`). */
export function reassignObjects(from: RoleRecord, to: RoleRecord, now: number): void {
  if (from.ownedObjects.length === 0) return;
  to.ownedObjects = [...new Set([...to.ownedObjects, ...from.ownedObjects])];
  from.ownedObjects = [];
  from.updatedAt = now;
  to.updatedAt = now;
}

/** Records that a client logged in as `role` created `tables`: the role now owns them. */
export function createTablesAs(role: RoleRecord, tables: readonly string[], now: number): void {
  role.ownedObjects = [...new Set([...role.ownedObjects, ...tables])];
  role.updatedAt = now;
}
