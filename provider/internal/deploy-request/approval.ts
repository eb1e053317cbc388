import type { DeployRequest } from "../api/deploy-request-schemas";
import * as organizations from "../api/organizations";
import type { PlanetScaleClient } from "../client/client";
import { approvalMissing } from "./refusal";

/**
 * Why `request` cannot be deployed for lack of an approval its database requires; undefined
 * otherwise. The database's `require_approval_for_deploy` is read fresh, not from the preflight's
 * per-process cache: a `Database` of the same run may have just changed it (`requireApprovalForDeploy`).
 * An approved request asks nothing.
 */
export async function missingApproval(
  client: PlanetScaleClient,
  request: DeployRequest,
  organization: string,
  database: string,
): Promise<string | undefined> {
  if (request.approved === true) return undefined;
  const current = await organizations.getDatabase(client, organization, database);
  return approvalMissing(request, current.require_approval_for_deploy === true, database);
}
