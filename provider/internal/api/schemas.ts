/**
 * Zod schemas of the PlanetScale responses we use. Lenient on purpose: unknown fields pass through,
 * and a field may be null or absent (`nullish`) unless the provider cannot work without it. The
 * spec calls nearly everything required, but real answers and older API versions do not carry
 * every field (planetscale-go's `DatabaseBranch` keeps a dozen), so each use of an optional field
 * says what its absence means. Required: the ids and names that address objects, `created_at`
 * (the ownership proof after a lost answer, see `ownership/judge.ts`), a branch's readiness (`state`
 * or `ready`), a token's `expires_at` (null: never expires; absent would be a guess). Each schema
 * and its type share a name.
 */
import * as z from "zod";

/** A region, as embedded in branches and databases. */
export const Region = z.looseObject({
  slug: z.string(),
  id: z.string().nullish(),
  display_name: z.string().nullish(),
  provider: z.string().nullish(),
  location: z.string().nullish(),
  enabled: z.boolean().nullish(),
});
export type Region = z.infer<typeof Region>;

/** Who did something (`actor` on branches). */
export const Actor = z.looseObject({
  id: z.string().nullish(),
  display_name: z.string().nullish(),
  avatar_url: z.string().nullish(),
});
export type Actor = z.infer<typeof Actor>;

/** A database branch (`GET /organizations/{org}/databases/{db}/branches/{branch}`). */
export const Branch = z
  .looseObject({
    id: z.string().min(1),
    name: z.string().min(1),
    /**
     * `pending` | `sleep_in_progress` | `sleeping` | `awakening` | `ready` in the spec; any string
     * is accepted, since PlanetScale may add states.
     */
    state: z.string().nullish(),
    /** Older readiness flag; at least one of `state` and `ready` is present. */
    ready: z.boolean().nullish(),
    production: z.boolean().nullish(),
    parent_branch: z.string().nullish(),
    deletion_protected: z.boolean().nullish(),
    safe_migrations: z.boolean().nullish(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    html_url: z.string().nullish(),
    region: Region.nullish(),
    mysql_address: z.string().nullish(),
    mysql_edge_address: z.string().nullish(),
    kind: z.string().nullish(),
    url: z.string().nullish(),
    deleted_at: z.string().nullish(),
    schema_ready: z.boolean().nullish(),
    cluster_name: z.string().nullish(),
    actor: Actor.nullish(),
    restored_from_branch: z.looseObject({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
  })
  .refine((b) => b.state != null || b.ready != null, {
    message: "a branch needs `state` or `ready`",
    path: ["state"],
  });
export type Branch = z.infer<typeof Branch>;

/** A database (`GET /organizations/{org}/databases/{db}`), with its settings. */
export const Database = z.looseObject({
  id: z.string(),
  name: z.string(),
  state: z.string().nullish(),
  ready: z.boolean().nullish(),
  kind: z.string().nullish(),
  default_branch: z.string().nullish(),
  html_url: z.string().nullish(),
  url: z.string().nullish(),
  region: Region.nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  development_branches_count: z.number().nullish(),
  production_branches_count: z.number().nullish(),
  branches_count: z.number().nullish(),
  at_development_branch_usage_limit: z.boolean().nullish(),
  // The settings of `update_database_settings` (the spec's database object).
  require_approval_for_deploy: z.boolean().nullish(),
  restrict_branch_region: z.boolean().nullish(),
  allow_data_branching: z.boolean().nullish(),
  foreign_keys_enabled: z.boolean().nullish(),
  automatic_migrations: z.boolean().nullish(),
  migration_framework: z.string().nullish(),
  migration_table_name: z.string().nullish(),
  insights_raw_queries: z.boolean().nullish(),
  deletion_protected: z.boolean().nullish(),
  production_branch_web_console: z.boolean().nullish(),
});
export type Database = z.infer<typeof Database>;

/** An organization (`GET /organizations/{org}`). */
export const Organization = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  plan: z.string().nullish(),
});
export type Organization = z.infer<typeof Organization>;

/** What an access applies to (a database, the organization…). */
export const AccessResource = z.looseObject({
  name: z.string(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  deleted_at: z.string().nullish(),
});
export type AccessResource = z.infer<typeof AccessResource>;

/**
 * One permission granted to a service token (`GET …/service-tokens/{id}/access` rows and
 * `service_token_accesses` items). The database name is in `resource.name` (planetscale-go shape)
 * or `resource_name` (spec shape); organization-level grants have `resource_type` "Organization"
 * or `type` "OrganizationAccess".
 */
export const ServiceTokenAccess = z.looseObject({
  id: z.string(),
  access: z.string(),
  type: z.string().nullish(),
  description: z.string().nullish(),
  resource_type: z.string().nullish(),
  resource_name: z.string().nullish(),
  resource_id: z.string().nullish(),
  resource: AccessResource.nullish(),
});
export type ServiceTokenAccess = z.infer<typeof ServiceTokenAccess>;

/**
 * A service token. `token` holds the plaintext secret in the create response only (null or absent
 * elsewhere): never log it or put it in an error.
 */
export const ServiceToken = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullable(),
  expires_at: z.string().nullable(),
  token: z.string().nullish(),
  created_at: z.string(),
  display_name: z.string().nullish(),
  updated_at: z.string().nullish(),
  last_used_at: z.string().nullish(),
  actor_id: z.string().nullish(),
  actor_display_name: z.string().nullish(),
  actor_type: z.string().nullish(),
  service_token_accesses: z.array(ServiceTokenAccess).nullish(),
});
export type ServiceToken = z.infer<typeof ServiceToken>;

