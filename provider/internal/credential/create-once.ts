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
  type SubjectQuery,
} from "../ownership/other-stacks";
import { beginCreate, claim, othersInFlight } from "../ownership/run-registry";
import { ClaimedByStackError, OwnershipUnprovenError } from "../resource-errors";
import type { CredentialFlavor, RemoteCredential } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";
import { message } from "./shared";

/** How many times a create whose outcome was unknown is tried, when cleaning up proved it safe. */
const CREATE_ATTEMPTS = 3;
/** Between two looks for a credential whose create may be applied late. */
const LATE_CREATE_POLL_MS = 1_000;

/** Where a credential lives, for lookups and messages. */
export interface CredentialPlace {
  flavor: CredentialFlavor;
  inputs: ResolvedCredentialInputs;
  branchId: string;
  branchName: string;
  /** The stack the resource belongs to (its `__stack` input), for the state backend's evidence. */
  stack: string | undefined;
}

function describe(place: CredentialPlace, id?: string): string {
  const { inputs, flavor } = place;
  return `${flavor.noun} '${inputs.name}'${id ? ` (id ${id})` : ""} of branch ${place.branchName} in ${inputs.organization}/${inputs.database}`;
}

/** The run-registry kind of the flavor's credentials (`password`, `role`). */
function kindOf(place: CredentialPlace): string {
  return place.flavor.noun;
}

/** How a pending create of any stack names this credential (its branch by name, id or as given). */
function queryOf(place: CredentialPlace): SubjectQuery {
  const { inputs } = place;
  return {
    kind: kindOf(place),
    organization: inputs.organization,
    database: inputs.database,
    branch: [...new Set([place.branchName, place.branchId, inputs.branch])],
    name: inputs.name,
  };
}

/** Ids of the credentials with this name before creating one: whatever appears later may be ours. */
async function idsNamed(client: PlanetScaleClient, place: CredentialPlace): Promise<Set<string> | undefined> {
  const { flavor, inputs } = place;
  try {
    const ids = new Set<string>();
    for await (const c of flavor.list(client, inputs.organization, inputs.database, place.branchId)) {
      if (c.name === inputs.name) ids.add(c.id);
    }
    return ids;
  } catch {
    return undefined;
  }
}

/**
 * Creates the credential. Passwords' and roles' names are not unique and nothing takes an
 * idempotency key, so after an unknown outcome (timeout, dropped connection, 5xx, unreadable 2xx)
 * the credential may exist with its plaintext lost, or appear a little later. A credential is
 * taken as the one this request made only when it has our name, was not there before the request
 * (by the baseline listing), {@link judge} proves it (created after the request, by our credential,
 * not claimed by another resource of this run), and no other stack of the state backend holds it
 * or is creating one of that name on that branch. Exactly one: it is ours, useless without its
 * plaintext, so it is deleted and the create is tried again. None within
 * `planetscale:lateCreateWaitMs`: nothing was created, try again. Anything else stops, naming them.
 */
export async function createOnce(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  place: CredentialPlace,
): Promise<RemoteCredential> {
  const baseline = await idsNamed(client, place);
  const { inputs } = place;
  const key = `${kindOf(place)} ${inputs.organization}/${inputs.database}/${place.branchId}/${inputs.name}`;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    const done = beginCreate(key);
    try {
      const created = await place.flavor.create(client, place.inputs, place.branchId);
      claim(kindOf(place), created.id, describe(place));
      return created;
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const cleanup = await cleanUpUnknownCreate(ctx, client, place, error, { baseline, startedAt, key });
      if (!cleanup.safeToRetry || attempt >= CREATE_ATTEMPTS) throw cleanup.error;
      ctx.log(`${cleanup.error.message} Creating it again (attempt ${attempt + 1} of ${CREATE_ATTEMPTS}).`);
    } finally {
      done();
    }
  }
}

/** The request whose outcome is unknown. */
interface LostRequest {
  /** The credentials of this name before the first request; undefined when they could not be listed. */
  baseline: Set<string> | undefined;
  startedAt: number;
  /** Its run-registry key: a sibling creating the same name makes the candidates indistinguishable. */
  key: string;
}

