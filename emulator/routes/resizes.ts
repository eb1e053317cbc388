import { z } from "zod";
import { actorOf } from "../http/auth";
import {
  blankAsAbsent,
  paginate,
  parseBody,
  type RequestContext,
  type Route,
  requireDatabase,
} from "../http/context";
import { notFound, unprocessable } from "../http/errors";
import { publicId } from "../state/ids";
import { accessesFor } from "../state/permissions";
import type { BranchRecord, ResizeRecord, VtgateConfig } from "../state/records";
import { clusterNameAt, resizeState } from "../state/store";
import { checkClusterSize, requireBranch, requireReady } from "./checks";
import { renderResize } from "./serialize";

/**
 * `PUT …/resizes`: the spec's `update_branch_resize_request` body, VTGate settings only (sent by
 * planetscale-go `ResizeBranchRequest` with `omitempty` on every field, and by the Terraform
 * provider's `UpdateBranchResizeRequestRequestBody` with `omitzero`).
 */
const resizeBody = z.strictObject({
  vtgate_size: blankAsAbsent(z.string()),
  vtgate_count: z.number().int().optional(),
  vtgate_max_count: z.number().int().optional(),
  vtgate_autoscaling: z.boolean().optional(),
  vtgate_target_cpu_utilization: z.number().int().optional(),
});

function sameVtgate(a: VtgateConfig, b: VtgateConfig): boolean {
  return (
    a.size === b.size &&
    a.count === b.count &&
    a.maxCount === b.maxCount &&
    a.autoscaling === b.autoscaling &&
    a.targetCpuUtilization === b.targetCpuUtilization
  );
}

function checkVtgate(vtgate: VtgateConfig): void {
  if (!/^VTG_\d+$/.test(vtgate.size)) {
    throw unprocessable(`VTGate size "${vtgate.size}" is not valid (examples: VTG_5, VTG_10, VTG_20)`);
  }
  if (vtgate.count < 1 || vtgate.count > 32) throw unprocessable("VTGate count must be between 1 and 32");
  if (vtgate.targetCpuUtilization < 1 || vtgate.targetCpuUtilization > 100) {
    throw unprocessable("VTGate target CPU utilization must be between 1 and 100");
  }
  if (vtgate.autoscaling && vtgate.maxCount < vtgate.count) {
    throw unprocessable("VTGate max count must be at least the VTGate count when autoscaling is enabled");
  }
}

/** The resize of `b` still in progress at `now`, if any (at most one is). */
function inProgress(ctx: RequestContext, branch: BranchRecord): ResizeRecord | undefined {
  return ctx.store.resizes(branch).find((r) => resizeState(r, ctx.now) === "resizing");
}

/**
 * `PUT …/branches/{branch}/resizes`: starts a VTGate resize (200 with the request, `resizing`
 * until the ready delay has passed, then `completed`), updates the one in progress ("queues or
 * updates", planetscale-go `Resize`), or answers the spec's 204 "No changes to apply" when the
 * settings asked for are already the branch's.
 */
function updateResize(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("update_branch_resize_request"));
  const branch = requireBranch(ctx, db);
  const body = parseBody(ctx, resizeBody);
  requireReady(ctx, branch, "resize it");
  const pending = inProgress(ctx, branch);
  const base = pending?.target ?? ctx.store.vtgateAt(branch, ctx.now);
  const target: VtgateConfig = {
    size: body.vtgate_size ?? base.size,
    count: body.vtgate_count ?? base.count,
    maxCount: body.vtgate_max_count ?? base.maxCount,
    autoscaling: body.vtgate_autoscaling ?? base.autoscaling,
    targetCpuUtilization: body.vtgate_target_cpu_utilization ?? base.targetCpuUtilization,
  };
  checkVtgate(target);
  if (sameVtgate(target, base)) {
    return pending ? { status: 200, body: renderResize(pending, ctx.now) } : { status: 204 };
  }
  if (pending) {
    pending.target = target;
    pending.updatedAt = ctx.now;
    ctx.changed();
    return { status: 200, body: renderResize(pending, ctx.now) };
  }
  const r: ResizeRecord = {
    id: publicId(),
    organization: db.organization,
    database: db.name,
    branchId: branch.id,
    previous: base,
    target,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    completeAt: ctx.now + ctx.readyDelayMs,
    canceledAt: null,
    actor: actorOf(ctx.cred),
  };
  ctx.store.data.resizes.push(r);
  ctx.changed();
  return { status: 200, body: renderResize(r, ctx.now) };
}

