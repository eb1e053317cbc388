import type * as z from "zod";
import { describeRetries, type PlanetScaleError, ResponseValidationError } from "./errors";
import type { RawResponse } from "./exchange";
import { redactText, truncate } from "./redact";
import { headerValue } from "./retry";
import { errorForStatus } from "./statuses";

/** Longest PlanetScale error message kept in an error (the rest is cut). */
const MAX_API_MESSAGE = 300;

/** What the decoders need to know about the request and the credential's secrets. */
export interface DecodeContext {
  method: string;
  path: string;
  retries: number;
  /** Strings redacted from anything the server echoes back. */
  secrets: readonly string[];
}

/** "empty response body" / "non-JSON response body (text/html, 1234 bytes)". */
function describeBody(response: RawResponse): string {
  if (response.text.length === 0) return "empty response body";
  const type = headerValue(response.headers, "content-type")?.split(";")[0]?.trim() || "no content-type";
  return `non-JSON response body (${type}, ${Buffer.byteLength(response.text)} bytes)`;
}

/** The server's `x-request-id`: text the server chose, so redacted like any other echoed text. */
function requestIdOf(response: RawResponse, secrets: readonly string[]): string | undefined {
  const id = headerValue(response.headers, "x-request-id");
  return id ? truncate(redactText(id, secrets), 100) : undefined;
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
 * The JSON body of a 2xx answer, validated by `schema` when one is given (an empty body is
 * validated as `undefined`).
 * @throws ResponseValidationError when the body is not JSON or not of the expected shape.
 */
export function decodeSuccess<T>(
  response: RawResponse,
  schema: z.ZodType<T> | undefined,
  context: DecodeContext,
): T {
  const { method, path, retries, secrets } = context;
  const details = {
    method,
    path,
    status: response.status,
    retries,
    requestId: requestIdOf(response, secrets),
  };
  let value: unknown;
  if (response.text.length > 0) {
    try {
      value = JSON.parse(response.text);
    } catch {
      // No cause: JSON.parse's message quotes the body, which may echo a secret.
      throw new ResponseValidationError(
        `${method} ${path} → ${response.status} but the body is not valid JSON: ${describeBody(response)} (${describeRetries(retries)})`,
        details,
      );
    }
  }
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const what =
    value === undefined
      ? `expected a JSON body, got ${describeBody(response)}`
      : formatIssues(result.error.issues);
  throw new ResponseValidationError(
    `${method} ${path} → ${response.status} but the response does not have the expected shape: ${redactText(what, secrets)} (${describeRetries(retries)})`,
    details,
  );
}

/**
 * The typed error for a non-2xx answer, carrying PlanetScale's `code` and `message` from the body
 * (redacted and shortened) when it has them.
 */
export function decodeError(response: RawResponse, context: DecodeContext): PlanetScaleError {
  const { method, path, retries, secrets } = context;
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
  return errorForStatus(
    response.status,
    {
      method,
      path,
      retries,
      apiCode: apiCode === undefined ? undefined : truncate(redactText(apiCode, secrets), 60),
      apiMessage:
        apiMessage === undefined ? undefined : truncate(redactText(apiMessage, secrets), MAX_API_MESSAGE),
      requestId: requestIdOf(response, secrets),
    },
    fallback,
  );
}

/** One line out of an `errors` array (strings, or `{name, message}` / `{name, errors: [..]}` objects). */
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
