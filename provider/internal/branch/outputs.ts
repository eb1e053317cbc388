import type { Branch as ApiBranch } from "../api/schemas";
import { dropUndefined, echoedInputs } from "../inputs/property-table";
import type { BranchInputs } from "./inputs";
import { BRANCH_PROPERTIES } from "./properties";
import { branchInfo } from "./report";

/** Inputs after `check`: the organization is always known, the name always set. */
export type ResolvedBranchInputs = BranchInputs & { organization: string; name: string };

/**
 * The full output state of a Branch: the inputs as given (see {@link BRANCH_PROPERTIES}), and what
 * PlanetScale reports. Values the server normalises (region, parent, cluster size) are reported as
 * the server has them; `diff` only compares them when the program sets them.
 */
export function toOutputs(branch: ApiBranch, inputs: ResolvedBranchInputs): Record<string, unknown> {
  const reported = branchInfo(branch);
  return dropUndefined({
    ...echoedInputs(BRANCH_PROPERTIES, inputs),
    ...reported,
    parentBranch: reported.parentBranch ?? inputs.parentBranch ?? null,
    region: reported.region ?? inputs.region ?? null,
    clusterSize: reported.clusterSize ?? inputs.clusterSize ?? null,
    state: reported.state ?? (branch.ready ? "ready" : "pending"),
  });
}
