/**
 * Deploy requests: list, create, get, close, and what reads one (its deployment, operations, diff
 * and reviews). Deploying and what follows is in `deploy-actions.ts`; the state machine in
 * `state/deploy-requests.ts`. Bodies as the spec and pscale (planetscale/cli
 * `internal/planetscale/deploy_requests.go`) send them.
 */
import { z } from "zod";
import { actorOf } from "../http/auth";
import {
  blankAsAbsent,
  paginate,
  parseBody,
  type RequestContext,
  type Route,
  requireAccess,
  requireDatabase,
} from "../http/context";
import { notFound, unprocessable } from "../http/errors";
import { kindOf } from "../state/databases";
import { changesOf } from "../state/deploy-requests";
import { publicId } from "../state/ids";
import { accessesFor } from "../state/permissions";
import type { DatabaseRecord, DeployRequestRecord, ReviewRecord } from "../state/records";
import { lineDiffs } from "../state/schema-diff";
import { branchState } from "../state/store";
import { htmlOf } from "../state/tables";
import {
  renderDeployment,
  renderDeployRequest,
  renderOperation,
  renderReview,
} from "./deploy-request-render";

/** The deploy request numbered in the path, of the database (404 otherwise, as for any object). */
export function requireDeployRequest(
  ctx: RequestContext,
  operation: string,
): { db: DatabaseRecord; request: DeployRequestRecord } {
  const db = requireDatabase(ctx, accessesFor(operation));
  const raw = ctx.params["number"] ?? "";
  const number = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  const request = ctx.store.data.deployRequests.find(
    (r) => r.organization === db.organization && r.database === db.name && r.number === number,
  );
  if (!request) throw notFound(`deploy request "${raw}" does not exist in database "${db.name}"`);
  return { db, request };
}

/** The answer with the deploy request as it is now. */
export function deployRequestAnswer(ctx: RequestContext, request: DeployRequestRecord, status = 200) {
  return { status, body: renderDeployRequest(ctx.store.data, request, ctx.base) };
}

function listUrl(ctx: RequestContext, db: DatabaseRecord, suffix = ""): string {
  return `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/deploy-requests${suffix}`;
}

/** `GET …/deploy-requests` (`state` open, closed or deployed; `branch`; `into_branch`): newest first. */
function listDeployRequests(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("list_deploy_requests"));
  const state = ctx.query.get("state") ?? "";
  const branch = ctx.query.get("branch") ?? "";
  const into = ctx.query.get("into_branch") ?? "";
  const matches = ctx.store.data.deployRequests
    .filter((r) => r.organization === db.organization && r.database === db.name)
    .filter((r) => {
      if (state === "open") return r.closedAt === null;
      if (state === "closed") return r.closedAt !== null;
      if (state === "deployed") return r.deployedAt !== null;
      return true;
    })
    .filter((r) => branch === "" || r.branchName === branch)
    .filter((r) => into === "" || r.intoBranchName === into)
    .reverse();
  const items = matches.map((r) => renderDeployRequest(ctx.store.data, r, ctx.base));
  return { status: 200, body: paginate(ctx, items, listUrl(ctx, db)) };
}

/**
 * `POST …/deploy-requests`: `branch` (required), `into_branch` (pscale leaves it out: "By default,
 * it's the parent branch (if present) or the database's default branch", its `--into` help),
 * `notes` (pscale always sends it, often `""`), `auto_cutover`, `auto_delete_branch`.
 */
const createBody = z.strictObject({
  branch: z.string(),
  into_branch: blankAsAbsent(z.string()),
  notes: z.string().optional(),
  auto_cutover: z.boolean().optional(),
  auto_delete_branch: z.boolean().optional(),
});

/**
 * Opens a deploy request (201, `deployment_state: "pending"` while PlanetScale checks it). Refused
 * with 422 on a Postgres database, for a production or unready branch, into a branch without safe
 * migrations ("Before you can create a deploy request, the branch you are merging into must have
 * safe migrations enabled", PlanetScale's deploy-request docs), or while the branch has one open.
 */
