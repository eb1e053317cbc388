import type { PlanetScaleClient } from "../internal/client/client";
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

export interface SweepResult {
  entries: Array<Candidate & { outcome: Outcome; detail?: string }>;
  /** Matched the prefix and age and may be deleted (deleted, failed or, in a dry run, would be). */
  stale: number;
  deleted: number;
  kept: number;
  failed: number;
}

/**
 * Lists every object of every kind whose name starts with the prefix and that is older than the
 * cutoff; deletes them when `yes` is set. Production branches, deletion-protected branches and the
 * sweeper's own credential are never deleted. An object whose creation time is unknown is kept.
 */
export async function sweep(client: PlanetScaleClient, options: SweepOptions): Promise<SweepResult> {
  if (options.prefix.length === 0) throw new TypeError("sweep needs a non-empty prefix");
  const now = options.now ?? Date.now();
  const cutoff = now - options.olderThanMs;
  const report = options.report ?? (() => {});
  const result: SweepResult = { entries: [], stale: 0, deleted: 0, kept: 0, failed: 0 };
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
      if (!options.yes) {
        result.entries.push({ ...candidate, outcome: "would-delete" });
        report(`would delete ${label}, created ${new Date(candidate.createdAt).toISOString()}`);
        continue;
      }
      try {
        await kind.remove(client, options, candidate);
        result.deleted++;
        result.entries.push({ ...candidate, outcome: "deleted" });
        report(`deleted  ${label}`);
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
