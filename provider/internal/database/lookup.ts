import * as databases from "../api/databases";
import type { Database as ApiDatabase } from "../api/schemas";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { findDatabase } from "./shared";

/**
 * The database with PlanetScale id `id`: looked up by its recorded `name` (one request), and, when
 * that name is gone or now belongs to another database, among the organization's databases (a
 * rename outside Pulumi keeps the id). Undefined when the organization's databases, as this
 * credential sees them, do not include it.
 */
export async function findById(
  ctx: ProviderContext,
  organization: string,
  id: string,
  name: string | undefined,
): Promise<ApiDatabase | undefined> {
  const client = ctx.client();
  if (name) {
    const byName = await findDatabase(client, organization, name);
    if (byName?.id === id) return byName;
  }
  for await (const database of databases.listDatabases(client, organization)) {
    if (database.id === id) {
      if (name && database.name !== name) {
        ctx.log(`database ${organization}/${name} (id ${id}) was renamed outside Pulumi to ${database.name}`);
      }
      return database;
    }
  }
  return undefined;
}
