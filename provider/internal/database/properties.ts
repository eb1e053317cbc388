import type { BranchChangeBody } from "../api/branch-changes";
import type { CreateDatabaseBody, UpdateDatabaseSettingsBody } from "../api/databases";
import type * as schemas from "../api/schemas";
import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable, ResourceApi } from "../inputs/property-table";
import { isDatabaseReady } from "./ready-state";

/** The PlanetScale API the Database table names (`api/databases.ts`, `api/branch-changes.ts`). */
export interface DatabaseApi extends ResourceApi {
  readonly createBody: keyof CreateDatabaseBody;
  readonly calls: {
    /** `PATCH …/databases/{db}` with the new name, first (compared with the recorded name). */
    readonly rename: keyof UpdateDatabaseSettingsBody;
    /**
     * `PATCH …/databases/{db}` with the settings that differ from what PlanetScale reports, once
     * the database is ready (the create request takes none of them).
     */
    readonly "settings PATCH": keyof UpdateDatabaseSettingsBody;
    /**
     * The default branch's size or replicas: `PATCH …/branches/{default}/cluster` (Vitess) or a
     * change request `PATCH …/branches/{default}/changes` (Postgres); the update waits until done.
     */
    readonly "default branch resize": keyof BranchChangeBody;
  };
  readonly object: schemas.Database;
  readonly fields: keyof (typeof schemas.Database)["shape"];
}

/**
 * A setting of `update_database_settings`: applied by the settings PATCH under `body`, read back
 * from the database's `from` field (the same name, but for foreign keys).
 */
function setting<B extends keyof UpdateDatabaseSettingsBody, F extends DatabaseApi["fields"]>(
  body: B,
  from: F,
  doc: string,
) {
  return {
    input: {
      change: "update",
      serverDefaulted: true,
      sent: { call: "settings PATCH" },
      applied: { call: "settings PATCH", body },
    },
    output: "reported",
    from,
    doc,
    defaultDoc: "as PlanetScale has it (a new database: PlanetScale's default)",
  } as const;
}

/**
 * Every property of a Database, declared once (see {@link PropertyTable}): it drives `diff`, the
 * create request's body, the in-place calls (`./settle`, `./update`), the outputs read from
 * PlanetScale's database and their echo after a refresh, the outputs the `Database` class exposes,
 * the README's Database tables and the `DatabaseArgs` TSDoc. The settings are left as PlanetScale
 * has them unless the program sets them (an adopted database keeps its deletion protection).
 */
