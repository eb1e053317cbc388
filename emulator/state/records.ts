/**
 * What the emulator keeps and persists (`--state FILE`): each record's zod schema and its type
 * under one name. The schemas validate a state file when it is loaded, so a damaged or foreign
 * file is refused with the exact problem instead of failing later in a handler. Timestamps are
 * epoch milliseconds.
 */
import { z } from "zod";
import { type AccessName, isAccessName } from "./permissions";
import { RequestLogEntry } from "./request-log";
import { TableDef } from "./tables";

const epochMs = z.number();

/** Who created something, as shown in `actor` fields. */
export const ActorRef = z.object({
  id: z.string(),
  displayName: z.string(),
  type: z.enum(["User", "ServiceToken"]),
});
/** Who created something, as shown in `actor` fields. */
export type ActorRef = z.infer<typeof ActorRef>;

/** An organization. */
export const OrganizationRecord = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
});
/** An organization. */
export type OrganizationRecord = z.infer<typeof OrganizationRecord>;

/** The two kinds of PlanetScale database (the spec's `kind` enum). */
export const DatabaseKind = z.enum(["mysql", "postgresql"]);
/** The two kinds of PlanetScale database (the spec's `kind` enum). */
export type DatabaseKind = z.infer<typeof DatabaseKind>;

/** A database of an organization. */
export const DatabaseRecord = z.object({
  id: z.string(),
  organization: z.string(),
  name: z.string(),
  region: z.string(),
  defaultBranch: z.string(),
  /** False keeps the database "pending": branches cannot be created in it. */
  ready: z.boolean(),
  /** `mysql` (Vitess) or `postgresql`; absent in state files written before Postgres existed. */
  kind: DatabaseKind.optional(),
  createdAt: epochMs,
  updatedAt: epochMs,
  /**
   * When a database created through the API becomes ready (`pending` until then, like a new
   * branch); absent for seeded databases and older state files, whose readiness is `ready` alone.
   */
  readyAt: epochMs.optional(),
  // The settings of `update_database_settings`, one plain field each (defaults for older state
  // files). Other routes read them where PlanetScale documents an effect.
  /** Deploy requests need an approval by someone other than their creator. */
  requireApprovalForDeploy: z.boolean().default(false),
  /** New branches must be in the database's region. */
  restrictBranchRegion: z.boolean().default(false),
  /** Branches may be seeded with data (`seed_data`); Vitess only. */
  allowDataBranching: z.boolean().default(true),
  /** Foreign key constraints are allowed (reported as `foreign_keys_enabled`); Vitess only. */
  allowForeignKeyConstraints: z.boolean().default(true),
  /** Migration data is copied to new branches and deploy requests; Vitess only. Null: never set. */
  automaticMigrations: z.boolean().nullable().default(null),
  /** The migration framework (e.g. `rails`); Vitess only. */
  migrationFramework: z.string().nullable().default(null),
  /** The table holding migration data; Vitess only. */
  migrationTableName: z.string().nullable().default(null),
  /** Query Insights collects full queries. */
  insightsRawQueries: z.boolean().default(false),
  /** The database refuses deletion. */
  deletionProtected: z.boolean().default(false),
  /** The web console may be used on production branches. */
  productionBranchWebConsole: z.boolean().default(false),
});
/** A database of an organization. */
export type DatabaseRecord = z.infer<typeof DatabaseRecord>;

/** A branch's VTGate settings, as `PUT …/resizes` changes them. */
export const VtgateConfig = z.object({
  size: z.string(),
  count: z.number(),
  maxCount: z.number(),
  autoscaling: z.boolean(),
  targetCpuUtilization: z.number(),
});
/** A branch's VTGate settings, as `PUT …/resizes` changes them. */
export type VtgateConfig = z.infer<typeof VtgateConfig>;

