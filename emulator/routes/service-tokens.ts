import { z } from "zod";
import { actorOf, holds } from "../http/auth";
import {
  blankAsAbsent,
  paginate,
  parseBody,
  type RequestContext,
  type Route,
  requireAccess,
  requireOrganization,
  singlePage,
} from "../http/context";
import { ApiError, notFound, unprocessable } from "../http/errors";
import { derivedId, publicId, tokenSecret } from "../state/ids";
import { type AccessName, accessesFor, isAccessName, isDatabaseAccess } from "../state/permissions";
import type { AccessRecord, TokenRecord } from "../state/records";
import { renderAccessItem, renderGrants, renderToken } from "./serialize";

function tokensUrl(ctx: RequestContext, org: string): string {
  return `${ctx.base.apiUrl}/organizations/${encodeURIComponent(org)}/service-tokens`;
}

function requireToken(ctx: RequestContext, op: string): TokenRecord {
  const org = requireOrganization(ctx);
  requireAccess(ctx, accessesFor(op), null);
  const id = ctx.params["id"] ?? "";
  const token = ctx.store.token(org.name, id);
  if (!token) throw notFound(`service token "${id}" does not exist`);
  return token;
}

/** `GET /organizations/{org}/service-tokens` (the admin credential is not listed). */
function listTokens(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  requireAccess(ctx, accessesFor("list_service_tokens"), null);
  const items = ctx.store.tokens(org.name).map((t) => renderToken(t, ctx.store));
  return { status: 200, body: paginate(ctx, items, tokensUrl(ctx, org.name)) };
}

const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;

const createBody = z.strictObject({
  name: z.string().nullable().optional(),
  ttl: z.number().optional(),
});

/** `POST /organizations/{org}/service-tokens` → 200 with the plaintext `token` (only here). */
function createToken(ctx: RequestContext) {
  const org = requireOrganization(ctx);
  requireAccess(ctx, accessesFor("create_service_token"), null);
  const body = parseBody(ctx, createBody);
  const name = body.name ?? null;
  if (name !== null && (name.trim() === "" || name.length > 255)) {
    throw unprocessable("Name must be between 1 and 255 characters");
  }
  if (body.ttl !== undefined && (!Number.isInteger(body.ttl) || body.ttl < 1 || body.ttl > MAX_TTL_SECONDS)) {
    throw unprocessable(`TTL must be a whole number of seconds between 1 and ${MAX_TTL_SECONDS}`);
  }
  const secret = tokenSecret();
  const t: TokenRecord = {
    id: publicId(),
    organization: org.name,
    name,
    secretHash: ctx.store.issue(secret),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    expiresAt: body.ttl === undefined ? null : ctx.now + body.ttl * 1000,
    lastUsedAt: null,
    actor: actorOf(ctx.cred),
    accesses: [],
  };
  ctx.store.data.serviceTokens.push(t);
  ctx.changed();
  return { status: 200, body: renderToken(t, ctx.store, secret) };
}

/** `GET /organizations/{org}/service-tokens/{id}` (`token` is null). */
function getToken(ctx: RequestContext) {
  return { status: 200, body: renderToken(requireToken(ctx, "get_service_token"), ctx.store) };
}

/** `DELETE /organizations/{org}/service-tokens/{id}` → 204; the token stops authenticating at once. */
function deleteToken(ctx: RequestContext) {
  const token = requireToken(ctx, "delete_service_token");
  ctx.store.data.serviceTokens = ctx.store.data.serviceTokens.filter((x) => x !== token);
  ctx.changed();
  return { status: 204 };
}

function accessList(ctx: RequestContext, token: TokenRecord, items: AccessRecord[]) {
  return singlePage(items.map((a) => renderAccessItem(a, token, ctx.store, ctx.base)));
}

/** `GET …/service-tokens/{id}/access`. */
function getAccess(ctx: RequestContext) {
  const token = requireToken(ctx, "get_service_token_accesses");
  return { status: 200, body: accessList(ctx, token, token.accesses) };
}

