import * as util from "node:util";
import type * as undici from "undici";
import type * as z from "zod";
import { credentialFingerprint } from "./credential-key";
import { type DecodeContext, decodeError, decodeSuccess } from "./decode";
import { getSharedDispatcher } from "./dispatcher";
import { type PlanetScaleError, RateLimitError, ResponseValidationError } from "./errors";
import { ExchangeFailed, exchange, type RawResponse } from "./exchange";
import { connectionError, outcomeUnknown, timeoutError } from "./failures";
import { getRateLimitGate, type RateLimitGate } from "./rate-limit-gate";
import { getRateLimiter, type RateLimiter } from "./rate-limiter";
import { truncate } from "./redact";
import { nextHop } from "./redirects";
import {
  type BackoffPolicy,
  backoffDelay,
  DEFAULT_BACKOFF,
  defaultSleep,
  headerValue,
  retryAfterDelay,
} from "./retry";
import { ServerClock } from "./server-clock";
import {
  authorizationHeader,
  credentialSecrets,
  DEFAULT_RETRY_TIMEOUT_MS,
  describeSettings,
  protectCredential,
  type Settings,
} from "./settings";
import { statusRule } from "./statuses";
import { userAgent } from "./version";

/** HTTP methods the PlanetScale API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One API call. */
export interface RequestOptions<T> {
  method: HttpMethod;
  /** Path relative to the API URL, e.g. "/organizations/acme/databases/app/branches". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body; DELETE may carry one (the service-token /access endpoint needs it). */
  body?: unknown;
  /** Validates the 2xx JSON body; an empty body (e.g. 204) is validated as `undefined`. */
  schema?: z.ZodType<T>;
  /** Override; default: GET/PUT/DELETE true, POST/PATCH false. Decides what may be retried. */
  idempotent?: boolean;
}

/** Test and tuning hooks; none of them is needed in production. */
export interface ClientOptions {
  /** Waits between retries and for the rate limiter. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock in ms since the epoch (Retry-After dates, rate limiter). Default `Date.now`. */
  now?: () => number;
  /** Uniform random numbers in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: () => number;
  /** Connection pool to use instead of the shared one (the caller closes it). */
  dispatcher?: undici.Dispatcher;
  /**
   * Client-side token bucket to use instead of the shared one of `planetscale:requestsPerMinute`
   * (off by default); `null` disables it.
   */
  rateLimiter?: RateLimiter | null;
  /**
   * Where a 429 holds back every request of this credential, instead of the process-wide gate of
   * the credential; `null`: a 429 holds back only the request that got it.
   */
  rateLimitGate?: RateLimitGate | null;
  /** Backoff tuning. Default: base 0.5 s, cap 8 s, Retry-After honoured up to 60 s, 10 min of 429s. */
  backoff?: BackoffPolicy;
  /** Receives one line per request, retry, redirect and rate-limit wait. Never contains secrets. */
  log?: (line: string) => void;
}

const IDEMPOTENT: Readonly<Record<HttpMethod, boolean>> = {
  GET: true,
  PUT: true,
  DELETE: true,
  POST: false,
  PATCH: false,
};

