import { isDeepStrictEqual } from "node:util";
import { userInputs } from "../inputs/props";

type Props = Record<string, unknown>;

/**
 * Whether `inputs` (validated, with the organization and name filled in as `check` stores them) are
 * exactly the inputs the resource was last deployed with (`olds`). Then `check` asks PlanetScale
 * nothing: its lookups (the credential, the database and its kind) exist so that a wrong one fails
 * the preview before anything is made or changed, and a resource whose inputs did not change will
 * be neither. A no-change `preview` or `up` makes no API call; any new or changed resource in the
 * run still does the lookups, and `pulumi refresh` reads every resource.
 */
export function unchangedSinceDeployed(olds: Props, inputs: Props): boolean {
  const deployed = userInputs(olds);
  return Object.keys(deployed).length > 0 && isDeepStrictEqual(deployed, userInputs(inputs));
}
