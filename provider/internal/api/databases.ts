import type { PlanetScaleClient } from "../client/client";
import { observedCreate } from "./create-attempts";
import { paginate } from "./pagination";
import { databasePath, databasesPath } from "./paths";
import { Database } from "./schemas";

/**
 * Body of `POST /organizations/{org}/databases` (`create_database`); only `name` is required in
 * practice (pscale sends no `cluster_size` unless asked, planetscale/cli `CreateDatabaseRequest`).
 * The fields the Database resource sends (its property table names each one).
 */
export interface CreateDatabaseBody {
  name: string;
  /** Region slug; defaults to the organization's default region. */
  region?: string | undefined;
  /** Cluster size of the default branch, e.g. `PS_10`. */
  cluster_size?: string | undefined;
  /** Replicas of the default branch: 0 for non-HA, 2+ for HA. */
  replicas?: number | undefined;
  /** `mysql` (Vitess, the default) or `postgresql`. */
  kind?: "mysql" | "postgresql" | undefined;
  /** Postgres only: the major version, e.g. `17`; defaults to the latest. */
  major_version?: string | undefined;
}

/** Body of `PATCH /organizations/{org}/databases/{db}` (`update_database_settings`): what changes. */
export interface UpdateDatabaseSettingsBody {
  new_name?: string | undefined;
  require_approval_for_deploy?: boolean | undefined;
  restrict_branch_region?: boolean | undefined;
  /** Vitess only. */
  allow_data_branching?: boolean | undefined;
  /** Vitess only; reported as `foreign_keys_enabled`. */
  allow_foreign_key_constraints?: boolean | undefined;
  /** Vitess only. */
  automatic_migrations?: boolean | undefined;
  /** Vitess only. */
  migration_framework?: string | undefined;
  /** Vitess only. */
  migration_table_name?: string | undefined;
  insights_raw_queries?: boolean | undefined;
  deletion_protected?: boolean | undefined;
  production_branch_web_console?: boolean | undefined;
  default_branch?: string | undefined;
}

/** Every database of the organization the credential can see (all pages); `q` searches names. */
export function listDatabases(
  client: PlanetScaleClient,
  organization: string,
  query: { q?: string | undefined } = {},
): AsyncIterableIterator<Database> {
  return paginate(client, databasesPath(organization), { query: { q: query.q }, itemSchema: Database });
}

/**
 * Starts creating a database (201, `state: "pending"`, its default branch pending too); poll
 * `getDatabase` until ready. Not retried after it may have been applied: an
 * `OutcomeUnknownError` means "look it up by name".
 */
export function createDatabase(
  client: PlanetScaleClient,
  organization: string,
  body: CreateDatabaseBody,
): Promise<Database> {
  return observedCreate(client, { kind: "database", organization, name: body.name }, () =>
    client.request({ method: "POST", path: databasesPath(organization), body, schema: Database }),
  );
}

/** Changes a database's settings, or renames it (`new_name`); answers the database. */
export function updateDatabaseSettings(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  body: UpdateDatabaseSettingsBody,
): Promise<Database> {
  return client.request({
    method: "PATCH",
    path: databasePath(organization, database),
    body,
    schema: Database,
  });
}

/** Deletes a database with its branches, their credentials and backups (204). */
export async function deleteDatabase(
  client: PlanetScaleClient,
  organization: string,
  database: string,
): Promise<void> {
  await client.request({ method: "DELETE", path: databasePath(organization, database) });
}
