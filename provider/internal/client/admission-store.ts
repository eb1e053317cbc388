import { type AdmissionState, FREE_ADMISSION } from "./admission";

/** Where an {@link AdmissionState} lives: this process only, or a file every process shares. */
export interface AdmissionStore {
  /** The state as last seen; may be a few ms old (the fast path, while admission is free). */
  read(monotonicNow: number): AdmissionState;
  /**
   * Reads the current state, applies `change` and stores what it returns (if anything), as one step
   * no other user of the store can interleave with. Returns `change`'s result.
   */
  update<T>(change: (state: AdmissionState) => { state?: AdmissionState | undefined; result: T }): T;
}

/** An {@link AdmissionStore} for this process alone. */
export class MemoryAdmissionStore implements AdmissionStore {
  private state: AdmissionState = FREE_ADMISSION;

  read(): AdmissionState {
    return this.state;
  }

  update<T>(change: (state: AdmissionState) => { state?: AdmissionState | undefined; result: T }): T {
    const { state, result } = change(this.state);
    if (state) this.state = state;
    return result;
  }
}
