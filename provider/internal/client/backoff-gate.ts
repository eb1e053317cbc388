import {
  type Admission,
  type AdmissionState,
  claimSlot,
  isFree,
  onAnswered,
  onRateLimited,
  onSpent,
} from "./admission";
import { type AdmissionStore, MemoryAdmissionStore } from "./admission-store";
import { SharedBackoffFile } from "./shared-backoff-file";

/**
 * Rate limiting driven by the server: nothing waits while PlanetScale accepts requests. When it
 * answers 429 (or says its allowance is spent), nobody of that credential sends before the instant
 * it gave (`Retry-After`), and then requests are re-admitted gradually (see {@link claimSlot}): one
 * probe, then a pace that widens with every answer, instead of every waiter at once. Shared by every
 * client of one credential and API in this process (see {@link getBackoffGate}) and, through a
 * {@link SharedBackoffFile}, by every process on the machine: parallel stacks on one CI runner do not
 * stampede.
 */
export class BackoffGate {
  private readonly store: AdmissionStore;

  constructor(
    store: AdmissionStore | undefined,
    /** Longest wait one admission may impose, so a corrupt or hostile shared state cannot block forever. */
    private readonly maxWaitMs: number,
  ) {
    this.store = store ?? new MemoryAdmissionStore();
  }

  /** The state as this process last saw it (for logs and tests). */
  state(): AdmissionState {
    return this.store.read(performance.now());
  }

  /**
   * Whether a request may be sent at `now` (`wait` 0, under `epoch`) or must ask again after `wait`
   * ms. While admission is free this reads a cached state only: no lock, no write.
   */
  admit(now: number, random: () => number): Admission {
    const seen = this.store.read(performance.now());
    if (isFree(seen, now)) return { wait: 0, epoch: seen.epoch };
    const admission = this.store.update((state) => {
      const claimed = claimSlot(state, now, random);
      return { state: claimed.state, result: claimed.admission };
    });
    return { wait: Math.min(admission.wait, this.maxWaitMs), epoch: admission.epoch };
  }

  /** A request admitted under `epoch` got a 429 at `now`; the server asked to wait `waitMs`. */
  rateLimited(now: number, waitMs: number, epoch: number): void {
    this.store.update((state) => ({ state: onRateLimited(state, now, waitMs, epoch), result: undefined }));
  }

  /** A request got an answer other than 429 at `now`: widens the pace while re-admitting. */
  answered(now: number): void {
    if (this.store.read(performance.now()).interval === 0) return;
    this.store.update((state) => ({ state: onAnswered(state, now), result: undefined }));
  }

  /** The server said its allowance is spent until `until` (ms since the epoch). */
  spent(until: number): void {
    this.store.update((state) => ({ state: onSpent(state, until), result: undefined }));
  }

  /**
   * The last instant any request of this credential (here or in another process) got an answer
   * while re-admitting: a request waiting on 429s gives up only after this long without progress.
   */
  lastProgress(): number {
    return this.store.read(performance.now()).answeredAt;
  }
}

const gates = new Map<string, BackoffGate>();

/**
 * The process-wide gate for a credential (`key` names the API origin and the credential's id, never
 * its secret). `shareAcrossProcesses` adds the machine-wide file.
 */
export function getBackoffGate(key: string, maxWaitMs: number, shareAcrossProcesses = true): BackoffGate {
  const fullKey = `${key}|${shareAcrossProcesses}`;
  let gate = gates.get(fullKey);
  if (!gate) {
    gate = new BackoffGate(shareAcrossProcesses ? new SharedBackoffFile(key) : undefined, maxWaitMs);
    gates.set(fullKey, gate);
  }
  return gate;
}

/** Forgets all gates (with `closeAllClients`). */
export function resetBackoffGates(): void {
  gates.clear();
}
