import * as branchChanges from "../api/branch-changes";
import * as branches from "../api/branches";
import type { Branch as ApiBranch } from "../api/schemas";
import { PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { inPlaceChange } from "../inputs/property-api";
import { sameClusterSize } from "../inputs/property-diff";
import type { CallsOf } from "../inputs/property-table";
import { InvalidInputError, NotReadyError } from "../resource-errors";
import type { ResolvedBranchInputs } from "./outputs";
import { parametersBody } from "./parameters";
import { BRANCH_PROPERTIES } from "./properties";
import { waitFor } from "./readiness";
import { isReady } from "./ready-state";
import { branchInfo } from "./report";

type Props = Record<string, unknown>;

/**
 * One in-place call: the branch as it is afterwards (`current` when nothing had to change).
 * `recorded` holds what was last applied of the inputs PlanetScale does not report (parameters).
 */
type Step = (
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  current: ApiBranch,
  deadline: number,
  recorded: Props,
) => Promise<ApiBranch>;

/**
 * The table's in-place calls but the rename (`./update` makes it first), in the order
 * {@link settle} makes them: the resize before the settings, which PlanetScale applies to the
 * resized branch. Keyed by the calls the rows of {@link BRANCH_PROPERTIES} name, so a row naming a
 * new call fails the typecheck until its step is here.
 */
const STEPS: { readonly [C in Exclude<CallsOf<typeof BRANCH_PROPERTIES>, "rename">]: Step } = {
  "cluster resize": resize,
  "branch PATCH": patch,
  "safe-migrations call": safeMigrations,
  "parameters change": parameters,
};

/**
 * Brings a branch to the state the inputs ask for: ready, then each in-place input that differs
 * from what PlanetScale reports (cluster size, deletion protection, safe migrations; their defaults
 * when the inputs leave them out), or, for the Postgres parameters PlanetScale does not report on
 * the branch, from what `recorded` says was last applied, by its call.
 */
export async function settle(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  branch: ApiBranch,
  deadline: number,
  recorded: Props,
): Promise<ApiBranch> {
  let current = await ready(ctx, inputs, branch, deadline);
  for (const step of Object.values(STEPS)) current = await step(ctx, inputs, current, deadline, recorded);
  return current;
}

/** Waits until the branch is ready, on the readiness schedule. */
async function ready(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  branch: ApiBranch,
  deadline: number,
): Promise<ApiBranch> {
  if (isReady(branch)) return branch;
  const started = Date.now();
  const current = await waitFor({
    subject: `branch ${inputs.name}`,
    current: branch,
    poll: () => branches.getBranch(ctx.client(), inputs.organization, inputs.database, branch.id),
    isDone: isReady,
    describe: (b) => b.state ?? "not ready",
    deadline,
    ctx,
  });
  if (Date.now() - started > 10_000)
    ctx.log(`branch ${inputs.name} is ready (${formatDuration(Date.now() - started)})`);
  return current;
}

/** Resizes the branch in place (replacing it would lose its data), then waits for the new size. */
async function resize(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  current: ApiBranch,
  deadline: number,
): Promise<ApiBranch> {
  const change = inPlaceChange(BRANCH_PROPERTIES, "cluster resize", inputs, branchInfo(current));
  if (change === undefined) return current;
  // The resize applies one row, so a change carries its one field.
  const body = change.body as Required<typeof change.body>;
  const size = body.cluster_size;
  const client = ctx.client();
  ctx.log(`changing the cluster size of branch ${inputs.name} from ${current.cluster_name} to ${size}`);
  await branches.changeClusterSize(client, inputs.organization, inputs.database, current.id, body);
  return waitFor({
    subject: `the cluster size change of branch ${inputs.name} to ${size}`,
    // Still the old size: the first poll waits one gap after the change was asked for.
    current,
    poll: () => branches.getBranch(client, inputs.organization, inputs.database, current.id),
    isDone: (b) => b.cluster_name != null && sameClusterSize(b.cluster_name, size),
    describe: (b) => `at ${b.cluster_name ?? "an unknown size"}`,
    deadline,
    ctx,
  });
}

/** PATCHes the settings that differ (deletion protection). */
async function patch(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  current: ApiBranch,
): Promise<ApiBranch> {
  const change = inPlaceChange(BRANCH_PROPERTIES, "branch PATCH", inputs, branchInfo(current));
  if (change === undefined) return current;
  return branches.updateBranch(ctx.client(), inputs.organization, inputs.database, current.id, change.body);
}

/** Turns safe migrations on or off; PlanetScale only accepts this once the branch is ready. */
async function safeMigrations(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  current: ApiBranch,
): Promise<ApiBranch> {
  const change = inPlaceChange(BRANCH_PROPERTIES, "safe-migrations call", inputs, branchInfo(current));
  if (change === undefined) return current;
  const enabled = change.values["safeMigrations"] === true;
  return branches.setSafeMigrations(ctx.client(), inputs.organization, inputs.database, current.id, enabled);
}

/**
 * Sets the Postgres parameters that differ from those last applied, by one change request, and
 * waits until PlanetScale has completed it. A refusal (an unknown parameter, a value out of range)
 * names the input.
 */
async function parameters(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  current: ApiBranch,
  deadline: number,
  recorded: Props,
): Promise<ApiBranch> {
  const change = inPlaceChange(BRANCH_PROPERTIES, "parameters change", inputs, {
    parameters: recorded["parameters"] ?? {},
  });
  if (change === undefined || change.body.parameters === undefined) return current;
  const client = ctx.client();
  const { organization, database } = inputs;
  let request: Awaited<ReturnType<typeof branchChanges.requestBranchChange>>;
  try {
    request = await branchChanges.requestBranchChange(client, organization, database, current.id, {
      parameters: parametersBody(change.body.parameters),
    });
  } catch (error) {
    if (error instanceof PlanetScaleError && error.status === 422) {
      throw new InvalidInputError(
        `PlanetScale refused the parameters of branch ${inputs.name}: ${error.apiMessage ?? "422"}. Fix \`parameters\` (its list_parameters names every parameter and its bounds).`,
        { cause: error },
      );
    }
    throw error;
  }
  if (request === undefined) return current;
  ctx.log(`changing the parameters of branch ${inputs.name} (change request ${request.id})`);
  const done = await waitFor({
    subject: `the parameters change of branch ${inputs.name}`,
    current: request,
    poll: () => branchChanges.getBranchChange(client, organization, database, current.id, request.id),
    isDone: (c) => c.state === "completed" || c.state === "canceled",
    describe: (c) => c.state,
    deadline,
    ctx,
  });
  if (done.state === "canceled") {
    throw new NotReadyError(
      `the parameters change of branch ${inputs.name} (request ${request.id}) was canceled before it completed`,
      current,
    );
  }
  return current;
}
