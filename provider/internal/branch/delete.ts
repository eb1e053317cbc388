import * as branches from "../api/branches";
import { confirmBranchGone } from "../api/gone";
import * as organizations from "../api/organizations";
import { NotFoundError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { release } from "../ownership/run-registry";
import { DeletionProtectedError, HasChildBranchesError } from "../resource-errors";
import { KIND } from "./shared";

type Props = Record<string, unknown>;

/**
 * Deletes the branch (with its children when `deleteDescendants`); one already gone (proven, not
 * a missing permission) counts as deleted. A refusal for protection or children says what to do.
 * A database's last branch is never deleted: PlanetScale deletes the database with it (the
 * Terraform provider relies on that), and a database is deleted only by its own resource.
 */
export async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
  const organization = String(props["organization"]);
  const database = String(props["database"]);
  const name = String(props["name"] ?? id);
  const client = ctx.client();
  if (props["production"] === true && (await isLastBranch(ctx, organization, database, name))) {
    ctx.log(
      `branch ${name} of ${organization}/${database} (id ${id}) is left in place: it is the database's last branch, and PlanetScale would delete the database with it. ` +
        "To delete the database, destroy its Database resource (or run `pscale database delete`).",
    );
    release(KIND, id);
    return;
  }
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

/**
 * Whether `name` is the only branch of the database, its default one (one `GET` of the database,
 * made only for a production branch: a development branch is never the last one).
 */
async function isLastBranch(
  ctx: ProviderContext,
  organization: string,
  database: string,
  name: string,
): Promise<boolean> {
  try {
    const found = await organizations.getDatabase(ctx.client(), organization, database);
    const count =
      found.branches_count ??
      (found.development_branches_count ?? 0) + (found.production_branches_count ?? 0);
    return found.default_branch === name && count <= 1;
  } catch (error) {
    // A database already gone leaves nothing to protect; the delete then finds the branch gone.
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}
