import type * as pulumi from "@pulumi/pulumi";
import type { DeployRequest } from "../api/deploy-request-schemas";
import * as deployRequests from "../api/deploy-requests";
import { confirmGone } from "../api/gone";
import { NotFoundError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { recordedOrganization } from "../inputs/organization";
import { inputsFromOutputs } from "../inputs/property-table";
import { userInputs } from "../inputs/props";
import { InvalidInputError } from "../resource-errors";
import { DeployRequestInputFields } from "./inputs";
import { recordedNumber, toOutputs } from "./outputs";
import { DEPLOY_REQUEST_PROPERTIES } from "./properties";
import { describe, type ResolvedDeployRequestInputs } from "./shared";

type Props = Record<string, unknown>;

/**
 * Refreshes the deploy request by its number: an approval, a deploy, a revert or a close made
 * outside Pulumi shows in its outputs. One closed without being deployed (or deleted) reads as
 * gone, so the next `pulumi up` opens a new one; one deployed stays, as history.
 */
export async function read(
  ctx: ProviderContext,
  id: string,
  props: Props,
): Promise<pulumi.dynamic.ReadResult> {
  const organization = recordedOrganization(ctx, props) ?? "";
  const database = String(props["database"] ?? "");
  const number = recordedNumber(props);
  if (!organization || !database || number === undefined) {
    throw new InvalidInputError(
      "cannot read a DeployRequest without its organization, database and number (pass them as inputs when reading by id)",
    );
  }
  const client = ctx.client();
  let request: DeployRequest;
  try {
    request = await deployRequests.getDeployRequest(client, organization, database, number);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      return {};
    }
    throw error;
  }
  const previous = userInputs(props);
  const inputs = {
    ...(DeployRequestInputFields.partial().safeParse(pick(previous)).data ?? {}),
    organization,
    database,
    branch: request.branch,
  } as ResolvedDeployRequestInputs;
  if (request.state === "closed" && request.deployed_at == null) {
    ctx.log(
      `${describe({ ...inputs, intoBranch: request.into_branch }, number)} was closed outside Pulumi without being deployed: it leaves the state, and the next \`pulumi up\` opens a new one`,
    );
    return {};
  }
  const outputs = toOutputs(request, inputs);
  return {
    id: request.id || id,
    props: outputs,
    inputs: inputsFromOutputs(DEPLOY_REQUEST_PROPERTIES, outputs, previous),
  };
}

function pick(props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(DeployRequestInputFields.shape))
    if (props[key] !== undefined && props[key] !== null) out[key] = props[key];
  return out;
}
