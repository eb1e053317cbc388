import { z } from "zod";
import { parseOrThrow } from "./validation";

const probability = z.number().min(0).max(1);
const status = z.number().int().min(100).max(599);

/** A targeted, deterministic fault: matches requests by method and path, fires `times` times. */
export const FaultRule = z.strictObject({
  /** HTTP method to match (any when omitted). */
  method: z.string().min(1).optional(),
  /** Glob over the path after `/v1`: `*` matches within one segment, `**` any number of segments. */
  path: z.string().min(1),
  /**
   * `status`: answer without acting; `drop`: destroy the socket; `fail-after-acting`: act, then
   * fail; `apply-late`: fail now (as `mode` says), then act `delayMs` later, as a backend that
   * applies a timed-out request after the client gave up.
   */
  action: z.enum(["status", "drop", "fail-after-acting", "apply-late"]),
  /** Status to answer (`status` default 500; `fail-after-acting` default 500). */
  status: status.optional(),
  /** Body to answer instead of the default PlanetScale-style error body. */
  body: z.unknown().optional(),
  /** Extra response headers (e.g. `Retry-After`). */
  headers: z.record(z.string(), z.string()).optional(),
  /** How many matching requests it applies to (default 1). */
  times: z.number().int().min(1).optional(),
  /** For `fail-after-acting` and `apply-late`: answer `status` (default) or drop the connection. */
  mode: z.enum(["status", "drop"]).optional(),
  /** For `apply-late`: how long after failing the request is applied (default 2000 ms). */
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
/** A targeted, deterministic fault: matches requests by method and path, fires `times` times. */
export type FaultRule = z.infer<typeof FaultRule>;

/**
 * Fault injection settings (used by `PUT /_emulator/faults` and `startEmulator`); replaced as a
 * whole by `setFaults` / `PUT /_emulator/faults`.
 */
export const FaultSettings = z.strictObject({
  /** Added to every /v1 request before it is handled. */
  latencyMs: z.number().min(0).max(600_000).optional(),
  /** Random extra latency in [0, jitterMs). */
  jitterMs: z.number().min(0).max(600_000).optional(),
  /** Probability (0..1) of answering each status instead of handling the request. */
  statusProbability: z
    .strictObject({
      "429": probability.optional(),
      "500": probability.optional(),
      "502": probability.optional(),
      "503": probability.optional(),
    })
    .optional(),
  /** Probability of destroying the socket without answering. */
  dropProbability: probability.optional(),
  /** Probability of applying a change (POST/PUT/PATCH/DELETE), then answering 5xx or dropping. */
  failAfterActing: z
    .strictObject({ probability, mode: z.enum(["status", "drop"]), status: status.optional() })
    .optional(),
  /** Targeted faults, checked in order before the random ones. */
  rules: z.array(FaultRule).optional(),
});
/** Fault injection settings; replaced as a whole by `setFaults` / `PUT /_emulator/faults`. */
export type FaultSettings = z.infer<typeof FaultSettings>;

/** Validates fault settings, throwing an Error that explains every problem. */
export function parseFaults(value: unknown): FaultSettings {
  return parseOrThrow(FaultSettings, value, "invalid fault settings");
}

/** What to do with one request, decided before routing. */
export type FaultDecision =
  | { kind: "none"; failAfter: null }
  | {
      kind: "none";
      failAfter: {
        mode: "status" | "drop";
        status: number;
        body?: unknown;
        headers?: Record<string, string>;
        /** Set by `apply-late`: answer first, act this many ms later. */
        lateMs?: number;
      };
    }
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: "drop" };

function segmentRegExp(seg: string): RegExp {
  const body = seg
    .split("*")
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]*");
  return new RegExp(`^${body}$`);
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function matchSegments(
  glob: readonly RegExp[] | readonly (RegExp | "**")[],
  path: readonly string[],
): boolean {
  if (glob.length === 0) return path.length === 0;
  const [g, ...rest] = glob;
  if (g === "**") {
    for (let i = 0; i <= path.length; i++) if (matchSegments(rest, path.slice(i))) return true;
    return false;
  }
  if (path.length === 0 || g === undefined) return false;
  return g.test(path[0]!) && matchSegments(rest, path.slice(1));
}

/** A compiled path glob: `*` matches within one segment, a `**` segment matches any number of segments. */
export class PathGlob {
  private readonly segs: (RegExp | "**")[];

  constructor(glob: string) {
    this.segs = splitPath(glob).map((s) => (s === "**" ? "**" : segmentRegExp(s)));
  }

  /** True when `path` (after `/v1`, leading slash optional) matches. */
  test(path: string): boolean {
    return matchSegments(this.segs, splitPath(path));
  }
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Holds the current settings and the remaining count of each rule. */
export class Faults {
  private settings: FaultSettings = {};
  private rules: Array<{ rule: FaultRule; re: PathGlob; left: number }> = [];

  constructor(settings?: FaultSettings) {
    if (settings) this.set(settings);
  }

  /** Replaces every setting (and resets rule counters). */
  set(settings: FaultSettings): void {
    const parsed = parseFaults(settings);
    this.settings = parsed;
    this.rules = (parsed.rules ?? []).map((rule) => ({
      rule,
      re: new PathGlob(rule.path),
      left: rule.times ?? 1,
    }));
  }

  /** The current settings, with each rule's remaining `times`. */
  get(): FaultSettings {
    const out: FaultSettings = { ...this.settings };
    if (this.rules.length > 0)
      out.rules = this.rules.filter((r) => r.left > 0).map((r) => ({ ...r.rule, times: r.left }));
    else delete out.rules;
    return out;
  }

  /** Latency to add before handling, in ms. */
  delay(): number {
    const base = this.settings.latencyMs ?? 0;
    const jitter = this.settings.jitterMs ?? 0;
    return base + (jitter > 0 ? Math.random() * jitter : 0);
  }

  /** Decides (and consumes a matching rule) for a request; `path` is the part after `/v1`. */
  decide(method: string, path: string): FaultDecision {
    for (const r of this.rules) {
      if (r.left <= 0) continue;
      if (r.rule.method && r.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!r.re.test(path)) continue;
      r.left--;
      const extra = {
        ...(r.rule.body !== undefined ? { body: r.rule.body } : {}),
        ...(r.rule.headers ? { headers: r.rule.headers } : {}),
      };
      if (r.rule.action === "drop") return { kind: "drop" };
      if (r.rule.action === "status") return { kind: "status", status: r.rule.status ?? 500, ...extra };
      const late = r.rule.action === "apply-late" ? { lateMs: r.rule.delayMs ?? 2000 } : {};
      return {
        kind: "none",
        failAfter: { mode: r.rule.mode ?? "status", status: r.rule.status ?? 500, ...extra, ...late },
      };
    }
    const settings = this.settings;
    if (settings.dropProbability && Math.random() < settings.dropProbability) return { kind: "drop" };
    for (const code of ["429", "500", "502", "503"] as const) {
      const pr = settings.statusProbability?.[code];
      if (pr && Math.random() < pr) return { kind: "status", status: Number(code) };
    }
    const fa = settings.failAfterActing;
    if (fa && MUTATING.has(method.toUpperCase()) && Math.random() < fa.probability) {
      return { kind: "none", failAfter: { mode: fa.mode, status: fa.status ?? 500 } };
    }
    return { kind: "none", failAfter: null };
  }
}

/** The default body/headers of an injected status, shaped like what PlanetScale or its edge sends. */
export function injectedResponse(statusCode: number): {
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