/** Finds and deletes what a lost create left behind; returns the error to throw if not retrying. */
async function cleanUpUnknownCreate(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  place: CredentialPlace,
  original: OutcomeUnknownError,
  request: LostRequest,
): Promise<{ error: Error; safeToRetry: boolean }> {
  const { flavor, inputs } = place;
  const what = describe(place);
  const waitMs = ctx.settings().lateCreateWaitMs ?? DEFAULT_LATE_CREATE_WAIT_MS;
  ctx.log(
    `creating ${what}: the outcome is unknown (${original.message}); looking for it (for up to ${formatDuration(waitMs)}, in case PlanetScale applies it late)`,
  );
  const fail = (text: string, safeToRetry = false, Type = OwnershipUnprovenError) => ({
    error: new Type(`creating ${what} failed and PlanetScale's answer was lost. ${text}`, {
      cause: original,
    }),
    safeToRetry,
  });
  const deleteCommands = (candidates: RemoteCredential[]) =>
    candidates
      .map((c) => flavor.deleteCommand(inputs.organization, inputs.database, place.branchName, c.id))
      .join("; ");
  const deadline = Date.now() + waitMs;
  for (; ; await sleep(Math.min(LATE_CREATE_POLL_MS, Math.max(0, deadline - Date.now())))) {
    const waiting = Date.now() < deadline;
    let candidates: RemoteCredential[] = [];
    try {
      for await (const c of flavor.list(client, inputs.organization, inputs.database, place.branchId)) {
        if (c.name !== inputs.name || request.baseline?.has(c.id)) continue;
        const found = { id: c.id, createdAt: c.createdAt, actorId: c.actorId };
        if (judge(client, kindOf(place), found, request.startedAt).ours) candidates.push(c);
      }
    } catch (error) {
      return fail(
        `Could not check whether the ${flavor.noun} was created (${message(error)}): look for a ${flavor.noun} named ` +
          `'${inputs.name}' on branch ${place.branchName} created at ${new Date(request.startedAt).toISOString()} or later and delete it, then run \`pulumi up\` again.`,
      );
    }
    const busy = othersInFlight(request.key) > 0;
    if ((busy || candidates.length === 0) && waiting) continue;
    const ids = () => candidates.map((c) => c.id).join(", ");
    if (busy) {
      return fail(
        `Another resource of this stack is creating a ${flavor.noun} of the same name on this branch, so the new ones${candidates.length > 0 ? ` (ids ${ids()})` : ""} cannot be told apart and none was deleted. ` +
          `Give each its own \`name\`; then delete the ones nothing uses (${deleteCommands(candidates) || "none yet"}) and run \`pulumi up\` again.`,
      );
    }
    if (candidates.length > 0) {
      // Credentials of other stacks (same credential) pass `judge` too: the backend tells them apart.
      let others: OtherStacks;
      try {
        others = await readOtherStacks(ctx, place.stack, Date.now());
      } catch (error) {
        if (!(error instanceof OtherStacksUnreadable)) throw error;
        return fail(
          `Whether the new ${flavor.noun}${candidates.length > 1 ? "s" : ""} (id ${ids()}) belong to another stack of this state backend could not be read (${error.message}), so none was deleted. ` +
            `Check with ${checkByHand(
              queryOf(place),
              candidates.map((c) => c.id),
            )}; delete the ones no stack holds (${deleteCommands(candidates)}), then run \`pulumi up\` again.`,
        );
      }
      const creating = others.creating(queryOf(place));
      if (creating.length > 0) {
        if (waiting) continue;
        return fail(
          `Stack ${creating.join(", ")} of this state backend has a create of a ${flavor.noun} named '${inputs.name}' on this branch under way or interrupted, so the new ones (ids ${ids()}) cannot be told apart and none was deleted. ` +
            `Give this stack's ${flavor.resource} another \`name\` (e.g. one derived from \`pulumi.getStack()\`); once that stack's run has ended, delete the ones no stack holds (${deleteCommands(candidates)}).`,
          false,
          ClaimedByStackError,
        );
      }
      candidates = candidates.filter((c) => others.holding(c.id).length === 0);
      if (candidates.length === 0 && waiting) continue;
    }
    const [only, ...more] = candidates;
    if (only === undefined) {
      return fail(
        `No ${flavor.noun} named '${inputs.name}' appeared within ${formatDuration(waitMs)} that another stack does not hold: nothing was created (raise planetscale:lateCreateWaitMs if PlanetScale applies requests later than that).`,
        true,
      );
    }
    if (more.length > 0) {
      return fail(
        `Several new ${flavor.noun}s are named '${inputs.name}' (ids ${ids()}), so none was deleted: delete the ones nothing uses (${deleteCommands(candidates)}), then run \`pulumi up\` again.`,
      );
    }
    try {
      await flavor.remove(client, inputs.organization, inputs.database, place.branchId, only.id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        return fail(
          `The ${flavor.noun} was created (id ${only.id}) but its plaintext was lost, and deleting it failed (${message(error)}): ` +
            `delete it by hand (${deleteCommands([only])}), then run \`pulumi up\` again.`,
        );
      }
    }
    return fail(
      `The ${flavor.noun} had been created (id ${only.id}) but its plaintext was lost, so it was deleted.`,
      true,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
