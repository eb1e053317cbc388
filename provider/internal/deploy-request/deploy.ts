import type { DeployRequest } from "../api/deploy-request-schemas";
import * as deployRequests from "../api/deploy-requests";
import type { PlanetScaleClient } from "../client/client";
import { OutcomeUnknownError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { verifyDatabase } from "../preflight/preflight";
import {
  DataLossRefusedError,
  DeployFailedError,
  DeployNotFinishedError,
  NotDeployableError,
} from "../resource-errors";
import { missingApproval } from "./approval";
import { refusal } from "./refusal";
import { droppingDdl } from "./report";
import { describe, type ResolvedDeployRequestInputs } from "./shared";
import { ENDED_UNDEPLOYED, LIVE, NOT_DEPLOYED, PENDING_CUTOVER, REVERTED } from "./states";
import { watch } from "./wait";

/** What deploying works on: the inputs, the client, the deadline, and how to read the request. */
export interface DeployContext {
  ctx: ProviderContext;
  client: PlanetScaleClient;
  inputs: ResolvedDeployRequestInputs;
  deadline: number;
}

function subject(d: DeployContext, request: DeployRequest): string {
  return describe({ ...d.inputs, intoBranch: request.into_branch }, request.number);
}

function read(d: DeployContext, number: number): Promise<DeployRequest> {
  return deployRequests.getDeployRequest(d.client, d.inputs.organization, d.inputs.database, number);
}

/** Waits while PlanetScale checks the request (`pending`): its operations and verdict are then known. */
export async function untilChecked(d: DeployContext, request: DeployRequest): Promise<DeployRequest> {
  return watch({
    subject: subject(d, request),
    current: request,
    poll: () => read(d, request.number),
    isDone: (r) => r.deployment_state !== "pending",
    deadline: d.deadline,
    onTimeout: (last, waited) =>
      new DeployNotFinishedError(
        `${subject(d, last)} was still being checked by PlanetScale after ${formatDuration(waited)}. ` +
          "Run `pulumi up` again to keep waiting, or raise `deployTimeout`.",
      ),
    ctx: d.ctx,
  });
}

/** Whether deploying is over: live, or (auto cut-over off) waiting for someone to cut it over. */
function deployed(request: DeployRequest): boolean {
  return (
    LIVE.has(request.deployment_state) ||
    (request.deployment_state === PENDING_CUTOVER && request.deployment?.auto_cutover === false)
  );
}

/**
 * Deploys the request (`deploy: true`) and waits until its changes are live: refused first when
 * its operations can drop data and `allowDataLoss` is not set, or when PlanetScale reports it not
 * deployable (its reason and the next step). A request already deploying is waited for, one
 * already live is left as it is, one without changes has nothing to deploy.
 */
export async function deployAndWait(d: DeployContext, given: DeployRequest): Promise<DeployRequest> {
  let request = given.deployment_state === "pending" ? await untilChecked(d, given) : given;
  const what = subject(d, request);
  if (deployed(request)) return request;
  if (request.deployment_state === "no_changes") {
    d.ctx.log(`${what} has no schema changes: nothing to deploy`);
    return request;
  }
  if (NOT_DEPLOYED.has(request.deployment_state) || ENDED_UNDEPLOYED.has(request.deployment_state)) {
    request = await queue(d, request);
  } else if (REVERTED.has(request.deployment_state)) {
    // A revert is an operator's decision: the stack does not undo it.
    d.ctx.log(
      `${what} was deployed and then reverted (${request.deployment_state}); it stays reverted. To deploy these changes again, open a new deploy request (replace this DeployRequest).`,
    );
    return request;
  }
  const done = await watch({
    subject: what,
    current: request,
    poll: () => read(d, request.number),
    isDone: (r) =>
      deployed(r) || ENDED_UNDEPLOYED.has(r.deployment_state) || REVERTED.has(r.deployment_state),
    deadline: d.deadline,
    onTimeout: (last, waited) =>
      new DeployNotFinishedError(
        `${what} is still ${last.deployment_state} after ${formatDuration(waited)}: PlanetScale keeps deploying it. ` +
          "Run `pulumi up` again to keep waiting, or raise `deployTimeout`.",
      ),
    ctx: d.ctx,
  });
  if (!deployed(done)) {
    const reason = failureReason(done);
    throw new DeployFailedError(
      `${what} did not go live: it ended ${done.deployment_state}${reason ? ` (${reason})` : ""}. ` +
        "Fix the branch's schema (or what changed in the target), then run `pulumi up` to deploy it again.",
    );
  }
  d.ctx.log(
    done.deployment_state === PENDING_CUTOVER
      ? `${what} is ready and waits for its cut-over (autoCutover is false): apply it in the PlanetScale app or with \`pscale deploy-request apply ${d.inputs.database} ${done.number}\``
      : `${what} is live${done.deployment_state === "complete_pending_revert" ? " (revertible: `pulumi-planetscale deploy-request revert`)" : ""}`,
  );
  return done;
}

/** PlanetScale's reason for a deployment that ended without its changes live. */
function failureReason(request: DeployRequest): string | undefined {
  const errors = (request.deployment?.deploy_operations ?? [])
    .map((op) => op.deploy_errors)
    .filter((e): e is string => typeof e === "string" && e !== "");
  return (
    [...new Set([request.deployment?.deploy_check_errors ?? "", ...errors].filter(Boolean))].join("; ") ||
    undefined
  );
}

/**
 * Refuses what must not be deployed, then queues it (`POST …/deploy`). A lost answer is resolved
 * by reading the request: queued already, or queued again (PlanetScale refuses a second deploy of
 * one deploying, which then counts as queued).
 */
async function queue(d: DeployContext, request: DeployRequest): Promise<DeployRequest> {
  const what = subject(d, request);
  const dropping = droppingDdl(request);
  if (dropping.length > 0 && d.inputs.allowDataLoss !== true) {
    throw new DataLossRefusedError(
      `${what} was not deployed: these operations can drop data:\n  ${dropping.join(";\n  ")}\n` +
        "If that is intended, set `allowDataLoss: true` on the DeployRequest and run `pulumi up` again.",
    );
  }
  await verifyDatabase(d.client, d.inputs.organization, d.inputs.database);
  const notDeployable =
    refusal(request, d.inputs.database) ??
    (await missingApproval(d.client, request, d.inputs.organization, d.inputs.database));
  if (notDeployable !== undefined)
    throw new NotDeployableError(`${what} cannot be deployed: ${notDeployable}`);
  const body = { instant_ddl: d.inputs.instantDdl === true };
  for (let attempt = 1; ; attempt++) {
    try {
      const queued = await deployRequests.queueDeploy(
        d.client,
        d.inputs.organization,
        d.inputs.database,
        request.number,
        body,
      );
      d.ctx.log(`${what}: deploying ${queued.deployment?.deploy_operations?.length ?? 0} operation(s)`);
      return queued;
    } catch (error) {
      if (error instanceof OutcomeUnknownError && attempt < 3) {
        const now = await read(d, request.number);
        if (!NOT_DEPLOYED.has(now.deployment_state) && !ENDED_UNDEPLOYED.has(now.deployment_state))
          return now;
        continue;
      }
      if (error instanceof PlanetScaleError && error.status === 422) {
        const now = await read(d, request.number);
        if (!NOT_DEPLOYED.has(now.deployment_state) && !ENDED_UNDEPLOYED.has(now.deployment_state))
          return now;
        throw new NotDeployableError(
          `${what} cannot be deployed: PlanetScale refused: ${error.apiMessage ?? error.message}. ${nextStep(error.apiMessage ?? "", d, request)}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** What to do about PlanetScale's refusal, by what it says. */
function nextStep(reason: string, d: DeployContext, request: DeployRequest): string {
  if (/approv/i.test(reason)) {
    return `Have someone else approve it (in the PlanetScale app, ${request.html_url ?? "its page"}, or \`pscale deploy-request review ${d.inputs.database} ${request.number} --approve\`), then run \`pulumi up\` again.`;
  }
  if (/checked|pending/i.test(reason)) return "Run `pulumi up` again once PlanetScale has checked it.";
  if (/closed/i.test(reason))
    return "It was closed outside Pulumi: run `pulumi refresh`, then `pulumi up` opens a new one.";
  return "Fix the branch's schema, then run `pulumi up` again.";
}
