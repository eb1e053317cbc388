/**
 * The routes every kind of branch credential shares: list, create, get, delete and renew under
 * `…/branches/{branch}/<collection>[/{id}[/renew]]`. MySQL passwords and Postgres roles behave
 * alike there (plaintext in the create answer only, expiry, renewal by the ttl, deletion stops
 * authentication at once); a {@link CredentialKind} says only what differs.
 */
import { z } from "zod";
import { actorOf } from "../http/auth";
import { paginate, parseBody, type RequestContext, type Route, requireDatabase } from "../http/context";
import { notFound, unprocessable } from "../http/errors";
import { isExpired } from "../state/credentials";
import { kindOf } from "../state/databases";
import { credentialSecret, hashSecret, publicId } from "../state/ids";
import { accessesFor } from "../state/permissions";
import type { BranchRecord, CredentialRecord, DatabaseKind, DatabaseRecord } from "../state/records";
import type { Store } from "../state/store";
import { requireBranch } from "./checks";

/** Longest lifetime the emulator accepts for a password or role (PlanetScale documents none). */
const MAX_CREDENTIAL_TTL_SECONDS = 10 * 365 * 24 * 3600;

/**
 * The database and branch of a password or role request. Passwords exist on MySQL (Vitess)
 * databases and roles on Postgres ones: asking the other kind answers 422, naming the right API.
 */
function requireCredentialBranch(
  ctx: RequestContext,
  op: string,
  kind: DatabaseKind,
): { db: DatabaseRecord; branch: BranchRecord } {
  const db = requireDatabase(ctx, accessesFor(op));
  const branch = requireBranch(ctx, db);
  if (kindOf(db) !== kind) {
    throw unprocessable(
      kind === "mysql"
        ? `Database ${db.name} is a PostgreSQL database: it has roles (…/roles), not passwords`
        : `Database ${db.name} is a MySQL (Vitess) database: it has passwords (…/passwords), not roles`,
    );
  }
  return { db, branch };
}

/** Refuses a `ttl` that is not a whole number of seconds in range. */
function checkTtl(ttl: number | undefined): void {
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_CREDENTIAL_TTL_SECONDS)) {
    throw unprocessable(`TTL must be a whole number of seconds between 1 and ${MAX_CREDENTIAL_TTL_SECONDS}`);
  }
}

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

/** The fields every create body of a credential may carry. */
interface CreateBodyBase {
  name?: string | undefined;
  ttl?: number | undefined;
}

/** What one kind of credential adds to the shared routes. */
export interface CredentialKind<Kind extends CredentialRecord, Body extends CreateBodyBase> {
  /** The singular noun of its operation ids and messages: `password` (`get_password`). */
  noun: string;
  /** The path segment and plural of its operation ids: `passwords` (`list_passwords`). */
  collection: string;
  /** The kind of database whose branches hold it; asking another kind answers 422. */
  databaseKind: DatabaseKind;
  /** The status of a successful create, as the spec gives it. */
  createdStatus: 200 | 201;
  /** The create request body (the fields PlanetScale's own clients send). */
  createBody: z.ZodType<Body>;
  /** The store's (live) list of this kind. */
  records(store: Store): Kind[];
  /**
   * Checks what only this kind refuses, then adds its own fields to `common` (name, username and
   * secret digest already set).
   */
  build(common: CredentialRecord, body: Body, branch: BranchRecord): Kind;
  /** A name for a credential created without one. */
  defaultName(branch: BranchRecord, now: number): string;
  /** A new random database username. */
  newUsername(branch: BranchRecord): string;
  /** The API object; `secret` is the plaintext, given only in the create answer. */
  render(record: Kind, branch: BranchRecord, now: number, secret: string | null): unknown;
}

/** The five routes of `kind`. */
export function credentialRoutes<Kind extends CredentialRecord, Body extends CreateBodyBase>(
  kind: CredentialKind<Kind, Body>,
): Route[] {
  const operation = (verb: string): string => `${verb}_${kind.noun}`;

  function ofBranch(store: Store, branch: BranchRecord): Kind[] {
    return kind
      .records(store)
      .filter(
        (record) =>
          record.organization === branch.organization &&
          record.database === branch.database &&
          record.branchId === branch.id,
      );
  }

  function requireCredential(ctx: RequestContext, op: string): { record: Kind; branch: BranchRecord } {
    const { branch } = requireCredentialBranch(ctx, op, kind.databaseKind);
    const id = ctx.params["id"] ?? "";
    const record = ofBranch(ctx.store, branch).find((candidate) => candidate.id === id);
    if (!record) throw notFound(`${kind.noun} "${id}" does not exist on branch "${branch.name}"`);
    return { record, branch };
  }

  /** `GET …` with `q` (name contains), `page`, `per_page`. */
  function list(ctx: RequestContext) {
    const { db, branch } = requireCredentialBranch(ctx, `list_${kind.collection}`, kind.databaseKind);
    const nameContains = (ctx.query.get("q") ?? "").toLowerCase();
    const items = ofBranch(ctx.store, branch)
      .filter((record) => nameContains === "" || record.name.toLowerCase().includes(nameContains))
      .map((record) => kind.render(record, branch, ctx.now, null));
    const url = `${ctx.base.apiUrl}/organizations/${encodeURIComponent(db.organization)}/databases/${encodeURIComponent(db.name)}/branches/${encodeURIComponent(branch.name)}/${kind.collection}`;
    return { status: 200, body: paginate(ctx, items, url) };
  }

  /** `POST …` → the new credential with its plaintext (only here). Names need not be unique. */
  function create(ctx: RequestContext) {
    const { db, branch } = requireCredentialBranch(ctx, operation("create"), kind.databaseKind);
    const body = parseBody(ctx, kind.createBody);
    if (body.name !== undefined && body.name.length > 255)
      throw unprocessable("Name is too long (at most 255)");
    checkTtl(body.ttl);
    const secret = credentialSecret();
    const common: CredentialRecord = {
      id: publicId(),
      organization: db.organization,
      database: db.name,
      branchId: branch.id,
      name: body.name || kind.defaultName(branch, ctx.now),
      username: kind.newUsername(branch),
      secretHash: hashSecret(secret),
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

  /** `DELETE …/{id}` → 204; it stops authenticating at once. */
  function remove(ctx: RequestContext) {
    const { record } = requireCredential(ctx, operation("delete"));
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
    { method: "DELETE", pattern: `${path}/:id`, handler: remove },
    { method: "POST", pattern: `${path}/:id/renew`, handler: renewCredential },
  ];
}
