import { confirmGone } from "../api/gone";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import type { CredentialFlavor, RemoteCredential } from "./flavor";

/** The credential, or undefined when it is gone for good (deleted, expired, branch gone). */
export async function fetchLive(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  organization: string,
  database: string,
  branchId: string,
  id: string,
): Promise<RemoteCredential | undefined> {
  const client = ctx.client();
  try {
    const found = await flavor.get(client, organization, database, branchId, id);
    if (found.gone || isExpired(found)) {
      ctx.log(
        `${flavor.noun} ${id} of ${organization}/${database} expired or was deleted; reporting it gone`,
      );
      return undefined;
    }
    return found;
  } catch (error) {
    if (error instanceof NotFoundError) {
      // A 404 also means "no permission": only report it gone once the credential is proven to work.
      await confirmGone(client, organization, error);
      return undefined;
    }
    throw error;
  }
}

function isExpired(c: RemoteCredential): boolean {
  if (!c.expiresAt) return false;
  const at = Date.parse(c.expiresAt);
  return !Number.isNaN(at) && at <= Date.now();
}
