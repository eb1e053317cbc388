import { confirmGone } from "../api/gone";
import type { ServiceToken } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";

/** True once the token's `expires_at` has passed (a token without one never expires). */
export function isExpired(token: ServiceToken, now: number): boolean {
  if (!token.expires_at) return false;
  const at = Date.parse(token.expires_at);
  return !Number.isNaN(at) && at <= now;
}

/**
 * True when `props` are this resource's own recorded outputs for `id` (a refresh), rather than
 * inputs given to read someone's token by id (`ApiToken.get`). Only the former is provably ours.
 */
export function recordedAsOurs(props: Record<string, unknown>, id: string): boolean {
  return props["tokenId"] === id;
}

/**
 * Deletes one of our tokens that has expired, so that a refresh which drops it from the state
 * does not forget it in PlanetScale: an expired token is useless to its consumers but still listed,
 * and nothing would ever remove it. When the deletion fails the error is thrown (with the command
 * that deletes it by hand), so the state keeps the token and a later `up` or `destroy` removes it.
 */
export async function deleteExpiredToken(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  organization: string,
  token: ServiceToken,
): Promise<void> {
  const what = `service token '${token.name ?? token.id}' (id ${token.id}) of ${organization}`;
  try {
    await serviceTokens.deleteServiceToken(client, organization, token.id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      return;
    }
    if (!(error instanceof PlanetScaleError)) throw error;
    const ErrorClass = error.constructor as typeof PlanetScaleError;
    throw new ErrorClass(
      `${what} expired at ${token.expires_at} and could not be deleted. It stays in the ` +
        `state: run \`pulumi refresh\` or \`pulumi up\` again, or delete it by hand (pscale service-token delete ${token.id} --org ${organization})`,
      {
        method: error.method,
        path: error.path,
        retries: error.retries,
        ...(error.status === undefined ? {} : { status: error.status }),
        cause: error,
      },
    );
  }
  ctx.log(`${what} expired at ${token.expires_at}; it was deleted`);
}
