import type { Branch as ApiBranch } from "../api/schemas";
import type { BranchInputs } from "./inputs";

/** Inputs after `check`: the organization is always known, the name always set. */
export type ResolvedBranchInputs = BranchInputs & { organization: string; name: string };

/** Keys of the outputs that echo inputs, so `diff` (which receives old outputs) can see them. */
export const INPUT_KEYS = [
  "organization",
  "database",
  "name",
  "namePrefix",
  "parentBranch",
  "region",
  "backupId",
  "seedData",
  "clusterSize",
  "deletionProtected",
  "safeMigrations",
  "deleteDescendants",
  "adopt",
  "readyTimeout",
] as const;

/**
 * The full output state of a Branch: what PlanetScale reports, and the inputs echoed. Values the
 * server normalises (region, parent, cluster size) are reported as the server has them; `diff`
 * only compares them when the program sets them.
 */
export function toOutputs(branch: ApiBranch, inputs: ResolvedBranchInputs): Record<string, unknown> {
  return dropUndefined({
    branchId: branch.id,
    organization: inputs.organization,
    database: inputs.database,
    name: branch.name,
    namePrefix: inputs.namePrefix,
    parentBranch: branch.parent_branch ?? inputs.parentBranch ?? null,
    region: branch.region?.slug ?? inputs.region ?? null,
    state: branch.state ?? (branch.ready ? "ready" : "pending"),
    ready: isReady(branch),
    production: branch.production ?? false,
    htmlUrl: branch.html_url ?? null,
    mysqlAddress: branch.mysql_address ?? null,
    mysqlEdgeAddress: branch.mysql_edge_address ?? null,
    clusterSize: branch.cluster_name ?? inputs.clusterSize ?? null,
    deletionProtected: branch.deletion_protected ?? false,
    safeMigrations: branch.safe_migrations ?? false,
    backupId: inputs.backupId,
    seedData: inputs.seedData,
    deleteDescendants: inputs.deleteDescendants,
    adopt: inputs.adopt,
    readyTimeout: inputs.readyTimeout,
    createdAt: branch.created_at ?? null,
    updatedAt: branch.updated_at ?? null,
  });
}

/** PlanetScale reports readiness in `state` (current) and `ready` (older clients). */
export function isReady(branch: Pick<ApiBranch, "state" | "ready">): boolean {
  return branch.state === "ready" || (branch.state == null && branch.ready === true);
}

/** The inputs as they stand after a refresh: the echoed inputs, with what drifted taken from the server. */
export function inputsFromOutputs(outputs: Record<string, unknown>, previousInputs: Record<string, unknown>) {
  const inputs: Record<string, unknown> = {};
  for (const key of INPUT_KEYS) {
    const previous = previousInputs[key];
    // Server-normalised values stay unset when the program never set them.
    if (previous === undefined && (key === "parentBranch" || key === "region" || key === "clusterSize"))
      continue;
    if (previous === undefined && (key === "deletionProtected" || key === "safeMigrations")) continue;
    const value = outputs[key];
    if (value !== undefined && value !== null) inputs[key] = value;
  }
  return inputs;
}

export function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
