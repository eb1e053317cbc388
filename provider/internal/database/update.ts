import type * as pulumi from "@pulumi/pulumi";
import * as databases from "../api/databases";
import * as organizations from "../api/organizations";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { inPlaceChange } from "../inputs/property-api";
import { readyTimeoutMs } from "../inputs/ready-timeout";
import { toOutputs } from "./outputs";
import { DATABASE_PROPERTIES } from "./properties";
import { settle } from "./settle";
import { resolved } from "./shared";

type Props = Record<string, unknown>;

/**
 * Renames the database in place when its name changed (addressed by its recorded name), then
 * settles what else changed: the settings by one PATCH, the default branch's size and replicas by
 * a resize, as {@link DATABASE_PROPERTIES} names each call.
 */
export async function update(
  ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(news);
  const client = ctx.client();
  const recordedName = typeof olds["name"] === "string" ? olds["name"] : inputs.name;
  const rename = inPlaceChange(DATABASE_PROPERTIES, "rename", inputs, olds);
  let database =
    rename === undefined
      ? await organizations.getDatabase(client, inputs.organization, recordedName)
      : await databases.updateDatabaseSettings(client, inputs.organization, recordedName, rename.body);
  // Also resumes a create that timed out waiting for readiness.
  database = await settle(ctx, inputs, database, olds, Date.now() + readyTimeoutMs(inputs));
  return { outs: toOutputs(database, inputs) };
}
