import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import { confirmBranchGone } from "../api/gone";
import type { Branch as ApiBranch } from "../api/schemas";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { inputsFromOutputs } from "../inputs/property-table";
import { userInputs } from "../inputs/props";
import { InvalidInputError } from "../resource-errors";
import { BranchInputFields } from "./inputs";
import { type ResolvedBranchInputs, toOutputs } from "./outputs";
import { BRANCH_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/**
 * Refreshes the branch by its id; one deleted outside Pulumi reads as gone once a 404 is proven
 * not to be a missing permission.
 */
export async function read(
  ctx: ProviderContext,
  id: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult> {
  const organization = recordedOrganization(ctx, props) ?? "";
  const database = String(props["database"] ?? "");
  if (!organization || !database) {
    throw new InvalidInputError(
      "cannot read a Branch without its organization and database (pass them as inputs when reading by id)",
    );
  }
  const client = ctx.client();
  let branch: ApiBranch;
  try {
    branch = await branches.getBranch(client, organization, database, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmBranchGone(client, organization, database, error);
      return {};
    }
    throw error;
  }
  const previous = userInputs(props);
  const inputs = {
    ...(BranchInputFields.partial().safeParse(pickInputs(previous)).data ?? {}),
    organization,
    database,
    name: branch.name,
  } as ResolvedBranchInputs;
  const outputs = toOutputs(branch, inputs);
  return { id: branch.id, props: outputs, inputs: inputsFromOutputs(BRANCH_PROPERTIES, outputs, previous) };
}

function pickInputs(props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(BranchInputFields.shape))
    if (props[key] !== undefined && props[key] !== null) out[key] = props[key];
  return out;
}
