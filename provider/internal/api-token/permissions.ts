/**
 * PlanetScale service-token access names and the scope presets built from them.
 * Names: every access the OpenAPI spec's per-operation "Authorization" blocks name (its "Service
 * Token Accesses" lines), plus `read_metrics_endpoints` from PlanetScale's service-token docs.
 */

/** Accesses that exist only at organization level. */
export const ORGANIZATION_PERMISSIONS = [
  "read_organization",
  "read_invoices",
  "read_audit_logs",
  "read_databases",
  "create_databases",
  "delete_databases",
  "read_oauth_applications",
  "read_oauth_tokens",
  "write_oauth_tokens",
  "delete_oauth_tokens",
  "read_service_tokens",
  "write_service_tokens",
  "delete_service_tokens",
  "write_teams",
  // Members' roles and removal (`update_organization_membership`, `remove_organization_member`).
  "write_organization",
  "read_metrics_endpoints",
] as const;

/** Accesses granted on one database, or at organization level (then they cover every database). */
export const DATABASE_PERMISSIONS = [
  "read_database",
  "write_database",
  "delete_database",
  "create_branch",
  "read_branch",
  "delete_branch",
  "delete_production_branch",
  "connect_branch",
  "connect_production_branch",
  // Passwords of a production branch's read-only regions (`create_password`, `list_passwords`…).
  "connect_production_read_only_branch",
  // Postgres roles: `create_role`, `update_role` and `renew_role` take these, not `connect_*`.
  "create_branch_password",
  "create_production_branch_password",
  "create_production_read_only_branch_password",
  "delete_branch_password",
  "delete_production_branch_password",
  "delete_production_read_only_branch_password",
  "create_deploy_request",
  "read_deploy_request",
  "approve_deploy_request",
  // Reviewing a deploy request by commenting (`review_deploy_request` with `state: "commented"`).
  "review_deploy_request",
  "create_comment",
  "read_comment",
  "read_backups",
  "write_backups",
  "delete_backups",
  "delete_production_branch_backups",
  "restore_backup",
  "restore_production_branch_backup",
  "write_branch_vschema",
  "write_production_branch_vschema",
  "promote_branches",
  "demote_branches",
] as const;

/** An organization-level access name. */
export type OrganizationPermission = (typeof ORGANIZATION_PERMISSIONS)[number];
/** A database-level access name. */
export type DatabasePermission = (typeof DATABASE_PERMISSIONS)[number];
/** Any access name this package knows. */
export type Permission = OrganizationPermission | DatabasePermission;

/** The scope presets, from narrowest to widest. */
export const SCOPES = ["read_only", "schema_changes", "database_access", "admin"] as const;
/** A scope preset name. */
export type Scope = (typeof SCOPES)[number];

/** What a preset grants: an organization part and a database part. */
export interface PermissionSet {
  organization: readonly OrganizationPermission[];
  database: readonly DatabasePermission[];
}

const READ_ONLY: PermissionSet = {
  organization: ["read_organization", "read_databases"],
  database: ["read_database", "read_branch", "read_deploy_request", "read_comment", "read_backups"],
};

// Creates and alters schemas on development branches; no delete_* and no production access.
// A credential of a development branch: a MySQL password (`connect_branch`) or, since the spec
// gives Postgres roles their own access, a role (`create_branch_password`).
const SCHEMA_CHANGES: PermissionSet = {
  organization: READ_ONLY.organization,
  database: [
    ...READ_ONLY.database,
    "create_branch",
    "connect_branch",
    "create_branch_password",
    "create_deploy_request",
    "create_comment",
    "write_branch_vschema",
  ],
};

// Production credentials of either kind, and deleting what it can create (a production password
// or role it made would otherwise outlive `pulumi destroy`).
const DATABASE_ACCESS: PermissionSet = {
  organization: SCHEMA_CHANGES.organization,
  database: unique([
    ...SCHEMA_CHANGES.database,
    "connect_production_branch",
    "create_production_branch_password",
    "delete_branch",
    "delete_branch_password",
    "delete_production_branch_password",
    "approve_deploy_request",
    "read_backups",
    "write_backups",
    "restore_backup",
    "write_database",
  ]),
};

const ADMIN: PermissionSet = { organization: ORGANIZATION_PERMISSIONS, database: DATABASE_PERMISSIONS };

/** The preset table (documented in the README). */
export const SCOPE_PRESETS: Readonly<Record<Scope, PermissionSet>> = {
  read_only: READ_ONLY,
  schema_changes: SCHEMA_CHANGES,
  database_access: DATABASE_ACCESS,
  admin: ADMIN,
};

const ORGANIZATION_SET: ReadonlySet<string> = new Set(ORGANIZATION_PERMISSIONS);
const DATABASE_SET: ReadonlySet<string> = new Set(DATABASE_PERMISSIONS);
const SCOPE_SET: ReadonlySet<string> = new Set(SCOPES);

/** True for a known organization-level access. */
export function isOrganizationPermission(name: string): name is OrganizationPermission {
  return ORGANIZATION_SET.has(name);
}

/** True for a known database-level access. */
export function isDatabasePermission(name: string): name is DatabasePermission {
  return DATABASE_SET.has(name);
}

/** True for any known access. */
export function isPermission(name: string): name is Permission {
  return isOrganizationPermission(name) || isDatabasePermission(name);
}

/** True for a scope preset name. */
export function isScope(name: string): name is Scope {
  return SCOPE_SET.has(name);
}

/**
 * The union of the presets and the explicit permissions, split into organization and database
 * parts, each sorted. Unknown names are ignored (check refuses them first).
 */
export function expandPermissions(
  scopes: readonly string[] = [],
  permissions: readonly string[] = [],
): { organization: string[]; database: string[] } {
  const organization = new Set<string>();
  const database = new Set<string>();
  for (const scope of scopes) {
    if (!isScope(scope)) continue;
    for (const p of SCOPE_PRESETS[scope].organization) organization.add(p);
    for (const p of SCOPE_PRESETS[scope].database) database.add(p);
  }
  for (const p of permissions) {
    if (isOrganizationPermission(p)) organization.add(p);
    else if (isDatabasePermission(p)) database.add(p);
  }
  return { organization: [...organization].sort(), database: [...database].sort() };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
