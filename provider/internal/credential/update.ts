import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { inPlaceChange } from "../inputs/property-api";
import { NoLongerExistsError } from "../resource-errors";
import { currentBranchName } from "./branch-ref";
import type { CredentialFlavor } from "./flavor";
import { fetchLive } from "./live";
import { carriedSecret, toOutputs } from "./outputs";
import type { BRANCH_PASSWORD_PROPERTIES, BRANCH_ROLE_PROPERTIES } from "./properties";
import { resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Applies the in-place changes the flavor's property table names (a rename; a password's `cidrs`;
 * a role's query safety) with one `PATCH …/{id}` of what differs from the live credential: same
 * id, user name and secret. The other in-place inputs make no call (rotation window, name prefix,
 * what is used at delete) and are only recorded; it fails first if the credential no longer exists.
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
  let found = await fetchLive(flavor, ctx, inputs.organization, inputs.database, branchId, id);
  if (found === undefined) {
    throw new NoLongerExistsError(
      `${flavor.noun} ${id} of ${inputs.organization}/${inputs.database} no longer exists (deleted outside Pulumi, or expired). ` +
        "Run `pulumi refresh` and then `pulumi up` to create a new one.",
    );
  }
  const table = flavor.properties as typeof BRANCH_PASSWORD_PROPERTIES | typeof BRANCH_ROLE_PROPERTIES;
  const change = inPlaceChange(table, "update", inputs, found.fields);
  if (change !== undefined) {
    ctx.log(`updating ${flavor.noun} ${id} in place: ${Object.keys(change.values).join(", ")}`);
    found = await flavor.update(
      ctx.client(),
      inputs.organization,
      inputs.database,
      branchId,
      id,
      change.body as Record<string, unknown>,
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
      carriedSecret(flavor, olds),
    ),
  };
}
