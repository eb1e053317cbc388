import type { BranchChangeBody } from "../api/branch-changes";
import type { ChangeClusterSizeBody, CreateBranchBody, UpdateBranchBody } from "../api/branches";
import type * as schemas from "../api/schemas";
import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable, ResourceApi } from "../inputs/property-table";
import { isReady } from "./ready-state";

/** The PlanetScale API the Branch table names (`api/branches.ts`). */
export interface BranchApi extends ResourceApi {
  readonly createBody: keyof CreateBranchBody;
  readonly calls: {
    /** `PATCH …/branches/{id}` with the new name, first (compared with the recorded name). */
    readonly rename: keyof UpdateBranchBody;
    /** `PATCH …/branches/{id}`, once the branch is ready (compared with what PlanetScale reports). */
    readonly "branch PATCH": keyof UpdateBranchBody;
    /** `PATCH …/branches/{id}/cluster`; the update waits until the branch reports the new size. */
    readonly "cluster resize": keyof ChangeClusterSizeBody;
    /** `POST` (on) or `DELETE` (off) `…/branches/{id}/safe-migrations`, once the branch is ready. */
    readonly "safe-migrations call": never;
    /**
     * A Postgres change request `PATCH …/branches/{id}/changes`, once the branch is ready; the
     * update waits until it is completed. Compared with the parameters last applied (recorded).
     */
    readonly "parameters change": keyof BranchChangeBody;
  };
  readonly object: schemas.Branch;
  readonly fields: keyof (typeof schemas.Branch)["shape"];
}

/**
 * Every property of a Branch, declared once (see {@link PropertyTable}): it drives `diff`, the
 * create request's body, the in-place calls (`./settle`, `./update`), the outputs read from
 * PlanetScale's branch and their echo after a refresh, the outputs the `Branch` class exposes, what
 * `getBranch` reports, the README's Branch tables and the `BranchArgs` TSDoc. Adding an input
 * means a row here (the typechecker refuses one that says neither how it is sent nor, for an
 * output PlanetScale reports, where it is read from), its zod rule in `./inputs` and its field on
 * `BranchArgs` (the typechecker refuses one without the others).
 */
