import type { ProviderContext } from "../dynamic/resource-implementation";
import { databaseKind, kindName } from "../preflight/database-kind";
import type { CredentialFlavor } from "./flavor";

/**
 * Why the database does not take this kind of credential (a password on Postgres, a role on
 * MySQL), naming its kind and the resource to use instead; undefined when it does. Asks PlanetScale
 * for the kind once per database per process.
 */
export async function wrongKind(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  organization: string,
  database: string,
): Promise<string | undefined> {
  const kind = await databaseKind(ctx, organization, database, {
    property: "database",
    accesses: flavor.accesses,
  });
  if (kind === flavor.kind) return undefined;
  return (
    `database '${database}' of ${organization} is a ${kindName(kind)} database, and ${flavor.resource} only exists on ` +
    `${kindName(flavor.kind)} databases: use ${flavor.otherResource} for ${kindName(kind)} databases`
  );
}
