import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { diffProperties, dueForRotation } from "../inputs/property-diff";
import { containsUnknown } from "../inputs/unknown";
import { desiredGrants, parseGrants, sameGrants } from "./grants";
import { API_TOKEN_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/**
 * What {@link API_TOKEN_PROPERTIES} says, plus: an expired token, or one due for rotation, is
 * replaced; accesses changed outside Pulumi (seen by refresh) are put back in place.
 */
export async function diff(
  _ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.DiffResult> {
  const { replaces, changes } = diffProperties(API_TOKEN_PROPERTIES, olds, news);
  // Expired, or due for rotation: replace with a fresh token (created before the old one is deleted).
  if (!replaces.includes("expiresAt") && dueForRotation(olds, news, Date.now())) replaces.push("expiresAt");
  if (!grantsMatch(news, olds)) changes.push("grants");
  return {
    changes: replaces.length > 0 || changes.length > 0,
    replaces,
    // Token names are not unique: the new token is created first, so consumers never go without one.
    deleteBeforeReplace: false,
  };
}

function grantsMatch(news: Props, olds: Props): boolean {
  const keys = ["organization", "scopes", "permissions", "databases"];
  if (keys.some((k) => containsUnknown(news[k])) || typeof news["organization"] !== "string") return true;
  const wanted = desiredGrants(news["organization"], {
    scopes: stringList(news["scopes"]),
    permissions: stringList(news["permissions"]),
    databases: stringList(news["databases"]),
  });
  return sameGrants(wanted, parseGrants(olds["grants"]));
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}
