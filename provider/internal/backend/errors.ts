/**
 * Errors of reading a Pulumi state backend through the Pulumi CLI (`recover`, `sweep`, and the
 * provider's own ownership checks). Each has a stable `code`; none carries a backend credential.
 */
import { PlanetScaleError } from "../client/errors";

/** The `pulumi` command could not be started: it is not on `PATH` (or not at the path given). */
export class PulumiCliMissingError extends PlanetScaleError {
  static override readonly code: string = "PULUMI_CLI_MISSING";
}

/** A `pulumi` command failed; the message quotes the command and its error output, redacted. */
export class PulumiCliError extends PlanetScaleError {
  static override readonly code: string = "PULUMI_CLI_FAILED";
}
