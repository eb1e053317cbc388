import { confirmGone } from "../api/gone";
import { NotFoundError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { stringOr } from "../inputs/props";
import { InvalidInputError } from "../resource-errors";
import type { CredentialFlavor } from "./flavor";
import { message } from "./shared";

type Props = Record<string, unknown>;

/**
 * Deletes the credential; one already gone (proven, not a missing permission) counts as deleted.
 * A failure keeps it in the state and names the `pscale` command that deletes it by hand.
 */
export async function remove(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  id: string,
  props: Props,
): Promise<void> {
  const organization = recordedOrganization(ctx, props);
  const database = stringOr(props["database"]);
  const branchId = stringOr(props["branchId"]) ?? stringOr(props["branch"]);
  if (!organization || !database || !branchId) {
    throw new InvalidInputError(
      `cannot delete ${flavor.noun} ${id}: its organization, database or branch is not recorded`,
    );
  }
  const client = ctx.client();
  try {
    await flavor.remove(client, organization, database, branchId, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      return;
    }
    throw new PlanetScaleError(
      `deleting ${flavor.noun} ${id} failed (${message(error)}); Pulumi keeps it in its state. Run \`pulumi destroy\` again, ` +
        `or delete it by hand (${flavor.deleteCommand(organization, database, stringOr(props["branchName"]) ?? branchId, id)})`,
      { cause: error },
    );
  }
}
