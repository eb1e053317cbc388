/**
 * Errors of the resources (Branch, BranchPassword, BranchRole, ApiToken) and functions, for the
 * cases a program or an operator tells apart: each has a stable `code`, keeps what caused it as
 * `cause`, and is recognised by `instanceof` across copies of the package (see
 * {@link PlanetScaleError}). The HTTP client's errors are in `client/errors.ts`.
 */
import { PlanetScaleError } from "./client/errors";

/**
 * An input is missing or wrong in a way `check` could not catch before: reading a resource by id
 * without its organization or database, an `expiresAt` that passed before create, a property the
 * database's kind (MySQL or Postgres) does not support. The message names the input and the fix.
 */
export class InvalidInputError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_INVALID_INPUT";
}

/**
 * PlanetScale holds an object that this resource cannot prove it created (it existed before,
 * belongs to another resource of the run, or several match), typically after a request whose
 * outcome was unknown. Nothing was deleted or adopted; the message names the ids and what resolves
 * it.
 */
export class OwnershipUnprovenError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_OWNERSHIP_UNPROVEN";
}

/**
 * The name is taken: a branch of that name already exists in the database. Set `adopt: true` to
 * manage it, or choose another name. Also an {@link OwnershipUnprovenError}.
 */
export class AlreadyExistsError extends OwnershipUnprovenError {
  static override readonly code: string = "PLANETSCALE_ALREADY_EXISTS";
}

/**
 * Another stack of the same state backend holds the object, or has a create of its name under way
 * or interrupted (two stacks that share a credential and create one name at once). Nothing was
 * deleted or taken over; the message names the stack and the ids. Give this stack's object another
 * name. Also an {@link OwnershipUnprovenError}.
 */
export class ClaimedByStackError extends OwnershipUnprovenError {
  static override readonly code: string = "PLANETSCALE_CLAIMED_BY_STACK";
}

/**
 * PlanetScale refused to delete a deletion-protected branch. Set `deletionProtected: false`, run
 * `pulumi up`, then destroy again.
 */
export class DeletionProtectedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_DELETION_PROTECTED";
}

/**
 * PlanetScale refused to delete a branch that has child branches. Set `deleteDescendants: true`,
 * run `pulumi up`, then destroy again; or delete the children first.
 */
export class HasChildBranchesError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_HAS_CHILD_BRANCHES";
}

/**
 * PlanetScale refused to delete a Postgres role (a `BranchRole`), typically because it still owns
 * objects (tables its connections created) that its `successor` could not take over. Pulumi keeps
 * the role in its state; the message names the role, the successor and the `pscale` commands that
 * reassign its objects and delete it, after which `pulumi destroy` goes on.
 */
export class RoleDropRefusedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_ROLE_DROP_REFUSED";
}

/**
 * A branch the resource depends on (a Branch's `parentBranch`, a credential's `branch`) does not
 * exist, or the credential cannot see it. Create it first or fix the input.
 */
export class BranchNotFoundError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_BRANCH_NOT_FOUND";
}

/**
 * The object a resource manages was deleted outside Pulumi or expired. Run `pulumi refresh`, then
 * `pulumi up` to create a new one.
 */
export class NoLongerExistsError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_NO_LONGER_EXISTS";
}

/**
 * PlanetScale accepted an ApiToken's grants but does not list some of them: the credential Pulumi
 * uses may only grant accesses it holds itself.
 */
export class GrantNotAppliedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_GRANT_NOT_APPLIED";
}

/**
 * The state names a resource kind this version of the package does not know (it was written by a
 * newer version): upgrade the package.
 */
export class UnknownResourceKindError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_UNKNOWN_RESOURCE_KIND";
}

/**
 * A branch did not become ready, or finish a resize or a settings change, within its
 * `readyTimeout`. PlanetScale still holds it and Pulumi has recorded it: run `pulumi up` again to
 * keep waiting, or raise `readyTimeout` (restores from large backups take longer).
 */
export class NotReadyError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_NOT_READY";

  /** PlanetScale's last answer for the object while waiting (its state is in the message). */
  readonly last: unknown;

  constructor(message: string, last: unknown) {
    super(message);
    this.last = last;
  }
}

/**
 * PlanetScale will not deploy a deploy request: it has lint errors or conflicts, needs an approving
 * review the database requires, is closed, or is still being checked. The message carries
 * PlanetScale's reason and the next step (fix the branch's schema and run `pulumi up`, approve it,
 * open a new one).
 */
export class NotDeployableError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_NOT_DEPLOYABLE";
}

/**
 * A `DeployRequest` with `deploy: true` would run operations that can drop data (a dropped table or
 * column, a changed column type) and `allowDataLoss` is not set: nothing was deployed. The message
 * lists the statements; set `allowDataLoss: true` once the loss is intended.
 */
export class DataLossRefusedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_DATA_LOSS_REFUSED";
}

/**
 * A deployment ended without its changes live: PlanetScale reported an error, or it was cancelled
 * or reverted outside Pulumi. The message carries PlanetScale's reason; the deploy request stays in
 * the state as it is.
 */
export class DeployFailedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_DEPLOY_FAILED";
}

/**
 * A deployment was still under way (queued, copying, waiting for its cut-over) at `deployTimeout`.
 * PlanetScale keeps deploying and Pulumi has recorded the deploy request: run `pulumi up` again to
 * keep waiting, or raise `deployTimeout`.
 */
export class DeployNotFinishedError extends PlanetScaleError {
  static override readonly code: string = "PLANETSCALE_DEPLOY_NOT_FINISHED";
}
