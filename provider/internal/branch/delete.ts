import * as branches from "../api/branches";
import { confirmBranchGone } from "../api/gone";
import { NotFoundError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { release } from "../ownership/run-registry";
import { DeletionProtectedError, HasChildBranchesError } from "../resource-errors";
import { KIND } from "./shared";

type Props = Record<string, unknown>;

/**
 * Deletes the branch (with its children when `deleteDescendants`); one already gone (proven, not
 * a missing permission) counts as deleted. A refusal for protection or children says what to do.
 */
export async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
  const organization = String(props["organization"]);
  const database = String(props["database"]);
  const name = String(props["name"] ?? id);
  const client = ctx.client();
  try {
    await branches.deleteBranch(client, organization, database, id, {
      deleteDescendants: props["deleteDescendants"] === true,
    });
    release(KIND, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmBranchGone(client, organization, database, error);
      release(KIND, id);
      return;
    }
    if (error instanceof PlanetScaleError && error.status !== undefined && error.status < 500) {
      const message = error.apiMessage ?? "";
      if (/protect/i.test(message) || (props["deletionProtected"] === true && error.status !== 401)) {
        throw new DeletionProtectedError(
          `branch ${name} of ${organization}/${database} is deletion-protected, so PlanetScale refused to delete it. ` +
            "To delete it: set `deletionProtected: false` on the Branch, run `pulumi up`, then run `pulumi destroy` again.",
          { cause: error },
        );
      }
      if (/child|descendant/i.test(message)) {
        throw new HasChildBranchesError(
          `branch ${name} of ${organization}/${database} has child branches. Set \`deleteDescendants: true\` on the Branch, run \`pulumi up\`, then destroy again; or delete the children first.`,
          { cause: error },
        );
      }
    }
    throw error;
  }
}
