import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable } from "../inputs/property-table";

/** Where every connection credential is, and its name. */
const PLACE = {
  organization: ORGANIZATION,
  database: {
    input: { change: "replace", required: true },
    output: "echo",
    doc: "Database name; must be MySQL for `BranchPassword`, Postgres for `BranchRole` (checked at preview, naming the database's kind).",
  },
  branch: {
    input: { change: "custom", required: true },
    output: "echo",
    doc: "The `Branch` resource (recommended: addressed by its public id), or a branch name or id.",
    changeDoc: "replace if it names another branch; in place for the same branch under a new name or its id",
  },
  name: {
    input: { change: "replace" },
    output: "reported",
    doc: "The credential's name (not unique in PlanetScale).",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix, kept across updates",
  },
  namePrefix: NAME_PREFIX,
} as const satisfies PropertyTable;

/** The lifetime of every connection credential, and what PlanetScale reports of it. */
const LIFETIME_AND_OUTPUTS = {
  ttl: {
    input: { change: "replace", compare: "duration" },
    output: "echo",
    doc: 'Lifetime from creation: seconds, or `"12h"`, `"30d"`.',
    defaultDoc: "never expires",
  },
  rotateBefore: {
    input: { change: "update", compare: "duration" },
    output: "echo",
    doc: "Replace the credential (new one first) once it is within this long of expiry; needs `ttl`, shorter than it.",
    changeDoc: "in place (no API call)",
  },
  credentialId: { output: "reported", doc: "PlanetScale's id of the credential (also the resource id)." },
  branchId: { output: "reported", doc: "The branch's public id (stable across renames)." },
  branchName: { output: "reported", doc: "The branch's current name (updated by refresh)." },
  username: { output: "reported", doc: "The database user name." },
  host: { output: "reported", doc: "The host to connect to." },
  password: { output: "reported", secret: true, doc: "The plaintext password." },
  databaseUrl: {
    output: "reported",
    secret: true,
    doc: "A connection URL with the TLS settings PlanetScale documents (below).",
  },
  expiresAt: { output: "reported", doc: "When it expires (ISO 8601); undefined if never." },
  createdAt: CREATED_AT,
} as const satisfies PropertyTable;

/**
 * Every property of a BranchPassword (MySQL), declared once (see {@link PropertyTable}): it drives
 * `diff`, the outputs and their echo after a refresh, the outputs the class exposes and keeps
 * secret, and the README's credential tables. An input also needs its zod rule in `./inputs`.
 */
export const BRANCH_PASSWORD_PROPERTIES = {
  ...PLACE,
  role: {
    input: { change: "replace", serverDefaulted: true, compare: "json" },
    output: "reported",
    doc: "`reader`, `writer`, `readwriter` or `admin`; the output is the role PlanetScale reports.",
    defaultDoc: "PlanetScale's (`admin`)",
  },
  replica: {
    input: { change: "replace", serverDefaulted: true, compare: "json" },
    output: "reported",
    doc: "A password for the branch's read replicas (production branches).",
    defaultDoc: "`false`",
  },
  ...LIFETIME_AND_OUTPUTS,
} as const satisfies PropertyTable;

/** Every property of a BranchRole (Postgres), declared once: see {@link BRANCH_PASSWORD_PROPERTIES}. */
export const BRANCH_ROLE_PROPERTIES = {
  ...PLACE,
  inheritedRoles: {
    input: { change: "replace", serverDefaulted: true, compare: "json" },
    output: "reported",
    doc: "Postgres roles to inherit: `pg_read_all_data`, `pg_write_all_data`, `pg_monitor`, … (PlanetScale's list); the output is what PlanetScale reports.",
    defaultDoc: "PlanetScale's (`postgres`)",
  },
  ...LIFETIME_AND_OUTPUTS,
} as const satisfies PropertyTable;
