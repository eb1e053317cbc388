import type { CreatePasswordBody } from "../api/passwords";
import type { CreateRoleBody } from "../api/roles";
import type * as schemas from "../api/schemas";
import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable, ResourceApi } from "../inputs/property-table";
import { normalizeTimestamp } from "../inputs/timestamp";

/** The PlanetScale API the BranchPassword table names (`api/passwords.ts`). */
export interface BranchPasswordApi extends ResourceApi {
  readonly createBody: keyof CreatePasswordBody;
  /** None: nothing of a password changes in place. */
  readonly calls: Record<never, never>;
  readonly object: schemas.BranchPassword;
  readonly fields: keyof (typeof schemas.BranchPassword)["shape"];
}

/** The PlanetScale API the BranchRole table names (`api/roles.ts`). */
export interface BranchRoleApi extends ResourceApi {
  readonly createBody: keyof CreateRoleBody;
  /** None: nothing of a role changes in place. */
  readonly calls: Record<never, never>;
  readonly object: schemas.BranchRole;
  readonly fields: keyof (typeof schemas.BranchRole)["shape"];
}

/** What both credential APIs have, for the rows both tables share. */
interface CredentialApi extends ResourceApi {
  readonly createBody: BranchPasswordApi["createBody"] & BranchRoleApi["createBody"];
  readonly calls: Record<never, never>;
  readonly object: schemas.BranchPassword | schemas.BranchRole;
  readonly fields: BranchPasswordApi["fields"] & BranchRoleApi["fields"];
}

/** Where every connection credential is, and its name. */
const PLACE = {
  organization: ORGANIZATION,
  database: {
    input: { change: "replace", required: true, sent: "path" },
    output: "echo",
    doc: "Database name; must be MySQL for `BranchPassword`, Postgres for `BranchRole` (checked at preview, naming the database's kind).",
  },
  branch: {
    // In the path by its id; another name of the same branch changes nothing at PlanetScale.
    input: { change: "custom", required: true, sent: "path", applied: "no API call" },
    output: "echo",
    doc: "The `Branch` resource (recommended: addressed by its public id), or a branch name or id.",
    changeDoc: "replace if it names another branch; in place for the same branch under a new name or its id",
  },
  name: {
    input: { change: "replace", sent: { body: "name" } },
    output: "reported",
    from: "name",
    doc: "The credential's name (not unique in PlanetScale).",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix, kept across updates",
  },
  namePrefix: NAME_PREFIX,
} as const satisfies PropertyTable<CredentialApi>;

/** The lifetime of every connection credential, and what PlanetScale reports of it. */
const LIFETIME_AND_OUTPUTS = {
  ttl: {
    input: { change: "replace", compare: "duration", sent: { body: "ttl", as: "seconds" } },
    output: "echo",
    doc: 'Lifetime from creation: seconds, or `"12h"`, `"30d"`.',
    defaultDoc: "never expires",
  },
  rotateBefore: {
    input: { change: "update", compare: "duration", sent: "no API call", applied: "no API call" },
    output: "echo",
    doc: "Replace the credential (new one first) once it is within this long of expiry; needs `ttl`, shorter than it.",
  },
  credentialId: {
    output: "reported",
    from: "id",
    doc: "PlanetScale's id of the credential (also the resource id).",
  },
  branchId: {
    output: "reported",
    from: { source: "the branch lookup" },
    doc: "The branch's public id (stable across renames).",
  },
  branchName: {
    output: "reported",
    from: { source: "the branch PlanetScale reports with the credential (`database_branch`, `branch`)" },
    doc: "The branch's current name (updated by refresh).",
  },
  username: { output: "reported", from: "username", doc: "The database user name." },
  host: { output: "reported", from: "access_host_url", doc: "The host to connect to." },
  password: {
    output: "reported",
    from: { source: "the create answer (PlanetScale shows it once; carried in the state)" },
    secret: true,
    doc: "The plaintext password.",
  },
  databaseUrl: {
    output: "reported",
    from: { source: "the create answer" },
    secret: true,
    doc: "A connection URL with the TLS settings PlanetScale documents (below).",
  },
  expiresAt: {
    output: "reported",
    from: "expires_at",
    read: (credential) => normalizeTimestamp(credential.expires_at),
    doc: "When it expires (ISO 8601); undefined if never.",
  },
  createdAt: { ...CREATED_AT, read: (credential) => normalizeTimestamp(credential.created_at) },
} as const satisfies PropertyTable<CredentialApi>;

/**
 * Every property of a BranchPassword (MySQL), declared once (see {@link PropertyTable}): it drives
 * `diff`, the create request's body, the outputs read from PlanetScale's password and their echo
 * after a refresh, the outputs the class exposes and keeps secret, the README's credential tables
 * and the Args TSDoc. An input also needs its zod rule in `./inputs` and its field on
 * `BranchPasswordArgs` (or, for both kinds, `BranchCredentialArgs`); the typechecker refuses one
 * without the others.
 */
export const BRANCH_PASSWORD_PROPERTIES = {
  ...PLACE,
  role: {
    input: { change: "replace", serverDefaulted: true, compare: "json", sent: { body: "role" } },
    output: "reported",
    from: "role",
    doc: "`reader`, `writer`, `readwriter` or `admin`; the output is the role PlanetScale reports.",
    defaultDoc: "PlanetScale's (`admin`)",
  },
  replica: {
    input: { change: "replace", serverDefaulted: true, compare: "json", sent: { body: "replica" } },
    output: "reported",
    from: "replica",
    absent: false,
    doc: "A password for the branch's read replicas (production branches).",
    defaultDoc: "`false`",
  },
  ...LIFETIME_AND_OUTPUTS,
} as const satisfies PropertyTable<BranchPasswordApi>;

/** Every property of a BranchRole (Postgres), declared once: see {@link BRANCH_PASSWORD_PROPERTIES}. */
export const BRANCH_ROLE_PROPERTIES = {
  ...PLACE,
  inheritedRoles: {
    input: {
      change: "replace",
      serverDefaulted: true,
      compare: "json",
      sent: { body: "inherited_roles" },
    },
    output: "reported",
    from: "inherited_roles",
    doc: "Postgres roles to inherit: `pg_read_all_data`, `pg_write_all_data`, `pg_monitor`, … (PlanetScale's list); the output is what PlanetScale reports.",
    defaultDoc: "PlanetScale's (`postgres`)",
  },
  ...LIFETIME_AND_OUTPUTS,
} as const satisfies PropertyTable<BranchRoleApi>;
