import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { diffProperties, dueForRotation } from "../inputs/property-diff";
import { isUnknown } from "../inputs/unknown";
import type { CredentialFlavor } from "./flavor";

type Props = Record<string, unknown>;

/**
 * What the flavor's property table says, plus: naming another branch replaces the credential (the
 * same branch by another name does not), and an expired credential, or one due for rotation, is
 * replaced.
 */
export async function diff(
  flavor: CredentialFlavor,
  ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.DiffResult> {
  const { replaces, changes } = diffProperties(flavor.properties, olds, news);
  if (!replaces.includes("database") && !(await sameBranch(ctx, olds, news))) replaces.push("branch");
  else if (news["branch"] !== olds["branch"]) changes.push("branch");
  // Expired, or due for rotation: a fresh credential, created before the old one is deleted.
  if (!replaces.includes("ttl") && dueForRotation(olds, news, Date.now())) replaces.push("expiresAt");
  return {
    changes: replaces.length > 0 || changes.length > 0,
    replaces,
    // Names are not unique: the new credential is created first, so the app never goes without one.
    deleteBeforeReplace: false,
  };
}

/**
 * Changing the branch only replaces the credential when it names another branch: the branch's
 * id, or a new name of the same branch (renamed in place), keeps it.
 */
async function sameBranch(ctx: ProviderContext, olds: Props, news: Props): Promise<boolean> {
  const next = news["branch"];
  if (next === olds["branch"] || next === olds["branchId"]) return true;
  if (typeof next !== "string" || isUnknown(next) || typeof olds["branchId"] !== "string") return false;
  try {
    const organization = String(news["organization"] ?? olds["organization"]);
    const database = String(news["database"] ?? olds["database"]);
    const branch = await branches.getBranch(ctx.client(), organization, database, next);
    return branch.id === olds["branchId"];
  } catch {
    return false;
  }
}
