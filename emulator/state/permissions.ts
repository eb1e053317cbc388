/**
 * Service-token access names and which of them each operation needs.
 * Sources: PlanetScale's service-token docs (names) and the OpenAPI spec's per-operation
 * "Authorization" blocks (any one of the listed accesses is enough).
 */

/** Accesses that only make sense at organization level. */
export const ORGANIZATION_ACCESSES = {
  read_organization: "Read organization",
  read_invoices: "Read invoices",
  read_audit_logs: "Read audit logs",
  read_databases: "Read databases",
  create_databases: "Create databases",
  delete_databases: "Delete databases",
  read_oauth_applications: "Read OAuth applications",
  read_oauth_tokens: "Read OAuth tokens",
  write_oauth_tokens: "Write OAuth tokens",
  delete_oauth_tokens: "Delete OAuth tokens",
  read_service_tokens: "Read service tokens",
  write_service_tokens: "Create and edit service tokens",
  delete_service_tokens: "Delete service tokens",
  write_teams: "Create and edit teams",
  write_organization: "Manage organization members",
  read_metrics_endpoints: "Read metrics endpoints",
} as const satisfies Record<string, string>;

/** Accesses that can be granted on one database, or at organization level for every database. */
export const DATABASE_ACCESSES = {
  read_database: "Read database",
  write_database: "Write database",
  delete_database: "Delete database",
  create_branch: "Create database branches",
  read_branch: "Read database branches",
  delete_branch: "Delete database branches",
  delete_production_branch: "Delete production database branches",
  promote_branches: "Promote database branches",
  demote_branches: "Demote database branches",
  connect_branch: "Connect to database branches",
  connect_production_branch: "Connect to production database branches",
  connect_production_read_only_branch: "Connect to production read-only database branches",
  create_branch_password: "Create database branch passwords and roles",
  create_production_branch_password: "Create production database branch passwords and roles",
  create_production_read_only_branch_password:
    "Create production read-only database branch passwords and roles",
  delete_branch_password: "Delete database branch passwords",
  delete_production_branch_password: "Delete production database branch passwords",
  delete_production_read_only_branch_password: "Delete production read-only database branch passwords",
  create_deploy_request: "Create deploy requests",
  read_deploy_request: "Read deploy requests",
  approve_deploy_request: "Approve deploy requests",
  review_deploy_request: "Review deploy requests",
  create_comment: "Create deploy request comments",
  read_comment: "Read deploy request comments",
  read_backups: "Read backups",
  write_backups: "Create backups",
  delete_backups: "Delete backups",
  delete_production_branch_backups: "Delete production branch backups",
  restore_backup: "Restore backups",
  restore_production_branch_backup: "Restore production branch backups",
  write_branch_vschema: "Write branch VSchema",
  write_production_branch_vschema: "Write production branch VSchema",
} as const satisfies Record<string, string>;

/** An organization-level access name. */
export type OrganizationAccess = keyof typeof ORGANIZATION_ACCESSES;
/** A database-level access name. */
export type DatabaseAccess = keyof typeof DATABASE_ACCESSES;
/** Any access name the emulator knows. */
export type AccessName = OrganizationAccess | DatabaseAccess;

/** True when `name` is a known access. */
export function isAccessName(name: string): name is AccessName {
  return Object.hasOwn(ORGANIZATION_ACCESSES, name) || Object.hasOwn(DATABASE_ACCESSES, name);
}

/** True when `name` may be granted on a single database. */
export function isDatabaseAccess(name: string): name is DatabaseAccess {
  return Object.hasOwn(DATABASE_ACCESSES, name);
}

/** The human description PlanetScale shows next to an access. */
export function accessDescription(name: AccessName): string {
  return isDatabaseAccess(name) ? DATABASE_ACCESSES[name] : ORGANIZATION_ACCESSES[name as OrganizationAccess];
}

/** The accesses that create Postgres roles; the spec names them on the role operations only. */
const CREATE_PASSWORD: readonly DatabaseAccess[] = [
  "create_production_branch_password",
  "create_production_read_only_branch_password",
  "create_branch_password",
];

/**
 * What the spec lists for `list_databases` / `get_database`: every database access but role
 * creation and `review_deploy_request` (which the spec names on `review_deploy_request` only).
 */
const ANY_DATABASE_ACCESS = (Object.keys(DATABASE_ACCESSES) as DatabaseAccess[]).filter(
  (a) => !CREATE_PASSWORD.includes(a) && a !== "review_deploy_request",
);

const READ_BRANCH: readonly AccessName[] = [
  "read_branch",
  "delete_branch",
  "create_branch",
  "connect_production_branch",
  "connect_branch",
];

const CONNECT_BRANCH: readonly AccessName[] = [
  "connect_production_branch",
  "connect_production_read_only_branch",
  "connect_branch",
];
const DELETE_PASSWORD: readonly AccessName[] = [
  "delete_production_branch_password",
  "delete_production_read_only_branch_password",
  "delete_branch_password",
];

/**
 * Accesses (any one of) each emulated operation needs, keyed by the spec's operationId (and
 * emulator names for the undocumented token-grant endpoints). `"any-credential"` means every valid
 * credential of the organization may call it.
 */
