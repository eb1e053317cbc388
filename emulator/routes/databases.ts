import { holds, holdsAny } from "../auth";
import { paginate, type RequestContext, type Route, requireDatabase, requireOrganization } from "../context";
import { type AccessName, OPERATION_ACCESSES } from "../permissions";
import { renderDatabase } from "../serialize";

function databaseAccesses(op: string): readonly AccessName[] {
  const a = OPERATION_ACCESSES[op];
  return Array.isArray(a) ? a : [];
}

/**
 * `GET /organizations/{organization}/databases`: the databases the credential can see (any
 * database access on it, or organization-level `read_databases`), filtered by `q`.
 */
function listDatabases(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  const needed = databaseAccesses("list_databases");
  const q = (ctx.query.get("q") ?? "").toLowerCase();
  const visible = ctx.store
    .databases(org.name)
    .filter((d) => holds(ctx.cred, "read_databases", null) || holdsAny(ctx.cred, needed, d.name))
    .filter((d) => q === "" || d.name.toLowerCase().includes(q));
  return {
    status: 200,
    body: paginate(
      ctx,
      visible.map((d) => renderDatabase(d, ctx.store, ctx.base)),
      `${ctx.base.apiUrl}/organizations/${encodeURIComponent(org.name)}/databases`,
    ),
  };
}

/** `GET /organizations/{organization}/databases/{database}`. */
function getDatabase(ctx: RequestContext) {
  const needed = holds(ctx.cred, "read_databases", null)
    ? (["read_databases"] as const)
    : databaseAccesses("get_database");
  const db = requireDatabase(ctx, needed);
  return { status: 200, body: renderDatabase(db, ctx.store, ctx.base) };
}

/** Database routes (read-only: the emulator does not create or delete databases through the API). */
export const databaseRoutes: Route[] = [
  { method: "GET", pattern: "organizations/:organization/databases", handler: listDatabases },
  { method: "GET", pattern: "organizations/:organization/databases/:database", handler: getDatabase },
];
