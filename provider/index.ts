/**
 * Pulumi resources for PlanetScale: {@link Database}s with their settings, their {@link Branch}es,
 * the branches' connection credentials
 * ({@link BranchPassword} on MySQL, {@link BranchRole} on Postgres), scoped, expiring
 * {@link ApiToken}s, {@link DeployRequest}s (a branch's schema changes on their way to production),
 * plus {@link getBranches} / {@link getBranch}, {@link getBranchSchema} / {@link lintBranchSchema}
 * and {@link getDeployRequest} for programs.
 *
 * Credentials come from Pulumi config (`planetscale:serviceTokenId` + secret
 * `planetscale:serviceToken`, or secret `planetscale:accessToken`) or `PLANETSCALE_*` env vars.
 *
 * @module pulumi-planetscale
 */

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
  type PlanetScaleErrorClass,
  type PlanetScaleErrorDetails,
  type PlanetScaleErrorJSON,
  RateLimitError,
  RedirectError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  UnprocessableEntityError,
} from "./internal/client/errors";
export {
  AlreadyExistsError,
  BranchNotFoundError,
  ClaimedByStackError,
  DataLossRefusedError,
  DeletionProtectedError,
  DeployFailedError,
  DeployNotFinishedError,
  GrantNotAppliedError,
  HasChildBranchesError,
  InvalidInputError,
  NoLongerExistsError,
  NotDeployableError,
  NotReadyError,
  OwnershipUnprovenError,
  RoleDropRefusedError,
  UnknownResourceKindError,
} from "./internal/resource-errors";
export { ApiToken, type ApiTokenArgs, type ApiTokenGrant, type ApiTokenScope } from "./resources/api-token";
export { Branch, type BranchArgs } from "./resources/branch";
export { BranchCredential, type BranchCredentialArgs } from "./resources/branch-credential";
export {
  BranchPassword,
  type BranchPasswordArgs,
  type BranchPasswordRole,
} from "./resources/branch-password";
export {
  BranchRole,
  type BranchRoleArgs,
  type BranchRoleInheritedRole,
  type BranchRoleQuerySafety,
} from "./resources/branch-role";
export type { BranchInput } from "./resources/credential-args";
export { Database, type DatabaseArgs } from "./resources/database";
export {
  type DeployOperationInfo,
  DeployRequest,
  type DeployRequestArgs,
} from "./resources/deploy-request";
export {
  type BranchInfo,
  type BranchSchemaArgs,
  type BranchSchemaTable,
  type DeployRequestInfo,
  type GetBranchArgs,
  type GetBranchesArgs,
  type GetDeployRequestArgs,
  getBranch,
  getBranches,
  getBranchSchema,
  getDeployRequest,
  lintBranchSchema,
  type SchemaLintError,
} from "./resources/functions";
