import type { DeployRequest } from "../api/deploy-request-schemas";
import * as deployRequests from "../api/deploy-requests";
import type { PlanetScaleClient } from "../client/client";
import { OutcomeUnknownError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { createBody } from "../inputs/property-api";
import { judge } from "../ownership/judge";
import { otherStackClaim } from "../ownership/other-stacks";
import { beginCreate, claim } from "../ownership/run-registry";
import { AlreadyExistsError, ClaimedByStackError, OwnershipUnprovenError } from "../resource-errors";
import { DEPLOY_REQUEST_PROPERTIES } from "./properties";
import { describe, KIND, message, ownerOf, type ResolvedDeployRequestInputs, where } from "./shared";

/** How many times a create whose outcome was unknown is tried, when the lookup proved it safe. */
const CREATE_ATTEMPTS = 3;

/**
 * POSTs the deploy request, its body made by {@link DEPLOY_REQUEST_PROPERTIES}: one request on the
 * happy path. PlanetScale keeps one open deploy request per branch, so its "already has an open
 * deploy request" answer is the atomic check, as a branch's name is. When the outcome is unknown
 * (a timeout, a dropped connection, a 5xx after the request was sent), the branch's open deploy
 * requests are looked up: one created after the request was sent, by this credential, not claimed
 * by another resource of this run, and neither held nor being opened by another stack of the state
 * backend (`stack`: this resource's `__stack`) is the one it made and is taken (it holds no secret); one
 * that is not provably so stops the create with its number and what resolves it; none means
 * nothing was made, and the POST is sent again.
 */
export async function createOnce(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedDeployRequestInputs,
  stack: string | undefined,
): Promise<DeployRequest> {
  const body: deployRequests.CreateDeployRequestBody = createBody(
    DEPLOY_REQUEST_PROPERTIES,
    inputs,
    Date.now(),
  );
  const key = `${KIND} ${where(inputs)}/${inputs.branch}`;
  // The first request whose outcome was unknown: what it made may be found by a later attempt.
  let unknownSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    const done = beginCreate(key);
    try {
      const created = await deployRequests.createDeployRequest(
        client,
        inputs.organization,
        inputs.database,
        body,
      );
      claim(KIND, created.id, ownerOf(inputs));
      return created;
    } catch (error) {
      const unknown = error instanceof OutcomeUnknownError;
      if (!unknown && !(unknownSince !== undefined && isOpenAlready(error))) {
        throw isOpenAlready(error) ? await explainOpen(client, inputs, error) : error;
      }
      unknownSince ??= startedAt;
      ctx.log(
        `opening the ${describe(inputs)}: ${unknown ? `the outcome is unknown (${message(error)})` : "PlanetScale now reports one open"}; checking whether this stack's request opened it`,
      );
      const found = await lookUp(ctx, inputs, error, unknownSince, stack);
      if (found !== undefined) return found;
      if (attempt >= CREATE_ATTEMPTS) throw error;
    } finally {
      done();
    }
  }
}

/** PlanetScale's 422 for a branch that has an open deploy request already. */
function isOpenAlready(error: unknown): error is PlanetScaleError {
  return (
    error instanceof PlanetScaleError &&
    error.status === 422 &&
    /already has an open/i.test(error.apiMessage ?? "")
  );
}

/** The branch's open deploy requests, newest first. */
async function openOf(
  client: PlanetScaleClient,
  inputs: ResolvedDeployRequestInputs,
): Promise<DeployRequest[]> {
  const out: DeployRequest[] = [];
  for await (const request of deployRequests.listDeployRequests(
    client,
    inputs.organization,
    inputs.database,
    {
      state: "open",
      branch: inputs.branch,
    },
  )) {
    out.push(request);
  }
  return out;
}

/**
 * After an unknown outcome: the open deploy request this stack's request made, taken when proven
 * (see {@link judge}); undefined when there is none (nothing was made); an error otherwise.
 */
async function lookUp(
  ctx: ProviderContext,
  inputs: ResolvedDeployRequestInputs,
  original: unknown,
  since: number,
  stack: string | undefined,
): Promise<DeployRequest | undefined> {
  const client = ctx.client();
  let open: DeployRequest[];
  try {
    open = await openOf(client, inputs);
  } catch (error) {
    throw new OwnershipUnprovenError(
      `opening the ${describe(inputs)} failed and PlanetScale's answer was lost; checking whether it was opened failed too (${message(error)}). ` +
        `Look for an open deploy request of branch ${inputs.branch} (\`pscale deploy-request list ${inputs.database} --org ${inputs.organization}\`), close it if nothing uses it, then run \`pulumi up\` again.`,
      { cause: original },
    );
  }
  const [candidate] = open;
  if (candidate === undefined) return undefined;
  const verdict = judge(
    client,
    KIND,
    { id: candidate.id, createdAt: candidate.created_at, actorId: candidate.actor?.id },
    since,
  );
  if (verdict.ours) {
    // This credential opened it after our request; another stack sharing the credential may have.
    const lost = `opening the ${describe(inputs)} failed and PlanetScale's answer was lost; #${candidate.number} (id ${candidate.id}) was opened after this request by this credential`;
    const query = {
      kind: KIND,
      organization: inputs.organization,
      database: inputs.database,
      branch: [inputs.branch],
      name: inputs.branch,
    };
    const claimed = await otherStackClaim(ctx, query, candidate.id, stack);
    if ("unreadable" in claimed) {
      throw new OwnershipUnprovenError(
        `${lost}, but whether another stack of this state backend holds it or is opening it could not be read (${claimed.unreadable}). ` +
          `Nothing was taken over. Check with ${claimed.check}; if none does, close it (\`pscale deploy-request close ${inputs.database} ${candidate.number} --org ${inputs.organization}\`) and run \`pulumi up\` again.`,
        { cause: original },
      );
    }
    if (claimed.by !== undefined) {
      throw new ClaimedByStackError(
        `${lost}, but ${claimed.by}, so it may be that stack's. Nothing was taken over or closed.`,
        { cause: original },
      );
    }
    claim(KIND, candidate.id, ownerOf(inputs));
    return candidate;
  }
  throw new OwnershipUnprovenError(
    `opening the ${describe(inputs)} failed and PlanetScale's answer was lost; branch ${inputs.branch} has an open deploy request, #${candidate.number} (id ${candidate.id}), but ${verdict.detail}, so it was not taken. ` +
      `If it is this stack's, close it (\`pscale deploy-request close ${inputs.database} ${candidate.number} --org ${inputs.organization}\`) and run \`pulumi up\` again.`,
    { cause: original },
  );
}

/** Explains "already has an open deploy request": which one, and what to do. */
async function explainOpen(
  client: PlanetScaleClient,
  inputs: ResolvedDeployRequestInputs,
  error: PlanetScaleError,
): Promise<AlreadyExistsError> {
  const [open] = await openOf(client, inputs).catch(() => []);
  const which = open
    ? ` (#${open.number}, opened ${open.created_at}${open.actor?.display_name ? ` by ${open.actor.display_name}` : ""})`
    : "";
  return new AlreadyExistsError(
    `branch ${inputs.branch} of ${where(inputs)} already has an open deploy request${which}, and PlanetScale keeps one per branch. ` +
      `Close it if nothing needs it (\`pscale deploy-request close ${inputs.database} ${open?.number ?? "<number>"} --org ${inputs.organization}\`), or deploy that one instead, then run \`pulumi up\` again.`,
    { cause: error },
  );
}
