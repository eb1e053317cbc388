/** The PlanetScale REST client: public surface of `provider/internal/client`. */

export { type ClientOptions, type HttpMethod, PlanetScaleClient, type RequestOptions } from "./client";
export { credentialFingerprint } from "./credential-key";
export { closeSharedDispatcher, getSharedDispatcher } from "./dispatcher";
export * from "./errors";
export { getRateLimitGate, RateLimitGate } from "./rate-limit-gate";
export { DEFAULT_BURST_FRACTION, getRateLimiter, RateLimiter } from "./rate-limiter";
export { REDACTED, redactText } from "./redact";
export { closeAllClients, getClient } from "./registry";
export {
  type BackoffPolicy,
  backoffDelay,
  type ConnectionFailure,
  classifyConnectionFailure,
  DEFAULT_BACKOFF,
  retryAfterDelay,
} from "./retry";
export * from "./settings";
export { errorForStatus, type StatusRule, statusRule } from "./statuses";
export { packageVersion, userAgent } from "./version";
