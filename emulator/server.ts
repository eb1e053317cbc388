import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type AdminCredential, authenticate, type Credential, credentialIdOf } from "./auth";
import type { RequestContext } from "./context";
import { handleControl } from "./control";
import { ApiError, notFound } from "./errors";
import { type FaultDecision, type Faults, injectedResponse } from "./faults";
import { iso } from "./ids";
import { RateLimiter } from "./rate-limit";
import { RequestLog, type RequestLogEntry } from "./request-log";
import { match } from "./router";
import type { Store } from "./store";

/** Largest request body the emulator reads (PlanetScale bodies are tiny). */
const MAX_BODY_BYTES = 1024 * 1024;

/** How many request-log entries go into the state file. */
const PERSISTED_REQUESTS = 1000;

class BodyTooLarge extends Error {}

/** Settings the server needs at construction. */
export interface CoreOptions {
  store: Store;
  admin: AdminCredential;
  readyDelayMs: number;
  rateLimitPerMinute: number;
  faults: Faults;
  quiet: boolean;
  organization: string;
  /** Refuse unknown body fields (400) instead of ignoring them. */
  strict: boolean;
}

/** The HTTP side of the emulator: pipeline of faults, auth, rate limit, routing, logging, persistence. */
export class EmulatorCore {
  readonly store: Store;
  readonly admin: AdminCredential;
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly organization: string;
  readonly strict: boolean;
  readyDelayMs: number;
  private limiter: RateLimiter;
  private readonly quiet: boolean;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private saveTimer: NodeJS.Timeout | undefined;
  /** Requests an `apply-late` fault will still apply (cancelled by {@link stop}), and their completions. */
  private readonly lateTimers = new Map<NodeJS.Timeout, () => void>();
  apiUrl = "";
  url = "";

  constructor(o: CoreOptions) {
    this.store = o.store;
    this.admin = o.admin;
    this.faults = o.faults;
    this.readyDelayMs = o.readyDelayMs;
    this.limiter = new RateLimiter(o.rateLimitPerMinute);
    this.quiet = o.quiet;
    this.organization = o.organization;
    this.strict = o.strict;
    this.log = new RequestLog(o.store.data.requests);
  }

