import {
  type Admission,
  type AdmissionState,
  addRoom,
  claimSlot,
  isFree,
  onAnswered,
  onRateLimited,
  onSpent,
} from "./admission";
import { type AdmissionStore, MemoryAdmissionStore } from "./admission-store";
import { OwnWindow } from "./own-window";
import { SharedBackoffFile } from "./shared-backoff-file";

/**
 * Rate limiting driven by the server: nothing waits while PlanetScale accepts requests. When it
 * answers 429 (or says its allowance is spent), nobody of that credential sends before the instant
 * it gave (`Retry-After`), and then requests are re-admitted gradually (see {@link claimSlot}): as
 * fast as the places this machine's answers hold in the server's window free ({@link OwnWindow}),
 * and beyond them one probe, then a pace that widens with every answer, instead of every waiter at
 * once. Shared by every
 * client of one credential and API in this process (see {@link getBackoffGate}) and, through a
 * {@link SharedBackoffFile}, by every process on the machine: parallel stacks on one CI runner do not
 * stampede.
 */
export class BackoffGate {
  private readonly store: AdmissionStore;
  private readonly own = new OwnWindow();

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
   * ms. While admission is free this reads a cached state only: no lock, no write. A request told
   * to go is sent; its answer is reported to {@link BackoffGate.settled} (a 429 to
   * {@link BackoffGate.rateLimited} as well).
   */
  admit(now: number, random: () => number): Admission {
    const seen = this.store.read(performance.now());
    if (isFree(seen, now)) {
      this.own.free();
      return { wait: 0, epoch: seen.epoch };
    }
    const places = this.own.handOver(now);
    const admission = this.store.update((state) => {
      const added = addRoom(state, places) ?? state;
      const claimed = claimSlot(added, now, random);
      return { state: claimed.state ?? (added === state ? undefined : added), result: claimed.admission };
    });
    return { ...admission, wait: Math.min(admission.wait, this.maxWaitMs) };
  }

  /**
   * A request got an answer with `status` at `now`. An answer other than 429 widens the shared pace
   * while re-admitting, and the place it holds in the server's window joins the room. (A request
   * that got no answer may hold a place too, but one not known is one not taken: no answer, no call.)
   */
  settled(now: number, status: number): void {
    if (status === 429) return;
    this.own.answered(now);
    if (this.store.read(performance.now()).interval === 0) return;
    const pooled = this.own.pooled;
    this.store.update((state) => ({ state: onAnswered(state, now, pooled), result: undefined }));
  }

  /**
   * The request `admission` let through got a 429 at `now`; the server asked to wait `waitMs`.
   */
  rateLimited(now: number, waitMs: number, admission: Admission): void {
    this.store.update((state) => ({
      state: onRateLimited(state, now, waitMs, admission.epoch, admission.room === true),
      result: undefined,
    }));
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
