import type { Branch as ApiBranch } from "../api/schemas";
import { outputsOf } from "../inputs/property-api";
import type { BranchInputs } from "./inputs";
import { BRANCH_PROPERTIES } from "./properties";
import { branchInfo } from "./report";

/** Inputs after `check`: the organization is always known, the name always set. */
export type ResolvedBranchInputs = BranchInputs & { organization: string; name: string };

/**
 * The full output state of a Branch, as {@link BRANCH_PROPERTIES} makes it: the inputs as given,
 * and what PlanetScale reports. Values the server normalises (region, parent, cluster size) are
 * reported as the server has them; `diff` only compares them when the program sets them.
 */
export function toOutputs(branch: ApiBranch, inputs: ResolvedBranchInputs): Record<string, unknown> {
  const outputs = outputsOf(BRANCH_PROPERTIES, inputs, branchInfo(branch), {});
  // An answer with `ready` but no `state` (older API versions): the state it implies. `getBranch`
  // reports such a state as null, as PlanetScale does.
  outputs["state"] = branch.state ?? (branch.ready ? "ready" : "pending");
  return outputs;
}
