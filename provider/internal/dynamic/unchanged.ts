import { isDeepStrictEqual } from "node:util";
import { sameInputs } from "../inputs/property-diff";
import type { PropertyTable } from "../inputs/property-table";
import { userInputs } from "../inputs/props";

type Props = Record<string, unknown>;

/**
 * Whether `inputs` (validated, with the organization and name filled in as `check` stores them) are
 * the inputs the resource was last deployed or refreshed with (`olds`). Then `check` asks
 * PlanetScale nothing: its lookups (the credential, the database and its kind) exist so that a
 * wrong one fails the preview before anything is made or changed, and a resource whose inputs did
 * not change will be neither. A no-change `preview` or `up` makes no API call; any new or changed
 * resource in the run still does the lookups, and `pulumi refresh` reads every resource.
 *
 * With the resource's property table, the inputs are compared as `diff` compares them (see
 * {@link sameInputs}): a refresh records what PlanetScale reports for the properties it defaults
 * (a branch's region, a password's `replica`), which the program leaves out, so an exact
 * comparison would send the next `up --refresh` back to PlanetScale for nothing. Without a table
 * the comparison is exact.
 */
export function unchangedSinceDeployed(olds: Props, inputs: Props, table?: PropertyTable): boolean {
  const deployed = userInputs(olds);
  if (Object.keys(deployed).length === 0) return false;
  const now = userInputs(inputs);
  return table === undefined ? isDeepStrictEqual(deployed, now) : sameInputs(table, deployed, now);
}