function createDeployRequest(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("create_deploy_request"));
  const body = parseBody(ctx, createBody);
  if (kindOf(db) !== "mysql") {
    throw unprocessable(
      `Deploy requests are only available for Vitess databases; ${db.name} is a PostgreSQL database`,
    );
  }
  const head = ctx.store.branch(db.organization, db.name, body.branch);
  if (!head) throw notFound(`branch "${body.branch}" does not exist in database "${db.name}"`);
  if (head.production) {
    throw unprocessable(
      `Branch ${head.name} is a production branch; open deploy requests from development branches`,
    );
  }
  if (branchState(head, ctx.now) !== "ready") throw unprocessable(`Branch ${head.name} is not ready yet`);
  const intoName = body.into_branch ?? head.parentBranch ?? db.defaultBranch;
  const into = ctx.store.branch(db.organization, db.name, intoName);
  if (!into) throw notFound(`branch "${intoName}" does not exist in database "${db.name}"`);
  if (into.id === head.id)
    throw unprocessable(`A deploy request cannot deploy branch ${head.name} into itself`);
  if (!into.safeMigrations) {
    throw unprocessable(
      `Branch ${into.name} does not have safe migrations enabled. Enable safe migrations on ${into.name} to deploy into it`,
    );
  }
  const open = ctx.store.data.deployRequests.find((r) => r.branchId === head.id && r.closedAt === null);
  if (open) throw unprocessable(`Branch ${head.name} already has an open deploy request (#${open.number})`);
  const numbers = ctx.store.data.deployRequests
    .filter((r) => r.organization === db.organization && r.database === db.name)
    .map((r) => r.number);
  const request: DeployRequestRecord = {
    id: publicId(),
    number: Math.max(0, ...numbers) + 1,
    organization: db.organization,
    database: db.name,
    branchId: head.id,
    branchName: head.name,
    intoBranchId: into.id,
    intoBranchName: into.name,
    notes: body.notes ?? "",
    // PlanetScale applies a deploy as soon as it is ready unless told to wait ("auto-apply", on by
    // default in pscale's `deploy-request edit --auto-apply`).
    autoCutover: body.auto_cutover ?? true,
    autoDeleteBranch: body.auto_delete_branch ?? false,
    actor: actorOf(ctx.cred),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    closedAt: null,
    closedBy: null,
    branchDeletedAt: null,
    branchDeletedBy: null,
    stepMs: ctx.readyDelayMs,
    revertWindowMs: ctx.revertWindowMs,
    deploymentId: publicId(),
    state: "pending",
    stateAt: ctx.now,
    checkAt: ctx.now + ctx.readyDelayMs,
    instantDdl: false,
    queuedAt: null,
    startedAt: null,
    readyToCutoverAt: null,
    cutoverRequestedAt: null,
    cutoverAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    revertRequestedAt: null,
    revertUntil: null,
    deployedAt: null,
    operations: null,
    deployErrors: null,
    reviews: [],
    cutoverActor: null,
    cancelledActor: null,
  };
  ctx.store.data.deployRequests.push(request);
  ctx.changed();
  return deployRequestAnswer(ctx, request, 201);
}

/** `GET …/deploy-requests/{number}`. */
function getDeployRequest(ctx: RequestContext) {
  return deployRequestAnswer(ctx, requireDeployRequest(ctx, "get_deploy_request").request);
}

/** `PATCH …/deploy-requests/{number}` `{"state": "closed"}` (pscale's `CloseRequest`). */
const closeBody = z.strictObject({ state: z.literal("closed") });

/**
 * Closes a deploy request that was not deployed; one deployed, or deploying, cannot be closed
 * (nor one closed already): 422.
 */
function closeDeployRequest(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "close_deploy_request");
  parseBody(ctx, closeBody);
  if (request.closedAt !== null) throw unprocessable(`Deploy request #${request.number} is already closed`);
  const retired = request.state === "complete_cancel" || request.state === "complete_error";
  if (request.queuedAt !== null && !retired) {
    throw unprocessable(
      `Deploy request #${request.number} has been deployed (${request.state}) and cannot be closed`,
    );
  }
  request.closedAt = ctx.now;
  request.closedBy = actorOf(ctx.cred);
  request.updatedAt = ctx.now;
  ctx.changed();
  return deployRequestAnswer(ctx, request);
}

