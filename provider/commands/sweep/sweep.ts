import type { BackendEvidence } from "../../internal/backend/evidence";
import type { PlanetScaleClient } from "../../internal/client/client";
import {
  type Candidate,
  KEEP_REASONS,
  type KeepReason,
  SWEEP_KINDS,
  type SweepKind,
  type SweepScope,
} from "./kinds";

/**
 * The youngest an object may be to be swept without `--force`. A create that is under way leaves
 * a pending operation in its stack from before its request to its end, which the stacks' evidence
 * sees; but a run on another backend, or a provider host killed with its CLI surviving, leaves no
 * trace any backend shows, and a branch create waits up to its `readyTimeout` (20 minutes by
 * default) for readiness. An hour covers both with room to spare.
 */
export const MIN_SWEEP_AGE_MS = 60 * 60 * 1000;

/** What to sweep and whether to delete. */
export interface SweepOptions extends SweepScope {
  /** Only objects created more than this many milliseconds before `now`. */
  olderThanMs: number;
  /** Delete; otherwise only report (dry run). */
  yes: boolean;
  /** What every stack of the state backend holds and is creating: nothing any of them claims is swept. */
  evidence: BackendEvidence;
  /** The current time (ms since the epoch); tests pass a fixed clock. */
  now?: number;
  /** The kinds to consider (default: all of {@link SWEEP_KINDS}). */
  kinds?: readonly SweepKind[];
  /** Called once per candidate as it is decided or acted on. */
  report?: (line: string) => void;
}

/** What happened to one candidate. */
export type Outcome = "would-delete" | "deleted" | "kept" | "failed";

/** A candidate and what happened to it; `with` names the object it goes with (a password's branch). */
export type SweepEntry = Candidate & { outcome: Outcome; detail?: string; with?: string };

export interface SweepResult {
  entries: SweepEntry[];
  /** Matched the prefix, and is provably a left-over (deleted, failed or, in a dry run, would be). */
  stale: number;
  deleted: number;
  /** Matched the prefix and was kept, whatever the reason. */
  kept: number;
  /** How many were kept for each reason. */
  keptBy: Record<KeepReason, number>;
  failed: number;
  /**
   * Objects that go with a stale one (a branch's passwords and roles): would be deleted with it in a
   * dry run, or were deleted with it. Not counted in `stale` or `deleted`.
   */
  dependents: number;
}

/**
 * Why a candidate is not provably a left-over of a lost stack, or undefined when it is: it was
 * created by the sweeping credential (PlanetScale's `actor`), no stack of the backend holds it or
 * has a create of its name under way, and it is older than the cutoff.
 */
function keepReason(
  candidate: Candidate,
  options: SweepOptions,
  ownId: string | undefined,
  cutoff: number,
): { reason: KeepReason; detail: string } | undefined {
  if (candidate.keep) return candidate.keep;
  if (ownId === undefined)
    return { reason: "other_creator", detail: "its creator cannot be compared: sweep with a service token" };
  if (candidate.actorId !== ownId)
    return {
      reason: "other_creator",
      detail: candidate.actorId
        ? `created by ${candidate.actorId}, not by this credential`
        : "PlanetScale does not name its creator",
    };
  const holders = options.evidence.holders(candidate.id);
  if (holders.length > 0) return { reason: "held", detail: `stack ${holders.join(", ")} holds it` };
  const creators = options.evidence.creators(candidate.subject);
  if (creators.length > 0)
    return {
      reason: "creating",
      detail: `stack ${creators.join(", ")} has a create of this name under way or interrupted`,
    };
  if (!(candidate.createdAt <= cutoff))
    return {
      reason: "too_recent",
      detail: `created ${new Date(candidate.createdAt).toISOString()}, after the cutoff`,
    };
  return undefined;
}

/**
 * Lists every object of every kind whose name starts with the prefix and deletes (with `yes`) those
 * that are provably left-overs: created by the sweeping credential, held by no stack of the backend
 * and being created by none, older than the cutoff. Production branches, deletion-protected
 * branches, the sweeper's own credential and (with a database) tokens not confined to it are never
 * deleted. What goes with a stale object ({@link SweepKind.dependents}: a branch's passwords or
 * roles) is listed under it and deleted by deleting it, never by a call of its own; a stack holding
 * one of them keeps the branch.
 */
export async function sweep(client: PlanetScaleClient, options: SweepOptions): Promise<SweepResult> {
  if (options.prefix.length === 0) throw new TypeError("sweep needs a non-empty prefix");
  const now = options.now ?? Date.now();
  const cutoff = now - options.olderThanMs;
  const report = options.report ?? (() => {});
  const ownId =
    client.settings.credential.kind === "serviceToken" ? client.settings.credential.id : undefined;
  const result: SweepResult = {
    entries: [],
    stale: 0,
    deleted: 0,
    kept: 0,
    keptBy: Object.fromEntries(KEEP_REASONS.map((r) => [r, 0])) as Record<KeepReason, number>,
    failed: 0,
    dependents: 0,
  };
  const keep = (candidate: Candidate, why: { reason: KeepReason; detail: string }, label: string) => {
    result.kept++;
    result.keptBy[why.reason]++;
    result.entries.push({ ...candidate, outcome: "kept", detail: why.detail });
    report(`keep     ${label}: ${why.detail}`);
  };
  for (const kind of options.kinds ?? SWEEP_KINDS) {
    for (const candidate of await kind.list(client, options)) {
      const label = `${candidate.kind} ${candidate.name} (${candidate.id}) in ${candidate.where}`;
      let why = keepReason(candidate, options, ownId, cutoff);
      const outside = why === undefined ? await kind.outOfScope?.(client, options, candidate) : undefined;
      if (outside !== undefined) why = { reason: "other_database", detail: outside };
      if (why !== undefined) {
        keep(candidate, why, label);
        continue;
      }
      // Listed before the delete: afterwards they are gone with their parent.
      const dependents = (await kind.dependents?.(client, options, candidate)) ?? [];
      const heldDependent = dependents.find((d) => options.evidence.holders(d.id).length > 0);
      if (heldDependent) {
        const holders = options.evidence.holders(heldDependent.id).join(", ");
        keep(
          candidate,
          {
            reason: "held",
            detail: `stack ${holders} holds its ${heldDependent.kind} ${heldDependent.name}`,
          },
          label,
        );
        continue;
      }
      result.stale++;
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
