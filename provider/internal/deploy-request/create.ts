import type * as pulumi from "@pulumi/pulumi";
import type { DeployRequest } from "../api/deploy-request-schemas";
import { PartialCreateError } from "../dynamic/partial-create";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { stackOf } from "../inputs/props";
import { recordIntent } from "../ownership/journal";
import { InvalidInputError } from "../resource-errors";
import { createOnce } from "./create-once";
import { type DeployContext, deployAndWait, untilChecked } from "./deploy";
import { deployTimeoutMs } from "./inputs";
import { kindFailures } from "./kind-check";
import { toOutputs } from "./outputs";
import { describe, KIND, resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Opens the deploy request (see {@link createOnce} for an answer that is lost), waits while
 * PlanetScale checks it, and with `deploy: true` deploys it and waits until it is live. Once it is
 * open, a failure is recorded as a partial create: Pulumi keeps it (so `destroy` closes it), and the
 * next `pulumi up` goes on from where it stopped.
 */
export async function create(ctx: ProviderContext, props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = resolved(props);
  const client = ctx.client();
  const d: DeployContext = { ctx, client, inputs, deadline: Date.now() + deployTimeoutMs(inputs) };
  const [wrongKind] = await kindFailures(ctx, inputs);
  if (wrongKind) throw new InvalidInputError(wrongKind.reason);
  const stack = stackOf(props);
  // Until the create returns or throws, a killed host leaves this record for `recover`.
  const settled = recordIntent(
    client,
    {
      kind: KIND,
      organization: inputs.organization,
      database: inputs.database,
      branch: inputs.branch,
      name: inputs.branch,
      stack,
    },
    (m) => ctx.log(m),
  );
  let opened: DeployRequest;
  try {
    opened = await createOnce(ctx, client, inputs, stack);
  } finally {
    settled();
  }
  let current = opened;
  try {
    current = await untilChecked(d, current);
    if (inputs.deploy === true) current = await deployAndWait(d, current);
    return { id: current.id, outs: toOutputs(current, inputs) };
  } catch (error) {
    throw new PartialCreateError(
      `${describe({ ...inputs, intoBranch: current.into_branch }, current.number)} was opened, then stopped. ` +
        "Pulumi has recorded it; the next `pulumi up` goes on, and `pulumi destroy` closes it.",
      current.id,
      { ...toOutputs(current, inputs), __provider: props["__provider"] },
      { cause: error },
    );
  }
}
