import { WINDOW_MS } from "./admission";

/**
 * This process's answers from one credential's API over the last minute: the places it holds in
 * the server's sliding window. When the process first meets a re-admission (a 429 here or in
 * another process), it hands them over to the shared `room` (see `admission.ts`); every answer
 * after that joins the room directly, so each place is pooled once.
 */
export class OwnWindow {
  /** Instants of this process's answers (not 429), ascending; `head` skips the ones forgotten. */
  private answers: number[] = [];
  private head = 0;
  /** Whether this process's places went to the room of the current re-admission. */
  private handedOver = false;

  /** A request got an answer other than 429 at `now`. */
  answered(now: number): void {
    this.answers.push(now);
    this.forget(now);
  }

  /** Whether the answers of this re-admission go straight to the room. */
  get pooled(): boolean {
    return this.handedOver;
  }

  /**
   * The places to add to the room when this process first meets a re-admission (then empty until
   * admission was free again): its answers of the last minute.
   */
  handOver(now: number): number[] {
    if (this.handedOver) return [];
    this.handedOver = true;
    this.forget(now);
    return this.answers.slice(this.head);
  }

  /** Admission is free again: the next re-admission starts a new room. */
  free(): void {
    this.handedOver = false;
  }

  private forget(now: number): void {
    while (this.head < this.answers.length && this.answers[this.head]! <= now - WINDOW_MS) this.head++;
    // Compact now and then, so the array holds about a minute of answers.
    if (this.head > 1024 && this.head * 2 > this.answers.length) {
      this.answers = this.answers.slice(this.head);
      this.head = 0;
    }
  }
}
