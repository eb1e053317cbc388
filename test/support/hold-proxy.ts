/**
 * A loopback HTTP proxy in front of the emulator that can hold one chosen request: before it
 * reaches the emulator (nothing happened yet) or after the emulator acted (the answer never
 * arrives). A test arms a hold, starts `pulumi up`, waits until the request is held, and kills a
 * process at exactly that point: kill points are chosen by conditions, never by timers.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { PathGlob } from "../../emulator/pipeline/fault-rules";

/** Which request to hold, and when. */
export interface HoldRule {
  method: string;
  /** Glob over the path after `/v1` (as in emulator fault rules). */
  path: string;
  /** `before`: the emulator never sees it; `after`: the emulator acts, the answer is withheld. */
  phase: "before" | "after";
  /** Hold the n-th matching request (default 1). */
  nth?: number;
}

export class HoldProxy {
  private rule: { rule: HoldRule; glob: PathGlob; seen: number; held: () => void } | undefined;
  private readonly sockets = new Set<Socket>();
  /** The answers of held requests, until {@link HoldProxy.dropHeld} or close. */
  private readonly held = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    private readonly target: URL,
  ) {}

  /** Starts a proxy to `apiUrl` (the emulator's `…/v1`). */
  static async start(apiUrl: string): Promise<HoldProxy> {
    const server = http.createServer();
    const proxy = new HoldProxy(server, new URL(apiUrl));
    server.on("connection", (socket) => {
      proxy.sockets.add(socket);
      socket.on("close", () => proxy.sockets.delete(socket));
    });
    server.on("request", (req, res) => proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** The API URL to give the provider. */
  get apiUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.target.pathname}`;
  }

  /** Arms a hold; resolves once the matching request is held (it then stays held until close). */
  hold(rule: HoldRule): Promise<void> {
    return new Promise((resolve) => {
      this.rule = { rule, glob: new PathGlob(rule.path), seen: 0, held: resolve };
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "").slice(this.target.pathname.length).replace(/\?.*$/, "");
      const armed = this.rule;
      let phase: "before" | "after" | undefined;
      if (armed && req.method === armed.rule.method && armed.glob.test(path)) {
        armed.seen++;
        if (armed.seen === (armed.rule.nth ?? 1)) {
          phase = armed.rule.phase;
          this.rule = undefined;
        }
      }
      if (phase !== undefined) this.held.add(res);
      if (phase === "before") {
        armed?.held();
        return; // Never forwarded, never answered.
      }
      const upstream = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.target.host },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (c: Buffer) => parts.push(c));
          answer.on("end", () => {
            if (phase === "after") {
              armed?.held();
              return; // Acted upon, never answered.
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  }

  /**
   * Drops the connection of every held request (the client sees a dropped connection: an unknown
   * outcome), while the proxy goes on serving every other request.
   */
  dropHeld(): void {
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }

  /** Stops the proxy, dropping every held request. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
