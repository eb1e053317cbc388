/**
 * Postgres branch change requests (cluster size, replicas and parameters) and the parameters a
 * branch has: `update_branch_change_request`, `list_branch_change_requests`,
 * `get_branch_change_request`, `list_parameters`. Postgres only: a MySQL branch changes size
 * through `…/cluster` and VTGates through `…/resizes` (422 here).
 */
import { z } from "zod";
import { actorOf } from "../http/auth";
import {
  boolParam,
  paginate,
  parseBody,
  type RequestContext,
  type Route,
  requireDatabase,
} from "../http/context";
import { notFound, ParameterErrorsError, unprocessable } from "../http/errors";
import { changeInProgress, changesOf, postgresConfigAt, sameConfig } from "../state/changes";
import { iso, publicId } from "../state/ids";
import { PARAMETERS, parameterErrors } from "../state/parameters";
import { accessesFor } from "../state/permissions";
import type { BranchRecord, ChangeRecord, ParameterValues, PostgresConfig } from "../state/records";
import { checkClusterSize, requireBranch, requireReady } from "./checks";
import { renderChange } from "./serialize";

/**
 * The spec's body. Parameter values may be sent as text (the Terraform provider's
 * `map[string]map[string]string`) or as JSON numbers and booleans; they are kept as text.
 */
const changeBody = z.strictObject({
  cluster_size: z.string().optional(),
  replicas: z.number().int().min(0).optional(),
  parameters: z
    .record(z.string(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])))
    .optional(),
  storage: z
    .strictObject({
      minimum_storage_bytes: z.number().int().optional(),
      maximum_storage_bytes: z.number().int().optional(),
      storage_autoscaling: z.boolean().optional(),
      storage_iops: z.number().int().optional(),
      storage_throughput_mibs: z.number().int().optional(),
    })
    .optional(),
});

/** The Postgres branch in the path; 422 for a MySQL one. */
function requirePostgresBranch(ctx: RequestContext, operation: string): BranchRecord {
  const db = requireDatabase(ctx, accessesFor(operation));
  const branch = requireBranch(ctx, db);
  if (branch.kind !== "postgresql") {
    throw unprocessable(
      "Branch changes and parameters are only available for PostgreSQL databases; change a Vitess branch's size with PATCH …/cluster",
    );
  }
  return branch;
}

/** Values as text, each namespace's merged over `base` (a parameter sent replaces only itself). */
function merged(base: ParameterValues, sent: Record<string, Record<string, string | number | boolean>>) {
  const out: ParameterValues = structuredClone(base);
  for (const [namespace, entries] of Object.entries(sent)) {
    out[namespace] = { ...(out[namespace] ?? {}) };
    for (const [name, value] of Object.entries(entries)) out[namespace][name] = String(value);
  }
  return out;
}

/**
 * `PATCH …/branches/{branch}/changes` → 200 with the change request: `resizing` for the ready
 * delay, then `completed`, when the branch reports the new size, replicas and parameters. A request
 * while one is in progress updates it ("upsert", as the spec's summary says). Unknown parameters
 * and bad values get 422 with the parameter errors body.
 */
function updateChange(ctx: RequestContext) {
  const branch = requirePostgresBranch(ctx, "update_branch_change_request");
  const body = parseBody(ctx, changeBody);
  requireReady(ctx, branch, "change it");
  if (body.cluster_size !== undefined) checkClusterSize(body.cluster_size, "postgresql");
  const sent = body.parameters ?? {};
  const errors = parameterErrors(merged({}, sent));
  if (errors.length > 0) throw new ParameterErrorsError(errors);
  const pending = changeInProgress(ctx.store.data, branch, ctx.now);
  const base: PostgresConfig = pending?.target ?? postgresConfigAt(ctx.store.data, branch, ctx.now);
  const target: PostgresConfig = {
    clusterName: body.cluster_size ?? base.clusterName,
    replicas: body.replicas ?? base.replicas,
    parameters: merged(base.parameters, sent),
  };
  // "The requested configuration already matches the current one": the spec's 204, which pscale's
  // `Resize` reads as no change request (planetscale/cli internal/planetscale/postgres_branches.go).
  if (!pending && sameConfig(target, base)) return { status: 204 };
  if (pending) {
    pending.target = target;
    pending.updatedAt = ctx.now;
    ctx.changed();
    return { status: 200, body: renderChange(pending, ctx.now) };
  }
  const change: ChangeRecord = {
    id: publicId(),
    organization: branch.organization,
    database: branch.database,
    branchId: branch.id,
    previous: base,
    target,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    completeAt: ctx.now + ctx.readyDelayMs,
    canceledAt: null,
    actor: actorOf(ctx.cred),
  };
  ctx.store.data.changes.push(change);
  ctx.changed();
  return { status: 200, body: renderChange(change, ctx.now) };
}

