import * as organizations from "../api/organizations";
import type { Database as ApiDatabase } from "../api/schemas";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError } from "../client/errors";
import { resolvedInputs } from "../inputs/props";
import { DatabaseInputs } from "./inputs";
import type { ResolvedDatabaseInputs } from "./outputs";

/** Registry and journal kind of databases (see `run-registry`, `journal`). */
export const KIND = "database";

/** The inputs after `check`, parsed again: `check` filled in the organization and the name. */
export function resolved(props: Record<string, unknown>): ResolvedDatabaseInputs {
  return resolvedInputs(DatabaseInputs, props, "Database");
}

/** How messages name a database: "acme/app". */
export function where(inputs: { organization: string; name: string }): string {
  return `${inputs.organization}/${inputs.name}`;
}

/** How other resources and messages refer to the resource managing this database. */
export function ownerOf(inputs: { organization: string; name: string }): string {
  return `the Database named '${inputs.name}' (${inputs.organization})`;
}

/** The database by name, or undefined when PlanetScale answers 404. */
export async function findDatabase(
  client: PlanetScaleClient,
  organization: string,
  name: string,
): Promise<ApiDatabase | undefined> {
  try {
    return await organizations.getDatabase(client, organization, name);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