/** `GET …/branches/{branch}/resizes`: newest first, paginated. */
function listResizes(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("list_branch_resize_requests"));
  const branch = requireBranch(ctx, db);
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches/${encodeURIComponent(branch.name)}/resizes`;
  return {
    status: 200,
    body: paginate(
      ctx,
      ctx.store.resizes(branch).map((r) => renderResize(r, ctx.now)),
      url,
      // The spec's envelope for this list has no totals.
      { totals: false },
    ),
  };
}

/** `GET …/branches/{branch}/resizes/{resize}`. */
function getResize(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("get_branch_resize_request"));
  const branch = requireBranch(ctx, db);
  const id = ctx.params["resize"] ?? "";
  const resize = ctx.store.resizes(branch).find((x) => x.id === id);
  if (!resize) throw notFound(`resize "${id}" does not exist on branch "${branch.name}"`);
  return { status: 200, body: renderResize(resize, ctx.now) };
}

/** `DELETE …/branches/{branch}/resizes`: cancels the resize in progress (204); 404 when there is none. */
function cancelResize(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("cancel_branch_change_request"));
  const branch = requireBranch(ctx, db);
  const pending = inProgress(ctx, branch);
  if (!pending) throw notFound(`branch "${branch.name}" has no resize in progress`);
  pending.canceledAt = ctx.now;
  pending.updatedAt = ctx.now;
  ctx.changed();
  return { status: 204 };
}

const clusterBody = z.strictObject({ cluster_size: z.string() });

/**
 * `PATCH …/branches/{branch}/cluster` `{cluster_size}` (`update_branch_cluster_config`): 204 at
 * once, and the branch reports the new `cluster_name` when the change completes, after the ready
 * delay; until then it reports the old one. The Terraform provider's Vitess branch updates its
 * `cluster_size` this way (`schemas/overlay-terraform-vitess-branch.yaml`: "this API returns an
 * immediate response without waiting for the cluster change to complete").
 */
function updateCluster(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("update_branch_cluster_config"));
  const branch = requireBranch(ctx, db);
  const body = parseBody(ctx, clusterBody);
  checkClusterSize(body.cluster_size, branch.kind ?? "mysql");
  requireReady(ctx, branch, "change its cluster size");
  const current = clusterNameAt(branch, ctx.now);
  if (body.cluster_size === branch.clusterName) return { status: 204 };
  branch.clusterChange =
    body.cluster_size === current ? null : { from: current, at: ctx.now + ctx.readyDelayMs };
  branch.clusterName = body.cluster_size;
  branch.updatedAt = ctx.now;
  ctx.changed();
  return { status: 204 };
}

const B = "organizations/:organization/databases/:database/branches/:branch";

/** Branch resize (VTGate) and cluster-size routes. */
export const resizeRoutes: Route[] = [
  { method: "PUT", pattern: `${B}/resizes`, handler: updateResize },
  { method: "GET", pattern: `${B}/resizes`, handler: listResizes },
  { method: "DELETE", pattern: `${B}/resizes`, handler: cancelResize },
  { method: "GET", pattern: `${B}/resizes/:resize`, handler: getResize },
  { method: "PATCH", pattern: `${B}/cluster`, handler: updateCluster },
];
