/** Backoff parameters: full jitter over a capped exponential (Stainless SDKs: 0.5 s doubling to 8 s). */
export interface BackoffPolicy {
  /** Delay bound for the first retry (ms). */
  baseMs: number;
  /** Largest delay bound (ms). */
  capMs: number;
  /** Longest server-requested wait (Retry-After) we honour (ms). */
  maxRetryAfterMs: number;
  /**
   * How long a request keeps waiting on 429 answers while no request of the credential gets
   * through. 429s are not transient failures: under contention (many resources, several stacks on
   * one credential) the allowance comes back every minute, so a request waits its turn.
   */
  rateLimitPatienceMs: number;
}

/** 0.5 s base, 8 s cap, honour Retry-After up to 60 s, wait out 429s for up to 10 minutes. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 500,
  capMs: 8_000,
  maxRetryAfterMs: 60_000,
  rateLimitPatienceMs: 600_000,
};

/**
 * Delay before retry number `retry` (0 for the first retry): a uniformly random duration in
 * [0, min(cap, base · 2^retry)] ("full jitter"), so many clients that failed together spread out.
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(
  retry: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(retry, 30));
  return Math.round(random() * bound);
}

/** Reads a header that undici may hand us as a string or an array of strings. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The wait the server asked for, in ms, from `retry-after-ms` (milliseconds) or `Retry-After`
 * (delta seconds or an HTTP date), capped at `policy.maxRetryAfterMs`; undefined when absent or
 * unparseable. `now` is the current time in ms since the epoch, for the date form.
 */
export function retryAfterDelay(
  headers: Record<string, string | string[] | undefined>,
  now: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number | undefined {
  const ms = headerValue(headers, "retry-after-ms");
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) {
    return Math.min(policy.maxRetryAfterMs, Math.ceil(Number(ms)));
  }
  const value = headerValue(headers, "retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(policy.maxRetryAfterMs, Math.ceil(Number(value) * 1000));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(policy.maxRetryAfterMs, Math.max(0, date - now));
}

/** Connection error codes that happen before any byte of the request reached the server. */
const BEFORE_WRITE_CODES = new Set([
  "ECONNREFUSED",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Failures that will not get better by retrying (bad host name in apiUrl, bad certificate, bad header). */
const PERMANENT_CODES = new Set([
  "ENOTFOUND",
  "RESPONSE_TOO_LARGE",
  "ERR_INVALID_URL",
  "UND_ERR_INVALID_ARG",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** How a transport-level failure should be treated. */
export interface ConnectionFailure {
  /** The error code (ECONNRESET, UND_ERR_SOCKET…) or the error name. */
  code: string;
  /** The request certainly never reached the server, so even a POST may be retried. */
  beforeWrite: boolean;
  /** Retrying cannot help. */
  permanent: boolean;
}

/** Finds the most specific error code on an error or its `cause` chain (undici wraps socket errors). */
function errorCode(err: unknown): string | undefined {
  let first: string | undefined;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    first ??= code;
    if (code !== "UND_ERR_SOCKET") return code;
  }
  return first;
}

/** Classifies a thrown transport error. */
export function classifyConnectionFailure(err: unknown): ConnectionFailure {
  const code = errorCode(err) ?? (err instanceof Error ? err.name : "UNKNOWN");
  return { code, beforeWrite: BEFORE_WRITE_CODES.has(code), permanent: PERMANENT_CODES.has(code) };
}

/** Default sleep: a plain timer (kept referenced so a pending retry keeps the process alive). */
export function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
