import { SharedBackoffFile } from "./shared-backoff-file";

/**
 * Rate limiting driven by the server: nothing waits while PlanetScale accepts requests. When it
 * answers 429 (or says its allowance is spent), the gate closes until the instant it gave
 * (`Retry-After`), and every request of that credential waits for that instant instead of being
 * sent to collect another 429. Shared by every client of one credential and API in this process
 * (see {@link getBackoffGate}) and, through a {@link SharedBackoffFile}, by every process on the
 * machine: parallel stacks on one CI runner do not stampede.
 */
export class BackoffGate {
  private until = 0;

  constructor(
    private readonly shared: SharedBackoffFile | undefined,
    /** Longest wait one check may impose, so a corrupt or hostile shared instant cannot block forever. */
    private readonly maxWaitMs: number,
  ) {}

  /** The instant (ms since the epoch) before which no request should be sent. */
  closedUntil(): number {
    const shared = this.shared?.read(performance.now()) ?? 0;
    return Math.max(this.until, shared);
  }

  /** How long a request about to be sent at `now` must wait (0 when the gate is open). */
  delay(now: number): number {
    return Math.min(this.maxWaitMs, Math.max(0, Math.ceil(this.closedUntil() - now)));
  }

  /** Closes the gate until `until` (ms since the epoch) for this process and the others. */
  close(until: number): void {
    if (until <= this.until) return;
    this.until = until;
    this.shared?.write(until, performance.now());
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
