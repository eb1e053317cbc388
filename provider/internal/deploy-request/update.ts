import type * as pulumi from "@pulumi/pulumi";
import type { DeployRequest } from "../api/deploy-request-schemas";
import * as deployRequests from "../api/deploy-requests";
import { confirmGone } from "../api/gone";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { inPlaceChange, readFields } from "../inputs/property-api";
import type { CallsOf } from "../inputs/property-table";
import { NoLongerExistsError } from "../resource-errors";
import { type DeployContext, deployAndWait } from "./deploy";
import { deployTimeoutMs } from "./inputs";
import { recordedNumber, toOutputs } from "./outputs";
import { DEPLOY_REQUEST_PROPERTIES } from "./properties";
import { describe, resolved } from "./shared";
import { ENDED_UNDEPLOYED, NOT_DEPLOYED, PENDING_CUTOVER } from "./states";

type Props = Record<string, unknown>;

/**
 * The in-place calls of the table's rows but the deploy, each a `PUT …/{number}/<call>` with
 * `{enable}`: keyed by the calls the rows name, so a row naming a new call fails the typecheck
 * until it is here.
 */
const SETTINGS: { readonly [C in Exclude<CallsOf<typeof DEPLOY_REQUEST_PROPERTIES>, "deploy">]: C } = {
  "auto-apply": "auto-apply",
  "auto-delete-branch": "auto-delete-branch",
};

/**
 * Applies the settings that changed while the request is not deployed (auto cut-over, auto delete
 * of the branch: one call each), then, with `deploy: true`, deploys it (or keeps waiting for a
 * deployment an earlier `up` left under way).
 */
export async function update(
  ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(news);
  const client = ctx.client();
  const number = recordedNumber(olds) as number;
  let current: DeployRequest;
  try {
    current = await deployRequests.getDeployRequest(client, inputs.organization, inputs.database, number);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await confirmGone(client, inputs.organization, error);
    throw new NoLongerExistsError(
      `${describe(inputs, number)} no longer exists. Run \`pulumi refresh\`, then \`pulumi up\` opens a new one.`,
      { cause: error },
    );
  }
  const open = NOT_DEPLOYED.has(current.deployment_state) || ENDED_UNDEPLOYED.has(current.deployment_state);
  if (open || current.deployment_state === PENDING_CUTOVER) {
    for (const call of Object.values(SETTINGS)) {
      const change = inPlaceChange(
        DEPLOY_REQUEST_PROPERTIES,
        call,
        inputs,
        readFields(DEPLOY_REQUEST_PROPERTIES, current),
      );
      if (change === undefined) continue;
      current = await deployRequests.setDeployRequestOption(
        client,
        inputs.organization,
        inputs.database,
        number,
        call,
        change.body.enable === true,
      );
    }
  }
  if (inputs.deploy === true) {
    const d: DeployContext = { ctx, client, inputs, deadline: Date.now() + deployTimeoutMs(inputs) };
    current = await deployAndWait(d, current);
  }
  return { outs: toOutputs(current, inputs) };
}
