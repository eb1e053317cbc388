import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "../dynamic/resource-implementation";
import { diffProperties } from "../inputs/property-diff";
import { isUnknown } from "../inputs/unknown";
import { BRANCH_PROPERTIES } from "./properties";

type Props = Record<string, unknown>;

/** What {@link BRANCH_PROPERTIES} says; a replacement keeping its name deletes the old branch first. */
export async function diff(
  _ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.DiffResult> {
  const { replaces, changes: changed } = diffProperties(BRANCH_PROPERTIES, olds, news);
  // Names are unique within a database: a replacement keeping its name must delete the old one first.
  const keepsName = isUnknown(news["name"]) || news["name"] === olds["name"];
  return {
    changes: replaces.length > 0 || changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && keepsName,
  };
}
