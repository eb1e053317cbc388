/**
 * The routes every kind of branch credential shares: list, create, get, update, delete and renew
 * under `…/branches/{branch}/<collection>[/{id}[/renew]]`. MySQL passwords and Postgres roles
 * behave alike there (plaintext in the create answer only, expiry, renewal by the ttl, deletion
 * stops authentication at once); a {@link CredentialKind} says only what differs.
 */
import { z } from "zod";
import { actorOf } from "../http/auth";
import { paginate, parseBody, type RequestContext, type Route } from "../http/context";
import { badRequest, unprocessable } from "../http/errors";
import { type CredentialStatus, hasStatus, isExpired } from "../state/credentials";
import { credentialSecret, publicId } from "../state/ids";
import type { BranchRecord, CredentialRecord } from "../state/records";
import {
  type CreateBodyBase,
  type CredentialKind,
  checkName,
  checkTtl,
  requireCredentialBranch,
  requireCredentialIn,
  type UpdateBodyBase,
} from "./credential-kit";

/** Extends a credential by its ttl from now (`…/renew`); one without a ttl cannot be renewed. */
function renew(ctx: RequestContext, credential: CredentialRecord): void {
  if (credential.ttlSeconds === null)
    throw unprocessable("This credential does not expire, so it cannot be renewed");
  if (isExpired(credential, ctx.now))
    throw unprocessable("This credential has expired and can no longer be renewed");
  credential.expiresAt = ctx.now + credential.ttlSeconds * 1000;
  credential.updatedAt = ctx.now;
  ctx.changed();
}

/** The list's `status` filter; 400 for a value the kind does not know. */
function statusFilter(
  ctx: RequestContext,
  statuses: readonly CredentialStatus[],
): CredentialStatus | undefined {
  const status = ctx.query.get("status");
  if (status === null || status === "") return undefined;
  const known = statuses.find((candidate) => candidate === status);
  if (known === undefined) {
    throw badRequest(`Query parameter status must be one of ${statuses.join(", ")}`);
  }
  return known;
}

/** The six routes of `kind`. */
export function credentialRoutes<
  Kind extends CredentialRecord,
  Body extends CreateBodyBase,
  Update extends UpdateBodyBase,
>(kind: CredentialKind<Kind, Body, Update>): Route[] {
  const operation = (verb: string): string => `${verb}_${kind.noun}`;

  function requireCredential(ctx: RequestContext, op: string): { record: Kind; branch: BranchRecord } {
    const { branch } = requireCredentialBranch(ctx, op, kind.databaseKind);
    return { record: requireCredentialIn(ctx, kind.records(ctx.store), branch, kind.noun), branch };
  }

  /** `GET …` with `q` (name contains), `status`, `page`, `per_page`. */
  function list(ctx: RequestContext) {
    const { db, branch } = requireCredentialBranch(ctx, `list_${kind.collection}`, kind.databaseKind);
    const q = (ctx.query.get("q") ?? "").toLowerCase();
    const status = statusFilter(ctx, kind.statuses);
    const items = kind
      .records(ctx.store)
      .filter((record) => record.branchId === branch.id && record.database === db.name && kind.listed(record))
      .filter((record) => q === "" || kind.matches(record, q))
      .filter((record) => status === undefined || hasStatus(record, status, ctx.now))
      .map((record) => kind.render(record, branch, ctx.now, null));
    const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches/${encodeURIComponent(branch.name)}/${kind.collection}`;
    return { status: 200, body: paginate(ctx, items, url) };
  }

  /** `POST …` → the new credential with its plaintext (only here). Names need not be unique. */
  function create(ctx: RequestContext) {
    const { db, branch } = requireCredentialBranch(ctx, operation("create"), kind.databaseKind);
    const body = parseBody(ctx, kind.createBody);
    checkName(body.name, false);
    checkTtl(body.ttl);
    const secret = credentialSecret();
    const common: CredentialRecord = {
      id: publicId(),
      organization: db.organization,
      database: db.name,
      branchId: branch.id,
      name: body.name || kind.defaultName(branch, ctx.now),
      username: kind.newUsername(branch),
      secretHash: ctx.store.issue(secret),
      createdAt: ctx.now,
      updatedAt: ctx.now,
      expiresAt: body.ttl === undefined ? null : ctx.now + body.ttl * 1000,
      ttlSeconds: body.ttl ?? null,
      actor: actorOf(ctx.cred),
    };
    const record = kind.build(common, body, branch);
    kind.records(ctx.store).push(record);
    ctx.changed();
    return { status: kind.createdStatus, body: kind.render(record, branch, ctx.now, secret) };
  }

  /** `GET …/{id}` (no plaintext; an expired credential is still listed, `expired: true`). */
  function get(ctx: RequestContext) {
    const { record, branch } = requireCredential(ctx, operation("get"));
    return { status: 200, body: kind.render(record, branch, ctx.now, null) };
  }

  /** `PATCH …/{id}` → 200: rename, and what the kind lets change in place. */
  function update(ctx: RequestContext) {
    const { record, branch } = requireCredential(ctx, operation("update"));
    const body = parseBody(ctx, kind.updateBody);
    checkName(body.name, true);
    let changed = kind.update(record, body);
    if (body.name !== undefined && body.name !== record.name) {
      record.name = body.name;
      changed = true;
    }
    if (changed) {
      record.updatedAt = ctx.now;
      ctx.changed();
    }
    return { status: 200, body: kind.render(record, branch, ctx.now, null) };
  }

  /** `DELETE …/{id}` → 204; it stops authenticating at once. */
  function remove(ctx: RequestContext) {
    const { record, branch } = requireCredential(ctx, operation("delete"));
    const body = parseBody(ctx, kind.deleteBody);
    kind.beforeDelete(ctx, record, branch, body);
    const all = kind.records(ctx.store);
    all.splice(all.indexOf(record), 1);
    ctx.changed();
    return { status: 204 };
  }

  /** `POST …/{id}/renew` → 200: expiry moved to now + ttl. */
  function renewCredential(ctx: RequestContext) {
    const { record, branch } = requireCredential(ctx, operation("renew"));
    parseBody(ctx, z.strictObject({}));
    renew(ctx, record);
    return { status: 200, body: kind.render(record, branch, ctx.now, null) };
  }

  const path = `organizations/:organization/databases/:database/branches/:branch/${kind.collection}`;
  return [
    { method: "GET", pattern: path, handler: list },
    { method: "POST", pattern: path, handler: create },
    { method: "GET", pattern: `${path}/:id`, handler: get },
    { method: "PATCH", pattern: `${path}/:id`, handler: update },
    { method: "DELETE", pattern: `${path}/:id`, handler: remove },
    { method: "POST", pattern: `${path}/:id/renew`, handler: renewCredential },
  ];
}