function buildQuery(query: RequestOptions<unknown>["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * PlanetScale REST client: shared keep-alive pool, per-credential rate limiting, timeouts, retries
 * with backoff, same-host redirects, typed errors without secrets, validated responses.
 * Prefer `getClient` (see `registry.ts`), which shares one client per distinct settings.
 */
export class PlanetScaleClient {
  readonly settings: Settings;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;
  private readonly jsonHeaders: Record<string, string>;
  private readonly secrets: readonly string[];
  private readonly limiter: RateLimiter | undefined;
  private readonly gate: RateLimitGate | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly retryTimeoutMs: number;
  private readonly ownDispatcher: undici.Dispatcher | undefined;
  private readonly log: ((line: string) => void) | undefined;
  /** PlanetScale's clock as the `Date` headers of its answers show it (see {@link ServerClock}). */
  readonly serverClock: ServerClock = new ServerClock();

  constructor(settings: Settings, options: ClientOptions = {}) {
    const url = new URL(settings.apiUrl);
    this.settings = Object.freeze({
      ...settings,
      credential: Object.freeze(protectCredential(settings.credential)),
    });
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.headers = {
      authorization: authorizationHeader(settings.credential),
      "user-agent": userAgent(),
      accept: "application/json",
    };
    this.jsonHeaders = { ...this.headers, "content-type": "application/json" };
    this.secrets = credentialSecrets(settings.credential);
    const credentialKey = `${credentialFingerprint(settings)}|${this.origin}`;
    this.limiter =
      options.rateLimiter === null
        ? undefined
        : (options.rateLimiter ?? getRateLimiter(credentialKey, settings.requestsPerMinute));
    this.gate =
      options.rateLimitGate === null ? undefined : (options.rateLimitGate ?? getRateLimitGate(credentialKey));
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.retryTimeoutMs = settings.retryTimeoutMs ?? DEFAULT_RETRY_TIMEOUT_MS;
    this.ownDispatcher = options.dispatcher;
    this.log = options.log;
    // The secrets live in fields that inspection and JSON never show (see below).
  }

  /**
   * Sends one API call and returns its validated JSON body (undefined for an empty body).
   *
   * Transient failures (500/502/503/504, and connection failures) of an idempotent request are
   * retried with capped exponential backoff and jitter (or after the server's `Retry-After`) for up
   * to `settings.retryTimeoutMs` from the first failure. A non-idempotent request is retried only
   * when the server certainly did not act (429, a connection refused before anything was sent);
   * otherwise it fails with {@link OutcomeUnknownError}. A 429 holds back every request of the
   * credential in this process until the server's `Retry-After` (see {@link RateLimitGate}) and
   * is waited out for as long as requests of the credential get through, up to
   * `backoff.rateLimitPatienceMs` without one. `settings.maxRetries`, when set, caps the retries
   * (0: none at all).
   * @throws PlanetScaleError subclasses, never anything carrying the credential.
   */
  async request<T = unknown>(options: RequestOptions<T>): Promise<T> {
    const { method, path } = options;
    if (!path.startsWith("/") || path.startsWith("//")) {
      throw new TypeError(`PlanetScale API path must start with a single "/": ${truncate(path, 100)}`);
    }
    const idempotent = options.idempotent ?? IDEMPOTENT[method];
    const target = this.basePath + path + buildQuery(options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const maxRetries = this.settings.maxRetries ?? Number.POSITIVE_INFINITY;
    // Retries of transient failures, and when the first one failed (they stop retryTimeoutMs later).
    let transientRetries = 0;
    let failingSince: number | undefined;
    // 429s of this request, and when the first came (its patience runs from there or from the last progress).
    let rateLimits = 0;
    let rateLimitedSince: number | undefined;
    for (let retries = 0; ; retries++) {
      await this.waitForGate(method, path, rateLimits);
      let outcome: RawResponse | ExchangeFailed;
      try {
        outcome = await this.attempt(method, path, target, body, retries);
      } catch (err) {
        if (err instanceof ExchangeFailed) outcome = err;
        else throw err;
      }
      const now = this.now();

      let error: PlanetScaleError;
      let serverDelay: number | undefined;
      if (outcome instanceof ExchangeFailed) {
        const failed = { method, path, retries, secrets: this.secrets };
        if (outcome.kind === "timeout") {
          error = timeoutError(failed, this.settings.timeoutMs, outcome.error);
          // Timeouts are not retried: the budget is spent. A POST that reached a socket may have
          // been applied.
          throw idempotent || !outcome.started ? error : outcomeUnknown(error);
        }
        const connection = connectionError(failed, outcome.error);
        const { failure } = connection;
        error = connection.error;
        // An answer too large to read came from a server that acted on the request.
        if (failure.permanent && !(failure.code === "RESPONSE_TOO_LARGE" && !idempotent)) throw error;
        // Failed before undici put the request on a socket, or in a way that means it never left.
        const neverSent = !outcome.started || failure.beforeWrite;
        if (!idempotent && !neverSent) throw outcomeUnknown(error);
      } else {
        if (outcome.status !== 429) this.gate?.answered(now);
        if (outcome.status >= 200 && outcome.status < 300) {
          try {
            return decodeSuccess(outcome, options.schema, this.decodeContext(method, path, retries));
          } catch (unreadable) {
            // The server acted (2xx) but we cannot see what it made: as unknown as a lost answer.
            if (!idempotent && unreadable instanceof ResponseValidationError)
              throw outcomeUnknown(unreadable);
            throw unreadable;
          }
        }
        error = decodeError(outcome, this.decodeContext(method, path, retries));
        const rule = statusRule(outcome.status);
        if (!idempotent && rule.mayHaveActed) throw outcomeUnknown(error);
        if (!rule.retry) throw error;
        serverDelay = retryAfterDelay(outcome.headers, now, this.backoff);
      }

      if (maxRetries === 0) throw error;
      let delay: number;
      if (error instanceof RateLimitError) {
        rateLimitedSince ??= now;
        // Never give up while other requests of this credential get through: only after the
        // patience passed with no progress at all (since this request's first 429).
        const progress = Math.max(rateLimitedSince, this.gate?.lastProgress() ?? 0);
        if (now - progress >= this.backoff.rateLimitPatienceMs) throw error;
        delay = serverDelay ?? backoffDelay(rateLimits, this.random, this.backoff);
        rateLimits++;
        this.log?.(
          `planetscale: ${method} ${path} rate limited (429); every request of this credential waits ${delay} ms${serverDelay !== undefined ? " (as the server asked)" : ""}, then goes with jitter`,
        );
        // The gate holds this request and every other one of the credential (see waitForGate).
        if (this.gate) this.gate.rateLimited(now, delay);
        else await this.sleep(delay);
        continue;
      }
      failingSince ??= now;
      const left = failingSince + this.retryTimeoutMs - now;
      if (transientRetries >= maxRetries || left <= 0 || (serverDelay ?? 0) > left) throw error;
      delay = serverDelay ?? Math.min(left, backoffDelay(transientRetries, this.random, this.backoff));
      transientRetries++;
      this.log?.(
        `planetscale: ${method} ${path} failed (${error.status ?? error.code}); retry ${transientRetries} in ${delay} ms${serverDelay !== undefined ? " (as the server asked)" : ""}, retrying for ${Math.ceil(left / 1000)} s more at most`,
      );
      await this.sleep(delay);
    }
  }

  /**
   * Waits while the credential's {@link RateLimitGate} holds requests back (after a 429), then a
   * jitter: full jitter over the backoff one step past the request's own 429s (up to 1 s for a
   * request that met none, 2 s after its first). `Retry-After` comes in whole seconds and names
   * the instant the oldest of the server's places frees, so the requests that waited for it are
   * spread over at least that second rather than all reaching the server at that instant.
   */
  private async waitForGate(method: HttpMethod, path: string, rateLimits: number): Promise<void> {
    for (;;) {
      const wait = this.gate?.wait(this.now()) ?? 0;
      if (wait <= 0) return;
      const spread = backoffDelay(rateLimits + 1, this.random, this.backoff);
      this.log?.(
        `planetscale: ${method} ${path} waits ${wait + spread} ms for its turn: PlanetScale asked this credential to slow down`,
      );
      await this.sleep(wait + spread);
    }
  }

  /** One logical attempt: rate limit, send, follow same-host redirects. */
  private async attempt(
    method: HttpMethod,
    path: string,
    target: string,
    body: string | undefined,
    retries: number,
  ): Promise<RawResponse> {
    let currentMethod: HttpMethod = method;
    let currentTarget = target;
    let currentBody = body;
    for (let hop = 0; ; hop++) {
      if (this.limiter) {
        const wait = this.limiter.reserve(this.now());
        if (wait > 0) {
          this.log?.(
            `planetscale: waiting ${wait} ms for the client-side rate limit (planetscale:requestsPerMinute)`,
          );
          await this.sleep(wait);
        }
      }
      const startedAt = this.log ? performance.now() : 0;
      const sentAt = Date.now();
      const response = await this.send(currentMethod, currentTarget, currentBody);
      this.serverClock.observe(sentAt, Date.now(), headerValue(response.headers, "date"));
      this.log?.(
        `planetscale: ${currentMethod} ${hop === 0 ? path : currentTarget.split("?")[0]} → ${response.status} (${Math.round(performance.now() - startedAt)} ms)`,
      );
      const next = nextHop(
        response,
        { origin: this.origin, method: currentMethod, target: currentTarget, body: currentBody, hop },
        { method, path, retries },
      );
      if (!next) return response;
      ({ method: currentMethod, target: currentTarget, body: currentBody } = next);
    }
  }

  /** One HTTP exchange; the timeout covers connecting, headers and body. */
  private send(method: HttpMethod, target: string, body: string | undefined): Promise<RawResponse> {
    return exchange(
      this.ownDispatcher ?? getSharedDispatcher(),
      {
        origin: this.origin,
        path: target,
        method,
        headers: body === undefined ? this.headers : this.jsonHeaders,
        body,
      },
      this.settings.timeoutMs,
    );
  }

  /** What the decoders need: the request, and the secrets to redact from what the server echoes. */
  private decodeContext(method: string, path: string, retries: number): DecodeContext {
    return { method, path, retries, secrets: this.secrets };
  }

  /** Safe view for logs: the credential's secret is replaced. */
  toJSON(): Record<string, unknown> {
    return { type: "PlanetScaleClient", settings: describeSettings(this.settings) };
  }

  /** `util.inspect` / `console.log` show the safe view only. */
  [util.inspect.custom](): string {
    return `PlanetScaleClient ${util.inspect(describeSettings(this.settings))}`;
  }
}
