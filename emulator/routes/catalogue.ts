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

// The lists clients read around branches: pscale completes `--region` and `--cluster-size` from
// them (planetscale/cli `cmdutil.RegionsCompletionFunc`, `ClusterSizesCompletionFunc`), and the
// Terraform provider has regions and read-only regions data sources.

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

/**
 * `GET /organizations/{org}/databases/{db}/read-only-regions`: the read-only regions of the
 * database's default branch. The emulator models none (its databases report
 * `default_branch_read_only_regions_count: 0`), so the list is empty.
 */
function listReadOnlyRegions(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("list_read_only_regions"));
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/read-only-regions`;
  return { status: 200, body: paginate(ctx, [], url, { totals: false }) };
}

/** Catalogue routes: regions, read-only regions, cluster sizes. */
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
    pattern: "organizations/:organization/databases/:database/read-only-regions",
    handler: listReadOnlyRegions,
  },
];
