import * as crypto from "node:crypto";
import * as util from "node:util";
import type * as undici from "undici";
import type * as z from "zod";
import { type BackoffGate, getBackoffGate, resetBackoffGates } from "./backoff-gate";
import { closeSharedDispatcher, getSharedDispatcher } from "./dispatcher";
import {
  ConnectionError,
  describeRetries,
  errorForStatus,
  ForbiddenError,
  NotFoundError,
  OutcomeUnknownError,
  PermissionDeniedError,
  type PlanetScaleError,
  RedirectError,
  ResponseValidationError,
  TimeoutError,
  UnauthorizedError,
} from "./errors";
import { ExchangeFailed, exchange, type RawResponse } from "./exchange";
import { paginate as paginateList, type QueryValues } from "./pagination";
import { getRateLimiter, type RateLimiter, resetRateLimiters } from "./rate-limiter";
import { redactText, sanitizeCause, truncate } from "./redact";
import {
  type BackoffPolicy,
  backoffDelay,
  classifyConnectionFailure,
  DEFAULT_BACKOFF,
  defaultSleep,
  headerValue,
  isRetryableForAnyMethod,
  isRetryableForIdempotent,
  rateLimitResetDelay,
  retryAfterDelay,
} from "./retry";
import { ServerClock } from "./server-clock";
import {
  authorizationHeader,
  credentialSecrets,
  describeSettings,
  protectCredential,
  type Settings,
} from "./settings";
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
   * Where 429s close the way for every request of this credential, instead of the shared
   * per-credential gate (this process and, through a file, the others); `null` disables it.
   */
  backoffGate?: BackoffGate | null;
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
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_API_MESSAGE = 300;

/**
 * Who is rate limited, for sharing a {@link BackoffGate} between processes: the API origin and the
 * service token's id (not secret), or a hash of an OAuth token, which has no id.
 */
function rateLimitKey(settings: Settings, origin: string): string {
  const { credential } = settings;
  const who =
    credential.kind === "serviceToken"
      ? `id:${credential.id}`
      : `oauth:${crypto.createHash("sha256").update(authorizationHeader(credential)).digest("hex")}`;
  return `${origin}|${who}`;
}

/** Stable, non-reversible identifier of a credential, for sharing pools and limiters. */
export function credentialFingerprint(settings: Settings): string {
  return crypto
    .createHash("sha256")
    .update(authorizationHeader(settings.credential))
    .digest("hex")
    .slice(0, 24);
}

