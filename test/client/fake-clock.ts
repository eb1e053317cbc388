import type { ClientOptions } from "../../provider/internal/client/index";

/**
 * A fake clock for concurrent tasks: time moves only when every running task is asleep, straight
 * to the earliest wake-up. No real timer is involved, so nothing races.
 */
export class FakeClock {
  t: number;
  /** Every sleep asked for, in order. */
  readonly sleeps: number[] = [];
  private timers: { at: number; wake: () => void }[] = [];
  private running = 0;

  constructor(
    start = 1_000_000,
    /** What the clients draw for jitter (default: always 0.5, half of each bound). */
    private readonly random: () => number = () => 0.5,
  ) {
    this.t = start;
  }

  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise((wake) => this.timers.push({ at: this.t + Math.max(0, ms), wake }));
  };

  /** Client options on this clock. */
  options(): ClientOptions {
    return { now: this.now, sleep: this.sleep, random: this.random };
  }

  /** Runs the tasks to their end, moving the clock whenever all of them wait on it. */
  async run<T>(tasks: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
    this.running = tasks.length;
    const all = Promise.allSettled(
      tasks.map((task) =>
        task().finally(() => {
          this.running--;
        }),
      ),
    );
    while (this.running > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.timers.length === 0 || this.timers.length < this.running) continue;
      const at = Math.min(...this.timers.map((timer) => timer.at));
      this.t = Math.max(this.t, at);
      const due = this.timers.filter((timer) => timer.at <= this.t);
      this.timers = this.timers.filter((timer) => timer.at > this.t);
      for (const timer of due) timer.wake();
    }
    return all;
  }
}
