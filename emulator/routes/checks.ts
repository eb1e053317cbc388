/**
 * The lookups and checks several routes share: the branch in the path, its readiness, and the
 * names, regions and cluster sizes a request may ask for.
 */
import type { RequestContext } from "../http/context";
import { notFound, unprocessable } from "../http/errors";
import { clusterSizeNames, knownClusterSize } from "../state/cluster-sizes";
import { DATABASE_NAME_RULE, isValidDatabaseName } from "../state/databases";
import type { BranchRecord, DatabaseKind, DatabaseRecord } from "../state/records";
import { isRegion, REGION_SLUGS } from "../state/regions";
import { branchState } from "../state/store";

/** The branch named (or identified) by the `branch` path parameter; 404 otherwise. */
export function requireBranch(ctx: RequestContext, db: DatabaseRecord): BranchRecord {
  const key = ctx.params["branch"] ?? "";
  const branch = ctx.store.branch(db.organization, db.name, key);
  if (!branch) throw notFound(`branch "${key}" does not exist in database "${db.name}"`);
  return branch;
}

/** 422 unless the branch is ready: `what` says what can happen then ("promote it"). */
export function requireReady(ctx: RequestContext, branch: BranchRecord, what: string): void {
  if (branchState(branch, ctx.now) !== "ready") {
    throw unprocessable(`Branch ${branch.name} is not ready yet; ${what} once its state is "ready"`);
  }
}

/** 422 unless `region` is a known region slug; returns it. */
export function checkRegion(region: string): string {
  if (!isRegion(region)) {
    throw unprocessable(`Region "${region}" is not valid. Valid regions: ${REGION_SLUGS.join(", ")}`);
  }
  return region;
}

/**
 * 422 unless `size` is a cluster size of `kind` (`PS_10`, `PS-10`, `PS_DEV`; see
 * `list_cluster_size_skus`).
 */
export function checkClusterSize(size: string | undefined, kind: DatabaseKind = "mysql"): void {
  if (size !== undefined && knownClusterSize(size, kind) === undefined) {
    throw unprocessable(
      `Cluster size "${size}" is not valid. Valid sizes: ${clusterSizeNames(kind).join(", ")}`,
    );
  }
}

/** 422 unless `name` is a valid database name. */
export function checkDatabaseName(name: string): void {
  if (!isValidDatabaseName(name)) throw unprocessable(`Database name ${DATABASE_NAME_RULE}`);
}

/** 422 while the database is deletion-protected (`update_database_settings` `deletion_protected`). */
export function refuseProtectedDatabase(db: DatabaseRecord): void {
  if (db.deletionProtected) {
    throw unprocessable(
      `Database ${db.name} has deletion protection enabled; disable it before deleting the database`,
    );
  }
}

/** A Postgres major version (`major_version`): digits, e.g. `17`; 422 otherwise. */
export function checkMajorVersion(version: string | undefined): string | undefined {
  if (version !== undefined && !/^\d{1,3}$/.test(version)) {
    throw unprocessable(`Major version "${version}" is not a PostgreSQL major version such as "17"`);
  }
  return version;
}
