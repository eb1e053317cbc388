import type * as pulumi from "@pulumi/pulumi";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { validateKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { userInputs } from "../inputs/props";
import { isUnknown } from "../inputs/unknown";
import type { CredentialFlavor } from "./flavor";
import { crossCheck } from "./inputs";
import { wrongKind } from "./kind-check";

type Props = Record<string, unknown>;

/**
 * Validates the inputs (the known ones, at preview), fills in the organization and the name, then
 * checks that the database is of the flavor's kind.
 */
export async function check(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.CheckResult> {
  const inputs = { ...userInputs(news) };
  // Every problem at once: the schema's, the rules across the valid inputs, a missing organization.
  const { unknown, data, failures } = validateKnown(flavor.schema, flavor.properties, inputs);
  if (data !== undefined) failures.push(...crossCheck(data, unknown));
  failures.push(...fillOrganization(ctx, inputs));
  if (failures.length > 0) return { inputs: news, failures };
  fillName(inputs, olds, flavor.noun);
  if (unchangedSinceDeployed(olds, inputs, flavor.properties))
    return { inputs: { ...inputs, __provider: news["__provider"] } };

  // Only now, with valid inputs, one API call (cached per database): is it the right kind?
  const organization = inputs["organization"];
  const database = inputs["database"];
  if (
    typeof organization === "string" &&
    typeof database === "string" &&
    !isUnknown(organization) &&
    !isUnknown(database)
  ) {
    const reason = await wrongKind(flavor, ctx, organization, database).catch(() => undefined);
    // Without credentials, or when PlanetScale is unreachable, create checks again.
    if (reason !== undefined) return { inputs: news, failures: [{ property: "database", reason }] };
  }
  return { inputs: { ...inputs, __provider: news["__provider"] } };
}
