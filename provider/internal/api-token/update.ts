import type * as pulumi from "@pulumi/pulumi";
import { confirmGone } from "../api/gone";
import type { ServiceToken, ServiceTokenAccess } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { NoLongerExistsError } from "../resource-errors";
import { grantAccesses } from "./grant";
import { desiredGrants, planChanges } from "./grants";
import { carriedSecret, grantsOf, type TokenSecret, toOutputs } from "./outputs";
import { describe, resolved } from "./shared";

type Props = Record<string, unknown>;

/** Adds and revokes exactly the accesses that differ; the token and its value stay. */
export async function update(
  ctx: ProviderContext,
  id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(news);
  const client = ctx.client();
  const { organization } = inputs;
  let token: ServiceToken;
  let accesses: ServiceTokenAccess[];
  try {
    token = await serviceTokens.getServiceToken(client, organization, id);
    // The live accesses, not the recorded ones: exact even when they changed since the last refresh.
    accesses = await serviceTokens.listServiceTokenAccesses(client, organization, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      throw new NoLongerExistsError(
        `${describe(inputs, id)} no longer exists (deleted outside Pulumi, or expired). ` +
          "Run `pulumi refresh` and then `pulumi up` to create a new one.",
        { cause: error },
      );
    }
    throw error;
  }
  const desired = desiredGrants(organization, inputs);
  const { add, remove } = planChanges(desired, grantsOf(organization, accesses));
  // Revoke first: the token never holds more than the old and new grants have in common plus the new ones.
  for (const change of remove)
    await serviceTokens.removeServiceTokenAccesses(client, organization, id, change);
  for (const change of add) await grantAccesses(client, organization, id, change);
  if (add.length > 0 || remove.length > 0) {
    accesses = await serviceTokens.listServiceTokenAccesses(client, organization, id);
  }
  const secret: TokenSecret = carriedSecret(olds);
  return { outs: toOutputs(token, inputs, grantsOf(organization, accesses), secret) };
}