/** A database branch. Its `state`/`ready` are computed from `readyAt`. */
export const BranchRecord = z.object({
  id: z.string(),
  organization: z.string(),
  database: z.string(),
  name: z.string(),
  parentBranch: z.string().nullable(),
  production: z.boolean(),
  deletionProtected: z.boolean(),
  safeMigrations: z.boolean(),
  region: z.string(),
  clusterName: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  /** When the branch becomes ready (may be far in the future). */
  readyAt: epochMs,
  actor: ActorRef.nullable(),
  restoredFrom: z
    .object({ backupId: z.string(), branchId: z.string(), branchName: z.string(), createdAt: epochMs })
    .nullable(),
  /** VTGate settings before any resize (absent in older state files: the defaults apply). */
  vtgate: VtgateConfig.optional(),
  /**
   * A cluster-size change under way (`PATCH …/cluster`): `clusterName` is the size asked for,
   * `from` the size reported until `at`. Absent or null when none is under way.
   */
  clusterChange: z.object({ from: z.string(), at: epochMs }).nullable().optional(),
  /** Its database's kind; absent in state files written before Postgres existed (MySQL). */
  kind: DatabaseKind.optional(),
  /** Replicas asked for at creation (pscale's Postgres `replicas`); absent: the kind's default. */
  replicas: z.number().int().optional(),
  /** Its schema (Vitess): a copy of its parent's at creation, then changed by DDL and deploys. */
  tables: z.array(TableDef).default([]),
  /** When its schema last changed (absent: at creation). */
  schemaUpdatedAt: epochMs.optional(),
  /** The point in time a Postgres branch was restored to (`restore_point`), if any. */
  restorePoint: epochMs.optional(),
  /** The Postgres major version (`major_version`), as asked for or inherited. */
  majorVersion: z.string().optional(),
  /** Storage bounds asked for at creation (Postgres `storage`), in bytes. */
  storage: z.object({ minimumBytes: z.number().optional(), maximumBytes: z.number().optional() }).optional(),
});
/** A database branch. Its `state`/`ready` are computed from `readyAt`. */
export type BranchRecord = z.infer<typeof BranchRecord>;

/**
 * A branch resize request (`PUT …/resizes`). Its state is computed from timestamps, like branch
 * readiness: `resizing` until `completeAt`, then `completed`, unless it was canceled first.
 */
export const ResizeRecord = z.object({
  id: z.string(),
  organization: z.string(),
  database: z.string(),
  branchId: z.string(),
  previous: VtgateConfig,
  target: VtgateConfig,
  createdAt: epochMs,
  updatedAt: epochMs,
  completeAt: epochMs,
  canceledAt: epochMs.nullable(),
  actor: ActorRef.nullable(),
});
/** A branch resize request (`PUT …/resizes`); see the schema. */
export type ResizeRecord = z.infer<typeof ResizeRecord>;

/** Postgres parameters by namespace (`pgconf`, `pgbouncer`, `patroni`), each value as text. */
export const ParameterValues = z.record(z.string(), z.record(z.string(), z.string()));
/** Postgres parameters by namespace, each value as text. */
export type ParameterValues = z.infer<typeof ParameterValues>;

/** What a Postgres branch change request changes: the cluster size, replicas and parameters. */
export const PostgresConfig = z.object({
  clusterName: z.string(),
  replicas: z.number().int(),
  parameters: ParameterValues,
});
/** What a Postgres branch change request changes. */
export type PostgresConfig = z.infer<typeof PostgresConfig>;

/**
 * A Postgres branch change request (`PATCH …/changes`). Like a resize, its state is computed from
 * timestamps: `resizing` until `completeAt`, then `completed`, when the branch takes `target`,
 * unless it was `canceled` first.
 */
export const ChangeRecord = z.object({
  id: z.string(),
  organization: z.string(),
  database: z.string(),
  branchId: z.string(),
  previous: PostgresConfig,
  target: PostgresConfig,
  createdAt: epochMs,
  updatedAt: epochMs,
  completeAt: epochMs,
  /** When it was canceled before completing (pscale's `DELETE …/changes`); null otherwise. */
  canceledAt: epochMs.nullable().default(null),
  actor: ActorRef.nullable(),
});
/** A Postgres branch change request; see the schema. */
export type ChangeRecord = z.infer<typeof ChangeRecord>;

/** A backup a branch can be restored from (`backup_id` on create). */
export const BackupRecord = z.object({
  id: z.string(),
  organization: z.string(),
  database: z.string(),
  branchId: z.string(),
  branchName: z.string(),
  name: z.string(),
  createdAt: epochMs,
  /** When a backup made through the API completes (`running` until then); absent: complete. */
  completeAt: epochMs.optional(),
  /** When it expires (its retention); null: never. */
  expiresAt: epochMs.nullable().default(null),
  /** Protected from deletion. */
  protected: z.boolean().default(false),
  /** An immediate (Postgres) backup. */
  emergency: z.boolean().default(false),
  /** Whether its branch was a production branch when it was taken. */
  production: z.boolean().default(true),
  actor: ActorRef.nullable().default(null),
  /** When it was deleted (listed only with `all=true`); null while it exists. */
  deletedAt: epochMs.nullable().default(null),
});
/** A backup a branch can be restored from (`backup_id` on create). */
export type BackupRecord = z.infer<typeof BackupRecord>;

