import { z } from "zod";
import { actorOf, holds } from "../http/auth";
import {
  blankAsAbsent,
  boolParam,
  paginate,
  parseBody,
  type RequestContext,
  type Route,
  requireAccess,
  requireDatabase,
  requireOrganization,
} from "../http/context";
import { badRequest, notFound, unprocessable } from "../http/errors";
import { backupState } from "../state/backups";
import { MAX_DEVELOPMENT_BRANCHES } from "../state/branches";
import { postgresConfigAt } from "../state/changes";
import { databaseState, kindOf, removeDatabase } from "../state/databases";
import { branchDeleted } from "../state/deploy-requests";
import { BRANCH_NAME_RULE, isValidBranchName } from "../state/names";
import { type AccessName, accessesFor } from "../state/permissions";
import type { BranchRecord, DatabaseRecord } from "../state/records";
import { DEFAULT_REGION } from "../state/regions";
import { branchState } from "../state/store";
import {
  checkClusterSize,
  checkDatabaseName,
  checkMajorVersion,
  checkRegion,
  refuseProtectedDatabase,
  requireBranch,
  requireReady,
} from "./checks";
import { newBranch, newDatabase } from "./create";
import { renderBranch } from "./serialize";

function listUrl(ctx: RequestContext, db: DatabaseRecord): string {
  return `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches`;
}

/** The branch as the API shows it now (a Postgres branch with its completed change requests). */
function render(ctx: RequestContext, branch: BranchRecord): Record<string, unknown> {
  const postgres =
    branch.kind === "postgresql" ? postgresConfigAt(ctx.store.data, branch, ctx.now) : undefined;
  return renderBranch(branch, ctx.base, ctx.now, ctx.store.vtgateAt(branch, ctx.now), postgres);
}

function ok(ctx: RequestContext, branch: BranchRecord, status = 200) {
  return { status, body: render(ctx, branch) };
}

function checkName(name: string): void {
  if (!isValidBranchName(name)) throw unprocessable(`Name ${BRANCH_NAME_RULE}`);
}

function checkUnique(ctx: RequestContext, db: DatabaseRecord, name: string, except?: BranchRecord): void {
  const clash = ctx.store.branches(db.organization, db.name).find((b) => b.name === name && b !== except);
  if (clash)
    throw unprocessable(`Name has already been taken: a branch named "${name}" exists in ${db.name}`);
}

/** `GET …/branches` with `q`, `production`, `safe_migrations`, `order`, `page`, `per_page`. */
function listBranches(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("list_branches"));
  const nameContains = (ctx.query.get("q") ?? "").toLowerCase();
  const production = boolParam(ctx.query, "production");
  const safe = boolParam(ctx.query, "safe_migrations");
  const order = ctx.query.get("order") ?? "asc";
  if (order !== "asc" && order !== "desc") throw badRequest("Query parameter order must be asc or desc");
  let items = ctx.store
    .branches(db.organization, db.name)
    .filter((b) => nameContains === "" || b.name.toLowerCase().includes(nameContains))
    .filter((b) => production === undefined || b.production === production)
    .filter((b) => safe === undefined || b.safeMigrations === safe);
  if (order === "desc") items = [...items].reverse();
  return {
    status: 200,
    body: paginate(
      ctx,
      items.map((b) => render(ctx, b)),
      listUrl(ctx, db),
    ),
  };
}

/** `GET …/branches/{branch}`: by name or public id. */
function getBranch(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("get_branch"));
  return ok(ctx, requireBranch(ctx, db));
}

const createBody = z.strictObject({
  name: z.string(),
  // planetscale-go sends `"parent_branch": ""` when the user named no parent (see blankAsAbsent).
  parent_branch: blankAsAbsent(z.string()),
  backup_id: z.string().optional(),
  region: z.string().optional(),
  restore_point: z.string().optional(),
  seed_data: z.enum(["last_successful_backup"]).optional(),
  cluster_size: z.string().optional(),
  // pscale's Postgres `branch create` sends the size as `cluster_name`, and `replicas` for a
  // restore (CreatePostgresBranchRequest in planetscale/cli internal/planetscale/postgres_branches.go).
  cluster_name: z.string().optional(),
  replicas: z.number().int().min(0).optional(),
  keyspace_cluster_sizes: z.array(z.unknown()).optional(),
  storage: z
    .strictObject({
      minimum_storage_bytes: z.number().int().optional(),
      maximum_storage_bytes: z.number().int().optional(),
    })
    .optional(),
  major_version: z.string().optional(),
  deletion_protected: z.boolean().optional(),
  // Not in the spec's create body, but reported sent on create by the official Terraform provider
  // (this project's issue 12: its acceptance tests create branches with safe_migrations = true);
  // the branch starts with safe migrations in that state.
  safe_migrations: z.boolean().optional(),
  create_database_if_missing: z.boolean().optional(),
  kind: z.enum(["mysql", "postgresql"]).optional(),
});

