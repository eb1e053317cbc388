import { iso } from "./ids";
import { accessDescription } from "./permissions";
import type {
  AccessRecord,
  BackupRecord,
  BranchRecord,
  DatabaseRecord,
  OrganizationRecord,
  ResizeRecord,
  TokenRecord,
  VtgateConfig,
} from "./records";
import { mysqlAddresses, regionObject } from "./regions";
import { branchState, clusterNameAt, DEFAULT_VTGATE, resizeState, type Store } from "./store";

/** Where rendered objects point their `url`/`html_url` fields. */
export interface UrlBase {
  /** The emulator's API base, e.g. `http://127.0.0.1:1234/v1`. */
  apiUrl: string;
}

const APP_URL = "https://app.planetscale.com";
/** The avatar PlanetScale shows for an actor that is a service token. */
export const TOKEN_AVATAR = "https://app.planetscale.com/images/service-token-avatar.png";

function seg(s: string): string {
  return encodeURIComponent(s);
}

/** The API's organization object. */
export function renderOrganization(o: OrganizationRecord, store: Store): Record<string, unknown> {
  return {
    id: o.id,
    name: o.name,
    billing_email: `billing@${o.name}.example`,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
    plan: "scaler_pro",
    valid_billing_info: true,
    sso: false,
    sso_directory: false,
    single_tenancy: false,
    managed_tenancy: false,
    has_past_due_invoices: false,
    database_count: store.databases(o.name).length,
    sso_portal_url: null,
    features: {},
    idp_managed_roles: false,
    invoice_budget_amount: "0.0",
    keyspace_shard_limit: 32,
    has_card: true,
    payment_info_required: false,
  };
}

/** The API's database object. */
export function renderDatabase(d: DatabaseRecord, store: Store, base: UrlBase): Record<string, unknown> {
  const branches = store.branches(d.organization, d.name);
  const production = branches.filter((b) => b.production).length;
  const development = branches.length - production;
  const url = `${base.apiUrl}/organizations/${seg(d.organization)}/databases/${seg(d.name)}`;
  return {
    id: d.id,
    url,
    branches_url: `${url}/branches`,
    branches_count: branches.length,
    open_schema_recommendations_count: 0,
    development_branches_count: development,
    production_branches_count: production,
    issues_count: 0,
    multiple_admins_required_for_deletion: false,
    ready: d.ready,
    at_backup_restore_branches_limit: false,
    at_development_branch_usage_limit: development >= 100,
    data_import: null,
    region: regionObject(d.region),
    html_url: `${APP_URL}/${seg(d.organization)}/${seg(d.name)}`,
    name: d.name,
    state: d.ready ? "ready" : "pending",
    sharded: false,
    default_branch_shard_count: 1,
    default_branch_read_only_regions_count: 0,
    default_branch_table_count: 0,
    default_branch: d.defaultBranch,
    require_approval_for_deploy: false,
    deletion_protected: false,
    resizing: false,
    resize_queued: false,
    config_changing: false,
    config_change_queued: false,
    allow_data_branching: true,
    foreign_keys_enabled: true,
    automatic_migrations: null,
    restrict_branch_region: false,
    insights_raw_queries: false,
    plan: "scaler_pro",
    insights_enabled: true,
    production_branch_web_console: false,
    migration_table_name: null,
    migration_framework: null,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    schema_last_updated_at: null,
    kind: d.kind ?? "mysql",
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
    schema_last_updated_at: ready ? iso(Math.min(b.readyAt, now)) : null,
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
    cluster_name: clusterNameAt(b, now),
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
    has_replicas: b.production,
    has_read_only_replicas: false,
    html_url: `${APP_URL}/${seg(b.organization)}/${seg(b.database)}/${seg(b.name)}`,
    url: `${base.apiUrl}/organizations/${seg(b.organization)}/databases/${seg(b.database)}/branches/${seg(b.name)}`,
    region: regionObject(b.region),
    parent_branch: b.parentBranch,
    vtgate_options: {},
  };
}

/** The API's branch resize request (VTGate sizing; `update_branch_resize_request` and friends). */
export function renderResize(r: ResizeRecord, now: number): Record<string, unknown> {
  const state = resizeState(r, now);
  const completedAt = state === "completed" ? r.completeAt : state === "canceled" ? r.canceledAt : null;
  const t = r.target;
  const p = r.previous;
  return {
    id: r.id,
    state,
    started_at: iso(r.createdAt),
    completed_at: completedAt === null ? null : iso(completedAt),
    created_at: iso(r.createdAt),
    updated_at: iso(Math.max(r.updatedAt, completedAt ?? 0)),
    vtgate_size: t.size,
    previous_vtgate_size: p.size,
    vtgate_count: t.count,
    previous_vtgate_count: p.count,
    vtgate_max_count: t.maxCount,
    previous_vtgate_max_count: p.maxCount,
    vtgate_autoscaling: t.autoscaling,
    previous_vtgate_autoscaling: p.autoscaling,
    vtgate_target_cpu_utilization: t.targetCpuUtilization,
    previous_vtgate_target_cpu_utilization: p.targetCpuUtilization,
    vtgate_name: t.size,
    vtgate_display_name: vtgateDisplayName(t.size),
    previous_vtgate_name: p.size,
    previous_vtgate_display_name: vtgateDisplayName(p.size),
    actor: r.actor
      ? { id: r.actor.id, display_name: r.actor.displayName, avatar_url: TOKEN_AVATAR }
      : { id: "", display_name: "PlanetScale", avatar_url: TOKEN_AVATAR },
  };
}

/** `VTG_10` → `VTG-10`, the dashboard's spelling (a guess: the spec gives no example). */
function vtgateDisplayName(size: string): string {
  return size.replace(/_/g, "-");
}

/** The API's backup object (`list_backups` items); seeded backups are complete and never expire. */
export function renderBackup(bk: BackupRecord, store: Store): Record<string, unknown> {
  const at = iso(bk.createdAt);
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
    state: "success",
    size: 0,
    estimated_storage_cost: 0,
    created_at: at,
    updated_at: at,
    started_at: at,
    expires_at: null,
    completed_at: at,
    deleted_at: null,
    pvc_size: 0,
    uncompressed_size: 0,
    protected: false,
    required: false,
    restored_branches: restored,
    actor: null,
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
function renderTokenAccess(a: AccessRecord, token: TokenRecord, store: Store): Record<string, unknown> {
  const r = accessResource(a, token, store);
  return {
    id: a.id,
    access: a.access,
    description: accessDescription(a.access),
    resource_name: r.name,
    resource_id: r.id,
    resource_type: r.type,
    resource: { id: r.id, name: r.name, created_at: r.createdAt, updated_at: r.createdAt, deleted_at: null },
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
  const r = accessResource(a, t, store);
  return {
    id: a.id,
    type: r.type === "Database" ? "DatabaseAccess" : "OrganizationAccess",
    access: a.access,
    description: accessDescription(a.access),
    resource: {
      id: r.id,
      type: r.type,
      name: r.name,
      url: `${base.apiUrl}${r.url}`,
      created_at: r.createdAt,
      updated_at: r.createdAt,
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
    const r = accessResource(a, t, store);
    const key = `${r.type}:${r.id}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        id: grantId(r.id),
        resource_name: r.name,
        resource_type: r.type,
        resource_id: r.id,
        accesses: [],
      };
      groups.set(key, g);
    }
    g.accesses.push({ access: a.access, description: accessDescription(a.access) });
  }
  return [...groups.values()];
}
