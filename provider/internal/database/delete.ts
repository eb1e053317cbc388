import * as databases from "../api/databases";
import { PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { release } from "../ownership/run-registry";
import { DeletionProtectedError, InvalidInputError } from "../resource-errors";
import { findById } from "./lookup";
import { KIND } from "./shared";

type Props = Record<string, unknown>;

/**
 * Deletes the database with its branches and their credentials, once it is proven to be the one
 * recorded: PlanetScale addresses databases by name only, so the name is read first and deleted
 * only while it still belongs to the recorded id (a database renamed outside Pulumi is followed;
 * another database that took the name is never touched). One already gone counts as deleted. A
 * refusal for deletion protection says what to do.
 */
export async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
  const organization = typeof props["organization"] === "string" ? props["organization"] : "";
  if (!organization)
    throw new InvalidInputError("cannot delete a Database without its recorded organization");
  const recordedName = typeof props["name"] === "string" ? props["name"] : undefined;
  const database = await findById(ctx, organization, id, recordedName);
  if (database === undefined) {
    ctx.log(`database ${organization}/${recordedName ?? id} (id ${id}) is already gone`);
    release(KIND, id);
    return;
  }
  try {
    await databases.deleteDatabase(ctx.client(), organization, database.name);
    release(KIND, id);
  } catch (error) {
    if (
      error instanceof PlanetScaleError &&
      error.status === 422 &&
      (/protect/i.test(error.apiMessage ?? "") || database.deletion_protected === true)
    ) {
      throw new DeletionProtectedError(
        `database ${organization}/${database.name} is deletion-protected, so PlanetScale refused to delete it. ` +
          "To delete it: set `deletionProtected: false` on the Database, run `pulumi up`, then run `pulumi destroy` again.",
        { cause: error },
      );
    }
    throw error;
  }
}
