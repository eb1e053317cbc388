/**
 * The pipeline's end: finds the route of the request (`router.ts`, handed in by the composer),
 * runs its handler with the request's context, and writes the state file when it changed anything.
 */
import type { Handler, RequestContext } from "../http/context";
import { ApiError, notFound } from "../http/errors";
import { settle } from "../state/deploy-requests";
import type { Store } from "../state/store";
import { type Answer, type Next, setEarlier } from "./exchange";

/** The router: the handler and decoded path parameters of `method` and the path after `/v1`. */
export type Match = (
  method: string,
  path: string,
) => { handler: Handler; params: Record<string, string> } | null;

/** What a route's context is made of, read at each request (the ready delay can change). */
export interface RouteTarget {
  readonly store: Store;
  readonly strict: boolean;
  readonly apiUrl: string;
  readonly readyDelayMs: number;
  readonly revertWindowMs: number;
  /** Writes the state file now. */
  persist(): void;
}

/** Runs the matching route (404 when none); an {@link ApiError} it throws is its answer. */
export function route(match: Match, target: RouteTarget): Next {
  return async (exchange) => {
    const credential = setEarlier(exchange.credential, "credential", "authenticate");
    const now = setEarlier(exchange.now, "now", "authenticate");
    const subpath = setEarlier(exchange.subpath, "subpath", "apiPrefix");
    // Deploy requests move on with time: every answer sees them (and the schemas they change) as of now.
    let changed = settle(target.store.data, now);
    let answer: Answer;
    try {
      const found = match(exchange.method, subpath);
      if (!found) throw notFound(`no route for ${exchange.method} ${exchange.path}`);
      const ctx: RequestContext = {
        method: exchange.method,
        params: found.params,
        query: new URLSearchParams(exchange.query),
        rawBody: exchange.rawBody,
        strict: target.strict,
        ignoreFields: (fields) => {
          if (fields.length > 0) exchange.ignoredFields = fields;
        },
        cred: credential,
        now,
        store: target.store,
        base: { apiUrl: target.apiUrl },
        readyDelayMs: target.readyDelayMs,
        revertWindowMs: target.revertWindowMs,
        changed: () => {
          changed = true;
        },
      };
      const { status, body } = found.handler(ctx);
      answer = { kind: "json", status, body };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answer = { kind: "error", error };
    }
    if (changed) target.persist();
    return answer;
  };
}
