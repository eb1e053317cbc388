import { z } from "zod";
import { holds, holdsAny } from "../http/auth";
import {
  blankAsAbsent,
  paginate,
  parseBody,
  type RequestContext,
  type Route,
  requireAccess,
  requireDatabase,
  requireOrganization,
} from "../http/context";
import { unprocessable } from "../http/errors";
import { removeDatabase } from "../state/databases";
import { accessesFor } from "../state/permissions";
import { DEFAULT_REGION } from "../state/regions";
import {
  checkClusterSize,
  checkDatabaseName,
  checkMajorVersion,
  checkRegion,
  refuseProtectedDatabase,
} from "./checks";
import { newBranch, newDatabase } from "./create";
import { renderDatabase } from "./serialize";

/**
 * `GET /organizations/{organization}/databases`: the databases the credential can see (any
 * database access on it, or organization-level `read_databases`), filtered by `q`.
 */
function listDatabases(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  const needed = accessesFor("list_databases");
  const nameContains = (ctx.query.get("q") ?? "").toLowerCase();
  const visible = ctx.store
    .databases(org.name)
    .filter((d) => holds(ctx.cred, "read_databases", null) || holdsAny(ctx.cred, needed, d.name))
    .filter((d) => nameContains === "" || d.name.toLowerCase().includes(nameContains));
  return {
    status: 200,
    body: paginate(
      ctx,
      visible.map((d) => renderDatabase(d, ctx.store, ctx.base, ctx.now)),
      `${ctx.base.apiUrl}/organizations/${encodeURIComponent(org.name)}/databases`,
    ),
  };
}

/** `GET /organizations/{organization}/databases/{database}`. */
function getDatabase(ctx: RequestContext) {
  const needed = holds(ctx.cred, "read_databases", null)
    ? (["read_databases"] as const)
    : accessesFor("get_database");
  const db = requireDatabase(ctx, needed);
  return { status: 200, body: renderDatabase(db, ctx.store, ctx.base, ctx.now) };
}

/** `POST /organizations/{org}/databases` body (the spec's `create_database`). */
const createBody = z.strictObject({
  name: z.string(),
  region: blankAsAbsent(z.string()),
  cluster_size: blankAsAbsent(z.string()),
  replicas: z.number().int().optional(),
  kind: z.enum(["mysql", "postgresql"]).optional(),
  major_version: z.string().optional(),
  storage: z
    .strictObject({
      minimum_storage_bytes: z.number().int().optional(),
      maximum_storage_bytes: z.number().int().optional(),
    })
    .optional(),
  // Sent by `pscale database create` and ignored, as PlanetScale's Rails API drops unpermitted
  // parameters: planetscale-go's CreateDatabaseRequest has `Organization string` without a json tag,
  // so encoding/json sends it as "Organization", and `notes` (omitempty) with `--notes`
  // (planetscale/cli internal/planetscale/databases.go; the spec's database has no notes).
  Organization: z.string().optional(),
  notes: z.string().optional(),
});

/**
 * `POST /organizations/{org}/databases` → 201: a MySQL (Vitess) or Postgres database whose
 * production branch `main` is pending for the ready delay, as a new branch is. Needs
 * organization-level `create_databases`; a token that creates a database receives every access on
 * it.
 */
function createDatabase(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  requireAccess(ctx, accessesFor("create_database"), null);
  const body = parseBody(ctx, createBody);
  const kind = body.kind ?? "mysql";
  if (kind === "mysql" && (body.major_version !== undefined || body.storage !== undefined)) {
    throw unprocessable("major_version and storage are only available for PostgreSQL databases");
  }
  checkDatabaseName(body.name);
  const majorVersion = checkMajorVersion(body.major_version);
  if (ctx.store.database(org.name, body.name)) {
    throw unprocessable(`Name has already been taken: a database named "${body.name}" exists in ${org.name}`);
  }
  const region = checkRegion(body.region ?? DEFAULT_REGION);
  checkClusterSize(body.cluster_size, kind);
  const db = newDatabase(ctx, org.name, body.name, region, kind);
  newBranch(ctx, db, {
    name: db.defaultBranch,
    parent: null,
    region,
    production: true,
    clusterName: body.cluster_size ?? "PS_10",
    replicas: body.replicas,
    majorVersion,
    storage: body.storage,
  });
  return { status: 201, body: renderDatabase(db, ctx.store, ctx.base, ctx.now) };
}

/**
 * `DELETE /organizations/{org}/databases/{db}` → 204: the database with its branches, their
 * passwords and roles, backups, resize requests and every token access granted on it. A
 * deletion-protected database gets 422.
 */
function deleteDatabase(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("delete_database"));
  refuseProtectedDatabase(db);
  removeDatabase(ctx.store.data, db);
  ctx.changed();
  return { status: 204 };
}

/** Database routes (the settings' `PATCH` is in `database-settings.ts`). */
export const databaseRoutes: Route[] = [
  { method: "GET", pattern: "organizations/:organization/databases", handler: listDatabases },
  { method: "POST", pattern: "organizations/:organization/databases", handler: createDatabase },
  { method: "GET", pattern: "organizations/:organization/databases/:database", handler: getDatabase },
  { method: "DELETE", pattern: "organizations/:organization/databases/:database", handler: deleteDatabase },
];
