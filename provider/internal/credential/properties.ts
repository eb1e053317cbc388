import type { CreatePasswordBody, UpdatePasswordBody } from "../api/passwords";
import type { CreateRoleBody, UpdateRoleBody } from "../api/roles";
import type * as schemas from "../api/schemas";
import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable, ResourceApi } from "../inputs/property-table";
import { normalizeTimestamp } from "../inputs/timestamp";

/** The PlanetScale API the BranchPassword table names (`api/passwords.ts`). */
export interface BranchPasswordApi extends ResourceApi {
  readonly createBody: keyof CreatePasswordBody;
  readonly calls: {
    /** `PATCH …/passwords/{id}` (`update_password`): a rename, new `cidrs`; same id, same secret. */
    readonly update: keyof UpdatePasswordBody;
  };
  readonly object: schemas.BranchPassword;
  readonly fields: keyof (typeof schemas.BranchPassword)["shape"];
}

/** The PlanetScale API the BranchRole table names (`api/roles.ts`). */
export interface BranchRoleApi extends ResourceApi {
  readonly createBody: keyof CreateRoleBody;
  readonly calls: {
    /** `PATCH …/roles/{id}` (`update_role`): a rename, new query safety; same id, same secret. */
    readonly update: keyof UpdateRoleBody;
  };
  readonly object: schemas.BranchRole;
  readonly fields: keyof (typeof schemas.BranchRole)["shape"];
}

/** What both credential APIs have, for the rows both tables share. */
interface CredentialApi extends ResourceApi {
  readonly createBody: BranchPasswordApi["createBody"] & BranchRoleApi["createBody"];
  readonly calls: {
    readonly update: BranchPasswordApi["calls"]["update"] & BranchRoleApi["calls"]["update"];
  };
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
    input: { change: "update", sent: { body: "name" }, applied: { call: "update", body: "name" } },
    output: "reported",
    from: "name",
    doc: "The credential's name (not unique in PlanetScale).",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix, kept across updates",
    changeDoc: "renamed in place: same id, user name and password",
  },
  namePrefix: NAME_PREFIX,
} as const satisfies PropertyTable<CredentialApi>;

/** The lifetime of every connection credential. */
const LIFETIME = {
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
} as const satisfies PropertyTable<CredentialApi>;

/** How every connection credential is reached: its id, its branch, its user, its secret. */
const CONNECTION = {
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
} as const satisfies PropertyTable<CredentialApi>;

/** When every connection credential expires and was made. */
const TIMES = {
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
  cidrs: {
    input: {
      change: "update",
      compare: "set",
      default: [],
      sent: { body: "cidrs" },
      applied: { call: "update", body: "cidrs" },
    },
    output: "reported",
    from: "cidrs",
    // PlanetScale answers null until they are set, `[]` once cleared: both mean any address.
    read: (password) => password.cidrs ?? [],
    doc: 'The IP addresses or CIDR ranges (IPv4 or IPv6) that may connect with it, e.g. `["203.0.113.0/24"]`; `[]` lets any address connect.',
    defaultDoc: "any address (removing it lifts the restriction)",
    changeDoc: "in place: same id, user name and password",
  },
  directVtgate: {
    input: { change: "replace", default: false, sent: { body: "direct_vtgate" } },
    output: "reported",
    from: "direct_vtgate",
    absent: false,
    doc: "Connect straight to a VTGate in each availability zone, bypassing PlanetScale's load balancers (the hosts are in `directVtgateAddresses`).",
    defaultDoc: "`false`",
  },
  ...LIFETIME,
  ...CONNECTION,
  directVtgateAddresses: {
    output: "reported",
    from: "direct_vtgate_addresses",
    read: (password) => password.direct_vtgate_addresses ?? [],
    doc: "With `directVtgate`, the hosts to connect to, one per availability zone (else empty).",
  },
  ...TIMES,
} as const satisfies PropertyTable<BranchPasswordApi>;

/** How a role's query-safety setting (pg_strict) is an input, sent at create and changed in place. */
function querySafety(field: "require_where_on_delete" | "require_where_on_update", statement: string) {
  const article = statement === "UPDATE" ? "an" : "a";
  return {
    input: {
      change: "update",
      serverDefaulted: true,
      sent: { body: field },
      applied: { call: "update", body: field },
    },
    output: "reported",
    from: "query_safety_settings",
    read: (role: schemas.BranchRole) => role.query_safety_settings?.[field],
    doc: `What pg_strict does with ${article} ${statement} statement without a WHERE clause on this role's connections: \`off\`, \`warn\` or \`on\` (refuse it); it applies where the database has pg_strict enabled.`,
    defaultDoc: "PlanetScale's (`off`)",
  } as const;
}

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
  withReplication: {
    input: { change: "replace", default: false, sent: { body: "with_replication" } },
    output: "reported",
    from: "with_replication",
    absent: false,
    doc: "Give the role Postgres's REPLICATION attribute (to stream changes, e.g. to a change-data-capture tool).",
    defaultDoc: "`false`",
  },
  requireWhereOnDelete: querySafety("require_where_on_delete", "DELETE"),
  requireWhereOnUpdate: querySafety("require_where_on_update", "UPDATE"),
  successor: {
    input: { change: "update", sent: "used at delete", applied: "used at delete" },
    output: "echo",
    doc: "The role of the same branch that takes over what this one owns (tables its connections created) when it is deleted: a role's id, or its user name with or without the branch id suffix. PlanetScale refuses to delete a role that owns objects without one.",
    defaultDoc: "`postgres`, the branch's default role",
  },
  reassignTo: {
    input: { change: "update", sent: "used at delete", applied: "used at delete" },
    output: "echo",
    doc: "Before the delete, give what the role owns to this role in a call of its own (`POST …/roles/{id}/reassign`, as `pscale role reassign`): a role's id or user name, as `successor`.",
    defaultDoc: "no separate reassign: `successor` takes the objects",
  },
  ...LIFETIME,
  ...CONNECTION,
  pooledDatabaseUrl: {
    output: "reported",
    from: { source: "the create answer" },
    secret: true,
    doc: "The same connection through PlanetScale's PgBouncer (port 6432), for the app's many short transactions; `databaseUrl` (port 5432) for migrations and long sessions.",
  },
  ...TIMES,
} as const satisfies PropertyTable<BranchRoleApi>;
