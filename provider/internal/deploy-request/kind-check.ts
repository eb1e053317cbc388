import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { isUnknown } from "../inputs/unknown";
import { databaseKind, kindName } from "../preflight/database-kind";

/**
 * The failure for a Postgres database: deploy requests are a Vitess (MySQL) workflow ("This
 * command is not currently available for Postgres database clusters", PlanetScale's `pscale
 * deploy-request` docs). Asks PlanetScale for the kind with the same cached call the preview's
 * database check makes.
 */
export async function kindFailures(
  ctx: ProviderContext,
  inputs: Record<string, unknown>,
): Promise<pulumi.dynamic.CheckFailure[]> {
  const { organization, database } = inputs;
  if (typeof organization !== "string" || typeof database !== "string") return [];
  if (isUnknown(organization) || isUnknown(database)) return [];
  const kind = await databaseKind(ctx, organization, database);
  if (kind === "mysql") return [];
  return [
    {
      property: "database",
      reason: `'${database}' is a ${kindName(kind)} database, and deploy requests exist on ${kindName("mysql")} databases only: remove the DeployRequest, or point \`database\` at a MySQL database`,
    },
  ];
}
