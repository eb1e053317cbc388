import * as branches from "../api/branches";
import type { Branch as ApiBranch } from "../api/schemas";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { sameClusterSize } from "../inputs/property-diff";
import type { ResolvedBranchInputs } from "./outputs";
import { BRANCH_PROPERTIES } from "./properties";
import { waitFor } from "./readiness";
import { isReady } from "./report";

/**
 * Brings a branch to the state the inputs ask for: ready, then its cluster size, deletion
 * protection and safe migrations (their defaults when the inputs leave them out).
 */
export async function settle(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  branch: ApiBranch,
  deadline: number,
): Promise<ApiBranch> {
  const client = ctx.client();
  const { organization, database } = inputs;
  let current = branch;
  if (!isReady(current)) {
    const started = Date.now();
    current = await waitFor({
      subject: `branch ${inputs.name}`,
      current,
      poll: () => branches.getBranch(client, organization, database, branch.id),
      isDone: isReady,
      describe: (b) => b.state ?? "not ready",
      deadline,
      ctx,
    });
    if (Date.now() - started > 10_000)
      ctx.log(`branch ${inputs.name} is ready (${formatDuration(Date.now() - started)})`);
  }
  const size = inputs.clusterSize;
  if (size !== undefined && current.cluster_name != null && !sameClusterSize(current.cluster_name, size)) {
    // Resized in place: replacing the branch would lose its data.
    ctx.log(`changing the cluster size of branch ${inputs.name} from ${current.cluster_name} to ${size}`);
    await branches.changeClusterSize(client, organization, database, current.id, size);
    current = await waitFor({
      subject: `the cluster size change of branch ${inputs.name} to ${size}`,
      // Still the old size: the first poll waits one gap after the change was asked for.
      current,
      poll: () => branches.getBranch(client, organization, database, branch.id),
      isDone: (b) => b.cluster_name != null && sameClusterSize(b.cluster_name, size),
      describe: (b) => `at ${b.cluster_name ?? "an unknown size"}`,
      deadline,
      ctx,
    });
  }
  const deletionProtected = inputs.deletionProtected ?? BRANCH_PROPERTIES.deletionProtected.input.default;
  if (Boolean(current.deletion_protected) !== deletionProtected) {
    current = await branches.updateBranch(client, organization, database, current.id, {
      deletion_protected: deletionProtected,
    });
  }
  // PlanetScale only accepts this once the branch is ready.
  const safeMigrations = inputs.safeMigrations ?? BRANCH_PROPERTIES.safeMigrations.input.default;
  if (Boolean(current.safe_migrations) !== safeMigrations) {
    current = await branches.setSafeMigrations(client, organization, database, current.id, safeMigrations);
  }
  return current;
}
