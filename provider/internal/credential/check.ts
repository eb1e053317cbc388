import type * as pulumi from "@pulumi/pulumi";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { validateKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { hiddenInputs, userInputs } from "../inputs/props";
import type { CredentialFlavor } from "./flavor";
import { crossCheck } from "./inputs";
import { preflight } from "./preflight";

type Props = Record<string, unknown>;

/**
 * Validates the inputs (the known ones, at preview), fills in the organization and the name, then
 * checks the database and the branch against PlanetScale ({@link preflight}).
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
    return { inputs: { ...inputs, ...hiddenInputs(news) } };

  // Only now, with valid inputs: the database and the branch, asked of PlanetScale.
  const wrong = await preflight(flavor, ctx, olds, inputs);
  if (wrong.length > 0) return { inputs: news, failures: wrong };
  return { inputs: { ...inputs, ...hiddenInputs(news) } };
}
