import {
  boolParam,
  paginate,
  type RequestContext,
  type Route,
  requireDatabase,
  requireOrganization,
} from "../http/context";
import { badRequest, notFound } from "../http/errors";
import { renderClusterSizes } from "../state/cluster-sizes";
import { accessesFor } from "../state/permissions";
import { publicRegionObject, REGION_SLUGS, regionObject } from "../state/regions";
import { requireBranch } from "./checks";
import { renderBackup } from "./serialize";

// The lists clients read around branches: pscale completes `--region` and `--cluster-size` from
// them (planetscale/cli `cmdutil.RegionsCompletionFunc`, `ClusterSizesCompletionFunc`), and the
// Terraform provider has regions and backups data sources.

/** `GET /regions`: every region, for any valid credential. */
function listPublicRegions(ctx: RequestContext) {
  return {
    status: 200,
    body: paginate(ctx, REGION_SLUGS.map(publicRegionObject), `${ctx.base.apiUrl}/regions`, {
      totals: false,
    }),
  };
}

/** `GET /organizations/{org}/regions`. */
function listOrganizationRegions(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(org.name)}/regions`;
  return { status: 200, body: paginate(ctx, REGION_SLUGS.map(regionObject), url, { totals: false }) };
}

/** `GET /organizations/{org}/databases/{db}/regions`: where the database's branches may live. */
function listDatabaseRegions(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("list_database_regions"));
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/regions`;
  return { status: 200, body: paginate(ctx, REGION_SLUGS.map(regionObject), url, { totals: false }) };
}

/**
 * `GET /organizations/{org}/cluster-size-skus[?engine=mysql&rates=true]`: a bare array, as the
 * spec and planetscale-go's `ListClusterSKUs` read it. Postgres sizes answer the spec's
 * `engine=postgresql` and pscale's `postgresql=true` (`size cluster list --engine postgresql`:
 * planetscale-go `WithPostgreSQL`). Rates are 0 and `database`/`region` only select, they do not
 * change the list.
 */
function listClusterSizes(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  const engine = ctx.query.get("engine") ?? "mysql";
  if (engine !== "mysql" && engine !== "postgresql") {
    throw badRequest("Query parameter engine must be mysql or postgresql");
  }
  const kind = boolParam(ctx.query, "postgresql") ? "postgresql" : engine;
  const database = ctx.query.get("database");
  if (database && !ctx.store.database(org.name, database))
    throw notFound(`database "${database}" does not exist`);
  return { status: 200, body: renderClusterSizes(kind, boolParam(ctx.query, "rates") ?? false) };
}

/** `GET …/branches/{branch}/backups`: the branch's backups (seeded ones), newest first. */
function listBackups(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("list_backups"));
  const branch = requireBranch(ctx, db);
  const items = ctx.store.data.backups
    .filter(
      (bk) => bk.organization === db.organization && bk.database === db.name && bk.branchId === branch.id,
    )
    .reverse()
    .map((bk) => renderBackup(bk, ctx.store));
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches/${encodeURIComponent(branch.name)}/backups`;
  return { status: 200, body: paginate(ctx, items, url) };
}

/** Catalogue routes: regions, cluster sizes, backups. */
export const catalogueRoutes: Route[] = [
  { method: "GET", pattern: "regions", handler: listPublicRegions },
  { method: "GET", pattern: "organizations/:organization/regions", handler: listOrganizationRegions },
  { method: "GET", pattern: "organizations/:organization/cluster-size-skus", handler: listClusterSizes },
  {
    method: "GET",
    pattern: "organizations/:organization/databases/:database/regions",
    handler: listDatabaseRegions,
  },
  {
    method: "GET",
    pattern: "organizations/:organization/databases/:database/branches/:branch/backups",
    handler: listBackups,
  },
];