const RESTORE: readonly AccessName[] = ["restore_backup", "restore_production_branch_backup"];

/**
 * `POST …/branches`: 201 with the branch `pending` until `readyDelayMs` has passed.
 * Every check runs before anything changes, so a refused request leaves no trace.
 */
function createBranch(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  const dbName = ctx.params["database"] ?? "";
  const existing = ctx.store.database(org.name, dbName);
  // PlanetScale authorizes before it reads the body: a caller without access learns nothing.
  if (existing) requireAccess(ctx, accessesFor("create_branch"), existing.name);
  const body = parseBody(ctx, createBody);
  const restoring = body.backup_id !== undefined || body.seed_data !== undefined;

  if (!existing) {
    return createBranchAndDatabase(ctx, org.name, dbName, body);
  }
  const db = existing;
  const kind = kindOf(db);
  if (body.kind !== undefined && body.kind !== kind) {
    throw unprocessable(`Kind "${body.kind}" does not match the database kind "${kind}"`);
  }
  if (restoring) requireAccess(ctx, RESTORE, db.name);
  else requireAccess(ctx, ["create_branch"], db.name);
  if (databaseState(db, ctx.now) !== "ready") {
    throw badRequest("Database is still initializing and cannot create branches");
  }
  if (kind === "mysql") rejectPostgresOnly(body);
  else rejectVitessOnly(body);
  if (body.seed_data !== undefined && !db.allowDataBranching) {
    throw unprocessable(
      `Data Branching is not enabled for database ${db.name}: enable allow_data_branching in its settings to seed branches with data`,
    );
  }
  checkName(body.name);
  checkUnique(ctx, db, body.name);
  const restorePoint = checkRestorePoint(ctx, db, body);
  const majorVersion = checkMajorVersion(body.major_version);

  const parentKey = body.parent_branch ?? db.defaultBranch;
  const parent = ctx.store.branch(db.organization, db.name, parentKey);
  if (!parent) throw notFound(`parent branch "${parentKey}" does not exist in database "${db.name}"`);
  if (branchState(parent, ctx.now) !== "ready") {
    throw badRequest(`Parent branch ${parent.name} is still initializing and cannot be branched from yet`);
  }
  const region = checkRegion(body.region ?? db.region);
  if (db.restrictBranchRegion && region !== db.region) {
    throw unprocessable(
      `Branches of database ${db.name} must be created in its region ${db.region}: restrict_branch_region is enabled`,
    );
  }

  let restoredFrom: BranchRecord["restoredFrom"] = null;
  if (body.backup_id !== undefined) {
    const backup = ctx.store.backup(db.organization, db.name, body.backup_id);
    if (!backup) throw notFound(`backup "${body.backup_id}" does not exist in database "${db.name}"`);
    if (backupState(backup, ctx.now) !== "success") {
      throw unprocessable(
        `Backup ${backup.name} has not completed yet; restore it once its state is "success"`,
      );
    }
    if (clusterSizeOf(body) === undefined) {
      throw unprocessable("Cluster size is required when restoring a backup");
    }
    restoredFrom = {
      backupId: backup.id,
      branchId: backup.branchId,
      branchName: backup.branchName,
      createdAt: backup.createdAt,
    };
  }
  const size = clusterSizeOf(body);
  checkClusterSize(size, kind);

  const development = ctx.store.branches(db.organization, db.name).filter((b) => !b.production).length;
  if (development >= MAX_DEVELOPMENT_BRANCHES) {
    throw unprocessable(
      `A database can have a maximum of ${MAX_DEVELOPMENT_BRANCHES} development branches at the same time`,
    );
  }

  const branch = newBranch(ctx, db, {
    name: body.name,
    parent: parent.name,
    region,
    production: false,
    clusterName: size ?? (restoring ? "PS_10" : "PS_DEV"),
    deletionProtected: body.deletion_protected ?? false,
    safeMigrations: body.safe_migrations ?? false,
    restoredFrom,
    replicas: body.replicas,
    // A new branch has its parent's schema (a restored one, its backup's branch's).
    tables: restoredFrom
      ? (ctx.store.data.branches.find((b) => b.id === restoredFrom?.branchId)?.tables ?? [])
      : parent.tables,
    restorePoint,
    majorVersion: majorVersion ?? parent.majorVersion,
    storage: body.storage,
  });
  return ok(ctx, branch, 201);
}

