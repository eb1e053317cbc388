/**
 * Deploy requests as the API answers them: the deploy request, its deployment, its operations and
 * reviews, every field the spec lists (`get_deploy_request`, `get_deployment`,
 * `list_deploy_operations`, `list_deploy_request_reviews`).
 */
import type { UrlBase } from "../http/context";
import { ahead, changesOf } from "../state/deploy-requests";
import { NOT_DEPLOYED } from "../state/deployment-states";
import { iso } from "../state/ids";
import { type LintFinding, lintTables } from "../state/lint";
import type { ActorRef, DeployRequestRecord, ReviewRecord, StoreData } from "../state/records";
import type { SchemaChange } from "../state/schema-diff";
import { escapeHtml, htmlOf } from "../state/tables";
import { TOKEN_AVATAR } from "./serialize";

const APP_URL = "https://app.planetscale.com";

function seg(s: string): string {
  return encodeURIComponent(s);
}

function time(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** An `actor` object; PlanetScale's own actions (a revert window ending) have none. */
export function actorJson(actor: ActorRef | null): Record<string, string> | null {
  return actor ? { id: actor.id, display_name: actor.displayName, avatar_url: TOKEN_AVATAR } : null;
}

/** The request's page in the PlanetScale app. */
export function deployRequestUrl(request: DeployRequestRecord): string {
  return `${APP_URL}/${seg(request.organization)}/${seg(request.database)}/deploy-requests/${request.number}`;
}

/** Lint findings with every field the spec lists for a lint error. */
export function renderLint(findings: readonly LintFinding[], keyspace: string): Record<string, unknown>[] {
  return findings.map((finding) => ({
    lint_error: finding.code,
    subject_type: "table",
    keyspace_name: keyspace,
    table_name: finding.table,
    error_description: finding.description,
    docs_url: "https://planetscale.com/docs/vitess/schema-changes/deploy-requests",
    column_name: "",
    foreign_key_column_names: [],
    auto_increment_column_names: [],
    charset_name: finding.charset ?? "",
    engine_name: finding.engine ?? "",
    vindex_name: "",
    json_path: "",
    check_constraint_name: "",
    enum_value: "",
    partitioning_type: "",
    partition_name: "",
  }));
}

/** What keeps the request from deploying now (lint errors of the tables it changes). */
export function lintErrorsOf(request: DeployRequestRecord, changes: readonly SchemaChange[]): unknown[] {
  const after = changes.flatMap((c) => (c.after === null ? [] : [c.after]));
  return renderLint(lintTables(after), request.database);
}

/** Whether PlanetScale would deploy it now: checked, with changes and without lint errors. */
export function isDeployable(data: StoreData, request: DeployRequestRecord): boolean {
  if (request.closedAt !== null || request.state !== "ready") return false;
  const changes = changesOf(data, request);
  return changes.length > 0 && lintErrorsOf(request, changes).length === 0;
}

/** Whether an approving review was given. */
export function isApproved(request: DeployRequestRecord): boolean {
  return request.reviews.some((r) => r.state === "approved");
}

/** The state of one operation, from its deployment's. */
function operationState(request: DeployRequestRecord): string {
  switch (request.state) {
    case "queued":
    case "submitting":
      return "queued";
    case "in_progress":
    case "pending_cutover":
    case "in_progress_cutover":
    case "in_progress_vschema":
      return "in_progress";
    case "complete":
    case "complete_pending_revert":
    case "in_progress_revert":
    case "in_progress_revert_vschema":
    case "complete_revert":
    case "complete_revert_error":
      return "complete";
    case "in_progress_cancel":
    case "complete_cancel":
    case "cancelled":
      return "cancelled";
    case "complete_error":
    case "error":
      return "error";
    default:
      return "pending";
  }
}

/** One deploy operation (`list_deploy_operations` items, `deploy_operations[]`). */
export function renderOperation(
  request: DeployRequestRecord,
  change: SchemaChange & { id?: string },
  index: number,
): Record<string, unknown> {
  const state = operationState(request);
  const done = state === "complete";
  return {
    id: change.id ?? `${request.deploymentId.slice(0, 10)}${String(index).padStart(2, "0")}`,
    state,
    keyspace_name: request.database,
    table_name: change.table,
    operation_name: change.operation,
    eta_seconds: done ? 0 : null,
    progress_percentage: done ? 100 : state === "in_progress" ? 50 : 0,
    deploy_error_docs_url: null,
    ddl_statement: change.ddl,
    syntax_highlighted_ddl: htmlOf(change.ddl),
    created_at: iso(request.queuedAt ?? request.createdAt),
    updated_at: iso(request.stateAt),
    throttled_at: null,
    can_drop_data: change.canDropData,
    table_locked: false,
    table_recently_used: false,
    table_recently_used_at: null,
    removed_foreign_key_names: [],
    deploy_errors: state === "error" ? request.deployErrors : null,
  };
}

function summary(request: DeployRequestRecord, change: SchemaChange, index: number): Record<string, unknown> {
  const op = renderOperation(request, change, index);
  return {
    id: op["id"],
    created_at: op["created_at"],
    deploy_errors: request.deployErrors ?? "",
    ddl_statement: change.ddl,
    eta_seconds: 0,
    keyspace_name: request.database,
    operation_name: change.operation,
    progress_percentage: op["progress_percentage"],
    state: op["state"] === "queued" ? "pending" : op["state"],
    syntax_highlighted_ddl: htmlOf(change.ddl),
    table_name: change.table,
    table_recently_used_at: null,
    throttled_at: null,
    removed_foreign_key_names: [],
    shard_count: 1,
    shard_names: ["-"],
    can_drop_data: change.canDropData,
    table_recently_used: false,
    sharded: false,
    operations: [
      {
        id: `${op["id"]}s`,
        shard: "-",
        state: op["state"],
        progress_percentage: op["progress_percentage"],
        eta_seconds: 0,
      },
    ],
  };
}

/** The deployment of a deploy request (`get_deployment`, and `deployment` inside a deploy request). */
export function renderDeployment(data: StoreData, request: DeployRequestRecord): Record<string, unknown> {
  const changes = changesOf(data, request);
  const queuedAhead = ahead(data, request).filter((other) => !NOT_DEPLOYED.has(other.state));
  return {
    id: request.deploymentId,
    auto_cutover: request.autoCutover,
    auto_delete_branch: request.autoDeleteBranch,
    created_at: iso(request.createdAt),
    cutover_at: time(request.cutoverAt),
    cutover_expiring: false,
    deploy_check_errors: null,
    finished_at: time(request.finishedAt),
    force_cutover_requested_at: null,
    queued_at: time(request.queuedAt),
    ready_to_cutover_at: time(request.readyToCutoverAt),
    started_at: time(request.startedAt),
    state: request.state,
    submitted_at: time(request.queuedAt),
    updated_at: iso(request.updatedAt),
    into_branch: request.intoBranchName,
    deploy_request_number: request.number,
    deployable: isDeployable(data, request),
    preceding_deployments: queuedAhead
      .filter((other) => other.finishedAt === null)
      .map((other) => ({
        id: other.deploymentId,
        state: other.state,
        deploy_request_number: other.number,
        into_branch: other.intoBranchName,
      })),
    deploy_operations: changes.map((c, i) => renderOperation(request, c, i)),
    deploy_operation_summaries: changes.map((c, i) => summary(request, c, i)),
    lint_errors: lintErrorsOf(request, changes),
    sequential_diff_dependencies: [],
    lookup_vindex_operations: [],
    throttler_configurations: null,
    deployment_revert_request: null,
    actor: actorJson(request.actor),
    cutover_actor: actorJson(request.cutoverActor),
    cancelled_actor: actorJson(request.cancelledActor),
    schema_last_updated_at: iso(request.stateAt),
    table_locked: false,
    locked_table_name: null,
    instant_ddl: request.instantDdl,
    instant_ddl_eligible: changes.length > 0 && changes.every((c) => c.operation === "create"),
    queue_paused: false,
    queue_pause_reason: null,
  };
}

/** A deploy request, as every deploy-request endpoint answers it. */
export function renderDeployRequest(
  data: StoreData,
  request: DeployRequestRecord,
  _base: UrlBase,
): Record<string, unknown> {
  const notes = request.notes;
  return {
    id: request.id,
    number: request.number,
    actor: actorJson(request.actor) ?? { id: "", display_name: "PlanetScale", avatar_url: TOKEN_AVATAR },
    closed_by: actorJson(request.closedBy),
    branch: request.branchName,
    branch_id: request.branchId,
    branch_deleted: request.branchDeletedAt !== null,
    branch_deleted_by: actorJson(request.branchDeletedBy),
    branch_deleted_at: time(request.branchDeletedAt),
    into_branch: request.intoBranchName,
    into_branch_sharded: false,
    into_branch_shard_count: 1,
    into_branch_keyspace_count: 1,
    approved: isApproved(request),
    state: request.closedAt === null ? "open" : "closed",
    deployment_state: request.state,
    deployment: renderDeployment(data, request),
    num_comments: request.reviews.filter((r) => r.body !== "").length,
    html_url: deployRequestUrl(request),
    notes,
    html_body: notes === "" ? "" : `<p>${escapeHtml(notes)}</p>`,
    created_at: iso(request.createdAt),
    updated_at: iso(request.updatedAt),
    closed_at: time(request.closedAt),
    deployed_at: time(request.deployedAt),
  };
}

/** A review (`review_deploy_request`'s answer, `list_deploy_request_reviews` items). */
export function renderReview(review: ReviewRecord): Record<string, unknown> {
  const at = iso(review.createdAt);
  return {
    id: review.id,
    body: review.body,
    html_body: review.body === "" ? "" : `<p>${escapeHtml(review.body)}</p>`,
    state: review.state,
    created_at: at,
    updated_at: at,
    actor: actorJson(review.actor) ?? { id: "", display_name: "PlanetScale", avatar_url: TOKEN_AVATAR },
  };
}
