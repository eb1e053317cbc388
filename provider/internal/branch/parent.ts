import * as branches from "../api/branches";
import * as organizations from "../api/organizations";
import type { PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { BranchNotFoundError } from "../resource-errors";
import type { ResolvedBranchInputs } from "./outputs";
import { waitFor } from "./readiness";
import { isReady } from "./ready-state";
import { findBranch, where } from "./shared";

/**
 * After PlanetScale refused a create: reads the parent (the database's default branch when
 * `parentBranch` is unset). Throws a clear error when it does not exist; waits until it is ready
 * and answers "now ready" when it was still being created; answers "ready" when the parent is not
 * the problem.
 */
export async function parentProblem(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  deadline: number,
  refusal: PlanetScaleError,
): Promise<"ready" | "now ready"> {
  const client = ctx.client();
  const parentName =
    inputs.parentBranch ??
    (await organizations.getDatabase(client, inputs.organization, inputs.database)).default_branch;
  if (!parentName) return "ready";
  const parent = await findBranch(client, inputs, parentName);
  if (!parent) {
    throw new BranchNotFoundError(
      `parentBranch '${parentName}' does not exist in ${where(inputs)} (or the credential cannot see it), so PlanetScale refused to create the branch: create it first or fix parentBranch`,
      { cause: refusal },
    );
  }
  if (isReady(parent)) return "ready";
  ctx.log(
    `parent branch ${parentName} of ${where(inputs)} is ${parent.state ?? "not ready"}; waiting for it`,
  );
  await waitFor({
    subject: `parent branch ${parentName} of ${where(inputs)}`,
    current: parent,
    poll: () => branches.getBranch(client, inputs.organization, inputs.database, parentName),
    isDone: isReady,
    describe: (b) => b.state ?? "not ready",
    deadline,
    ctx,
  });
  return "now ready";
}
