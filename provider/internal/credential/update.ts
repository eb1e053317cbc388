import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { NoLongerExistsError } from "../resource-errors";
import { currentBranchName } from "./branch-ref";
import type { CredentialFlavor } from "./flavor";
import { fetchLive } from "./live";
import { carriedSecret, toOutputs } from "./outputs";
import { resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Nothing of a credential changes in place at PlanetScale (see the flavor's property table): the
 * update records the new inputs, after checking that the credential still exists.
 */
export async function update(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(flavor, news);
  const branchId = String(olds["branchId"]);
  const found = await fetchLive(flavor, ctx, inputs.organization, inputs.database, branchId, id);
  if (found === undefined) {
    throw new NoLongerExistsError(
      `${flavor.noun} ${id} of ${inputs.organization}/${inputs.database} no longer exists (deleted outside Pulumi, or expired). ` +
        "Run `pulumi refresh` and then `pulumi up` to create a new one.",
    );
  }
  const branchName =
    found.branchName ?? (await currentBranchName(ctx, inputs.organization, inputs.database, branchId, olds));
  return {
    outs: toOutputs(
      flavor.properties,
      found,
      inputs,
      { id: branchId, name: branchName },
      carriedSecret(olds),
    ),
  };
}
