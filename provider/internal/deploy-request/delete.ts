import * as deployRequests from "../api/deploy-requests";
import { confirmGone } from "../api/gone";
import { NotFoundError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { release } from "../ownership/run-registry";
import { recordedNumber } from "./outputs";
import { KIND } from "./shared";
import { ENDED_UNDEPLOYED, NOT_DEPLOYED, stateWords } from "./states";

type Props = Record<string, unknown>;

/**
 * Closes the deploy request if it was never deployed. One deployed (or reverted) stays in
 * PlanetScale as the history of the schema change; one deploying is left to finish (cancelling it
 * is an operator's call: `pscale deploy-request cancel`). A revert is never a side effect of
 * `destroy`: it is `pulumi-planetscale deploy-request revert`.
 */
export async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
  const organization = recordedOrganization(ctx, props) ?? "";
  const database = String(props["database"] ?? "");
  const number = recordedNumber(props);
  if (!organization || !database || number === undefined) {
    ctx.log(`deploy request ${id}: its organization, database or number is not recorded; nothing to close`);
    return;
  }
  const client = ctx.client();
  const what = `deploy request #${number} of ${organization}/${database}`;
  try {
    const request = await deployRequests.getDeployRequest(client, organization, database, number);
    const state = request.deployment_state;
    if (request.state === "closed") {
      release(KIND, id);
      return;
    }
    if (!NOT_DEPLOYED.has(state) && !ENDED_UNDEPLOYED.has(state)) {
      ctx.log(
        request.deployed_at == null
          ? `${what} is ${stateWords(state)}: it is left to finish (cancel it with \`pscale deploy-request cancel ${database} ${number}\`)`
          : `${what} was deployed (${state}): it stays in PlanetScale as the history of the change`,
      );
      release(KIND, id);
      return;
    }
    await deployRequests.closeDeployRequest(client, organization, database, number);
    release(KIND, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      release(KIND, id);
      return;
    }
    // Closed meanwhile (a retried close, or someone else): what destroy wanted.
    if (
      error instanceof PlanetScaleError &&
      error.status === 422 &&
      /already closed/i.test(error.apiMessage ?? "")
    ) {
      release(KIND, id);
      return;
    }
    throw error;
  }
}
