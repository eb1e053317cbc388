import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable } from "../inputs/property-table";

/**
 * Every property of a Branch, declared once (see {@link PropertyTable}): it drives `diff`, the
 * outputs and their echo after a refresh, the outputs the `Branch` class exposes, and the README's
 * Branch tables. Adding an input means a row here and its zod rule in `./inputs` (the typechecker
 * refuses one without the other).
 */
export const BRANCH_PROPERTIES = {
  organization: ORGANIZATION,
  database: {
    input: { change: "replace", required: true },
    output: "echo",
    doc: "Database name.",
  },
  name: {
    input: { change: "update" },
    output: "reported",
    doc: "Branch name: lowercase letters, digits and hyphens (at most 63); the output is the current name.",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix",
    changeDoc: "rename in place (the branch is addressed by its public id)",
  },
  namePrefix: NAME_PREFIX,
  parentBranch: {
    input: { change: "replace", serverDefaulted: true },
    output: "reported",
    doc: "Branch to fork from; the output is the parent as PlanetScale reports it.",
    defaultDoc: "the database's default branch",
  },
  region: {
    input: { change: "replace", serverDefaulted: true },
    output: "reported",
    doc: "Region slug, e.g. `us-east`; the output is the region as PlanetScale reports it.",
    defaultDoc: "the database's region",
  },
  backupId: {
    input: { change: "replace" },
    output: "echo",
    doc: "Restore this backup into the new branch; not with `seedData`.",
  },
  seedData: {
    input: { change: "replace" },
    output: "echo",
    doc: '`"last_successful_backup"` seeds the branch with data (Data Branching; Vitess only).',
  },
  clusterSize: {
    input: { change: "update", serverDefaulted: true, compare: "cluster size" },
    output: "reported",
    doc: "Cluster size (PlanetScale's `cluster_name`), e.g. `PS_10`.",
    defaultDoc: "PlanetScale's default",
    changeDoc: "in place: PlanetScale resizes the same branch (`PATCH …/cluster`); waits for the new size",
  },
  deletionProtected: {
    input: { change: "update", default: false },
    output: "reported",
    doc: "Refuse deletion while true (also blocks `pulumi destroy`).",
    defaultDoc: "`false`",
  },
  safeMigrations: {
    input: { change: "update", default: false },
    output: "reported",
    doc: "Safe migrations (Vitess only).",
    defaultDoc: "`false`",
    changeDoc: "in place (applied once the branch is ready)",
  },
  deleteDescendants: {
    input: { change: "update" },
    output: "echo",
    doc: "At delete time, also delete child branches (otherwise a branch with children is refused).",
    defaultDoc: "`false`",
    changeDoc: "in place (used at delete)",
  },
  adopt: {
    input: { change: "update" },
    output: "state",
    doc: "Take over an existing branch of that name instead of failing (dynamic providers cannot `pulumi import`).",
    defaultDoc: "`false`",
    changeDoc: "in place (used at create)",
  },
  readyTimeout: {
    input: { change: "update" },
    output: "state",
    doc: 'How long create and update wait for readiness: seconds, or `"90s"`, `"20m"`, `"2h"`.',
    defaultDoc: '`"20m"`',
    changeDoc: "in place (no API call)",
  },
  branchId: {
    output: "reported",
    doc: "PlanetScale's public id of the branch; stable across renames. Also the resource id.",
  },
  state: { output: "reported", doc: "`pending`, `ready`, `sleeping`, …" },
  ready: { output: "reported", doc: "Whether the branch accepts connections and schema changes." },
  production: { output: "reported", doc: "Whether this is a production branch." },
  htmlUrl: { output: "reported", doc: "The branch's page in the PlanetScale app." },
  mysqlAddress: { output: "reported", doc: "MySQL host to connect to, when PlanetScale reports one." },
  mysqlEdgeAddress: { output: "reported", doc: "MySQL edge host, when PlanetScale reports one." },
  createdAt: CREATED_AT,
  updatedAt: { output: "reported", doc: "Last update time (ISO 8601)." },
} as const satisfies PropertyTable;
