import * as organizations from "../api/organizations";
import type { Database } from "../api/schemas";
import type { PlanetScaleClient } from "../client/client";
import {
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  type PlanetScaleError,
  TimeoutError,
  UnauthorizedError,
} from "../client/errors";
import { ConfigKeys, EnvVars } from "../client/settings";

/**
 * Checks made at `check` time (so `pulumi preview` fails, not only `pulumi up`), one per client
 * (credential and API URL) and scope, per process: the dynamic-provider host serves every resource
 * of a run, so a stack of fifty branches of one database costs one call. Failures are kept too:
 * they are answers about the credential, not transient faults (the client has retried those).
 */
const verified = new WeakMap<PlanetScaleClient, Map<string, Promise<unknown>>>();

function once<T>(client: PlanetScaleClient, scope: string, probe: () => Promise<T>): Promise<T> {
  let byScope = verified.get(client);
  if (!byScope) {
    byScope = new Map();
    verified.set(client, byScope);
  }
  let result = byScope.get(scope) as Promise<T> | undefined;
  if (!result) {
    result = probe();
    // Callers that lose the race still see the rejection; this only silences the cached copy.
    result.catch(() => {});
    byScope.set(scope, result);
  }
  return result;
}

const CREDENTIAL_FIX =
  `check the service token: \`pulumi config set ${ConfigKeys.serviceTokenId} <id>\` and ` +
  `\`pulumi config set --secret ${ConfigKeys.serviceToken} <token>\` (or ${EnvVars.serviceTokenId} / ${EnvVars.serviceToken})`;

/** The same error class with a message that says what to fix. */
function explain(error: unknown, client: PlanetScaleClient, subject: string): unknown {
  if (
    !(error instanceof UnauthorizedError || error instanceof ConnectionError || error instanceof TimeoutError)
  )
    return error;
  const details = { ...detailsOf(error), cause: error };
  if (error instanceof UnauthorizedError) {
    return new UnauthorizedError(
      `PlanetScale rejected the credential while checking ${subject}: it is wrong, expired or deleted. To fix it, ${CREDENTIAL_FIX}.`,
      details,
    );
  }
  const Class = error instanceof TimeoutError ? TimeoutError : ConnectionError;
  return new Class(
    `cannot reach PlanetScale at ${client.settings.apiUrl} while checking ${subject}. Check ${ConfigKeys.apiUrl} (or ${EnvVars.apiUrl}) and the network.`,
    details,
  );
}

function detailsOf(error: PlanetScaleError) {
  return {
    method: error.method,
    path: error.path,
    status: error.status,
    apiCode: error.apiCode,
    apiMessage: error.apiMessage,
    retries: error.retries,
    requestId: error.requestId,
  };
}

/**
 * Proves the credential is valid and can see `organization` (`GET /organizations/{org}`, which any
 * credential of the organization may call).
 */
export function verifyOrganization(client: PlanetScaleClient, organization: string): Promise<void> {
  const subject = `organization "${organization}"`;
  return once(client, organization, async () => {
    try {
      await organizations.getOrganization(client, organization);
    } catch (error) {
      if (error instanceof PermissionDeniedError || !isNotFound(error)) throw explain(error, client, subject);
      throw new PermissionDeniedError(
        `organization "${organization}" was not found with this credential. PlanetScale answers 404 both when an ` +
          "organization does not exist and when the token has no access to it. Fix the resource's `organization` or " +
          `\`${ConfigKeys.organization}\`, or use a service token of that organization (${CREDENTIAL_FIX}).`,
        { ...detailsOf(error), organization, cause: error },
      );
    }
  });
}

/** What the resource does with a database, to name the input and the accesses in a message. */
export interface DatabaseUse {
  /** The input that named the database, e.g. `database` or `databases`. */
  property: string;
  /** What the credential needs on it, e.g. `for branches: read_branch, …`. */
  accesses: string;
}

/** A branch's use of its database. */
const BRANCH_USE: DatabaseUse = {
  property: "database",
  accesses: "for branches: read_branch, create_branch, delete_branch",
};

/**
 * Proves the credential can see `organization/database` (`GET …/databases/{db}`) and answers the
 * database, so other per-database facts (its kind) come from the same one call. On a 404 the
 * organization is checked too, so the message says which of the two is wrong. The cache is per
 * database and credential, whichever resource asks; `use` names the input in the message.
 */
export async function verifyDatabase(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  use: DatabaseUse = BRANCH_USE,
): Promise<Database> {
  const subject = `database ${organization}/${database}`;
  try {
    // The answer is cached, the message is not: each resource names its own input.
    return await once(client, `${organization}/${database}`, () =>
      organizations.getDatabase(client, organization, database),
    );
  } catch (error) {
    if (!isNotFound(error)) throw explain(error, client, subject);
    await verifyOrganization(client, organization);
    throw new PermissionDeniedError(
      `database "${database}" was not found in organization "${organization}" with this credential. PlanetScale answers ` +
        "404 both when a database does not exist and when the service token lacks access to it. Check the resource's " +
        `\`${use.property}\`, or grant the token access to ${organization}/${database} (${use.accesses}).`,
      { ...detailsOf(error), organization, cause: error },
    );
  }
}

function isNotFound(error: unknown): error is NotFoundError {
  return error instanceof NotFoundError;
}
