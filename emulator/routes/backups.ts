/**
 * A branch's backups: list (with the spec's filters), create, get, protect and delete. Requests as
 * pscale sends them (`internal/planetscale/backups.go`: `CreateBackupRequest` with `name`,
 * `retention_unit`, `retention_value`, `emergency`, each omitempty; `ListBackupsRequest` with `to`
 * and `state`; `UpdateBackupRequest` sends `protected` as the text "true"/"false").
 */
import { z } from "zod";
import { actorOf } from "../http/auth";
import {
  boolParam,
  paginate,
  parseBody,
  type RequestContext,
  type Route,
  requireDatabase,
} from "../http/context";
import { badRequest, notFound, unprocessable } from "../http/errors";
import { addBackup, backupState, RETENTION_UNITS } from "../state/backups";
import { kindOf } from "../state/databases";
import { publicId } from "../state/ids";
import { accessesFor } from "../state/permissions";
import type { BackupRecord, BranchRecord, DatabaseRecord } from "../state/records";
import { requireBranch, requireReady } from "./checks";
import { renderBackup } from "./serialize";

const STATES = ["pending", "running", "success", "failed", "canceled", "ignored"] as const;

function listUrl(ctx: RequestContext, db: DatabaseRecord, branch: BranchRecord): string {
  const seg = encodeURIComponent;
  return `${ctx.base.apiUrl}/organizations/${seg(db.organization)}/databases/${seg(db.name)}/branches/${seg(branch.name)}/backups`;
}

/** A timestamp query parameter (ISO 8601); 400 when it is not one. */
function timeParam(ctx: RequestContext, name: string): number | undefined {
  const value = ctx.query.get(name);
  if (value === null || value === "") return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at))
    throw badRequest(`Query parameter ${name} must be a timestamp such as 2023-01-01T00:00:00Z`);
  return at;
}

/** `running_at=<from>..<to>`: the backups running at some time in that range. */
function runningAtParam(ctx: RequestContext): [number, number] | undefined {
  const value = ctx.query.get("running_at");
  if (value === null || value === "") return undefined;
  const [from, to, extra] = value.split("..");
  const a = from === undefined ? Number.NaN : Date.parse(from);
  const b = to === undefined ? Number.NaN : Date.parse(to);
  if (extra !== undefined || Number.isNaN(a) || Number.isNaN(b)) {
    throw badRequest(
      "Query parameter running_at must be a range such as 2023-01-01T00:00:00Z..2023-01-01T23:59:59Z",
    );
  }
  return [a, b];
}

/** The branch's backups that exist (or, `deleted`, also those deleted). */
function backupsOf(ctx: RequestContext, branch: BranchRecord, deleted = false): BackupRecord[] {
  return ctx.store.data.backups.filter(
    (bk) =>
      bk.organization === branch.organization &&
      bk.database === branch.database &&
      bk.branchId === branch.id &&
      (deleted || bk.deletedAt === null),
  );
}

/**
 * `GET …/branches/{branch}/backups`, newest first, with the spec's filters: `all` (deleted ones
 * too), `state`, `policy`, `from`/`to` (started after/before), `running_at` and `production`. A
 * filter value of the wrong form gets 400.
 */
function listBackups(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("list_backups"));
  const branch = requireBranch(ctx, db);
  const all = boolParam(ctx.query, "all") ?? false;
  const state = ctx.query.get("state") || undefined;
  if (state !== undefined && !(STATES as readonly string[]).includes(state)) {
    throw badRequest(`Query parameter state must be one of ${STATES.join(", ")}`);
  }
  const policy = ctx.query.get("policy") || undefined;
  const from = timeParam(ctx, "from");
  const to = timeParam(ctx, "to");
  const runningAt = runningAtParam(ctx);
  const production = boolParam(ctx.query, "production");
  const items = backupsOf(ctx, branch, all)
    .filter((bk) => state === undefined || backupState(bk, ctx.now) === state)
    // Every backup here is taken by hand: none belongs to a backup policy.
    .filter(() => policy === undefined)
    .filter((bk) => from === undefined || bk.createdAt >= from)
    .filter((bk) => to === undefined || bk.createdAt <= to)
    .filter((bk) => {
      if (runningAt === undefined) return true;
      const end = backupState(bk, ctx.now) === "running" ? ctx.now : (bk.completeAt ?? bk.createdAt);
      return bk.createdAt <= runningAt[1] && end >= runningAt[0];
    })
    .filter((bk) => production === undefined || bk.production === production)
    .reverse()
    .map((bk) => renderBackup(bk, ctx.store, ctx.now));
  return { status: 200, body: paginate(ctx, items, listUrl(ctx, db, branch)) };
}

