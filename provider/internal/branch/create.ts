import type * as pulumi from "@pulumi/pulumi";
import type { Branch as ApiBranch } from "../api/schemas";
import { PartialCreateError } from "../dynamic/partial-create";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { readyTimeoutMs } from "../inputs/ready-timeout";
import { recordIntent } from "../ownership/journal";
import { claim } from "../ownership/run-registry";
import { InvalidInputError, NotReadyError, OwnershipUnprovenError } from "../resource-errors";
import { createOnce } from "./create-once";
import { kindFailures } from "./kind-check";
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

  if (inputs.adopt) {
    const existing = await findBranch(client, inputs, inputs.name);
    if (existing) {
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
    { kind: KIND, organization: inputs.organization, database: inputs.database, name: inputs.name },
    (m) => ctx.log(m),
  );
  try {
    const created = await createOnce(ctx, inputs, deadline);
    return await finishCreate(ctx, inputs, created, deadline, props);
  } finally {
    settled();
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
