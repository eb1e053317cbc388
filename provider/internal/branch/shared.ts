import * as branches from "../api/branches";
import type { Branch as ApiBranch } from "../api/schemas";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError } from "../client/errors";
import { resolvedInputs } from "../inputs/props";
import { BranchInputs } from "./inputs";
import type { ResolvedBranchInputs } from "./outputs";

/** Registry kind of branches (see `run-registry`). */
export const KIND = "branch";

/** The inputs after `check`, parsed again: `check` filled in the organization and the name. */
export function resolved(props: Record<string, unknown>): ResolvedBranchInputs {
  return resolvedInputs(BranchInputs, props, "Branch");
}

/** How messages name a branch's database: "acme/app". */
export function where(inputs: { organization: string; database: string }): string {
  return `${inputs.organization}/${inputs.database}`;
}

/** How other resources and messages refer to the resource creating this branch. */
export function ownerOf(inputs: ResolvedBranchInputs): string {
  return `the Branch named '${inputs.name}' (${where(inputs)})`;
}

/** The branch by name or id in the inputs' database, or undefined when PlanetScale answers 404. */
export async function findBranch(
  client: PlanetScaleClient,
  inputs: ResolvedBranchInputs,
  nameOrId: string,
): Promise<ApiBranch | undefined> {
  try {
    return await branches.getBranch(client, inputs.organization, inputs.database, nameOrId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
