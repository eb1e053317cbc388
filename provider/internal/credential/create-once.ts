import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, OutcomeUnknownError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { OwnershipUnprovenError } from "../resource-errors";
import type { CredentialFlavor, RemoteCredential } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";
import { message } from "./shared";

/**
 * Ids of the credentials this provider process created. One dynamic-provider host serves every
 * resource of a run, so a credential another resource of the run created (possibly with the same
 * name) is never mistaken for the answer of a lost create.
 */
const createdHere = new Set<string>();

/** Remembers a credential this process created. */
function recordCreated(id: string): void {
  createdHere.add(id);
}

/**
 * Clock skew allowed between this machine and PlanetScale when the baseline listing failed and
 * the creation time is all there is to go by.
 */
const CLOCK_SKEW_MS = 2_000;

/** How many times a create whose outcome was unknown is tried, when cleaning up proved it safe. */
const CREATE_ATTEMPTS = 3;

/** Where a credential lives, for lookups and messages. */
export interface CredentialPlace {
  flavor: CredentialFlavor;
  inputs: ResolvedCredentialInputs;
  branchId: string;
  branchName: string;
}

function describe(place: CredentialPlace, id?: string): string {
  const { inputs, flavor } = place;
  return `${flavor.noun} '${inputs.name}'${id ? ` (id ${id})` : ""} of branch ${place.branchName} in ${inputs.organization}/${inputs.database}`;
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
 * the credential may exist with its plaintext lost. The candidates are those with our name that
 * were not there before the request (by the baseline listing, or failing that created at or after
 * the request's start less {@link CLOCK_SKEW_MS}) and that no other resource of this process
 * created. Exactly one: it is ours, useless without its plaintext, so it is deleted and the create
 * is tried again. None: nothing was created, try again. Several: stop, naming them.
 */
export async function createOnce(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  place: CredentialPlace,
): Promise<RemoteCredential> {
  const baseline = await idsNamed(client, place);
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    try {
      const created = await place.flavor.create(client, place.inputs, place.branchId);
      recordCreated(created.id);
      return created;
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const cleanup = await cleanUpUnknownCreate(ctx, client, place, error, baseline, startedAt);
      if (!cleanup.safeToRetry || attempt >= CREATE_ATTEMPTS) throw cleanup.error;
      ctx.log(`creating ${describe(place)} again (attempt ${attempt + 1} of ${CREATE_ATTEMPTS})`);
    }
  }
}

/** Finds and deletes what a lost create left behind; returns the error to throw if not retrying. */
async function cleanUpUnknownCreate(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  place: CredentialPlace,
  original: OutcomeUnknownError,
  baseline: Set<string> | undefined,
  startedAt: number,
): Promise<{ error: Error; safeToRetry: boolean }> {
  const { flavor, inputs } = place;
  const what = describe(place);
  ctx.log(`creating ${what}: the outcome is unknown (${original.message}); looking for it`);
  const fail = (text: string, safeToRetry = false) => ({
    error: new OwnershipUnprovenError(`creating ${what} failed and PlanetScale's answer was lost. ${text}`, {
      cause: original,
    }),
    safeToRetry,
  });
  const candidates: RemoteCredential[] = [];
  try {
    for await (const c of flavor.list(client, inputs.organization, inputs.database, place.branchId)) {
      if (c.name !== inputs.name || createdHere.has(c.id)) continue;
      if (baseline ? baseline.has(c.id) : Date.parse(c.createdAt) < startedAt - CLOCK_SKEW_MS) continue;
      candidates.push(c);
    }
  } catch (error) {
    return fail(
      `Could not check whether the ${flavor.noun} was created (${message(error)}): look for a ${flavor.noun} named ` +
        `'${inputs.name}' on branch ${place.branchName} created just now and delete it, then run \`pulumi up\` again.`,
    );
  }
  const [only, ...others] = candidates;
  if (only === undefined) return fail(`No such ${flavor.noun} exists: nothing was created.`, true);
  if (others.length > 0) {
    return fail(
      `Several new ${flavor.noun}s are named '${inputs.name}' (ids ${candidates.map((c) => c.id).join(", ")}), so none ` +
        "was deleted: delete the ones nothing uses (" +
        candidates
          .map((c) => flavor.deleteCommand(inputs.organization, inputs.database, place.branchName, c.id))
          .join("; ") +
        "), then run `pulumi up` again.",
    );
  }
  try {
    await flavor.remove(client, inputs.organization, inputs.database, place.branchId, only.id);
  } catch (error) {
    if (!(error instanceof NotFoundError)) {
      return fail(
        `The ${flavor.noun} was created (id ${only.id}) but its plaintext was lost, and deleting it failed (${message(error)}): ` +
          `delete it by hand (${flavor.deleteCommand(inputs.organization, inputs.database, place.branchName, only.id)}), then run \`pulumi up\` again.`,
      );
    }
  }
  return fail(
    `The ${flavor.noun} had been created (id ${only.id}) but its plaintext was lost, so it was deleted.`,
    true,
  );
}
