import type * as pulumi from "@pulumi/pulumi";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { validateKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { hiddenInputs, userInputs } from "../inputs/props";
import { isUnknown } from "../inputs/unknown";
import { declaredDatabase } from "../preflight/declared";
import { verifyDatabase } from "../preflight/preflight";
import { BranchInputs } from "./inputs";
import { kindFailures } from "./kind-check";
import { BRANCH_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/**
 * Validates the inputs (the known ones, at preview), fills in the organization and the name, then
 * checks the inputs one kind of database accepts and the database itself against PlanetScale.
 */
export async function check(
  ctx: ProviderContext,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.CheckResult> {
  const inputs = { ...userInputs(news) };
  // Every problem at once: the schema's, and a missing organization.
  const { failures } = validateKnown(BranchInputs, BRANCH_PROPERTIES, inputs);
  failures.push(...fillOrganization(ctx, inputs));
  if (failures.length > 0) return { inputs: news, failures };
  fillName(inputs, olds, "branch");
  if (unchangedSinceDeployed(olds, inputs, BRANCH_PROPERTIES))
    return { inputs: { ...inputs, ...hiddenInputs(news) } };
  // Without credentials, or when PlanetScale is unreachable, create checks again.
  const wrongKind = await kindFailures(ctx, inputs).catch(() => []);
  if (wrongKind.length > 0) return { inputs: news, failures: wrongKind };
  // Valid inputs only: a wrong credential or database fails the preview, not only the update. A
  // database a Database resource of this run declares was checked by that resource.
  const organization = inputs["organization"];
  const database = inputs["database"];
  if (!isUnknown(organization) && !isUnknown(database)) {
    if (declaredDatabase(String(organization), String(database)) === undefined) {
      await verifyDatabase(ctx.client(), String(organization), String(database));
    }
  }
  return { inputs: { ...inputs, ...hiddenInputs(news) } };
}
