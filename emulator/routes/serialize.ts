import type { UrlBase } from "../http/context";
import { backupState } from "../state/backups";
import { MAX_DEVELOPMENT_BRANCHES } from "../state/branches";
import { changeState } from "../state/changes";
import { databaseState } from "../state/databases";
import { iso } from "../state/ids";
import { accessDescription } from "../state/permissions";
import type {
  AccessRecord,
  BackupRecord,
  BranchRecord,
  ChangeRecord,
  DatabaseRecord,
  OrganizationRecord,
  PostgresConfig,
  ResizeRecord,
  TokenRecord,
  VtgateConfig,
} from "../state/records";
import { mysqlAddresses, regionObject } from "../state/regions";
import { branchState, clusterNameAt, DEFAULT_VTGATE, resizeState, type Store } from "../state/store";

const APP_URL = "https://app.planetscale.com";
/** The avatar PlanetScale shows for an actor that is a service token. */
export const TOKEN_AVATAR = "https://app.planetscale.com/images/service-token-avatar.png";

function seg(s: string): string {
  return encodeURIComponent(s);
}

/** The API's organization object. */
export function renderOrganization(organization: OrganizationRecord, store: Store): Record<string, unknown> {
  return {
    id: organization.id,
    name: organization.name,
    billing_email: `billing@${organization.name}.example`,
    created_at: iso(organization.createdAt),
    updated_at: iso(organization.updatedAt),
    plan: "scaler_pro",
    valid_billing_info: true,
    sso: false,
    sso_directory: false,
    single_tenancy: false,
    managed_tenancy: false,
    has_past_due_invoices: false,
    database_count: store.databases(organization.name).length,
    sso_portal_url: null,
    features: {},
    idp_managed_roles: false,
    invoice_budget_amount: "0.0",
    keyspace_shard_limit: 32,
    has_card: true,
    payment_info_required: false,
  };
}

/** The API's database object; its state at `now` (pending until its ready delay has passed). */
export function renderDatabase(
  database: DatabaseRecord,
  store: Store,
  base: UrlBase,
  now: number,
): Record<string, unknown> {
  const state = databaseState(database, now);
  const branches = store.branches(database.organization, database.name);
  const production = branches.filter((b) => b.production).length;
  const development = branches.length - production;
  const url = `${base.apiUrl}/organizations/${seg(database.organization)}/databases/${seg(database.name)}`;
  return {
    id: database.id,
    url,
    branches_url: `${url}/branches`,
    branches_count: branches.length,
    open_schema_recommendations_count: 0,
    development_branches_count: development,
    production_branches_count: production,
    issues_count: 0,
    multiple_admins_required_for_deletion: false,
    ready: state === "ready",
    at_backup_restore_branches_limit: false,
    at_development_branch_usage_limit: development >= MAX_DEVELOPMENT_BRANCHES,
    data_import: null,
    region: regionObject(database.region),
    html_url: `${APP_URL}/${seg(database.organization)}/${seg(database.name)}`,
    name: database.name,
    state,
    sharded: false,
    default_branch_shard_count: 1,
    default_branch_read_only_regions_count: 0,
    default_branch_table_count: 0,
    default_branch: database.defaultBranch,
    require_approval_for_deploy: database.requireApprovalForDeploy,
    deletion_protected: database.deletionProtected,
    resizing: false,
    resize_queued: false,
    config_changing: false,
    config_change_queued: false,
    allow_data_branching: database.allowDataBranching,
    foreign_keys_enabled: database.allowForeignKeyConstraints,
    automatic_migrations: database.automaticMigrations,
    restrict_branch_region: database.restrictBranchRegion,
    insights_raw_queries: database.insightsRawQueries,
    plan: "scaler_pro",
    insights_enabled: true,
    production_branch_web_console: database.productionBranchWebConsole,
    migration_table_name: database.migrationTableName,
    migration_framework: database.migrationFramework,
    created_at: iso(database.createdAt),
    updated_at: iso(database.updatedAt),
    schema_last_updated_at: null,
    kind: database.kind ?? "mysql",
  };
}

