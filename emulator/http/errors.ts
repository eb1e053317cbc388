/**
 * PlanetScale-style error responses: the body is always `{code, message}`.
 * `reason` is emulator-only detail sent in the `x-emulator-reason` header, so a 404 that really
 * means "no permission" stays indistinguishable in the body (as on PlanetScale) yet debuggable.
 */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** PlanetScale error code (`not_found`, `unauthorized`, `bad_request`, `unprocessable`, …). */
  readonly code: string;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;
  /** Emulator-only explanation, sent as the `x-emulator-reason` header; never contains secrets. */
  readonly reason: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    reason?: string,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.headers = headers ?? {};
  }

  /** The JSON body PlanetScale answers with: `{code, message}`, but for a few endpoints' own shapes. */
  body(): Record<string, unknown> {
    return { code: this.code, message: this.message };
  }
}

/** 404 `not_found`. PlanetScale also answers this when the credential lacks access. */
export function notFound(reason?: string): ApiError {
  return new ApiError(404, "not_found", "Not Found", reason);
}

/** 400 `bad_request`: the request is malformed (bad JSON, wrong types, unknown fields) or the target is not ready. */
export function badRequest(message: string, reason?: string): ApiError {
  return new ApiError(400, "bad_request", message, reason);
}

/** 422 `unprocessable`: a well-formed request that breaks a rule (name format, duplicates, limits). */
export function unprocessable(message: string, reason?: string): ApiError {
  return new ApiError(422, "unprocessable", message, reason);
}

/** 401 `unauthorized`. */
export function unauthorized(message: string): ApiError {
  return new ApiError(401, "unauthorized", message);
}

/**
 * 422 with the body PlanetScale's branch-changes endpoint uses for refused parameters, instead of
 * `{code, message}`: `{"errors":[{"namespace":"pgconf","name":"max_connections","errors":["…"]}]}`
 * (planetscale-go `client.go` `parameterErrorsToError`, which reads exactly this shape).
 */
export class ParameterErrorsError extends ApiError {
  readonly errors: ReadonlyArray<{ namespace: string; name: string; errors: string[] }>;

  constructor(errors: ReadonlyArray<{ namespace: string; name: string; errors: string[] }>) {
    super(422, "unprocessable", errors.map((e) => e.errors.join(", ")).join("; "));
    this.errors = errors;
  }

  override body(): Record<string, unknown> {
    return { errors: this.errors };
  }
}
