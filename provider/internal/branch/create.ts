import type * as pulumi from "@pulumi/pulumi";
import type { Branch as ApiBranch } from "../api/schemas";
import { PartialCreateError } from "../dynamic/partial-create";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { stackOf } from "../inputs/props";
import { readyTimeoutMs } from "../inputs/ready-timeout";
import { recordIntent } from "../ownership/journal";
import { claim } from "../ownership/run-registry";
import {
  ClaimedByStackError,
  InvalidInputError,
  NotReadyError,
  OwnershipUnprovenError,
} from "../resource-errors";
import { createOnce } from "./create-once";
import { kindFailures } from "./kind-check";
import { otherStackClaim } from "./other-stacks";
import { type ResolvedBranchInputs, toOutputs } from "./outputs";
import { settle } from "./settle";
import { findBranch, KIND, ownerOf, resolved, where } from "./shared";

type Props = Record<string, unknown>;

/**
 * Creates the branch (or, with `adopt`, takes over the one of that name), then waits until it is
 * ready and applies what the create request cannot set; see {@link createOnce} for a create whose
 * answer is lost.
 */
export async function create(ctx: ProviderContext, props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = resolved(props);
  const client = ctx.client();
  const deadline = Date.now() + readyTimeoutMs(inputs);
  const [wrongKind] = await kindFailures(ctx, inputs);
  if (wrongKind) throw new InvalidInputError(wrongKind.reason);

  const stack = stackOf(props);
  if (inputs.adopt) {
    const existing = await findBranch(client, inputs, inputs.name);
    if (existing) {
      await refuseAdoptingAnotherStacks(ctx, inputs, existing, stack);
      const owner = claim(KIND, existing.id, ownerOf(inputs));
      if (owner !== undefined) {
        throw new OwnershipUnprovenError(
          `cannot adopt branch '${inputs.name}' of ${where(inputs)} (id ${existing.id}): ${owner} of this stack manages it already. Two resources cannot manage one branch: give one of them another \`name\`.`,
        );
      }
      ctx.log(`adopting existing branch ${inputs.name} of ${where(inputs)} (id ${existing.id})`);
      return finishCreate(ctx, inputs, existing, deadline, props);
    }
  }

  // Until the create returns or throws, a killed host leaves this record for `recover`.
  const settled = recordIntent(
    client,
    { kind: KIND, organization: inputs.organization, database: inputs.database, name: inputs.name, stack },
    (m) => ctx.log(m),
  );
  try {
    const created = await createOnce(ctx, inputs, deadline, stack);
    return await finishCreate(ctx, inputs, created, deadline, props);
  } finally {
    settled();
  }
}

/**
 * `adopt: true` takes over a branch only if no other stack of the state backend holds it or is
 * creating one of its name: two stacks must never manage one branch. Without that evidence it
 * refuses, saying how to check by hand.
 */
async function refuseAdoptingAnotherStacks(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  existing: ApiBranch,
  stack: string | undefined,
): Promise<void> {
  const claimed = await otherStackClaim(ctx, inputs, existing, stack);
  const subject = `branch '${inputs.name}' of ${where(inputs)} (id ${existing.id})`;
  if ("unreadable" in claimed) {
    throw new OwnershipUnprovenError(
      `cannot adopt ${subject}: whether another stack of this state backend holds it or is creating it could not be read (${claimed.unreadable}); nothing was taken over. ` +
        `Check with ${claimed.check}, and run \`pulumi up\` again once the backend can be read.`,
    );
  }
  if (claimed.by !== undefined) {
    throw new ClaimedByStackError(
      `cannot adopt ${subject}: ${claimed.by}; two stacks must never manage one branch, so nothing was taken over. ` +
        "Give this stack's branch another `name`; or, to move the branch to this stack, first remove it from that stack's state there (`pulumi state delete <urn>`, which leaves it in PlanetScale).",
    );
  }
}

/** Waits for readiness, then applies safe migrations. Any failure now leaves a recorded partial create. */
async function finishCreate(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  branch: ApiBranch,
  deadline: number,
  props: Props,
): Promise<pulumi.dynamic.CreateResult> {
  let current = branch;
  try {
    // Nothing PlanetScale does not report has been applied to a new or adopted branch yet.
    current = await settle(ctx, inputs, branch, deadline, { parameters: {} });
    return { id: current.id, outs: toOutputs(current, inputs) };
  } catch (error) {
    const last = error instanceof NotReadyError ? (error.last as ApiBranch) : current;
    const properties = { ...toOutputs(last, inputs), __provider: props["__provider"] };
    throw new PartialCreateError(
      `branch ${inputs.name} of ${where(inputs)} was created (id ${current.id}) but did not finish. ` +
        "Pulumi has recorded it; the next `pulumi up` continues waiting (raise `readyTimeout` for slow restores).",
      current.id,
      properties,
      { cause: error },
    );
  }
}