/**
 * The API's branch object; `state`/`ready` are computed from `readyAt` at `now`, the cluster size
 * and VTGate settings from the changes completed by `now`.
 */
export function renderBranch(
  b: BranchRecord,
  base: UrlBase,
  now: number,
  vtgate: VtgateConfig = b.vtgate ?? DEFAULT_VTGATE,
  postgres?: PostgresConfig,
): Record<string, unknown> {
  const state = branchState(b, now);
  const ready = state === "ready";
  const updated = ready ? Math.max(b.updatedAt, Math.min(b.readyAt, now)) : b.updatedAt;
  const { address, edge } = mysqlAddresses(b.region);
  return {
    id: b.id,
    name: b.name,
    created_at: iso(b.createdAt),
    updated_at: iso(updated),
    deleted_at: null,
    restore_checklist_completed_at: null,
    schema_last_updated_at: ready ? iso(Math.max(b.schemaUpdatedAt ?? 0, Math.min(b.readyAt, now))) : null,
    kind: b.kind ?? "mysql",
    mysql_address: address,
    mysql_edge_address: edge,
    state,
    direct_vtgate: false,
    vtgate_size: vtgate.size,
    vtgate_name: vtgate.size,
    vtgate_count: vtgate.count,
    vtgate_autoscaling: vtgate.autoscaling,
    vtgate_max_count: vtgate.autoscaling ? vtgate.maxCount : null,
    vtgate_target_cpu_utilization: vtgate.autoscaling ? vtgate.targetCpuUtilization : null,
    cluster_name: postgres?.clusterName ?? clusterNameAt(b, now),
    cluster_iops: null,
    ready,
    schema_ready: ready,
    metal: false,
    production: b.production,
    safe_migrations: b.safeMigrations,
    deletion_protected: b.deletionProtected,
    sharded: false,
    shard_count: 1,
    keyspace_count: 1,
    stale_schema: false,
    actor: b.actor ? { id: b.actor.id, display_name: b.actor.displayName, avatar_url: TOKEN_AVATAR } : null,
    restored_from_branch: b.restoredFrom
      ? {
          id: b.restoredFrom.branchId,
          name: b.restoredFrom.branchName,
          created_at: iso(b.restoredFrom.createdAt),
          updated_at: iso(b.restoredFrom.createdAt),
          deleted_at: null,
        }
      : null,
    private_edge_connectivity: false,
    has_replicas: postgres ? postgres.replicas > 0 : b.replicas === undefined ? b.production : b.replicas > 0,
    has_read_only_replicas: false,
    html_url: `${APP_URL}/${seg(b.organization)}/${seg(b.database)}/${seg(b.name)}`,
    url: `${base.apiUrl}/organizations/${seg(b.organization)}/databases/${seg(b.database)}/branches/${seg(b.name)}`,
    region: regionObject(b.region),
    parent_branch: b.parentBranch,
    vtgate_options: {},
  };
}

/** The API's branch resize request (VTGate sizing; `update_branch_resize_request` and friends). */
export function renderResize(resize: ResizeRecord, now: number): Record<string, unknown> {
  const state = resizeState(resize, now);
  const completedAt =
    state === "completed" ? resize.completeAt : state === "canceled" ? resize.canceledAt : null;
  const target = resize.target;
  const previous = resize.previous;
  return {
    id: resize.id,
    state,
    started_at: iso(resize.createdAt),
    completed_at: completedAt === null ? null : iso(completedAt),
    created_at: iso(resize.createdAt),
    updated_at: iso(Math.max(resize.updatedAt, completedAt ?? 0)),
    vtgate_size: target.size,
    previous_vtgate_size: previous.size,
    vtgate_count: target.count,
    previous_vtgate_count: previous.count,
    vtgate_max_count: target.maxCount,
    previous_vtgate_max_count: previous.maxCount,
    vtgate_autoscaling: target.autoscaling,
    previous_vtgate_autoscaling: previous.autoscaling,
    vtgate_target_cpu_utilization: target.targetCpuUtilization,
    previous_vtgate_target_cpu_utilization: previous.targetCpuUtilization,
    vtgate_name: target.size,
    vtgate_display_name: vtgateDisplayName(target.size),
    previous_vtgate_name: previous.size,
    previous_vtgate_display_name: vtgateDisplayName(previous.size),
    actor: resize.actor
      ? { id: resize.actor.id, display_name: resize.actor.displayName, avatar_url: TOKEN_AVATAR }
      : { id: "", display_name: "PlanetScale", avatar_url: TOKEN_AVATAR },
  };
}