/** `GET …/deploy-requests/{number}/deployment`. */
function getDeployment(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "get_deployment");
  return { status: 200, body: renderDeployment(ctx.store.data, request) };
}

/** `GET …/deploy-requests/{number}/operations`: one per changed table, paginated. */
function listOperations(ctx: RequestContext) {
  const { db, request } = requireDeployRequest(ctx, "list_deploy_operations");
  const items = changesOf(ctx.store.data, request).map((c, i) => renderOperation(request, c, i));
  return {
    status: 200,
    body: paginate(ctx, items, listUrl(ctx, db, `/${request.number}/operations`), { totals: false }),
  };
}

/**
 * `GET …/deploy-requests/{number}/diff` (not in the spec; pscale's `deploy-request diff`,
 * `DeployRequestsService.Diff`): `{data: [{name, raw, html}]}`, one per changed table.
 */
function getDiff(ctx: RequestContext) {
  const { request } = requireDeployRequest(ctx, "get_deploy_request_diff");
  const data = lineDiffs(changesOf(ctx.store.data, request)).map((d) => ({
    name: d.name,
    raw: d.raw,
    html: htmlOf(d.raw),
  }));
  return { status: 200, body: { data } };
}

/** `GET …/deploy-requests/{number}/reviews`, paginated. */
function listReviews(ctx: RequestContext) {
  const { db, request } = requireDeployRequest(ctx, "list_deploy_request_reviews");
  const items = request.reviews.map((r) => renderReview(r));
  return {
    status: 200,
    body: paginate(ctx, items, listUrl(ctx, db, `/${request.number}/reviews`), { totals: false }),
  };
}

/** `POST …/deploy-requests/{number}/reviews` `{state, body}` (pscale `CreateReview` sends both). */
const reviewBody = z.strictObject({
  state: z.enum(["commented", "approved"]).optional(),
  body: z.string().optional(),
});

/**
 * Adds a review (201). Approving needs `approve_deploy_request` (a comment also takes
 * `review_deploy_request`), and nobody approves their own deploy request: PlanetScale asks "other
 * users in your organization" to approve (its deploy-request docs).
 */
function reviewDeployRequest(ctx: RequestContext) {
  const { db, request } = requireDeployRequest(ctx, "review_deploy_request");
  const body = parseBody(ctx, reviewBody);
  const state = body.state ?? "commented";
  if (state === "approved") {
    requireAccess(ctx, ["approve_deploy_request"], db.name);
    const actor = actorOf(ctx.cred);
    if (actor.id === request.actor?.id) {
      throw unprocessable(`You cannot approve your own deploy request (#${request.number})`);
    }
    if (request.closedAt !== null) throw unprocessable(`Deploy request #${request.number} is closed`);
  }
  const review: ReviewRecord = {
    id: publicId(),
    state,
    body: body.body ?? "",
    actor: actorOf(ctx.cred),
    createdAt: ctx.now,
  };
  request.reviews.push(review);
  request.updatedAt = ctx.now;
  ctx.changed();
  return { status: 201, body: renderReview(review) };
}

const D = "organizations/:organization/databases/:database/deploy-requests";

/** Deploy request routes (but the deploy actions). */
export const deployRequestRoutes: Route[] = [
  { method: "GET", pattern: D, handler: listDeployRequests },
  { method: "POST", pattern: D, handler: createDeployRequest },
  { method: "GET", pattern: `${D}/:number`, handler: getDeployRequest },
  { method: "PATCH", pattern: `${D}/:number`, handler: closeDeployRequest },
  { method: "GET", pattern: `${D}/:number/deployment`, handler: getDeployment },
  { method: "GET", pattern: `${D}/:number/operations`, handler: listOperations },
  { method: "GET", pattern: `${D}/:number/diff`, handler: getDiff },
  { method: "GET", pattern: `${D}/:number/reviews`, handler: listReviews },
  { method: "POST", pattern: `${D}/:number/reviews`, handler: reviewDeployRequest },
];
