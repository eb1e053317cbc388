import type { ServiceToken } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, OutcomeUnknownError } from "../client/errors";
import { DEFAULT_LATE_CREATE_WAIT_MS } from "../client/settings";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { judge } from "../ownership/judge";
import {
  checkByHand,
  type OtherStacks,
  OtherStacksUnreadable,
  readOtherStacks,
} from "../ownership/other-stacks";
import { beginCreate, claim, othersInFlight } from "../ownership/run-registry";
import { ClaimedByStackError, OwnershipUnprovenError } from "../resource-errors";
import type { ResolvedApiTokenInputs } from "./outputs";
import { describe, KIND, message, ownerOf } from "./shared";

/** How many times a create whose outcome was unknown is tried, when cleaning up proved it safe. */
const CREATE_ATTEMPTS = 3;
/** Between two looks for a token whose create may be applied late. */
const LATE_CREATE_POLL_MS = 1_000;

/**
 * POSTs the token (`body`, as the property table makes it): one request on the happy path. When
 * the outcome is unknown the token may exist (now or a little later) with its secret lost: it is
 * found, proven to be ours, and deleted, and only once that is settled is the POST tried again.
 */
export async function createOnce(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  body: serviceTokens.CreateServiceTokenBody,
  stack: string | undefined,
): Promise<ServiceToken> {
  const key = `${inputs.organization}/${inputs.name}`;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    const done = beginCreate(key);
    try {
      const created = await serviceTokens.createServiceToken(client, inputs.organization, body);
      claim(KIND, created.id, ownerOf(inputs));
      return created;
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const cleanup = await cleanUpUnknownCreate(ctx, client, inputs, error, { startedAt, key, stack });
      if (!cleanup.safeToRetry || attempt >= CREATE_ATTEMPTS) throw cleanup.error;
      ctx.log(
        `${cleanup.error.message} Creating ${describe(inputs)} again (attempt ${attempt + 1} of ${CREATE_ATTEMPTS}).`,
      );
    } finally {
      done();
    }
  }
}

/** The request whose outcome is unknown: when it started, its run-registry key, the stack. */
interface LostRequest {
  startedAt: number;
  key: string;
  stack: string | undefined;
}

/**
 * The token POST may or may not have been applied, possibly a little later. If it was, the token
 * exists but its secret is lost, so it is useless to Pulumi: find it and delete it. A token is
 * taken as the one this request made only when {@link judge} proves it (created after the
 * request started, by our credential, not claimed by another resource of this run), no other
 * resource of this run is creating a token of the same name, and no other stack of the state
 * backend holds it or is creating a token of the same name (those stacks share the credential, so
 * `judge` cannot tell their tokens from ours); when nothing is found, PlanetScale is given
 * `planetscale:lateCreateWaitMs` to apply the request late before concluding that nothing was
 * made, and another stack's create under way that long to settle. Returns the error to throw;
 * never retries by itself.
 */
async function cleanUpUnknownCreate(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  original: OutcomeUnknownError,
  request: LostRequest,
): Promise<{ error: Error; safeToRetry: boolean }> {
  const what = describe(inputs);
  const waitMs = ctx.settings().lateCreateWaitMs ?? DEFAULT_LATE_CREATE_WAIT_MS;
  ctx.log(
    `creating ${what}: the outcome is unknown (${original.message}); looking for the token to delete it (for up to ${formatDuration(waitMs)}, in case PlanetScale applies it late)`,
  );
  const fail = (text: string, safeToRetry = false, Type = OwnershipUnprovenError) => ({
    error: new Type(`creating ${what} failed and PlanetScale's answer was lost. ${text}`, {
      cause: original,
    }),
    safeToRetry,
  });
  const query = { kind: "serviceToken", organization: inputs.organization, name: inputs.name };
  const deadline = Date.now() + waitMs;
  for (; ; await sleep(Math.min(LATE_CREATE_POLL_MS, Math.max(0, deadline - Date.now())))) {
    const waiting = Date.now() < deadline;
    let candidates: ServiceToken[] = [];
    try {
      for await (const token of serviceTokens.listServiceTokens(client, inputs.organization)) {
        if (token.name !== inputs.name) continue;
        const found = { id: token.id, createdAt: token.created_at, actorId: token.actor_id };
        if (judge(client, KIND, found, request.startedAt).ours) candidates.push(token);
      }
    } catch (error) {
      return fail(
        `Could not check whether the token was created (${message(error)}), so nothing was deleted: look for a service token named '${inputs.name}' ` +
          `created at ${new Date(request.startedAt).toISOString()} or later by this credential, delete it, then run \`pulumi up\` again.`,
      );
    }
    const busy = othersInFlight(request.key) > 0;
    if ((busy || candidates.length === 0) && waiting) continue;
    const ids = () => candidates.map((t) => t.id).join(", ");
    if (busy) {
      return fail(
        `Another resource of this stack is creating a token with the same name, so the new tokens${ids() ? ` (ids ${ids()})` : ""} cannot be told apart and none was deleted. ` +
          "Give each ApiToken its own `name`; then delete the tokens nothing uses and run `pulumi up` again.",
      );
    }
    if (candidates.length > 0) {
      // Tokens of other stacks (same credential) pass `judge` too: the backend tells them apart.
      let others: OtherStacks;
      try {
        others = await readOtherStacks(ctx, request.stack, Date.now());
      } catch (error) {
        if (!(error instanceof OtherStacksUnreadable)) throw error;
        return fail(
          `Whether the new token${candidates.length > 1 ? "s" : ""} (id ${ids()}) belong to another stack of this state backend could not be read (${error.message}), so none was deleted. ` +
            `Check with ${checkByHand(
              query,
              candidates.map((t) => t.id),
            )}; delete the ones no stack holds (pscale service-token delete <id> --org ${inputs.organization}), then run \`pulumi up\` again.`,
        );
      }
      const creating = others.creating(query);
      if (creating.length > 0) {
        if (waiting) continue;
        return fail(
          `Stack ${creating.join(", ")} of this state backend has a create of a token named '${inputs.name}' under way or interrupted, so the new tokens (ids ${ids()}) cannot be told apart and none was deleted. ` +
            "Give this stack's ApiToken another `name` (e.g. one derived from `pulumi.getStack()`); once that stack's run has ended, delete the tokens no stack holds.",
          false,
          ClaimedByStackError,
        );
      }
      candidates = candidates.filter((t) => others.holding(t.id).length === 0);
      if (candidates.length === 0 && waiting) continue;
    }
    const [only, ...more] = candidates;
    if (only === undefined) {
      return fail(
        `No token named '${inputs.name}' appeared within ${formatDuration(waitMs)} that another stack does not hold: nothing was created (raise planetscale:lateCreateWaitMs if PlanetScale applies requests later than that).`,
        true,
      );
    }
    if (more.length > 0) {
      return fail(
        `Several new tokens are named '${inputs.name}' (ids ${ids()}) and any of them may belong to someone else, so none was deleted: ` +
          "delete the ones nothing uses, then run `pulumi up` again.",
      );
    }
    try {
      await serviceTokens.deleteServiceToken(client, inputs.organization, only.id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        return fail(
          `The token was created (id ${only.id}) but its secret was lost, and deleting it failed (${message(error)}): ` +
            `delete it by hand (pscale service-token delete ${only.id} --org ${inputs.organization}), then run \`pulumi up\` again.`,
        );
      }
    }
    return fail(
      `The token had been created (id ${only.id}) but its secret was lost, so it was deleted.`,
      true,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
