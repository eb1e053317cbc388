/**
 * Deploy requests' state machine. Like branch readiness, it moves on with time, not timers: every
 * request that reads or changes deploy requests first {@link settle}s them to `now`, applying each
 * transition that came due, in the order they came due, at the time they came due. Each phase
 * takes the request's `stepMs`:
 *
 *   pending → ready | no_changes            (the deployability check; again after a schema change)
 *   queued → in_progress                    (once no earlier deployment of the database is active)
 *   in_progress → complete_pending_revert   (cut-over: the target branch's schema changes)
 *              → pending_cutover            (auto cut-over off: waits for `apply-deploy`)
 *              → complete_error             (the target changed under the deployment)
 *   in_progress_cutover → complete_pending_revert
 *   complete_pending_revert → complete      (after the revert window, or at once on skip-revert)
 *   in_progress_revert → complete_revert    (the target's tables as they were)
 *   in_progress_cancel → complete_cancel
 *
 * Until it is queued, a request's changes follow its branches (the diff of the target branch's
 * schema to its branch's); queuing freezes them.
 */
import { TERMINAL } from "./deployment-states";
import { publicId } from "./ids";
import type {
  BranchRecord,
  DeploymentState,
  DeployOperationRecord,
  DeployRequestRecord,
  StoreData,
} from "./records";
import { diffTables, type SchemaChange } from "./schema-diff";
import { renderTable } from "./tables";

export { ACTIVE, TERMINAL } from "./deployment-states";

/** The branch a deploy request deploys from, unless it was deleted. */
export function headOf(data: StoreData, request: DeployRequestRecord): BranchRecord | undefined {
  return data.branches.find((b) => b.id === request.branchId);
}

/** The branch a deploy request deploys into. */
export function intoOf(data: StoreData, request: DeployRequestRecord): BranchRecord | undefined {
  return data.branches.find((b) => b.id === request.intoBranchId);
}

/** What the request deploys: frozen once queued, else the live diff of its two branches. */
export function changesOf(data: StoreData, request: DeployRequestRecord): SchemaChange[] {
  if (request.operations !== null) return request.operations;
  const head = headOf(data, request);
  const into = intoOf(data, request);
  if (head === undefined || into === undefined) return [];
  return diffTables(into.tables, head.tables);
}

/** The changes frozen into operations, with the ids the API reports. */
export function freeze(changes: readonly SchemaChange[]): DeployOperationRecord[] {
  return changes.map((c) => ({
    id: publicId(),
    table: c.table,
    operation: c.operation,
    ddl: c.ddl,
    canDropData: c.canDropData,
    before: c.before,
    after: c.after,
  }));
}

/** Moves `request` to `state` at `at`. */
export function enter(request: DeployRequestRecord, state: DeploymentState, at: number): void {
  request.state = state;
  request.stateAt = at;
  request.updatedAt = Math.max(request.updatedAt, at);
  if (TERMINAL.has(state) && state !== "complete_cancel" && state !== "complete_error") {
    request.closedAt = at;
  }
}

/** A branch's schema changed at `at`: the open requests of it (or into it) never queued check again. */
export function schemaChanged(data: StoreData, branchId: string, at: number): void {
  for (const request of data.deployRequests) {
    if (request.closedAt !== null) continue;
    if (request.branchId !== branchId && request.intoBranchId !== branchId) continue;
    // Queued once: its changes are frozen (a cancelled or failed one is frozen again when redeployed).
    if (request.queuedAt !== null) continue;
    enter(request, "pending", at);
    request.checkAt = at + request.stepMs;
  }
}

/** A transition that comes due at `at`. */
interface Due {
  at: number;
  apply: () => void;
}

/** Brings every deploy request to its state at `now`. Returns whether anything changed. */
export function settle(data: StoreData, now: number): boolean {
  let changed = false;
  for (;;) {
    let next: Due | undefined;
    for (const request of data.deployRequests) {
      const due = dueOf(data, request);
      if (due !== undefined && due.at <= now && (next === undefined || due.at < next.at)) next = due;
    }
    if (next === undefined) return changed;
    next.apply();
    changed = true;
  }
}

function dueOf(data: StoreData, request: DeployRequestRecord): Due | undefined {
  switch (request.state) {
    case "pending": {
      const at = request.checkAt;
      return {
        at,
        apply: () => enter(request, changesOf(data, request).length === 0 ? "no_changes" : "ready", at),
      };
    }
    case "queued": {
      const at = startTime(data, request);
      return at === undefined ? undefined : { at, apply: () => start(request, at) };
    }
    case "in_progress": {
      const at = (request.startedAt ?? request.stateAt) + request.stepMs;
      return { at, apply: () => finishCopy(data, request, at) };
    }
    case "in_progress_cutover": {
      const at = (request.cutoverRequestedAt ?? request.stateAt) + request.stepMs;
      return { at, apply: () => cutover(data, request, at) };
    }
    case "complete_pending_revert": {
      const at = request.revertUntil ?? request.stateAt;
      return { at, apply: () => complete(request, at) };
    }
    case "in_progress_revert": {
      const at = (request.revertRequestedAt ?? request.stateAt) + request.stepMs;
      return { at, apply: () => revert(data, request, at) };
    }
    case "in_progress_cancel": {
      const at = (request.cancelRequestedAt ?? request.stateAt) + request.stepMs;
      return { at, apply: () => finish(request, "complete_cancel", at) };
    }
    default:
      return undefined;
  }
}