const accessBody = z.strictObject({
  /**
   * Omitted, null or "" = organization level: planetscale-go's `AddServiceTokenAccessRequest` and
   * `DeleteServiceTokenAccessRequest` always send `database`, as "" for an organization grant
   * (planetscale/planetscale-go `planetscale/service_tokens.go`; `pscale service-token add-access`).
   */
  database: blankAsAbsent(z.string().nullable()),
  access: z.array(z.string()).min(1),
});

function parseAccessBody(
  ctx: RequestContext,
  t: TokenRecord,
): { database: string | null; names: AccessName[] } {
  const body = parseBody(ctx, accessBody);
  const database = body.database ?? null;
  const unknown = body.access.filter((a) => !isAccessName(a));
  if (unknown.length > 0) {
    throw unprocessable(`Unknown access${unknown.length > 1 ? "es" : ""}: ${unknown.join(", ")}`);
  }
  const names = [...new Set(body.access)] as AccessName[];
  if (database !== null) {
    if (!ctx.store.database(t.organization, database)) {
      throw notFound(`database "${database}" does not exist`);
    }
    const orgOnly = names.filter((a) => !isDatabaseAccess(a));
    if (orgOnly.length > 0) {
      throw unprocessable(
        `${orgOnly.join(", ")} ${orgOnly.length > 1 ? "are organization accesses" : "is an organization access"} and cannot be granted on a database`,
      );
    }
  }
  return { database, names };
}

/**
 * `POST …/service-tokens/{id}/access` `{database?, access: [...]}` → 200 with the granted
 * accesses. The caller must itself hold every access it grants, at the same or a wider scope.
 */
function addAccess(ctx: RequestContext) {
  const token = requireToken(ctx, "add_service_token_accesses");
  const { database, names } = parseAccessBody(ctx, token);
  const lacking = names.filter((a) => !holds(ctx.cred, a, database));
  if (lacking.length > 0) {
    throw new ApiError(
      403,
      "forbidden",
      `You may only add service token accesses that you are also authorized to do (missing: ${lacking.join(", ")})`,
    );
  }
  if (names.includes("create_databases") && ctx.cred.kind !== "admin") {
    throw new ApiError(403, "forbidden", "Only organization administrators can grant create_databases");
  }
  const granted: AccessRecord[] = [];
  for (const access of names) {
    let existing = token.accesses.find((x) => x.access === access && x.database === database);
    if (!existing) {
      existing = { id: publicId(), access, database, createdAt: ctx.now };
      token.accesses.push(existing);
      ctx.changed();
    }
    granted.push(existing);
  }
  if (granted.length > 0) token.updatedAt = ctx.now;
  return { status: 200, body: accessList(ctx, token, granted) };
}

/** `DELETE …/service-tokens/{id}/access` with a JSON body → 200 with the accesses that remain. */
function deleteAccess(ctx: RequestContext) {
  const token = requireToken(ctx, "delete_service_token_accesses");
  const { database, names } = parseAccessBody(ctx, token);
  const before = token.accesses.length;
  token.accesses = token.accesses.filter((a) => !(a.database === database && names.includes(a.access)));
  if (token.accesses.length !== before) {
    token.updatedAt = ctx.now;
    ctx.changed();
  }
  return { status: 200, body: accessList(ctx, token, token.accesses) };
}

/** `GET …/service-tokens/{id}/grants`: accesses grouped by resource. */
function listGrants(ctx: RequestContext) {
  const token = requireToken(ctx, "list_service_token_grants");
  return {
    status: 200,
    body: singlePage(renderGrants(token, ctx.store, (resourceId) => derivedId(token.id, resourceId))),
  };
}

const T = "organizations/:organization/service-tokens";

/** Service-token routes, including the undocumented `/access` and `/grants` endpoints. */
export const serviceTokenRoutes: Route[] = [
  { method: "GET", pattern: T, handler: listTokens },
  { method: "POST", pattern: T, handler: createToken },
  { method: "GET", pattern: `${T}/:id`, handler: getToken },
  { method: "DELETE", pattern: `${T}/:id`, handler: deleteToken },
  { method: "GET", pattern: `${T}/:id/access`, handler: getAccess },
  { method: "POST", pattern: `${T}/:id/access`, handler: addAccess },
  { method: "DELETE", pattern: `${T}/:id/access`, handler: deleteAccess },
  { method: "GET", pattern: `${T}/:id/grants`, handler: listGrants },
];
