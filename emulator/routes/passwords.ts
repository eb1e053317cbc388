/**
 * MySQL (Vitess) branch passwords: `…/branches/{branch}/passwords[/{id}[/renew]]`. Shapes from the
 * spec's `*_password` operations; request bodies as planetscale-go's `DatabaseBranchPasswordRequest`
 * (planetscale/passwords.go) sends them. The plaintext is in the create answer only.
 */
import { z } from "zod";
import { actorOf } from "../auth";
import { paginate, parseBody, type RequestContext, type Route } from "../context";
import {
  checkTtl,
  credentialRegion,
  credentialSecret,
  credentialUsername,
  isExpired,
  isoOrNull,
  renew,
  requireCredentialBranch,
} from "../credentials";
import { notFound, unprocessable } from "../errors";
import { hashSecret, iso, publicId } from "../ids";
import { mysqlAddresses } from "../regions";
import type { BranchRecord, PasswordRecord } from "../store";

const TOKEN_AVATAR = "https://app.planetscale.com/images/service-token-avatar.png";

function render(p: PasswordRecord, branch: BranchRecord, now: number, plainText: string | null = null) {
  const { address, edge } = mysqlAddresses(branch.region);
  return {
    id: p.id,
    name: p.name,
    role: p.role,
    cidrs: null,
    created_at: iso(p.createdAt),
    deleted_at: null,
    expires_at: isoOrNull(p.expiresAt),
    last_used_at: null,
    expired: isExpired(p, now),
    direct_vtgate: false,
    direct_vtgate_addresses: [],
    ttl_seconds: p.ttlSeconds,
    access_host_url: address,
    access_host_regional_url: address,
    access_host_regional_urls: [],
    actor: p.actor ? { id: p.actor.id, display_name: p.actor.displayName, avatar_url: TOKEN_AVATAR } : null,
    region: credentialRegion(branch),
    username: p.username,
    plain_text: plainText,
    replica: p.replica,
    renewable: p.ttlSeconds !== null,
    database_branch: {
      name: branch.name,
      id: branch.id,
      production: branch.production,
      mysql_edge_address: edge,
      private_edge_connectivity: false,
    },
  };
}

function requirePassword(ctx: RequestContext, op: string): { p: PasswordRecord; branch: BranchRecord } {
  const { db, branch } = requireCredentialBranch(ctx, op, "mysql");
  const id = ctx.params["id"] ?? "";
  const p = ctx.store.passwords(db.organization, db.name, branch.id).find((x) => x.id === id);
  if (!p) throw notFound(`password "${id}" does not exist on branch "${branch.name}"`);
  return { p, branch };
}

/** `GET …/passwords` with `q` (name contains), `page`, `per_page`. */
function listPasswords(ctx: RequestContext) {
  const { db, branch } = requireCredentialBranch(ctx, "list_passwords", "mysql");
  const q = (ctx.query.get("q") ?? "").toLowerCase();
  const items = ctx.store
    .passwords(db.organization, db.name, branch.id)
    .filter((p) => q === "" || p.name.toLowerCase().includes(q))
    .map((p) => render(p, branch, ctx.now));
  const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches/${encodeURIComponent(branch.name)}/passwords`;
  return { status: 200, body: paginate(ctx, items, url) };
}

const createBody = z.strictObject({
  /** planetscale-go always sends it, "" when unset. */
  name: z.string().optional(),
  role: z.enum(["reader", "writer", "admin", "readwriter"]).optional(),
  replica: z.boolean().optional(),
  ttl: z.number().optional(),
  cidrs: z.array(z.string()).optional(),
  direct_vtgate: z.boolean().optional(),
});

/** `POST …/passwords` → 201 with `plain_text` (only here). Names need not be unique. */
function createPassword(ctx: RequestContext) {
  const { db, branch } = requireCredentialBranch(ctx, "create_password", "mysql");
  const body = parseBody(ctx, createBody);
  if (body.name !== undefined && body.name.length > 255)
    throw unprocessable("Name is too long (at most 255)");
  checkTtl(body.ttl);
  if (body.replica && !branch.production) {
    throw unprocessable("Replica passwords are only available on production branches");
  }
  const secret = credentialSecret();
  const p: PasswordRecord = {
    id: publicId(),
    organization: db.organization,
    database: db.name,
    branchId: branch.id,
    name: body.name || `${branch.name}-${iso(ctx.now).slice(0, 10)}`,
    username: credentialUsername(),
    secretHash: hashSecret(secret),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    expiresAt: body.ttl === undefined ? null : ctx.now + body.ttl * 1000,
    ttlSeconds: body.ttl ?? null,
    actor: actorOf(ctx.cred),
    role: body.role ?? "admin",
    replica: body.replica ?? false,
  };
  ctx.store.data.passwords.push(p);
  ctx.changed();
  return { status: 201, body: render(p, branch, ctx.now, secret) };
}

/** `GET …/passwords/{id}` (`plain_text` null; an expired password is still listed, `expired: true`). */
function getPassword(ctx: RequestContext) {
  const { p, branch } = requirePassword(ctx, "get_password");
  return { status: 200, body: render(p, branch, ctx.now) };
}

/** `DELETE …/passwords/{id}` → 204; it stops authenticating at once. */
function deletePassword(ctx: RequestContext) {
  const { p } = requirePassword(ctx, "delete_password");
  ctx.store.data.passwords = ctx.store.data.passwords.filter((x) => x !== p);
  ctx.changed();
  return { status: 204 };
}

/** `POST …/passwords/{id}/renew` → 200: expiry moved to now + ttl. */
function renewPassword(ctx: RequestContext) {
  const { p, branch } = requirePassword(ctx, "renew_password");
  parseBody(ctx, z.strictObject({}));
  renew(ctx, p);
  return { status: 200, body: render(p, branch, ctx.now) };
}

const P = "organizations/:organization/databases/:database/branches/:branch/passwords";

/** Password routes. */
export const passwordRoutes: Route[] = [
  { method: "GET", pattern: P, handler: listPasswords },
  { method: "POST", pattern: P, handler: createPassword },
  { method: "GET", pattern: `${P}/:id`, handler: getPassword },
  { method: "DELETE", pattern: `${P}/:id`, handler: deletePassword },
  { method: "POST", pattern: `${P}/:id/renew`, handler: renewPassword },
];
