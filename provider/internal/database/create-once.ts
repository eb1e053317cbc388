import * as branches from "../api/branches";
import * as databases from "../api/databases";
import type { Database as ApiDatabase } from "../api/schemas";
import { OutcomeUnknownError, PlanetScaleError } from "../client/errors";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { createBody } from "../inputs/property-api";
import { judge } from "../ownership/judge";
import { otherStackClaim } from "../ownership/other-stacks";
import { claim } from "../ownership/run-registry";
import { AlreadyExistsError, ClaimedByStackError, OwnershipUnprovenError } from "../resource-errors";
import type { ResolvedDatabaseInputs } from "./outputs";
import { DATABASE_PROPERTIES } from "./properties";
import { findDatabase, KIND, ownerOf, where } from "./shared";

/**
 * POSTs the database, its body made by {@link DATABASE_PROPERTIES}. PlanetScale's "already taken"
 * answer is the atomic check that the name is free, so the happy path costs one request. When the
 * outcome is unknown (a timeout, a dropped connection, a 5xx or an unreadable 2xx after the
 * request was sent), the database may exist: it is looked up by name and taken only if it provably
 * is the one this request made (see {@link judge}: created no earlier than the request, by our
 * credential, which a database names through its default branch's `actor`); otherwise the create
 * stops with the ids and what resolves it. A lookup that finds nothing proves nothing was made
 * (names are unique), so the POST is tried again.
 */
export async function createOnce(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  stack: string | undefined,
): Promise<ApiDatabase> {
  const client = ctx.client();
  const body: databases.CreateDatabaseBody = createBody(DATABASE_PROPERTIES, inputs, Date.now());
  const attempts = 3;
  let unknownSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    try {
      const created = await databases.createDatabase(client, inputs.organization, body);
      claim(KIND, created.id, ownerOf(inputs));
      return created;
    } catch (error) {
      const unknown = error instanceof OutcomeUnknownError;
      if (unknown) {
        unknownSince ??= startedAt;
        ctx.log(
          `creating database ${where(inputs)}: the outcome is unknown (${error.message}); checking whether this request created it`,
        );
      }
      // After an unknown outcome, "already taken" may be our own earlier request, applied late.
      if (unknownSince !== undefined && (unknown || isTaken(error))) {
        const found = await findDatabase(client, inputs.organization, inputs.name);
        if (found) return takeIfOurs(ctx, inputs, found, unknownSince, error, stack);
        if (attempt < attempts) continue;
      }
      if (isTaken(error)) {
        throw new AlreadyExistsError(
          `database '${inputs.name}' already exists in ${inputs.organization}. To manage it with Pulumi set \`adopt: true\` on the Database (destroying the stack then deletes it); otherwise choose another name.`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/**
 * Returns the database found after an unknown outcome if it provably is the one our request made
 * (and claims it for this resource); throws {@link OwnershipUnprovenError} otherwise, touching
 * nothing. Its creator is its default branch's `actor` (the database object names none).
 */
async function takeIfOurs(
  ctx: ProviderContext,
  inputs: ResolvedDatabaseInputs,
  found: ApiDatabase,
  startedAt: number,
  original: unknown,
  stack: string | undefined,
): Promise<ApiDatabase> {
  const client = ctx.client();
  const main = await branches
    .getBranch(client, inputs.organization, found.name, found.default_branch ?? "main")
    .catch(() => undefined);
  const verdict = judge(
    client,
    KIND,
    { id: found.id, createdAt: found.created_at ?? "", actorId: main?.actor?.id },
    startedAt,
  );
  const lost = `creating database '${inputs.name}' of ${inputs.organization} (id ${found.id}): PlanetScale's answer was lost`;
  if (verdict.ours) {
    // This credential made it after our request; another stack sharing the credential may have.
    const query = { kind: "database", organization: inputs.organization, name: inputs.name } as const;
    const claimed = await otherStackClaim(ctx, query, found.id, stack);
    if ("unreadable" in claimed) {
      throw new OwnershipUnprovenError(
        `${lost}: it was created after this request by this credential, but whether another stack of this state backend holds it or is creating it could not be read (${claimed.unreadable}). ` +
          `Nothing was deleted or taken over. Check with ${claimed.check}; if none does, set \`adopt: true\` and run \`pulumi up\` again, otherwise choose another \`name\`.`,
        { cause: original },
      );
    }
    if (claimed.by !== undefined) {
      throw new ClaimedByStackError(
        `${lost}: ${claimed.by}, so it may be that stack's. Nothing was deleted or taken over. Give this stack's database another \`name\`.`,
        { cause: original },
      );
    }
    claim(KIND, found.id, ownerOf(inputs));
    ctx.log(`database ${where(inputs)} (id ${found.id}) was created by this request`);
    return found;
  }
  const fix =
    verdict.why === "claimed"
      ? "Two resources of one stack cannot manage one database: give one of them another `name`."
      : "Choose another `name`; or, if this stack is meant to manage that existing database, set `adopt: true` (destroying the stack then deletes it).";
  throw new OwnershipUnprovenError(
    `${lost}, and the database that exists now is not provably the one this request created: ${verdict.detail}. ` +
      `Nothing was deleted or taken over. ${fix}`,
    { cause: original },
  );
}

/** PlanetScale's answer to a name in use: 422 "Name has already been taken". */
function isTaken(error: unknown): boolean {
  return (
    error instanceof PlanetScaleError &&
    error.status === 422 &&
    /already|taken|exist/i.test(error.apiMessage ?? "")
  );
}
