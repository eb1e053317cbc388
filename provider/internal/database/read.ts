import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { inputsFromOutputs } from "../inputs/property-table";
import { userInputs } from "../inputs/props";
import { InvalidInputError } from "../resource-errors";
import { DatabaseInputFields } from "./inputs";
import { findById } from "./lookup";
import { type ResolvedDatabaseInputs, toOutputs } from "./outputs";
import { DATABASE_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/**
 * Refreshes the database by its id (looked up by name, then among the organization's databases,
 * so a rename outside Pulumi is followed). One the organization's databases no longer include
 * reads as gone.
 */
export async function read(
  ctx: ProviderContext,
  id: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult> {
  const organization = recordedOrganization(ctx, props) ?? "";
  if (!organization) {
    throw new InvalidInputError(
      "cannot read a Database without its organization (pass it as an input when reading by id, or set planetscale:organization)",
    );
  }
  const recordedName = typeof props["name"] === "string" ? props["name"] : undefined;
  const database = await findById(ctx, organization, id, recordedName);
  if (database === undefined) return {};
  const previous = userInputs(props);
  const inputs = {
    ...(DatabaseInputFields.partial().safeParse(pickInputs(previous)).data ?? {}),
    organization,
    name: database.name,
  } as ResolvedDatabaseInputs;
  const outputs = toOutputs(database, inputs);
  return {
    id: database.id,
    props: outputs,
    inputs: inputsFromOutputs(DATABASE_PROPERTIES, outputs, previous),
  };
}

function pickInputs(props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(DatabaseInputFields.shape))
    if (props[key] !== undefined && props[key] !== null) out[key] = props[key];
  return out;
}
