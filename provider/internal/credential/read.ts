import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { inputsFromOutputs } from "../inputs/property-table";
import { stringOr, userInputs } from "../inputs/props";
import { InvalidInputError } from "../resource-errors";
import { currentBranchName } from "./branch-ref";
import type { CredentialFlavor } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";
import { fetchLive } from "./live";
import { carriedSecret, toOutputs } from "./outputs";

type Props = Record<string, unknown>;

/**
 * Refreshes the credential and its branch's current name, with one `GET` of the credential (its
 * answer names the branch). One deleted or expired reads as gone (a 404 only once it is proven
 * not to be a missing permission); the plaintext is carried forward.
 */
export async function read(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  id: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult> {
  const previous = userInputs(props);
  const organization = recordedOrganization(ctx, previous);
  const database = stringOr(previous["database"]);
  const branchId = stringOr(previous["branchId"]) ?? stringOr(previous["branch"]);
  if (!organization || !database || !branchId) {
    throw new InvalidInputError(
      `cannot read a ${flavor.resource} without its organization, database and branch (pass them as inputs when reading by id)`,
    );
  }
  const found = await fetchLive(flavor, ctx, organization, database, branchId, id);
  if (found === undefined) return {};
  const echoed = flavor.schema.safeParse(inputsFromOutputs(flavor.properties, previous)).data ?? {};
  const inputs = {
    ...echoed,
    organization,
    database,
    branch: stringOr(previous["branch"]) ?? branchId,
    name: found.name ?? stringOr(previous["name"]) ?? id,
  } as ResolvedCredentialInputs;
  // The credential's answer names its branch: one read per credential, renames included.
  const branch = {
    id: branchId,
    name: found.branchName ?? (await currentBranchName(ctx, organization, database, branchId, previous)),
  };
  const outputs = toOutputs(flavor.properties, found, inputs, branch, carriedSecret(flavor, previous));
  return { id: found.id, props: outputs, inputs: inputsFromOutputs(flavor.properties, outputs) };
}