function buildQuery(query: RequestOptions<unknown>["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** "the response body is empty" / "non-JSON response body (text/html, 1234 bytes)". */
function describeBody(response: RawResponse): string {
  if (response.text.length === 0) return "empty response body";
  const type = headerValue(response.headers, "content-type")?.split(";")[0]?.trim() || "no content-type";
  return `non-JSON response body (${type}, ${Buffer.byteLength(response.text)} bytes)`;
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join(".") : "(body)";
    return `${where}: ${issue.message}`;
  });
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`);
  return shown.join("; ");
}

/**
 * PlanetScale REST client: shared keep-alive pool, per-credential rate limiter, timeouts, retries
 * with backoff, same-host redirects, typed errors without secrets, validated responses.
 * Prefer {@link getClient}, which shares one client per distinct settings.
 */
export class PlanetScaleClient {
  readonly settings: Settings;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;
  private readonly jsonHeaders: Record<string, string>;
  private readonly secrets: readonly string[];
  private readonly limiter: RateLimiter | undefined;
  private readonly gate: BackoffGate | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
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
    this.limiter =
      options.rateLimiter === null
        ? undefined
        : (options.rateLimiter ??
          getRateLimiter(`${credentialFingerprint(settings)}|${this.origin}`, settings.requestsPerMinute));
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.gate =
      options.backoffGate === null
        ? undefined
        : (options.backoffGate ??
          getBackoffGate(rateLimitKey(settings, this.origin), this.backoff.maxRetryAfterMs));
    this.ownDispatcher = options.dispatcher;
    this.log = options.log;
    // The secrets live in fields that inspection and JSON never show (see below).
  }

  /**
   * Sends one API call and returns its validated JSON body (undefined for an empty body).
   * Retries 429, 502/503/504 and connection failures, plus 500 for idempotent requests; a
   * non-idempotent request is retried only when the server certainly did not act (429, connection
   * refused), otherwise it fails with {@link OutcomeUnknownError}. A 429 closes the credential's
   * {@link BackoffGate} for the time the server asked and does not use up `maxRetries`: the request
   * waits its turn for up to `backoff.rateLimitPatienceMs` (unless `maxRetries` is 0: no retries).
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
    // Retries other than for 429 (bounded by maxRetries), and time spent waiting on 429s.
    let budgetRetries = 0;
    let rateLimitedMs = 0;
    // The instant this request already waited for after its own 429: the gate holds nobody past it.
    let waitedUntil = Number.NEGATIVE_INFINITY;
    for (let retries = 0; ; retries++) {
      await this.waitForGate(waitedUntil);
      let outcome: RawResponse | ExchangeFailed;
      try {
        outcome = await this.attempt(method, path, target, body, retries);
      } catch (err) {
        if (err instanceof ExchangeFailed) outcome = err;
        else throw err;
      }

      let error: PlanetScaleError;
      let retryable: boolean;
      let serverDelay: number | undefined;
      if (outcome instanceof ExchangeFailed) {
        if (outcome.kind === "timeout") {
          error = new TimeoutError(
            `${method} ${path} → no complete answer within ${this.settings.timeoutMs} ms (${describeRetries(retries)}); raise planetscale:timeoutMs if PlanetScale is slow`,
            { method, path, retries, cause: sanitizeCause(outcome.error, this.secrets) },
          );
          // Timeouts are not retried: the budget is spent. A POST that reached a socket may have
          // been applied.
          throw idempotent || !outcome.started ? error : this.outcomeUnknown(error);
        }
        const failure = classifyConnectionFailure(outcome.error);
        const reason = outcome.error instanceof Error ? redactText(outcome.error.message, this.secrets) : "";
        error = new ConnectionError(
          `${method} ${path} → connection failed: ${failure.code}${reason ? ` (${truncate(reason, 200)})` : ""} (${describeRetries(retries)})`,
          { method, path, retries, cause: sanitizeCause(outcome.error, this.secrets) },
        );
        // An answer too large to read came from a server that acted on the request.
        if (failure.permanent && !(failure.code === "RESPONSE_TOO_LARGE" && !idempotent)) throw error;
        // Failed before undici put the request on a socket, or in a way that means it never left.
        const neverSent = !outcome.started || failure.beforeWrite;
        if (!idempotent && !neverSent) throw this.outcomeUnknown(error);
        retryable = true;
      } else {
        if (outcome.status >= 200 && outcome.status < 300) {
          const spent = rateLimitResetDelay(outcome.headers, this.now(), this.backoff);
          if (spent !== undefined && spent > 0) this.gate?.close(this.now() + spent);
          try {
            return this.parseSuccess(outcome, options, retries);
          } catch (unreadable) {
            // The server acted (2xx) but we cannot see what it made: as unknown as a lost answer.
            if (!idempotent && unreadable instanceof ResponseValidationError)
              throw this.outcomeUnknown(unreadable);
            throw unreadable;
          }
        }
        error = this.errorFromResponse(method, path, outcome, retries);
        retryable = idempotent
          ? isRetryableForIdempotent(outcome.status)
          : isRetryableForAnyMethod(outcome.status);
        if (!idempotent && !retryable && outcome.status >= 500) throw this.outcomeUnknown(error);
        serverDelay =
          retryAfterDelay(outcome.headers, this.now(), this.backoff) ??
          (outcome.status === 429
            ? rateLimitResetDelay(outcome.headers, this.now(), this.backoff)
            : undefined);
      }

      const rateLimited = error.status === 429;
      // maxRetries 0 turns every retry off; otherwise 429s are bounded by time, not by count.
      if (!retryable || this.settings.maxRetries === 0) throw error;
      if (
        rateLimited
          ? rateLimitedMs >= this.backoff.rateLimitPatienceMs
          : budgetRetries >= this.settings.maxRetries
      )
        throw error;
      const delay = serverDelay ?? backoffDelay(retries, this.random, this.backoff);
      this.log?.(
        rateLimited
          ? `planetscale: ${method} ${path} rate limited (429); retry ${retries + 1} in ${delay} ms${serverDelay !== undefined ? " (as the server asked)" : ""}, and every request of this credential waits as long`
          : `planetscale: ${method} ${path} failed (${error.status ?? error.code}); retry ${budgetRetries + 1} of ${this.settings.maxRetries} in ${delay} ms${serverDelay !== undefined ? " (as the server asked)" : ""}`,
      );
      if (rateLimited) {
        rateLimitedMs += delay;
        waitedUntil = this.now() + delay;
        this.gate?.close(waitedUntil);
      } else {
        budgetRetries++;
      }
      await this.sleep(delay);
    }
  }

  /**
   * Waits while the credential's gate is closed (another request, here or in another process, was
   * answered 429), unless this request already waited for that instant after its own 429.
   */
  private async waitForGate(waitedUntil: number): Promise<void> {
    if (!this.gate || this.gate.closedUntil() <= waitedUntil) return;
    const wait = this.gate.delay(this.now());
    if (wait <= 0) return;
    this.log?.(`planetscale: waiting ${wait} ms: PlanetScale asked this credential to slow down`);
    await this.sleep(wait);
  }

  /**
   * Iterates over every item of a list endpoint (`per_page=100`, `page=1..` until `next_page` is
   * null or absent), validating each item with `itemSchema`.
   */
  paginate<T>(
    path: string,
    options: { query?: RequestOptions<T>["query"]; itemSchema: z.ZodType<T> },
  ): AsyncIterableIterator<T> {
    return paginateList(this, path, options as { query?: QueryValues; itemSchema: z.ZodType<T> });
  }

  /**
   * After a 404 from PlanetScale (which also answers 404 when the credential may not see the
   * thing): resolves if the credential can still read the organization, so the thing really is
   * gone; otherwise throws a {@link PermissionDeniedError} explaining that the 404 may be a missing
   * access. Other failures of the check (5xx, connection) are thrown as they are.
   */
  async confirmGone(organization: string, notFound: NotFoundError): Promise<void> {
    const orgPath = `/organizations/${encodeURIComponent(organization)}`;
    try {
      await this.request({ method: "GET", path: orgPath });
      return;
    } catch (err) {
      if (
        !(err instanceof NotFoundError || err instanceof UnauthorizedError || err instanceof ForbiddenError)
      ) {
        throw err;
      }
      const check = `GET ${orgPath} → ${err.status ?? "?"}${err.apiCode ? ` ${err.apiCode}` : ""}`;
      throw new PermissionDeniedError(
        `${notFound.method} ${notFound.path} → 404, and this credential cannot read organization "${organization}" either (${check}). ` +
          "PlanetScale answers 404 both for things that do not exist and for things the credential may not access, so it is " +
          `not safe to treat this as deleted. Check that the service token is valid and has access to organization "${organization}" ` +
          "(e.g. read_organization and the database accesses this resource needs), and that planetscale:organization is right.",
        {
          method: notFound.method,
          path: notFound.path,
          status: notFound.status,
          apiCode: notFound.apiCode,
          apiMessage: notFound.apiMessage,
          retries: notFound.retries,
          requestId: notFound.requestId,
          organization,
          cause: err,
        },
      );
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
      if (!REDIRECT_STATUSES.has(response.status)) return response;
      const location = headerValue(response.headers, "location");
      if (!location) return response;
      let next: URL;
      try {
        next = new URL(location, this.origin + currentTarget);
      } catch {
        return response;
      }
      if (next.origin !== this.origin) {
        throw new RedirectError(
          `${method} ${path} → ${response.status} redirect to ${next.protocol}//${next.host} refused: the client never sends ` +
            `credentials to another host than ${this.origin}. Check planetscale:apiUrl (${describeRetries(retries)})`,
          { method, path, status: response.status, retries },
        );
      }
      if (hop >= MAX_REDIRECTS) {
        throw new RedirectError(
          `${method} ${path} → more than ${MAX_REDIRECTS} redirects (${describeRetries(retries)})`,
          { method, path, status: response.status, retries },
        );
      }
      if (response.status === 303) {
        currentMethod = "GET";
        currentBody = undefined;
      }
      currentTarget = next.pathname + next.search;
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

  private parseSuccess<T>(response: RawResponse, options: RequestOptions<T>, retries: number): T {
    const { method, path } = options;
    let value: unknown;
    if (response.text.length > 0) {
      try {
        value = JSON.parse(response.text);
      } catch {
        throw new ResponseValidationError(
          `${method} ${path} → ${response.status} but the body is not valid JSON: ${describeBody(response)} (${describeRetries(retries)})`,
          { method, path, status: response.status, retries, requestId: this.requestId(response) },
        );
      }
    }
    if (!options.schema) return value as T;
    const result = options.schema.safeParse(value);
    if (result.success) return result.data;
    const what =
      value === undefined
        ? `expected a JSON body, got ${describeBody(response)}`
        : formatIssues(result.error.issues);
    throw new ResponseValidationError(
      `${method} ${path} → ${response.status} but the response does not have the expected shape: ${redactText(what, this.secrets)} (${describeRetries(retries)})`,
      { method, path, status: response.status, retries, requestId: this.requestId(response) },
    );
  }

  private errorFromResponse(
    method: HttpMethod,
    path: string,
    response: RawResponse,
    retries: number,
  ): PlanetScaleError {
    let apiCode: string | undefined;
    let apiMessage: string | undefined;
    let fallback = describeBody(response);
    if (response.text.length > 0) {
      try {
        const json = JSON.parse(response.text) as Record<string, unknown> | null;
        fallback = "no error message in the response body";
        if (json && typeof json === "object") {
          if (typeof json["code"] === "string" && json["code"]) apiCode = json["code"];
          if (typeof json["message"] === "string" && json["message"]) apiMessage = json["message"];
          else if (typeof json["error"] === "string" && json["error"]) apiMessage = json["error"];
          else if (Array.isArray(json["errors"])) apiMessage = summarizeErrors(json["errors"]);
        }
      } catch {
        // not JSON (HTML error page, proxy text): keep the description of the body
      }
    }
    const requestId = this.requestId(response);
    return errorForStatus(
      response.status,
      {
        method,
        path,
        retries,
        apiCode: apiCode === undefined ? undefined : truncate(redactText(apiCode, this.secrets), 60),
        apiMessage:
          apiMessage === undefined
            ? undefined
            : truncate(redactText(apiMessage, this.secrets), MAX_API_MESSAGE),
        requestId,
      },
      fallback,
    );
  }

  /** The server's `x-request-id`: text the server chose, so redacted like any other echoed text. */
  private requestId(response: RawResponse): string | undefined {
    const id = headerValue(response.headers, "x-request-id");
    return id ? truncate(redactText(id, this.secrets), 100) : undefined;
  }

  private outcomeUnknown(cause: PlanetScaleError): OutcomeUnknownError {
    const prefix = `${cause.method} ${cause.path} → `;
    const detail = cause.message.startsWith(prefix) ? cause.message.slice(prefix.length) : cause.message;
    return new OutcomeUnknownError(
      `${prefix}outcome unknown: ${detail.replace(/ \(after \d+ retr(?:y|ies)\)/, "")}. PlanetScale may have applied ` +
        `this ${cause.method}, so it was not retried; check the current state before trying again (${describeRetries(cause.retries)})`,
      {
        method: cause.method,
        path: cause.path,
        status: cause.status,
        apiCode: cause.apiCode,
        apiMessage: cause.apiMessage,
        retries: cause.retries,
        requestId: cause.requestId,
        cause,
      },
    );
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

function summarizeErrors(errors: unknown[]): string | undefined {
  const parts = errors.slice(0, 5).map((e) => {
    if (typeof e === "string") return e;
    if (e && typeof e === "object") {
      const obj = e as Record<string, unknown>;
      const name = typeof obj["name"] === "string" ? obj["name"] : undefined;
      const inner = Array.isArray(obj["errors"])
        ? obj["errors"].filter((x) => typeof x === "string").join(", ")
        : "";
      const message = typeof obj["message"] === "string" ? obj["message"] : inner;
      return name ? `${name}: ${message}` : message;
    }
    return "";
  });
  const text = parts.filter(Boolean).join("; ");
  return text || undefined;
}

const clients = new Map<string, PlanetScaleClient>();

/**
 * One client per distinct settings (credential, URL, organization, limits) per process. All share
 * one keep-alive pool and one rate limiter per credential.
 */
export function getClient(settings: Settings): PlanetScaleClient {
  const key = [
    credentialFingerprint(settings),
    settings.apiUrl,
    settings.organization ?? "",
    settings.timeoutMs,
    settings.maxRetries,
    settings.requestsPerMinute,
  ].join("|");
  let client = clients.get(key);
  if (!client) {
    client = new PlanetScaleClient(settings);
    clients.set(key, client);
  }
  return client;
}

/** Closes the shared connection pool and forgets cached clients and limiters (tests, CLI shutdown). */
export async function closeAllClients(): Promise<void> {
  clients.clear();
  resetRateLimiters();
  resetBackoffGates();
  await closeSharedDispatcher();
}