/**
 * A Postgres point-in-time restore's instant (`restore_point`): an ISO 8601 time, not in the
 * future, not before the database existed, and not with a backup; 422 otherwise.
 */
function checkRestorePoint(
  ctx: RequestContext,
  db: DatabaseRecord,
  body: z.output<typeof createBody>,
): number | undefined {
  if (body.restore_point === undefined) return undefined;
  const at = Date.parse(body.restore_point);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(body.restore_point) || Number.isNaN(at)) {
    throw unprocessable(
      `Restore point "${body.restore_point}" is not a timestamp (e.g. 2023-01-01T00:00:00Z)`,
    );
  }
  if (body.backup_id !== undefined) throw unprocessable("restore_point cannot be combined with backup_id");
  if (at > ctx.now) throw unprocessable(`Restore point ${body.restore_point} is in the future`);
  if (at < db.createdAt) {
    throw unprocessable(`Restore point ${body.restore_point} is before database ${db.name} was created`);
  }
  return at;
}

function rejectPostgresOnly(body: z.output<typeof createBody>): void {
  const postgresOnly = ["restore_point", "major_version", "storage", "cluster_name", "replicas"] as const;
  const sent = postgresOnly.filter((field) => body[field] !== undefined);
  if (sent.length > 0) {
    throw unprocessable(`${sent.join(", ")}: only available for PostgreSQL databases`);
  }
}

/** The size asked for: `cluster_size`, or pscale's Postgres `cluster_name`; 422 if both differ. */
function clusterSizeOf(body: z.output<typeof createBody>): string | undefined {
  const { cluster_size: size, cluster_name: name } = body;
  if (size !== undefined && name !== undefined && size !== name) {
    throw unprocessable(`cluster_size "${size}" and cluster_name "${name}" disagree; send one of them`);
  }
  return size ?? name;
}

/** The spec marks Data Branching (`allow_data_branching`) "Vitess only". */
function rejectVitessOnly(body: z.output<typeof createBody>): void {
  if (body.seed_data !== undefined || body.keyspace_cluster_sizes !== undefined) {
    throw unprocessable(
      "seed_data and keyspace_cluster_sizes are only available for Vitess (MySQL) databases",
    );
  }
}

/**
 * `create_database_if_missing`: creates the database (default branch `main`, production, ready)
 * and then the branch. Needs organization-level `create_databases`; like PlanetScale, a service
 * token that creates a database receives every database access on it.
 */
function createBranchAndDatabase(
  ctx: RequestContext,
  org: string,
  dbName: string,
  body: z.output<typeof createBody>,
) {
  if (!body.create_database_if_missing) throw notFound(`database "${dbName}" does not exist`);
  if (!holds(ctx.cred, "create_databases", null)) {
    throw notFound(`database "${dbName}" does not exist and the credential lacks create_databases`);
  }
  const kind = body.kind;
  if (kind === undefined) throw unprocessable("Kind is required when create_database_if_missing is set");
  if (body.backup_id !== undefined || body.seed_data !== undefined) {
    throw unprocessable("A new database has no backups to restore");
  }
  checkDatabaseName(dbName);
  if (kind === "mysql") rejectPostgresOnly(body);
  else rejectVitessOnly(body);
  checkName(body.name);
  const region = checkRegion(body.region ?? DEFAULT_REGION);
  const size = clusterSizeOf(body);
  checkClusterSize(size, kind);
  if (body.parent_branch !== undefined && body.parent_branch !== "main") {
    throw notFound(`parent branch "${body.parent_branch}" does not exist in database "${dbName}"`);
  }

  const majorVersion = checkMajorVersion(body.major_version);
  const db = newDatabase(ctx, org, dbName, region, kind);
  if (body.name === db.defaultBranch) {
    const main = newBranch(ctx, db, {
      name: body.name,
      parent: null,
      region,
      production: true,
      clusterName: size ?? "PS_10",
      deletionProtected: body.deletion_protected ?? false,
      safeMigrations: body.safe_migrations ?? false,
      majorVersion,
      storage: body.storage,
    });
    return ok(ctx, main, 201);
  }
  const main = newBranch(ctx, db, {
    name: db.defaultBranch,
    parent: null,
    region,
    production: true,
    clusterName: "PS_10",
    majorVersion,
  });
  // The branch asked for is made from `main` at once, so both are ready from now on.
  main.readyAt = ctx.now;
  db.readyAt = ctx.now;
  const branch = newBranch(ctx, db, {
    name: body.name,
    parent: main.name,
    region,
    production: false,
    clusterName: size ?? "PS_DEV",
    deletionProtected: body.deletion_protected ?? false,
    safeMigrations: body.safe_migrations ?? false,
    replicas: body.replicas,
    majorVersion,
    storage: body.storage,
  });
  return ok(ctx, branch, 201);
}

