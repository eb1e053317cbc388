import type { Branch as ApiBranch } from "../api/schemas";

/**
 * A branch as PlanetScale reports it, in this package's names: what {@link getBranch} and
 * {@link getBranches} return, and what a `Branch` resource's outputs report.
 */
export interface BranchInfo {
  /** Public id; stable across renames. */
  branchId: string;
  /** Current name. */
  name: string;
  /** Parent branch name (null for the first branch). */
  parentBranch: string | null;
  /** Region slug, e.g. `us-east`. */
  region: string | null;
  /** `pending`, `ready`, `sleeping`, … as PlanetScale reports it. */
  state: string | null;
  /** Whether it accepts connections and schema changes. */
  ready: boolean;
  /** Whether it is a production branch. */
  production: boolean;
  /** The branch's page in the PlanetScale app. */
  htmlUrl: string | null;
  /** MySQL host to connect to, when PlanetScale reports one. */
  mysqlAddress: string | null;
  /** MySQL edge host, when PlanetScale reports one. */
  mysqlEdgeAddress: string | null;
  /** Cluster size (PlanetScale's `cluster_name`), e.g. `PS_DEV`. */
  clusterSize: string | null;
  /** Whether deletion protection is on. */
  deletionProtected: boolean;
  /** Whether safe migrations are on. */
  safeMigrations: boolean;
  /** Creation time (ISO 8601). */
  createdAt: string | null;
  /** Last update time (ISO 8601). */
  updatedAt: string | null;
}

/** The one mapping of PlanetScale's branch object to this package's names. */
export function branchInfo(branch: ApiBranch): BranchInfo {
  return {
    branchId: branch.id,
    name: branch.name,
    parentBranch: branch.parent_branch ?? null,
    region: branch.region?.slug ?? null,
    state: branch.state ?? null,
    ready: isReady(branch),
    production: branch.production ?? false,
    htmlUrl: branch.html_url ?? null,
    mysqlAddress: branch.mysql_address ?? null,
    mysqlEdgeAddress: branch.mysql_edge_address ?? null,
    clusterSize: branch.cluster_name ?? null,
    deletionProtected: branch.deletion_protected ?? false,
    safeMigrations: branch.safe_migrations ?? false,
    createdAt: branch.created_at ?? null,
    updatedAt: branch.updated_at ?? null,
  };
}

/** PlanetScale reports readiness in `state` (current) and `ready` (older clients). */
export function isReady(branch: Pick<ApiBranch, "state" | "ready">): boolean {
  return branch.state === "ready" || (branch.state == null && branch.ready === true);
}
