import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { diffProperties } from "../inputs/property-diff";
import { isUnknown } from "../inputs/unknown";
import { DATABASE_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/** What {@link DATABASE_PROPERTIES} says; a replacement keeping its name deletes the old database first. */
export async function diff(
  _ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.DiffResult> {
  const { replaces, changes: changed } = diffProperties(DATABASE_PROPERTIES, olds, news);
  // Names are unique within an organization: a replacement keeping its name must delete the old one first.
  const keepsName = isUnknown(news["name"]) || news["name"] === olds["name"];
  return {
    changes: replaces.length > 0 || changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && keepsName,
  };
}
