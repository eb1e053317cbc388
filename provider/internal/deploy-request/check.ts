import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { validateKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { hiddenInputs, userInputs } from "../inputs/props";
import { containsUnknown } from "../inputs/unknown";
import { DeployRequestInputs } from "./inputs";
import { intoFailures } from "./into-check";
import { kindFailures } from "./kind-check";
import { previewDeploy } from "./preview";
import { DEPLOY_REQUEST_PROPERTIES } from "./properties";
import { resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Validates the inputs (the known ones, at preview) and fills in the organization; then, against
 * PlanetScale, refuses a Postgres database (naming its kind) and a target branch without safe
 * migrations, and for `deploy: true` shows the DDL the deploy runs and refuses what would stop it
 * (see {@link previewDeploy}). Inputs exactly as last deployed ask PlanetScale nothing.
 */
export async function check(
  ctx: ProviderContext,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.CheckResult> {
  const inputs = { ...userInputs(news) };
  // Every problem at once: the schema's and a missing organization.
  const { failures } = validateKnown(DeployRequestInputs, DEPLOY_REQUEST_PROPERTIES, inputs);
  failures.push(...fillOrganization(ctx, inputs));
  if (failures.length > 0) return { inputs: news, failures };
  const checked = { inputs: { ...inputs, ...hiddenInputs(news) } };
  if (unchangedSinceDeployed(olds, inputs, DEPLOY_REQUEST_PROPERTIES)) return checked;
  const wrongKind = await kindFailures(ctx, inputs);
  if (wrongKind.length > 0) return { inputs: news, failures: wrongKind };
  // A request opened already (its old inputs are known) has a settled target.
  const into = Object.keys(userInputs(olds)).length === 0 ? await intoFailures(ctx, inputs) : [];
  if (into.length > 0) return { inputs: news, failures: into };
  if (inputs["deploy"] === true && !containsUnknown(inputs)) {
    const failures = await previewDeploy(ctx, resolved(inputs));
    if (failures.length > 0) return { inputs: news, failures };
  }
  return checked;
}
