/**
 * Brand carried by every error this package throws: a frozen array of the `code`s of the error's
 * class and all its base classes. `instanceof` checks this brand rather than the prototype chain,
 * so an error thrown by one copy of the package (e.g. the copy the Pulumi dynamic-provider host
 * loaded) is recognised by the classes of another copy. Protocol: only ever add codes.
 */
const BRAND: unique symbol = Symbol.for("pulumi-planetscale.error") as never;

/** The fields an error can carry besides its message. All are safe to log: no credentials. */
export interface PlanetScaleErrorDetails {
  /** HTTP method of the request that failed ("" for errors not tied to a request). */
  method?: string | undefined;
  /** Path of the request relative to the API URL, without query ("" when not tied to a request). */
  path?: string | undefined;
  /** HTTP status of the final answer, when there was one. */
  status?: number | undefined;
  /** PlanetScale's error `code` from the response body, e.g. `not_found`. */
  apiCode?: string | undefined;
  /** PlanetScale's error `message` from the response body (redacted, shortened). */
  apiMessage?: string | undefined;
  /** How many times the request was retried before this error. */
  retries?: number | undefined;
  /** The `x-request-id` response header, useful when contacting PlanetScale support. */
  requestId?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
}

/** Safe, JSON-friendly view of an error (what `JSON.stringify(error)` produces). */
export interface PlanetScaleErrorJSON {
  name: string;
  code: string;
  message: string;
  method: string;
  path: string;
  status?: number;
  apiCode?: string;
  apiMessage?: string;
  retries: number;
  requestId?: string;
  cause?: unknown;
}

/** What `instanceof` needs of an error class: its stable {@link PlanetScaleError.code}. */
export type PlanetScaleErrorClass = { readonly code: string };

/** Base class of every error this package throws (the client's and the resources'). */
export class PlanetScaleError extends Error {
  /** Stable code of this class; instances carry it as `code`. */
  static readonly code: string = "PLANETSCALE_ERROR";

