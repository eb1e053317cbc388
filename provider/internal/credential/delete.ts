import { confirmGone } from "../api/gone";
import { NotFoundError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { stringOr } from "../inputs/props";
import { InvalidInputError, RoleDropRefusedError } from "../resource-errors";
import type { CredentialFlavor } from "./flavor";
import { message } from "./shared";

type Props = Record<string, unknown>;

/**
 * Deletes the credential as its state asks (a role: with its `successor`, see the flavor's
 * `destroy`); one already gone (proven, not a missing permission) counts as deleted. A failure
 * keeps it in the state and names the `pscale` command that deletes it by hand.
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
    await flavor.destroy(client, organization, database, branchId, id, props);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      return;
    }
    // It already says what to run.
    if (error instanceof RoleDropRefusedError) throw error;
    const branch = stringOr(props["branchName"]) ?? branchId;
    throw new PlanetScaleError(
      `deleting ${flavor.noun} ${id} failed (${message(error)}); Pulumi keeps it in its state. Run \`pulumi destroy\` again, ` +
        `or delete it by hand (${flavor.deleteCommand(organization, database, branch, id, stringOr(props["successor"]))})`,
      { cause: error },
    );
  }
}
