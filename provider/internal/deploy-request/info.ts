import type { DeployRequest } from "../api/deploy-request-schemas";
import { readFields } from "../inputs/property-api";
import { DEPLOY_REQUEST_PROPERTIES } from "./properties";
import type { DeployOperationInfo } from "./report";

/**
 * A deploy request as PlanetScale reports it, in this package's names: what
 * {@link getDeployRequest} returns, and what a `DeployRequest` resource's outputs report. Its fields
 * are the reported rows of the DeployRequest property table (`test/provider/property-tables.test.ts`
 * holds them together).
 */
export interface DeployRequestInfo {
  /** PlanetScale's id of the deploy request. */
  deployRequestId: string;
  /** Its number in its database. */
  number: number;
  /** The branch deployed from. */
  branch: string;
  /** The branch deployed into. */
  intoBranch: string;
  /** Whether it cuts over as soon as it is ready. */
  autoCutover: boolean | null;
  /** Whether PlanetScale deletes the branch once it is live. */
  autoDeleteBranch: boolean | null;
  /** Its page in the PlanetScale app. */
  htmlUrl: string | null;
  /** `open` or `closed`. */
  state: string;
  /** PlanetScale's deployment state. */
  deploymentState: string;
  /** Whether PlanetScale would deploy it now. */
  deployable: boolean;
  /** Whether it has an approving review. */
  approved: boolean;
  /** Lint errors that keep it from deploying, as `CODE (table): description`. */
  lintErrors: string[];
  /** The DDL of each operation, in order. */
  ddl: string[];
  /** Each operation. */
  operations: DeployOperationInfo[];
  /** Whether any operation can drop data. */
  canDropData: boolean;
  /** When its changes went live (ISO 8601), or null. */
  deployedAt: string | null;
  /** Creation time (ISO 8601). */
  createdAt: string;
}

/** The one mapping of PlanetScale's deploy request to this package's names. */
export function deployRequestInfo(request: DeployRequest): DeployRequestInfo {
  return readFields(DEPLOY_REQUEST_PROPERTIES, request) as DeployRequestInfo;
}
