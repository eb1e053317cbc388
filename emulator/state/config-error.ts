/**
 * The emulator was started with something it cannot use: an option out of range, an invalid seed,
 * fault rules or state file. Thrown by `startEmulator` (and printed by the CLI) before it
 * listens; the message names the setting and what to change.
 */
export class EmulatorConfigError extends Error {
  /** Stable code, for programs that start the emulator and tell its errors apart. */
  readonly code = "EMULATOR_INVALID_CONFIG";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmulatorConfigError";
  }
}
