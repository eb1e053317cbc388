/**
 * The emulator's HTTP server: reads each request, runs it through the pipeline composed below (the
 * one place that says which stages run, in which order), writes the answer, and persists the data.
 * A new stage is a file in `pipeline/` and a line in {@link EmulatorCore.pipeline}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type AdminCredential, credentialIdOf } from "./http/auth";
import { apiPrefix } from "./pipeline/api-prefix";
import { authenticate } from "./pipeline/authenticate";
import { control } from "./pipeline/control";
import { compose, type Exchange, type Next } from "./pipeline/exchange";
import type { Faults } from "./pipeline/fault-rules";
import { injectFaults } from "./pipeline/faults";
import { LateApplies, lateApply } from "./pipeline/late-apply";
import { log } from "./pipeline/log";
import { RateLimiter, rateLimit } from "./pipeline/rate-limit";
import { respond, send } from "./pipeline/respond";
import { route } from "./pipeline/route";
import { match } from "./router";
import { RequestLog } from "./state/request-log";
import type { Store } from "./state/store";

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
  /** How long a deployed deploy request can be reverted. */
  revertWindowMs: number;
  rateLimitPerMinute: number;
  faults: Faults;
  quiet: boolean;
  organization: string;
  /** Refuse unknown body fields (400) instead of ignoring them. */
  strict: boolean;
}

/** The HTTP side of the emulator: the request pipeline, the server it runs in, persistence. */
export class EmulatorCore {
  readonly store: Store;
  readonly admin: AdminCredential;
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly organization: string;
  readonly strict: boolean;
  readyDelayMs: number;
  revertWindowMs: number;
  private limiter: RateLimiter;
  private readonly quiet: boolean;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private saveTimer: NodeJS.Timeout | undefined;
  /** Requests an `apply-late` fault will still apply (cancelled by {@link stop}). */
  private readonly late = new LateApplies();
  /** The stages every request goes through, composed in the constructor. */
  private readonly pipeline: Next;
  apiUrl = "";
  url = "";

  constructor(o: CoreOptions) {
    this.store = o.store;
    this.admin = o.admin;
    this.faults = o.faults;
    this.readyDelayMs = o.readyDelayMs;
    this.revertWindowMs = o.revertWindowMs;
    this.limiter = new RateLimiter(o.rateLimitPerMinute);
    this.quiet = o.quiet;
    this.organization = o.organization;
    this.strict = o.strict;
    this.log = new RequestLog(o.store.data.requests);
    // Every request's way through the emulator, outermost first: the control API (never logged),
    // the request log, `/v1`, injected faults, authentication, the rate limit, the faults that act
    // before failing, and the route.
    this.pipeline = compose(
      [
        control(this),
        log({
          log: this.log,
          quiet: this.quiet,
          persistSoon: () => this.persistSoon(),
          credentialIdOf: (header) => credentialIdOf(header, this.store, this.admin, Date.now()),
        }),
        apiPrefix(),
        injectFaults(this.faults),
        authenticate(this.store, this.admin),
        rateLimit(() => this.limiter),
        lateApply(this.late),
      ],
      route(match, this),
    );
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
    this.late.cancel();
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

  /** Resolves once every request held back by an `apply-late` fault so far has been applied. */
  lateApplied(): Promise<void> {
    return this.late.settled();
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

  /** Reads the request and answers it through the pipeline. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
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
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const exchange: Exchange = {
      method: (req.method ?? "GET").toUpperCase(),
      path: queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt),
      query: queryAt === -1 ? "" : rawUrl.slice(queryAt + 1),
      headers: req.headers,
      rawBody,
      started,
    };
    respond(res, await this.pipeline(exchange));
  }
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
