import { z } from "zod";

/** A targeted, deterministic fault: matches requests by method and path, fires `times` times. */
export interface FaultRule {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Glob over the path after `/v1`: `*` matches within one segment, `**` any number of segments. */
  path: string;
  /**
   * `status`: answer without acting; `drop`: destroy the socket; `fail-after-acting`: act, then
   * fail; `apply-late`: fail now (as `mode` says), then act `delayMs` later, as a backend that
   * applies a timed-out request after the client gave up.
   */
  action: "status" | "drop" | "fail-after-acting" | "apply-late";
  /** Status to answer (`status` default 500; `fail-after-acting` default 500). */
  status?: number;
  /** Body to answer instead of the default PlanetScale-style error body. */
  body?: unknown;
  /** Extra response headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
  /** How many matching requests it applies to (default 1). */
  times?: number;
  /** For `fail-after-acting` and `apply-late`: answer `status` (default) or drop the connection. */
  mode?: "status" | "drop";
  /** For `apply-late`: how long after failing the request is applied (default 2000 ms). */
  delayMs?: number;
}

/** Fault injection settings; replaced as a whole by `setFaults` / `PUT /_emulator/faults`. */
export interface FaultSettings {
  /** Added to every /v1 request before it is handled. */
  latencyMs?: number;
  /** Random extra latency in [0, jitterMs). */
  jitterMs?: number;
  /** Probability (0..1) of answering each status instead of handling the request. */
  statusProbability?: Partial<Record<"429" | "500" | "502" | "503", number>>;
  /** Probability of destroying the socket without answering. */
  dropProbability?: number;
  /** Probability of applying a change (POST/PUT/PATCH/DELETE), then answering 5xx or dropping. */
  failAfterActing?: { probability: number; mode: "status" | "drop"; status?: number };
  /** Targeted faults, checked in order before the random ones. */
  rules?: FaultRule[];
}

const probability = z.number().min(0).max(1);
const status = z.number().int().min(100).max(599);

/** zod schema for FaultSettings (used by `PUT /_emulator/faults` and `startEmulator`). */
export const faultSettingsSchema = z.strictObject({
  latencyMs: z.number().min(0).max(600_000).optional(),
  jitterMs: z.number().min(0).max(600_000).optional(),
  statusProbability: z
    .strictObject({
      "429": probability.optional(),
      "500": probability.optional(),
      "502": probability.optional(),
      "503": probability.optional(),
    })
    .optional(),
  dropProbability: probability.optional(),
  failAfterActing: z
    .strictObject({ probability, mode: z.enum(["status", "drop"]), status: status.optional() })
    .optional(),
  rules: z
    .array(
      z.strictObject({
        method: z.string().min(1).optional(),
        path: z.string().min(1),
        action: z.enum(["status", "drop", "fail-after-acting", "apply-late"]),
        status: status.optional(),
        body: z.unknown().optional(),
        headers: z.record(z.string(), z.string()).optional(),
        times: z.number().int().min(1).optional(),
        mode: z.enum(["status", "drop"]).optional(),
        delayMs: z.number().int().min(0).max(600_000).optional(),
      }),
    )
    .optional(),
});

/** Validates fault settings, throwing an Error with a readable message. */
export function parseFaults(value: unknown): FaultSettings {
  const r = faultSettingsSchema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i && i.path.length > 0 ? i.path.join(".") : "(root)";
    throw new Error(`invalid fault settings at ${where}: ${i?.message ?? "invalid"}`);
  }
  return r.data as FaultSettings;
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

function splitPath(p: string): string[] {
  return p.split("/").filter((s) => s !== "");
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
    const s = parseFaults(settings);
    this.settings = s;
    this.rules = (s.rules ?? []).map((rule) => ({
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
    const s = this.settings;
    if (s.dropProbability && Math.random() < s.dropProbability) return { kind: "drop" };
    for (const code of ["429", "500", "502", "503"] as const) {
      const pr = s.statusProbability?.[code];
      if (pr && Math.random() < pr) return { kind: "status", status: Number(code) };
    }
    const fa = s.failAfterActing;
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
