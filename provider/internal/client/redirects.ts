import { describeRetries, RedirectError } from "./errors";
import type { RawResponse } from "./exchange";
import { headerValue } from "./retry";

/** More hops than this fail with {@link RedirectError}. */
export const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The request to send next: after a 303 a GET without body, otherwise the same method and body. */
export interface NextHop<Method extends string> {
  method: Method | "GET";
  /** Path and query on the same origin. */
  target: string;
  body: string | undefined;
}

/**
 * Where a redirect leads, or undefined when `response` is the final answer (not a redirect, or
 * one without a usable `Location`). Only same-origin redirects are followed, so the credential is
 * never sent to another host.
 * @throws RedirectError for another origin or more than {@link MAX_REDIRECTS} hops.
 */
export function nextHop<Method extends string>(
  response: RawResponse,
  current: { origin: string; method: Method; target: string; body: string | undefined; hop: number },
  request: { method: string; path: string; retries: number },
): NextHop<Method> | undefined {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined;
  const location = headerValue(response.headers, "location");
  if (!location) return undefined;
  let next: URL;
  try {
    next = new URL(location, current.origin + current.target);
  } catch {
    return undefined;
  }
  const { method, path, retries } = request;
  if (next.origin !== current.origin) {
    throw new RedirectError(
      `${method} ${path} → ${response.status} redirect to ${next.protocol}//${next.host} refused: the client never sends ` +
        `credentials to another host than ${current.origin}. Check planetscale:apiUrl (${describeRetries(retries)})`,
      { method, path, status: response.status, retries },
    );
  }
  if (current.hop >= MAX_REDIRECTS) {
    throw new RedirectError(
      `${method} ${path} → more than ${MAX_REDIRECTS} redirects (${describeRetries(retries)})`,
      {
        method,
        path,
        status: response.status,
        retries,
      },
    );
  }
  const target = next.pathname + next.search;
  return response.status === 303
    ? { method: "GET", target, body: undefined }
    : { method: current.method, target, body: current.body };
}