export const OPERATION_ACCESSES: Record<string, readonly AccessName[] | "any-credential"> = {
  list_organizations: "any-credential",
  get_organization: "any-credential",
  list_databases: ANY_DATABASE_ACCESS,
  get_database: ANY_DATABASE_ACCESS,
  list_branches: READ_BRANCH,
  get_branch: READ_BRANCH,
  create_branch: ["create_branch", "restore_production_branch_backup", "restore_backup"],
  update_branch: ["write_database"],
  delete_branch: ["delete_branch"],
  promote_branch: ["connect_production_branch", "promote_branches"],
  demote_branch: ["connect_production_branch", "demote_branches"],
  // Not documented in the spec: the emulator asks for what PATCH needs.
  enable_safe_migrations: ["write_database"],
  disable_safe_migrations: ["write_database"],
  update_safe_migrations: ["write_database"],
  list_branch_resize_requests: READ_BRANCH,
  get_branch_resize_request: READ_BRANCH,
  update_branch_resize_request: ["write_database"],
  cancel_branch_change_request: ["write_database"],
  update_branch_cluster_config: ["write_database"],
  update_branch_change_request: ["write_database"],
  list_branch_change_requests: READ_BRANCH,
  get_branch_change_request: READ_BRANCH,
  list_parameters: READ_BRANCH,
  // Catalogue: regions and cluster sizes are readable by any credential of the organization,
  // like the organization itself (the spec names read_organization).
  list_public_regions: "any-credential",
  list_regions_for_organization: "any-credential",
  list_cluster_size_skus: "any-credential",
  list_database_regions: ANY_DATABASE_ACCESS,
  list_backups: ["read_backups"],
  create_database: ["create_databases"],
  update_database_settings: ["write_database"],
  delete_database: ["delete_database"],
  list_read_only_regions: ANY_DATABASE_ACCESS,
  create_backup: ["write_backups"],
  get_backup: ["read_backups"],
  update_backup: ["write_backups"],
  delete_backup: ["delete_backups", "delete_production_branch_backups"],
  // Passwords (MySQL) and roles (Postgres): the spec's per-operation blocks.
  list_passwords: [...READ_BRANCH, "connect_production_read_only_branch"],
  get_password: [...READ_BRANCH, "connect_production_read_only_branch"],
  create_password: CONNECT_BRANCH,
  update_password: CONNECT_BRANCH,
  renew_password: CONNECT_BRANCH,
  delete_password: DELETE_PASSWORD,
  list_roles: [...READ_BRANCH, "connect_production_read_only_branch"],
  get_role: [...READ_BRANCH, "connect_production_read_only_branch"],
  get_default_role: [...READ_BRANCH, "connect_production_read_only_branch"],
  create_role: CREATE_PASSWORD,
  update_role: CREATE_PASSWORD,
  renew_role: CREATE_PASSWORD,
  delete_role: DELETE_PASSWORD,
  reset_role: DELETE_PASSWORD,
  reset_default_role: DELETE_PASSWORD,
  reassign_role_objects: DELETE_PASSWORD,
  // Schemas and deploy requests: the spec's per-operation blocks.
  get_branch_schema: READ_BRANCH,
  lint_branch_schema: READ_BRANCH,
  list_deploy_requests: ["read_deploy_request"],
  create_deploy_request: ["create_deploy_request"],
  get_deploy_request: ["read_deploy_request"],
  close_deploy_request: ["create_deploy_request"],
  queue_deploy_request: ["create_deploy_request"],
  cancel_deploy_request: ["create_deploy_request"],
  complete_gated_deploy_request: ["create_deploy_request"],
  update_auto_apply: ["create_deploy_request"],
  update_auto_delete_branch: ["create_deploy_request"],
  complete_revert: ["create_deploy_request"],
  skip_revert_period: ["create_deploy_request"],
  get_deployment: ["read_deploy_request"],
  list_deploy_operations: ["read_deploy_request"],
  list_deploy_request_reviews: ["read_deploy_request"],
  review_deploy_request: ["approve_deploy_request", "review_deploy_request"],
  list_service_tokens: ["read_service_tokens"],
  create_service_token: ["write_service_tokens"],
  get_service_token: ["read_service_tokens"],
  delete_service_token: ["delete_service_tokens"],
  // Undocumented endpoints used by pscale / planetscale-go.
  get_service_token_accesses: ["read_service_tokens"],
  add_service_token_accesses: ["write_service_tokens"],
  delete_service_token_accesses: ["write_service_tokens", "delete_service_tokens"],
  list_service_token_grants: ["read_service_tokens"],
  // Undocumented endpoints pscale calls (`branch diff`, `deploy-request diff`): what reading their
  // subject needs.
  get_branch_diff: READ_BRANCH,
  get_deploy_request_diff: ["read_deploy_request"],
};

/** The accesses (any one of) the spec lists for `operationId`; none for an operation any credential may call. */
export function accessesFor(operationId: string): readonly AccessName[] {
  const listed = OPERATION_ACCESSES[operationId];
  return Array.isArray(listed) ? listed : [];
}