/**
 * When a queued deployment starts: one phase after it was queued, and not before every deployment
 * of the database queued ahead of it has finished (a deployment in its revert window still holds
 * the queue); undefined while one has not.
 */
function startTime(data: StoreData, request: DeployRequestRecord): number | undefined {
  let at = (request.queuedAt ?? request.stateAt) + request.stepMs;
  for (const other of ahead(data, request)) {
    if (!TERMINAL.has(other.state)) return undefined;
    at = Math.max(at, other.finishedAt ?? other.stateAt);
  }
  return at;
}

/** The deployments of the database queued before `request` (they deploy first). */
export function ahead(data: StoreData, request: DeployRequestRecord): DeployRequestRecord[] {
  const queuedAt = request.queuedAt;
  if (queuedAt === null) return [];
  return data.deployRequests.filter(
    (other) =>
      other !== request &&
      other.organization === request.organization &&
      other.database === request.database &&
      other.queuedAt !== null &&
      (other.queuedAt < queuedAt || (other.queuedAt === queuedAt && other.number < request.number)),
  );
}

function start(request: DeployRequestRecord, at: number): void {
  request.startedAt = at;
  enter(request, "in_progress", at);
}

/** The copy phase ends: cut over (or wait for it), or fail when the target no longer matches. */
function finishCopy(data: StoreData, request: DeployRequestRecord, at: number): void {
  const conflict = conflictOf(data, request);
  if (conflict !== undefined) {
    request.deployErrors = conflict;
    finish(request, "complete_error", at);
    return;
  }
  request.readyToCutoverAt = at;
  if (request.autoCutover) cutover(data, request, at);
  else enter(request, "pending_cutover", at);
}

/** Why the frozen changes no longer apply to the target branch, if they do not. */
function conflictOf(data: StoreData, request: DeployRequestRecord): string | undefined {
  const into = intoOf(data, request);
  if (into === undefined) return `Branch ${request.intoBranchName} no longer exists`;
  for (const op of request.operations ?? []) {
    const current = into.tables.find((t) => t.name === op.table);
    const expected = op.before === null ? undefined : renderTable(op.before);
    const now = current === undefined ? undefined : renderTable(current);
    if (expected !== now) {
      return now === undefined
        ? `Table \`${op.table}\` no longer exists in ${into.name}`
        : `Table \`${op.table}\` of ${into.name} changed after this deploy request was queued`;
    }
  }
  return undefined;
}

/** The cut-over: the target branch's tables become the deployed ones; the revert window opens. */
function cutover(data: StoreData, request: DeployRequestRecord, at: number): void {
  const into = intoOf(data, request);
  if (into === undefined) {
    request.deployErrors = `Branch ${request.intoBranchName} no longer exists`;
    finish(request, "complete_error", at);
    return;
  }
  for (const op of request.operations ?? []) {
    into.tables = into.tables.filter((t) => t.name !== op.table);
    if (op.after !== null) into.tables.push(structuredClone(op.after));
  }
  into.schemaUpdatedAt = at;
  request.cutoverAt = at;
  request.deployedAt = at;
  request.revertUntil = at + request.revertWindowMs;
  enter(request, "complete_pending_revert", at);
  schemaChanged(data, into.id, at);
  if (request.autoDeleteBranch) deleteHead(data, request, at);
}

/** `auto_delete_branch`: the branch goes once its changes are live (its credentials with it). */
function deleteHead(data: StoreData, request: DeployRequestRecord, at: number): void {
  const head = headOf(data, request);
  if (head === undefined || head.production || head.deletionProtected) return;
  if (data.branches.some((b) => b.parentBranch === head.name && b.database === head.database)) return;
  data.branches = data.branches.filter((b) => b !== head);
  data.passwords = data.passwords.filter((p) => p.branchId !== head.id);
  data.roles = data.roles.filter((r) => r.branchId !== head.id);
  branchDeleted(data, head.id, at, request.actor);
}

/** Deploy requests of a deleted branch: marked so; the open ones not deploying are closed. */
export function branchDeleted(
  data: StoreData,
  branchId: string,
  at: number,
  by: DeployRequestRecord["actor"],
): void {
  for (const request of data.deployRequests) {
    if (request.branchId !== branchId) continue;
    request.branchDeletedAt = at;
    request.branchDeletedBy = by;
    if (request.closedAt === null && request.queuedAt === null) {
      request.closedAt = at;
      request.closedBy = by;
    }
  }
}

function complete(request: DeployRequestRecord, at: number): void {
  finish(request, "complete", at);
}

/** The revert: each table the deployment changed is as it was before. */
function revert(data: StoreData, request: DeployRequestRecord, at: number): void {
  const into = intoOf(data, request);
  if (into !== undefined) {
    for (const op of request.operations ?? []) {
      into.tables = into.tables.filter((t) => t.name !== op.table);
      if (op.before !== null) into.tables.push(structuredClone(op.before));
    }
    into.schemaUpdatedAt = at;
    schemaChanged(data, into.id, at);
  }
  finish(request, "complete_revert", at);
}

function finish(request: DeployRequestRecord, state: DeploymentState, at: number): void {
  request.finishedAt = at;
  enter(request, state, at);
}
