import type { Branch as ApiBranch } from "../api/schemas";
import type { ProviderContext } from "../dynamic/resource-implementation";
import {
  otherStackClaim as claimOf,
  type OtherStackClaim,
  type SubjectQuery,
} from "../ownership/other-stacks";
import type { ResolvedBranchInputs } from "./outputs";

/** How the state backend's stacks name a branch's create (`subjects.ts`). */
export function branchQuery(inputs: ResolvedBranchInputs): SubjectQuery {
  return { kind: "branch", organization: inputs.organization, database: inputs.database, name: inputs.name };
}

/**
 * Whether another stack of the state backend holds `found` or is creating a branch of its name
 * (`by`, in words; undefined when none does), read after `found` was: or, when the backend cannot
 * be read, why not and how to check by hand.
 */
export function otherStackClaim(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  found: ApiBranch,
  stack: string | undefined,
): Promise<OtherStackClaim> {
  return claimOf(ctx, branchQuery(inputs), found.id, stack);
}
