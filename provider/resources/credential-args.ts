import type * as pulumi from "@pulumi/pulumi";
import { Branch } from "./branch";

/**
 * The branch of a {@link BranchPassword} or {@link BranchRole}: the {@link Branch} resource, or a
 * branch name or public id.
 */
export type BranchInput = pulumi.Input<string> | Branch;

/**
 * A Branch resource is addressed by its public id, which survives renames: renaming the branch in
 * place then changes nothing about the credential.
 *
 * The id is taken from the resource's `id` rather than its `branchId` output (the same value):
 * while a preview plans an in-place update of the branch, the engine keeps its `id` but reports
 * its outputs as the new inputs (a dynamic provider has no preview of its own), so `branchId`
 * would be unknown and the credential would preview as replaced. The `id` is unknown only when
 * the branch itself is created or replaced, which is exactly when the credential must follow.
 */
export function branchRef(branch: BranchInput): pulumi.Input<string> {
  return branch instanceof Branch ? branch.id : branch;
}
