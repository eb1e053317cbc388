/**
 * Pulumi resources for PlanetScale: database {@link Branch}es and scoped, expiring
 * {@link ApiToken}s, plus {@link getBranches} / {@link getBranch} for programs.
 *
 * Credentials come from Pulumi config (`planetscale:serviceTokenId` + secret
 * `planetscale:serviceToken`, or secret `planetscale:accessToken`) or `PLANETSCALE_*` env vars.
 *
 * @packageDocumentation
 */
export { ApiToken, type ApiTokenArgs } from "./api-token";
export { Branch, type BranchArgs } from "./branch";
export {
  type BranchInfo,
  type GetBranchArgs,
  type GetBranchesArgs,
  getBranch,
  getBranches,
} from "./functions";
export {
  BadRequestError,
  ConflictError,
  ConnectionError,
  ForbiddenError,
  InvalidSettingsError,
  MissingCredentialsError,
  NotFoundError,
  OutcomeUnknownError,
  PermissionDeniedError,
  PlanetScaleError,
  RateLimitError,
  RedirectError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  UnprocessableEntityError,
} from "./internal/client/errors";
