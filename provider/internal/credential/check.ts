import type * as pulumi from "@pulumi/pulumi";
import { checkFailures } from "../dynamic/check-failures";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { parseKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { userInputs } from "../inputs/props";
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
  const { unknown, parsed } = parseKnown(flavor.schema, flavor.properties, inputs);
  if (!parsed.success) return { inputs: news, failures: checkFailures(parsed.error) };
  const failures = crossCheck(parsed.data, unknown);
  if (failures.length > 0) return { inputs: news, failures };
  const missingOrganization = fillOrganization(ctx, inputs);
  if (missingOrganization.length > 0) return { inputs: news, failures: missingOrganization };
  fillName(inputs, olds, flavor.noun);
  if (unchangedSinceDeployed(olds, inputs)) return { inputs: { ...inputs, __provider: news["__provider"] } };

  // Only now, with valid inputs: the database and the branch, asked of PlanetScale.
  const wrong = await preflight(flavor, ctx, olds, inputs);
  if (wrong.length > 0) return { inputs: news, failures: wrong };
  return { inputs: { ...inputs, __provider: news["__provider"] } };
}