export const DATABASE_PROPERTIES = {
  organization: ORGANIZATION,
  name: {
    input: { change: "update", sent: { body: "name" }, applied: { call: "rename", body: "new_name" } },
    output: "reported",
    from: "name",
    doc: "Database name: lowercase letters, digits, hyphens and underscores (at most 63); the output is the current name.",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix",
    changeDoc:
      "rename in place (`new_name`); resources that take `database` from this output then see a new database name",
  },
  namePrefix: NAME_PREFIX,
  kind: {
    input: { change: "replace", serverDefaulted: true, sent: { body: "kind" } },
    output: "reported",
    from: "kind",
    doc: '`"mysql"` (Vitess) or `"postgresql"`.',
    defaultDoc: '`"mysql"`',
  },
  region: {
    input: { change: "replace", serverDefaulted: true, sent: { body: "region" } },
    output: "reported",
    from: "region",
    read: (database) => database.region?.slug,
    doc: "Region slug, e.g. `us-east`; the output is the region as PlanetScale reports it.",
    defaultDoc: "the organization's default region",
  },
  clusterSize: {
    input: {
      change: "update",
      serverDefaulted: true,
      compare: "cluster size",
      sent: { body: "cluster_size" },
      applied: { call: "default branch resize", body: "cluster_size" },
    },
    output: "echo",
    doc: "Cluster size of the default branch, e.g. `PS_10` (PlanetScale does not report it back on the database).",
    defaultDoc: "PlanetScale's default",
    changeDoc:
      "in place: PlanetScale resizes the default branch (Vitess: `PATCH …/cluster`; Postgres: a change request), its data stays; waits for it, up to `readyTimeout`",
  },
  replicas: {
    input: {
      change: "update",
      serverDefaulted: true,
      sent: { body: "replicas" },
      applied: { call: "default branch resize", body: "replicas" },
    },
    output: "echo",
    doc: "Replicas of the default branch: 0 for non-HA, 2 or more for HA.",
    defaultDoc: "PlanetScale's default",
    changeDoc:
      "in place on Postgres (a change request of the default branch); MySQL (Vitess) databases take it at create only",
  },
  majorVersion: {
    input: { change: "replace", serverDefaulted: true, sent: { body: "major_version" } },
    output: "echo",
    doc: 'Postgres major version, e.g. `"17"` (Postgres only).',
    defaultDoc: "the latest PlanetScale offers",
  },
  defaultBranch: {
    input: {
      change: "update",
      serverDefaulted: true,
      sent: { call: "settings PATCH" },
      applied: { call: "settings PATCH", body: "default_branch" },
    },
    output: "reported",
    from: "default_branch",
    doc: "The default branch: new branches fork from it; it must exist. The output is the default branch as PlanetScale reports it (so a program can hang branches off it).",
    defaultDoc: "`main`, which PlanetScale creates with the database",
  },
  requireApprovalForDeploy: setting(
    "require_approval_for_deploy",
    "require_approval_for_deploy",
    "Deploy requests must be approved by someone other than their creator.",
  ),
  restrictBranchRegion: setting(
    "restrict_branch_region",
    "restrict_branch_region",
    "New branches must be in the database's region.",
  ),
  allowDataBranching: setting(
    "allow_data_branching",
    "allow_data_branching",
    "Branches may be seeded with data (`seedData`; Data Branching). Vitess only.",
  ),
  allowForeignKeyConstraints: setting(
    "allow_foreign_key_constraints",
    "foreign_keys_enabled",
    "Foreign key constraints are allowed (reported as `foreign_keys_enabled`). Vitess only.",
  ),
  automaticMigrations: setting(
    "automatic_migrations",
    "automatic_migrations",
    "Migration data is copied to new branches and deploy requests (with `migrationFramework` and `migrationTableName`). Vitess only.",
  ),
  migrationFramework: setting(
    "migration_framework",
    "migration_framework",
    "The migration framework, e.g. `rails`, for `automaticMigrations`. Vitess only.",
  ),
  migrationTableName: setting(
    "migration_table_name",
    "migration_table_name",
    "The table holding migration data, e.g. `schema_migrations`. Vitess only.",
  ),
  insightsRawQueries: setting(
    "insights_raw_queries",
    "insights_raw_queries",
    "Query Insights collects full queries.",
  ),
  productionBranchWebConsole: setting(
    "production_branch_web_console",
    "production_branch_web_console",
    "The web console may be used on production branches.",
  ),
  deletionProtected: {
    ...setting(
      "deletion_protected",
      "deletion_protected",
      "PlanetScale refuses to delete the database; `true` also makes Pulumi refuse to destroy or replace it (its `protect` option) before anything of the stack is deleted.",
    ),
    defaultDoc: "as PlanetScale has it (a new database: `false`)",
  },
  adopt: {
    input: { change: "update", sent: "used at create", applied: "used at create" },
    output: "state",
    doc: "Take over an existing database of that name instead of failing (dynamic providers cannot `pulumi import`); destroying the stack then deletes it.",
    defaultDoc: "`false`",
  },
  readyTimeout: {
    input: { change: "update", sent: "no API call", applied: "no API call" },
    output: "state",
    doc: 'How long create and update wait for readiness: seconds, or `"90s"`, `"20m"`, `"2h"`.',
    defaultDoc: '`"20m"`',
  },
  databaseId: {
    output: "reported",
    from: "id",
    doc: "PlanetScale's id of the database. Also the resource id.",
  },
  state: { output: "reported", from: "state", doc: "`pending`, `ready`, `sleeping`, …" },
  ready: {
    output: "reported",
    from: "ready",
    read: isDatabaseReady,
    doc: "Whether the database accepts branches and connections.",
  },
  htmlUrl: { output: "reported", from: "html_url", doc: "The database's page in the PlanetScale app." },
  createdAt: CREATED_AT,
  updatedAt: { output: "reported", from: "updated_at", doc: "Last update time (ISO 8601)." },
} as const satisfies PropertyTable<DatabaseApi>;
