import type { PlanetScaleClient } from "../client/client";
import { observedCreate } from "./create-attempts";
import { paginate } from "./pagination";
import { branchesPath, branchPath } from "./paths";
import { Branch } from "./schemas";

/**
 * Body of `POST …/branches`; only `name` is required. The fields the Branch resource sends (its
 * property table names each one; the spec documents more, e.g. `storage`, `keyspace_cluster_sizes`).
 */
export interface CreateBranchBody {
  name: string;
  /** Defaults to the database's default branch. */
  parent_branch?: string | undefined;
  /** Region slug; defaults to the database's region. */
  region?: string | undefined;
  /** Restore this backup's schema and data into the new branch. */
  backup_id?: string | undefined;
  /** `"last_successful_backup"` (Data Branching). */
  seed_data?: "last_successful_backup" | undefined;
  /** e.g. `PS_10`; required with `backup_id`. */
  cluster_size?: string | undefined;
  deletion_protected?: boolean | undefined;
  /** Postgres only: restore to this point in time (ISO 8601), the spec's `restore_point`. */
  restore_point?: string | undefined;
  /** Postgres only: the major version, e.g. `17`; defaults to the parent's. */
  major_version?: string | undefined;
}

/** Body of `PATCH …/branches/{branch}`. */
export interface UpdateBranchBody {
  new_name?: string | undefined;
  deletion_protected?: boolean | undefined;
}

/** Filters for {@link listBranches}. */
export interface ListBranchesQuery {
  /** Search by name. */
  q?: string | undefined;
  production?: boolean | undefined;
  order?: "asc" | "desc" | undefined;
}

/** Every branch of a database (all pages). */
export function listBranches(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  query: ListBranchesQuery = {},
): AsyncIterableIterator<Branch> {
  return paginate(client, branchesPath(organization, database), {
    query: { q: query.q, production: query.production, order: query.order },
    itemSchema: Branch,
  });
}

/** One branch by name or public id (the id survives renames). */
export function getBranch(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  nameOrId: string,
): Promise<Branch> {
  return client.request({
    method: "GET",
    path: branchPath(organization, database, nameOrId),
    schema: Branch,
  });
}

/**
 * Starts creating a branch (201, `state: "pending"`); poll {@link getBranch} until ready. Not
 * retried after it may have been applied: an `OutcomeUnknownError` means "look it up by name".
 */
export function createBranch(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  body: CreateBranchBody,
): Promise<Branch> {
  return observedCreate(client, { kind: "branch", organization, database, name: body.name }, () =>
    client.request({ method: "POST", path: branchesPath(organization, database), body, schema: Branch }),
  );
}

/** Renames a branch (`new_name`) and/or toggles deletion protection. */
export function updateBranch(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  nameOrId: string,
  body: UpdateBranchBody,
): Promise<Branch> {
  return client.request({
    method: "PATCH",
    path: branchPath(organization, database, nameOrId),
    body,
    schema: Branch,
  });
}

/** Deletes a branch (204); `deleteDescendants` also deletes its child branches. */
export async function deleteBranch(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  nameOrId: string,
  options: { deleteDescendants?: boolean | undefined } = {},
): Promise<void> {
  await client.request({
    method: "DELETE",
    path: branchPath(organization, database, nameOrId),
    query: { delete_descendants: options.deleteDescendants ? true : undefined },
  });
}

/**
 * Enables (`POST`) or disables (`DELETE`) safe migrations; both answer with the branch. Only
 * possible once the branch is ready. Setting a state is safe to repeat, so both are retried.
 */
export function setSafeMigrations(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  nameOrId: string,
  enabled: boolean,
): Promise<Branch> {
  return client.request({
    method: enabled ? "POST" : "DELETE",
    path: `${branchPath(organization, database, nameOrId)}/safe-migrations`,
    schema: Branch,
    idempotent: true,
  });
}

/** Body of `PATCH …/branches/{branch}/cluster`. */
export interface ChangeClusterSizeBody {
  /** e.g. `PS_20`. */
  cluster_size: string;
}

/**
 * Asks PlanetScale to change a branch's cluster size in place (`PATCH …/cluster`,
 * `update_branch_cluster_config`). It answers 204 at once; the branch reports the new
 * `cluster_name` when the change has completed, so poll {@link getBranch}. Asking for the same
 * size again is harmless, so it is retried.
 */
export async function changeClusterSize(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  nameOrId: string,
  body: ChangeClusterSizeBody,
): Promise<void> {
  await client.request({
    method: "PATCH",
    path: `${branchPath(organization, database, nameOrId)}/cluster`,
    body,
    idempotent: true,
  });
}