/** An access name the emulator knows (see `permissions.ts`). */
const accessName = z.custom<AccessName>((value) => typeof value === "string" && isAccessName(value), {
  message: "is not a known access name",
});

/** One access held by a service token: `database` null means organization level. */
export const AccessRecord = z.object({
  id: z.string(),
  access: accessName,
  database: z.string().nullable(),
  createdAt: epochMs,
});
/** One access held by a service token: `database` null means organization level. */
export type AccessRecord = z.infer<typeof AccessRecord>;

/** A service token; only a digest of its secret is kept. */
export const TokenRecord = z.object({
  id: z.string(),
  organization: z.string(),
  name: z.string().nullable(),
  secretHash: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  expiresAt: epochMs.nullable(),
  lastUsedAt: epochMs.nullable(),
  actor: ActorRef.nullable(),
  accesses: z.array(AccessRecord),
});
/** A service token; only a digest of its secret is kept. */
export type TokenRecord = z.infer<typeof TokenRecord>;

/**
 * A connection credential of a branch: a MySQL password or a Postgres role. Tied to the branch's
 * id, so it survives renames; only a digest of its secret is kept.
 */
export const CredentialRecord = z.object({
  id: z.string(),
  organization: z.string(),
  database: z.string(),
  branchId: z.string(),
  name: z.string(),
  username: z.string(),
  secretHash: z.string(),
  createdAt: epochMs,
  updatedAt: epochMs,
  /** Null: never expires. */
  expiresAt: epochMs.nullable(),
  /** The lifetime given at creation (renew extends by it); null without one. */
  ttlSeconds: z.number().nullable(),
  actor: ActorRef.nullable(),
});
/** A connection credential of a branch (a password or a role); see the schema. */
export type CredentialRecord = z.infer<typeof CredentialRecord>;

/** A MySQL branch password. Fields added after state files were first written have defaults. */
export const PasswordRecord = CredentialRecord.extend({
  role: z.enum(["reader", "writer", "admin", "readwriter"]),
  replica: z.boolean(),
  /** The IP addresses and CIDR ranges it may be used from; null: anywhere. */
  cidrs: z.array(z.string()).nullable().default(null),
  /** Connects straight to a VTGate, bypassing the load balancers. */
  directVtgate: z.boolean().default(false),
});
/** A MySQL branch password. */
export type PasswordRecord = z.infer<typeof PasswordRecord>;

/** The spec's query-safety levels of a role (`query_safety_settings`). */
export const QuerySafety = z.enum(["off", "warn", "on"]);
/** The spec's query-safety levels of a role. */
export type QuerySafety = z.infer<typeof QuerySafety>;

/** A Postgres role. Fields added after state files were first written have defaults. */
export const RoleRecord = CredentialRecord.extend({
  inheritedRoles: z.array(z.string()),
  withReplication: z.boolean().default(false),
  requireWhereOnDelete: QuerySafety.default("off"),
  requireWhereOnUpdate: QuerySafety.default("off"),
  /** The branch's default `postgres` role (never listed; reset, not deleted). */
  isDefault: z.boolean().default(false),
  /**
   * The database objects (tables) the role owns: PlanetScale refuses to drop it until they are
   * reassigned. Created through the emulator's control API, standing in for a client's `CREATE TABLE`.
   */
  ownedObjects: z.array(z.string()).default([]),
});
/** A Postgres role. */
export type RoleRecord = z.infer<typeof RoleRecord>;

/** The spec's deployment states of a deploy request. */
export const DeploymentState = z.enum([
  "pending",
  "ready",
  "no_changes",
  "queued",
  "submitting",
  "in_progress",
  "pending_cutover",
  "in_progress_vschema",
  "in_progress_cancel",
  "in_progress_cutover",
  "complete",
  "complete_cancel",
  "complete_error",
  "complete_pending_revert",
  "in_progress_revert",
  "in_progress_revert_vschema",
  "complete_revert",
  "complete_revert_error",
  "cancelled",
  "error",
]);
/** The spec's deployment states of a deploy request. */
export type DeploymentState = z.infer<typeof DeploymentState>;

