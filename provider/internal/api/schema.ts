import type { PlanetScaleClient } from "../client/client";
import { LintError, SchemaEntries, type SchemaEntry } from "./deploy-request-schemas";
import { paginate } from "./pagination";
import { branchPath } from "./paths";

/** Each table of a branch's schema: its name and `CREATE TABLE` (`get_branch_schema`). */
export async function getBranchSchema(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  options: { keyspace?: string | undefined } = {},
): Promise<SchemaEntry[]> {
  const answer = await client.request({
    method: "GET",
    path: `${branchPath(organization, database, branch)}/schema`,
    query: { keyspace: options.keyspace },
    schema: SchemaEntries,
  });
  return answer.data;
}

/** The lint errors of a branch's schema (`lint_branch_schema`, all pages). */
export function lintBranchSchema(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
): AsyncIterableIterator<LintError> {
  return paginate(client, `${branchPath(organization, database, branch)}/schema/lint`, {
    itemSchema: LintError,
  });
}

/**
 * A branch's schema against its parent's, one entry per changed table with `+`/`-` lines
 * (`GET …/branches/{branch}/diff`: not in the spec; pscale's `branch diff`, planetscale-go's
 * `databaseBranchesService.Diff`).
 */
export async function getBranchDiff(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
): Promise<SchemaEntry[]> {
  const answer = await client.request({
    method: "GET",
    path: `${branchPath(organization, database, branch)}/diff`,
    schema: SchemaEntries,
  });
  return answer.data;
}
