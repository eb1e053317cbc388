import * as branches from "../api/branches";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { stringOr } from "../inputs/props";
import { BranchNotFoundError } from "../resource-errors";
import type { ResolvedCredentialInputs } from "./inputs";
import type { BranchRef } from "./outputs";

type Props = Record<string, unknown>;

/** The branch the inputs name (a name or an id), refused with the fix when it does not exist. */
export async function resolveBranch(
  client: PlanetScaleClient,
  inputs: ResolvedCredentialInputs,
): Promise<BranchRef> {
  try {
    const branch = await branches.getBranch(client, inputs.organization, inputs.database, inputs.branch);
    return { id: branch.id, name: branch.name };
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new BranchNotFoundError(
        `branch '${inputs.branch}' does not exist in ${inputs.organization}/${inputs.database} (or the credential cannot see it): ` +
          "create it first, or fix `branch` (a branch name, its id, or the Branch resource)",
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The branch may have been renamed in place since: its current name is worth reporting. Asked of
 * PlanetScale only when the credential's own answer did not name it.
 */
export async function currentBranchName(
  ctx: ProviderContext,
  organization: string,
  database: string,
  branchId: string,
  previous: Props,
): Promise<string> {
  try {
    return (await branches.getBranch(ctx.client(), organization, database, branchId)).name;
  } catch {
    return stringOr(previous["branchName"]) ?? stringOr(previous["branch"]) ?? branchId;
  }
}
