import type { ServiceToken } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, OutcomeUnknownError } from "../client/errors";
import { DEFAULT_LATE_CREATE_WAIT_MS } from "../client/settings";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { formatDuration } from "../inputs/duration";
import { judge } from "../ownership/judge";
import { beginCreate, claim, othersInFlight } from "../ownership/run-registry";
import { OwnershipUnprovenError } from "../resource-errors";
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
      const cleanup = await cleanUpUnknownCreate(ctx, client, inputs, error, startedAt, key);
      if (!cleanup.safeToRetry || attempt >= CREATE_ATTEMPTS) throw cleanup.error;
      ctx.log(
        `${cleanup.error.message} Creating ${describe(inputs)} again (attempt ${attempt + 1} of ${CREATE_ATTEMPTS}).`,
      );
    } finally {
      done();
    }
  }
}

/**
 * The token POST may or may not have been applied, possibly a little later. If it was, the token
 * exists but its secret is lost, so it is useless to Pulumi: find it and delete it. A token is
 * taken as the one this request made only when {@link judge} proves it (created after the
 * request started, by our credential, not claimed by another resource of this run) and no other
 * resource of this run is creating a token of the same name; when nothing is found, PlanetScale is
 * given `planetscale:lateCreateWaitMs` to apply the request late before concluding that nothing was
 * made. Returns the error to throw; never retries by itself.
 */
async function cleanUpUnknownCreate(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  original: OutcomeUnknownError,
  startedAt: number,
  key: string,
): Promise<{ error: Error; safeToRetry: boolean }> {
  const what = describe(inputs);
  const waitMs = ctx.settings().lateCreateWaitMs ?? DEFAULT_LATE_CREATE_WAIT_MS;
  ctx.log(
    `creating ${what}: the outcome is unknown (${original.message}); looking for the token to delete it (for up to ${formatDuration(waitMs)}, in case PlanetScale applies it late)`,
  );
  const fail = (text: string, safeToRetry = false) => ({
    error: new OwnershipUnprovenError(`creating ${what} failed and PlanetScale's answer was lost. ${text}`, {
      cause: original,
    }),
    safeToRetry,
  });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const candidates: ServiceToken[] = [];
    try {
      for await (const token of serviceTokens.listServiceTokens(client, inputs.organization)) {
        if (token.name !== inputs.name) continue;
        const found = { id: token.id, createdAt: token.created_at, actorId: token.actor_id };
        if (judge(client, KIND, found, startedAt).ours) candidates.push(token);
      }
    } catch (error) {
      return fail(
        `Could not check whether the token was created (${message(error)}), so nothing was deleted: look for a service token named '${inputs.name}' ` +
          `created at ${new Date(startedAt).toISOString()} or later by this credential, delete it, then run \`pulumi up\` again.`,
      );
    }
    const ids = candidates.map((t) => t.id).join(", ");
    const busy = othersInFlight(key) > 0;
    const waiting = Date.now() < deadline;
    if ((busy || candidates.length === 0) && waiting) {
      await sleep(Math.min(LATE_CREATE_POLL_MS, Math.max(0, deadline - Date.now())));
      continue;
    }
    if (busy) {
      return fail(
        `Another resource of this stack is creating a token with the same name, so the new tokens${ids ? ` (ids ${ids})` : ""} cannot be told apart and none was deleted. ` +
          "Give each ApiToken its own `name`; then delete the tokens nothing uses and run `pulumi up` again.",
      );
    }
    const [only, ...others] = candidates;
    if (only === undefined) {
      return fail(
        `No token named '${inputs.name}' appeared within ${formatDuration(waitMs)}: nothing was created (raise planetscale:lateCreateWaitMs if PlanetScale applies requests later than that).`,
        true,
      );
    }
    if (others.length > 0) {
      return fail(
        `Several new tokens are named '${inputs.name}' (ids ${ids}) and any of them may belong to someone else, so none was deleted: ` +
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
