import type { PlanetScaleClient } from "../client/client";
import { observedCreate } from "./create-attempts";
import { Deployment, DeployOperation, DeployRequest } from "./deploy-request-schemas";
import { paginate } from "./pagination";
import { deployRequestPath, deployRequestsPath } from "./paths";

/**
 * Body of `POST …/deploy-requests` (`create_deploy_request`): the spec's fields; `into_branch`
 * left out means the branch's parent (pscale's `--into` help).
 */
export interface CreateDeployRequestBody {
  branch: string;
  into_branch?: string | undefined;
  notes?: string | undefined;
  auto_cutover?: boolean | undefined;
  auto_delete_branch?: boolean | undefined;
}

/** Body of `POST …/deploy-requests/{number}/deploy` (`queue_deploy_request`). */
export interface QueueDeployBody {
  instant_ddl?: boolean | undefined;
}

/** Filters of {@link listDeployRequests} (the spec's query parameters). */
export interface ListDeployRequestsQuery {
  /** `open`, `closed` or `deployed`. */
  state?: "open" | "closed" | "deployed" | undefined;
  branch?: string | undefined;
  intoBranch?: string | undefined;
}

/** Deploy requests of a database, newest first (all pages). */
export function listDeployRequests(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  query: ListDeployRequestsQuery = {},
): AsyncIterableIterator<DeployRequest> {
  return paginate(client, deployRequestsPath(organization, database), {
    query: { state: query.state, branch: query.branch, into_branch: query.intoBranch },
    itemSchema: DeployRequest,
  });
}

/** One deploy request by number. */
export function getDeployRequest(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  number: number,
): Promise<DeployRequest> {
  return client.request({
    method: "GET",
    path: deployRequestPath(organization, database, number),
    schema: DeployRequest,
  });
}

/**
 * Opens a deploy request (201, `deployment_state: "pending"` while PlanetScale checks it). Not
 * retried once it may have been applied: an `OutcomeUnknownError` means "look it up by branch".
 */
export function createDeployRequest(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  body: CreateDeployRequestBody,
): Promise<DeployRequest> {
  // A deploy request has no name: its branch names it (one open request per branch).
  const subject = {
    kind: "deployRequest",
    organization,
    database,
    branch: body.branch,
    name: body.branch,
  } as const;
  return observedCreate(client, subject, () =>
    client.request({
      method: "POST",
      path: deployRequestsPath(organization, database),
      body,
      schema: DeployRequest,
    }),
  );
}

/** Closes a deploy request (`PATCH {state: "closed"}`, as pscale's `CloseDeploy` sends it). Safe to repeat. */
export function closeDeployRequest(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  number: number,
): Promise<DeployRequest> {
  return client.request({
    method: "PATCH",
    path: deployRequestPath(organization, database, number),
    body: { state: "closed" },
    schema: DeployRequest,
    idempotent: true,
  });
}

/**
 * Queues the deployment (`POST …/deploy`). Not retried once it may have been applied: after an
 * `OutcomeUnknownError`, read the request to see whether it was queued.
 */
export function queueDeploy(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  number: number,
  body: QueueDeployBody,
): Promise<DeployRequest> {
  return client.request({
    method: "POST",
    path: `${deployRequestPath(organization, database, number)}/deploy`,
    body,
    schema: DeployRequest,
  });
}

/** The deploy actions without a body: each posts `{}`, as pscale does. */
export type DeployAction = "cancel" | "apply-deploy" | "revert" | "skip-revert";

/**
 * `POST …/deploy-requests/{number}/<action>`: cancel a deployment, apply (cut over) one waiting
 * for it, revert one in its revert window, or skip that window. Not retried blindly.
 */
export function deployAction(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  number: number,
  action: DeployAction,
): Promise<DeployRequest> {
  return client.request({
    method: "POST",
    path: `${deployRequestPath(organization, database, number)}/${action}`,
    body: {},
    schema: DeployRequest,
  });
}

/** `GET …/deploy-requests/{number}/deployment`. */
export function getDeployment(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  number: number,
): Promise<Deployment> {
  return client.request({
    method: "GET",
    path: `${deployRequestPath(organization, database, number)}/deployment`,
    schema: Deployment,
  });
}

/** Every operation of a deploy request (`GET …/operations`, all pages). */
export function listDeployOperations(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  number: number,
): AsyncIterableIterator<DeployOperation> {
  return paginate(client, `${deployRequestPath(organization, database, number)}/operations`, {
    itemSchema: DeployOperation,
  });
}

/**
 * `PUT …/deploy-requests/{number}/auto-apply` or `…/auto-delete-branch` with `{enable}`
 * (`update_auto_apply`, `update_auto_delete_branch`); setting a value is safe to repeat.
 */
export function setDeployRequestOption(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  number: number,
  option: "auto-apply" | "auto-delete-branch",
  enable: boolean,
): Promise<DeployRequest> {
  return client.request({
    method: "PUT",
    path: `${deployRequestPath(organization, database, number)}/${option}`,
    body: { enable },
    schema: DeployRequest,
  });
}
