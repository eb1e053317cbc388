import type { AccessName } from "../state/permissions";
import type { DatabaseRecord, OrganizationRecord } from "../state/records";
import type { Store } from "../state/store";
import { type Credential, holdsAny } from "./auth";
import type { BodySource } from "./body";
import { ApiError, badRequest, notFound } from "./errors";

/** Where rendered objects point their `url`/`html_url` fields. */
export interface UrlBase {
  /** The emulator's API base, e.g. `http://127.0.0.1:1234/v1`. */
  apiUrl: string;
}

/** A handler's answer: a status and an optional JSON body. */
export interface HandlerResult {
  status: number;
  body?: unknown;
}

/** Everything a route handler gets for one request. */
export interface RequestContext extends BodySource {
  method: string;
  /** Decoded path parameters (`organization`, `database`, `branch`, `id`). */
  params: Record<string, string>;
  query: URLSearchParams;
  cred: Credential;
  now: number;
  store: Store;
  base: UrlBase;
  readyDelayMs: number;
  /** How long a deployed deploy request can be reverted (PlanetScale: 30 minutes). */
  revertWindowMs: number;
  /** Marks the store as changed, so it is persisted after the handler. */
  changed(): void;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => HandlerResult;

/** A route: method, path pattern after `/v1` (`:name` segments are parameters), handler. */
export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
}

/** Reads an optional boolean query parameter (`true`/`false`); anything else is 400. */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null || value === "") return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw badRequest(`Query parameter ${name} must be true or false`);
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  if (value === null || value === "") return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`Query parameter ${name} must be a positive integer`);
  }
  return Number(value);
}

/**
 * The PlanetScale list envelope for one page of `items`: `page` (default 1) and `per_page`
 * (default 25, capped at 100), with `next_page`/`prev_page` null at the ends and their URLs.
 */
export function paginate(
  ctx: RequestContext,
  items: unknown[],
  listUrl: string,
  options: { totals?: boolean } = {},
): Record<string, unknown> {
  const page = intParam(ctx.query, "page", 1);
  const perPage = Math.min(intParam(ctx.query, "per_page", 25), 100);
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const data = items.slice(start, start + perPage);
  const pageUrl = (p: number): string => {
    const q = new URLSearchParams(ctx.query);
    q.set("page", String(p));
    q.set("per_page", String(perPage));
    return `${listUrl}?${q.toString()}`;
  };
  const next = start + perPage < total ? page + 1 : null;
  const prev = page > 1 ? Math.min(page - 1, totalPages) : null;
  return {
    type: "list",
    current_page: page,
    per_page: perPage,
    next_page: next,
    next_page_url: next === null ? null : pageUrl(next),
    prev_page: prev,
    prev_page_url: prev === null ? null : pageUrl(prev),
    // Some lists' envelopes have no totals in the spec (list_organizations, resizes).
    ...(options.totals === false ? {} : { total_count: total, total_pages: totalPages }),
    data,
  };
}

/** The list envelope of an unpaginated list (the token `/access` and `/grants` endpoints). */
export function singlePage(data: unknown[]): Record<string, unknown> {
  return {
    type: "list",
    current_page: 1,
    next_page: null,
    next_page_url: null,
    prev_page: null,
    prev_page_url: null,
    data,
  };
}

/** The organization in the path, if the credential belongs to it; otherwise 404. */
export function requireOrganization(ctx: RequestContext): OrganizationRecord {
  const name = ctx.params["organization"] ?? "";
  const org = ctx.store.organization(name);
  if (!org) throw notFound(`organization "${name}" does not exist`);
  if (ctx.cred.kind === "token" && ctx.cred.token.organization !== name)
    throw notFound(`the credential belongs to organization "${ctx.cred.token.organization}", not "${name}"`);
  return org;
}

/**
 * The database in the path, if it exists and the credential holds one of `accesses` on it
 * (database grant or organization grant); otherwise 404, as PlanetScale answers.
 */
export function requireDatabase(ctx: RequestContext, accesses: readonly AccessName[]): DatabaseRecord {
  const org = requireOrganization(ctx);
  const name = ctx.params["database"] ?? "";
  const db = ctx.store.database(org.name, name);
  if (!db) throw notFound(`database "${name}" does not exist`);
  requireAccess(ctx, accesses, db.name);
  return db;
}

/** 404 unless the credential holds one of `accesses` on `database` (null = organization level). */
export function requireAccess(
  ctx: RequestContext,
  accesses: readonly AccessName[],
  database: string | null,
): void {
  if (!holdsAny(ctx.cred, accesses, database)) {
    const where = database === null ? "at organization level" : `on database "${database}"`;
    throw notFound(`the credential lacks every one of [${accesses.join(", ")}] ${where}`);
  }
}

export { blankAsAbsent, parseBody } from "./body";
/** Re-exported for route modules. */
export { ApiError };
