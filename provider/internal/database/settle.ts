import * as branchChanges from "../api/branch-changes";
import * as branches from "../api/branches";
import * as databases from "../api/databases";
import * as organizations from "../api/organizations";
import type { Database as ApiDatabase } from "../api/schemas";
import { waitFor } from "../branch/readiness";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { inPlaceChange } from "../inputs/property-api";
import { sameClusterSize } from "../inputs/property-diff";
import type { CallsOf } from "../inputs/property-table";
import { InvalidInputError, NotReadyError } from "../resource-errors";
import { databaseInfo, type ResolvedDatabaseInputs } from "./outputs";
import { DATABASE_PROPERTIES } from "./properties";
import { isDatabaseReady } from "./ready-state";
import { where } from "./shared";

type Props = Record<string, unknown>;

/** One in-place call: the database as it is afterwards (`current` when nothing had to change). */
type Step = (
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  current: ApiDatabase,
  recorded: Props,
  deadline: number,
) => Promise<ApiDatabase>;

/**
 * The table's in-place calls but the rename (`./update` makes it first), in the order
 * {@link settle} makes them: the settings (the default branch among them), then the default
 * branch's resize. Keyed by the calls the rows of {@link DATABASE_PROPERTIES} name, so a row
 * naming a new call fails the typecheck until its step is here.
 */
const STEPS: { readonly [C in Exclude<CallsOf<typeof DATABASE_PROPERTIES>, "rename">]: Step } = {
  "settings PATCH": settings,
  "default branch resize": resize,
};

/**
 * Brings a database to the state the inputs ask for: ready, then each setting that differs from
 * what PlanetScale reports (one PATCH for all), then the default branch's size and replicas when
 * they differ from `recorded` (the values last applied: the create request's, or the outputs).
 */
export async function settle(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  database: ApiDatabase,
  recorded: Props,
  deadline: number,
): Promise<ApiDatabase> {
  let current = await ready(ctx, inputs, database, deadline);
  for (const step of Object.values(STEPS)) current = await step(ctx, inputs, current, recorded, deadline);
  return current;
}

/** Waits until the database is ready, on the readiness schedule of branches. */
async function ready(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  database: ApiDatabase,
  deadline: number,
): Promise<ApiDatabase> {
  if (isDatabaseReady(database)) return database;
  const started = Date.now();
  const current = await waitFor({
    subject: `database ${where(inputs)}`,
    current: database,
    poll: () => organizations.getDatabase(ctx.client(), inputs.organization, database.name),
    isDone: isDatabaseReady,
    describe: (d) => d.state ?? "not ready",
    deadline,
    ctx,
  });
  if (Date.now() - started > 10_000)
    ctx.log(`database ${where(inputs)} is ready (${formatDuration(Date.now() - started)})`);
  return current;
}

/**
 * PATCHes the settings that differ from what PlanetScale reports. A setting PlanetScale reports as
 * null has never been set (a migration framework, automatic migrations): it differs from any
 * value the program asks for.
 */
async function settings(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  current: ApiDatabase,
): Promise<ApiDatabase> {
  const reported = Object.fromEntries(Object.entries(databaseInfo(current)).map(([k, v]) => [k, v ?? ""]));
  const change = inPlaceChange(DATABASE_PROPERTIES, "settings PATCH", inputs, reported);
  if (change === undefined) return current;
  return databases.updateDatabaseSettings(ctx.client(), inputs.organization, current.name, change.body);
}

/**
 * Resizes the default branch in place when the size or replicas asked for differ from `recorded`,
 * then waits until it has them: a Vitess branch through `PATCH …/cluster` (reporting the new
 * `cluster_name` when done), a Postgres one through a change request (polled until `completed`).
 */
async function resize(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  current: ApiDatabase,
  recorded: Props,
  deadline: number,
): Promise<ApiDatabase> {
  const change = inPlaceChange(DATABASE_PROPERTIES, "default branch resize", inputs, recorded);
  if (change === undefined) return current;
  const client = ctx.client();
  const branch = current.default_branch ?? "main";
  const subject = `the default branch ${branch} of database ${where(inputs)}`;
  const { cluster_size: size, replicas } = change.body;
  if (current.kind !== "postgresql") {
    if (replicas !== undefined) {
      throw new InvalidInputError(
        `replicas of a MySQL (Vitess) database cannot change in place: ${where(inputs)} keeps the replicas it was created with`,
      );
    }
    if (size === undefined) return current;
    ctx.log(`changing the cluster size of ${subject} to ${size}`);
    await branches.changeClusterSize(client, inputs.organization, current.name, branch, {
      cluster_size: size,
    });
    await waitFor({
      subject: `the cluster size change of ${subject} to ${size}`,
      current: await branches.getBranch(client, inputs.organization, current.name, branch),
      poll: () => branches.getBranch(client, inputs.organization, current.name, branch),
      isDone: (b) => b.cluster_name != null && sameClusterSize(b.cluster_name, size),
      describe: (b) => `at ${b.cluster_name ?? "an unknown size"}`,
      deadline,
      ctx,
    });
    return current;
  }
  ctx.log(`changing ${subject}: ${Object.keys(change.values).join(" and ")}`);
  const request = await branchChanges.requestBranchChange(client, inputs.organization, current.name, branch, {
    cluster_size: size,
    replicas,
  });
  if (request === undefined) return current;
  const done = await waitFor({
    subject: `the change of ${subject}`,
    current: request,
    poll: () => branchChanges.getBranchChange(client, inputs.organization, current.name, branch, request.id),
    isDone: (c) => c.state === "completed" || c.state === "canceled",
    describe: (c) => c.state,
    deadline,
    ctx,
  });
  if (done.state === "canceled") {
    throw new NotReadyError(
      `the change of ${subject} (request ${request.id}) was canceled before it completed`,
      done,
    );
  }
  return current;
}
