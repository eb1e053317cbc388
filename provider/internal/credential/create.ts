import type * as pulumi from "@pulumi/pulumi";
import type { PlanetScaleClient } from "../client/client";
import { ResponseValidationError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { stackOf } from "../inputs/props";
import { recordIntent } from "../ownership/journal";
import { InvalidInputError } from "../resource-errors";
import { resolveBranch } from "./branch-ref";
import { type CredentialPlace, createOnce } from "./create-once";
import type { CredentialFlavor } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";
import { wrongKind } from "./kind-check";
import { type BranchRef, secretOf, toOutputs } from "./outputs";
import { resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Creates the credential on the branch the inputs name, after checking the database's kind; see
 * {@link createOnce} for a create whose answer is lost.
 */
export async function create(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  props: Props,
): Promise<pulumi.dynamic.CreateResult> {
  const inputs = resolved(flavor, props);
  const client = ctx.client();
  const reason = await wrongKind(flavor, ctx, inputs.organization, inputs.database);
  if (reason !== undefined) throw new InvalidInputError(reason);
  const branch = await resolveBranch(client, inputs);
  const stack = stackOf(props);
  const place = { flavor, inputs, branchId: branch.id, branchName: branch.name, stack };
  // Until the create returns or throws, a killed host leaves this record for `recover`.
  const settled = recordIntent(
    client,
    {
      kind: flavor.noun,
      organization: inputs.organization,
      database: inputs.database,
      // As the program gives it (a name or an id), like the engine's record of the create.
      branch: inputs.branch,
      name: inputs.name,
      stack,
    },
    (m) => ctx.log(m),
  );
  try {
    return await createWithSecret(ctx, client, place, inputs, branch);
  } finally {
    settled();
  }
}

/** Creates it and returns its outputs; one created without its secret is deleted again. */
async function createWithSecret(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  place: CredentialPlace,
  inputs: ResolvedCredentialInputs,
  branch: BranchRef,
): Promise<pulumi.dynamic.CreateResult> {
  const { flavor } = place;
  const created = await createOnce(ctx, client, place);
  if (created.secret === undefined || created.username === undefined || created.host === undefined) {
    // Useless without them: never leave it behind.
    await flavor
      .remove(client, inputs.organization, inputs.database, branch.id, created.id)
      .catch(() => undefined);
    throw new ResponseValidationError(
      `PlanetScale created ${flavor.noun} ${created.id} without its plaintext, username or host in the answer; it was deleted again`,
    );
  }
  const secret = secretOf(flavor, created, created.secret, inputs.database);
  return { id: created.id, outs: toOutputs(flavor.properties, created, inputs, branch, secret) };
}
