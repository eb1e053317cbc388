import type { DeployRequest } from "../api/deploy-request-schemas";
import { outputsOf, readFields } from "../inputs/property-api";
import { DEPLOY_REQUEST_PROPERTIES } from "./properties";
import type { ResolvedDeployRequestInputs } from "./shared";

/**
 * The full output state of a DeployRequest, as {@link DEPLOY_REQUEST_PROPERTIES} makes it: the
 * inputs as given and what PlanetScale reports of the deploy request.
 */
export function toOutputs(
  request: DeployRequest,
  inputs: ResolvedDeployRequestInputs,
): Record<string, unknown> {
  return outputsOf(DEPLOY_REQUEST_PROPERTIES, inputs, readFields(DEPLOY_REQUEST_PROPERTIES, request), {});
}

/** The deploy request's number recorded in outputs, if any. */
export function recordedNumber(props: Record<string, unknown>): number | undefined {
  const number = props["number"];
  return typeof number === "number" && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}