const createBody = z.strictObject({
  name: z.string().optional(),
  retention_unit: z.enum(["hour", "day", "week", "month", "year"]).optional(),
  retention_value: z.number().int().optional(),
  emergency: z.boolean().optional(),
});

/**
 * `POST …/branches/{branch}/backups` → 201: a backup of a ready branch, `running` for the ready
 * delay, then `success`. A retention needs both its unit and a value from 1 to 1000 (422
 * otherwise); `emergency` is for Postgres databases only (422 on MySQL).
 */
function createBackup(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("create_backup"));
  const branch = requireBranch(ctx, db);
  const body = parseBody(ctx, createBody);
  const unit = body.retention_unit;
  const value = body.retention_value;
  if ((unit === undefined) !== (value === undefined)) {
    throw unprocessable("retention_unit and retention_value must be given together");
  }
  if (value !== undefined && (value < 1 || value > 1000)) {
    throw unprocessable("retention_value must be between 1 and 1000");
  }
  if (body.emergency === true && kindOf(db) !== "postgresql") {
    throw unprocessable("Emergency backups are only supported for PostgreSQL databases");
  }
  if (body.name !== undefined && body.name.trim() === "") throw unprocessable("Name can't be blank");
  requireReady(ctx, branch, "back it up");
  const stamp = new Date(ctx.now).toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const backup = addBackup(ctx.store.data, {
    id: publicId(),
    name: body.name ?? `${branch.name}-${stamp}`,
    branch,
    createdAt: ctx.now,
    completeAt: ctx.now + ctx.readyDelayMs,
    expiresAt: unit === undefined || value === undefined ? null : ctx.now + value * RETENTION_UNITS[unit],
    emergency: body.emergency ?? false,
    actor: actorOf(ctx.cred),
  });
  ctx.changed();
  return { status: 201, body: renderBackup(backup, ctx.store, ctx.now) };
}

/** The backup named by the `id` path parameter, if it exists (not deleted); otherwise 404. */
function requireBackup(ctx: RequestContext, branch: BranchRecord): BackupRecord {
  const id = ctx.params["id"] ?? "";
  const backup = backupsOf(ctx, branch).find((bk) => bk.id === id);
  if (!backup) throw notFound(`backup "${id}" does not exist on branch "${branch.name}"`);
  return backup;
}

/** `GET …/backups/{id}`. */
function getBackup(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("get_backup"));
  const backup = requireBackup(ctx, requireBranch(ctx, db));
  return { status: 200, body: renderBackup(backup, ctx.store, ctx.now) };
}

/**
 * The spec's `protected` boolean; pscale sends it as the text "true" or "false" ("because the API
 * ignores a JSON false", `UpdateBackupRequest.MarshalJSON`), which is read the same way.
 */
const updateBody = z.strictObject({
  protected: z
    .union([z.boolean(), z.enum(["true", "false"])])
    .transform((v) => v === true || v === "true")
    .optional(),
});

/** `PATCH …/backups/{id}` `{protected}` → 200. */
function updateBackup(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("update_backup"));
  const backup = requireBackup(ctx, requireBranch(ctx, db));
  const body = parseBody(ctx, updateBody);
  if (body.protected !== undefined && body.protected !== backup.protected) {
    backup.protected = body.protected;
    ctx.changed();
  }
  return { status: 200, body: renderBackup(backup, ctx.store, ctx.now) };
}

/** `DELETE …/backups/{id}` → 204; a protected backup gets 422. It is then listed only with `all=true`. */
function deleteBackup(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("delete_backup"));
  const backup = requireBackup(ctx, requireBranch(ctx, db));
  if (backup.protected) {
    throw unprocessable(`Backup ${backup.name} is protected; unprotect it before deleting it`);
  }
  backup.deletedAt = ctx.now;
  ctx.changed();
  return { status: 204 };
}

const P = "organizations/:organization/databases/:database/branches/:branch/backups";

/** Backup routes. */
export const backupRoutes: Route[] = [
  { method: "GET", pattern: P, handler: listBackups },
  { method: "POST", pattern: P, handler: createBackup },
  { method: "GET", pattern: `${P}/:id`, handler: getBackup },
  { method: "PATCH", pattern: `${P}/:id`, handler: updateBackup },
  { method: "DELETE", pattern: `${P}/:id`, handler: deleteBackup },
];