export const BRANCH_PROPERTIES = {
  organization: ORGANIZATION,
  database: {
    input: { change: "replace", required: true, sent: "path" },
    output: "echo",
    doc: "Database name.",
  },
  name: {
    input: { change: "update", sent: { body: "name" }, applied: { call: "rename", body: "new_name" } },
    output: "reported",
    from: "name",
    doc: "Branch name: lowercase letters, digits and hyphens (at most 63); the output is the current name.",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix",
    changeDoc: "rename in place (the branch is addressed by its public id)",
  },
  namePrefix: NAME_PREFIX,
  parentBranch: {
    input: { change: "replace", serverDefaulted: true, sent: { body: "parent_branch" } },
    output: "reported",
    from: "parent_branch",
    doc: "Branch to fork from; the output is the parent as PlanetScale reports it.",
    defaultDoc: "the database's default branch",
  },
  region: {
    input: { change: "replace", serverDefaulted: true, sent: { body: "region" } },
    output: "reported",
    from: "region",
    read: (branch) => branch.region?.slug,
    doc: "Region slug, e.g. `us-east`; the output is the region as PlanetScale reports it.",
    defaultDoc: "the database's region",
  },
  backupId: {
    input: { change: "replace", sent: { body: "backup_id" } },
    output: "echo",
    doc: "Restore this backup into the new branch; not with `seedData`.",
  },
  seedData: {
    input: { change: "replace", sent: { body: "seed_data" } },
    output: "echo",
    doc: '`"last_successful_backup"` seeds the branch with data (Data Branching; Vitess only).',
  },
  restorePoint: {
    input: { change: "replace", compare: "instant", sent: { body: "restore_point" } },
    output: "echo",
    doc: "Restore the new branch to this point in time (Postgres only): an ISO 8601 time in the past, e.g. `2026-01-01T00:00:00Z`; not with `backupId`.",
  },
  majorVersion: {
    input: { change: "replace", serverDefaulted: true, sent: { body: "major_version" } },
    output: "echo",
    doc: 'Postgres major version of the new branch, e.g. `"17"` (Postgres only).',
    defaultDoc: "the parent branch's",
  },
  parameters: {
    input: {
      change: "update",
      compare: "json",
      sent: { call: "parameters change" },
      applied: { call: "parameters change", body: "parameters" },
    },
    output: "echo",
    doc: 'Postgres cluster parameters by namespace (`pgconf`, `pgbouncer`, `patroni`), e.g. `{ pgconf: { max_connections: "200" } }` (Postgres only). A parameter removed from here keeps its value: set it to its default to reset it.',
    defaultDoc: "PlanetScale's defaults",
    changeDoc:
      "in place (a change request, once the branch is ready; waits until it completes, up to `readyTimeout`)",
  },
  clusterSize: {
    input: {
      change: "update",
      serverDefaulted: true,
      compare: "cluster size",
      sent: { body: "cluster_size" },
      applied: { call: "cluster resize", body: "cluster_size" },
    },
    output: "reported",
    from: "cluster_name",
    doc: "Cluster size (PlanetScale's `cluster_name`), e.g. `PS_10`; needed with `backupId` on most plans.",
    defaultDoc: "PlanetScale's default",
    changeDoc:
      "in place: PlanetScale resizes the same branch (`PATCH …/cluster`), its data stays; waits for the new size, up to `readyTimeout`",
  },
  deletionProtected: {
    input: {
      change: "update",
      default: false,
      sent: { body: "deletion_protected" },
      applied: { call: "branch PATCH", body: "deletion_protected" },
    },
    output: "reported",
    from: "deletion_protected",
    absent: false,
    doc: "Refuse deletion while true; a plain `true` also sets Pulumi's `protect`, so `pulumi destroy` (or a replacement) fails at its preview, before anything of the stack is deleted.",
    defaultDoc: "`false`",
  },
  safeMigrations: {
    input: {
      change: "update",
      default: false,
      sent: { call: "safe-migrations call" },
      applied: { call: "safe-migrations call" },
    },
    output: "reported",
    from: "safe_migrations",
    absent: false,
    doc: "Safe migrations (Vitess only).",
    defaultDoc: "`false`",
    changeDoc: "in place (applied once the branch is ready)",
  },
  deleteDescendants: {
    input: { change: "update", sent: "used at delete", applied: "used at delete" },
    output: "echo",
    doc: "At delete time, also delete child branches (otherwise a branch with children is refused).",
    defaultDoc: "`false`",
  },
  adopt: {
    input: { change: "update", sent: "used at create", applied: "used at create" },
    output: "state",
    doc: "Take over an existing branch of that name instead of failing (dynamic providers cannot `pulumi import`); destroying the stack then deletes it.",
    defaultDoc: "`false`",
  },
  readyTimeout: {
    input: { change: "update", sent: "no API call", applied: "no API call" },
    output: "state",
    doc: 'How long create and update wait for readiness: seconds, or `"90s"`, `"20m"`, `"2h"`.',
    defaultDoc: '`"20m"`',
  },
  branchId: {
    output: "reported",
    from: "id",
    doc: "PlanetScale's public id of the branch; stable across renames. Also the resource id.",
  },
  state: { output: "reported", from: "state", doc: "`pending`, `ready`, `sleeping`, …" },
  ready: {
    output: "reported",
    from: "ready",
    read: isReady,
    doc: "Whether the branch accepts connections and schema changes.",
  },
  production: {
    output: "reported",
    from: "production",
    absent: false,
    doc: "Whether this is a production branch.",
  },
  htmlUrl: { output: "reported", from: "html_url", doc: "The branch's page in the PlanetScale app." },
  mysqlAddress: {
    output: "reported",
    from: "mysql_address",
    doc: "MySQL host to connect to, when PlanetScale reports one.",
  },
  mysqlEdgeAddress: {
    output: "reported",
    from: "mysql_edge_address",
    doc: "MySQL edge host, when PlanetScale reports one.",
  },
  createdAt: CREATED_AT,
  updatedAt: { output: "reported", from: "updated_at", doc: "Last update time (ISO 8601)." },
} as const satisfies PropertyTable<BranchApi>;
