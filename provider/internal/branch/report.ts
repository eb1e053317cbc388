import type { Branch as ApiBranch } from "../api/schemas";
import { readFields } from "../inputs/property-api";
import { BRANCH_PROPERTIES } from "./properties";

/**
 * A branch as PlanetScale reports it, in this package's names: what {@link getBranch} and
 * {@link getBranches} return, and what a `Branch` resource's outputs report. Its fields are the
 * reported rows of the Branch property table (`test/provider/property-tables.test.ts` holds them
 * together).
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

/**
 * The one mapping of PlanetScale's branch object to this package's names: the reported rows of
 * {@link BRANCH_PROPERTIES}, each read from its field.
 */
export function branchInfo(branch: ApiBranch): BranchInfo {
  return readFields(BRANCH_PROPERTIES, branch) as BranchInfo;
}
