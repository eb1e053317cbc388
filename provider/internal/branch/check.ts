import type * as pulumi from "@pulumi/pulumi";
import { checkFailures } from "../dynamic/check-failures";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { parseKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { hiddenInputs, userInputs } from "../inputs/props";
import { isUnknown } from "../inputs/unknown";
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
  const { parsed } = parseKnown(BranchInputs, BRANCH_PROPERTIES, inputs);
  if (!parsed.success) return { inputs: news, failures: checkFailures(parsed.error) };

  const missingOrganization = fillOrganization(ctx, inputs);
  if (missingOrganization.length > 0) return { inputs: news, failures: missingOrganization };
  fillName(inputs, olds, "branch");
  if (unchangedSinceDeployed(olds, inputs)) return { inputs: { ...inputs, ...hiddenInputs(news) } };
  // Without credentials, or when PlanetScale is unreachable, create checks again.
  const wrongKind = await kindFailures(ctx, inputs).catch(() => []);
  if (wrongKind.length > 0) return { inputs: news, failures: wrongKind };
  // Valid inputs only: a wrong credential or database fails the preview, not only the update.
  if (!isUnknown(inputs["organization"]) && !isUnknown(inputs["database"])) {
    await verifyDatabase(ctx.client(), String(inputs["organization"]), String(inputs["database"]));
  }
  return { inputs: { ...inputs, ...hiddenInputs(news) } };
}