  /** Starts listening; resolves with the bound address. */
  listen(host: string, port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => this.crash(res, e));
    });
    server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    server.on("clientError", (_err, socket) => {
      if (socket.writable) {
        socket.end(
          'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":"bad_request","message":"Malformed HTTP request"}',
        );
      }
      socket.destroy();
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        const addr = server.address() as AddressInfo;
        const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
        this.url = `http://${host}:${addr.port}`;
        this.apiUrl = `${this.url}/v1`;
        resolve();
      });
    });
  }

  /** Stops listening, closes every connection and writes the state file one last time. */
  async stop(): Promise<void> {
    for (const [timer, done] of this.lateTimers) {
      clearTimeout(timer);
      done();
    }
    this.lateTimers.clear();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.persist();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
      server.closeAllConnections();
    });
  }

  /** Replaces the rate limit (resets the windows). */
  setRateLimit(perMinute: number): void {
    this.limiter = new RateLimiter(perMinute);
  }

  /** Pending `apply-late` requests, awaited by {@link lateApplied}. */
  private lateApplies: Promise<void>[] = [];

  /** Resolves once every request held back by an `apply-late` fault so far has been applied. */
  async lateApplied(): Promise<void> {
    const pending = this.lateApplies;
    this.lateApplies = [];
    await Promise.all(pending);
  }

  /** Writes the state file now (no-op without one). */
  persist(): void {
    if (!this.store.persistent) return;
    this.store.data.requests = this.log.tail(PERSISTED_REQUESTS);
    this.store.save();
  }

  /** Persists soon: for changes that need not be durable at once (request log, last_used_at). */
  private persistSoon(): void {
    if (!this.store.persistent || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      try {
        this.persist();
      } catch (error) {
        process.stderr.write(`emulator: could not write the state file: ${String(error)}\n`);
      }
    }, 250);
    this.saveTimer.unref();
  }

  private crash(res: ServerResponse, e: unknown): void {
    process.stderr.write(
      `emulator: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    if (!res.headersSent && !res.destroyed) {
      send(res, 500, { code: "internal_server_error", message: "Internal Server Error" });
    } else {
      res.destroy();
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const qIndex = rawUrl.indexOf("?");
    const path = qIndex === -1 ? rawUrl : rawUrl.slice(0, qIndex);
    const queryString = qIndex === -1 ? "" : rawUrl.slice(qIndex + 1);

    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        send(res, 413, { code: "bad_request", message: "Request body too large" }, { connection: "close" });
        return;
      }
      res.destroy();
      return;
    }

    if (path === "/_emulator" || path.startsWith("/_emulator/")) {
      const answer = handleControl(this, { method, path, headers: req.headers }, rawBody);
      send(res, answer.status, answer.body);
      return;
    }

    const entry: RequestLogEntry = {
      method,
      path,
      query: queryString,
      status: 0,
      credentialId: null,
      at: iso(started),
    };
    const finish = (status: number, cred: string | null): void => {
      entry.status = status;
      entry.credentialId = cred;
      this.log.add(entry);
      this.persistSoon();
      if (!this.quiet) {
        const query = queryString ? `?${queryString}` : "";
        const ignored = entry.ignoredFields
          ? ` ignored unknown fields: ${entry.ignoredFields.join(", ")}`
          : "";
        process.stderr.write(
          `${entry.at} ${method} ${path}${query} -> ${status === 0 ? "dropped" : status} (${cred ?? "anonymous"}, ${Date.now() - started} ms)${ignored}\n`,
        );
      }
    };
    const peekId = (): string | null =>
      credentialIdOf(req.headers.authorization, this.store, this.admin, Date.now());

    if (path !== "/v1" && !path.startsWith("/v1/")) {
      sendError(res, notFound(`no route for ${method} ${path}: the API lives under /v1`));
      finish(404, peekId());
      return;
    }
    const subpath = path.slice(3);

    // Faults come before routing (and before auth): they model the network and the edge.
    const delay = this.faults.delay();
    if (delay > 0) await sleep(delay);
    const decision: FaultDecision = this.faults.decide(method, subpath);
    if (decision.kind === "drop") {
      entry.fault = "drop";
      res.socket?.destroy();
      res.destroy();
      finish(0, peekId());
      return;
    }
    if (decision.kind === "status") {
      entry.fault = "status";
      sendInjected(res, decision.status, decision.body, decision.headers);
      finish(decision.status, peekId());
      return;
    }

    const now = Date.now();
    let cred: Credential;
    try {
      cred = authenticate(req.headers.authorization, this.store, this.admin, now);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendError(res, error);
      finish(error.status, null);
      return;
    }
    if (cred.kind === "token") {
      cred.token.lastUsedAt = now;
    }

    const retryAfter = this.limiter.take(cred.id, now);
    if (retryAfter !== null) {
      sendError(
        res,
        new ApiError(
          429,
          "rate_limited",
          `Rate limit exceeded: at most ${this.limiter.perMinute} requests per minute per credential`,
          undefined,
          { "retry-after": String(retryAfter) },
        ),
      );
      finish(429, cred.id);
      return;
    }

    const act = (at: number): { status: number; body: unknown; error: ApiError | undefined } => {
      let changed = false;
      let result: { status: number; body: unknown; error: ApiError | undefined };
      try {
        const found = match(method, subpath);
        if (!found) throw notFound(`no route for ${method} ${path}`);
        const ctx: RequestContext = {
          method,
          params: found.params,
          query: new URLSearchParams(queryString),
          rawBody,
          strict: this.strict,
          ignoreFields: (fields) => {
            if (fields.length > 0) entry.ignoredFields = fields;
          },
          cred,
          now: at,
          store: this.store,
          base: { apiUrl: this.apiUrl },
          readyDelayMs: this.readyDelayMs,
          changed: () => {
            changed = true;
          },
        };
        const answer = found.handler(ctx);
        result = { status: answer.status, body: answer.body, error: undefined };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        result = { status: error.status, body: undefined, error: error };
      }
      if (changed) this.persist();
      return result;
    };

    const late = decision.failAfter?.lateMs;
    if (late !== undefined) {
      // A backend that applies the request after the client has given up on it.
      let done = () => {};
      const applied = new Promise<void>((resolve) => {
        done = resolve;
      });
      const timer = setTimeout(() => {
        this.lateTimers.delete(timer);
        act(Date.now());
        done();
      }, late);
      this.lateTimers.set(timer, done);
      this.lateApplies.push(applied);
    }
    const { status, body, error } =
      late === undefined ? act(now) : { status: 0, body: undefined, error: undefined };

    if (decision.failAfter) {
      const fa = decision.failAfter;
      entry.fault = late === undefined ? "fail-after-acting" : "apply-late";
      if (fa.mode === "drop") {
        res.socket?.destroy();
        res.destroy();
        finish(0, cred.id);
        return;
      }
      sendInjected(res, fa.status, fa.body, fa.headers);
      finish(fa.status, cred.id);
      return;
    }
    if (error) sendError(res, error);
    else send(res, status, body);
    finish(status, cred.id);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () =>
      tooLarge ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString("utf8")),
    );
    req.on("error", reject);
  });
}

/** Keeps a header value printable ASCII (reasons may quote user input). */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 500);
}

function send(
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