function branchUrl(ctx: RequestContext, branch: BranchRecord): string {
  const seg = encodeURIComponent;
  return `${ctx.base.apiUrl}/organizations/${seg(branch.organization)}/databases/${seg(branch.database)}/branches/${seg(branch.name)}`;
}

/** `GET …/branches/{branch}/changes`: newest first, paginated. */
function listChanges(ctx: RequestContext) {
  const branch = requirePostgresBranch(ctx, "list_branch_change_requests");
  const items = changesOf(ctx.store.data, branch).map((c) => renderChange(c, ctx.now));
  return { status: 200, body: paginate(ctx, items, `${branchUrl(ctx, branch)}/changes`, { totals: false }) };
}

/** `GET …/branches/{branch}/changes/{id}`. */
function getChange(ctx: RequestContext) {
  const branch = requirePostgresBranch(ctx, "get_branch_change_request");
  const id = ctx.params["id"] ?? "";
  const change = changesOf(ctx.store.data, branch).find((c) => c.id === id);
  if (!change) throw notFound(`change request "${id}" does not exist on branch "${branch.name}"`);
  return { status: 200, body: renderChange(change, ctx.now) };
}

/**
 * `DELETE …/branches/{branch}/changes`: cancels the change in progress (204), as pscale's
 * `CancelChanges` does; 404 when there is none. Not in the spec (which cancels VTGate resizes
 * through `DELETE …/resizes`).
 */
function cancelChanges(ctx: RequestContext) {
  const branch = requirePostgresBranch(ctx, "update_branch_change_request");
  const pending = changeInProgress(ctx.store.data, branch, ctx.now);
  if (!pending) throw notFound(`branch "${branch.name}" has no change in progress`);
  pending.canceledAt = ctx.now;
  pending.updatedAt = ctx.now;
  ctx.changed();
  return { status: 204 };
}

/**
 * `GET …/branches/{branch}/parameters`: a bare array of the catalogue's parameters, each with the
 * value the branch will have once its change in progress completes ("pending values from a queued
 * change request are reflected", planetscale/cli `ListParameters`), else its current one, else
 * the default. pscale's `extension` and `internal` filters select (the catalogue has neither kind).
 */
function listParameters(ctx: RequestContext) {
  const branch = requirePostgresBranch(ctx, "list_parameters");
  const extension = boolParam(ctx.query, "extension");
  const internal = boolParam(ctx.query, "internal");
  const pending = changeInProgress(ctx.store.data, branch, ctx.now);
  const values = (pending?.target ?? postgresConfigAt(ctx.store.data, branch, ctx.now)).parameters;
  const url = `${branchUrl(ctx, branch)}/parameters`;
  const at = iso(branch.createdAt);
  return {
    status: 200,
    body: PARAMETERS.filter(() => extension !== true && internal !== true).map((p) => ({
      id: `${p.namespace}.${p.name}`,
      name: p.name,
      display_name: p.name,
      namespace: p.namespace,
      category: p.category,
      description: p.description,
      extension: false,
      immutable: false,
      parameter_type: p.type,
      default_value: p.defaultValue,
      value: values[p.namespace]?.[p.name] ?? p.defaultValue,
      required: false,
      created_at: at,
      updated_at: at,
      restart: p.restart ?? false,
      max: p.max ?? 0,
      min: p.min ?? 0,
      url: `${url}/${p.namespace}.${p.name}`,
      options: [...(p.options ?? [])],
      actor: { id: "", display_name: "PlanetScale", avatar_url: "" },
    })),
  };
}

const B = "organizations/:organization/databases/:database/branches/:branch";

/** Postgres branch change and parameter routes. */
export const changeRoutes: Route[] = [
  { method: "PATCH", pattern: `${B}/changes`, handler: updateChange },
  { method: "GET", pattern: `${B}/changes`, handler: listChanges },
  { method: "DELETE", pattern: `${B}/changes`, handler: cancelChanges },
  { method: "GET", pattern: `${B}/changes/:id`, handler: getChange },
  { method: "GET", pattern: `${B}/parameters`, handler: listParameters },
];
