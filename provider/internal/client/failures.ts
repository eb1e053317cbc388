import {
  ConnectionError,
  describeRetries,
  OutcomeUnknownError,
  type PlanetScaleError,
  TimeoutError,
} from "./errors";
import { redactText, sanitizeCause, truncate } from "./redact";
import { type ConnectionFailure, classifyConnectionFailure } from "./retry";

/** The request a failure belongs to, and the secrets to keep out of the error. */
export interface FailedRequest {
  method: string;
  path: string;
  retries: number;
  secrets: readonly string[];
}

/** No complete answer within `timeoutMs`. */
export function timeoutError(request: FailedRequest, timeoutMs: number, error: unknown): TimeoutError {
  const { method, path, retries, secrets } = request;
  return new TimeoutError(
    `${method} ${path} → no complete answer within ${timeoutMs} ms (${describeRetries(retries)}); raise planetscale:timeoutMs if PlanetScale is slow`,
    { method, path, retries, cause: sanitizeCause(error, secrets) },
  );
}

/** A transport failure, with how it failed (see {@link classifyConnectionFailure}). */
export function connectionError(
  request: FailedRequest,
  error: unknown,
): { error: ConnectionError; failure: ConnectionFailure } {
  const { method, path, retries, secrets } = request;
  const failure = classifyConnectionFailure(error);
  const reason = error instanceof Error ? redactText(error.message, secrets) : "";
  return {
    failure,
    error: new ConnectionError(
      `${method} ${path} → connection failed: ${failure.code}${reason ? ` (${truncate(reason, 200)})` : ""} (${describeRetries(retries)})`,
      { method, path, retries, cause: sanitizeCause(error, secrets) },
    ),
  };
}

/**
 * A non-idempotent request failed after it may have been acted on: the error says so, keeps the
 * failure as `cause` and its request details.
 */
export function outcomeUnknown(cause: PlanetScaleError): OutcomeUnknownError {
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
