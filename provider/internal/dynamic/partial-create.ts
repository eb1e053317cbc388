/**
 * Thrown from `create` when the remote object exists but did not finish (e.g. a branch that was
 * not ready in time). The dynamic-provider host turns an error carrying `id`, `properties` and
 * `reasons` into "created but failed to initialize": Pulumi records the object instead of
 * forgetting it, and the next `pulumi up` resumes through `update`.
 */
export class PartialCreateError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(message: string, id: string, properties: Record<string, unknown>) {
    super(message);
    this.name = "PartialCreateError";
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}
