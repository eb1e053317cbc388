import * as organizations from "../api/organizations";
import type { ServiceTokenAccess } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError } from "../client/errors";
import type { AccessChange } from "./grants";

/**
 * Grants one access change to a token. When a database grant answers 404 and the database itself
 * cannot be found either, the error names that database and the fix: a database in `databases`
 * that does not exist is only discoverable through the API, so it surfaces here rather than at
 * preview. Any other failure is passed on unchanged. Returns the accesses PlanetScale's answer
 * lists (undefined when the answer has no body).
 */
export async function grantAccesses(
  client: PlanetScaleClient,
  organization: string,
  tokenId: string,
  change: AccessChange,
): Promise<ServiceTokenAccess[] | undefined> {
  try {
    return await serviceTokens.addServiceTokenAccesses(client, organization, tokenId, change);
  } catch (error) {
    if (!(error instanceof NotFoundError) || change.database === undefined) throw error;
    if (await databaseExists(client, organization, change.database)) throw error;
    throw new NotFoundError(
      `databases: database '${change.database}' does not exist in organization '${organization}' ` +
        "(or the credential Pulumi uses cannot see it): create it first, or remove it from `databases`",
      {
        method: error.method,
        path: error.path,
        retries: error.retries,
        ...(error.status === undefined ? {} : { status: error.status }),
        ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
        cause: error,
      },
    );
  }
}

/** False only when PlanetScale answers 404 for the database; true when it answers, or on any doubt. */
async function databaseExists(
  client: PlanetScaleClient,
  organization: string,
  database: string,
): Promise<boolean> {
  try {
    await organizations.getDatabase(client, organization, database);
    return true;
  } catch (error) {
    return !(error instanceof NotFoundError);
  }
}