  /**
   * Recognises errors from any copy of this package by their brand (the codes of their classes,
   * under `Symbol.for("pulumi-planetscale.error")`), so that
   * `err instanceof NotFoundError` works even when `err` came from another copy.
   */
  static override [Symbol.hasInstance](this: PlanetScaleErrorClass, value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const codes = (value as { [BRAND]?: unknown })[BRAND];
    // `this` is the class on the right of `instanceof` (a subclass too), which is the point here.
    // biome-ignore lint/complexity/noThisInStatic: see above
    if (Array.isArray(codes)) return codes.includes(this.code);
    // biome-ignore lint/complexity/noThisInStatic: see above
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** Stable string identifying the kind of error, e.g. `PLANETSCALE_NOT_FOUND`. */
  readonly code: string;
  /** HTTP method of the failed request ("" if none). */
  readonly method: string;
  /** Request path relative to the API URL ("" if none). */
  readonly path: string;
  declare readonly status?: number;
  declare readonly apiCode?: string;
  declare readonly apiMessage?: string;
  /** How many retries were made before giving up. */
  readonly retries: number;
  declare readonly requestId?: string;

  constructor(message: string, details: PlanetScaleErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    const ctor = new.target as unknown as PlanetScaleErrorClass & { name: string };
    Object.defineProperty(this, "name", { value: ctor.name, enumerable: false, configurable: true });
    this.code = ctor.code;
    this.method = details.method ?? "";
    this.path = details.path ?? "";
    if (details.status !== undefined) (this as { status?: number }).status = details.status;
    if (details.apiCode !== undefined) (this as { apiCode?: string }).apiCode = details.apiCode;
    if (details.apiMessage !== undefined) (this as { apiMessage?: string }).apiMessage = details.apiMessage;
    this.retries = details.retries ?? 0;
    if (details.requestId !== undefined) (this as { requestId?: string }).requestId = details.requestId;
    const codes: string[] = [];
    for (let c: unknown = ctor; typeof c === "function"; c = Object.getPrototypeOf(c)) {
      const code = (c as Partial<PlanetScaleErrorClass>).code;
      if (typeof code !== "string" || !Object.hasOwn(c, "code")) break;
      codes.push(code);
    }
    Object.defineProperty(this, BRAND, { value: Object.freeze(codes), enumerable: false });
  }

  /** Safe fields only; used by `JSON.stringify`. */
  toJSON(): PlanetScaleErrorJSON {
    const json: PlanetScaleErrorJSON = {
      name: this.name,
      code: this.code,
      message: this.message,
      method: this.method,
      path: this.path,
      retries: this.retries,
    };
    if (this.status !== undefined) json.status = this.status;
    if (this.apiCode !== undefined) json.apiCode = this.apiCode;
    if (this.apiMessage !== undefined) json.apiMessage = this.apiMessage;
    if (this.requestId !== undefined) json.requestId = this.requestId;
    const cause = this.cause;
    if (isPlanetScaleError(cause)) json.cause = cause.toJSON();
    else if (cause instanceof Error) json.cause = { name: cause.name, message: cause.message };
    return json;
  }
}

/** HTTP 400: the request was invalid (PlanetScale codes `bad_request`, `invalid_params`). */
export class BadRequestError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_BAD_REQUEST";
}
/** HTTP 401: the credential is missing, malformed, expired or revoked. */
export class UnauthorizedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_UNAUTHORIZED";
}
/** HTTP 403: the credential is valid but lacks an access. */
export class ForbiddenError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_FORBIDDEN";
}
/** HTTP 404: not found, or (PlanetScale says so) no permission to see it; see `confirmGone` in `api/gone.ts`. */
export class NotFoundError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_NOT_FOUND";
}
/** HTTP 409: conflicts with the current state. */
export class ConflictError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_CONFLICT";
}
/** HTTP 422: understood but refused, e.g. "Name has already been taken". */
export class UnprocessableEntityError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_UNPROCESSABLE";
}
/** HTTP 429 after all retries: PlanetScale's rate limit (600 requests per minute). */
export class RateLimitError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_RATE_LIMITED";
}
/** HTTP 5xx (after retries, for idempotent requests). */
export class ServerError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_SERVER_ERROR";
}
/** The connection failed (refused, reset, closed, DNS) after all retries. */
export class ConnectionError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_CONNECTION";
}
/** No complete answer within the configured timeout (`planetscale:timeoutMs`). */
export class TimeoutError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_TIMEOUT";
}
/** A redirect that the client refuses to follow (another host, or too many hops). */
export class RedirectError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_REDIRECT";
}
/** A successful answer whose body is not the JSON we expected. */
export class ResponseValidationError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_INVALID_RESPONSE";
}
/**
 * A non-idempotent request (POST, PATCH) failed after it may have been acted on, so it was not
 * retried. Look up whether it happened (e.g. get the branch by name) before trying again.
 * `cause` holds the failure (ServerError, ConnectionError or TimeoutError).
 */
export class OutcomeUnknownError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_OUTCOME_UNKNOWN";
}
/**
 * A 404 that may be a missing permission: the credential cannot read the organization either.
 * `cause` holds the error of the organization check.
 */
export class PermissionDeniedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_PERMISSION_DENIED";
  declare readonly organization?: string;
  constructor(
    message: string,
    details: PlanetScaleErrorDetails & { organization?: string | undefined } = {},
  ) {
    super(message, details);
    if (details.organization !== undefined)
      (this as { organization?: string }).organization = details.organization;
  }
}
/** No credential in stack config or environment. */
export class MissingCredentialsError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_MISSING_CREDENTIALS";
}
/** A configuration value is invalid (e.g. a non-https `planetscale:apiUrl`). */
export class InvalidSettingsError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_INVALID_SETTINGS";
}

/** True for any error thrown by this package (any copy of it). */
export function isPlanetScaleError(value: unknown): value is PlanetScaleError {
  return value instanceof PlanetScaleError;
}
/** True for a 404 from PlanetScale. */
export function isNotFoundError(value: unknown): value is NotFoundError {
  return value instanceof NotFoundError;
}
/** True for a request that may or may not have been applied. */
export function isOutcomeUnknownError(value: unknown): value is OutcomeUnknownError {
  return value instanceof OutcomeUnknownError;
}
/** True for a 404 that could not be confirmed as "gone". */
export function isPermissionDeniedError(value: unknown): value is PermissionDeniedError {
  return value instanceof PermissionDeniedError;
}
/** "after 1 retry", "after 3 retries". */
export function describeRetries(retries: number): string {
  return `after ${retries} ${retries === 1 ? "retry" : "retries"}`;
}
