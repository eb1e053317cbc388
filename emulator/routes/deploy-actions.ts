/**
 * What moves a deploy request's deployment: deploy (queue), cancel, apply (the cut-over of a
 * request without auto cut-over), auto-apply and auto-delete-branch, revert and skip-revert. Each
 * is refused with 422 `unprocessable` when the deployment is not in a state it applies to, naming
 * the state (the spec lists no 4xx for them; the wording is the emulator's). pscale sends `{}` to
 * the bodiless ones (its request structs hold only `json:"-"` fields).
 */
import { z } from "zod";
import { actorOf } from "../http/auth";
import { parseBody, type RequestContext, type Route } from "../http/context";
import { unprocessable } from "../http/errors";
import { changesOf, enter, freeze } from "../state/deploy-requests";
import { ACTIVE } from "../state/deployment-states";
import type { DeployRequestRecord } from "../state/records";
import { isApproved, isDeployable, lintErrorsOf } from "./deploy-request-render";
import { deployRequestAnswer, requireDeployRequest } from "./deploy-requests";

const empty = z.strictObject({});

function refuse(request: DeployRequestRecord, why: string): never {
  throw unprocessable(`Deploy request #${request.number} ${why}`);
}

/** `POST …/deploy` `{instant_ddl, strategy?}` (pscale's `PerformDeployRequest`). */
const deployBody = z.strictObject({
  instant_ddl: z.boolean().optional(),
  strategy: z.string().optional(),
});

/**
 * Queues the deployment (200, `queued`), freezing its changes. Refused (422) unless it is open,
 * checked, has changes, passes lint, is approved where the database requires approval, and (with
 * `instant_ddl`) is eligible for an instant deploy.
 */
function deploy(ctx: RequestContext) {
  const { db, request } = requireDeployRequest(ctx, "queue_deploy_request");
  const body = parseBody(ctx, deployBody);
  if (request.closedAt !== null) refuse(request, "is closed");
  if (ACTIVE.has(request.state)) refuse(request, `is already deploying (${request.state})`);
  if (
    ["complete", "complete_pending_revert", "in_progress_revert", "complete_revert"].includes(request.state)
  )
    refuse(request, `has already been deployed (${request.state})`);
  if (request.state === "pending") refuse(request, "is still being checked; deploy it once it is ready");
  // A cancelled or failed deployment deploys again what its branches hold now.
  if (request.state === "complete_cancel" || request.state === "complete_error") request.operations = null;
  const changes = changesOf(ctx.store.data, request);
  if (request.state === "no_changes" || changes.length === 0)
    refuse(request, "has no schema changes to deploy");
  const lint = lintErrorsOf(request, changes) as Array<{ error_description: string }>;
  if (lint.length > 0 || (request.state === "ready" && !isDeployable(ctx.store.data, request))) {
    refuse(request, `is not deployable: ${lint.map((l) => l.error_description).join("; ")}`);
  }
  if (db.requireApprovalForDeploy && !isApproved(request)) {
    refuse(request, "must be approved before it can be deployed: the database requires approval for deploys");
  }
  if (body.instant_ddl && !changes.every((c) => c.operation === "create")) {
    refuse(request, "is not eligible for an instant deployment");
  }
  request.operations = freeze(changes);
  request.instantDdl = body.instant_ddl ?? false;
  request.queuedAt = ctx.now;
  for (const key of [
    "startedAt",
    "readyToCutoverAt",
    "cutoverRequestedAt",
    "cutoverAt",
    "finishedAt",
  ] as const)
    request[key] = null;
  request.cancelRequestedAt = null;
  request.deployErrors = null;
  enter(request, "queued", ctx.now);
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

/** `POST …/cancel`: a queued or running deployment (or one waiting for its cut-over) is cancelled. */
function cancel(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "cancel_deploy_request");
  parseBody(ctx, empty);
  if (!["queued", "submitting", "in_progress", "pending_cutover"].includes(request.state)) {
    refuse(request, `cannot be cancelled: it is ${request.state}`);
  }
  request.cancelRequestedAt = ctx.now;
  request.cancelledActor = actorOf(ctx.cred);
  enter(request, "in_progress_cancel", ctx.now);
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

/** Starts the cut-over of a deployment waiting for it. */
function startCutover(ctx: RequestContext, request: DeployRequestRecord): void {
  request.cutoverRequestedAt = ctx.now;
  request.cutoverActor = actorOf(ctx.cred);
  enter(request, "in_progress_cutover", ctx.now);
}

/** `POST …/apply-deploy` (`complete_gated_deploy_request`): cut over a deployment `pending_cutover`. */
function apply(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "complete_gated_deploy_request");
  parseBody(ctx, empty);
  if (request.state !== "pending_cutover")
    refuse(request, `is not waiting for its cut-over (${request.state})`);
  startCutover(ctx, request);
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

const enableBody = z.strictObject({ enable: z.boolean() });

/** `PUT …/auto-apply` `{enable}`: cut over as soon as ready; one waiting for it starts now. */
function autoApply(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "update_auto_apply");
  const { enable } = parseBody(ctx, enableBody);
  if (request.closedAt !== null) refuse(request, "is closed");
  request.autoCutover = enable;
  request.updatedAt = ctx.now;
  if (enable && request.state === "pending_cutover") startCutover(ctx, request);
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

/** `PUT …/auto-delete-branch` `{enable}`: delete the branch once the deploy is live. */
function autoDeleteBranch(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "update_auto_delete_branch");
  const { enable } = parseBody(ctx, enableBody);
  if (request.closedAt !== null) refuse(request, "is closed");
  request.autoDeleteBranch = enable;
  request.updatedAt = ctx.now;
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

/** `POST …/revert` (`complete_revert`): undo a deployment within its revert window. */
function revert(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "complete_revert");
  parseBody(ctx, empty);
  if (request.state !== "complete_pending_revert") {
    refuse(request, `cannot be reverted: it is ${request.state} (only within the revert window)`);
  }
  request.revertRequestedAt = ctx.now;
  enter(request, "in_progress_revert", ctx.now);
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

/** `POST …/skip-revert` (`skip_revert_period`): close the revert window now. */
function skipRevert(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "skip_revert_period");
  parseBody(ctx, empty);
  if (request.state !== "complete_pending_revert") {
    refuse(request, `has no revert window to skip: it is ${request.state}`);
  }
  request.revertUntil = ctx.now;
  request.finishedAt = ctx.now;
  enter(request, "complete", ctx.now);
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

const D = "organizations/:organization/databases/:database/deploy-requests/:number";

/** The deploy actions' routes. */
export const deployActionRoutes: Route[] = [
  { method: "POST", pattern: `${D}/deploy`, handler: deploy },
  { method: "POST", pattern: `${D}/cancel`, handler: cancel },
  { method: "POST", pattern: `${D}/apply-deploy`, handler: apply },
  { method: "PUT", pattern: `${D}/auto-apply`, handler: autoApply },
  { method: "PUT", pattern: `${D}/auto-delete-branch`, handler: autoDeleteBranch },
  { method: "POST", pattern: `${D}/revert`, handler: revert },
  { method: "POST", pattern: `${D}/skip-revert`, handler: skipRevert },
];