/** The branch a password belongs to (`database_branch` of a password). */
export const PasswordBranch = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  production: z.boolean().nullish(),
  mysql_edge_address: z.string().nullish(),
});
export type PasswordBranch = z.infer<typeof PasswordBranch>;

/**
 * A MySQL (Vitess) branch password (`…/branches/{branch}/passwords/{id}`). `plain_text` holds the
 * secret in the create response only (null elsewhere): never log it or put it in an error. Field
 * names as in the spec and planetscale-go's `DatabaseBranchPassword` (planetscale/passwords.go).
 */
export const BranchPassword = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  role: z.string().nullish(),
  username: z.string().nullish(),
  access_host_url: z.string().nullish(),
  plain_text: z.string().nullish(),
  created_at: z.string(),
  expires_at: z.string().nullish(),
  deleted_at: z.string().nullish(),
  expired: z.boolean().nullish(),
  ttl_seconds: z.number().nullish(),
  replica: z.boolean().nullish(),
  renewable: z.boolean().nullish(),
  /** IP restrictions; null (never set) and `[]` (cleared) both mean none. */
  cidrs: z.array(z.string()).nullish(),
  direct_vtgate: z.boolean().nullish(),
  direct_vtgate_addresses: z.array(z.string()).nullish(),
  actor: Actor.nullish(),
  database_branch: PasswordBranch.nullish(),
});
export type BranchPassword = z.infer<typeof BranchPassword>;

/**
 * A Postgres role (`…/branches/{branch}/roles/{id}`). `password` holds the secret in the create
 * response only ("available only after create", says the spec).
 */
export const BranchRole = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  username: z.string().nullish(),
  access_host_url: z.string().nullish(),
  password: z.string().nullish(),
  database_name: z.string().nullish(),
  created_at: z.string(),
  expires_at: z.string().nullish(),
  deleted_at: z.string().nullish(),
  dropped_at: z.string().nullish(),
  expired: z.boolean().nullish(),
  ttl: z.number().nullish(),
  inherited_roles: z.array(z.string()).nullish(),
  with_replication: z.boolean().nullish(),
  /** pg_strict settings: `off`, `warn` or `on` each. */
  query_safety_settings: z
    .looseObject({
      require_where_on_delete: z.string().nullish(),
      require_where_on_update: z.string().nullish(),
    })
    .nullish(),
  actor: Actor.nullish(),
  branch: z.looseObject({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
});
export type BranchRole = z.infer<typeof BranchRole>;

/**
 * A Postgres branch change request (`PATCH …/branches/{branch}/changes`): a change of the cluster
 * size, replicas or parameters, `completed` once the branch has it.
 */
export const BranchChange = z.looseObject({
  id: z.string().min(1),
  /** `queued` | `pending` | `resizing` | `canceled` | `completed` in the spec. */
  state: z.string(),
  cluster_name: z.string().nullish(),
  replicas: z.number().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  created_at: z.string().nullish(),
});
export type BranchChange = z.infer<typeof BranchChange>;

/** One configuration parameter of a Postgres branch (`list_parameters` items). */
export const BranchParameter = z.looseObject({
  name: z.string(),
  namespace: z.string(),
  /** Text, or a number or boolean depending on the parameter's type (pscale's `PostgresParameter`). */
  value: z.unknown(),
  default_value: z.unknown(),
});
export type BranchParameter = z.infer<typeof BranchParameter>;
