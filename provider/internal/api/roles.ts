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

/**
 * Body of `POST …/branches/{branch}/roles` (spec `create_role`; the Terraform provider's
 * `planetscale_postgres_branch_role` sends `name`, `ttl`, `inherited_roles`).
 */
export interface CreateRoleBody {
  name?: string | undefined;
  /** Lifetime in seconds. */
  ttl?: number | undefined;
  inherited_roles?: InheritableRole[] | undefined;
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

/** Deletes (drops) a role (204); it stops authenticating at once. */
export async function deleteRole(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
): Promise<void> {
  await client.request({ method: "DELETE", path: rolePath(organization, database, branch, id) });
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
