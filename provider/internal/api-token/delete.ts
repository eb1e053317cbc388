import { confirmGone } from "../api/gone";
import * as serviceTokens from "../api/service-tokens";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { release } from "../ownership/run-registry";
import { InvalidInputError } from "../resource-errors";
import { KIND } from "./shared";

type Props = Record<string, unknown>;

/** Deletes the token; one already gone (proven, not a missing permission) counts as deleted. */
export async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
  const organization = recordedOrganization(ctx, props);
  if (!organization)
    throw new InvalidInputError(`cannot delete service token ${id}: its organization is not recorded`);
  const client = ctx.client();
  try {
    await serviceTokens.deleteServiceToken(client, organization, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      release(KIND, id);
      return;
    }
    throw error;
  }
  release(KIND, id);
}
