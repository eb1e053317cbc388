import { type FaultRule, type FaultSettings, parseFaults } from "../state/fault-settings";

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