const updateBody = z.strictObject({
  new_name: z.string().optional(),
  deletion_protected: z.boolean().optional(),
});

/** `PATCH …/branches/{branch}`: rename (`new_name`) and `deletion_protected`. */
function updateBranch(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("update_branch"));
  const branch = requireBranch(ctx, db);
  const body = parseBody(ctx, updateBody);
  if (body.new_name !== undefined && body.new_name !== branch.name) {
    checkName(body.new_name);
    checkUnique(ctx, db, body.new_name, branch);
    const old = branch.name;
    for (const child of ctx.store.branches(db.organization, db.name)) {
      if (child.parentBranch === old) child.parentBranch = body.new_name;
    }
    for (const backup of ctx.store.data.backups) {
      if (backup.branchId === branch.id) backup.branchName = body.new_name;
    }
    if (db.defaultBranch === old) db.defaultBranch = body.new_name;
    for (const request of ctx.store.data.deployRequests) {
      if (request.branchId === branch.id) request.branchName = body.new_name;
      if (request.intoBranchId === branch.id) request.intoBranchName = body.new_name;
    }
    branch.name = body.new_name;
    branch.updatedAt = ctx.now;
    ctx.changed();
  }
  if (body.deletion_protected !== undefined && body.deletion_protected !== branch.deletionProtected) {
    branch.deletionProtected = body.deletion_protected;
    branch.updatedAt = ctx.now;
    ctx.changed();
  }
  return ok(ctx, branch);
}

function descendants(ctx: RequestContext, db: DatabaseRecord, branch: BranchRecord): BranchRecord[] {
  const all = ctx.store.branches(db.organization, db.name);
  const out: BranchRecord[] = [];
  const walk = (name: string): void => {
    for (const c of all) {
      if (c.parentBranch === name && !out.includes(c)) {
        out.push(c);
        walk(c.name);
      }
    }
  };
  walk(branch.name);
  return out;
}

/**
 * `DELETE …/branches/{branch}[?delete_descendants=true]`: 204. Deleting a database's last branch
 * deletes the database with it (see {@link deleteLastBranch}).
 */
function deleteBranch(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("delete_branch"));
  const branch = requireBranch(ctx, db);
  if (ctx.store.branches(db.organization, db.name).length === 1) return deleteLastBranch(ctx, db, branch);
  const withDescendants = boolParam(ctx.query, "delete_descendants") ?? false;
  const refuse = (x: BranchRecord): void => {
    if (x.name === db.defaultBranch) {
      throw unprocessable(`Branch ${x.name} is the default branch of ${db.name} and cannot be deleted`);
    }
    if (x.production) {
      throw unprocessable(`Branch ${x.name} is a production branch and cannot be deleted; demote it first`);
    }
    if (x.deletionProtected) {
      throw unprocessable(
        `Branch ${x.name} has deletion protection enabled; disable it before deleting the branch`,
      );
    }
  };
  refuse(branch);
  const children = descendants(ctx, db, branch);
  if (children.length > 0 && !withDescendants) {
    throw unprocessable(
      `Branch ${branch.name} has ${children.length} descendant branch${children.length === 1 ? "" : "es"} ` +
        `(${children.map((c) => c.name).join(", ")}); pass delete_descendants=true to delete them too`,
    );
  }
  for (const c of children) refuse(c);
  const gone = new Set([branch, ...children]);
  ctx.store.data.branches = ctx.store.data.branches.filter((x) => !gone.has(x));
  ctx.store.dropCredentialsOf(new Set([...gone].map((x) => x.id)));
  // Their open deploy requests close with them (marked `branch_deleted`).
  for (const x of gone) branchDeleted(ctx.store.data, x.id, ctx.now, actorOf(ctx.cred));
  ctx.changed();
  return { status: 204 };
}

