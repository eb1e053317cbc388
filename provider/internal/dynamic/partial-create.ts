import { PlanetScaleError, type PlanetScaleErrorDetails } from "../client/errors";

/**
 * Thrown from `create` when the remote object exists but did not finish (e.g. a branch that was
 * not ready in time). The dynamic-provider host turns an error carrying `id`, `properties` and
 * `reasons` into "created but failed to initialize": Pulumi records the object instead of
 * forgetting it, and the next `pulumi up` resumes through `update`. It reaches the host only,
 * never a program, so it is not exported.
 */
export class PartialCreateError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_PARTIAL_CREATE";

  /** The id of the object PlanetScale holds, which Pulumi records. */
  readonly id: string;
  /** The outputs Pulumi records with it (the serialized provider included). */
  readonly properties: Record<string, unknown>;

  constructor(
    message: string,
    id: string,
    properties: Record<string, unknown>,
    details: PlanetScaleErrorDetails = {},
  ) {
    super(message, details);
    this.id = id;
    this.properties = properties;
  }

  /** What the engine shows as the initialization failure: the message, causes included. */
  get reasons(): string[] {
    return [this.message];
  }
}
