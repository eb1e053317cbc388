import type { PlanetScaleClient } from "../client/client";
import { observedCreate } from "./create-attempts";
import { paginate } from "./pagination";
import { rolePath, rolesPath } from "./paths";
import { BranchRole } from "./schemas";

/** Postgres roles a PlanetScale role can inherit (the spec's enum on `create_role`). */
export const INHERITABLE_ROLES = [
  "pg_checkpoint",
  "pg_create_subscription",
  "pg_maintain",
  "pg_monitor",
  "pg_read_all_data",
  "pg_read_all_settings",
  "pg_read_all_stats",
  "pg_signal_backend",
  "pg_stat_scan_tables",
  "pg_use_reserved_connections",
  "pg_write_all_data",
  "postgres",
] as const;
/** One of {@link INHERITABLE_ROLES}. */
export type InheritableRole = (typeof INHERITABLE_ROLES)[number];

/** A query-safety setting of a role (pg_strict): the spec's enum on the role's `query_safety_settings`. */
export const QUERY_SAFETY = ["off", "warn", "on"] as const;
/** One of {@link QUERY_SAFETY}. */
export type QuerySafety = (typeof QUERY_SAFETY)[number];

/**
 * Body of `POST …/branches/{branch}/roles` (spec `create_role`; the Terraform provider's
 * `planetscale_postgres_branch_role` sends `name`, `ttl`, `inherited_roles`, pscale's
 * `CreatePostgresRoleRequest` also `with_replication`).
 */
export interface CreateRoleBody {
  name?: string | undefined;
  /** Lifetime in seconds. */
  ttl?: number | undefined;
  inherited_roles?: InheritableRole[] | undefined;
  /** The role's REPLICATION attribute. */
  with_replication?: boolean | undefined;
  /** Require a WHERE clause on DELETE statements (pg_strict). */
  require_where_on_delete?: QuerySafety | undefined;
  /** Require a WHERE clause on UPDATE statements (pg_strict). */
  require_where_on_update?: QuerySafety | undefined;
}

/**
 * Body of `PATCH …/roles/{id}` (spec `update_role`; pscale `role update --name`): a rename, new
 * query-safety settings, or both. The role, its username and its password stay.
 */
export interface UpdateRoleBody {
  name?: string | undefined;
  require_where_on_delete?: QuerySafety | undefined;
  require_where_on_update?: QuerySafety | undefined;
}

/** Every role of a branch (all pages; `password` is absent in lists). */
export function listRoles(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
): AsyncIterableIterator<BranchRole> {
  return paginate(client, rolesPath(organization, database, branch), { itemSchema: BranchRole });
}

/** One role by id (its `password` is absent: the secret is only in the create answer). */
export function getRole(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
): Promise<BranchRole> {
  return client.request({
    method: "GET",
    path: rolePath(organization, database, branch, id),
    schema: BranchRole,
  });
}

/** Creates a role; the answer is the only one carrying its `password`. Never log it. */
export function createRole(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  body: CreateRoleBody,
): Promise<BranchRole> {
  return observedCreate(client, { kind: "role", organization, database, branch, name: body.name }, () =>
    client.request({
      method: "POST",
      path: rolesPath(organization, database, branch),
      body,
      schema: BranchRole,
    }),
  );
}

/** Renames a role or changes its query safety in place (200, the role without its password). */
export function updateRole(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
  body: UpdateRoleBody,
): Promise<BranchRole> {
  return client.request({
    method: "PATCH",
    path: rolePath(organization, database, branch, id),
    body,
    schema: BranchRole,
    // Setting the same name and settings again changes nothing.
    idempotent: true,
  });
}

/**
 * Deletes (drops) a role (204); it stops authenticating at once. PlanetScale refuses (422 "Role is
 * still referenced and cannot be dropped.") while the role owns objects, unless `successor` names
 * the role that takes them over first (the spec's `?successor=`: a role's id, or its username with
 * or without the branch id suffix; `postgres` is the branch's default role).
 */
export async function deleteRole(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
  successor?: string,
): Promise<void> {
  await client.request({
    method: "DELETE",
    path: rolePath(organization, database, branch, id),
    query: { successor },
  });
}

/**
 * Gives every object the role owns to `successor` (`POST …/roles/{id}/reassign`, spec
 * `reassign_role_objects`, as pscale `role reassign --successor` sends it); 204. Reassigning again
 * finds nothing left to move, so it is retried like a read.
 */
export async function reassignRoleObjects(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
  successor: string,
): Promise<void> {
  await client.request({
    method: "POST",
    path: `${rolePath(organization, database, branch, id)}/reassign`,
    body: { successor },
    idempotent: true,
  });
}

/** Extends a role's expiry (`POST …/renew`, no body). */
export function renewRole(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
): Promise<BranchRole> {
  return client.request({
    method: "POST",
    path: `${rolePath(organization, database, branch, id)}/renew`,
    schema: BranchRole,
  });
}