/** `VTG_10` → `VTG-10`, the dashboard's spelling (a guess: the spec gives no example). */
function vtgateDisplayName(size: string): string {
  return size.replace(/_/g, "-");
}

/**
 * The API's backup object (`list_backups` items, `get_backup`): `running` until it completes (a
 * seeded backup is complete from the start), then `success`.
 */
export function renderBackup(bk: BackupRecord, store: Store, now: number): Record<string, unknown> {
  const at = iso(bk.createdAt);
  const done = backupState(bk, now) === "success";
  const completedAt = done ? iso(bk.completeAt ?? bk.createdAt) : null;
  const restored = store.data.branches
    .filter((b) => b.restoredFrom?.backupId === bk.id)
    .map((b) => ({
      id: b.id,
      name: b.name,
      created_at: iso(b.createdAt),
      updated_at: iso(b.updatedAt),
      deleted_at: null,
    }));
  return {
    id: bk.id,
    name: bk.name,
    state: done ? "success" : "running",
    size: 0,
    estimated_storage_cost: 0,
    created_at: at,
    updated_at: completedAt ?? at,
    started_at: at,
    expires_at: bk.expiresAt === null ? null : iso(bk.expiresAt),
    completed_at: completedAt,
    deleted_at: bk.deletedAt === null ? null : iso(bk.deletedAt),
    pvc_size: 0,
    uncompressed_size: 0,
    protected: bk.protected,
    required: false,
    restored_branches: restored,
    actor: bk.actor
      ? { id: bk.actor.id, display_name: bk.actor.displayName, avatar_url: TOKEN_AVATAR }
      : null,
    backup_policy: null,
    schema_snapshot: null,
    database_branch: {
      id: bk.branchId,
      name: bk.branchName,
      created_at: at,
      updated_at: at,
      deleted_at: null,
    },
  };
}

/** An access as listed inside a service token (`service_token_accesses[]`, the spec's shape). */
function renderTokenAccess(access: AccessRecord, token: TokenRecord, store: Store): Record<string, unknown> {
  const resource = accessResource(access, token, store);
  return {
    id: access.id,
    access: access.access,
    description: accessDescription(access.access),
    resource_name: resource.name,
    resource_id: resource.id,
    resource_type: resource.type,
    resource: {
      id: resource.id,
      name: resource.name,
      created_at: resource.createdAt,
      updated_at: resource.createdAt,
      deleted_at: null,
    },
  };
}

function accessResource(
  a: AccessRecord,
  token: TokenRecord,
  store: Store,
): { id: string; name: string; type: "Database" | "Organization"; createdAt: string; url: string } {
  if (a.database !== null) {
    const db = store.database(token.organization, a.database);
    return {
      id: db?.id ?? "",
      name: a.database,
      type: "Database",
      createdAt: iso(db?.createdAt ?? a.createdAt),
      url: `/organizations/${seg(token.organization)}/databases/${seg(a.database)}`,
    };
  }
  const org = store.organization(token.organization);
  return {
    id: org?.id ?? "",
    name: token.organization,
    type: "Organization",
    createdAt: iso(org?.createdAt ?? a.createdAt),
    url: `/organizations/${seg(token.organization)}`,
  };
}

