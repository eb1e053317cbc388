import type * as pulumi from "@pulumi/pulumi";
import { checkFailures } from "../dynamic/check-failures";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { parseKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { hiddenInputs, userInputs } from "../inputs/props";
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
  const { unknown, parsed } = parseKnown(flavor.schema, flavor.properties, inputs);
  if (!parsed.success) return { inputs: news, failures: checkFailures(parsed.error) };
  const failures = crossCheck(parsed.data, unknown);
  if (failures.length > 0) return { inputs: news, failures };
  const missingOrganization = fillOrganization(ctx, inputs);
  if (missingOrganization.length > 0) return { inputs: news, failures: missingOrganization };
  fillName(inputs, olds, flavor.noun);
  if (unchangedSinceDeployed(olds, inputs)) return { inputs: { ...inputs, ...hiddenInputs(news) } };

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
  return { inputs: { ...inputs, ...hiddenInputs(news) } };
}
