import * as branches from "../api/branches";
import type { Branch as ApiBranch } from "../api/schemas";
import { OutcomeUnknownError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { createBody } from "../inputs/property-api";
import { judge } from "../ownership/judge";
import { claim } from "../ownership/run-registry";
import { AlreadyExistsError, ClaimedByStackError, OwnershipUnprovenError } from "../resource-errors";
import { otherStackClaim } from "./other-stacks";
import type { ResolvedBranchInputs } from "./outputs";
import { parentProblem } from "./parent";
import { BRANCH_PROPERTIES } from "./properties";
import { findBranch, KIND, ownerOf, where } from "./shared";

/**
 * POSTs the branch, its body made by {@link BRANCH_PROPERTIES}. PlanetScale's "already exists"
 * answer is the atomic check that the name is free, so the happy path costs one request. When the outcome is unknown (a timeout, a dropped
 * connection, a 5xx or an unreadable 2xx after the request was sent), the branch may exist: it is
 * looked up by name and taken only if it provably is the one this request made (see
 * {@link judge}); otherwise the create stops with the ids and what resolves it. A lookup that finds
 * nothing proves nothing was made (names are unique), so the POST is tried again.
 * The parent is not read beforehand: when PlanetScale refuses the POST, {@link parentProblem}
 * tells whether the parent is missing or not ready yet (then the POST is sent again once it is).
 */
export async function createOnce(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  deadline: number,
  stack: string | undefined,
): Promise<ApiBranch> {
  const client = ctx.client();
  const body: branches.CreateBranchBody = createBody(BRANCH_PROPERTIES, inputs, Date.now());
  const attempts = 3;
  // The first request whose outcome was unknown: what it made may be found by a later attempt.
  let unknownSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    try {
      const created = await branches.createBranch(client, inputs.organization, inputs.database, body);
      claim(KIND, created.id, ownerOf(inputs));
      return created;
    } catch (error) {
      const unknown = error instanceof OutcomeUnknownError;
      if (unknown) {
        unknownSince ??= startedAt;
        ctx.log(
          `creating branch ${inputs.name} of ${where(inputs)}: the outcome is unknown (${error.message}); checking whether this request created it`,
        );
      }
      // After an unknown outcome, "already exists" may be our own earlier request, applied late.
      if (unknownSince !== undefined && (unknown || isAlreadyExists(error))) {
        const found = await findBranch(client, inputs, inputs.name);
        if (found) return takeIfOurs(ctx, inputs, found, { startedAt: unknownSince, stack }, error);
        if (attempt < attempts) continue;
      } else if (isRefusal(error) && (await parentProblem(ctx, inputs, deadline, error)) === "now ready") {
        // A definite refusal created nothing: sending the POST again is safe.
        attempt--;
        continue;
      }
      throw await explainCreateError(ctx, error, inputs, stack);
    }
  }
}

/**
 * Returns the branch found after an unknown outcome if it provably is the one our request made
 * (and claims it for this resource); throws otherwise, touching nothing. Provably ours: {@link judge}
 * says so (created after our request, by our credential, not claimed in this run) and no other
 * stack of the state backend holds it or is creating a branch of this name (see `other-stacks`):
 * two stacks that share a credential and POST one name at once both pass `judge`.
 */
async function takeIfOurs(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  found: ApiBranch,
  request: { startedAt: number; stack: string | undefined },
  original: unknown,
): Promise<ApiBranch> {
  const subject = `branch '${inputs.name}' of ${where(inputs)} (id ${found.id})`;
  const lost = `creating ${subject}: PlanetScale's answer was lost, and the branch that exists now is not provably the one this request created`;
  const verdict = judge(
    ctx.client(),
    KIND,
    { id: found.id, createdAt: found.created_at, actorId: found.actor?.id },
    request.startedAt,
  );
  if (!verdict.ours) {
    const fix =
      verdict.why === "claimed"
        ? "Two resources of one stack cannot manage one branch: give one of them another `name`."
        : found.production
          ? "It is a production branch: choose another `name`."
          : "Choose another `name`; or, if this stack is meant to manage that existing branch, set `adopt: true` (destroying the stack then deletes it).";
    throw new OwnershipUnprovenError(
      `${lost}: ${verdict.detail}. Nothing was deleted or taken over. ${fix}`,
      { cause: original },
    );
  }
  const claimed = await otherStackClaim(ctx, inputs, found, request.stack);
  if ("unreadable" in claimed) {
    throw new OwnershipUnprovenError(
      `${lost}: it was created after this request by this credential, but whether another stack of this state backend holds it or is creating it could not be read (${claimed.unreadable}). ` +
        `Nothing was deleted or taken over. Check with ${claimed.check}; if none does, set \`adopt: true\` and run \`pulumi up\` again, otherwise choose another \`name\`.`,
      { cause: original },
    );
  }
  if (claimed.by !== undefined) {
    throw new ClaimedByStackError(
      `${lost}: ${claimed.by}, so it may be that stack's. Nothing was deleted or taken over. Give this stack's branch another \`name\` (e.g. one derived from \`pulumi.getStack()\`).`,
      { cause: original },
    );
  }
  claim(KIND, found.id, ownerOf(inputs));
  ctx.log(`branch ${inputs.name} of ${where(inputs)} (id ${found.id}) was created by this request`);
  return found;
}

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof PlanetScaleError &&
    error.status === 422 &&
    /already|taken|exist/i.test(error.apiMessage ?? "")
  );
}

/** A definite 4xx answer that may be about the parent (not the name being taken). */
function isRefusal(error: unknown): error is PlanetScaleError {
  return (
    error instanceof PlanetScaleError &&
    (error.status === 400 || error.status === 404 || error.status === 422) &&
    !isAlreadyExists(error)
  );
}

/**
 * Explains "already exists". `adopt: true` is only suggested when it can be right: never for a
 * production branch, nor for one another stack of the backend holds or is creating (named when
 * the backend can be read), nor for a branch of this same stack (refused at preview).
 */
async function explainCreateError(
  ctx: ProviderContext,
  error: unknown,
  inputs: ResolvedBranchInputs,
  stack: string | undefined,
): Promise<unknown> {
  if (!isAlreadyExists(error)) return error;
  const existing = await findBranch(ctx.client(), inputs, inputs.name).catch(() => undefined);
  const claimed = existing && !existing.production ? await otherStackClaim(ctx, inputs, existing, stack) : {};
  const taken = `branch '${inputs.name}' already exists in ${where(inputs)}${existing ? ` (id ${existing.id})` : ""}`;
  if ("by" in claimed && claimed.by !== undefined) {
    return new ClaimedByStackError(`${taken}: ${claimed.by}. Give this stack's branch another \`name\`.`, {
      cause: error,
    });
  }
  const fix = existing?.production
    ? "It is a production branch: choose another name."
    : "To manage the existing branch with Pulumi set `adopt: true`; otherwise choose another name.";
  return new AlreadyExistsError(`${taken}. ${fix}`, { cause: error });
}