/** The API's service token object; `secret` is the plaintext, given only in the create response. */
export function renderToken(
  t: TokenRecord,
  store: Store,
  secret: string | null = null,
): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    display_name: t.name ?? t.id,
    token: secret,
    plain_text_refresh_token: null,
    avatar_url: TOKEN_AVATAR,
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    expires_at: t.expiresAt === null ? null : iso(t.expiresAt),
    last_used_at: t.lastUsedAt === null ? null : iso(t.lastUsedAt),
    actor_id: t.actor?.id ?? null,
    actor_display_name: t.actor?.displayName ?? null,
    actor_type: t.actor?.type ?? null,
    service_token_accesses: t.accesses.map((a) => renderTokenAccess(a, t, store)),
  };
}

/** An item of `GET …/service-tokens/{id}/access` (the shape planetscale-go parses). */
export function renderAccessItem(
  a: AccessRecord,
  t: TokenRecord,
  store: Store,
  base: UrlBase,
): Record<string, unknown> {
  const resource = accessResource(a, t, store);
  return {
    id: a.id,
    type: resource.type === "Database" ? "DatabaseAccess" : "OrganizationAccess",
    access: a.access,
    description: accessDescription(a.access),
    resource: {
      id: resource.id,
      type: resource.type,
      name: resource.name,
      url: `${base.apiUrl}${resource.url}`,
      created_at: resource.createdAt,
      updated_at: resource.createdAt,
    },
  };
}

/** The items of `GET …/service-tokens/{id}/grants`: accesses grouped by resource. */
export function renderGrants(
  t: TokenRecord,
  store: Store,
  grantId: (resourceId: string) => string,
): unknown[] {
  const groups = new Map<
    string,
    {
      id: string;
      resource_name: string;
      resource_type: string;
      resource_id: string;
      accesses: { access: string; description: string }[];
    }
  >();
  for (const a of t.accesses) {
    const resource = accessResource(a, t, store);
    const key = `${resource.type}:${resource.id}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        id: grantId(resource.id),
        resource_name: resource.name,
        resource_type: resource.type,
        resource_id: resource.id,
        accesses: [],
      };
      groups.set(key, group);
    }
    group.accesses.push({ access: a.access, description: accessDescription(a.access) });
  }
  return [...groups.values()];
}

/**
 * The API's Postgres branch change request (`update_branch_change_request` and friends): sizes,
 * replicas and parameters before and after; storage figures are plausible constants.
 */
export function renderChange(change: ChangeRecord, now: number): Record<string, unknown> {
  const state = changeState(change, now);
  const completed = state === "completed";
  const endedAt = completed ? change.completeAt : change.canceledAt;
  const metal = (size: string) => size.toUpperCase().startsWith("M");
  const display = (size: string) => size.replace(/_/g, "-");
  return {
    id: change.id,
    state,
    started_at: iso(change.createdAt),
    completed_at: endedAt === null ? null : iso(endedAt),
    created_at: iso(change.createdAt),
    updated_at: iso(Math.max(change.updatedAt, endedAt ?? 0)),
    actor: change.actor
      ? { id: change.actor.id, display_name: change.actor.displayName, avatar_url: TOKEN_AVATAR }
      : { id: "", display_name: "PlanetScale", avatar_url: TOKEN_AVATAR },
    cluster_name: change.target.clusterName,
    cluster_display_name: display(change.target.clusterName),
    cluster_metal: metal(change.target.clusterName),
    replicas: change.target.replicas,
    parameters: change.target.parameters,
    previous_cluster_name: change.previous.clusterName,
    previous_cluster_display_name: display(change.previous.clusterName),
    previous_cluster_metal: metal(change.previous.clusterName),
    previous_replicas: change.previous.replicas,
    previous_parameters: change.previous.parameters,
    minimum_storage_bytes: 10 * 1024 ** 3,
    maximum_storage_bytes: 100 * 1024 ** 3,
    storage_autoscaling: true,
    storage_shrinking: false,
    storage_type: "gp3",
    storage_iops: 3000,
    storage_throughput_mibs: 125,
    previous_minimum_storage_bytes: 10 * 1024 ** 3,
    previous_maximum_storage_bytes: 100 * 1024 ** 3,
    previous_storage_autoscaling: true,
    previous_storage_shrinking: false,
    previous_storage_type: "gp3",
    previous_storage_iops: 3000,
    previous_storage_throughput_mibs: 125,
  };
}
