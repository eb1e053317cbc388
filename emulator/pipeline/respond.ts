/**
 * Writes the pipeline's {@link Answer} to the client: JSON, PlanetScale's `{code, message}` errors,
 * an injected fault's answer, or a destroyed connection.
 */
import type { ServerResponse } from "node:http";
import type { ApiError } from "../http/errors";
import type { Answer } from "./exchange";

/** Sends `answer` on `res` (nothing when the client has gone). */
export function respond(res: ServerResponse, answer: Answer): void {
  switch (answer.kind) {
    case "json":
      send(res, answer.status, answer.body);
      break;
    case "error":
      sendError(res, answer.error);
      break;
    case "injected":
      sendInjected(res, answer.status, answer.body, answer.headers);
      break;
    case "drop":
      res.socket?.destroy();
      res.destroy();
      break;
  }
}

/** Keeps a header value printable ASCII (reasons may quote user input). */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 500);
}

/** Sends `body` as JSON (no body for 204 or `undefined`). */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(error.headers)) headers[k.toLowerCase()] = headerSafe(v);
  if (error.reason) headers["x-emulator-reason"] = headerSafe(error.reason);
  send(res, error.status, error.body(), headers);
}

function sendInjected(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  if (res.destroyed) return;
  const def = injectedResponse(status);
  const h: Record<string, string> = { ...def.headers, "x-emulator-fault": "injected" };
  for (const [k, v] of Object.entries(headers ?? {})) h[k.toLowerCase()] = headerSafe(v);
  let text: string;
  let type: string;
  if (body === undefined) {
    text = def.body;
    type = def.contentType;
  } else if (typeof body === "string") {
    text = body;
    type = "text/plain; charset=utf-8";
  } else {
    text = JSON.stringify(body);
    type = "application/json; charset=utf-8";
  }
  if (status === 204) {
    res.writeHead(status, h);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": type, ...h, "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/** The default body/headers of an injected status, shaped like what PlanetScale or its edge sends. */
function injectedResponse(statusCode: number): {
  body: string;
  contentType: string;
  headers: Record<string, string>;
} {
  if (statusCode === 429)
    return {
      body: JSON.stringify({ code: "rate_limited", message: "Rate limit exceeded (injected fault)" }),
      contentType: "application/json; charset=utf-8",
      headers: { "retry-after": "1" },
    };
  if (statusCode === 502)
    return {
      body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
      contentType: "text/html",
      headers: {},
    };
  if (statusCode === 503)
    return {
      body: JSON.stringify({ code: "service_unavailable", message: "Service Unavailable (injected fault)" }),
      contentType: "application/json; charset=utf-8",
      headers: {},
    };
  if (statusCode >= 500)
    return {
      body: JSON.stringify({
        code: "internal_server_error",
        message: "Internal Server Error (injected fault)",
      }),
      contentType: "application/json; charset=utf-8",
      headers: {},
    };
  return {
    body: JSON.stringify({ code: "injected_fault", message: `Injected fault ${statusCode}` }),
    contentType: "application/json; charset=utf-8",
    headers: {},
  };
}