/**
 * The database's only branch (its default, production branch): PlanetScale deletes the database
 * with it, as the Terraform provider relies on since v1.1.0 (PR #265: its branch resources "delete
 * [the database] when the last branch is destroyed", with only `DELETE …/branches/{branch}`; its
 * acceptance test `TestAccVitessBranchResource_CreatesAndDeletesDatabase` destroys a database's
 * only branch `main`). A deletion-protected branch or database is refused (422).
 */
function deleteLastBranch(ctx: RequestContext, db: DatabaseRecord, branch: BranchRecord) {
  if (branch.deletionProtected) {
    throw unprocessable(
      `Branch ${branch.name} has deletion protection enabled; disable it before deleting the branch`,
    );
  }
  refuseProtectedDatabase(db);
  removeDatabase(ctx.store.data, db);
  ctx.changed();
  return { status: 204 };
}

/** `POST …/branches/{branch}/promote`: makes the branch a production branch. */
function promoteBranch(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("promote_branch"));
  const branch = requireBranch(ctx, db);
  requireReady(ctx, branch, "promote it");
  if (!branch.production) {
    branch.production = true;
    if (branch.clusterName === "PS_DEV") branch.clusterName = "PS_10";
    branch.updatedAt = ctx.now;
    ctx.changed();
  }
  return ok(ctx, branch);
}

/** `POST …/branches/{branch}/demote`: makes a production branch a development branch again. */
function demoteBranch(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("demote_branch"));
  const branch = requireBranch(ctx, db);
  if (branch.name === db.defaultBranch) {
    throw unprocessable(`Branch ${branch.name} is the default branch of ${db.name} and cannot be demoted`);
  }
  if (branch.production) {
    const development = ctx.store.branches(db.organization, db.name).filter((x) => !x.production).length;
    if (development >= MAX_DEVELOPMENT_BRANCHES) {
      throw unprocessable(
        `A database can have a maximum of ${MAX_DEVELOPMENT_BRANCHES} development branches at the same time`,
      );
    }
    branch.production = false;
    branch.updatedAt = ctx.now;
    ctx.changed();
  }
  return ok(ctx, branch);
}

function setSafeMigrations(ctx: RequestContext, branch: BranchRecord, value: boolean) {
  if ((branch.kind ?? "mysql") !== "mysql") {
    throw unprocessable("Safe migrations are only available for Vitess (MySQL) databases");
  }
  requireReady(ctx, branch, "change safe migrations");
  if (branch.safeMigrations !== value) {
    branch.safeMigrations = value;
    branch.updatedAt = ctx.now;
    ctx.changed();
  }
  return ok(ctx, branch);
}

/** `POST …/safe-migrations`: enable. */
function enableSafeMigrations(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("enable_safe_migrations"));
  return setSafeMigrations(ctx, requireBranch(ctx, db), true);
}

/** `DELETE …/safe-migrations`: disable. */
function disableSafeMigrations(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("disable_safe_migrations"));
  return setSafeMigrations(ctx, requireBranch(ctx, db), false);
}

const safeMigrationsBody = z.strictObject({ safe_migrations: z.boolean() });

/** `PUT …/safe-migrations` with `{safe_migrations}`. */
function updateSafeMigrations(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("update_safe_migrations"));
  const branch = requireBranch(ctx, db);
  const body = parseBody(ctx, safeMigrationsBody);
  return setSafeMigrations(ctx, branch, body.safe_migrations);
}

const P = "organizations/:organization/databases/:database/branches";

/** Branch routes. */
export const branchRoutes: Route[] = [
  { method: "GET", pattern: P, handler: listBranches },
  { method: "POST", pattern: P, handler: createBranch },
  { method: "GET", pattern: `${P}/:branch`, handler: getBranch },
  { method: "PATCH", pattern: `${P}/:branch`, handler: updateBranch },
  { method: "DELETE", pattern: `${P}/:branch`, handler: deleteBranch },
  { method: "POST", pattern: `${P}/:branch/promote`, handler: promoteBranch },
  { method: "POST", pattern: `${P}/:branch/demote`, handler: demoteBranch },
  { method: "POST", pattern: `${P}/:branch/safe-migrations`, handler: enableSafeMigrations },
  { method: "DELETE", pattern: `${P}/:branch/safe-migrations`, handler: disableSafeMigrations },
  { method: "PUT", pattern: `${P}/:branch/safe-migrations`, handler: updateSafeMigrations },
];
