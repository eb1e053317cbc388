import type * as pulumi from "@pulumi/pulumi";
import { fillName } from "../dynamic/naming";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { validateKnown } from "../inputs/known-inputs";
import { fillOrganization } from "../inputs/organization";
import { hiddenInputs, userInputs } from "../inputs/props";
import { isUnknown } from "../inputs/unknown";
import { declareDatabase } from "../preflight/declared";
import { verifyOrganization } from "../preflight/preflight";
import { crossCheck } from "./cross-check";
import { DatabaseInputs } from "./inputs";
import { DATABASE_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/**
 * Validates the inputs (the known ones, at preview) and the rules between them, fills in the
 * organization and the name, declares the database for the branches and credentials of this run
 * that hang off it, then checks the credential and organization against PlanetScale.
 */
export async function check(
  ctx: ProviderContext,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.CheckResult> {
  const inputs = { ...userInputs(news) };
  // Every problem at once: the schema's, the rules across the valid inputs, a missing organization.
  const { unknown, data, failures } = validateKnown(DatabaseInputs, DATABASE_PROPERTIES, inputs);
  if (data !== undefined) failures.push(...crossCheck(data, unknown, olds));
  failures.push(...fillOrganization(ctx, inputs));
  if (failures.length > 0) return { inputs: news, failures };
  fillName(inputs, olds, "database");

  const organization = inputs["organization"];
  const name = inputs["name"];
  if (
    typeof organization === "string" &&
    typeof name === "string" &&
    !isUnknown(organization) &&
    !isUnknown(name)
  ) {
    const kind = unknown.has("kind") ? undefined : (data?.kind ?? recordedKind(olds));
    declareDatabase(organization, name, kind);
  }
  if (unchangedSinceDeployed(olds, inputs, DATABASE_PROPERTIES))
    return { inputs: { ...inputs, ...hiddenInputs(news) } };
  // Valid inputs only: a wrong credential or organization fails the preview, not only the update.
  if (typeof organization === "string" && !isUnknown(organization)) {
    await verifyOrganization(ctx.client(), organization);
  }
  return { inputs: { ...inputs, ...hiddenInputs(news) } };
}

/** The kind a deployed database reported; a new one without `kind` is MySQL. */
function recordedKind(olds: Props): "mysql" | "postgresql" {
  return olds["kind"] === "postgresql" ? "postgresql" : "mysql";
}
