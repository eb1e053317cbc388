import type * as pulumi from "@pulumi/pulumi";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { validateKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { hiddenInputs, userInputs } from "../inputs/props";
import { isUnknown } from "../inputs/unknown";
import { declaredDatabase } from "../preflight/declared";
import { type DatabaseUse, verifyDatabase, verifyOrganization } from "../preflight/preflight";
import { ApiTokenInputs, crossCheck } from "./inputs";
import { API_TOKEN_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/** Name prefix of generated token names when neither `name` nor `namePrefix` is given. */
const DEFAULT_NAME_PREFIX = "token";

/** How a token's `databases` is named in a preflight message. */
const TOKEN_DATABASE_USE: DatabaseUse = {
  property: "databases",
  accesses: "the credential must see a database to grant a token accesses on it",
};

/**
 * Validates the inputs (the known ones, at preview), fills in the organization and the name, then
 * checks the organization and each named database against PlanetScale.
 */
export async function check(
  ctx: ProviderContext,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.CheckResult> {
  const inputs = { ...userInputs(news) };
  // Every problem at once: the schema's, the rules across the valid inputs, a missing organization.
  const { unknown, data, failures } = validateKnown(ApiTokenInputs, API_TOKEN_PROPERTIES, inputs);
  if (data !== undefined) failures.push(...crossCheck(data, unknown, Date.now()));
  failures.push(...fillOrganization(ctx, inputs));
  if (failures.length > 0) return { inputs: news, failures };
  fillName(inputs, olds, DEFAULT_NAME_PREFIX);
  if (unchangedSinceDeployed(olds, inputs, API_TOKEN_PROPERTIES))
    return { inputs: { ...inputs, ...hiddenInputs(news) } };
  // Valid inputs only: a wrong credential or organization fails the preview, not only the update.
  if (!isUnknown(inputs["organization"])) {
    const organization = String(inputs["organization"]);
    const client = ctx.client();
    await verifyOrganization(client, organization);
    // Each named database once per process (cached), so an unreachable one fails the preview too.
    // Unknown entries are checked once known; the parse above proved the known ones are names. A
    // database a Database resource of this run declares was checked by that resource.
    const databases = isUnknown(inputs["databases"]) ? [] : ((inputs["databases"] as unknown[]) ?? []);
    await Promise.all(
      databases
        .filter((d): d is string => typeof d === "string" && !isUnknown(d))
        .filter((d) => declaredDatabase(organization, d) === undefined)
        .map((d) => verifyDatabase(client, organization, d, TOKEN_DATABASE_USE)),
    );
  }
  return { inputs: { ...inputs, ...hiddenInputs(news) } };
}
