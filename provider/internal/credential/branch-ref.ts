import * as branches from "../api/branches";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { stringOr } from "../inputs/props";
import { quoted } from "../inputs/text";
import { BranchNotFoundError } from "../resource-errors";
import type { ResolvedCredentialInputs } from "./inputs";
import type { BranchRef } from "./outputs";

type Props = Record<string, unknown>;

/**
 * Why PlanetScale has no such branch in that database, and the fix: the same words at preview (a
 * check failure of `branch`) and at create.
 */
export function branchNotFound(organization: string, database: string, branch: string): string {
  return (
    `branch ${quoted(branch)} does not exist in ${organization}/${database}, or the credential cannot see it (PlanetScale ` +
    "answers 404 for both, and for a branch of another database): create it first (pass the Branch resource, which " +
    "Pulumi creates before the credential), or set `database` to the database the branch belongs to"
  );
}

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
      throw new BranchNotFoundError(branchNotFound(inputs.organization, inputs.database, inputs.branch), {
        cause: error,
      });
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
