/**
 * The stage of `fail-after-acting` and `apply-late` faults (see `injectFaults`): the route acts,
 * and the client gets an error status or a dropped connection instead of its answer. With
 * `apply-late` the client is answered first and the route acts later, like a backend that finishes
 * a request after the client gave up on it.
 */
import type { Answer, Stage } from "./exchange";

/** Runs the requests an `apply-late` fault holds back, each after its delay. */
export class LateApplies {
  /** The timers still to fire, and what completes each one's promise. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private pending: Promise<void>[] = [];

  /** Runs `apply` in `delayMs`; its failure is reported on stderr (nobody waits for its answer). */
  schedule(delayMs: number, apply: () => Promise<unknown>): void {
    let done = () => {};
    this.pending.push(
      new Promise<void>((resolve) => {
        done = resolve;
      }),
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      apply()
        .catch((error: unknown) => {
          process.stderr.write(`emulator: a late-applied request failed: ${String(error)}\n`);
        })
        .finally(done);
    }, delayMs);
    this.timers.set(timer, done);
  }

  /** Resolves once every request held back so far has been applied (or cancelled). */
  async settled(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  /** Forgets the requests not applied yet (the emulator is stopping). */
  cancel(): void {
    for (const [timer, done] of this.timers) {
      clearTimeout(timer);
      done();
    }
    this.timers.clear();
  }
}

/** Acts (now, or later through `late`) and then answers as the fault says. */
export function lateApply(late: LateApplies): Stage {
  return (next) => async (exchange) => {
    const fault = exchange.afterActing;
    if (!fault) return next(exchange);
    if (fault.lateMs === undefined) {
      exchange.fault = "fail-after-acting";
      await next(exchange);
    } else {
      exchange.fault = "apply-late";
      late.schedule(fault.lateMs, () => next({ ...exchange, now: Date.now() }));
    }
    const answer: Answer =
      fault.mode === "drop"
        ? { kind: "drop" }
        : { kind: "injected", status: fault.status, body: fault.body, headers: fault.headers };
    return answer;
  };
}
