import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import type { Database as ApiDatabase } from "../api/schemas";
import { PartialCreateError } from "../dynamic/partial-create";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { stackOf } from "../inputs/props";
import { readyTimeoutMs } from "../inputs/ready-timeout";
import { recordIntent } from "../ownership/journal";
import { otherStackClaim } from "../ownership/other-stacks";
import { claim } from "../ownership/run-registry";
import { ClaimedByStackError, NotReadyError, OwnershipUnprovenError } from "../resource-errors";
import { createOnce } from "./create-once";
import { type ResolvedDatabaseInputs, toOutputs } from "./outputs";
import { settle } from "./settle";
import { findDatabase, KIND, ownerOf, resolved, where } from "./shared";

type Props = Record<string, unknown>;

/**
 * Creates the database (or, with `adopt`, takes over the one of that name), then waits until it
 * is ready and applies the settings the create request cannot carry; see {@link createOnce} for a
 * create whose answer is lost.
 */
export async function create(ctx: ProviderContext, props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = resolved(props);
  const client = ctx.client();
  const deadline = Date.now() + readyTimeoutMs(inputs);

  if (inputs.adopt) {
    const existing = await findDatabase(client, inputs.organization, inputs.name);
    if (existing) {
      await refuseAdoptingAnotherStacks(ctx, inputs, existing, stackOf(props));
      const owner = claim(KIND, existing.id, ownerOf(inputs));
      if (owner !== undefined) {
        throw new OwnershipUnprovenError(
          `cannot adopt database '${inputs.name}' of ${inputs.organization} (id ${existing.id}): ${owner} of this stack manages it already. Two resources cannot manage one database: give one of them another \`name\`.`,
        );
      }
      ctx.log(`adopting existing database ${where(inputs)} (id ${existing.id})`);
      return finishCreate(ctx, inputs, existing, await adoptedSize(ctx, inputs, existing), deadline, props);
    }
  }

  // Until the create returns or throws, a killed host leaves this record for `recover`.
  const settled = recordIntent(
    client,
    { kind: KIND, organization: inputs.organization, name: inputs.name, stack: stackOf(props) },
    (m) => ctx.log(m),
  );
  try {
    const created = await createOnce(ctx, inputs, stackOf(props));
    // The create request carried the size and replicas: nothing to resize.
    return await finishCreate(ctx, inputs, created, inputs, deadline, props);
  } finally {
    settled();
  }
}

/**
 * `adopt: true` takes over a database only if no other stack of the state backend holds it or is
 * creating one of its name: two stacks must never manage one database. Without that evidence it
 * refuses, saying how to check by hand.
 */
async function refuseAdoptingAnotherStacks(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  existing: ApiDatabase,
  stack: string | undefined,
): Promise<void> {
  const query = { kind: "database", organization: inputs.organization, name: inputs.name } as const;
  const claimed = await otherStackClaim(ctx, query, existing.id, stack);
  const subject = `database '${inputs.name}' of ${inputs.organization} (id ${existing.id})`;
  if ("unreadable" in claimed) {
    throw new OwnershipUnprovenError(
      `cannot adopt ${subject}: whether another stack of this state backend holds it or is creating it could not be read (${claimed.unreadable}); nothing was taken over. ` +
        `Check with ${claimed.check}, and run \`pulumi up\` again once the backend can be read.`,
    );
  }
  if (claimed.by !== undefined) {
    throw new ClaimedByStackError(
      `cannot adopt ${subject}: ${claimed.by}; two stacks must never manage one database, so nothing was taken over. ` +
        "Give this stack's database another `name`; or, to move the database to this stack, first remove it from that stack's state there (`pulumi state delete <urn>`, which leaves it in PlanetScale).",
    );
  }
}

/**
 * What an adopted database's default branch has, as far as the program asks: its size (the
 * database does not report it), so that a different `clusterSize` resizes it. Replicas are not
 * reported at all, so an adopted database keeps its own.
 */
async function adoptedSize(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  database: ApiDatabase,
): Promise<Props> {
  if (inputs.clusterSize === undefined) return {};
  const main = await branches.getBranch(
    ctx.client(),
    inputs.organization,
    database.name,
    database.default_branch ?? "main",
  );
  return { clusterSize: main.cluster_name ?? undefined };
}

/** Waits for readiness, then applies the settings. Any failure now leaves a recorded partial create. */
async function finishCreate(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  database: ApiDatabase,
  recorded: Props,
  deadline: number,
  props: Props,
): Promise<pulumi.dynamic.CreateResult> {
  try {
    const current = await settle(ctx, inputs, database, recorded, deadline);
    return { id: current.id, outs: toOutputs(current, inputs) };
  } catch (error) {
    const last =
      error instanceof NotReadyError && (error.last as ApiDatabase | undefined)?.id === database.id
        ? (error.last as ApiDatabase)
        : database;
    const properties = { ...toOutputs(last, inputs), __provider: props["__provider"] };
    throw new PartialCreateError(
      `database ${where(inputs)} was created (id ${database.id}) but did not finish. ` +
        "Pulumi has recorded it; the next `pulumi up` continues (raise `readyTimeout` if PlanetScale needs longer).",
      database.id,
      properties,
      { cause: error },
    );
  }
}
