import * as http from "node:http";
import {
  BadRequestError,
  ConflictError,
  describeRetries,
  ForbiddenError,
  NotFoundError,
  PlanetScaleError,
  type PlanetScaleErrorDetails,
  RateLimitError,
  ServerError,
  UnauthorizedError,
  UnprocessableEntityError,
} from "./errors";

/** What an error status means for the request that got it. */
export interface StatusRule {
  /** The class of the error thrown for it. */
  readonly ErrorClass: typeof PlanetScaleError;
  /** Whether trying again may succeed. */
  readonly retry: boolean;
  /**
   * Whether the server may have acted on the request: such a POST or PATCH is never retried (it
   * fails with `OutcomeUnknownError`); a request the server refused without acting (4xx, 429) may be.
   */
  readonly mayHaveActed: boolean;
}

const rule = (ErrorClass: typeof PlanetScaleError, retry: boolean, mayHaveActed: boolean): StatusRule =>
  Object.freeze({ ErrorClass, retry, mayHaveActed });

/**
 * Every error status the client tells apart: the one place that says which error class it throws
 * and whether it is retried (a Stainless SDK's status → error-class table, with the retry rule
 * beside each). 429 is retried for every method (the server did not act); 500, 502, 503 and 504
 * only for idempotent requests.
 */
const STATUS_RULES: Readonly<Record<number, StatusRule>> = {
  400: rule(BadRequestError, false, false),
  401: rule(UnauthorizedError, false, false),
  403: rule(ForbiddenError, false, false),
  404: rule(NotFoundError, false, false),
  409: rule(ConflictError, false, false),
  422: rule(UnprocessableEntityError, false, false),
  429: rule(RateLimitError, true, false),
  500: rule(ServerError, true, true),
  502: rule(ServerError, true, true),
  503: rule(ServerError, true, true),
  504: rule(ServerError, true, true),
};
const OTHER_SERVER_ERROR = rule(ServerError, false, true);
const OTHER_ERROR = rule(PlanetScaleError, false, false);

/** The rule of an error status: from the table, else any other 5xx or any other status. */
export function statusRule(status: number): StatusRule {
  return STATUS_RULES[status] ?? (status >= 500 && status <= 599 ? OTHER_SERVER_ERROR : OTHER_ERROR);
}

/** Lower-case snake name of an HTTP status, e.g. 502 → "bad_gateway". */
function statusLabel(status: number): string {
  const text = http.STATUS_CODES[status];
  return text
    ? text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^_|_$/g, "")
    : "unknown_status";
}

/**
 * Builds the typed error for an HTTP error answer, with a message like
 * `POST /organizations/acme/databases/app/branches → 422 unprocessable: Name has already been taken (after 0 retries)`.
 * `fallbackText` describes the body when it carried no PlanetScale message (empty, HTML…).
 */
export function errorForStatus(
  status: number,
  details: PlanetScaleErrorDetails & { method: string; path: string; retries: number },
  fallbackText: string,
): PlanetScaleError {
  const label = details.apiCode ?? statusLabel(status);
  const text = details.apiMessage ?? fallbackText;
  const message = `${details.method} ${details.path} → ${status} ${label}: ${text} (${describeRetries(details.retries)})`;
  return new (statusRule(status).ErrorClass)(message, { ...details, status });
}
