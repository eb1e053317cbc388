import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { diffProperties } from "../inputs/property-diff";
import { DEPLOY_REQUEST_PROPERTIES } from "./properties";
import { LIVE, REVERTED } from "./states";

type Props = Record<string, unknown>;

/**
 * What {@link DEPLOY_REQUEST_PROPERTIES} says, plus: a request that should be deployed but is not
 * live yet (an earlier `up` timed out, or the deployment failed) is deployed, or waited for, again.
 * One reverted (an explicit `deploy-request revert`) stays reverted.
 * A replacement closes the old request first: PlanetScale keeps one open per branch.
 */
export async function diff(
  _ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.DiffResult> {
  const { replaces, changes } = diffProperties(DEPLOY_REQUEST_PROPERTIES, olds, news);
  const state = String(olds["deploymentState"] ?? "");
  const settled = LIVE.has(state) || REVERTED.has(state) || state === "no_changes";
  if (news["deploy"] === true && !settled && !changes.includes("deploy")) {
    changes.push("deploy");
  }
  return {
    changes: replaces.length > 0 || changes.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0,
  };
}