/** One table's change a queued deployment runs, frozen when it was queued. */
export const DeployOperationRecord = z.object({
  id: z.string(),
  table: z.string(),
  operation: z.enum(["create", "alter", "drop"]),
  ddl: z.string(),
  canDropData: z.boolean(),
  /** The table in the target branch before (null: created) and after (null: dropped). */
  before: TableDef.nullable(),
  after: TableDef.nullable(),
});
/** One table's change a queued deployment runs. */
export type DeployOperationRecord = z.infer<typeof DeployOperationRecord>;

/** A review of a deploy request: a comment or an approval. */
export const ReviewRecord = z.object({
  id: z.string(),
  state: z.enum(["commented", "approved"]),
  body: z.string(),
  actor: ActorRef.nullable(),
  createdAt: epochMs,
});
/** A review of a deploy request. */
export type ReviewRecord = z.infer<typeof ReviewRecord>;

/**
 * A deploy request and its deployment. Its state moves on in time like a branch's readiness (see
 * `deploy-requests.ts`): each phase takes `stepMs`, the revert window `revertWindowMs`, both taken
 * from the emulator's settings when it was opened. Times are null until reached.
 */
export const DeployRequestRecord = z.object({
  id: z.string(),
  number: z.number().int(),
  organization: z.string(),
  database: z.string(),
  branchId: z.string(),
  branchName: z.string(),
  intoBranchId: z.string(),
  intoBranchName: z.string(),
  notes: z.string(),
  autoCutover: z.boolean(),
  autoDeleteBranch: z.boolean(),
  actor: ActorRef.nullable(),
  createdAt: epochMs,
  updatedAt: epochMs,
  closedAt: epochMs.nullable(),
  closedBy: ActorRef.nullable(),
  branchDeletedAt: epochMs.nullable(),
  branchDeletedBy: ActorRef.nullable(),
  stepMs: z.number(),
  revertWindowMs: z.number(),
  deploymentId: z.string(),
  state: DeploymentState,
  /** When it entered `state`. */
  stateAt: epochMs,
  /** When the check under way (`pending`) ends. */
  checkAt: epochMs,
  instantDdl: z.boolean(),
  queuedAt: epochMs.nullable(),
  startedAt: epochMs.nullable(),
  readyToCutoverAt: epochMs.nullable(),
  cutoverRequestedAt: epochMs.nullable(),
  cutoverAt: epochMs.nullable(),
  finishedAt: epochMs.nullable(),
  cancelRequestedAt: epochMs.nullable(),
  revertRequestedAt: epochMs.nullable(),
  revertUntil: epochMs.nullable(),
  deployedAt: epochMs.nullable(),
  /** The changes it deploys, frozen when queued; null before (they follow the branches until then). */
  operations: z.array(DeployOperationRecord).nullable(),
  deployErrors: z.string().nullable(),
  reviews: z.array(ReviewRecord),
  cutoverActor: ActorRef.nullable(),
  cancelledActor: ActorRef.nullable(),
});
/** A deploy request and its deployment; see the schema. */
export type DeployRequestRecord = z.infer<typeof DeployRequestRecord>;

/**
 * Everything the emulator persists: the state file. Lists added after version 1 was first written
 * (resizes, passwords, roles, deploy requests, the request log) default to empty, so older files still load.
 */
export const StoreData = z.object({
  version: z.literal(1),
  organizations: z.array(OrganizationRecord),
  databases: z.array(DatabaseRecord),
  branches: z.array(BranchRecord),
  backups: z.array(BackupRecord),
  serviceTokens: z.array(TokenRecord),
  /** Branch resize requests, oldest first. */
  resizes: z.array(ResizeRecord).default([]),
  /** Postgres branch change requests, oldest first. */
  changes: z.array(ChangeRecord).default([]),
  passwords: z.array(PasswordRecord).default([]),
  roles: z.array(RoleRecord).default([]),
  /** Deploy requests of every database, in the order they were opened. */
  deployRequests: z.array(DeployRequestRecord).default([]),
  requests: z.array(RequestLogEntry).default([]),
});
/** Everything the emulator persists: the state file. */
export type StoreData = z.infer<typeof StoreData>;
