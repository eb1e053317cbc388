/**
 * A real HTTP server on 127.0.0.1 (port 0) that answers from a script and records every request
 * and every TCP connection. Used to test the PlanetScale client without mocking our HTTP layer.
 *
 * ```ts
 * const server = await ScriptedServer.start();
 * server.push({ status: 503 }, { status: 200, json: { ok: true } });
 * // … client calls server.url …
 * assert.equal(server.requests.length, 2);
 * await server.close();
 * ```
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { closeAllClients, PlanetScaleClient, type Settings } from "../../provider/internal/client/index";

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. "/v1/organizations/acme?page=2". */
  url: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Raw body text ("" if none). */
  body: string;
  /** Parsed body when it is JSON. */
  json?: unknown;
  /** Which TCP connection carried it (1 = the first one accepted). */
  connection: number;
}

/** An HTTP answer. `json` is serialised with `content-type: application/json`; `body` is sent as is. */
export interface ReplyStep {
  status?: number;
  headers?: Record<string, string | string[]>;
  json?: unknown;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** Misbehaviour. */
export type ActionStep =
  /** Destroy the connection as soon as the request line and headers arrive (body not read). */
  | { action: "reset" }
  /** Read the whole body, then reset the connection (the request reached the server). */
  | { action: "resetAfterBody" }
  /** Send headers and part of a JSON body, then destroy the connection. */
  | { action: "truncate"; status?: number; partial: string }
  /** Never answer. */
  | { action: "hang" };

/** Full control: answer however you like. */
export type HandlerStep = (req: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

/** One scripted answer. */
export type Step = ReplyStep | ActionStep | HandlerStep;

const UNSCRIPTED: Step = (req, res) => {
  res.writeHead(418, { "content-type": "application/json" });
  res.end(JSON.stringify({ code: "unscripted", message: `no scripted answer for ${req.method} ${req.url}` }));
};

/** See the module comment. */
export class ScriptedServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Step[] = [];
  private readonly sockets = new Set<Socket>();
  private fallback: Step;
  private connectionCount = 0;

  private constructor(
    private readonly server: http.Server,
    fallback: Step,
  ) {
    this.fallback = fallback;
  }

  /** Starts a server on 127.0.0.1:0 (or `port`). `fallback` answers when the script is empty. */
  static async start(options: { fallback?: Step; port?: number } = {}): Promise<ScriptedServer> {
    const server = http.createServer();
    const scripted = new ScriptedServer(server, options.fallback ?? UNSCRIPTED);
    server.on("connection", (socket: Socket) => {
      scripted.connectionCount++;
      (socket as Socket & { connectionNumber?: number }).connectionNumber = scripted.connectionCount;
      scripted.sockets.add(socket);
      socket.on("close", () => scripted.sockets.delete(socket));
    });
    server.on("request", (req, res) => {
      void scripted.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    return scripted;
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** "http://127.0.0.1:PORT". */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** API base URL to give the client: "http://127.0.0.1:PORT/v1". */
  get url(): string {
    return `${this.origin}/v1`;
  }

  /** TCP connections accepted so far. */
  get connections(): number {
    return this.connectionCount;
  }

  /** Answers still queued. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues answers, used in order, one per request. */
  push(...steps: Step[]): this {
    this.queue.push(...steps);
    return this;
  }

  /** Drops the queued answers that were not used. */
  clearScript(): this {
    this.queue.length = 0;
    return this;
  }

  /** Replaces the answer used when the queue is empty. */
  setFallback(step: Step): this {
    this.fallback = step;
    return this;
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const step = this.queue.shift() ?? this.fallback;
    const socket = req.socket as Socket & { connectionNumber?: number };
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: "",
      connection: socket.connectionNumber ?? 0,
    };
    this.requests.push(recorded);
    if (typeof step === "object" && "action" in step && step.action === "reset") {
      socket.resetAndDestroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    recorded.body = Buffer.concat(chunks).toString("utf8");
    if (recorded.body) {
      try {
        recorded.json = JSON.parse(recorded.body);
      } catch {
        // not JSON; keep the text
      }
    }
    if (typeof step === "function") {
      await step(recorded, res);
      return;
    }
    if ("action" in step) {
      switch (step.action) {
        case "resetAfterBody":
          socket.resetAndDestroy();
          return;
        case "truncate":
          res.writeHead(step.status ?? 200, {
            "content-type": "application/json",
            "content-length": String(step.partial.length + 100),
          });
          res.write(step.partial, () => socket.destroy());
          return;
        case "hang":
          return;
        default:
          return;
      }
    }
    if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    const headers: Record<string, string | string[]> = { ...step.headers };
    let body = step.body ?? "";
    if (step.json !== undefined) {
      body = JSON.stringify(step.json);
      headers["content-type"] ??= "application/json";
    }
    res.writeHead(step.status ?? 200, headers);
    res.end(body);
  }
}

/** A port on 127.0.0.1 with nothing listening (bound, read, released). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const startedServers = new Set<ScriptedServer>();

/**
 * A scripted server and a client pointed at it, for a test file's `before` hook: no rate limit and
 * no real sleeping between retries (delays are still computed). Close with
 * {@link stopScriptedClients} in `after`.
 */
export async function startScriptedClient(
  settings: Partial<Settings> = {},
): Promise<{ server: ScriptedServer; client: PlanetScaleClient }> {
  const server = await ScriptedServer.start();
  startedServers.add(server);
  const client = new PlanetScaleClient(
    {
      apiUrl: server.url,
      credential: { kind: "accessToken", token: "scripted-token" },
      timeoutMs: 5_000,
      maxRetries: 1,
      requestsPerMinute: 0,
      ...settings,
    },
    { sleep: async () => {} },
  );
  return { server, client };
}

/** Closes the servers {@link startScriptedClient} started and the shared connection pool. */
export async function stopScriptedClients(): Promise<void> {
  for (const server of startedServers) await server.close();
  startedServers.clear();
  await closeAllClients();
}
