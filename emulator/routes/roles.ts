/**
 * Postgres branch roles: `…/branches/{branch}/roles[/{id}[/renew]]`. Shapes from the spec's
 * `*_role` operations; the create body as the Terraform provider's
 * `planetscale_postgres_branch_role` sends it (`name`, `ttl`, `inherited_roles`). The plaintext
 * `password` is in the create answer only.
 */
import { z } from "zod";
import { actorOf } from "../auth";
import { paginate, parseBody, type RequestContext, type Route } from "../context";
import {
  checkTtl,
  credentialSecret,
  credentialUsername,
  isExpired,
  isoOrNull,
  renew,
  requireCredentialBranch,
} from "../credentials";
import { notFound, unprocessable } from "../errors";
import { hashSecret, iso, publicId } from "../ids";
import { postgresAddress } from "../regions";
import type { BranchRecord, RoleRecord } from "../store";

const TOKEN_AVATAR = "https://app.planetscale.com/images/service-token-avatar.png";

/** The spec's enum of `inherited_roles`. */
const INHERITABLE = [
  "pg_checkpoint",
  "pg_create_subscription",
  "pg_maintain",
  "pg_monitor",
  "pg_read_all_data",
  "pg_read_all_settings",
  "pg_read_all_stats",
  "pg_signal_backend",
  "pg_stat_scan_tables",
  "pg_use_reserved_connections",
  "pg_write_all_data",
  "postgres",
] as const;

function render(r: RoleRecord, branch: BranchRecord, now: number, password?: string) {
  const base = r.username.split(".")[0] ?? r.username;
  return {
    id: r.id,
    name: r.name,
    access_host_url: postgresAddress(branch.region),
    private_access_host_url: postgresAddress(branch.region).replace(".pg.", ".private-pg."),
    private_connection_service_name: "",
    username: r.username,
    base_username: base,
    // The spec types `password` as a required string "available only after create": elsewhere "".
    password: password ?? "",
    database_name: "postgres",
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
    deleted_at: null,
    expires_at: isoOrNull(r.expiresAt),
    dropped_at: null,
    disabled_at: null,
    drop_failed: "",
    ready: true,
    expired: isExpired(r, now),
    default: false,
    ttl: r.ttlSeconds ?? 0,
    inherited_roles: r.inheritedRoles,
    with_replication: false,
    branch: {
      id: branch.id,
      name: branch.name,
      created_at: iso(branch.createdAt),
      updated_at: iso(branch.updatedAt),
      deleted_at: null,
    },
    actor: r.actor
      ? { id: r.actor.id, display_name: r.actor.displayName, avatar_url: TOKEN_AVATAR }
      : { id: "", display_name: "", avatar_url: TOKEN_AVATAR },
    query_safety_settings: { require_where_on_delete: "off", require_where_on_update: "off" },
  };
}

function requireRole(ctx: RequestContext, op: string): { r: RoleRecord; branch: BranchRecord } {
  const { db, branch } = requireCredentialBranch(ctx, op, "postgresql");
  const id = ctx.params["id"] ?? "";
  const r = ctx.store.roles(db.organization, db.name, branch.id).find((x) => x.id === id);
  if (!r) throw notFound(`role "${id}" does not exist on branch "${branch.name}"`);
  return { r, branch };
}

/** `GET …/roles` with `q` (name contains), `page`, `per_page`. */
function listRoles(ctx: RequestContext) {
  const { db, branch } = requireCredentialBranch(ctx, "list_roles", "postgresql");
  const q = (ctx.query.get("q") ?? "").toLowerCase();
  const items = ctx.store
    .roles(db.organization, db.name, branch.id)
    .filter((r) => q === "" || r.name.toLowerCase().includes(q))
    .map((r) => render(r, branch, ctx.now));
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches/${encodeURIComponent(branch.name)}/roles`;
  return { status: 200, body: paginate(ctx, items, url) };
}

const createBody = z.strictObject({
  name: z.string().optional(),
  ttl: z.number().optional(),
  inherited_roles: z.array(z.enum(INHERITABLE)).optional(),
  with_replication: z.boolean().optional(),
  require_where_on_delete: z.string().optional(),
  require_where_on_update: z.string().optional(),
});

/** `POST …/roles` → 200 (the spec's status) with the plaintext `password` (only here). */
function createRole(ctx: RequestContext) {
  const { db, branch } = requireCredentialBranch(ctx, "create_role", "postgresql");
  const body = parseBody(ctx, createBody);
  if (body.name !== undefined && body.name.length > 255)
    throw unprocessable("Name is too long (at most 255)");
  checkTtl(body.ttl);
  const secret = credentialSecret();
  const r: RoleRecord = {
    id: publicId(),
    organization: db.organization,
    database: db.name,
    branchId: branch.id,
    name: body.name || `role-${iso(ctx.now).slice(0, 10)}`,
    // Postgres usernames carry the branch id after a dot: PlanetScale routes connections by it.
    username: `pscale_api_${credentialUsername()}.${branch.id}`,
    secretHash: hashSecret(secret),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    expiresAt: body.ttl === undefined ? null : ctx.now + body.ttl * 1000,
    ttlSeconds: body.ttl ?? null,
    actor: actorOf(ctx.cred),
    inheritedRoles: body.inherited_roles ?? ["postgres"],
  };
  ctx.store.data.roles.push(r);
  ctx.changed();
  return { status: 200, body: render(r, branch, ctx.now, secret) };
}

/** `GET …/roles/{id}` (`password` empty; an expired role is still listed, `expired: true`). */
function getRole(ctx: RequestContext) {
  const { r, branch } = requireRole(ctx, "get_role");
  return { status: 200, body: render(r, branch, ctx.now) };
}

/** `DELETE …/roles/{id}` → 204; it stops authenticating at once. */
function deleteRole(ctx: RequestContext) {
  const { r } = requireRole(ctx, "delete_role");
  ctx.store.data.roles = ctx.store.data.roles.filter((x) => x !== r);
  ctx.changed();
  return { status: 204 };
}

/** `POST …/roles/{id}/renew` → 200: expiry moved to now + ttl. */
function renewRole(ctx: RequestContext) {
  const { r, branch } = requireRole(ctx, "renew_role");
  parseBody(ctx, z.strictObject({}));
  renew(ctx, r);
  return { status: 200, body: render(r, branch, ctx.now) };
}

const P = "organizations/:organization/databases/:database/branches/:branch/roles";

/** Role routes. */
export const roleRoutes: Route[] = [
  { method: "GET", pattern: P, handler: listRoles },
  { method: "POST", pattern: P, handler: createRole },
  { method: "GET", pattern: `${P}/:id`, handler: getRole },
  { method: "DELETE", pattern: `${P}/:id`, handler: deleteRole },
  { method: "POST", pattern: `${P}/:id/renew`, handler: renewRole },
];
