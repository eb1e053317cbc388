/**
 * What only Postgres roles have: reassigning the objects a role owns (`POST …/roles/{id}/reassign`,
 * and `successor` on delete), a new password (`POST …/roles/{id}/reset`), and the branch's default
 * `postgres` role (`GET …/roles/default`, `POST …/roles/reset-default`). Bodies as pscale's copy of
 * planetscale-go sends them (`internal/planetscale/postgres_roles.go`).
 */
import { z } from "zod";
import { parseBody, type RequestContext, type Route } from "../http/context";
import { unprocessable } from "../http/errors";
import { credentialSecret } from "../state/ids";
import type { BranchRecord, RoleRecord } from "../state/records";
import { postgresAddress } from "../state/regions";
import { defaultRoleOf, findRole, reassignObjects } from "../state/roles";
import { requireCredentialBranch, requireCredentialIn } from "./credential-kit";
import { renderRole } from "./role-render";

/** The role the path names, with its branch. */
function requireRole(ctx: RequestContext, op: string): { role: RoleRecord; branch: BranchRecord } {
  const { branch } = requireCredentialBranch(ctx, op, "postgresql");
  return { role: requireCredentialIn(ctx, ctx.store.data.roles, branch, "role"), branch };
}

/**
 * Gives the objects `role` owns to the role `successor` names (its id, or its username with or
 * without the branch suffix; `postgres` is the default role). 422 when it names no role of the
 * branch, or `role` itself.
 */
export function reassignTo(
  ctx: RequestContext,
  role: RoleRecord,
  branch: BranchRecord,
  successor: string,
): void {
  const found = findRole(ctx.store, branch, successor, ctx.now);
  if (!found) throw unprocessable(`Successor role ${successor} does not exist on branch ${branch.name}`);
  if (found.role === role) throw unprocessable("A role cannot be its own successor");
  if (found.created) ctx.changed();
  if (role.ownedObjects.length > 0) {
    reassignObjects(role, found.role, ctx.now);
    ctx.changed();
  }
}

/** `POST …/roles/{id}/reassign {successor}` → 204. */
function reassign(ctx: RequestContext) {
  const { role, branch } = requireRole(ctx, "reassign_role_objects");
  const body = parseBody(ctx, z.strictObject({ successor: z.string() }));
  reassignTo(ctx, role, branch, body.successor);
  return { status: 204 };
}

/** Sets a new password on `role`; the old one stops working at once. Returns the plaintext. */
function newPassword(ctx: RequestContext, role: RoleRecord): string {
  const secret = credentialSecret();
  role.secretHash = ctx.store.issue(secret);
  role.updatedAt = ctx.now;
  ctx.changed();
  return secret;
}

/** `POST …/roles/{id}/reset` → 200 with the new `password` (only here). */
function reset(ctx: RequestContext) {
  const { role, branch } = requireRole(ctx, "reset_role");
  parseBody(ctx, z.strictObject({}));
  const secret = newPassword(ctx, role);
  return { status: 200, body: renderRole(role, branch, ctx.now, secret) };
}

/** `GET …/roles/default`: the branch's `postgres` role (its password is never shown here). */
function getDefault(ctx: RequestContext) {
  const { branch } = requireCredentialBranch(ctx, "get_default_role", "postgresql");
  const { role, created } = defaultRoleOf(ctx.store, branch, ctx.now);
  if (created) ctx.changed();
  return { status: 200, body: renderRole(role, branch, ctx.now, null) };
}

/** `POST …/roles/reset-default` → 200 `{username, password, access_host_url}`: a new password. */
function resetDefault(ctx: RequestContext) {
  const { branch } = requireCredentialBranch(ctx, "reset_default_role", "postgresql");
  parseBody(ctx, z.strictObject({}));
  const { role } = defaultRoleOf(ctx.store, branch, ctx.now);
  const secret = newPassword(ctx, role);
  return {
    status: 200,
    body: { username: role.username, password: secret, access_host_url: postgresAddress(branch.region) },
  };
}

const P = "organizations/:organization/databases/:database/branches/:branch/roles";

/** The role-only routes; listed before the shared ones so `roles/default` is not read as an id. */
export const roleActionRoutes: Route[] = [
  { method: "GET", pattern: `${P}/default`, handler: getDefault },
  { method: "POST", pattern: `${P}/reset-default`, handler: resetDefault },
  { method: "POST", pattern: `${P}/:id/reassign`, handler: reassign },
  { method: "POST", pattern: `${P}/:id/reset`, handler: reset },
];
