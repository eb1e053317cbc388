import type * as undici from "undici";

/** Response headers as undici parses them (lower-case names). */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** A complete HTTP answer with its body as text. */
export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

/** What to send. */
export interface ExchangeRequest {
  origin: string;
  /** Path and query. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Larger answers are refused: nothing the client reads comes close (100 list items are ~1 MB). */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Why an exchange produced no answer. */
export class ExchangeFailed {
  constructor(
    /** `timeout`: the deadline passed; `connection`: the transport failed. */
    readonly kind: "timeout" | "connection",
    /** Whether undici had started writing the request to a socket (false: the server cannot have seen it). */
    readonly started: boolean,
    /** The underlying error (undici or socket error). */
    readonly error: unknown,
  ) {}
}

class ResponseTooLargeError extends Error {
  readonly code = "RESPONSE_TOO_LARGE";
  constructor() {
    super(`response body larger than ${MAX_RESPONSE_BYTES} bytes`);
  }
}

class DeadlineError extends Error {
  readonly code = "DEADLINE";
}

/**
 * One HTTP exchange through undici's dispatcher API, collecting the body into a string, with a
 * deadline covering connection, headers and body. Uses a dispatch handler rather than
 * `undici.request` + AbortSignal: no body stream and no EventTarget per request, which keeps the
 * client's overhead below raw `undici.request`. Rejects with {@link ExchangeFailed}.
 */
export function exchange(
  dispatcher: undici.Dispatcher,
  request: ExchangeRequest,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let controller: undici.Dispatcher.DispatchController | undefined;
    let started = false;
    let settled = false;
    let status = 0;
    let headers: ResponseHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;

    const fail = (kind: ExchangeFailed["kind"], error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new ExchangeFailed(kind, started, error));
    };

    const timer = setTimeout(() => {
      const error = new DeadlineError(`no complete answer within ${timeoutMs} ms`);
      fail("timeout", error);
      // Abort now if the request is on a socket; otherwise onRequestStart aborts it when it gets one.
      controller?.abort(error);
    }, timeoutMs);

    const handler: undici.Dispatcher.DispatchHandler = {
      onRequestStart(ctl) {
        controller = ctl;
        if (settled) {
          ctl.abort(new DeadlineError("deadline passed before the request was sent"));
          return;
        }
        started = true;
      },
      onResponseStart(_ctl, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders as ResponseHeaders;
      },
      onResponseData(ctl, chunk) {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          const error = new ResponseTooLargeError();
          ctl.abort(error);
          fail("connection", error);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const text =
          chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
        // undici frees a keep-alive socket only after a full event-loop turn: right after this
        // callback returns it schedules that with setImmediate, so that a server closing the socket
        // is noticed first. Answering after that turn (nextTick, then our own setImmediate queued
        // behind undici's) lets the caller's next request reuse this socket instead of opening
        // another connection.
        process.nextTick(() => setImmediate(() => resolve({ status, headers, text })));
      },
      onResponseError(_ctl, error) {
        fail("connection", error);
      },
    };

    try {
      dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method as undici.Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body ?? null,
        },
        handler,
      );
    } catch (error) {
      fail("connection", error);
    }
  });
}
