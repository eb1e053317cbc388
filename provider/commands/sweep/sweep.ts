import type { PlanetScaleClient } from "../../internal/client/client";
import { type Candidate, SWEEP_KINDS, type SweepKind, type SweepScope } from "./kinds";

/** What to sweep and whether to delete. */
export interface SweepOptions extends SweepScope {
  /** Only objects created more than this many milliseconds before `now`. */
  olderThanMs: number;
  /** Delete; otherwise only report (dry run). */
  yes: boolean;
  /** The current time (ms since the epoch); tests pass a fixed clock. */
  now?: number;
  /** The kinds to consider (default: all of {@link SWEEP_KINDS}). */
  kinds?: readonly SweepKind[];
  /** Called once per candidate as it is decided or acted on. */
  report?: (line: string) => void;
}

/** What happened to one candidate. */
export type Outcome = "would-delete" | "deleted" | "kept" | "too-recent" | "failed";

/** A candidate and what happened to it; `with` names the object it goes with (a password's branch). */
export type SweepEntry = Candidate & { outcome: Outcome; detail?: string; with?: string };

export interface SweepResult {
  entries: SweepEntry[];
  /** Matched the prefix and age and may be deleted (deleted, failed or, in a dry run, would be). */
  stale: number;
  deleted: number;
  kept: number;
  failed: number;
  /**
   * Objects that go with a stale one (a branch's passwords and roles): would be deleted with it in a
   * dry run, or were deleted with it. Not counted in `stale` or `deleted`.
   */
  dependents: number;
}

/**
 * Lists every object of every kind whose name starts with the prefix and that is older than the
 * cutoff; deletes them when `yes` is set. Production branches, deletion-protected branches and the
 * sweeper's own credential are never deleted. An object whose creation time is unknown is kept.
 * What goes with a stale object ({@link SweepKind.dependents}: a branch's passwords or roles) is
 * listed under it and deleted by deleting it, never by a call of its own.
 */
export async function sweep(client: PlanetScaleClient, options: SweepOptions): Promise<SweepResult> {
  if (options.prefix.length === 0) throw new TypeError("sweep needs a non-empty prefix");
  const now = options.now ?? Date.now();
  const cutoff = now - options.olderThanMs;
  const report = options.report ?? (() => {});
  const result: SweepResult = {
    entries: [],
    stale: 0,
    deleted: 0,
    kept: 0,
    failed: 0,
    dependents: 0,
  };
  for (const kind of options.kinds ?? SWEEP_KINDS) {
    for (const candidate of await kind.list(client, options)) {
      const label = `${candidate.kind} ${candidate.name} (${candidate.id}) in ${candidate.where}`;
      if (candidate.keep !== undefined) {
        result.kept++;
        result.entries.push({ ...candidate, outcome: "kept", detail: candidate.keep });
        report(`keep     ${label}: ${candidate.keep}`);
        continue;
      }
      if (!(candidate.createdAt <= cutoff)) {
        result.entries.push({ ...candidate, outcome: "too-recent" });
        continue;
      }
      result.stale++;
      // Listed before the delete: afterwards they are gone with their parent.
      const dependents = (await kind.dependents?.(client, options, candidate)) ?? [];
      const withParent = `${candidate.kind} ${candidate.name}`;
      const dependentLabel = (d: Candidate) => `${d.kind} ${d.name} (${d.id}) in ${d.where}`;
      if (!options.yes) {
        result.entries.push({ ...candidate, outcome: "would-delete" });
        report(`would delete ${label}, created ${new Date(candidate.createdAt).toISOString()}`);
        for (const d of dependents) {
          result.dependents++;
          result.entries.push({ ...d, outcome: "would-delete", with: withParent });
          report(`would delete ${dependentLabel(d)}, with its ${candidate.kind}`);
        }
        continue;
      }
      try {
        await kind.remove(client, options, candidate);
        result.deleted++;
        result.entries.push({ ...candidate, outcome: "deleted" });
        report(`deleted  ${label}`);
        for (const d of dependents) {
          result.dependents++;
          result.entries.push({ ...d, outcome: "deleted", with: withParent });
          report(`deleted  ${dependentLabel(d)}, with its ${candidate.kind}`);
        }
      } catch (error) {
        result.failed++;
        const detail = error instanceof Error ? error.message : String(error);
        result.entries.push({ ...candidate, outcome: "failed", detail });
        report(`FAILED   ${label}: ${detail}`);
      }
    }
  }
  return result;
}
